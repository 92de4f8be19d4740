"""`gridwatch check-config --json` reports the responsibility list of the sample district."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from gridwatch.cli.main import app
from tests.conftest import SAMPLE


def test_check_config_reports_1770_duty_items_134_matters_and_no_dangling_links():
    result = CliRunner().invoke(app, ["check-config", str(SAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["duty_items"] == 1770
    assert counts["enforcement_matters"] == 134
    assert counts["dangling_links"] == 0
    assert counts["enterprises"] == 260
    assert counts["devices"] == 350  # the rest of the district is still there

"""The top-level command listing is served without importing the commands' heavy modules."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from gridwatch.cli.main import COMMANDS, app, load_command

HEAVY = ("onnxruntime", "cv2", "sqlalchemy", "fastapi", "faust", "redis", "numpy")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_listing_line_is_the_commands_own_help(name: str) -> None:
    real = " ".join((load_command(name).help or "").split())
    assert real.startswith(COMMANDS[name].help), f"{name}: update COMMANDS in cli/main.py"


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from gridwatch.cli.main import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output

"""Restarts of the embedded default: what its Valkey holds (incident memory, cooldowns) is kept
in the data directory, as an external Redis would keep it, so a restarted demo does not report
the same incident again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from gridwatch.config.settings import Settings
from gridwatch.runtime import embedded
from gridwatch.store.repository import Store, sqlite_url
from tests.conftest import MINIMAL, ROOT

KEY = "gridwatch:test:survives-restart"


def test_a_second_start_on_the_same_data_dir_finds_what_the_first_wrote(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, redis_url=None, db_url=None)
    first = embedded.open_services(settings)
    first.hot.r.set(KEY, "1")
    first.close()  # a clean shutdown, with no wait for the once-a-second fsync

    second = embedded.open_services(settings)
    try:
        assert second.hot.r.get(KEY) in (b"1", "1")
    finally:
        second.close()


def test_fresh_forgets_the_embedded_valkey_with_the_database(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, redis_url=None, db_url=None)
    first = embedded.open_services(settings)
    first.hot.r.set(KEY, "1")
    first.close()

    embedded.forget_embedded_state(settings)
    second = embedded.open_services(settings)
    try:
        assert second.hot.r.get(KEY) is None
    finally:
        second.close()


def _demo(data_dir: Path) -> dict:  # type: ignore[type-arg]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridwatch.cli.main",
            "demo",
            "--config",
            str(MINIMAL),
            "--duration",
            "40",  # the van parks long enough to be reported about 30 s into vtest.avi
            "--headless",
            "--json",
            "--no-fresh",
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_three_demo_restarts_report_the_parked_van_once(tmp_path: Path):
    summaries = [_demo(tmp_path) for _ in range(3)]
    by_run = [s["events_by_type"] for s in summaries]
    assert by_run[0].get("lane_occupation") == 1, "the first run did not report the van"
    assert by_run[-1].get("lane_occupation") == 1, by_run
    store = Store(sqlite_url(tmp_path / "gridwatch.db"))
    try:
        with store.engine.connect() as conn:
            van_tasks = conn.execute(
                text(
                    "SELECT count(*) FROM tasks JOIN events USING (event_id)"
                    " WHERE events.event_type = 'lane_occupation'"
                )
            ).scalar_one()
    finally:
        store.engine.dispose()
    assert van_tasks == 1, by_run

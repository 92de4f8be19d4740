"""Pixels to a dispatched task in the embedded runtime: the walking skeleton end to end."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from gridwatch.config.loader import load_district
from gridwatch.config.settings import Settings
from gridwatch.runtime.embedded import EmbeddedRuntime, open_services
from tests.conftest import MINIMAL, ROOT


def test_vtest_van_becomes_a_dispatched_lane_occupation_task(tmp_path: Path, redis_url: str):
    settings = Settings(data_dir=tmp_path, redis_url=redis_url, db_url=None)
    services = open_services(settings)
    # The minimal district's river gauge rises into a flood emergency, which by design mutes
    # minor AI events of its grid; this test is about the camera path, so the gauges stay off.
    district = load_district(MINIMAL)
    algorithms = [
        a.model_copy(update={"mode": "off"}) if a.kind == "sensor" else a
        for a in district.algorithms
    ]
    district = district.model_copy(update={"algorithms": algorithms})
    rt = EmbeddedRuntime(MINIMAL, services, settings, district=district, realtime=False)
    rt.start()
    try:
        deadline = time.monotonic() + 90
        # Sensor algorithms may open tasks first: wait for the van's.
        while time.monotonic() < deadline and not any(
            e.event_type == "lane_occupation" for e in services.store.list_events(limit=50)
        ):
            time.sleep(0.5)
    finally:
        rt.stop()
    summary = rt.summary()
    services.close()
    lane = [e for e in summary["event_list"] if e["event_type"] == "lane_occupation"]
    assert len(lane) == 1, summary
    e = lane[0]
    assert e["device_id"] == "cam-0001"
    assert Path(e["evidence_path"]).is_file()
    assert e["task_state"] == "dispatched"
    assert e["assignee"] == "squad:sq-traffic" and e["plan"] not in (None, "root")
    assert summary["frames_analysed"] >= 20


def test_demo_command_runs_headless_and_prints_a_json_summary(tmp_path: Path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridwatch.cli.main",
            "demo",
            "--config",
            str(MINIMAL),
            "--duration",
            "40",
            "--headless",
            "--json",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout)
    lane = [e for e in summary["event_list"] if e["event_type"] == "lane_occupation"]
    assert lane and lane[0]["device_id"] == "cam-0001"
    assert Path(lane[0]["evidence_path"]).is_file()
    assert summary["tasks_by_state"].get("dispatched", 0) >= 1
    assert summary["frames_analysed"] > 0

"""Each process exports only the metrics that apply to it: the broker's health comes from a
process that probes a broker, never from the embedded runtime, which has none. Each check runs in
a process of its own, since Prometheus' registry is the process's."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _exported(script: str) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [line for line in proc.stdout.splitlines() if line.startswith("gridwatch_broker")]


def test_the_embedded_runtime_exports_no_broker_health_even_beside_the_stream_modules():
    # The embedded runtime's /metrics handler, in a process that has also loaded the scale-out
    # modules (as a test run or a tool that uses both does).
    lines = _exported(
        "import gridwatch.runtime.embedded, gridwatch.streams.app\n"
        "from gridwatch.ops.routers.metrics import metrics\n"
        "print(metrics().body.decode())\n"
    )
    assert lines == []


def test_a_broker_probe_exports_the_broker_health():
    lines = _exported(
        "from prometheus_client import generate_latest\n"
        "from gridwatch.streams.broker_probe import BrokerProbe\n"
        "probe = BrokerProbe('kafka://127.0.0.1:9', timeout=0.5)\n"
        "print(generate_latest().decode())\n"
        "probe.check()\n"  # nothing answers on port 9
        "print(generate_latest().decode())\n"
    )
    assert lines.count("gridwatch_broker_up 1.0") == 1
    assert lines.count("gridwatch_broker_up 0.0") == 1
    assert "gridwatch_broker_outages_total 1.0" in lines

"""A wheel built from the checkout runs the demo from any directory: the sample district, the
models and the demo media travel inside it (setup.py bundles them, gridwatch.resources finds
them)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _uv() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found is None:
        pytest.fail("uv is not installed: `make install` puts it in the environment")
    return found


def test_wheel_runs_the_demo_outside_the_checkout(tmp_path: Path) -> None:
    uv = _uv()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDWATCH_", "VIRTUAL_ENV"))}
    src = tmp_path / "src"  # a copy, so the build leaves no build/ or dist/ in the checkout
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", ".*cache"),
    )
    subprocess.run(
        [uv, "build", "--wheel", "-q", "--out-dir", str(tmp_path / "dist")],
        cwd=src,
        env=env,
        check=True,
    )
    wheel = next((tmp_path / "dist").glob("gridwatch-*.whl"))
    requirements = tmp_path / "requirements.txt"
    subprocess.run(
        [
            uv,
            "export",
            "--frozen",
            "--no-emit-project",
            "--no-hashes",
            "-q",
            "-o",
            str(requirements),
        ],
        cwd=src,
        env=env,
        check=True,
    )
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], env=env, check=True)
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            str(venv / "bin" / "python"),
            "-r",
            str(requirements),
            str(wheel),
        ],
        env=env,
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [str(venv / "bin" / "gridwatch"), "demo", "--headless", "--duration", "30", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert summary["events_by_type"].get("lane_occupation", 0) >= 1, summary["events_by_type"]
    bundled = venv.glob("lib/python*/site-packages/gridwatch/_bundled/models/nanodet.onnx")
    assert list(bundled), "the wheel carries no model"

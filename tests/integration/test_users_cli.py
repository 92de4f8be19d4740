"""`gridwatch users add` creates accounts a real deployment signs in with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from gridwatch.config.loader import load_district
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store, sqlite_url
from tests.conftest import MINIMAL, ROOT


def gridwatch(
    data: Path, *args: str, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRIDWATCH_DATA_DIR": str(data)}
    env.pop("GRIDWATCH_DB_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "gridwatch.cli.main", *args],
        input=(password + "\n") if password is not None else None,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_an_added_grid_leader_signs_in_and_sees_their_grid(tmp_path: Path):
    add = [
        "users",
        "add",
        "gl500",
        "--role",
        "grid_leader",
        "--grid",
        "g003",
        "--name",
        "王芳",
        "--config",
        str(MINIMAL),
        "--password-stdin",
    ]
    r = gridwatch(tmp_path, *add, password="long-secret-1")
    assert r.returncode == 0, r.stderr
    assert gridwatch(tmp_path, *add, password="long-secret-1").returncode == 1  # exists
    bad = gridwatch(
        tmp_path,
        "users",
        "add",
        "x1",
        "--role",
        "grid_leader",
        "--grid",
        "g999",
        "--name",
        "x",
        "--config",
        str(MINIMAL),
        "--password-stdin",
        password="long-secret-1",
    )
    assert bad.returncode == 2 and "g999" in bad.stderr
    short = gridwatch(
        tmp_path,
        "users",
        "add",
        "x2",
        "--role",
        "duty_officer",
        "--name",
        "x",
        "--config",
        str(MINIMAL),
        "--password-stdin",
        password="short",
    )
    assert short.returncode == 2 and "at least 8" in short.stderr
    listed = json.loads(gridwatch(tmp_path, "users", "list", "--json").stdout)
    assert listed == [
        {"user_id": "gl500", "name": "王芳", "role": "grid_leader", "grid": "g003", "squad": None}
    ]
    store = Store(sqlite_url(tmp_path / "gridwatch.db"))
    app = create_app(OpsContext(load_district(MINIMAL), store, EvidenceStore(tmp_path / "ev")))
    me = TestClient(app).post(
        "/api/auth/login", json={"user_id": "gl500", "password": "long-secret-1"}
    )
    assert me.status_code == 200 and me.json()["me"]["community"] == "c02"
    store.engine.dispose()

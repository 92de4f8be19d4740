"""End-to-end fixtures: the real web app served by uvicorn on a free port, real SQL and Redis,
the real detector pipeline, and Debian's headless Chromium driven by Playwright.

The district is the minimal sample with two changes made the way an operator would make them:
lane occupation in the village community goes to the village's grid force (so a grid leader
handles it on the phone), and its events wait for the duty officer's confirmation.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml

from gridwatch.config.loader import load_district
from gridwatch.config.schema import District
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.runtime.clock import utc_now
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store, sqlite_url
from tests.conftest import MINIMAL, ROOT, VTEST

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
PASSWORD = "e2e-pass-123"
DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
# With GRIDWATCH_SCREENSHOTS=1 these test pictures are also saved, small, as the user guides'
# screenshots (docs/guides/): test picture name → docs/assets/screenshots/<name>.png.
DOC_SHOTS = ROOT / "docs" / "assets" / "screenshots"
FOR_DOCS = {
    "pages/ops-wall-1920x1080": "ops-wall",
    "pages/ops-tasks-1920x1080": "ops-tasks",
    "pages/ops-task-1920x1080": "ops-task",
    "pages/ops-map-1920x1080": "ops-map",
    "pages/ops-devices-1920x1080": "ops-devices",
    "pages/ops-kpis-1920x1080": "ops-kpis",
    "pages/ops-plans-1920x1080": "ops-plans",
    "pages/ops-emergency-1920x1080": "ops-emergency",
    "pages/field-inbox-390x844": "field-inbox",
    "pages/field-task-390x844": "field-task",
    "pages/field-emergencies-390x844": "field-emergencies",
    "pages/field-clue-filled-390x844": "field-clue",
    "05-phone-feedback": "field-feedback",
}
DOC_WIDTH = 1280  # desktop pictures shrink to this; phone pictures to the phone's CSS width
DOC_COLOURS = 128  # a palette PNG of a web page stays readable and small


def e2e_district_dir(target: Path) -> Path:
    shutil.copytree(MINIMAL, target)
    devices = yaml.safe_load((target / "devices.yaml").read_text(encoding="utf-8"))
    # cameras only: simulated sensors run flat out when the runtime is not real-time
    cams = [d for d in devices["devices"] if d["kind"] == "camera"]
    for cam in cams:
        if cam["source"]["kind"] == "file":
            cam["source"].update(path=str(VTEST), loop=False)
    (target / "devices.yaml").write_text(yaml.safe_dump({"devices": cams}, allow_unicode=True))
    algos = yaml.safe_load((target / "algorithms.yaml").read_text(encoding="utf-8"))
    for a in algos["algorithms"]:
        if a["id"] == "lane_occupation":
            a["review"] = "confirm"
    (target / "algorithms.yaml").write_text(yaml.safe_dump(algos, allow_unicode=True))
    plans = yaml.safe_load((target / "plans.yaml").read_text(encoding="utf-8"))
    for route in plans["route"]["routes"]:
        if route["id"] == "plan-lane-occupation":
            route["routes"] = [
                {
                    "id": "plan-lane-occupation-village",
                    "name": "村道机动车占道分拨预案",
                    "matchers": ['community="c01"'],
                    "receiver": "grid_force:{community}",
                }
            ]
    (target / "plans.yaml").write_text(yaml.safe_dump(plans, allow_unicode=True))
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    url: str
    config_dir: Path
    district: District
    store: Store
    hot: HotState
    evidence: EvidenceStore
    data_dir: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, redis_server: str) -> Iterator[Site]:
    import redis

    redis.Redis.from_url(redis_server).flushdb()
    base = tmp_path_factory.mktemp("e2e")
    config_dir = e2e_district_dir(base / "district")
    district = load_district(config_dir)
    store = Store(sqlite_url(base / "gridwatch.db"))
    store.migrate()
    create_demo_accounts(store, district, PASSWORD, utc_now)
    hot = HotState(redis_server)
    evidence = EvidenceStore(base / "evidence")
    app = create_app(OpsContext(district, store, evidence, hot))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,  # open live feeds would hold the shutdown
        )
    )
    thread = threading.Thread(target=server.run, name="e2e-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "web server did not start"
    yield Site(f"http://127.0.0.1:{port}", config_dir, district, store, hot, evidence, base)
    server.should_exit = True
    thread.join(timeout=10)
    store.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: run scripts/test-deps.sh (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def new_page(browser: Any, site: Site, viewport: dict[str, int], *, phone: bool = False) -> Any:
    context = browser.new_context(
        viewport=viewport,
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=site.url,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


def sign_in(page: Any, user: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#user_id", user)
    page.fill("#password", password)
    page.click("#login")
    page.wait_for_url(lambda url: "/login" not in url)


def shot(page: Any, name: str, *, full_page: bool = False) -> Path:
    """A picture for people to look at after the run (test-artifacts/e2e/NAME.png), and, with
    GRIDWATCH_SCREENSHOTS=1, the documentation's copy when NAME is one of FOR_DOCS."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    if os.environ.get("GRIDWATCH_SCREENSHOTS") == "1" and name in FOR_DOCS:
        save_for_docs(page.screenshot(), page.viewport_size["width"], FOR_DOCS[name])
    return path


def save_for_docs(png: bytes, css_width: int, name: str) -> Path:
    """What the viewport shows, at CSS pixels (at most DOC_WIDTH wide), as a palette PNG."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    width = min(DOC_WIDTH, css_width)
    height = round(image.height * width / image.width)
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    small = image.quantize(colors=DOC_COLOURS, dither=Image.Dither.NONE)
    DOC_SHOTS.mkdir(parents=True, exist_ok=True)
    path = DOC_SHOTS / f"{name}.png"
    small.save(path, optimize=True)
    return path

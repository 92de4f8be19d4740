"""Every page at 1920×1080 and at 390×844: renders its data, raises no script error, has no
sideways scrolling, in zh-CN and in English. Screenshots go to test-artifacts/e2e/pages/ (and,
with GRIDWATCH_SCREENSHOTS=1, the user guides' ones to docs/assets/screenshots/)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import cv2
import pytest

from gridwatch.detect.annotate import draw_evidence, encode_jpeg
from gridwatch.dispatch.emergencies import EmergencyService
from gridwatch.dispatch.notifications import Notifier
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Event
from gridwatch.domain.muting import new_silence
from gridwatch.domain.tasks import Action, Actor, Role
from gridwatch.runtime.clock import utc_now
from gridwatch.store.silences import Silences
from tests.conftest import MEDIA, VTEST
from tests.e2e.conftest import DESKTOP, PHONE, Site, new_page, shot, sign_in

pytestmark = pytest.mark.browser

DUTY = Actor("duty", Role.DUTY_OFFICER)
OPS_PAGES = {
    "wall": ("/ops/wall", "article.alert"),
    "tasks": ("/ops/tasks", ".tcard"),
    "map": ("/ops/map", "svg.map polygon.grid-cell"),
    "grid": ("/ops/grids/g001", "#grid table"),
    "devices": ("/ops/devices", "#devices tbody tr"),
    "kpis": ("/ops/kpis", "#unit-league tbody tr"),
    "plans": ("/ops/plans", "#coverage-value"),
    "emergency": ("/ops/emergency", "[data-activation] [data-item]"),
    "users": ("/ops/users", "#activity tbody tr"),
}
FIELD_PAGES = {
    "inbox": ("/m/inbox", "a.mtask"),
    "emergencies": ("/m/emergencies", "[data-activation] [data-item]"),
    "clue": ("/m/clue", "svg.minimap"),
}


@pytest.fixture(scope="module")
def seeded(site: Site) -> Site:
    """A day's worth of variety: a held AI event with its evidence, dispatched and overdue
    tasks, a silence and an event it muted, a drill under way, a camera online."""
    cap = cv2.VideoCapture(str(VTEST))
    ok, frame = cap.read()
    cap.release()
    assert ok
    picture = draw_evidence(
        frame,
        [(0.8, 0.03), (0.95, 0.03), (0.95, 0.24), (0.8, 0.24)],
        (652, 43, 723, 97),
        "lane_occupation truck 0.45",
    )
    site.evidence.put("seed/van.jpg", encode_jpeg(picture))
    now = utc_now()
    past = DispatchStage(site.district, site.store, site.hot, lambda: now - timedelta(hours=5))
    fresh = DispatchStage(site.district, site.store, site.hot, utc_now)
    d = site.district

    def event(i: int, event_type: str, grid: str, source: str = "ai", **kw: Any) -> Event:
        return Event(
            f"evt-seed{i:04d}",
            event_type,
            source,
            now - timedelta(minutes=i),  # type: ignore[arg-type]
            grid,
            d.grid(grid).community,
            "minor",
            d.algorithm(event_type).name
            if event_type in {a.id for a in d.algorithms}
            else event_type,
            **kw,
        )

    fresh.handle_event(
        event(
            1,
            "lane_occupation",
            "g001",
            device_id="cam-0001",
            algorithm="lane_occupation",
            confidence=0.45,
            evidence_path="seed/van.jpg",
            model_version="nanodet@seed",
            description="truck in lane zone lane-east for 20 s",
        ),
        hold=True,
    )
    t2 = fresh.handle_event(  # no device (a patrol car's camera): not grouped with the first
        event(
            2,
            "lane_occupation",
            "g001",
            algorithm="lane_occupation",
            confidence=0.41,
            evidence_path="seed/van.jpg",
        )
    )
    past.handle_event(event(3, "garbage_dumping", "g001", source="grid_leader"))  # overdue
    past.handle_event(event(4, "water_level", "g002", algorithm="water_level", confidence=0.9))
    t5 = fresh.handle_event(event(5, "garbage_dumping", "g003", source="grid_leader"))
    site.store.act(
        t5.task_id,
        Action.ACCEPT,
        Actor("gl003", Role.GRID_LEADER, grid="g003", community="c02"),
        now,
    )
    site.store.act(
        t2.task_id,
        Action.ACCEPT,
        Actor("gl001", Role.GRID_LEADER, grid="g001", community="c01"),
        now,
    )
    Silences(site.store).add(
        new_silence(
            ['event_type="loitering"'],
            now - timedelta(minutes=30),
            now + timedelta(hours=2),
            "duty",
            "crowd event at the market",
            now - timedelta(minutes=30),
        )
    )
    fresh.handle_event(  # muted by the silence: kept, shown, and the desk may still file it
        event(6, "loitering", "g002", device_id="cam-0002", algorithm="loitering", confidence=0.6)
    )
    drills = EmergencyService(
        d, site.store, Notifier(d, site.store, None), lambda: now - timedelta(minutes=20)
    )
    _, items, _ = drills.activate("ep-01", DUTY, drill=True, note="季度演练")
    drills.complete_item(items[0].item_id, DUTY, "")
    site.hot.heartbeat("cam-0001", now, state="online", fps="1.0")
    site.hot.put_thumbnail("cam-0001", encode_jpeg(cv2.resize(frame, (320, 240))), now)
    return site


def no_sideways_scroll(page: Any) -> bool:
    # against the configured width: a phone browser widens its layout to fit what overflows
    width = page.viewport_size["width"]
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {width} + 1"))


def visit(page: Any, name: str, url: str, ready: str, size: str) -> None:
    page.goto(url)
    page.wait_for_selector(ready)
    page.wait_for_timeout(400)  # pictures and charts settle
    assert no_sideways_scroll(page), f"{url} scrolls sideways at {size}"
    shot(page, f"pages/{name}-{size}", full_page=True)


@pytest.mark.parametrize(("size", "viewport"), [("1920x1080", DESKTOP), ("390x844", PHONE)])
def test_ops_pages_render_for_the_duty_officer(
    browser: Any, seeded: Site, size: str, viewport: dict[str, int]
):
    page = new_page(browser, seeded, viewport, phone=viewport is PHONE)
    sign_in(page, "duty")
    for name, (url, ready) in OPS_PAGES.items():
        visit(page, f"ops-{name}", url, ready, size)
    tid = page.evaluate("fetch('/api/tasks').then(r => r.json()).then(t => t[0].task_id)")
    visit(page, "ops-task", f"/ops/tasks/{tid}", "#routing", size)
    assert page.js_errors == []


@pytest.mark.parametrize(("size", "viewport"), [("390x844", PHONE), ("1920x1080", DESKTOP)])
def test_field_pages_render_for_a_grid_leader(
    browser: Any, seeded: Site, size: str, viewport: dict[str, int]
):
    page = new_page(browser, seeded, viewport, phone=viewport is PHONE)
    sign_in(page, "gl001")
    for name, (url, ready) in FIELD_PAGES.items():
        visit(page, f"field-{name}", url, ready, size)
    visit(page, "field-inbox-doing", "/m/inbox?tab=doing", "#list", size)
    page.goto("/m/inbox")
    page.click("a.mtask")
    page.wait_for_selector("#audit, .timeline, .muted")
    visit(page, "field-task", page.url, "dl.kv", size)
    assert page.js_errors == []
    # the ops centre is closed to grid leaders
    assert page.goto("/ops/wall").status == 403


def test_a_grid_leader_reports_a_clue_with_photo_and_place(browser: Any, seeded: Site):
    page = new_page(browser, seeded, PHONE, phone=True)
    sign_in(page, "gl001")
    page.goto("/m/clue")
    page.wait_for_selector("svg.minimap")
    page.select_option("select[name=event_type]", "garbage_dumping")
    page.fill("textarea[name=description]", "河边有人倾倒建筑垃圾，约两车")
    page.set_input_files("input[name=photo]", str(MEDIA / "dog.jpg"))
    page.locator("svg.minimap polygon").click()  # the middle of the leader's grid
    page.wait_for_selector("circle.pick:not(.hidden)")
    shot(page, "pages/field-clue-filled-390x844")
    page.click("#send")
    page.wait_for_selector("#done:not(.hidden)")
    shot(page, "pages/field-clue-sent-390x844")
    clue = [e for e in seeded.store.list_events(limit=50) if e.reporter == "gl001"]
    assert len(clue) == 1 and clue[0].grid == "g001" and clue[0].source == "grid_leader"
    assert clue[0].evidence_path and clue[0].evidence_path.startswith("photos/gl001/")
    task = seeded.store.task_for_event(clue[0].event_id)
    assert task.assignee == "grid_force:c01" and task.state.value == "dispatched"
    assert page.js_errors == []


def test_pages_switch_to_english(browser: Any, seeded: Site):
    page = new_page(browser, seeded, DESKTOP)
    sign_in(page, "duty")
    page.goto("/ops/tasks?lang=en")
    page.wait_for_selector(".tcard")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Task board"
    page.goto("/ops/wall")  # the choice sticks
    page.wait_for_selector("article.alert")
    assert page.locator("h1").inner_text() == "Live alert wall"
    shot(page, "pages/ops-wall-en-1920x1080")
    assert page.js_errors == []

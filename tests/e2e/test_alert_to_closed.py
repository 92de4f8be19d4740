"""The whole loop in real browsers: a duty officer watches the alert wall while the real
detector finds the parked van in vtest.avi; the event appears live, the officer confirms it,
the grid leader accepts it on a phone and reports back with a photo, the officer verifies and
closes it. Screenshots of every step land in test-artifacts/e2e/."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from gridwatch.config.settings import Settings
from gridwatch.runtime.embedded import EmbeddedRuntime, Services
from tests.conftest import MEDIA
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, Site, new_page, shot, sign_in

pytestmark = pytest.mark.browser


def run_detector_until_an_event(site: Site) -> dict[str, Any]:
    """Play vtest.avi through the real pipeline (flat out) until the first event is stored."""
    services = Services(site.store, site.hot, site.evidence)
    settings = Settings(data_dir=site.data_dir, redis_url=site.hot.url, db_url=site.store.url)
    rt = EmbeddedRuntime(
        site.config_dir, services, settings, district=site.district, realtime=False
    )
    rt.start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not site.store.task_counts():
            time.sleep(0.2)
    finally:
        rt.stop()
    return rt.summary()


def test_officer_confirms_live_ai_event_and_grid_leader_closes_it_from_a_phone(
    browser: Any, site: Site
):
    officer = new_page(browser, site, DESKTOP)
    sign_in(officer, "duty")
    assert officer.url.endswith("/ops/wall")
    officer.wait_for_selector("#live.on")  # the live feed is connected
    officer.evaluate("window.__sameDocument = true")
    shot(officer, "01-wall-waiting")

    # the real detector runs while the officer watches; nobody reloads the page
    pipeline: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: pipeline.update(run_detector_until_an_event(site)))
    worker.start()
    card = officer.wait_for_selector("article.alert[data-state=reported]", timeout=120_000)
    worker.join(timeout=120)
    assert officer.evaluate("window.__sameDocument") is True, "the wall reloaded"
    event_id = card.get_attribute("data-event-id")
    task_id = card.get_attribute("data-task-id")
    stored = site.store.get_event(event_id)
    assert stored.event_type == "lane_occupation" and stored.device_id == "cam-0001"
    assert card.query_selector("img") is not None  # the evidence picture with box and zone
    assert site.evidence.path(stored.evidence_path).is_file()
    shown = officer.evaluate("window.gwLastLive")
    latency = {
        "event_id": event_id,
        "stored_at": stored.received_at.isoformat(),
        "shown_at_ms": shown["shown_at"],
        "stored_to_shown_ms": shown["shown_at"] - stored.received_at.timestamp() * 1000,
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "live-latency.json").write_text(json.dumps(latency, indent=2))
    officer.wait_for_timeout(300)  # let the evidence picture paint
    shot(officer, "02-wall-new-ai-event")

    card.query_selector("button[data-act=confirm]").click()
    officer.wait_for_selector(f"article.alert[data-task-id='{task_id}'][data-state=dispatched]")
    task = site.store.get_task(task_id)
    assert task.assignee == "grid_force:c01" and task.handle_by is not None
    shot(officer, "03-wall-confirmed")

    # the grid leader of g001 on a phone
    leader = new_page(browser, site, PHONE, phone=True)
    sign_in(leader, "gl001")
    assert leader.url.endswith("/m/inbox")
    leader.click(f"a.mtask[data-task-id='{task_id}']")
    leader.wait_for_selector("button[data-act=accept]")
    shot(leader, "04-phone-task")
    leader.click("button[data-act=accept]")
    leader.wait_for_selector("#feedback-form")
    leader.fill("#feedback-form textarea", "车辆已驶离，已提醒车主不得占道停放")
    leader.set_input_files("#feedback-form input[type=file]", str(MEDIA / "person.jpg"))
    leader.wait_for_selector("#feedback-form img:not(.hidden)")
    leader.locator("#feedback-form button[type=submit]").scroll_into_view_if_needed()
    shot(leader, "05-phone-feedback")
    leader.click("#feedback-form button[type=submit]")
    leader.wait_for_selector("#audit li[data-action=feedback] img")
    leader.locator("#audit li[data-action=feedback] img").scroll_into_view_if_needed()
    leader.wait_for_timeout(200)
    shot(leader, "06-phone-reported-back")

    # the officer verifies the photo and closes the task
    officer.goto(f"/ops/tasks/{task_id}")
    officer.wait_for_selector("#audit li[data-action=feedback] img")
    officer.click("button[data-act=verify]")
    officer.wait_for_selector("dialog select[name=verdict]")  # confirmed, or a false alarm
    officer.click("dialog button[value=ok]")
    officer.wait_for_selector("button[data-act=close]")
    officer.click("button[data-act=close]")
    officer.wait_for_selector(".badge[data-state=closed]")
    shot(officer, "07-task-closed", full_page=True)

    trail = site.store.audit_trail(task_id)
    assert [(a.action.value, a.actor) for a in trail] == [
        ("file", "duty"),
        ("dispatch", "duty"),
        ("accept", "gl001"),
        ("feedback", "gl001"),
        ("verify", "duty"),
        ("close", "duty"),
    ]
    photo = trail[3].attachment
    assert photo is not None and photo.startswith("photos/gl001/")
    assert site.evidence.path(photo).read_bytes()[:3] == b"\xff\xd8\xff"  # re-encoded JPEG
    assert pipeline["frames_analysed"] > 0
    assert officer.js_errors == [] and leader.js_errors == []

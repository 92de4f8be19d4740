"""On a phone, a river squad member opens the field app's emergency checklist from the tab bar,
ticks off the squad's step of a running flood drill with a note, and the tick is audited."""

from __future__ import annotations

from typing import Any

import pytest

from gridwatch.dispatch.emergencies import EmergencyService
from gridwatch.dispatch.notifications import Notifier
from gridwatch.domain.tasks import Actor, Role
from gridwatch.runtime.clock import utc_now
from gridwatch.store import activity
from tests.e2e.conftest import PHONE, Site, new_page, shot, sign_in

pytestmark = pytest.mark.browser


def test_a_squad_member_ticks_off_the_squads_step_on_the_phone(browser: Any, site: Site):
    d = site.district
    svc = EmergencyService(d, site.store, Notifier(d, site.store, None), utc_now)
    a, items, _ = svc.activate("ep-01", Actor("duty", Role.DUTY_OFFICER), drill=True)
    [river] = [i for i in items if i.unit == "squad:sq-river"]

    page = new_page(browser, site, PHONE, phone=True)
    sign_in(page, "sq-river-member")
    page.click(".tabbar a[href='/m/emergencies']")
    step = page.locator(f"[data-activation='{a.activation_id}'] [data-item='{river.item_id}']")
    step.locator("button[data-act=done]").wait_for()
    assert page.locator("[data-item]").count() == 1  # only the squad's own step
    shot(page, "field-checklist-open", full_page=True)

    step.locator("input[name=note]").fill("河道巡查完毕，未见险情")
    step.locator("button[data-act=done]").click()
    page.wait_for_selector(f"[data-item='{river.item_id}'][data-done=true]")
    assert step.locator("button").count() == 0
    assert "河道巡查完毕，未见险情" in step.inner_text()
    shot(page, "field-checklist-ticked", full_page=True)

    done = svc.emergencies.items(a.activation_id)
    assert [i.done_by for i in done if i.item_id == river.item_id] == ["sq-river-member"]
    log = activity.recent(site.store, action="emergency_step")
    assert [(r.actor, r.subject) for r in log] == [("sq-river-member", river.item_id)]
    assert page.js_errors == []

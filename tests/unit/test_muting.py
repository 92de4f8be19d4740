"""Silences (camera maintenance) and inhibit rules (an active flood emergency mutes minor
events in its grids): what is muted, when, and why."""

from datetime import UTC, datetime, timedelta

import pytest

from gridwatch.config.schema import EmergencyPlan, InhibitRule
from gridwatch.domain.emergency import activate, inhibit_sources, stand_down
from gridwatch.domain.muting import SilenceError, inhibited, mute_reason, new_silence, silenced
from gridwatch.domain.tasks import Actor, Role

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
CAM = {
    "event_type": "lane_occupation",
    "device": "cam-0001",
    "grid": "g001",
    "community": "c01",
    "severity": "minor",
    "source": "ai",
}
FLOOD_RULE = InhibitRule(
    id="flood-mutes-minor",
    source_matchers=['hazard=~"flash_flood|waterlogging"'],
    target_matchers=['severity="minor"', 'source="ai"'],
    equal=["grid"],
)
FLOOD_PLAN = EmergencyPlan.model_validate(
    {
        "id": "ep-08",
        "name": "华岩村山洪灾害防御预案",
        "hazard": "flash_flood",
        "triggers": ["water_level"],
        "posts": ["街道应急办"],
        "communities": ["c01"],
        "grids": ["g001", "g002"],
        "checklist": [{"step": "发布预警", "unit": "brigade", "within": "10m"}],
    }
)
GRIDS = {"g001": "c01", "g002": "c01", "g003": "c02"}
LEADERS = {"g001": "gl001", "g002": "gl002", "g003": "gl003"}


def maintenance(**kw):
    args = {
        "matchers": ['device="cam-0001"'],
        "starts_at": T0,
        "ends_at": T0 + timedelta(hours=2),
        "author": "engineer",
        "comment": "镜头更换",
        "now": T0,
    } | kw
    return new_silence(**args)


def test_silence_mutes_matching_events_only_while_in_force():
    s = maintenance()
    assert silenced(CAM, [s], T0 - timedelta(seconds=1)) is None
    muted = silenced(CAM, [s], T0 + timedelta(hours=1))
    assert muted is not None and muted.by == f"silence:{s.silence_id}"
    assert "engineer" in muted.reason and "镜头更换" in muted.reason
    assert silenced(CAM, [s], T0 + timedelta(hours=2)) is None  # expired
    assert silenced(CAM | {"device": "cam-0002"}, [s], T0 + timedelta(hours=1)) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"matchers": []}, "at least one matcher"),
        ({"matchers": ['camera="x"']}, "unknown label"),
        ({"ends_at": T0}, "end after it starts"),
        ({"author": " "}, "needs an author"),
        ({"comment": ""}, "comment"),
    ],
)
def test_a_silence_without_scope_author_reason_or_end_is_refused(change, message):
    with pytest.raises(SilenceError, match=message):
        maintenance(**change)


def flood(drill: bool = False):
    a, _ = activate(
        FLOOD_PLAN, at=T0, by="duty", drill=drill, grid_community=GRIDS, grid_leaders=LEADERS
    )
    return a


def test_active_flood_emergency_mutes_minor_ai_events_in_its_grids():
    sources = inhibit_sources([flood()], GRIDS)
    muted = inhibited(CAM, [FLOOD_RULE], sources)
    assert muted is not None and muted.by == "inhibit:flood-mutes-minor"
    assert "ep-08" in muted.reason
    assert inhibited(CAM | {"grid": "g003"}, [FLOOD_RULE], sources) is None  # other grid
    assert inhibited(CAM | {"severity": "major"}, [FLOOD_RULE], sources) is None
    assert inhibited(CAM | {"source": "citizen"}, [FLOOD_RULE], sources) is None


def test_drills_and_stood_down_emergencies_mute_nothing():
    assert inhibit_sources([flood(drill=True)], GRIDS) == []
    ended = stand_down(flood(), Actor("duty", Role.DUTY_OFFICER), T0, "水位回落")
    assert inhibit_sources([ended], GRIDS) == []


def test_silence_is_reported_before_inhibition():
    s = maintenance()
    muted = mute_reason(CAM, T0, [s], [FLOOD_RULE], inhibit_sources([flood()], GRIDS))
    assert muted is not None and muted.by.startswith("silence:")

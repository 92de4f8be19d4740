from datetime import UTC, datetime, timedelta

from gridwatch.domain.access import GRANTS, Permission, can, can_see_grid, permissions
from gridwatch.domain.silences import Silence, silencing
from gridwatch.domain.tasks import Actor, Role

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
LEADER = Actor("gl001", Role.GRID_LEADER, grid="g001", community="c01")
ENGINEER = Actor("engineer", Role.ALGO_ENGINEER)


def test_every_role_has_a_grant_and_only_admin_manages_accounts():
    assert set(GRANTS) == set(Role)
    assert [r for r in Role if can(Actor("x", r), Permission.MANAGE_USERS)] == [Role.ADMIN]


def test_the_algorithm_engineer_reads_everything_and_changes_nothing():
    assert permissions(ENGINEER) == [Permission.VIEW_OPS, Permission.VIEW_KPIS]


def test_grid_leaders_see_their_own_grid_only():
    assert can_see_grid(LEADER, "g001") and not can_see_grid(LEADER, "g002")
    assert can_see_grid(Actor("duty", Role.DUTY_OFFICER), "g002")
    assert not can_see_grid(Actor("s", Role.SQUAD_MEMBER, squad="sq-traffic"), "g001")


def test_a_silence_holds_only_matching_events_inside_its_window():
    s = Silence("sil-1", ('event_type="loitering"', 'grid=~"g00[12]"'), T0, T0 + timedelta(hours=1))
    labels = {"event_type": "loitering", "grid": "g001"}
    assert silencing([s], labels, T0 + timedelta(minutes=5)) is s
    assert silencing([s], {**labels, "grid": "g003"}, T0) is None
    assert silencing([s], labels, T0 + timedelta(hours=1)) is None  # ended
    assert silencing([s], labels, T0 - timedelta(seconds=1)) is None  # not begun

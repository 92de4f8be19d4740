from gridwatch.domain.access import GRANTS, Permission, can, can_see_grid, permissions
from gridwatch.domain.tasks import Actor, Role

LEADER = Actor("gl001", Role.GRID_LEADER, grid="g001", community="c01")
ENGINEER = Actor("engineer", Role.ALGO_ENGINEER)


def test_every_role_has_a_grant_and_only_admin_manages_accounts():
    assert set(GRANTS) == set(Role)
    assert [r for r in Role if can(Actor("x", r), Permission.MANAGE_USERS)] == [Role.ADMIN]


def test_the_algorithm_engineer_reads_everything_and_only_silences_cameras():
    assert permissions(ENGINEER) == [
        Permission.VIEW_OPS,
        Permission.VIEW_KPIS,
        Permission.MANAGE_SILENCES,
    ]


def test_only_the_desk_takes_citizens_requests_and_runs_emergencies():
    for permission in (Permission.TAKE_REQUESTS, Permission.RUN_EMERGENCY):
        allowed = {r for r in Role if can(Actor("x", r), permission)}
        assert allowed == {Role.ADMIN, Role.DUTY_OFFICER, Role.DISPATCHER}


def test_grid_leaders_see_their_own_grid_only():
    assert can_see_grid(LEADER, "g001") and not can_see_grid(LEADER, "g002")
    assert can_see_grid(Actor("duty", Role.DUTY_OFFICER), "g002")
    assert not can_see_grid(Actor("s", Role.SQUAD_MEMBER, squad="sq-traffic"), "g001")

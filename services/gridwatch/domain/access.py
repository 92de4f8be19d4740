"""Who may do what outside the case loop: the ops-centre pages and operations each role gets.

Task actions (file, reject, accept, verify, close …) are decided by the state machine in
`domain.tasks` (`transition`, `allowed_actions`, `can_see`), checklist steps of emergency plans
by `domain.emergency.complete`; this module covers everything else, so the whole authorization
policy lives in these pure modules and the web layer only asks them.
"""

from __future__ import annotations

from enum import StrEnum

from gridwatch.domain.tasks import Actor, Role


class Permission(StrEnum):
    VIEW_OPS = "view_ops"  # alert wall, task board, map, device health, plans, emergency plans
    VIEW_KPIS = "view_kpis"  # KPIs and league tables
    MANAGE_SILENCES = "manage_silences"  # create and expire dispatch silences
    RUN_EMERGENCY = "run_emergency"  # activate or drill an emergency plan, stand it down
    TAKE_REQUESTS = "take_requests"  # enter citizens' requests (民呼我为)
    MANAGE_USERS = "manage_users"  # list and create accounts
    VIEW_ACTIVITY = "view_activity"  # read the audit log of non-task actions
    REPORT_CLUE = "report_clue"  # report a clue with photo and location
    UPLOAD = "upload"  # upload a photo for feedback or a clue
    WORK_TASKS = "work_tasks"  # the mobile inbox: act on tasks assigned to or verified by me


_DESK = frozenset(
    {
        Permission.VIEW_OPS,
        Permission.VIEW_KPIS,
        Permission.MANAGE_SILENCES,
        Permission.RUN_EMERGENCY,
        Permission.TAKE_REQUESTS,
        Permission.VIEW_ACTIVITY,
        Permission.REPORT_CLUE,  # clues phoned in to the desk
        Permission.UPLOAD,
        Permission.WORK_TASKS,  # tasks assigned to the brigade itself
    }
)

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.DUTY_OFFICER: _DESK,
    Role.DISPATCHER: _DESK,
    # Reads everything to judge algorithms (false alarms per algorithm); the one change they
    # make is to silence a camera's events while it is being serviced or retuned.
    Role.ALGO_ENGINEER: frozenset(
        {Permission.VIEW_OPS, Permission.VIEW_KPIS, Permission.MANAGE_SILENCES}
    ),
    Role.GRID_LEADER: frozenset({Permission.REPORT_CLUE, Permission.UPLOAD, Permission.WORK_TASKS}),
    Role.SQUAD_MEMBER: frozenset({Permission.UPLOAD, Permission.WORK_TASKS}),
    Role.SYSTEM: frozenset(),
}


def can(actor: Actor, permission: Permission) -> bool:
    return permission in GRANTS.get(actor.role, frozenset())


def permissions(actor: Actor) -> list[Permission]:
    """The actor's permissions in a stable order (drives the navigation of the web pages)."""
    granted = GRANTS.get(actor.role, frozenset())
    return [p for p in Permission if p in granted]


def can_see_grid(actor: Actor, grid: str) -> bool:
    """Grid-scoped data (a grid's page, a clue's place): grid leaders their own grid only."""
    if actor.role is Role.GRID_LEADER:
        return actor.grid == grid
    return can(actor, Permission.VIEW_OPS)


def overview_grid(actor: Actor) -> str | None:
    """The one grid an actor's overview counts cover, or None for the whole district (desk roles
    with VIEW_OPS; others without a grid get no overview at all)."""
    return actor.grid if actor.role is Role.GRID_LEADER else None

"""What the signed-in account is: role, scope in words, permissions and start page."""

from __future__ import annotations

from gridwatch.config.schema import District
from gridwatch.domain.access import Permission, can, permissions
from gridwatch.domain.tasks import Role
from gridwatch.ops import names
from gridwatch.ops.schemas import MeOut
from gridwatch.ops.users import actor_of
from gridwatch.store.tables import UserRow


def home_page(role: Role) -> str:
    """Field staff start on their phone inbox, everyone else on the alert wall."""
    return "/m/inbox" if role in (Role.GRID_LEADER, Role.SQUAD_MEMBER) else "/ops/wall"


def me_of(district: District, user: UserRow) -> MeOut:
    actor = actor_of(user)
    if actor.grid:
        community = names.community_name(district, actor.community or "")
        scope = f"{names.grid_name(district, actor.grid)} · {community}"
    elif actor.squad:
        scope = names.unit_name(district, f"squad:{actor.squad}")
    else:
        scope = district.organisation.district
    home = home_page(actor.role)
    if home == "/ops/wall" and not can(actor, Permission.VIEW_OPS):
        home = "/m/inbox"
    return MeOut(
        user_id=user.user_id,
        name=user.name,
        role=user.role,
        grid=user.grid,
        community=user.community,
        squad=user.squad,
        scope=scope,
        permissions=[p.value for p in permissions(actor)],
        home=home,
    )

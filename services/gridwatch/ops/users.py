"""Accounts: password hashing (Argon2 via pwdlib) and the demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from pwdlib import PasswordHash

from gridwatch.config.schema import District
from gridwatch.domain.tasks import Actor, Role
from gridwatch.runtime.clock import Clock
from gridwatch.store.repository import Store
from gridwatch.store.tables import UserRow

hasher = PasswordHash.recommended()


@dataclass(frozen=True)
class DemoAccount:
    user_id: str
    role: Role
    name: str
    squad: str | None = None
    grid: str | None = None
    community: str | None = None


def actor_of(row: UserRow) -> Actor:
    return Actor(
        row.user_id, Role(row.role), squad=row.squad, grid=row.grid, community=row.community
    )


def demo_accounts(district: District) -> list[DemoAccount]:
    o = district.organisation
    accounts = [
        DemoAccount("admin", Role.ADMIN, "系统管理员"),
        DemoAccount("duty", Role.DUTY_OFFICER, o.brigade.duty_officer),
        DemoAccount("dispatcher", Role.DISPATCHER, "大队调度员"),
        DemoAccount("engineer", Role.ALGO_ENGINEER, "算法工程师"),
    ]
    accounts += [
        DemoAccount(f"{s.id}-member", Role.SQUAD_MEMBER, s.leader, squad=s.id) for s in o.squads
    ]
    accounts += [
        DemoAccount(
            gl.id,
            Role.GRID_LEADER,
            gl.name,
            grid=gl.grid,
            community=district.grid(gl.grid).community,
        )
        for gl in o.grid_leaders
    ]
    return accounts


def add_user(store: Store, account: DemoAccount, password_hash: str, clock: Clock) -> None:
    store.add_user(
        UserRow(
            user_id=account.user_id,
            name=account.name,
            role=account.role.value,
            squad=account.squad,
            grid=account.grid,
            community=account.community,
            password_hash=password_hash,
            created_at=clock(),
        )
    )


def create_demo_accounts(store: Store, district: District, password: str, clock: Clock) -> int:
    # One hash for all demo accounts: hashing 130 passwords with Argon2 would slow start-up.
    shared = hasher.hash(password)
    accounts = demo_accounts(district)
    for a in accounts:
        add_user(store, a, shared, clock)
    return len(accounts)


def authenticate(store: Store, user_id: str, password: str) -> UserRow | None:
    row = store.get_user(user_id)
    if row is None:
        hasher.hash(password)  # same cost whether or not the user exists
        return None
    return row if hasher.verify(password, row.password_hash) else None

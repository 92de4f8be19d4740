"""When a sign-in attempt must wait: doubling delays per account and address, a ceiling per
account that only spaces attempts out, and a count per address over all accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gridwatch.domain.sign_in_throttle import POLICY, Failures, Seen, retry_after_s

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
NONE = Failures(0)


def seen(pair: int = 0, account: int = 0, address: int = 0, ago_s: float = 0) -> Seen:
    at = NOW - timedelta(seconds=ago_s)
    return Seen(
        pair=Failures(pair, at if pair else None),
        account=Failures(account, at if account else None),
        address=Failures(address, at if address else None),
    )


def test_the_first_five_failures_from_an_address_cost_nothing():
    assert retry_after_s(POLICY, seen(pair=4, account=4, address=4), NOW) is None


def test_each_failure_after_five_doubles_the_wait_up_to_fifteen_minutes():
    waits = [retry_after_s(POLICY, seen(pair=n, account=n, address=n), NOW) for n in range(5, 12)]
    assert waits == [30, 60, 120, 240, 480, 900, 900]


def test_the_wait_runs_from_the_newest_failure():
    assert retry_after_s(POLICY, seen(pair=5, account=5, address=5, ago_s=20), NOW) == 10
    assert retry_after_s(POLICY, seen(pair=5, account=5, address=5, ago_s=30), NOW) is None
    assert retry_after_s(POLICY, seen(pair=5, account=5, address=5, ago_s=29.2), NOW) == 1


def test_failures_from_elsewhere_only_space_the_owners_attempts_out():
    assert retry_after_s(POLICY, seen(account=99), NOW) is None
    assert retry_after_s(POLICY, seen(account=100), NOW) == 2
    assert retry_after_s(POLICY, seen(account=10_000), NOW) == 30  # never more than seconds


def test_one_address_spraying_many_accounts_is_slowed_after_twenty():
    assert retry_after_s(POLICY, seen(address=19), NOW) is None
    assert retry_after_s(POLICY, seen(address=20), NOW) == 30


def test_no_failures_no_wait():
    assert retry_after_s(POLICY, Seen(NONE, NONE, NONE), NOW) is None

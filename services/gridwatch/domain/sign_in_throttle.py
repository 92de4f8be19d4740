"""How long a sign-in attempt must wait, from the failures before it.

Failures slow sign-in down, they never lock an account: an attacker who knows a user name could
otherwise keep its owner out. Following OWASP's authentication guidance, the throttle is keyed
on the account *and* the address the attempts come from, with delays that double after a few
free failures; the same account tried from everywhere at once (a botnet) meets a much higher
ceiling that only spaces attempts out, so the owner, signing in from another address, waits
seconds at most. Spraying one password over many accounts from one address is held back by a
third count, per address over all accounts.

Pure: counts and times are given; the caller reads them from its store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

# Failures older than this are forgotten; long enough that the doubling delays reach their cap.
WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Failures:
    """Failed (or still unsettled) attempts within the window, and when the newest was made."""

    count: int
    newest: datetime | None = None


@dataclass(frozen=True)
class Backoff:
    """`free` failures cost nothing; each one after them waits `first` from the newest failure,
    doubling per further failure up to `cap`."""

    free: int
    first: timedelta
    cap: timedelta

    def wait(self, failures: Failures, now: datetime) -> timedelta:
        if failures.count < self.free or failures.newest is None:
            return timedelta(0)
        over = min(failures.count - self.free, 30)  # 2**30 × any delay is past every cap
        delay = min(self.cap, self.first * (1 << over))
        return max(timedelta(0), failures.newest + delay - now)


@dataclass(frozen=True)
class Policy:
    pair: Backoff  # this account from this address
    account: Backoff  # this account from every address
    address: Backoff  # this address against every account


POLICY = Policy(
    pair=Backoff(free=5, first=timedelta(seconds=30), cap=timedelta(minutes=15)),
    account=Backoff(free=100, first=timedelta(seconds=2), cap=timedelta(seconds=30)),
    address=Backoff(free=20, first=timedelta(seconds=30), cap=timedelta(minutes=15)),
)


@dataclass(frozen=True)
class Seen:
    """The failures that bear on one attempt, each count leaving the attempt itself out."""

    pair: Failures
    account: Failures
    address: Failures


def retry_after_s(policy: Policy, seen: Seen, now: datetime) -> int | None:
    """Whole seconds the attempt must wait (rounded up, at least 1), or None: go ahead."""
    wait = max(
        policy.pair.wait(seen.pair, now),
        policy.account.wait(seen.account, now),
        policy.address.wait(seen.address, now),
    )
    if wait <= timedelta(0):
        return None
    return max(1, math.ceil(wait.total_seconds()))

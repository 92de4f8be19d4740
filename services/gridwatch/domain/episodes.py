"""A condition that holds for a while: starts when it has held for `hold`, ends when it has
been false for `release`. One finding per episode, whatever the frame or reading rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class Episode:
    hold: timedelta
    release: timedelta
    since: datetime | None = None  # condition true since
    false_since: datetime | None = None
    reported: bool = False

    def update(self, condition: bool, now: datetime) -> bool:
        """Feed one observation; True exactly once per episode, when it is confirmed."""
        if condition:
            self.false_since = None
            if self.since is None:
                self.since = now
            if not self.reported and now - self.since >= self.hold:
                self.reported = True
                return True
            return False
        if self.since is None:
            return False
        if self.false_since is None:
            self.false_since = now
        if now - self.false_since >= self.release:
            self.since, self.false_since, self.reported = None, None, False
        return False

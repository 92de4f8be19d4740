"""Editing plans on a running system: the district directory is reloaded when its plan files
change. A directory that does not validate is rejected whole, its problems are reported as
`file:line: field: message`, and the last good plans stay in force."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from gridwatch.config.errors import ConfigError, ConfigIssue
from gridwatch.config.loader import load_district
from gridwatch.config.schema import District

log = logging.getLogger(__name__)

WATCHED = ("plans.yaml", "emergency_plans.yaml")


class PlanBook:
    def __init__(
        self, config_dir: Path, district: District, on_change: Callable[[District], None]
    ) -> None:
        self.config_dir, self.district, self.on_change = Path(config_dir), district, on_change
        self.last_issues: list[ConfigIssue] = []
        self._stamp = self._mtimes()

    def _mtimes(self) -> tuple[float, ...]:
        return tuple(
            (self.config_dir / name).stat().st_mtime_ns if (self.config_dir / name).exists() else 0
            for name in WATCHED
        )

    def reload(self) -> list[ConfigIssue]:
        """Load the directory again; on success switch to it, else keep the plans in force."""
        self._stamp = self._mtimes()
        try:
            district = load_district(self.config_dir)
        except ConfigError as e:
            self.last_issues = e.issues
            for issue in e.issues:
                log.error("plans not reloaded: %s", issue)
            return e.issues
        self.last_issues = []
        self.district = district
        self.on_change(district)
        log.warning("dispatch plans reloaded from %s", self.config_dir)
        return []

    def reload_if_changed(self) -> list[ConfigIssue] | None:
        """None when the plan files did not change since the last look."""
        if self._mtimes() == self._stamp:
            return None
        return self.reload()

"""Where incident identities live: Redis for workers (they survive a restart and are shared by
workers of a scaled-out pool), a dict for tests and one-off runs."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timedelta
from typing import Protocol

import redis

from gridwatch.domain.events import Finding
from gridwatch.domain.incidents import Incident, Resolution, resolve, scope_of

log = logging.getLogger(__name__)

PREFIX = "gridwatch:incidents"


def _dump(i: Incident) -> str:
    return json.dumps(
        {
            "box": list(i.box) if i.box else None,
            "started_at": i.started_at.isoformat(),
            "last_seen": i.last_seen.isoformat(),
            "last_alert": i.last_alert.isoformat(),
        }
    )


def _load(incident_id: str, raw: str) -> Incident:
    d = json.loads(raw)
    box = tuple(float(v) for v in d["box"]) if d["box"] else None
    return Incident(
        incident_id,
        box,  # type: ignore[arg-type]
        datetime.fromisoformat(d["started_at"]),
        datetime.fromisoformat(d["last_seen"]),
        datetime.fromisoformat(d["last_alert"]),
    )


class IncidentMemory(Protocol):
    def resolve(self, finding: Finding, now: datetime) -> Resolution: ...


class LocalIncidentMemory:
    def __init__(self, cooldown: timedelta = timedelta(minutes=30)) -> None:
        self.cooldown = cooldown
        self._scopes: dict[str, dict[str, Incident]] = {}
        self._lock = threading.Lock()

    def resolve(self, finding: Finding, now: datetime) -> Resolution:
        with self._lock:
            scope = self._scopes.setdefault(scope_of(finding), {})
            res = resolve(finding, list(scope.values()), now, self.cooldown)
            scope[res.incident.incident_id] = res.incident
            return res


class RedisIncidentMemory:
    """One hash per scope (device:algorithm:zone), one field per incident. A scope's hash
    expires when it has not been touched for `keep`, so stale incidents clean themselves up."""

    def __init__(
        self,
        client: redis.Redis,
        cooldown: timedelta = timedelta(minutes=30),
        keep: timedelta = timedelta(days=1),
    ) -> None:
        self.r, self.cooldown, self.keep = client, cooldown, keep
        self._fallback = LocalIncidentMemory(cooldown)

    @staticmethod
    def from_url(url: str, cooldown: timedelta = timedelta(minutes=30)) -> RedisIncidentMemory:
        client = redis.Redis.from_url(url, socket_timeout=2, decode_responses=True)
        return RedisIncidentMemory(client, cooldown)

    def resolve(self, finding: Finding, now: datetime) -> Resolution:
        key = f"{PREFIX}:{scope_of(finding)}"
        try:
            raw: dict[str, str] = self.r.hgetall(key)  # type: ignore[assignment]
            known = [_load(k, v) for k, v in raw.items()]
            res = resolve(finding, known, now, self.cooldown)
            pipe = self.r.pipeline()
            pipe.hset(key, res.incident.incident_id, _dump(res.incident))
            pipe.pexpire(key, int(self.keep.total_seconds() * 1000))
            pipe.execute()
            return res
        except (redis.RedisError, ValueError, KeyError) as e:
            # Losing identity is better than losing the alert: remember locally meanwhile.
            log.warning("incident memory unavailable, using the local one: %s", e)
            return self._fallback.resolve(finding, now)

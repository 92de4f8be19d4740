"""The detector's counters where health views read them: one Redis hash per worker."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import redis

log = logging.getLogger(__name__)

KEY = "gridwatch:detector:{worker}"


def publish_health(client: redis.Redis, worker: str, health: dict[str, Any], at: datetime) -> None:
    """Write `health` (numbers as text, lists and dicts as JSON); best effort: a Redis outage
    must not stop detection."""
    mapping = {
        k: json.dumps(v) if isinstance(v, list | dict) else str(v) for k, v in health.items()
    }
    mapping["updated_at"] = at.isoformat()
    try:
        client.hset(KEY.format(worker=worker), mapping=mapping)  # type: ignore[arg-type]
    except redis.RedisError as e:
        log.debug("detector health not published: %s", e)


def read_health(client: redis.Redis, worker: str) -> dict[str, str]:
    raw: dict[Any, Any] = client.hgetall(KEY.format(worker=worker))
    return {
        (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
        for k, v in raw.items()
    }

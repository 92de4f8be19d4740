"""Hot state in Redis: device heartbeats, incident cooldowns and the live feed for the web UI.

Nothing here is critical: after a Redis restart cooldowns may reset, and SQL (unique event ids)
still guarantees no duplicate task.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import datetime, timedelta
from typing import Any

import redis

log = logging.getLogger(__name__)

PREFIX = "gridwatch"
LIVE_STREAM = f"{PREFIX}:live"
LIVE_MAXLEN = 10_000


class HotState:
    def __init__(self, url: str) -> None:
        self.url = url
        self.r = redis.Redis.from_url(
            url,
            socket_timeout=2,
            socket_connect_timeout=2,
            health_check_interval=10,
            decode_responses=True,
        )

    def ping(self) -> bool:
        try:
            return bool(self.r.ping())
        except redis.RedisError:
            return False

    def admit_once(self, key: str, token: str, ttl: timedelta) -> bool:
        """True if `token` holds the cooldown `key` (atomic across workers): the first token
        in a period wins, and the same token redelivered after a crash is admitted again.
        When Redis is unreachable we admit: SQL still prevents duplicate tasks."""
        k = f"{PREFIX}:cooldown:{key}"
        try:
            if self.r.set(k, token, nx=True, px=max(1, int(ttl.total_seconds() * 1000))):
                return True
            return bool(self.r.get(k) == token)
        except redis.RedisError as e:
            log.warning("cooldown check skipped, redis unavailable: %s", e)
            return True

    def heartbeat(self, device_id: str, at: datetime, **fields: Any) -> None:
        try:
            mapping = {"last_seen": at.isoformat(), **{k: str(v) for k, v in fields.items()}}
            self.r.hset(f"{PREFIX}:device:{device_id}", mapping=mapping)  # type: ignore[arg-type]
        except redis.RedisError as e:
            log.debug("heartbeat not recorded: %s", e)

    def detector_lag(self, lag_ms: dict[str, float]) -> None:
        """Each camera's detector lag into its health hash, beside what its intake writes
        (`last_seen` stays the intake's); one round trip for all cameras."""
        try:
            pipe = self.r.pipeline(transaction=False)
            for device_id, lag in lag_ms.items():
                pipe.hset(f"{PREFIX}:device:{device_id}", "lag_ms", str(round(lag)))
            pipe.execute()
        except redis.RedisError as e:
            log.debug("detector lag not recorded: %s", e)

    def device(self, device_id: str) -> dict[str, str]:
        try:
            raw: dict[str, str] = self.r.hgetall(f"{PREFIX}:device:{device_id}")  # type: ignore[assignment]
            return dict(raw)
        except redis.RedisError:
            return {}

    def devices(self, device_ids: list[str]) -> dict[str, dict[str, str]]:
        """Heartbeat fields of many devices in one round trip ({} for a device never seen)."""
        try:
            pipe = self.r.pipeline(transaction=False)
            for d in device_ids:
                pipe.hgetall(f"{PREFIX}:device:{d}")
            return {d: dict(h) for d, h in zip(device_ids, pipe.execute(), strict=True)}
        except redis.RedisError:
            return {}

    def put_thumbnail(self, device_id: str, jpeg: bytes, at: datetime) -> None:
        """The device's latest small picture (kept an hour) for the ops centre's health page."""
        try:
            key = f"{PREFIX}:thumb:{device_id}"
            self.r.hset(key, mapping={"at": at.isoformat(), "jpeg": base64.b64encode(jpeg)})
            self.r.expire(key, 3600)
        except redis.RedisError as e:
            log.debug("thumbnail not stored: %s", e)

    def thumbnail(self, device_id: str) -> tuple[bytes, str] | None:
        """(JPEG bytes, ISO time) of the latest thumbnail, or None."""
        try:
            raw: dict[str, str] = self.r.hgetall(f"{PREFIX}:thumb:{device_id}")  # type: ignore[assignment]
        except redis.RedisError:
            return None
        if "jpeg" not in raw:
            return None
        return base64.b64decode(raw["jpeg"]), raw.get("at", "")

    def publish(self, kind: str, payload: dict[str, Any]) -> None:
        try:
            self.r.xadd(
                LIVE_STREAM,
                {"kind": kind, "data": json.dumps(payload, default=str)},
                maxlen=LIVE_MAXLEN,
                approximate=True,
            )
        except redis.RedisError as e:
            log.debug("live feed entry dropped: %s", e)

    def read_live(
        self, last_id: str = "$", block_ms: int = 1000
    ) -> list[tuple[str, dict[str, Any]]]:
        try:
            res: Any = self.r.xread({LIVE_STREAM: last_id}, block=block_ms, count=100)
        except redis.RedisError:
            return []
        return decode_live(res)

    def last_live_id(self) -> str:
        """Id of the newest live-feed entry ("0-0" when empty): where a new reader starts."""
        try:
            newest: Any = self.r.xrevrange(LIVE_STREAM, count=1)
        except redis.RedisError:
            return "0-0"
        return str(newest[0][0]) if newest else "0-0"


def decode_live(res: Any) -> list[tuple[str, dict[str, Any]]]:
    """XREAD reply -> [(entry id, {"kind": …, **payload})]."""
    out = []
    for _stream, entries in res or []:
        for entry_id, fields in entries:
            out.append((entry_id, {"kind": fields["kind"], **json.loads(fields["data"])}))
    return out

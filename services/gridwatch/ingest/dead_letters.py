"""Dead letters: inputs that could not be used, kept with the reason.

Kept in a capped Redis stream rather than SQL: a misbehaving device can send bad payloads
many times a second, and a capped stream bounds that cost where an SQL table would grow
without limit; the per-reason counters and Prometheus counters keep the totals after old
entries are trimmed. Redis must run with persistence (AOF) in production for the stream to
survive a restart; SQL stays the record of findings, events and tasks.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import redis
from prometheus_client import Counter

from gridwatch.store.hot_state import PREFIX, HotState

log = logging.getLogger(__name__)

STREAM = f"{PREFIX}:deadletter"
COUNTS = f"{PREFIX}:deadletter:counts"
MAXLEN = 100_000
MAX_PAYLOAD = 1024 * 1024  # a bigger payload is kept cut, and marked so

Kind = Literal["reading", "frame"]

DEAD_LETTERS = Counter(
    "gridwatch_ingest_dead_letters_total",
    "Inputs that could not be used, by kind (reading, frame) and source",
    ["kind", "source"],
)


@dataclass(frozen=True)
class DeadLetter:
    kind: Kind
    source: str  # mqtt, http_push, mjpeg, snapshot …
    device_id: str
    reason: str
    payload: bytes
    received_at: datetime
    topic: str = ""


class DeadLetters:
    def __init__(self, hot: HotState) -> None:
        self.r = hot.r

    def put(self, letter: DeadLetter) -> None:
        DEAD_LETTERS.labels(letter.kind, letter.source).inc()
        payload = letter.payload[:MAX_PAYLOAD]
        fields = {
            "kind": letter.kind,
            "source": letter.source,
            "device_id": letter.device_id,
            "topic": letter.topic,
            "reason": letter.reason,
            "received_at": letter.received_at.isoformat(),
            "payload_b64": base64.b64encode(payload).decode(),
            "payload_bytes": str(len(letter.payload)),
        }
        try:
            pipe = self.r.pipeline(transaction=False)
            pipe.xadd(STREAM, fields, maxlen=MAXLEN, approximate=True)  # type: ignore[arg-type]
            pipe.hincrby(COUNTS, f"{letter.kind}:{letter.source}", 1)
            pipe.execute()
        except redis.RedisError as e:
            log.warning("dead letter not stored (%s): %s %s", e, letter.device_id, letter.reason)

    def latest(self, count: int = 100) -> list[dict[str, Any]]:
        """Newest first, payloads decoded."""
        rows: Any = self.r.xrevrange(STREAM, count=count)
        out = []
        for entry_id, f in rows:
            item = {k: v for k, v in f.items() if k != "payload_b64"}
            item["id"] = entry_id
            item["payload"] = base64.b64decode(f.get("payload_b64", ""))
            out.append(item)
        return out

    def counts(self) -> dict[str, int]:
        raw: Any = self.r.hgetall(COUNTS)
        return {k: int(v) for k, v in raw.items()}

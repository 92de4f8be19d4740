"""Dead letters: inputs that could not be used, kept with the reason.

Kept in a Redis stream rather than SQL: a misbehaving device can send bad payloads many times
a second, and a stream trimmed to a byte budget bounds that cost where an SQL table would grow
without limit; the per-reason counters and Prometheus counters keep the totals after old
entries are trimmed. Redis must run with persistence (AOF) in production for the stream to
survive a restart; SQL stays the record of findings, events and tasks.

The bound is on bytes, not entries, because the same Redis holds the hot state: one camera
sending truncated 1 MiB pictures must not fill it. So an entry keeps only the first
KEPT_PAYLOAD bytes of its payload with the whole payload's size and sha256 (enough to tell
what arrived and to match it with a capture), and the stream is trimmed, oldest first, to its
byte budget. Every byte or entry left out is counted in the metrics.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import redis
from prometheus_client import Counter, Gauge

from gridwatch.store.hot_state import PREFIX, HotState

log = logging.getLogger(__name__)

STREAM = f"{PREFIX}:deadletter"
COUNTS = f"{PREFIX}:deadletter:counts"
KEPT_PAYLOAD = (
    4096  # bytes of a payload kept: a whole reading (HTTP push takes 4096), a JPEG's header
)
KEPT_TEXT = 1024  # bytes of the reason, device id and topic kept: they can quote what a device sent
BUDGET_BYTES = 64 * 1024 * 1024  # Redis memory the stream may take next to the hot state
TRIM_TO = 0.9  # of the budget, so a full stream is trimmed now and then, not on every write

Kind = Literal["reading", "frame"]

DEAD_LETTERS = Counter(
    "gridwatch_ingest_dead_letters_total",
    "Inputs that could not be used, by kind (reading, frame) and source",
    ["kind", "source"],
)
NOT_STORED = Counter(
    "gridwatch_ingest_dead_letters_not_stored_total",
    "Dead letters counted but not stored: Redis did not answer",
    ["kind", "source"],
)
TRIMMED = Counter(
    "gridwatch_ingest_dead_letters_trimmed_total",
    "Oldest dead letters removed to keep the stream within its byte budget",
)
BYTES_CUT = Counter(
    "gridwatch_ingest_dead_letter_bytes_cut_total",
    "Payload bytes not kept beyond each dead letter's first bytes (size and sha256 are kept)",
)
STREAM_BYTES = Gauge(
    "gridwatch_ingest_dead_letter_bytes",
    "Redis memory the dead-letter stream used at this process's last write",
)
BUDGET = Gauge(
    "gridwatch_ingest_dead_letter_budget_bytes",
    "Redis memory the dead-letter stream is trimmed to stay within",
)


def _cut(text: str, limit: int = KEPT_TEXT) -> str:
    return text.encode()[:limit].decode(errors="ignore")


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
    def __init__(self, hot: HotState, budget_bytes: int = BUDGET_BYTES) -> None:
        self.r = hot.r
        self.budget_bytes = budget_bytes
        BUDGET.set(budget_bytes)

    def put(self, letter: DeadLetter) -> None:
        DEAD_LETTERS.labels(letter.kind, letter.source).inc()
        payload = letter.payload[:KEPT_PAYLOAD]
        fields = {
            "kind": letter.kind,
            "source": _cut(letter.source),
            "device_id": _cut(letter.device_id),
            "topic": _cut(letter.topic),
            "reason": _cut(letter.reason),
            "received_at": letter.received_at.isoformat(),
            "payload_b64": base64.b64encode(payload).decode(),
            "payload_bytes": str(len(letter.payload)),
            "payload_sha256": hashlib.sha256(letter.payload).hexdigest(),
        }
        try:
            pipe = self.r.pipeline(transaction=False)
            pipe.xadd(STREAM, fields)  # type: ignore[arg-type]
            pipe.hincrby(COUNTS, f"{letter.kind}:{letter.source}", 1)
            pipe.memory_usage(STREAM)
            pipe.xlen(STREAM)
            _, _, used, length = pipe.execute()
        except redis.RedisError as e:
            NOT_STORED.labels(letter.kind, letter.source).inc()
            log.warning("dead letter not stored (%s): %s %s", e, letter.device_id, letter.reason)
            return
        BYTES_CUT.inc(len(letter.payload) - len(payload))
        try:
            STREAM_BYTES.set(self._trim(int(used or 0), int(length)))
        except redis.RedisError as e:  # the next write tries again
            log.warning("dead-letter stream not trimmed: %s", e)

    def _trim(self, used: int, length: int) -> int:
        """Drop the oldest entries when the stream is over budget; the bytes it uses after."""
        if used <= self.budget_bytes or length <= 1:
            return used
        # MEMORY USAGE samples the stream's nodes, so bytes per entry is an estimate: keep the
        # share of entries that fits TRIM_TO of the budget.
        keep = max(1, int(length * self.budget_bytes * TRIM_TO / used))
        removed = int(self.r.xtrim(STREAM, maxlen=keep, approximate=False))
        TRIMMED.inc(removed)
        return int(self.r.memory_usage(STREAM) or 0)

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

"""Reading the dead-letter topic back: the newest records the workers refused, with why.

Partitions are assigned by hand (no consumer group), so looking commits nothing and moves no
other reader's offsets.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from gridwatch.streams.broker_probe import bootstrap_servers
from gridwatch.streams.topics import DEAD_LETTERS, BadMessage, DeadLetter
from kafka import KafkaConsumer, TopicPartition


@dataclass(frozen=True)
class Refused:
    offset: int  # on the dead-letter topic
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    letter: DeadLetter | None  # None: a record without our headers (written by something else)
    problem: str = ""  # why `letter` is None

    def row(self, preview: int = 512) -> dict[str, Any]:
        """JSON-friendly; key and value as text (undecodable bytes replaced), value cut."""
        letter = self.letter.model_dump(mode="json") if self.letter else {"reason": self.problem}
        value = self.value or b""
        return {
            **letter,
            "key": (self.key or b"").decode("utf-8", "replace"),
            "value_bytes": len(value),
            "value": value[:preview].decode("utf-8", "replace"),
        }


def latest_dead_letters(url: str, prefix: str, limit: int = 20) -> tuple[int, list[Refused]]:
    """How many records the topic holds, and the newest `limit` of them, newest first."""
    topic = DEAD_LETTERS.name(prefix)
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers(url),
        client_id="gridwatch-dead-letters",
        enable_auto_commit=False,
    )
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps or limit <= 0:
            return 0, []
        consumer.assign(tps)
        begin, end = consumer.beginning_offsets(tps), consumer.end_offsets(tps)
        total = sum(end[tp] - begin[tp] for tp in tps)
        for tp in tps:
            consumer.seek(tp, max(begin[tp], end[tp] - limit))
        pending = {tp for tp in tps if end[tp] > begin[tp]}
        records: list[Any] = []
        idle_until = time.monotonic() + 5.0  # a high-water mark that is never reached
        while pending and time.monotonic() < idle_until:
            for tp, recs in consumer.poll(timeout_ms=500).items():
                records += recs
                idle_until = time.monotonic() + 5.0
                if consumer.position(tp) >= end[tp]:
                    pending.discard(tp)
        records.sort(key=lambda r: (r.timestamp, r.offset), reverse=True)
        return total, [_refused(r) for r in records[:limit]]
    finally:
        consumer.close()


def _refused(record: Any) -> Refused:
    try:
        letter, problem = DeadLetter.from_headers(list(record.headers or [])), ""
    except BadMessage as e:
        letter, problem = None, str(e)
    return Refused(record.offset, record.timestamp, record.key, record.value, letter, problem)

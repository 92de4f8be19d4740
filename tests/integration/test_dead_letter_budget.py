"""The dead-letter stream is bounded by bytes: a camera sending 1 MiB pictures that do not
decode keeps a bounded prefix of each, and the stream is trimmed to its byte budget, with what
is left out counted in the metrics."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY, generate_latest

from gridwatch.ingest.dead_letters import KEPT_PAYLOAD, STREAM, DeadLetter, DeadLetters
from gridwatch.store.hot_state import HotState

pytestmark = pytest.mark.redis

MIB = 1024 * 1024
AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def sample(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def test_many_1mib_bad_pictures_stay_within_the_byte_budget_and_the_drops_are_counted(
    redis_url: str,
) -> None:
    hot = HotState(redis_url)
    budget = 2 * MIB
    dead = DeadLetters(hot, budget_bytes=budget)
    trimmed = sample("gridwatch_ingest_dead_letters_trimmed_total")
    cut = sample("gridwatch_ingest_dead_letter_bytes_cut_total")
    picture = b"\xff\xd8\xff\xe0" + bytes(range(256)) * (MIB // 256 - 1)  # a 1 MiB truncated JPEG
    n = 600  # 600 MiB sent: without the bound, over 800 MB of Redis
    peak = 0
    for i in range(n):
        dead.put(DeadLetter("frame", "mjpeg", "cam-7", "truncated JPEG", picture, AT))
        if i % 20 == 0:
            peak = max(peak, int(hot.r.memory_usage(STREAM, samples=0)))
    used = int(hot.r.memory_usage(STREAM, samples=0))
    assert max(peak, used) <= budget + 16 * 1024, (peak, used)  # at most one entry over

    newest = dead.latest(1)[0]
    assert newest["payload"] == picture[:KEPT_PAYLOAD]
    assert newest["payload_bytes"] == str(len(picture))
    assert newest["payload_sha256"] == hashlib.sha256(picture).hexdigest()
    assert (
        base64.b64decode(hot.r.xrevrange(STREAM, count=1)[0][1]["payload_b64"])[:2] == b"\xff\xd8"
    )
    assert dead.counts() == {"frame:mjpeg": n}, "the totals survive trimming"

    length = int(hot.r.xlen(STREAM))
    assert sample("gridwatch_ingest_dead_letters_trimmed_total") - trimmed == n - length
    assert sample("gridwatch_ingest_dead_letter_bytes_cut_total") - cut == n * (
        len(picture) - KEPT_PAYLOAD
    )
    metrics = generate_latest(REGISTRY).decode()
    for name in ("dead_letter_budget_bytes", "dead_letter_bytes", "dead_letters_trimmed_total"):
        assert f"\ngridwatch_ingest_{name} " in metrics
    assert sample("gridwatch_ingest_dead_letter_budget_bytes") == budget
    assert 0 < sample("gridwatch_ingest_dead_letter_bytes") <= budget + 16 * 1024

"""A shadow algorithm's stored findings against the live one's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from gridwatch.detect.findings_query import findings_of
from gridwatch.domain.events import Finding
from gridwatch.domain.shadow import compare
from gridwatch.store.repository import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def finding(algo: str, device: str, minute: int, box: tuple[float, ...], mode: str) -> Finding:
    at = T0 + timedelta(minutes=minute)
    return Finding(device, algo, "lane_occupation", f"k{minute}{box}", at, at, 0.5,
                   mode=mode, box=box, zone_id="lane")  # type: ignore[arg-type]  # fmt: skip


def test_shadow_and_live_findings_are_paired_by_place_and_time(store: Store):
    van = (650.0, 40.0, 720.0, 100.0)
    live = [
        finding("lane_occupation", "cam-1", 10, van, "live"),
        finding("lane_occupation", "cam-2", 20, van, "live"),
    ]
    shadow = [
        finding("lane_occupation_v2", "cam-1", 11, (655.0, 42.0, 722.0, 101.0), "shadow"),
        finding("lane_occupation_v2", "cam-1", 40, (10.0, 10.0, 50.0, 50.0), "shadow"),
    ]
    for f in live + shadow:
        store.record_finding(f)
    outside = replace(live[0], observed_at=T0 + timedelta(days=2), incident_key="later")
    store.record_finding(outside)

    end = T0 + timedelta(hours=1)
    got_shadow = findings_of(store, "lane_occupation_v2", T0, end)
    got_live = findings_of(store, "lane_occupation", T0, end)
    assert len(got_shadow) == 2 and len(got_live) == 2  # the finding two days on is outside
    result = compare(got_shadow, got_live)
    assert len(result.both) == 1 and result.both[0][1].device_id == "cam-1"
    assert [f.observed_at.minute for f in result.shadow_only] == [40]
    assert [f.device_id for f in result.live_only] == ["cam-2"]
    assert result.agreement == 1 / 3

"""Two detect workers share the frames; one is killed with SIGKILL mid-stream. Its partitions
move to the survivor, uncommitted frames are delivered again, and every event id that reached
the events topic has exactly one task in SQL — none lost, none doubled."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from gridwatch.streams.tansu import TansuBroker
from tests.kafka.conftest import Pipeline, camera_district, read_topic, wait_for

pytestmark = pytest.mark.kafka

CAMERAS = 8


def test_sigkilled_detect_worker_loses_no_event_and_doubles_no_task(
    make_pipeline: Callable[..., Pipeline], broker: TansuBroker, tmp_path: Path
) -> None:
    p = make_pipeline(camera_district(tmp_path / "district", cameras=CAMERAS))
    detectors = [p.spawn("detect", "--max-frame-age", "600") for _ in range(2)]
    dispatch = p.spawn("dispatch")
    p.wait_assigned(detectors, "frames", 8)
    p.wait_assigned([dispatch], "events", 4)
    ingest = p.spawn("ingest", "--flat-out")

    def analysed(w: object) -> float:
        return w.metric("gridwatch_records_processed_total", topic="frames")  # type: ignore[attr-defined]

    # Mid-stream: both have been working, a quarter of the frames is done, most still wait.
    wait_for(
        lambda: (
            all(analysed(w) >= 15 for w in detectors)
            and sum(analysed(w) for w in detectors) >= CAMERAS * 20
        ),
        180,
        "both detect workers busy",
    )
    victim, survivor = sorted(detectors, key=analysed, reverse=True)
    done_before_kill = analysed(victim)
    victim.proc.kill()
    victim.proc.wait(10)
    assert ingest.proc.wait(120) == 0

    # The survivor takes the victim's partitions over and works through everything left.
    wait_for(
        lambda: survivor.metric("gridwatch_assigned_partitions", topic=p.topic("frames")) == 8,
        60,
        "the survivor to own every frames partition",
        on_timeout=p.tail_logs,
    )
    frames = read_topic(broker, p.topic("frames"))
    previous = [-1.0]

    def settled() -> bool:
        now = analysed(survivor)
        still = now == previous[0]
        previous[0] = now
        return still

    wait_for(settled, 300, "the survivor to go idle", interval=5, on_timeout=p.tail_logs)
    assert done_before_kill + analysed(survivor) >= len(frames), "every frame was analysed"

    events = [json.loads(v) for _, v in read_topic(broker, p.topic("events"))]
    event_ids = Counter(e["event_id"] for e in events)

    def tasks_by_event() -> Counter[str]:
        return Counter(r[0] for r in p.sql("SELECT event_id FROM tasks"))

    wait_for(lambda: set(event_ids) <= set(tasks_by_event()), 60, "a task for every event")
    tasks = tasks_by_event()
    assert set(tasks) == set(event_ids), "no task without its event on the topic"
    assert all(n == 1 for n in tasks.values()), "one task per event id"
    cameras = {e["device_id"] for e in events if e["event_type"] == "lane_occupation"}
    assert cameras == {f"cam-t{i:02d}" for i in range(1, CAMERAS + 1)}, "each van reported"
    # One case per van: a re-reported incident joins the open case instead of opening another.
    open_cases = Counter(
        r[0]
        for r in p.sql(
            "SELECT e.device_id FROM tasks t JOIN events e ON e.event_id = t.event_id "
            "WHERE t.state NOT IN ('merged', 'suppressed')"
        )
    )
    assert open_cases == Counter({cam: 1 for cam in cameras})
    assert dispatch.alive() and survivor.alive()
    print(
        f"frames {len(frames)}, analysed {done_before_kill:.0f} by the killed worker and "
        f"{analysed(survivor):.0f} by the survivor; events on topic {sum(event_ids.values())} "
        f"({len(event_ids)} ids), tasks {sum(tasks.values())}, "
        f"open cases {sum(open_cases.values())}"
    )

from datetime import UTC, datetime, timedelta

import numpy as np

from gridwatch.algorithms.base import DeviceContext
from gridwatch.algorithms.lane_occupation import LaneOccupation, LaneOccupationParams
from gridwatch.config.schema import Zone
from gridwatch.domain.detections import CLASS_ID, Detections
from gridwatch.domain.readings import FrameInfo

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
LANE = Zone(id="lane", kind="lane", polygon=[(0.5, 0.0), (1.0, 0.0), (1.0, 0.5), (0.5, 0.5)])


def algo(dwell: float = 10, gap: float = 5) -> LaneOccupation:
    params = LaneOccupationParams(dwell_s=dwell, max_gap_s=gap, min_confidence=0.3)
    return LaneOccupation(params, DeviceContext("cam-1", (LANE,)))


def frame(t: float) -> FrameInfo:
    return FrameInfo("cam-1", int(t), T0 + timedelta(seconds=t), 100, 100)


def vehicle(box: tuple[float, ...], cls: str = "car", conf: float = 0.4) -> Detections:
    return Detections(
        np.array([box], np.float32), np.array([conf], np.float32), np.array([CLASS_ID[cls]])
    )


def run(a: LaneOccupation, seconds: range, det: Detections) -> list:
    return [f for t in seconds for f in a.process(frame(t), det)]


def test_parked_car_in_lane_gives_one_finding_after_the_dwell():
    a = algo()
    findings = run(a, range(0, 60), vehicle((70, 10, 90, 30)))
    assert len(findings) == 1
    f = findings[0]
    assert f.event_type == "lane_occupation" and f.zone_id == "lane"
    assert f.observed_at - f.started_at >= timedelta(seconds=10)


def test_car_passing_through_is_not_reported():
    assert run(algo(), range(0, 5), vehicle((70, 10, 90, 30))) == []


def test_car_outside_the_lane_is_not_reported():
    assert run(algo(), range(0, 60), vehicle((10, 60, 30, 90))) == []


def test_class_flips_between_car_bus_truck_keep_one_incident():
    a = algo()
    out = []
    for t in range(60):
        out += a.process(frame(t), vehicle((70, 10, 90, 30), ("car", "truck", "bus")[t % 3]))
    assert len(out) == 1


def test_people_are_not_vehicles():
    assert run(algo(), range(0, 60), vehicle((70, 10, 90, 30), "person", 0.9)) == []


def test_short_occlusion_does_not_restart_the_incident():
    a = algo(dwell=10, gap=5)
    det = vehicle((70, 10, 90, 30))
    out = run(a, range(0, 8), det)
    out += run(a, range(11, 20), det)  # 3 s unseen, within the gap
    assert len(out) == 1 and out[0].started_at == T0

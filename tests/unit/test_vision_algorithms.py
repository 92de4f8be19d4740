"""Each vision algorithm on synthetic detections: the pure rule, no model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from pydantic import ValidationError

from gridwatch.algorithms.abandoned_object import AbandonedObject, AbandonedObjectParams
from gridwatch.algorithms.area_intrusion import AreaIntrusion
from gridwatch.algorithms.base import DeviceContext, VisionAlgorithm
from gridwatch.algorithms.crowd_gathering import CrowdGathering, CrowdParams
from gridwatch.algorithms.fire_lane_occupation import FireLaneOccupation, FireLaneParams
from gridwatch.algorithms.heavy_truck_restricted import HeavyTruckParams, HeavyTruckRestricted
from gridwatch.algorithms.illegal_parking import IllegalParking, IllegalParkingParams
from gridwatch.algorithms.loitering import Loitering, LoiteringParams
from gridwatch.algorithms.non_motor_disorder import NonMotorDisorder, NonMotorParams
from gridwatch.algorithms.person_in_water import PersonInWater, PersonInWaterParams
from gridwatch.algorithms.street_vending import StreetVending, StreetVendingParams
from gridwatch.algorithms.track_rule import TrackParams
from gridwatch.algorithms.wrong_way_driving import WrongWayDriving, WrongWayParams
from gridwatch.config.schema import Zone
from gridwatch.detect.incident_memory import LocalIncidentMemory
from gridwatch.domain.detections import CLASS_ID, Detections
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import FrameInfo
from gridwatch.domain.tracking import Persistence, ScoreHistory, Tracker

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
LEFT = [(0.0, 0.0), (0.5, 0.0), (0.5, 1.0), (0.0, 1.0)]
ALL = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]


def zone(kind: str, polygon=LEFT, direction=None) -> Zone:
    return Zone(id=f"{kind}-1", kind=kind, polygon=polygon, direction=direction)


def dets(*objs: tuple[str, tuple[float, float, float, float], float]) -> Detections:
    if not objs:
        return Detections.empty()
    return Detections(
        np.array([o[1] for o in objs], np.float32),
        np.array([o[2] for o in objs], np.float32),
        np.array([CLASS_ID[o[0]] for o in objs]),
    )


def run(algo: VisionAlgorithm, scenes, seconds: int, t0: datetime = T0) -> list[Finding]:
    """`scenes(t)` gives the detections at second t; a tracker gives them ids, as the stage does."""
    tracker, out = Tracker(), []
    for t in range(seconds):
        at = t0 + timedelta(seconds=t)
        det = tracker.update(scenes(t), at)
        out += algo.process(FrameInfo("cam-1", t, at, 100, 100), det)
    return out


def ctx(*zones: Zone) -> DeviceContext:
    return DeviceContext("cam-1", zones)


def test_illegal_parking_after_the_dwell_only_in_a_no_parking_zone():
    algo = IllegalParking(IllegalParkingParams(dwell_s=30), ctx(zone("no_parking")))
    assert len(run(algo, lambda t: dets(("car", (10, 10, 30, 30), 0.6)), 60)) == 1
    algo = IllegalParking(IllegalParkingParams(dwell_s=30), ctx(zone("no_parking")))
    assert run(algo, lambda t: dets(("car", (60, 10, 90, 30), 0.6)), 60) == []


def test_fire_lane_counts_motorcycles_too():
    algo = FireLaneOccupation(FireLaneParams(dwell_s=10), ctx(zone("fire_lane")))
    (f,) = run(algo, lambda t: dets(("motorcycle", (10, 40, 20, 60), 0.5)), 20)
    assert f.class_name == "motorcycle" and f.zone_id == "fire_lane-1"


def test_abandoned_bag_is_reported_only_once_its_owner_has_gone():
    algo = AbandonedObject(AbandonedObjectParams(dwell_s=10), ctx(zone("square", ALL)))
    bag = ("suitcase", (40, 60, 50, 75), 0.5)
    owner = ("person", (38, 30, 52, 75), 0.8)
    out = run(algo, lambda t: dets(bag, owner) if t < 30 else dets(bag), 45)
    assert len(out) == 1 and out[0].observed_at >= T0 + timedelta(seconds=30)


def test_street_vending_needs_a_stall_object_next_to_the_person():
    params = StreetVendingParams(dwell_s=20)
    vendor = ("person", (10, 40, 20, 70), 0.7)
    parasol = ("umbrella", (5, 20, 30, 45), 0.5)
    algo = StreetVending(params, ctx(zone("sidewalk")))
    assert len(run(algo, lambda t: dets(vendor, parasol), 40)) == 1
    algo = StreetVending(params, ctx(zone("sidewalk")))
    assert run(algo, lambda t: dets(vendor), 40) == []


def test_non_motor_disorder_when_enough_bikes_stand_long_enough():
    bikes = [("bicycle", (5 + 10 * i, 60, 13 + 10 * i, 75), 0.6) for i in range(3)]
    algo = NonMotorDisorder(NonMotorParams(min_count=3, dwell_s=30), ctx(zone("non_motor_parking")))
    assert len(run(algo, lambda t: dets(*bikes), 90)) == 1
    algo = NonMotorDisorder(NonMotorParams(min_count=3, dwell_s=30), ctx(zone("non_motor_parking")))
    assert run(algo, lambda t: dets(*bikes[:2]), 90) == []


def walker(t: int, x0: float = 10, speed: float = 1.0) -> tuple[str, tuple, float]:
    x = x0 + speed * t
    return ("person", (x, 40, x + 8, 70), 0.8)


def test_intrusion_reports_each_person_once_per_entry():
    algo = AreaIntrusion(TrackParams(min_s=3), ctx(zone("restricted")))
    out = run(algo, lambda t: dets(walker(t), walker(t, x0=20)), 20)
    assert len(out) == 2 and {f.incident_key for f in out} == {
        "restricted-1#track1",
        "restricted-1#track2",
    }


def test_person_passing_outside_the_restricted_zone_is_not_an_intrusion():
    algo = AreaIntrusion(TrackParams(min_s=3), ctx(zone("restricted")))
    assert run(algo, lambda t: dets(walker(t, x0=60)), 20) == []


def test_person_in_water_alerts_after_seconds_not_minutes():
    algo = PersonInWater(PersonInWaterParams(min_s=2), ctx(zone("river")))
    (f,) = run(algo, lambda t: dets(walker(t, speed=0.2)), 10)
    assert f.observed_at - f.started_at == timedelta(seconds=2)


def test_loitering_needs_the_full_dwell_in_the_zone():
    algo = Loitering(LoiteringParams(min_s=60), ctx(zone("square")))
    pacing = lambda t: dets(walker(abs(t % 40 - 20), speed=0.5))  # noqa: E731  to and fro
    assert len(run(algo, pacing, 90)) == 1
    algo = Loitering(LoiteringParams(min_s=60), ctx(zone("square")))
    assert run(algo, lambda t: dets(walker(t, speed=1.5)), 90) == []  # walks through


def test_crowd_is_one_finding_per_gathering():
    crowd = [("person", (2 * i, 50, 2 * i + 3, 60), 0.6) for i in range(20)]
    algo = CrowdGathering(
        CrowdParams(min_count=15, hold_s=30, release_s=20), ctx(zone("square", ALL))
    )
    scenes = lambda t: dets(*crowd) if t < 60 or t >= 100 else dets(*crowd[:5])  # noqa: E731
    out = run(algo, scenes, 160)
    assert len(out) == 2  # the crowd dispersed for 40 s (> release) and gathered again


def test_wrong_way_against_the_lane_direction_only():
    lane = zone("lane", ALL, direction=(0.0, 1.0))  # lawful travel: down the picture
    car_up = lambda t: dets(("car", (40, 80 - 3 * t, 60, 95 - 3 * t), 0.7))  # noqa: E731
    car_down = lambda t: dets(("car", (40, 10 + 3 * t, 60, 25 + 3 * t), 0.7))  # noqa: E731
    assert len(run(WrongWayDriving(WrongWayParams(), ctx(lane)), car_up, 10)) == 1
    assert run(WrongWayDriving(WrongWayParams(), ctx(lane)), car_down, 10) == []


def test_heavy_truck_only_during_the_restricted_hours():
    road = zone("road", ALL)
    truck = lambda t: dets(("truck", (10 + t, 30, 50 + t, 70), 0.7))  # noqa: E731
    params = HeavyTruckParams(from_hour=7, to_hour=22)
    assert len(run(HeavyTruckRestricted(params, ctx(road)), truck, 5)) == 1
    night = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    assert run(HeavyTruckRestricted(params, ctx(road)), truck, 5, night) == []


# ------------------------------------------------------- persistence (Frigate's rule)


def test_score_history_needs_n_of_m_sightings_and_a_median_over_the_threshold():
    rule = Persistence(frames=3, window=5, min_median=0.5)
    h = ScoreHistory()
    for score in (0.9, None, 0.6):
        h.observe(score, rule)
    assert not h.passes(rule)  # two sightings in the window
    h.observe(0.4, rule)
    assert h.passes(rule)  # three of the last four; median of 0.9, 0.6, 0.4 = 0.6
    for _ in range(3):
        h.observe(None, rule)
    assert not h.passes(rule)  # only 0.6 and 0.4 are left in the last five frames
    weak = ScoreHistory()
    for score in (0.9, 0.3, 0.3, 0.3):
        weak.observe(score, rule)
    assert not weak.passes(rule)  # seen enough, but its median is 0.3


def test_one_confident_frame_of_a_misread_sign_is_no_intrusion():
    params = TrackParams(min_s=2, min_confidence=0.5, min_score=0.2)
    board = ("person", (10, 40, 20, 60), 0.3)  # a blue board NanoDet calls a person, weakly
    confident = ("person", (10, 40, 20, 60), 0.9)
    algo = AreaIntrusion(params, ctx(zone("restricted")))
    assert run(algo, lambda t: dets(confident if t == 0 else board), 30) == []
    person = ("person", (10, 40, 20, 60), 0.6)
    algo = AreaIntrusion(params, ctx(zone("restricted")))
    (f,) = run(algo, lambda t: dets(person), 30)
    assert f.observed_at == T0 + timedelta(seconds=2)


def test_an_intruder_hidden_on_every_other_frame_is_not_reported_before_n_of_m():
    params = TrackParams(min_s=0, persist_frames=3, persist_window=5)
    person = ("person", (10, 40, 20, 60), 0.8)
    algo = AreaIntrusion(params, ctx(zone("restricted")))
    (f,) = run(algo, lambda t: dets(person) if t % 2 == 0 else dets(), 30)
    assert f.observed_at == T0 + timedelta(seconds=4)  # seen at 0, 2 and 4


def test_a_parked_car_with_a_weak_median_score_is_not_illegal_parking():
    params = IllegalParkingParams(dwell_s=10, min_confidence=0.4)
    flicker = lambda t: dets(("car", (10, 10, 30, 30), 0.6 if t % 3 == 0 else 0.3))  # noqa: E731
    assert run(IllegalParking(params, ctx(zone("no_parking"))), flicker, 40) == []
    steady = lambda t: dets(("car", (10, 10, 30, 30), 0.45))  # noqa: E731
    assert len(run(IllegalParking(params, ctx(zone("no_parking"))), steady, 40)) == 1


def test_persistence_needs_frames_within_its_window():
    with pytest.raises(ValidationError, match="persist_frames 6 exceeds persist_window 5"):
        TrackParams(persist_frames=6, persist_window=5)


def test_a_zone_filter_on_person_shape_drops_a_wide_sign_read_as_a_person():
    sign = ("person", (10, 40, 22, 52), 0.8)  # as wide as it is tall
    walker = ("person", (30, 30, 36, 50), 0.8)
    shaped = Zone(
        id="strip", kind="restricted", polygon=LEFT, filters={"person": {"max_ratio": 0.7}}
    )
    algo = AreaIntrusion(TrackParams(min_s=2), ctx(shaped))
    (f,) = run(algo, lambda t: dets(sign, walker), 10)
    assert f.box == (30, 30, 36, 50)
    assert (
        len(
            run(
                AreaIntrusion(TrackParams(min_s=2), ctx(zone("restricted"))),
                lambda t: dets(sign, walker),
                10,
            )
        )
        == 2
    )


# ------------------------------------------------- stationary objects: re-checked, not re-alerted


def alerts(algo: VisionAlgorithm, scenes, seconds: int, step: int = 5) -> list[Finding]:
    """Findings that alert after the incident memory (as the detect stage passes them on)."""
    tracker, memory, out = Tracker(), LocalIncidentMemory(), []
    for t in range(0, seconds, step):
        at = T0 + timedelta(seconds=t)
        for f in algo.process(FrameInfo("cam-1", t, at, 100, 100), tracker.update(scenes(t), at)):
            if memory.resolve(f, at).alert:
                out.append(f)
    return out


def test_a_parked_car_hidden_by_a_bus_for_a_minute_is_not_alerted_again():
    car = ("car", (10, 10, 30, 30), 0.6)
    params = IllegalParkingParams(dwell_s=60, max_gap_s=30)
    # Parked for two hours; a bus hides it for 60 s (longer than max_gap_s) at 40 min and at
    # 1 h 50 min: past the incident memory's cooldown (30 min) and its memory (1 h).
    hidden = lambda t: 2400 <= t < 2460 or 6600 <= t < 6660  # noqa: E731
    scenes = lambda t: dets() if hidden(t) else dets(car)  # noqa: E731
    (f,) = alerts(IllegalParking(params, ctx(zone("no_parking"))), scenes, 7200)
    assert f.observed_at == T0 + timedelta(seconds=60)


def test_another_car_parking_in_the_same_place_later_is_a_new_incident():
    car = ("car", (10, 10, 30, 30), 0.6)
    params = IllegalParkingParams(dwell_s=60, max_gap_s=30, recheck_s=600)
    scenes = lambda t: dets(car) if t < 300 or t >= 2000 else dets()  # noqa: E731
    found = alerts(IllegalParking(params, ctx(zone("no_parking"))), scenes, 3600)
    assert [f.observed_at for f in found] == [T0 + timedelta(seconds=s) for s in (60, 2060)]


def test_crowd_zones_ask_for_a_sliced_look_at_their_bounding_box():
    square = zone("square", [(0.2, 0.5), (0.9, 0.4), (0.8, 1.0), (0.3, 0.9)])
    (s,) = CrowdGathering(CrowdParams(), ctx(square)).slicing()
    assert s.region == (0.2, 0.4, 0.9, 1.0) and s.max_tiles == 6
    assert CrowdGathering(CrowdParams(slice_max_tiles=0), ctx(square)).slicing() == []
    assert IllegalParking(IllegalParkingParams(), ctx(zone("no_parking"))).slicing() == []

from datetime import UTC, datetime, timedelta

import pytest

from gridwatch.config.schema import District
from gridwatch.domain.readings import BadReading, Reading
from gridwatch.ingest.reading_intake import ReadingIntake

AT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def intake(minimal_district: District) -> ReadingIntake:
    return ReadingIntake(minimal_district.sensors, lambda r: None, None, clock=lambda: AT)


@pytest.mark.parametrize(
    ("reading", "reason"),
    [
        (Reading("nobody", "water_level", 2.0, "m", AT), "unknown device"),
        (Reading("wl-001", "rainfall", 2.0, "mm/h", AT), "quantity 'rainfall' is wrong"),
        (Reading("wl-001", "water_level", 200.0, "cm", AT), "unit 'cm' is wrong"),
        (Reading("wl-001", "water_level", float("nan"), "m", AT), "not a finite number"),
        (Reading("wl-001", "water_level", float("inf"), "m", AT), "not a finite number"),
    ],
)
def test_reading_that_does_not_fit_its_sensor_is_refused_with_reason(
    intake: ReadingIntake, reading: Reading, reason: str
) -> None:
    with pytest.raises(BadReading, match=reason):
        intake.check(reading)


def test_reading_that_fits_is_accepted_and_handed_on(minimal_district: District) -> None:
    got: list[Reading] = []
    intake = ReadingIntake(minimal_district.sensors, got.append, None, clock=lambda: AT)
    r = Reading("wl-001", "water_level", 2.1, "m", AT)
    intake.accept(intake.check(r))
    assert got == [r] and intake.accepted == 1


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        (datetime(9999, 12, 31, tzinfo=UTC), "ahead of the receive time"),
        (AT + timedelta(minutes=5, seconds=1), "ahead of the receive time"),
        (AT - timedelta(days=7, seconds=1), "behind the receive time"),
        (datetime(1970, 1, 1, tzinfo=UTC), "behind the receive time"),
    ],
    ids=["year 9999", "just over 5 min ahead", "just over 7 days behind", "epoch"],
)
def test_reading_with_device_time_far_from_receive_time_is_refused(
    intake: ReadingIntake, at: datetime, reason: str
) -> None:
    with pytest.raises(BadReading, match=f"field 'ts' .* {reason}"):
        intake.check(Reading("wl-001", "water_level", 2.0, "m", at))


@pytest.mark.parametrize(
    "at", [AT + timedelta(minutes=5), AT - timedelta(days=7)], ids=["5 min ahead", "7 days late"]
)
def test_reading_within_the_time_limits_is_accepted(intake: ReadingIntake, at: datetime) -> None:
    assert intake.check(Reading("wl-001", "water_level", 2.0, "m", at)).at == at

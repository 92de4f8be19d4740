import re
from datetime import UTC, datetime

import pytest

from gridwatch.domain.readings import BadReading
from gridwatch.ingest.mqtt_payload import parse_reading

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
TOPIC = "gridwatch/sensors/wl-001/reading"


def test_valid_reading_keeps_device_time():
    r = parse_reading(
        TOPIC,
        b'{"quantity":"water_level","value":2.3,"unit":"m","ts":"2026-03-01T15:59:00+08:00"}',
        NOW,
    )
    assert (r.device_id, r.value, r.unit) == ("wl-001", 2.3, "m")
    assert r.at == datetime(2026, 3, 1, 7, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        ("gridwatch/sensors/wl-001", b"{}", "is not gridwatch/sensors/+/reading"),
        (TOPIC, b"\xff\xfe", "not UTF-8 JSON"),
        (TOPIC, b"[1, 2]", "must be a JSON object"),
        (TOPIC, b'{"quantity":"water_level","unit":"m"}', "'value' is missing"),
        (TOPIC, b'{"quantity":"water_level","value":"high","unit":"m"}', "must be a number"),
        (TOPIC, b'{"quantity":"water_level","value":NaN,"unit":"m"}', "not a finite number"),
        (TOPIC, b'{"quantity":"water_level","value":2,"unit":"ft"}', "unit 'ft' is wrong"),
        (TOPIC, b'{"quantity":"water_level","value":2,"unit":"m","ts":"noon"}', "not ISO 8601"),
    ],
)
def test_bad_payloads_say_what_is_wrong(topic: str, payload: bytes, reason: str):
    with pytest.raises(BadReading, match=re.escape(reason)):
        parse_reading(topic, payload, NOW)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (
            b'{"quantity":"water_level","value":%s,"unit":"m"}' % (b"9" * 400),
            "'value' is too large",
        ),
        (b'{"quantity":"water_level","value":%s,"unit":"m"}' % (b"9" * 5000), "out of range"),
        (b"[" * 5000, "nested too deeply"),
        (
            b'{"quantity":"water_level","value":2,"unit":%s}' % (b'{"a":' * 5000),
            "nested too deeply",
        ),
    ],
    ids=["400-digit value", "5000-digit value", "nested array", "nested field"],
)
def test_hostile_payloads_are_bad_readings_not_crashes(payload: bytes, reason: str):
    with pytest.raises(BadReading, match=re.escape(reason)):
        parse_reading(TOPIC, payload, NOW)

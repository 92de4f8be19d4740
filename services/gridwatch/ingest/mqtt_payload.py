"""The MQTT convention for sensor readings, and its parser (pure: bytes in, Reading out).

Topic:   gridwatch/sensors/<device_id>/reading
HTTP push: POST /api/sensors/<device_id>/readings with the same payload.
Payload: UTF-8 JSON object
         {"quantity": "water_level", "value": 2.31, "unit": "m", "ts": "2026-03-01T08:00:00+08:00"}
         `ts` (ISO 8601 with offset) is the device's time; without it the receive time is used.
"""

from __future__ import annotations

import json
import math
from datetime import datetime

from gridwatch.domain.readings import BadReading, Reading

TOPIC_PREFIX = "gridwatch/sensors/"
TOPIC_FILTER = "gridwatch/sensors/+/reading"


def device_of_topic(topic: str) -> str:
    parts = topic.split("/")
    if len(parts) != 4 or f"{parts[0]}/{parts[1]}/" != TOPIC_PREFIX or parts[3] != "reading":
        raise BadReading(f"topic {topic!r} is not {TOPIC_FILTER}")
    if not parts[2]:
        raise BadReading(f"topic {topic!r} has no device id")
    return parts[2]


def parse_reading(topic: str, payload: bytes, received_at: datetime) -> Reading:
    """Parse one MQTT message; raise BadReading naming the field that is wrong."""
    return parse_payload(device_of_topic(topic), payload, received_at)


def parse_payload(device_id: str, payload: bytes, received_at: datetime) -> Reading:
    """The JSON payload alone (MQTT message body or HTTP push body) of one device's reading."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadReading(f"{device_id}: payload is not UTF-8 JSON: {e}") from None
    except RecursionError:  # a reading is a flat object; deep nesting is an attack or garbage
        raise BadReading(f"{device_id}: payload is JSON nested too deeply for a reading") from None
    except ValueError as e:  # valid JSON Python will not take: an integer over 4300 digits
        raise BadReading(f"{device_id}: payload JSON is out of range: {e}") from None
    if not isinstance(data, dict):
        raise BadReading(f"{device_id}: payload must be a JSON object")
    for key in ("quantity", "value", "unit"):
        if key not in data:
            raise BadReading(f"{device_id}: payload field {key!r} is missing")
    value = data["value"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadReading(f"{device_id}: field 'value' must be a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an integer past float's range (e.g. 400 digits)
        raise BadReading(f"{device_id}: field 'value' is too large for a number") from None
    if not math.isfinite(number):
        raise BadReading(f"{device_id}: field 'value' is {value!r}, not a finite number")
    at = received_at
    if "ts" in data:
        try:
            at = datetime.fromisoformat(str(data["ts"]))
        except ValueError:
            raise BadReading(f"{device_id}: field 'ts' {data['ts']!r} is not ISO 8601") from None
        if at.tzinfo is None:
            raise BadReading(f"{device_id}: field 'ts' needs a UTC offset")
    reading = Reading(device_id, str(data["quantity"]), number, str(data["unit"]), at)
    return reading.validated()

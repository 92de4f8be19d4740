"""Sensor readings through the real Mosquitto broker: bad payloads are dead-lettered with the
reason, and every good reading around them still arrives."""

from __future__ import annotations

import json
import socket
import threading

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from gridwatch.config.schema import District
from gridwatch.domain.readings import Reading
from gridwatch.ingest.mqtt_intake import MqttIntake
from gridwatch.ingest.reading_intake import ReadingIntake
from gridwatch.runtime.clock import utc_now

from .ingest_harness import health_and_dead_letters

BROKER = ("127.0.0.1", 1883)


def _broker_up() -> bool:
    try:
        socket.create_connection(BROKER, timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.redis,
    pytest.mark.mqtt,
    pytest.mark.skipif(not _broker_up(), reason="no MQTT broker (mosquitto) at 127.0.0.1:1883"),
]


def test_bad_mqtt_payloads_are_dead_lettered_with_reason_and_nothing_else_is_lost(
    sample_district: District, redis_url: str
) -> None:
    hot, health, dead = health_and_dead_letters(redis_url)
    sensors = sample_district.sensors
    level = next(s for s in sensors if s.quantity == "water_level")
    got: list[Reading] = []
    done = threading.Event()

    def on_reading(r: Reading) -> None:
        got.append(r)
        if r.value == 9.0:
            done.set()

    intake = ReadingIntake(sensors, on_reading, dead, health)
    mq = MqttIntake(intake, *BROKER).start()
    try:
        assert mq.subscribed.wait(5), "no subscription"
        pub = mqtt.Client(CallbackAPIVersion.VERSION2)
        pub.connect(*BROKER)
        pub.loop_start()
        topic = f"gridwatch/sensors/{level.id}/reading"
        ts = utc_now().replace(microsecond=0).isoformat()

        def good(v: float) -> bytes:
            body = {"quantity": "water_level", "value": v, "unit": "m", "ts": ts}
            return json.dumps(body).encode()

        bad = [
            (topic, b'{"quantity": "water_level", "value": 2.1', "not UTF-8 JSON"),
            (topic, b'{"quantity": "water_level", "value": NaN, "unit": "m"}', "not a finite"),
            (topic, b'{"quantity": "water_level", "value": 210, "unit": "cm"}', "unit 'cm'"),
            ("gridwatch/sensors/no-such-sensor/reading", good(1.0), "unknown device"),
        ]
        messages = [(topic, good(1.0), None)]
        for b in bad:
            messages += [b, (topic, good(len(messages) + 1.0), None)]
        messages.append((topic, good(9.0), None))
        for t, body, _ in messages:
            pub.publish(t, body, qos=1).wait_for_publish(5)
        assert done.wait(10), "the last good reading did not arrive"
        pub.loop_stop()
        pub.disconnect()
    finally:
        mq.stop()

    sent_good = [json.loads(b)["value"] for t, b, r in messages if r is None and t == topic]
    assert [r.value for r in got] == sent_good, "every good reading arrives, in order"
    assert intake.rejected == len(bad)
    letters = list(reversed(dead.latest()))
    assert len(letters) == len(bad)
    for letter, (t, body, reason) in zip(letters, bad, strict=True):
        assert reason in letter["reason"]
        assert letter["payload"] == body, "the payload is kept as received"
        assert letter["topic"] == t
        assert letter["source"] == "mqtt"
    assert dead.counts() == {"reading:mqtt": len(bad)}
    beat = hot.device(level.id)
    assert beat["value"] == "9.0" and beat["state"] == "online"


def test_a_failing_consumer_does_not_stop_the_intake(
    sample_district: District, redis_url: str
) -> None:
    _, health, dead = health_and_dead_letters(redis_url)
    level = next(s for s in sample_district.sensors if s.quantity == "water_level")
    calls: list[float] = []

    def flaky(r: Reading) -> None:
        calls.append(r.value)
        if r.value == 1.0:
            raise RuntimeError("database down")

    intake = ReadingIntake(sample_district.sensors, flaky, dead, health)
    mq = MqttIntake(intake, *BROKER)
    for v in (1.0, 2.0):
        body = json.dumps({"quantity": "water_level", "value": v, "unit": "m"}).encode()
        mq.handle(f"gridwatch/sensors/{level.id}/reading", body)
    assert calls == [1.0, 2.0]
    assert intake.accepted == 1
    (letter,) = dead.latest()
    assert "not processed: database down" in letter["reason"]

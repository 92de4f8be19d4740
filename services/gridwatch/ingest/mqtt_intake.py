"""Sensor readings over MQTT (convention in mqtt_payload.py): a paho-mqtt client that parses,
checks and hands on each reading, and dead-letters the rest. Runs paho's network thread; a
bad payload or a failing consumer never stops it.

Used by the embedded runtime and, with its own callbacks, by the scaled-out ingest worker.
"""

from __future__ import annotations

import logging
import threading
import uuid

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from gridwatch.domain.readings import BadReading
from gridwatch.ingest.mqtt_payload import TOPIC_FILTER, parse_reading
from gridwatch.ingest.reading_intake import ReadingIntake

log = logging.getLogger(__name__)


class MqttIntake:
    def __init__(
        self,
        intake: ReadingIntake,
        host: str = "127.0.0.1",
        port: int = 1883,
        *,
        topic: str = TOPIC_FILTER,
        qos: int = 1,
        client_id: str | None = None,
    ) -> None:
        self.intake, self.host, self.port, self.topic, self.qos = intake, host, port, topic, qos
        self.subscribed = threading.Event()
        # A persistent session (clean_session False) with a fixed id keeps QoS 1 messages
        # sent while the worker restarts; a random id gives a throwaway session.
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id or f"gridwatch-ingest-{uuid.uuid4().hex[:8]}",
            clean_session=client_id is None,
        )
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(min_delay=1, max_delay=60)

    def start(self) -> MqttIntake:
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        return self

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(
        self, client: mqtt.Client, _u: object, _f: object, rc: object, _p: object
    ) -> None:
        log.info(
            "MQTT connected to %s:%d (%s); subscribing %s", self.host, self.port, rc, self.topic
        )
        client.subscribe(self.topic, qos=self.qos)

    def _on_subscribe(self, *_args: object) -> None:
        self.subscribed.set()

    def _on_message(self, _c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        self.handle(msg.topic, bytes(msg.payload))

    def handle(self, topic: str, payload: bytes) -> None:
        received_at = self.intake.clock()
        device_id = topic.split("/")[2] if topic.count("/") == 3 else ""
        try:
            reading = self.intake.check(parse_reading(topic, payload, received_at))
        except BadReading as e:
            self.intake.reject("mqtt", device_id, str(e), payload, topic)
            return
        except Exception as e:  # a parser bug must not kill paho's network thread
            log.exception("MQTT message on %s not parsed", topic)
            self.intake.reject("mqtt", device_id, f"parser failed: {e}", payload, topic)
            return
        self.intake.accept(reading)

"""What ingest hands to detection: a decoded frame with its device and times."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from threading import Event
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Frame:
    device_id: str
    seq: int
    at: datetime  # device time: when the picture was taken
    image: np.ndarray  # BGR uint8, H x W x 3
    received_at: datetime


class FrameSource(Protocol):
    """Every camera adapter: yields frames at the device's sample rate until `stop` is set."""

    def frames(self, stop: Event) -> Iterator[Frame]: ...


# (device id, reason, raw bytes): a frame that arrived but cannot be analysed.
BadFrameSink = Callable[[str, str, bytes], None]


def ignore_bad_frame(device_id: str, reason: str, data: bytes) -> None:
    """Default sink for adapters used outside a supervisor (tests, one-off tools)."""

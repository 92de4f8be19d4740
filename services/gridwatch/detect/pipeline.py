"""Frames of many cameras onto a few detect workers.

Each camera has a short queue; when the workers fall behind, a camera's *oldest* waiting frame
is dropped (counted) so analysis stays close to live. Workers take cameras round-robin and never
work on one camera in two threads at once, so each camera's frames are analysed in order while
different cameras run in parallel. On 2 cores two workers sharing one ONNX session (one
intra-op thread each) overlap one frame's decoding, gating and rules with another's inference.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from gridwatch.domain.events import Finding
from gridwatch.ingest.frames import Frame

log = logging.getLogger(__name__)

Analyse = Callable[[Frame], list[Finding]]
Deliver = Callable[[Frame, list[Finding]], None]


@dataclass
class PipelineStats:
    submitted: int = 0
    done: int = 0
    dropped: Counter[str] = field(default_factory=Counter)  # per camera
    failures: int = 0


class DetectPipeline:
    def __init__(self, analyse: Analyse, deliver: Deliver, workers: int = 2, depth: int = 2):
        self.analyse, self.deliver, self.depth = analyse, deliver, depth
        self.stats = PipelineStats()
        self._queues: dict[str, deque[Frame]] = {}
        self._ready: deque[str] = deque()  # cameras with frames and no worker on them
        self._busy: set[str] = set()
        self._cond = threading.Condition()
        self._stop = False
        self._threads = [
            threading.Thread(target=self._work, name=f"detect-{i}", daemon=True)
            for i in range(workers)
        ]
        for t in self._threads:
            t.start()

    def submit(self, frame: Frame, *, hold: bool = False) -> None:
        """Queue a frame. A live camera drops its oldest waiting frame when its queue is full;
        a recording played flat out (`hold`) waits for room instead, so nothing is skipped."""
        with self._cond:
            q = self._queues.setdefault(frame.device_id, deque())
            if hold:
                self._cond.wait_for(lambda: len(q) < self.depth or self._stop)
            if len(q) >= self.depth:
                q.popleft()
                self.stats.dropped[frame.device_id] += 1
            q.append(frame)
            self.stats.submitted += 1
            cam = frame.device_id
            if cam not in self._busy and cam not in self._ready:
                self._ready.append(cam)
            self._cond.notify_all()

    def backlog(self) -> int:
        with self._cond:
            return sum(len(q) for q in self._queues.values()) + len(self._busy)

    def drain(self, timeout: float) -> bool:
        """Wait until every submitted frame is analysed or dropped."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not self._busy and not any(self._queues.values()), timeout
            )

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        for t in self._threads:
            t.join(timeout=10)

    def _next(self) -> Frame | None:
        with self._cond:
            while not self._ready and not self._stop:
                self._cond.wait()
            if self._stop:
                return None
            cam = self._ready.popleft()
            self._busy.add(cam)
            frame = self._queues[cam].popleft()
            self._cond.notify_all()  # a held-back submitter may go on
            return frame

    def _finish(self, cam: str) -> None:
        with self._cond:
            self._busy.discard(cam)
            self.stats.done += 1
            if self._queues[cam]:
                self._ready.append(cam)
            self._cond.notify_all()

    def _work(self) -> None:
        while (frame := self._next()) is not None:
            try:
                findings = self.analyse(frame)
            except Exception:
                # A failure is one frame's loss; the worker and the other cameras go on.
                self.stats.failures += 1
                log.exception("analysis failed on %s frame %d", frame.device_id, frame.seq)
                findings = []
            try:
                self.deliver(frame, findings)
            finally:
                self._finish(frame.device_id)

"""Multi-object tracking by box overlap, in the manner of ByteTrack: confident boxes are
matched to tracks first, then weak boxes (often the same object half-occluded) may keep an
existing track alive but never start one. Greedy matching by IoU: a camera holds few objects,
so this costs microseconds and needs no assignment solver."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from gridwatch.domain.detections import Detections, FloatArray, IntArray, box_iou


@dataclass
class Track:
    track_id: int
    box: FloatArray
    class_id: int
    first_seen: datetime
    last_seen: datetime
    first_box: FloatArray
    hits: int = 1


@dataclass
class Tracker:
    high: float = 0.4  # boxes at or above start tracks and match first
    low: float = 0.15  # boxes between low and high only extend existing tracks
    min_iou: float = 0.3
    max_age: timedelta = timedelta(seconds=5)
    tracks: list[Track] = field(default_factory=list)
    next_id: int = 1

    def update(self, detections: Detections, now: datetime) -> Detections:
        """Assign track ids to this frame's detections (-1 for weak unmatched boxes)."""
        self.tracks = [t for t in self.tracks if now - t.last_seen <= self.max_age]
        ids: IntArray = np.full(len(detections), -1, dtype=np.int64)
        free = set(range(len(self.tracks)))
        conf = detections.confidence
        for tier in (conf >= self.high, (conf >= self.low) & (conf < self.high)):
            rows = np.nonzero(tier)[0]
            self._match(detections, rows, ids, free, now)
        for i in np.nonzero((conf >= self.high) & (ids < 0))[0]:
            box = detections.xyxy[i].copy()
            cls = int(detections.class_id[i])
            self.tracks.append(Track(self.next_id, box, cls, now, now, box.copy()))
            ids[i] = self.next_id
            self.next_id += 1
        return detections.with_tracker_ids(ids)

    def _match(
        self, det: Detections, rows: IntArray, ids: IntArray, free: set[int], now: datetime
    ) -> None:
        if len(rows) == 0 or not free:
            return
        cols = sorted(free)
        known = np.stack([self.tracks[k].box for k in cols]).astype(np.float32)
        iou = box_iou(det.xyxy[rows], known)
        while iou.size and iou.max() >= self.min_iou:
            r, c = np.unravel_index(int(iou.argmax()), iou.shape)
            track = self.tracks[cols[c]]
            track.box = det.xyxy[rows[r]].copy()
            track.last_seen = now
            track.hits += 1
            ids[rows[r]] = track.track_id
            free.discard(cols[c])
            iou[r, :] = -1
            iou[:, c] = -1

    def keep(self, track_ids: IntArray, now: datetime) -> None:
        """The frame was not analysed because nothing moved: the tracks in the last detections
        are still where they were. Without this a person standing still would lose their track
        between re-checks (`max_age` < the motion gate's re-check period) and every rule
        counting a track's time (loitering, intrusion) would start again at each re-check."""
        alive = {int(i) for i in track_ids if i >= 0}
        for track in self.tracks:
            if track.track_id in alive:
                track.last_seen = now

    def get(self, track_id: int) -> Track | None:
        return next((t for t in self.tracks if t.track_id == track_id), None)


@dataclass(frozen=True)
class Persistence:
    """When a tracked object is real enough to alert on (Frigate's rule): it was seen on at least
    `frames` of the last `window` analysed frames, and the median of its recent scores reaches
    `min_median`. One confident frame of a misread sign does not make a person; a person
    half-hidden for a frame keeps counting."""

    frames: int = 3
    window: int = 5
    min_median: float = 0.35
    scores_kept: int = 10  # the median is over the track's last scores, as in Frigate

    def __post_init__(self) -> None:
        if not 1 <= self.frames <= self.window:
            raise ValueError(f"need 1 ≤ frames ({self.frames}) ≤ window ({self.window})")


@dataclass
class ScoreHistory:
    """One object's record over the analysed frames: seen or not on each of the last frames,
    and its scores when seen. `observe` once per analysed frame, in order."""

    seen: list[bool] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)

    def observe(self, score: float | None, rule: Persistence) -> None:
        """This frame's score of the object, or None when it was not seen."""
        self.seen = [*self.seen, score is not None][-rule.window :]
        if score is not None:
            self.scores = [*self.scores, score][-rule.scores_kept :]

    def median(self) -> float:
        return float(np.median(self.scores)) if self.scores else 0.0

    def passes(self, rule: Persistence) -> bool:
        return sum(self.seen) >= rule.frames and self.median() >= rule.min_median

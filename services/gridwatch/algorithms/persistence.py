"""Parameters of Frigate's rule for the rules that follow one object over frames (tracks in a
zone, stationary objects): a box counts from `min_score`; the object alerts only once it was
seen on `persist_frames` of the last `persist_window` analysed frames and the median of its
recent scores reaches `min_confidence` (`domain.tracking.Persistence`)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from gridwatch.algorithms.base import Params
from gridwatch.domain.tracking import Persistence


class PersistenceParams(Params):
    min_confidence: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Median detector score over the object's last 10 sightings that it must "
        "reach before it is reported (one frame's score is not enough).",
    )
    min_score: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Detector score for a single box to count as a sighting at all.",
    )
    persist_frames: int = Field(
        3, ge=1, description="Sightings among the last persist_window analysed frames needed."
    )
    persist_window: int = Field(5, ge=1, description="Analysed frames persist_frames counts in.")

    @model_validator(mode="after")
    def _frames_fit_the_window(self) -> Self:
        if self.persist_frames > self.persist_window:
            raise ValueError(
                f"persist_frames {self.persist_frames} exceeds persist_window {self.persist_window}"
            )
        return self

    def persistence(self) -> Persistence:
        return Persistence(self.persist_frames, self.persist_window, self.min_confidence)

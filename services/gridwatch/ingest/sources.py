"""Pick the adapter for a device's configured source."""

from __future__ import annotations

from pathlib import Path

from gridwatch.config.loader import resolve_path
from gridwatch.config.schema import Camera, FileSource, ImagesSource
from gridwatch.ingest.frames import FrameSource
from gridwatch.ingest.images import ImagesSource as ImagesAdapter
from gridwatch.ingest.video_file import VideoFileSource
from gridwatch.runtime.clock import Clock


class UnsupportedSource(NotImplementedError):
    pass


def open_camera(camera: Camera, config_dir: Path, clock: Clock, *, realtime: bool) -> FrameSource:
    src = camera.source
    if isinstance(src, FileSource):
        return VideoFileSource(
            camera.id,
            resolve_path(config_dir, src.path),
            camera.sample_fps,
            loop=src.loop,
            realtime=realtime and src.realtime,
            start=clock(),
            clock=clock,
        )
    if isinstance(src, ImagesSource):
        return ImagesAdapter(
            camera.id,
            [resolve_path(config_dir, p) for p in src.paths],
            src.interval_s,
            clock=clock,
            realtime=realtime,
        )
    raise UnsupportedSource(f"{camera.id}: {src.kind} sources are not supported yet")

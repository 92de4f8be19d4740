"""Pick the adapter for a device's configured source."""

from __future__ import annotations

from pathlib import Path

from gridwatch.config.loader import resolve_path
from gridwatch.config.schema import (
    Camera,
    FileSource,
    ImagesSource,
    MjpegSource,
    RtspSource,
    SnapshotSource,
)
from gridwatch.image_bounds import MAX_PIXELS
from gridwatch.ingest.frames import BadFrameSink, FrameSource, ignore_bad_frame
from gridwatch.ingest.images import ImagesSource as ImagesAdapter
from gridwatch.ingest.mjpeg import MjpegSource as MjpegAdapter
from gridwatch.ingest.rtsp import RtspSource as RtspAdapter
from gridwatch.ingest.snapshot import SnapshotSource as SnapshotAdapter
from gridwatch.ingest.video_file import VideoFileSource
from gridwatch.runtime.clock import Clock


class UnsupportedSource(NotImplementedError):
    pass


def open_camera(
    camera: Camera,
    config_dir: Path,
    clock: Clock,
    *,
    realtime: bool,
    stall_s: float = 10.0,
    on_bad_frame: BadFrameSink = ignore_bad_frame,
    max_pixels: int = MAX_PIXELS,
) -> FrameSource:
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
            max_pixels=max_pixels,
            on_bad_frame=on_bad_frame,
        )
    if isinstance(src, RtspSource):
        return RtspAdapter(
            camera.id,
            src.url,
            camera.sample_fps,
            transport=src.transport,
            clock=clock,
            stall_s=stall_s,
        )
    if isinstance(src, MjpegSource):
        return MjpegAdapter(
            camera.id,
            src.url,
            camera.sample_fps,
            clock=clock,
            stall_s=stall_s,
            on_bad_frame=on_bad_frame,
            max_pixels=max_pixels,
        )
    if isinstance(src, SnapshotSource):
        return SnapshotAdapter(
            camera.id,
            src.url,
            src.interval_s,
            clock=clock,
            stall_s=stall_s,
            on_bad_frame=on_bad_frame,
            max_pixels=max_pixels,
        )
    raise UnsupportedSource(f"{camera.id}: {src.kind} sources are not supported yet")

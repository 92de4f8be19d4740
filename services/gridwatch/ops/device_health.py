"""Device health as the ops centre shows it, from the heartbeats in Redis.

Fields read from each device's heartbeat hash (written by ingest/health.py): last_seen (ISO
time), state ("online"/"error"/"offline"), error, value (last sensor reading), fps (frames/s
delivered), wanted_fps, decode_errors, stale_frames, reconnects, lag_ms (detector lag). Fields
a device does not report are left empty rather than guessed.
"""

from __future__ import annotations

from datetime import datetime

from gridwatch.config.schema import Camera, District
from gridwatch.ops.schemas import DeviceHealthOut
from gridwatch.store.hot_state import HotState


def _int(v: str | None) -> int | None:
    f = _float(v)
    return None if f is None else int(f)


def _float(v: str | None) -> float | None:
    try:
        return float(v) if v not in (None, "") else None
    except ValueError:
        return None


def status_of(beat: dict[str, str], grace_s: float, now: datetime) -> tuple[str, datetime | None]:
    raw = beat.get("last_seen")
    if not raw:
        # Ingest tried and keeps failing, but never got a frame: say so, not "never seen".
        return ("offline" if beat.get("state") == "offline" else "never_seen"), None
    try:
        seen = datetime.fromisoformat(raw)
    except ValueError:
        return "never_seen", None
    if (now - seen).total_seconds() > grace_s or beat.get("state") == "offline":
        return "offline", seen
    if beat.get("state") == "error":
        return "error", seen
    return "online", seen


def device_health(district: District, hot: HotState | None, now: datetime) -> list[DeviceHealthOut]:
    ids = [d.id for d in district.devices]
    beats = hot.devices(ids) if hot is not None else {}
    box = district.organisation.map
    out = []
    for d in district.devices:
        beat = beats.get(d.id, {})
        status, seen = status_of(beat, d.offline_grace.total_seconds(), now)
        x, y = box.to_map(d.location.lon, d.location.lat)
        grid = district.grid(d.grid)
        is_camera = isinstance(d, Camera)
        algorithms = list(d.algorithms) if isinstance(d, Camera) else []
        out.append(
            DeviceHealthOut(
                device_id=d.id,
                name=d.name,
                kind="camera" if is_camera else "sensor",
                grid=d.grid,
                grid_name=grid.name,
                community=grid.community,
                ai=bool(algorithms),
                algorithms=algorithms,
                status=status,
                last_seen=seen,
                seconds_since=int((now - seen).total_seconds()) if seen else None,
                fps=_float(beat.get("fps")),
                lag_ms=_float(beat.get("lag_ms")),
                last_value=beat.get("value") or None,
                error=beat.get("error") or None,
                thumbnail_url=(
                    f"/api/devices/{d.id}/thumbnail" if is_camera and seen is not None else None
                ),
                wanted_fps=_float(beat.get("wanted_fps")),
                decode_errors=_int(beat.get("decode_errors")),
                stale_frames=_int(beat.get("stale_frames")),
                reconnects=_int(beat.get("reconnects")),
                x=round(x, 5),
                y=round(y, 5),
            )
        )
    return out

"""Human intake: grid leaders' clues (线索上报) and citizens' requests (民呼我为) become events
that enter the same chain as AI events.

Both are validated against the district before anything is stored: the event type must be in
the plans' catalogue of reported types and open to that source, the grid (and scene) must
exist. Times without a zone are read on the district's clock (plans.timezone). Event ids come
from the request's own id (citizen platform) or the phone's `client_ref`, so a resubmission or
a re-run import never opens a second case.

A citizen-request file (CSV with a header row, a JSON list, or JSON lines) is checked whole:
one bad row rejects the file with every problem as `file:line: field: message`, and nothing is
imported until it is fixed, so a partial import can never lose or double a request.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gridwatch.config.errors import ConfigIssue
from gridwatch.config.schema import District, EventTypeDef
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Event, stable_id
from gridwatch.domain.tasks import DESK, Actor, Role, Task
from gridwatch.domain.zones import points_in_polygon
from gridwatch.image_bounds import MAX_PIXELS, TooManyPixels, check_pixels
from gridwatch.store.evidence import EvidenceStore

REF = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
# A report cannot describe something that has not happened yet; a few minutes' leeway covers a
# phone's or the platform's clock running fast (the same allowance sensors get by default).
MAX_TIME_AHEAD = timedelta(minutes=5)


class ClueIn(BaseModel):
    """A grid leader's clue, reported from the phone."""

    model_config = ConfigDict(extra="forbid")

    event_type: str = Field(description="A reported event type, e.g. garbage_dumping.")
    description: str = Field(min_length=2, max_length=2000, description="What was seen.")
    grid: str | None = Field(
        None,
        description="Grid; default: the reporter's own grid (grid leaders), or the grid the "
        "location lies in (the desk).",
    )
    scene: str | None = Field(None, description="Smart scene it lies in, if any.")
    occurred_at: datetime | None = Field(None, description="When seen; default: now.")
    client_ref: str | None = Field(
        None, pattern=REF, description="The phone's id for this report: resubmitting is safe."
    )
    lon: float | None = Field(None, ge=-180, le=180, description="Where (WGS-84), with lat.")
    lat: float | None = Field(None, ge=-90, le=90, description="Where (WGS-84), with lon.")


class CitizenRequestIn(BaseModel):
    """A request from the citizen platform (民呼我为)."""

    model_config = ConfigDict(extra="forbid")

    request_id: str = Field(pattern=REF, description="The platform's request number.")
    event_type: str = Field(description="A reported event type, e.g. noise.")
    grid: str = Field(description="Grid the request is about.")
    description: str = Field(min_length=2, max_length=4000, description="The request.")
    occurred_at: datetime = Field(description="When it was made (local time if no zone).")
    address: str = Field("", max_length=256, description="Where, in words.")
    scene: str | None = Field(None, description="Smart scene it lies in, if any.")


class IntakeError(ValueError):
    """A report that cannot enter the chain; `field` names what to fix."""

    def __init__(self, field: str, message: str, *, forbidden: bool = False) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message, self.forbidden = field, message, forbidden


class Intake:
    def __init__(self, district: District, stage: DispatchStage) -> None:
        self.district, self.stage = district, stage
        self.zone = ZoneInfo(district.plans.timezone)

    def event_type(self, event_type: str, source: str) -> EventTypeDef:
        types = {t.id: t for t in self.district.plans.event_types}
        t = types.get(event_type)
        if t is None:
            known = ", ".join(sorted(k for k, v in types.items() if source in v.sources))
            raise IntakeError("event_type", f"unknown event type {event_type!r} (known: {known})")
        if source not in t.sources:
            raise IntakeError("event_type", f"{event_type!r} is not reported by {source}")
        return t

    def _place(self, grid: str, scene: str | None) -> str:
        try:
            community = self.district.grid(grid).community
        except KeyError:
            raise IntakeError("grid", f"unknown grid {grid!r}") from None
        if scene is not None and scene not in {s.id for s in self.district.organisation.scenes}:
            raise IntakeError("scene", f"unknown scene {scene!r}")
        return community

    def _aware(self, at: datetime) -> datetime:
        at = at.replace(tzinfo=self.zone) if at.tzinfo is None else at
        # Routing reads the time on the district's clock; a time that cannot be put there
        # (year 1, year 9999 …) is a typing error, not a report.
        try:
            local = at.astimezone(self.zone)
        except OverflowError:
            local = None
        if local is None or not 2000 <= local.year <= 2100:
            raise IntakeError("occurred_at", f"{at.isoformat()} is not a plausible time")
        # Nothing is reported before it happens: a time ahead of receipt is a wrong clock or a
        # typing error, and routing and deadlines would read it as true.
        received = self.stage.clock()
        if at - received > MAX_TIME_AHEAD:
            raise IntakeError(
                "occurred_at",
                f"{at.isoformat()} is in the future (more than {MAX_TIME_AHEAD} after "
                f"{received.isoformat()}, when it was received)",
            )
        return at

    def location(self, clue: ClueIn) -> tuple[float, float] | None:
        """The clue's lon/lat, checked to lie on the district's map."""
        if (clue.lon is None) != (clue.lat is None):
            raise IntakeError("lon/lat", "give both or neither")
        if clue.lon is None or clue.lat is None:
            return None
        x, y = self.district.organisation.map.to_map(clue.lon, clue.lat)
        if not (0 <= x <= 1 and 0 <= y <= 1):
            raise IntakeError("lon/lat", "outside the district's map")
        return clue.lon, clue.lat

    def clue_event(self, clue: ClueIn, actor: Actor, photo: str | None) -> Event:
        where = self.location(clue)
        if actor.role is Role.GRID_LEADER:
            grid = clue.grid or actor.grid
            if grid != actor.grid:
                raise IntakeError(
                    "grid", "grid leaders report clues in their own grid", forbidden=True
                )
        elif actor.role in DESK:
            grid = clue.grid or (grid_at(self.district, *where) if where else None)
        else:
            raise IntakeError("actor", f"{actor.role} may not report clues", forbidden=True)
        if not grid:
            raise IntakeError("grid", "which grid? (name it, or give a location inside one)")
        kind = self.event_type(clue.event_type, "grid_leader")
        community = self._place(grid, clue.scene)
        at = self._aware(clue.occurred_at) if clue.occurred_at else self.stage.clock()
        ref = clue.client_ref or f"{at.isoformat()}|{clue.description}"
        return Event(
            event_id=stable_id("evt", "clue", actor.user_id, ref),
            event_type=kind.id,
            source="grid_leader",
            occurred_at=at,
            grid=grid,
            community=community,
            severity=kind.severity,
            title=kind.name,
            scene=clue.scene,
            description=clue.description,
            evidence_path=photo,
            reporter=actor.user_id,
        )

    def citizen_event(self, req: CitizenRequestIn) -> Event:
        kind = self.event_type(req.event_type, "citizen")
        community = self._place(req.grid, req.scene)
        where = f"（{req.address}）" if req.address else ""
        return Event(
            event_id=stable_id("evt", "citizen", req.request_id),
            event_type=kind.id,
            source="citizen",
            occurred_at=self._aware(req.occurred_at),
            grid=req.grid,
            community=community,
            severity=kind.severity,
            title=kind.name,
            scene=req.scene,
            description=req.description + where,
            reporter=f"citizen:{req.request_id}",
        )

    def clue(self, clue: ClueIn, actor: Actor, photo: str | None = None) -> Task:
        return self.stage.handle_event(self.clue_event(clue, actor, photo))

    def citizen(self, req: CitizenRequestIn) -> Task:
        return self.stage.handle_event(self.citizen_event(req))

    def check_file(self, path: Path, display: str | None = None) -> list[CitizenRequestIn]:
        """Parse and validate a whole citizen-request file, or raise IntakeFileError."""
        name = display or str(path)
        issues: list[ConfigIssue] = []
        requests: list[CitizenRequestIn] = []
        seen: dict[str, int] = {}
        try:
            rows = list(_rows(path))
        except (ValueError, UnicodeDecodeError) as e:
            line = e.line if isinstance(e, _LineError) else 1
            raise IntakeFileError([ConfigIssue(name, line, "(file)", str(e))]) from None
        if not rows:
            raise IntakeFileError([ConfigIssue(name, 1, "(file)", "no requests in the file")])
        for line, data in rows:
            try:
                req = CitizenRequestIn.model_validate(data)
                self.citizen_event(req)
            except ValidationError as e:
                for err in e.errors(include_url=False):
                    field = ".".join(str(p) for p in err["loc"]) or "(row)"
                    issues.append(ConfigIssue(name, line, field, err["msg"]))
                continue
            except IntakeError as e:
                issues.append(ConfigIssue(name, line, e.field, e.message))
                continue
            if req.request_id in seen:
                msg = f"request {req.request_id!r} repeats line {seen[req.request_id]}"
                issues.append(ConfigIssue(name, line, "request_id", msg))
                continue
            seen[req.request_id] = line
            requests.append(req)
        if issues:
            raise IntakeFileError(issues)
        return requests


MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTO_SIDE = 1600
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"})  # MPO: some phones' JPEG


@dataclass(frozen=True)
class StoredPhoto:
    key: str  # evidence key: photos/<uploader>/<day>/<content hash>.jpg
    width: int
    height: int
    size: int


def store_photo(
    evidence: EvidenceStore,
    data: bytes,
    at: datetime,
    owner: str,
    *,
    max_pixels: int = MAX_PIXELS,
) -> StoredPhoto:
    """Check that the upload is a picture and keep it upright as a JPEG of at most 1600 px.
    Re-encoding strips whatever else a file carries (a phone's EXIF and GPS included) and gives
    every picture one format. The key names the uploader (only they may attach it to a case)
    and the content, so sending the same photo again from the phone stores it once. A picture
    whose header claims more than `max_pixels` is refused before anything decodes it."""
    if not data:
        raise IntakeError("photo", "empty file")
    if len(data) > MAX_PHOTO_BYTES:
        raise IntakeError("photo", "larger than 15 MB")
    try:
        check_pixels(data, max_pixels)
    except TooManyPixels as e:
        raise IntakeError("photo", str(e)) from None
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in PHOTO_FORMATS:
                raise IntakeError("photo", f"{img.format} pictures are not taken; send JPEG or PNG")
            img.load()
            rgb = (ImageOps.exif_transpose(img) or img).convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise IntakeError("photo", "not a picture (JPEG, PNG …)") from None
    rgb.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=85, optimize=True)
    jpeg = out.getvalue()
    key = f"photos/{owner}/{at:%Y%m%d}/{hashlib.sha256(data).hexdigest()[:32]}.jpg"
    return StoredPhoto(evidence.put(key, jpeg), rgb.width, rgb.height, len(jpeg))


def check_own_photo(evidence: EvidenceStore, key: str, actor: Actor, field: str = "photo") -> None:
    """A case may only carry a photo its reporter uploaded: not another person's picture and
    not a detector's evidence frame passed off as a photo taken on site."""
    if not key.startswith(f"photos/{actor.user_id}/"):
        raise IntakeError(field, "upload the photo yourself first (POST /api/photos)")
    try:
        exists = evidence.path(key).is_file()
    except ValueError:
        exists = False
    if not exists:
        raise IntakeError(field, f"no uploaded photo {key}")


def grid_at(district: District, lon: float, lat: float) -> str | None:
    """The grid whose area contains the place, if any."""
    x, y = district.organisation.map.to_map(lon, lat)
    point = np.array([[x, y]], dtype=np.float32)
    for g in district.organisation.grids:
        if points_in_polygon(point, np.asarray(g.area, dtype=np.float32))[0]:
            return g.id
    return None


class IntakeFileError(ValueError):
    def __init__(self, issues: list[ConfigIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


class _LineError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) of a CSV, JSON-list or JSON-lines file; blank CSV cells are left out
    so optional fields take their defaults."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        for row in reader:
            if None in row:
                raise _LineError(reader.line_num, "more cells than the header has columns")
            yield reader.line_num, {k: v for k, v in row.items() if v not in ("", None)}
        return
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as e:
            raise _LineError(e.lineno, f"JSON: {e.msg}") from None
        # A JSON list has no line per item: report the line where each object starts.
        starts = _object_lines(text)
        for i, item in enumerate(items):
            line = starts[i] if i < len(starts) else 1
            yield line, _object(item, line)
        return
    for n, raw in enumerate(text.splitlines(), 1):
        if raw.strip():
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as e:
                raise _LineError(n, f"JSON: {e.msg}") from None
            yield n, _object(item, n)


def _object(item: Any, line: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _LineError(line, f"expected an object, got {type(item).__name__}")
    return item


def _object_lines(text: str) -> list[int]:
    """Line numbers where the top-level list's objects begin."""
    lines, depth, line = [], 0, 1
    in_string = escaped = False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if ch == "{" and depth == 2:
                lines.append(line)
        elif ch in "]}":
            depth -= 1
    return lines

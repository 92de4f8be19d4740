"""Typed configuration of a district deployment.

Every model forbids unknown keys so a typo fails at load time instead of being silently ignored,
and every field has a title/description so `gridwatch config schema` documents itself.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gridwatch.detect.model_cards import model_names
from gridwatch.domain.detections import COCO_CLASSES, check_scales
from gridwatch.domain.object_filters import ANY_CLASS, Bounds, ObjectFilters
from gridwatch.enforcement.config import EnforcementConfig

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(text: str | int | float | timedelta) -> timedelta:
    """Parse `90s`, `15m`, `4h`, `1d2h` or a number of seconds."""
    if isinstance(text, timedelta):
        return text
    try:
        if isinstance(text, int | float):
            if not text >= 0:  # NaN too
                raise ValueError("duration must be a number of seconds, not negative")
            return timedelta(seconds=text)
        m = _DURATION.match(text.strip())
        if not m or not any(m.groups()):
            raise ValueError(f"invalid duration {text!r}: use e.g. 90s, 15m, 4h, 1d")
        d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        return timedelta(days=d, hours=h, minutes=mi, seconds=s)
    except OverflowError:  # pydantic reports ValueError with file:line, an OverflowError escapes
        raise ValueError(
            f"duration {text!r} is too long (at most {timedelta.max.days} days)"
        ) from None


class Duration(timedelta):
    """A timedelta that accepts `15m`-style strings in config files."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(
            parse_duration,
            core_schema.timedelta_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: f"{int(v.total_seconds())}s"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, _core: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "pattern": _DURATION.pattern, "examples": ["30m", "4h"]}


# --------------------------------------------------------------------------- geometry


Point = tuple[float, float]


def _polygon_area(points: list[Point]) -> float:
    area = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        area += x1 * y2 - x2 * y1
    return abs(area) / 2


class ObjectFilter(Strict):
    """Bounds a box of one class must keep to in a zone to count there; every bound optional."""

    min_area: float | None = Field(
        None,
        ge=0,
        le=1,
        title="Minimum box area",
        description="Smallest box area, as a share of the frame's area (0-1).",
    )
    max_area: float | None = Field(
        None,
        ge=0,
        le=1,
        title="Maximum box area",
        description="Largest box area, as a share of the frame's area (0-1).",
    )
    min_ratio: float | None = Field(
        None,
        gt=0,
        title="Minimum aspect ratio",
        description="Smallest box width / height (a standing person is about 0.3-0.5).",
    )
    max_ratio: float | None = Field(
        None,
        gt=0,
        title="Maximum aspect ratio",
        description="Largest box width / height (a car seen from the side is about 2-3).",
    )
    min_score: float | None = Field(
        None,
        ge=0,
        le=1,
        title="Minimum score",
        description="Smallest detector score of a box of this class in this zone.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> ObjectFilter:
        for low, high in (("min_area", "max_area"), ("min_ratio", "max_ratio")):
            a, b = getattr(self, low), getattr(self, high)
            if a is not None and b is not None and a > b:
                raise ValueError(f"{low} {a} exceeds {high} {b}")
        return self

    def bounds(self) -> Bounds:
        return Bounds(self.min_area, self.max_area, self.min_ratio, self.max_ratio, self.min_score)


class Zone(Strict):
    id: Id = Field(title="Zone id", description="Unique within the camera.")
    name: str = Field("", title="Name", description="Human name shown on evidence pictures.")
    kind: Literal[
        "lane",
        "no_parking",
        "fire_lane",
        "non_motor_parking",
        "restricted",
        "river",
        "river_bank",
        "sidewalk",
        "road",
        "square",
    ] = Field(title="Zone kind", description="What the area is; algorithms select zones by kind.")
    polygon: list[Point] = Field(
        title="Polygon",
        description="Vertices in image coordinates normalised to 0-1 (x right, y down); ≥3 points.",
    )
    direction: Point | None = Field(
        None,
        title="Lawful direction",
        description="Unit-free vector (dx, dy) of lawful travel, for wrong-way detection.",
    )
    filters: dict[str, ObjectFilter] = Field(
        default_factory=dict,
        title="Object filters",
        description="Per COCO class name, or '*' for every class without its own entry: box "
        "area, aspect ratio and score bounds a detection must keep to to count in this zone "
        "(e.g. person: {max_ratio: 0.8} drops a wide sign read as a person).",
    )

    @field_validator("filters")
    @classmethod
    def _known_classes(cls, v: dict[str, ObjectFilter]) -> dict[str, ObjectFilter]:
        unknown = sorted(k for k in v if k != ANY_CLASS and k not in COCO_CLASSES)
        if unknown:
            raise ValueError(f"unknown classes {unknown}: use COCO class names or '{ANY_CLASS}'")
        return v

    def object_filters(self) -> ObjectFilters:
        """The filters as the domain's value type."""
        return ObjectFilters.of({name: f.bounds() for name, f in self.filters.items()})

    @field_validator("polygon")
    @classmethod
    def _valid_polygon(cls, v: list[Point]) -> list[Point]:
        if len(v) < 3:
            raise ValueError(f"needs ≥3 points, got {len(v)}")
        for i, (x, y) in enumerate(v):
            if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
                raise ValueError(f"point {i} ({x}, {y}) is outside 0-1")
        if _polygon_area(v) < 1e-6:
            raise ValueError("polygon has no area (points are collinear or repeated)")
        return v


class Location(Strict):
    lon: float = Field(ge=-180, le=180, title="Longitude", description="WGS-84 degrees.")
    lat: float = Field(ge=-90, le=90, title="Latitude", description="WGS-84 degrees.")


# --------------------------------------------------------------------------- devices


class FileSource(Strict):
    kind: Literal["file"] = Field(title="Video file", description="A local video file.")
    path: str = Field(title="Path", description="Relative to the config directory or absolute.")
    loop: bool = Field(True, title="Loop", description="Start again at the end of the file.")
    realtime: bool = Field(
        True, title="Real time", description="Pace frames at the file's frame rate."
    )


class ImagesSource(Strict):
    kind: Literal["images"] = Field(title="Image folder", description="Still images in turn.")
    paths: list[str] = Field(min_length=1, title="Images", description="Image files or folders.")
    interval_s: float = Field(1.0, gt=0, title="Interval", description="Seconds per image.")


class RtspSource(Strict):
    kind: Literal["rtsp"] = Field(title="RTSP stream", description="RTSP/RTP video.")
    url: str = Field(pattern=r"^rtsps?://", title="URL", description="rtsp://host:port/path")
    transport: Literal["tcp", "udp"] = Field("tcp", title="Transport", description="RTP carrier.")


class MjpegSource(Strict):
    kind: Literal["mjpeg"] = Field(title="HTTP MJPEG", description="multipart/x-mixed-replace.")
    url: str = Field(pattern=r"^https?://", title="URL", description="http://host/stream")


class SnapshotSource(Strict):
    kind: Literal["snapshot"] = Field(title="HTTP snapshot", description="Poll a JPEG URL.")
    url: str = Field(pattern=r"^https?://", title="URL", description="http://host/snapshot.jpg")
    interval_s: float = Field(1.0, gt=0, title="Interval", description="Seconds between polls.")


class SimulatorSource(Strict):
    kind: Literal["simulator"] = Field(
        title="Simulator", description="Synthetic readings (sensors) generated in process."
    )
    profile: Literal["steady", "rising", "storm", "pollution", "noisy"] = Field(
        "steady", title="Profile", description="Shape of the synthetic series."
    )
    interval_s: float = Field(10.0, gt=0, title="Interval", description="Seconds per reading.")
    seed: int = Field(0, title="Seed", description="Random seed for reproducible series.")


CameraSource = Annotated[
    FileSource | ImagesSource | RtspSource | MjpegSource | SnapshotSource,
    Field(discriminator="kind"),
]


class MqttSource(Strict):
    kind: Literal["mqtt"] = Field(title="MQTT", description="Readings published to MQTT.")
    topic: str = Field(title="Topic", description="MQTT topic the sensor publishes to.")


class HttpPushSource(Strict):
    kind: Literal["http_push"] = Field(title="HTTP push", description="Readings POSTed to /api.")


SensorSource = Annotated[SimulatorSource | MqttSource | HttpPushSource, Field(discriminator="kind")]

Quantity = Literal["water_level", "water_quality", "rainfall"]


class DeviceBase(Strict):
    id: Id = Field(title="Device id", description="Unique across the district; Kafka key.")
    name: str = Field(title="Name", description="Shown in the ops centre.")
    grid: Id = Field(title="Grid", description="Grid the device watches (responsibility).")
    scene: Id | None = Field(None, title="Scene", description="Smart scene it belongs to, if any.")
    location: Location = Field(title="Location", description="Where the device is mounted.")
    make: str = Field("", title="Make", description="Vendor/model, for maintenance.")
    offline_grace: Duration = Field(
        Duration(minutes=5),
        title="Offline grace",
        description="Silence after which the device is reported offline.",
    )


class Camera(DeviceBase):
    kind: Literal["camera"] = Field(title="Kind", description="A camera sending frames.")
    source: CameraSource = Field(title="Source", description="Where frames come from.")
    sample_fps: float = Field(
        1.0, gt=0, le=30, title="Sample rate", description="Frames per second to analyse."
    )
    zones: list[Zone] = Field(default_factory=list, title="Zones", description="Areas of interest.")
    algorithms: list[Id] = Field(
        default_factory=list,
        title="Algorithms",
        description="Vision algorithms run on this camera; empty = viewing only.",
    )

    @model_validator(mode="after")
    def _unique_zone_ids(self) -> Camera:
        seen: set[str] = set()
        for z in self.zones:
            if z.id in seen:
                raise ValueError(f"duplicate zone id {z.id!r}")
            seen.add(z.id)
        return self


class Sensor(DeviceBase):
    kind: Literal["sensor"] = Field(title="Kind", description="An IoT sensor sending readings.")
    quantity: Quantity = Field(title="Quantity", description="What the sensor measures.")
    unit: str = Field(title="Unit", description="Unit of its readings (m, NTU, mm/h …).")
    source: SensorSource = Field(title="Source", description="How readings arrive.")
    # A device clock far off would corrupt liveness (a reading dated 9999 keeps the sensor "seen"
    # for good) and the time series; such readings are dead letters, the clock must be fixed.
    max_time_ahead: Duration = Field(
        Duration(minutes=5),
        title="Most time ahead",
        description="How far a reading's device time (`ts`) may be ahead of its receive time; "
        "a reading further ahead is dead-lettered.",
    )
    max_time_behind: Duration = Field(
        Duration(days=7),
        title="Most time behind",
        description="How far a reading's device time may be behind its receive time (a gateway "
        "sending what it buffered while offline); an older reading is dead-lettered.",
    )


Device = Annotated[Camera | Sensor, Field(discriminator="kind")]


class DevicesFile(Strict):
    devices: list[Device] = Field(title="Devices", description="All sensing devices.")


# --------------------------------------------------------------------------- organisation


class Brigade(Strict):
    id: Id = Field(title="Id", description="Brigade id.")
    name: str = Field(title="Name", description="e.g. 综合行政执法大队")
    duty_officer: str = Field(title="Duty officer", description="Name on the duty desk.")


class Squad(Strict):
    id: Id = Field(title="Id", description="Squad id.")
    name: str = Field(title="Name", description="e.g. 交通秩序小队")
    speciality: str = Field(title="Speciality", description="What the squad handles.")
    leader: str = Field(title="Leader", description="Squad leader (escalation target).")
    communities: list[Id] = Field(
        default_factory=list, title="Communities", description="Patrol area; empty = district."
    )


class Community(Strict):
    id: Id = Field(title="Id", description="Community id.")
    name: str = Field(title="Name", description="Village or urban community name.")
    kind: Literal["village", "urban"] = Field(title="Kind", description="村 or 社区.")
    grid_force: str = Field(title="Grid force", description="Name of its grid force (网格力量).")


class Grid(Strict):
    id: Id = Field(title="Id", description="Grid id.")
    name: str = Field(title="Name", description="Grid name.")
    community: Id = Field(title="Community", description="Owning community.")
    leader: Id = Field(title="Grid leader", description="Grid leader id.")
    area: list[Point] = Field(
        title="Area", description="Outline in map coordinates normalised to 0-1 (x east, y south)."
    )

    @field_validator("area")
    @classmethod
    def _valid_area(cls, v: list[Point]) -> list[Point]:
        return Zone._valid_polygon(v)  # same rules as a camera zone


class GridLeader(Strict):
    id: Id = Field(title="Id", description="Grid leader id (also the login name).")
    name: str = Field(title="Name", description="Person's name.")
    grid: Id = Field(title="Grid", description="The grid they lead.")
    phone: str = Field("", title="Phone", description="Contact number.")


class Scene(Strict):
    id: Id = Field(title="Id", description="Scene id.")
    name: str = Field(title="Name", description="e.g. 华岩旅游风景区")
    description: str = Field("", title="Description", description="What the scene watches.")


class MapBox(Strict):
    """The lon/lat box the 0-1 map coordinates of grid areas stand for (x east, y south)."""

    lon_min: float = Field(106.40, ge=-180, le=180, title="West", description="Longitude at x=0.")
    lon_max: float = Field(106.50, ge=-180, le=180, title="East", description="Longitude at x=1.")
    lat_min: float = Field(29.47, ge=-90, le=90, title="South", description="Latitude at y=1.")
    lat_max: float = Field(29.55, ge=-90, le=90, title="North", description="Latitude at y=0.")

    @model_validator(mode="after")
    def _not_empty(self) -> MapBox:
        if self.lon_min >= self.lon_max or self.lat_min >= self.lat_max:
            raise ValueError("needs lon_min < lon_max and lat_min < lat_max")
        return self

    def to_map(self, lon: float, lat: float) -> Point:
        """lon/lat -> normalised map coordinates (x east, y south)."""
        x = (lon - self.lon_min) / (self.lon_max - self.lon_min)
        y = (self.lat_max - lat) / (self.lat_max - self.lat_min)
        return (x, y)

    def to_lonlat(self, x: float, y: float) -> Point:
        return (
            self.lon_min + x * (self.lon_max - self.lon_min),
            self.lat_max - y * (self.lat_max - self.lat_min),
        )


class Organisation(Strict):
    district: str = Field(title="District", description="Sub-district name.")
    brigade: Brigade = Field(title="Brigade", description="The one enforcement brigade.")
    squads: list[Squad] = Field(title="Squads", description="Specialised squads.")
    communities: list[Community] = Field(title="Communities", description="Villages/communities.")
    grids: list[Grid] = Field(title="Grids", description="Smallest areas of responsibility.")
    grid_leaders: list[GridLeader] = Field(title="Grid leaders", description="One per grid.")
    scenes: list[Scene] = Field(default_factory=list, title="Scenes", description="Smart scenes.")
    map: MapBox = Field(
        default_factory=MapBox,
        title="Map box",
        description="Longitude/latitude box of the 0-1 map coordinates used by grid areas.",
    )


# --------------------------------------------------------------------------- algorithms


class AlgorithmConfig(Strict):
    id: Id = Field(title="Id", description="Registered plugin name, e.g. lane_occupation.")
    name: str = Field(title="Name", description="Display name (zh-CN).")
    kind: Literal["vision", "sensor"] = Field(title="Kind", description="Input it analyses.")
    mode: Literal["live", "shadow", "off"] = Field(
        "live", title="Mode", description="shadow = record findings, dispatch nothing."
    )
    severity: Literal["minor", "major", "critical"] = Field(
        "minor", title="Severity", description="Default severity of its events."
    )
    quantity: Quantity | None = Field(
        None, title="Quantity", description="Sensor algorithms: which readings they analyse."
    )
    review: Literal["auto", "confirm"] = Field(
        "auto",
        title="Human review",
        description="confirm = its events open their cases `reported`: they wait on the ops "
        "alert wall until the desk files them (then they are dispatched by plan) or rejects "
        "them as false alarms; auto = the system files and dispatches them at once.",
    )
    params: dict[str, Any] = Field(
        default_factory=dict,
        title="Parameters",
        description="Validated against the plugin's own parameter schema.",
    )

    @model_validator(mode="after")
    def _sensor_needs_quantity(self) -> AlgorithmConfig:
        if self.kind == "sensor" and self.quantity is None:
            raise ValueError("sensor algorithms need a quantity")
        return self


class AlgorithmsFile(Strict):
    detector: str = Field(
        "nanodet",
        title="Detector",
        description="Model file stem under models/ with a model card naming its family "
        "(nanodet, the default; centernet, optional: see models/centernet.md for its licence).",
    )
    detector_scales: tuple[float, ...] = Field(
        (1.0, 0.5),
        title="Detector scales",
        description="Frame sizes the detector looks at, as shares of its input (0.1-1.0), one "
        "model pass each: 0.5 shrinks the frame so that an object filling it (a car beside a "
        "low camera) is seen. The first scale runs on every analysed frame, the others on a "
        "close look (see detector_close_look_s).",
        min_length=1,
    )
    detector_close_look_s: float = Field(
        10.0,
        ge=0,
        title="Close look every (s)",
        description="Per camera, seconds between frames analysed at every detector scale "
        "(0: every frame, about twice the cost per frame).",
    )
    algorithms: list[AlgorithmConfig] = Field(title="Algorithms", description="The catalogue.")

    @field_validator("detector_scales")
    @classmethod
    def _shares(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        return check_scales(v)

    @field_validator("detector")
    @classmethod
    def _known_model(cls, v: str) -> str:
        names = model_names()
        if v not in names:
            raise ValueError(f"no model {v!r}: models/ holds {', '.join(names) or 'none'}")
        return v


# --------------------------------------------------------------------------- dispatch plans

MATCHER = re.compile(r'^\s*([a-z_]+)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$')
MATCH_LABELS = (
    "event_type",
    "algorithm",
    "scene",
    "community",
    "grid",
    "device",
    "severity",
    "source",
)


class Deadlines(Strict):
    accept: Duration | None = Field(None, title="Accept within", description="From dispatch.")
    handle: Duration | None = Field(None, title="Handle within", description="From dispatch.")
    verify: Duration | None = Field(None, title="Verify within", description="From feedback.")


# Grouping, time windows, inhibition, escalation and the event-type catalogue of the plans file.

INHIBIT_SOURCE_LABELS = (*MATCH_LABELS, "hazard", "emergency")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def check_matchers(v: list[str], labels: tuple[str, ...]) -> list[str]:
    """Each matcher must parse, name a known label and carry a valid regex."""
    for m in v:
        parsed = MATCHER.match(m)
        if not parsed:
            raise ValueError(f'matcher {m!r} must look like label=~"value"')
        label, op, value = parsed.groups()
        if label not in labels:
            raise ValueError(f"matcher {m!r}: unknown label {label!r}")
        if op in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as e:
                raise ValueError(f"matcher {m!r}: bad regex: {e}") from e
    return v


class TimeRange(Strict):
    start: str = Field(title="Start", description="Local clock time HH:MM (inclusive).")
    end: str = Field(
        title="End", description="Local clock time HH:MM (exclusive); 24:00 = midnight."
    )

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        for name in ("start", "end"):
            if not _CLOCK_TIME.match(getattr(self, name)):
                raise ValueError(f"{name} {getattr(self, name)!r}: use HH:MM, e.g. 06:30")
        if self.start >= self.end:
            raise ValueError(f"start {self.start} must be before end {self.end}")
        return self


class TimeInterval(Strict):
    id: Id = Field(title="Id", description="Referred to by routes' active_time_intervals.")
    name: str = Field("", title="Name", description="e.g. 早市时段 (market hours).")
    weekdays: list[str] = Field(
        default_factory=list,
        title="Weekdays",
        description="Days or ranges like monday:friday; empty = every day.",
    )
    times: list[TimeRange] = Field(
        default_factory=list, title="Times", description="Clock-time ranges; empty = all day."
    )

    @field_validator("weekdays")
    @classmethod
    def _valid_weekdays(cls, v: list[str]) -> list[str]:
        for item in v:
            for day in item.split(":"):
                if day not in WEEKDAYS:
                    raise ValueError(f"weekday {day!r}: use one of {', '.join(WEEKDAYS)}")
            if item.count(":") > 1:
                raise ValueError(f"weekday range {item!r}: use first:last")
        return v


class InhibitRule(Strict):
    id: Id = Field(title="Id", description="Shown on every event the rule mutes.")
    description: str = Field("", title="Description", description="Why the rule exists.")
    source_matchers: list[str] = Field(
        min_length=1,
        title="Source matchers",
        description="What mutes: an active (real, not drill) emergency activation, whose labels "
        "are hazard, emergency (plan id), grid, community. Labels: "
        + ", ".join(INHIBIT_SOURCE_LABELS),
    )
    target_matchers: list[str] = Field(
        min_length=1, title="Target matchers", description="Which events are muted."
    )
    equal: list[str] = Field(
        default_factory=list,
        title="Equal labels",
        description="Labels that must have the same value on source and target, e.g. [grid].",
    )

    @field_validator("source_matchers")
    @classmethod
    def _valid_sources(cls, v: list[str]) -> list[str]:
        return check_matchers(v, INHIBIT_SOURCE_LABELS)

    @field_validator("target_matchers")
    @classmethod
    def _valid_targets(cls, v: list[str]) -> list[str]:
        return check_matchers(v, MATCH_LABELS)

    @field_validator("equal")
    @classmethod
    def _valid_equal(cls, v: list[str]) -> list[str]:
        for label in v:
            if label not in MATCH_LABELS:
                raise ValueError(f"equal: unknown label {label!r}")
        return v


EscalationCondition = Literal["not_accepted", "not_handled", "not_verified", "not_closed"]
EscalationTarget = Literal[
    "assignee", "squad_leader", "grid_leader", "verifier", "duty_officer", "dispatcher"
]


class EscalationStep(Strict):
    when: EscalationCondition = Field(
        title="Condition",
        description="not_accepted (from the accept deadline), not_handled / not_closed (from the "
        "handle deadline), not_verified (from the verify deadline).",
    )
    after: Duration = Field(
        Duration(0), title="After", description="Delay after that deadline before escalating."
    )
    notify: list[EscalationTarget] = Field(min_length=1, title="Notify", description="Who is told.")


class EscalationPolicy(Strict):
    id: Id = Field(title="Id", description="Referred to by routes' escalation.")
    name: str = Field("", title="Name", description="e.g. 标准升级策略")
    steps: list[EscalationStep] = Field(min_length=1, title="Steps", description="In order.")
    repeat_every: Duration | None = Field(
        None,
        title="Repeat every",
        description="Fire a step again this often while its condition still holds.",
    )
    repeat_limit: int = Field(
        0, ge=0, le=20, title="Repeat limit", description="How many repeats per step (0 = once)."
    )

    @model_validator(mode="after")
    def _repeat_needs_interval(self) -> EscalationPolicy:
        if self.repeat_limit and self.repeat_every is None:
            raise ValueError("repeat_limit needs repeat_every")
        return self


class EventTypeDef(Strict):
    id: Id = Field(title="Id", description="Event type reported by people or the platform.")
    name: str = Field(title="Name", description="zh-CN name, e.g. 乱倒垃圾.")
    severity: Literal["minor", "major", "critical"] = Field(
        "minor", title="Severity", description="Default severity of its events."
    )
    sources: list[Literal["grid_leader", "citizen", "system"]] = Field(
        min_length=1, title="Sources", description="Who reports it."
    )


class Route(Strict):
    id: Id = Field(title="Id", description="Route id, shown in explanations.")
    name: str = Field("", title="Name", description="Plan name, e.g. 机动车占道分拨预案.")
    matchers: list[str] = Field(
        default_factory=list,
        title="Matchers",
        description='label op "value"; ops = != =~ !~; labels: ' + ", ".join(MATCH_LABELS),
    )
    receiver: str | None = Field(
        None,
        title="Handling unit",
        description="squad:<id> | grid_force:<community id|{community}> | brigade (inherited).",
    )
    verifier: str | None = Field(
        None,
        title="Verifier",
        description="grid_leader (of the event's grid) | brigade | squad:<id> (inherited).",
    )
    deadlines: Deadlines | None = Field(
        None, title="Deadlines", description="Per-step deadlines (inherited per field)."
    )
    fallback: bool = Field(
        False, title="Fallback", description="A catch-all route: matches count as plan gaps."
    )
    group_by: list[str] | None = Field(
        None,
        title="Group by",
        description="Labels whose equal values make one case of many events, e.g. [device, "
        "event_type]; events missing one of them are never grouped (inherited).",
    )
    group_wait: Duration | None = Field(
        None,
        title="Group wait",
        description="Hold a new case's first notice this long (inherited).",
    )
    group_interval: Duration | None = Field(
        None,
        title="Group interval",
        description="Wait this long before telling about events added to a case (inherited).",
    )
    repeat_interval: Duration | None = Field(
        None,
        title="Repeat interval",
        description="Remind the assignee of an open case this often (inherited).",
    )
    active_time_intervals: list[Id] = Field(
        default_factory=list,
        title="Active time intervals",
        description="Route matches only inside one of these time_intervals; empty = always.",
    )
    escalation: Id | None = Field(
        None,
        title="Escalation policy",
        description="Id of an escalation_policies entry (inherited).",
    )
    continue_: bool = Field(
        False,
        alias="continue",
        title="Continue",
        description="Keep matching siblings after this route matched.",
    )
    routes: list[Route] = Field(
        default_factory=list,
        title="Child routes",
        description="Tried in order after this route matched; they inherit its settings.",
    )
    duty_items: list[str] = Field(
        default_factory=list,
        title="Duty items",
        description="Codes of the duty items (履职事项) this plan discharges; shown with its "
        "legal basis in route explanations. Empty: the catalogue's lead duties for the event type.",
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("matchers")
    @classmethod
    def _valid_matchers(cls, v: list[str]) -> list[str]:
        return check_matchers(v, MATCH_LABELS)

    @field_validator("group_by")
    @classmethod
    def _valid_group_by(cls, v: list[str] | None) -> list[str] | None:
        for label in v or []:
            if label not in MATCH_LABELS:
                raise ValueError(f"group_by: unknown label {label!r}")
        return v

    @field_validator("receiver")
    @classmethod
    def _valid_receiver(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^(brigade|squad:[\w.-]+|grid_force:[\w.{}-]+)$", v):
            raise ValueError(f"receiver {v!r}: use brigade, squad:<id> or grid_force:<community>")
        return v


class PlansFile(Strict):
    route: Route = Field(title="Routing tree", description="Root route: defaults for all plans.")
    timezone: str = Field(
        "Asia/Shanghai", title="Time zone", description="IANA zone the time intervals are in."
    )
    time_intervals: list[TimeInterval] = Field(
        default_factory=list,
        title="Time intervals",
        description="Named windows, e.g. market hours.",
    )
    inhibit_rules: list[InhibitRule] = Field(
        default_factory=list,
        title="Inhibit rules",
        description="Active emergencies that mute matching events (recorded, not dispatched).",
    )
    escalation_policies: list[EscalationPolicy] = Field(
        default_factory=list, title="Escalation policies", description="Referred to by routes."
    )
    event_types: list[EventTypeDef] = Field(
        default_factory=list,
        title="Reported event types",
        description="Event types besides the algorithms': what grid leaders, citizens and the "
        "platform report. Coverage counts these and the algorithms' types.",
    )

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}, e.g. Asia/Shanghai") from None
        return v

    @model_validator(mode="after")
    def _root_complete(self) -> PlansFile:
        r = self.route
        if r.matchers:
            raise ValueError("the root route must not have matchers (it catches everything)")
        if r.receiver is None or r.verifier is None or r.deadlines is None:
            raise ValueError("the root route needs receiver, verifier and deadlines")
        return self


# --------------------------------------------------------------------------- emergency plans


class ChecklistItem(Strict):
    step: str = Field(title="Step", description="What must be done.")
    unit: str = Field(
        title="Unit",
        description="brigade | squad:<id> | grid_force:<community|{community}> (one item per "
        "covered community) | grid_leader (one item per covered grid).",
    )
    within: Duration = Field(title="Within", description="Deadline from activation.")


class EmergencyPlan(Strict):
    id: Id = Field(title="Id", description="Plan id.")
    name: str = Field(title="Name", description="e.g. 跳磴河水污染应急预案")
    hazard: Literal[
        "river_pollution", "flash_flood", "waterlogging", "fire", "landslide", "crowd", "other"
    ] = Field(title="Hazard", description="What the plan responds to.")
    triggers: list[str] = Field(
        default_factory=list, title="Triggers", description="Event types that activate it."
    )
    posts: list[str] = Field(default_factory=list, title="Posts", description="Duty posts.")
    communities: list[Id] = Field(title="Communities", description="Communities it covers.")
    grids: list[Id] = Field(title="Grids", description="Grids it covers.")
    checklist: list[ChecklistItem] = Field(
        min_length=1, title="Checklist", description="Tasks created when it is activated."
    )


class EmergencyPlansFile(Strict):
    emergency_plans: list[EmergencyPlan] = Field(
        title="Emergency plans", description="Digital emergency plans (数字化预案) of the district."
    )


# --------------------------------------------------------------------------- whole district


class District(Strict):
    organisation: Organisation
    devices: list[Camera | Sensor]
    detector: str
    detector_scales: tuple[float, ...] = (1.0, 0.5)
    detector_close_look_s: float = 10.0
    algorithms: list[AlgorithmConfig]
    plans: PlansFile
    emergency_plans: list[EmergencyPlan]
    enforcement: EnforcementConfig = Field(default_factory=EnforcementConfig)

    @cached_property
    def _index(self) -> dict[str, dict[str, Any]]:
        o = self.organisation
        return {
            "grid": {g.id: g for g in o.grids},
            "device": {d.id: d for d in self.devices},
            "algorithm": {a.id: a for a in self.algorithms},
            "community": {c.id: c for c in o.communities},
            "squad": {s.id: s for s in o.squads},
            "leader": {gl.id: gl for gl in o.grid_leaders},
        }

    def grid(self, grid_id: str) -> Grid:
        return self._index["grid"][grid_id]  # type: ignore[no-any-return]

    def device(self, device_id: str) -> Camera | Sensor:
        return self._index["device"][device_id]  # type: ignore[no-any-return]

    def algorithm(self, algo_id: str) -> AlgorithmConfig:
        return self._index["algorithm"][algo_id]  # type: ignore[no-any-return]

    def community(self, community_id: str) -> Community:
        return self._index["community"][community_id]  # type: ignore[no-any-return]

    def squad(self, squad_id: str) -> Squad:
        return self._index["squad"][squad_id]  # type: ignore[no-any-return]

    def grid_leader(self, leader_id: str) -> GridLeader:
        return self._index["leader"][leader_id]  # type: ignore[no-any-return]

    @cached_property
    def grid_leader_of(self) -> dict[str, str]:
        """grid id -> its leader's id"""
        return {g.id: g.leader for g in self.organisation.grids}

    @property
    def cameras(self) -> list[Camera]:
        return [d for d in self.devices if isinstance(d, Camera)]

    @property
    def sensors(self) -> list[Sensor]:
        return [d for d in self.devices if isinstance(d, Sensor)]

    @property
    def ai_devices(self) -> list[Camera]:
        return [c for c in self.cameras if c.algorithms]

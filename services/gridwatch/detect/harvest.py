"""`gridwatch algo harvest`: the ops centre's verdicts on AI cases as labelled dataset items.

A case counts when it counts for the per-algorithm false-alarm KPI (`domain/kpis.py`): a case
reported in [since, until) — merged and muted events are not cases — whose verdict as the audit
log stands at `until` is `confirmed` or `false_alarm`. Each becomes one clip of the dataset
format (datasets/README.md): the finding's undrawn frame shown as a still, the zone the finding
was in, and one incident over the whole still with the finding's box when the verdict was
confirmed, none when it was a false alarm (the zone is then a negative). The scene is the
camera, the origin real. Re-harvesting skips the clips a set already holds.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import cv2
import yaml
from sqlalchemy import select

from gridwatch.algorithms.registry import plugin_or_none
from gridwatch.config.schema import Camera, District
from gridwatch.detect.evaluate import Clip
from gridwatch.domain.kpis import CaseFacts
from gridwatch.domain.tasks import Verdict
from gridwatch.store.evidence import EvidenceStore, raw_frame_key
from gridwatch.store.kpi_queries import KpiQueries
from gridwatch.store.repository import Store
from gridwatch.store.tables import EventRow, TaskRow

VERDICTS = (Verdict.CONFIRMED, Verdict.FALSE_ALARM)
HARVEST_FILE = "clips-harvested.yaml"
# A still must be shown at least as long as the rule waits before it alerts; the longest of
# these parameters, plus a margin for the re-checks, is how long a harvested still lasts.
WAIT_PARAMS = ("dwell_s", "min_s", "hold_s")
MARGIN_S = 30


@dataclass
class HarvestReport:
    written: Counter[str] = field(default_factory=Counter)  # per algorithm
    positives: int = 0
    negatives: int = 0
    already_there: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason → cases
    files: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "written": dict(self.written),
            "positives": self.positives,
            "negatives": self.negatives,
            "already_there": self.already_there,
            "skipped": dict(self.skipped),
            "files": [str(p) for p in self.files],
        }


def judged_cases(
    store: Store, since: datetime, until: datetime, algorithm: str | None = None
) -> list[CaseFacts]:
    """The AI cases behind the false-alarm KPI of [since, until): a verdict of confirmed or
    false_alarm, an algorithm."""
    return [
        c
        for c in KpiQueries(store).case_facts(since, until)
        if c.algorithm and c.verdict in VERDICTS and algorithm in (None, c.algorithm)
    ]


def still_seconds(params: dict[str, Any], algorithm: str) -> int:
    cls = plugin_or_none(algorithm)
    waits = [float(v) for k, v in params.items() if k in WAIT_PARAMS]
    if cls is not None:
        defaults = cls.Params.model_validate(params).model_dump()
        waits += [float(v) for k, v in defaults.items() if k in WAIT_PARAMS]
    return int(max(waits, default=0.0)) + MARGIN_S


def harvest(
    store: Store,
    evidence: EvidenceStore,
    district: District,
    since: datetime,
    until: datetime,
    to: Path,
    *,
    algorithm: str | None = None,
    split: str = "dev",
) -> HarvestReport:
    report = HarvestReport()
    cases = judged_cases(store, since, until, algorithm)
    events = _events_of(store, [c.task_id for c in cases])
    clips: dict[str, list[dict[str, Any]]] = {}
    for case in cases:
        event = events.get(case.task_id)
        clip = _clip_of(case, event, district, evidence, to, split, report)
        if clip is not None:
            clips.setdefault(case.algorithm or "", []).append(clip)
    for algo, items in sorted(clips.items()):
        _write(to / algo, algo, items, district, report)
    return report


def _events_of(store: Store, task_ids: list[str]) -> dict[str, EventRow]:
    if not task_ids:
        return {}
    q = (
        select(TaskRow.task_id, EventRow)
        .join(EventRow, EventRow.event_id == TaskRow.event_id)
        .where(TaskRow.task_id.in_(task_ids))
    )
    with store.session() as db:
        rows = {task_id: event for task_id, event in db.execute(q)}
        for event in rows.values():
            db.expunge(event)
        return rows


def _clip_of(
    case: CaseFacts,
    event: EventRow | None,
    district: District,
    evidence: EvidenceStore,
    to: Path,
    split: str,
    report: HarvestReport,
) -> dict[str, Any] | None:
    def skip(reason: str) -> None:
        report.skipped[reason] += 1

    if event is None or event.device_id is None or not event.zone_id:
        skip("no camera or zone on the event")
        return None
    try:
        camera = district.device(event.device_id)
    except KeyError:
        skip("camera not in the district config")
        return None
    zones = camera.zones if isinstance(camera, Camera) else []
    zone = next((z for z in zones if z.id == event.zone_id), None)
    if zone is None:
        skip("zone not in the district config")
        return None
    if not event.evidence_path:
        skip("no evidence picture")
        return None
    try:
        raw = evidence.path(raw_frame_key(event.evidence_path))
    except ValueError:
        skip("bad evidence key")
        return None
    image = cv2.imread(str(raw)) if raw.is_file() else None
    if image is None:
        # Only the drawn evidence: the box and zone drawn on it would be labelled too.
        skip("no undrawn frame kept (evidence from before frames were kept)")
        return None
    algo = case.algorithm or ""
    clip_id = f"{event.device_id}-{case.task_id}"
    media = Path("harvested") / f"{clip_id}.jpg"
    (to / algo / media).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(raw, to / algo / media)
    params = dict(district.algorithm(algo).params) if _configured(district, algo) else {}
    seconds = still_seconds(params, algo)
    events: list[dict[str, Any]] = []
    confirmed = case.verdict is Verdict.CONFIRMED
    if confirmed:
        h, w = image.shape[:2]
        box = None
        if event.box:
            x1, y1, x2, y2 = event.box
            box = [_unit(x1 / w), _unit(y1 / h), _unit(x2 / w), _unit(y2 / h)]
        events.append(
            {
                "zone": zone.id,
                "start_s": 0,
                "end_s": seconds,
                **({"box": box} if box else {}),
                "note": f"confirmed by the verifier of task {case.task_id}",
            }
        )
    report.positives += confirmed
    report.negatives += not confirmed
    clip = {
        "id": clip_id,
        "source": media.as_posix(),
        "split": split,
        "scene": event.device_id,
        "origin": "real",
        "duration_s": seconds,
        "zones": [zone.model_dump(mode="json", exclude_defaults=True)],
        "events": events,
    }
    Clip.model_validate(clip)  # the format evaluate() reads, checked before it is written
    return clip


def _unit(v: float) -> float:
    return round(min(1.0, max(0.0, v)), 4)


def _configured(district: District, algo: str) -> bool:
    try:
        district.algorithm(algo)
    except KeyError:
        return False
    return True


def _write(
    directory: Path,
    algo: str,
    clips: list[dict[str, Any]],
    district: District,
    report: HarvestReport,
) -> None:
    held = _ids_in(directory)
    new = [c for c in clips if c["id"] not in held]
    report.already_there += len(clips) - len(new)
    if not new:
        return
    labels = directory / "labels.yaml"
    if not labels.exists():
        params = dict(district.algorithm(algo).params) if _configured(district, algo) else {}
        doc: Any = {"algorithm": algo, "params": params, "clips": new}
        target = labels
        header = (
            f"# Cases of {algo} judged in the ops centre, harvested by `gridwatch algo harvest`:"
            "\n# a confirmed case is an incident, a false alarm leaves its zone a negative.\n"
        )
    else:
        target = directory / HARVEST_FILE
        earlier = yaml.safe_load(target.read_text(encoding="utf-8")) if target.exists() else []
        doc = [*(earlier or []), *new]
        header = "# Cases judged in the ops centre, harvested by `gridwatch algo harvest`.\n"
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=None)
    target.write_text(header + text, encoding="utf-8")
    report.written[algo] += len(new)
    report.files.append(target)


def _ids_in(directory: Path) -> set[str]:
    ids: set[str] = set()
    files = [directory / "labels.yaml", *sorted(directory.glob("clips-*.yaml"))]
    for path in files:
        if not path.exists():
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = doc.get("clips", []) if isinstance(doc, dict) else doc or []
        ids.update(str(c.get("id")) for c in items if isinstance(c, dict))
    return ids

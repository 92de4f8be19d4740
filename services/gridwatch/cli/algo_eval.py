"""What `gridwatch algo eval` runs and prints: one row per algorithm, every figure with its
sample size and 95 % interval, "not measured" where nothing stands behind a figure."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from gridwatch.algorithms.registry import plugin
from gridwatch.detect.engine import Detector
from gridwatch.detect.labelled_set import SplitFilter

if TYPE_CHECKING:
    from gridwatch.detect.evaluate import OriginFilter
from gridwatch.resources import resources_root

NOT_MEASURED = "not measured"
# The keys every row carries, measured or not, so a consumer reads one shape.
ROW_KEYS = (
    "algorithm", "split", "model", "clips", "scenes", "camera_hours", "positives", "tp", "fp",
    "fn", "precision", "precision_ci", "recall", "recall_ci", "f1",
    "false_alarms_per_camera_hour", "false_alarms_ci", "composited_positives", "frames",
    "inferences", "detect_ms_per_frame", "load",
)  # fmt: skip


def datasets_root() -> Path:
    """`datasets/` of the checkout gridwatch runs from, else of the working directory (an
    installed wheel carries no datasets)."""
    checkout = resources_root() / "datasets"
    return checkout if checkout.is_dir() else Path("datasets")


def default_cache_dir() -> Path:
    """Where clips' detections are kept between runs: build/eval-cache/ beside datasets/."""
    return datasets_root().resolve().parent / "build" / "eval-cache"


@dataclass
class EvalRequest:
    split: SplitFilter = "all"
    transforms: tuple[str, ...] = ()  # applied to every clip
    held_out: tuple[str, ...] = ()  # robustness: each run on its own and compared
    detector: Callable[[], Detector] | None = None
    cache_dir: Path | None = None  # detections of each clip kept for later runs
    origin: OriginFilter = "all"
    copies: bool = False  # also score the set's transformed copies of its clips
    _cache: dict[str, Detector] = field(default_factory=dict)

    def the_detector(self) -> Detector:
        if "d" not in self._cache:
            assert self.detector is not None
            self._cache["d"] = self.detector()
        return self._cache["d"]


def empty_row(name: str, split: str, status: str) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(ROW_KEYS)
    row.update(algorithm=name, split=split, status=status, load=_load())
    return row


def _load() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def run_one(name: str, req: EvalRequest, directory: Path) -> dict[str, Any]:
    """One algorithm on its set: the result row (plus `robustness` when held-out transforms
    are asked for). Raises ConfigError, KeyError, ValueError, OSError as the API does."""
    if plugin(name).kind == "sensor":
        from gridwatch.detect.evaluate_series import evaluate_series

        if req.transforms or req.held_out:
            raise ValueError(f"{name}: transforms apply to camera clips, not to sensor series")
        return {**evaluate_series(name, directory, split=req.split).as_dict(), "status": "ok"}
    from gridwatch.detect.evaluate import evaluate

    detector = req.the_detector()

    def run(extra: Sequence[str]) -> dict[str, Any]:
        return evaluate(
            name,
            directory,
            detector,
            split=req.split,
            transforms=extra,
            cache_dir=req.cache_dir,
            origin=req.origin,
            copies=req.copies,
        ).as_dict()

    row = {**run(req.transforms), "status": "ok"}
    if req.held_out:
        row["robustness"] = [
            _versus(spec, run((*req.transforms, spec)), row) for spec in req.held_out
        ]
    return row


def _versus(spec: str, got: dict[str, Any], as_is: dict[str, Any]) -> dict[str, Any]:
    drop = None
    if got["recall"] is not None and as_is["recall"] is not None:
        drop = round(as_is["recall"] - got["recall"], 3)
    keys = ("positives", "tp", "fp", "fn", "precision", "precision_ci", "recall", "recall_ci")
    return {
        "transform": spec,
        **{k: got[k] for k in keys},
        "recall_drop": drop,
        "false_alarms_per_camera_hour": got["false_alarms_per_camera_hour"],
        "false_alarms_ci": got["false_alarms_ci"],
    }


def run_many(
    names: Sequence[str],
    req: EvalRequest,
    on_error: Callable[[str, str], None],
    root: Path | None = None,
) -> list[dict[str, Any]]:
    """Every named algorithm on `<root>/<name>` (root: the checkout's datasets/): a set that is
    not there is "no set"; a set that cannot be run is reported through `on_error` and gives an
    "error" row."""
    from gridwatch.config.errors import ConfigError

    rows = []
    for name in names:
        directory = (root or datasets_root()) / name
        if not (directory / "labels.yaml").exists():
            rows.append(empty_row(name, req.split, "no set"))
            continue
        try:
            if plugin(name).kind == "sensor" and (req.transforms or req.held_out):
                # Transforms are of pictures: a sensor rule is reported as-is beside them.
                as_is = replace(req, transforms=(), held_out=())
                rows.append({**run_one(name, as_is, directory), "note": "no transforms"})
                continue
            rows.append(run_one(name, req, directory))
        except ConfigError as e:
            on_error(name, "\n".join(str(i) for i in e.issues))
            rows.append(empty_row(name, req.split, "error"))
        except (KeyError, ValueError, OSError) as e:
            on_error(name, str(e).strip('"'))
            rows.append(empty_row(name, req.split, "error"))
    return rows


# ------------------------------------------------------------------------------ printing
def proportion(value: float | None, ci: Sequence[float] | None) -> str:
    if value is None or ci is None:
        return NOT_MEASURED
    return f"{value:.2f} [{ci[0]:.2f}–{ci[1]:.2f}]"


def rate(value: float | None, ci: Sequence[float] | None) -> str:
    if value is None or ci is None:
        return NOT_MEASURED
    return f"{_short(value)} [{_short(ci[0])}–{_short(ci[1])}]"


def _short(v: float) -> str:
    """Two significant digits without an exponent: 160, 45, 5.5, 0.039, 0."""
    if v >= 10:
        return f"{v:.0f}"
    return f"{v:.2g}" if v >= 0.001 or v == 0 else f"{v:.1e}"


def _num(v: Any, fmt: str = "{}") -> str:
    return "—" if v is None else fmt.format(v)


def print_table(rows: Sequence[dict[str, Any]], out: Console) -> None:
    if not out.is_terminal:
        out = Console(width=max(out.width, 160))  # a log or a pipe: no wrapping in cells
    models = sorted({r["model"] for r in rows if r.get("model")})
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    out.print(
        f"model: {', '.join(models) or '— (sensor rules only)'} · "
        f"load {load} on {os.cpu_count()} CPUs (timings are noisy under load) · "
        "hours: camera-hours (series-hours for sensor rules) · comp.: composited share of "
        "the positives"
    )
    table = Table(title="algo eval: figures with 95 % intervals (Wilson; Garwood for rates)")
    columns = (
        "algorithm", "split", "clips", "scenes", "hours", "pos.", "tp", "fp", "fn",
        "precision", "recall", "false alarms/h", "comp.", "ms/frame",
    )  # fmt: skip
    for col in columns:
        table.add_column(col, justify="left" if col in ("algorithm", "split") else "right")
    for r in rows:
        if r.get("status") != "ok":
            table.add_row(r["algorithm"], r["split"], r.get("status", ""), *[""] * 11)
            continue
        hours = f"{r['camera_hours']:.2f}"
        if r.get("hours_of") == "series":
            hours += " series"
        share = r.get("composited_share")
        table.add_row(
            r["algorithm"],
            r["split"],
            str(r["clips"]),
            str(r["scenes"]),
            hours,
            str(r["positives"]),
            str(r["tp"]),
            str(r["fp"]),
            str(r["fn"]),
            proportion(r["precision"], r["precision_ci"]),
            proportion(r["recall"], r["recall_ci"]),
            rate(r["false_alarms_per_camera_hour"], r["false_alarms_ci"]),
            "—" if share is None else f"{share:.0%}",
            _num(r.get("detect_ms_per_frame"), "{:.1f}"),
        )
    out.print(table)
    robust = [r for r in rows if r.get("robustness")]
    if not robust:
        return
    table = Table(title="held-out transforms: recall and its drop versus the split as-is")
    for col in ("algorithm", "transform", "positives", "recall", "drop", "precision", "fp"):
        table.add_column(col, justify="left" if col in ("algorithm", "transform") else "right")
    for r in robust:
        as_is = {"transform": "as-is", "recall_drop": None, **r}
        for i, t in enumerate([as_is, *r["robustness"]]):
            drop = t["recall_drop"]
            table.add_row(
                r["algorithm"] if i == 0 else "",
                t["transform"],
                str(t["positives"]),
                proportion(t["recall"], t["recall_ci"]),
                "" if i == 0 else NOT_MEASURED if drop is None else f"{drop:+.2f}",
                proportion(t["precision"], t["precision_ci"]),
                str(t["fp"]),
            )
    out.print(table)

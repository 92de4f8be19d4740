"""Which detector models exist and which output family each one is: read from the model cards.

A model is `models/NAME.onnx` with its card `models/NAME.md` beside it. The card's table holds a
row `| Family | `nanodet` |` naming the decoder (one of `FAMILIES`); the engine picks the
detector class by it. No onnxruntime here, so the config schema can check names cheaply.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, cast, get_args

from gridwatch.resources import resource

MODELS_DIR = resource("models")

Family = Literal["nanodet", "centernet", "yolov5", "yolov8", "yolox"]
FAMILIES: tuple[str, ...] = get_args(Family)
_FAMILY_ROW = re.compile(r"^\|\s*Family\s*\|\s*`?([A-Za-z0-9_]+)", re.MULTILINE)


def model_path(name: str) -> Path:
    """`nanodet` → models/nanodet.onnx; a path ending in .onnx is taken as it is."""
    path = Path(name)
    if path.suffix != ".onnx":
        path = MODELS_DIR / f"{name}.onnx"
    if not path.exists():
        known = ", ".join(model_names()) or "none"
        raise FileNotFoundError(f"model {path} not found (models with a card: {known})")
    return path


def family_of(path: Path) -> Family:
    """The family named in the card beside the model file (`NAME.md`)."""
    card = path.with_suffix(".md")
    if not card.exists():
        raise ValueError(f"{path.name}: no model card {card.name} beside it naming its family")
    match = _FAMILY_ROW.search(card.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{card}: no '| Family | ... |' row (one of {', '.join(FAMILIES)})")
    family = match.group(1).lower()
    if family not in FAMILIES:
        raise ValueError(f"{card}: family {family!r} has no decoder ({', '.join(FAMILIES)})")
    return cast(Family, family)


def model_names(directory: Path = MODELS_DIR) -> list[str]:
    """Models that can be named in a district's `detector`: an .onnx file and a card with a
    family."""
    names = []
    for onnx in sorted(directory.glob("*.onnx")):
        try:
            family_of(onnx)
        except ValueError:
            continue
        names.append(onnx.stem)
    return names

"""Where the files that ship with gridwatch live: sample districts, detector models, demo media.

One function finds them, whatever the install: a checkout (editable or not) keeps them at the
repository root; a wheel carries copies under `gridwatch/_bundled/` (see setup.py); the
`GRIDWATCH_RESOURCES` environment variable names another folder of the same layout
(`configs/`, `models/`, `media/`). Nothing here imports more than the standard library, so
every command can call it cheaply.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

Kind = Literal["configs", "models", "media"]
_PACKAGE = Path(__file__).resolve().parent


def resources_root() -> Path:
    """The folder holding `configs/`, `models/` and `media/`."""
    chosen = os.environ.get("GRIDWATCH_RESOURCES")
    if chosen:
        return Path(chosen)
    bundled = _PACKAGE / "_bundled"
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parents[1]  # services/gridwatch → the checkout's root


def resource(kind: Kind, *parts: str) -> Path:
    """`resource("configs", "zhongliangshan")` → the sample district's folder."""
    return resources_root().joinpath(kind, *parts)


SAMPLE_DISTRICT = "zhongliangshan"


def sample_district() -> Path:
    return resource("configs", SAMPLE_DISTRICT)

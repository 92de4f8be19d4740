"""Typed path and query parameters: ids are checked before any lookup, so bad input is a 422."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from gridwatch.config.schema import ID_PATTERN

IdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=64)]
IdQuery = Annotated[str | None, Query(pattern=ID_PATTERN, max_length=64)]
TASK_ID = r"^tsk-[A-Za-z0-9_.-]{1,60}$"
EVENT_ID = r"^evt-[A-Za-z0-9_.-]{1,60}$"
TaskIdPath = Annotated[str, Path(pattern=TASK_ID, description="e.g. tsk-0a1b2c3d4e5f6a7b")]
EventIdPath = Annotated[str, Path(pattern=EVENT_ID, description="e.g. evt-0a1b2c3d4e5f6a7b")]
EVENT_SOURCES = r"^(ai|grid_leader|citizen|system)$"
SourceQuery = Annotated[str | None, Query(pattern=EVENT_SOURCES)]

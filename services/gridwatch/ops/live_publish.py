"""Entries this web app adds to the live feed (the dispatch stage adds new events)."""

from __future__ import annotations

from gridwatch.domain.tasks import Actor, Task
from gridwatch.ops.context import OpsContext


def task_changed(ctx: OpsContext, task: Task, actor: Actor, action: str) -> None:
    if ctx.hot is None:
        return
    ctx.hot.publish(
        "task",
        {
            "task_id": task.task_id,
            "event_id": task.event_id,
            "grid": task.grid,
            "state": task.state.value,
            "assignee": task.assignee,
            "actor": actor.user_id,
            "action": action,
        },
    )

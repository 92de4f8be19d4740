"""The clock-driven half of dispatch: notices to assignees on the group schedule, and
escalations of tasks that miss their deadlines. `tick()` is called periodically by the
runtime with its clock; everything it sends is keyed, so ticking twice sends nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.escalation import Escalation, due_escalations
from gridwatch.domain.grouping import GroupState, Notice
from gridwatch.domain.tasks import OPEN_STATES, State, Task
from gridwatch.store.case_groups import CaseGroups
from gridwatch.store.repository import NotFound

log = logging.getLogger(__name__)

S = State
WORKING = (S.DISPATCHED, S.ACCEPTED, S.HANDLING, S.HANDLED, S.VERIFIED)
CONDITION_ZH = {
    "not_accepted": "未按时接收",
    "not_handled": "未按时处置",
    "not_verified": "未按时核查",
    "not_closed": "未按期结案",
}


@dataclass(frozen=True)
class TickResult:
    notices: int = 0
    escalations: int = 0
    groups_closed: int = 0


class EscalationRunner:
    def __init__(self, stage: DispatchStage, clock: Callable[[], datetime] | None = None) -> None:
        self.stage = stage
        self.clock = clock or stage.clock
        self.groups = CaseGroups(stage.store)

    def tick(self) -> TickResult:
        now = self.clock()
        notices = closed = escalations = 0
        waiting: set[str] = set()  # cases whose first notice is still held for group_wait
        for group, state in self.groups.open_groups():
            if state not in OPEN_STATES:
                self.groups.close(group.key)
                closed += 1
                continue
            if state is State.REPORTED:
                continue  # held for the desk's review: nobody is told until it is filed
            notice = group.notice_due(now)
            if notice is None and group.last_notified_at is None:
                waiting.add(group.task_id)
            if notice is not None and self._notify(group, notice, now):
                notices += 1
        policies = {p.id: p for p in self.stage.district.plans.escalation_policies}
        outbox = self.stage.notifier.outbox
        for task, policy_id in self.stage.store.tasks_with_policy(WORKING):
            # A case dispatched by hand (from the manual queue, or again after a return) goes
            # to a unit that has not heard of it yet.
            if task.state is State.DISPATCHED and task.task_id not in waiting:
                notices += self._dispatched(task, now)
            policy = policies.get(policy_id or "")
            if policy is None:
                continue
            fired = outbox.fired_escalations(task.task_id)
            for esc in due_escalations(task, policy, now, fired):
                if self._escalate(task, esc, now):
                    escalations += 1
        return TickResult(notices, escalations, closed)

    @staticmethod
    def _dispatch_key(task: Task) -> str:
        deadline = task.accept_by.isoformat() if task.accept_by else "-"
        return f"dispatch:{task.task_id}:{task.assignee}:{deadline}"

    def _dispatched(self, task: Task, now: datetime) -> bool:
        notifier = self.stage.notifier
        event = self.stage.store.get_event(task.event_id)
        due = f"，请于{task.accept_by:%H:%M} UTC前接收" if task.accept_by else ""
        message = f"新任务 {task.route_name or ''}：{event.title} @ {task.grid}{due}"
        recipient = notifier.directory.unit(task.assignee)
        return notifier.send(
            self._dispatch_key(task), "notice", [recipient], message, now, task_id=task.task_id
        )

    def _notify(self, group: GroupState, notice: Notice, now: datetime) -> bool:
        store, notifier = self.stage.store, self.stage.notifier
        try:
            task = store.get_task(group.task_id)
            event = store.get_event(task.event_id)
        except NotFound:
            return False
        where = f"{event.title} @ {task.grid}"
        key = f"notice:{group.key}:{group.task_id}:{group.next_notice_at().isoformat()}"
        if notice.kind == "new":
            due = f"，请于{task.accept_by:%H:%M} UTC前接收" if task.accept_by else ""
            what = "待人工派遣" if task.state is State.FILED else "新任务"
            message = f"{what} {task.route_name or ''}：{where}（{notice.events}条事件）{due}"
            if task.state is State.DISPATCHED:
                key = self._dispatch_key(task)  # the same notice a hand dispatch would send
        elif notice.kind == "update":
            message = f"任务 {task.task_id} 新增{notice.new_events}条事件：{where}"
        else:
            message = f"任务 {task.task_id} 仍未办结（{task.state.value}）：{where}"
        recipient = notifier.directory.unit(task.assignee)
        sent = notifier.send(key, "notice", [recipient], message, now, task_id=task.task_id)
        self.groups.notified(group.key, now)
        return sent

    def _escalate(self, task: Task, esc: Escalation, now: datetime) -> bool:
        notifier = self.stage.notifier
        recipients = notifier.directory.targets(esc.notify, task)
        late = CONDITION_ZH.get(esc.condition, esc.condition)
        repeat = f"（第{esc.round + 1}次提醒）" if esc.round else ""
        message = (
            f"升级：任务 {task.task_id}（{task.route_name or task.route_id}，{task.assignee}）"
            f"{late}，期限 {esc.deadline:%Y-%m-%d %H:%M} UTC{repeat}"
        )
        sent = notifier.escalate(task.task_id, esc.key, recipients, message, now)
        if sent:
            log.warning("%s", message)
        return sent

"""A working morning of the sample district through the embedded runtime's stages, on an
injected clock: AI events (the parked van found by the real detector in vtest.avi, a rising
river from a water-level sensor), a grid leader's clue and a citizen's request all reach
`closed`; one case is reworked, one escalates, one (held for review) is rejected as a false
alarm, a flood emergency mutes a minor event in its grids, one emergency plan is drilled. Then
`gridwatch report kpis --json` shows the rates that follow from exactly these cases.
Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from gridwatch.cli.main import app
from gridwatch.config.schema import Camera, District
from gridwatch.config.settings import Settings
from gridwatch.dispatch.intake import ClueIn, Intake, store_photo
from gridwatch.domain.events import Finding
from gridwatch.domain.tasks import Action, Actor, Role, State
from gridwatch.ingest.sources import open_camera
from gridwatch.runtime.embedded import EmbeddedRuntime, Services
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.notifications import Outbox
from gridwatch.store.repository import Store
from tests.conftest import MEDIA, SAMPLE

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # Monday 08:00 in 中梁山
MIN = timedelta(minutes=1)
SEC = timedelta(seconds=1)

DUTY = Actor("duty", Role.DUTY_OFFICER)
TRAFFIC = Actor("sq-traffic-member", Role.SQUAD_MEMBER, squad="sq-traffic")
RIVER = Actor("sq-river-member", Role.SQUAD_MEMBER, squad="sq-river")
ENVIRONMENT = Actor("sq-environment-member", Role.SQUAD_MEMBER, squad="sq-environment")
EMERGENCY = Actor("sq-emergency-member", Role.SQUAD_MEMBER, squad="sq-emergency")


class Clock:
    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t

    def at(self, offset: timedelta) -> datetime:
        self.t = T0 + offset
        return self.t


def leader(d: District, grid: str) -> Actor:
    return Actor(
        d.grid_leader_of[grid], Role.GRID_LEADER, grid=grid, community=d.grid(grid).community
    )


def finding(device: str, algorithm: str, key: str, at: datetime, **kw) -> Finding:
    """What a sensor or vision plugin emits; these plugins are not in this build yet."""
    return Finding(device, algorithm, algorithm, key, at, at, kw.pop("confidence", 1.0), **kw)


def run_detector_on_cam1(rt: EmbeddedRuntime, clock: Clock, frames: int = 40) -> list:
    cam = rt.district.device("cam-0001")
    assert isinstance(cam, Camera)
    stop = threading.Event()
    tasks = []
    for n, frame in enumerate(open_camera(cam, SAMPLE, clock, realtime=False).frames(stop)):
        clock.t = frame.at
        for f in rt.detect.process(frame):
            tasks.append(rt.dispatch.handle_finding(f))
        if n + 1 >= frames:
            stop.set()
    return tasks


def test_a_morning_of_the_sample_district_closes_the_loop_and_reports_its_kpis(
    store: Store, sample_district: District, redis_url: str, tmp_path: Path
):
    d = sample_district
    clock = Clock(T0)
    services = Services(store, HotState(redis_url), EvidenceStore(tmp_path / "evidence"))
    settings = Settings(data_dir=tmp_path, redis_url=redis_url, db_url=store.url)
    rt = EmbeddedRuntime(SAMPLE, services, settings, district=d, realtime=False, clock=clock)
    act = store.act

    # ---------------------------------------------------------------- discovery
    lane_tasks = [t for t in run_detector_on_cam1(rt, clock) if t is not None]
    assert lane_tasks, "the parked van in vtest.avi was not found"
    van = lane_tasks[0]
    assert (van.state, van.assignee) == (State.DISPATCHED, "squad:sq-traffic")
    # Later lane findings of cam-0001 (the second vehicle) join the van's case: one case.
    assert all(t.state is State.MERGED and t.merged_into == van.task_id for t in lane_tasks[1:])

    river = rt.dispatch.handle_finding(
        finding("wl-001", "water_level", "over-warning", clock.at(MIN), value=3.4)
    )
    assert river is not None and river.assignee == "squad:sq-river"
    [flood] = rt.dispatch.emergencies.active(drill=False)
    assert flood.plan_id == "ep-10" and flood.trigger == f"event:{river.event_id}"

    bag = rt.dispatch.handle_finding(
        finding("cam-0003", "abandoned_object", "obj-1", clock.at(MIN), confidence=0.41)
    )
    # abandoned_object has `review: confirm`: its case waits for the desk, nobody is sent yet
    assert bag is not None and bag.state is State.REPORTED
    muted = rt.dispatch.handle_finding(  # a minor AI event in a grid under the flood response
        finding("cam-0097", "illegal_parking", "car-1", clock.at(90 * SEC), confidence=0.5)
    )
    assert muted is not None and muted.state is State.SUPPRESSED

    intake = Intake(d, rt.dispatch)
    reporter = leader(d, "g050")
    clock.at(2 * MIN)
    photo = store_photo(
        services.evidence, (MEDIA / "person.jpg").read_bytes(), clock.t, reporter.user_id
    ).key
    clue = intake.clue(
        ClueIn(event_type="garbage_dumping", description="路边堆放建筑垃圾", client_ref="app-1"),
        reporter,
        photo,
    )
    assert clue.assignee == f"grid_force:{d.grid('g050').community}"
    requests_csv = tmp_path / "mhwf.csv"
    requests_csv.write_text(
        "request_id,event_type,grid,description,occurred_at,address\n"
        "MHWW-0001,noise,g081,夜间施工噪声扰民,2026-03-02 07:50,建设路12号\n",
        encoding="utf-8",
    )
    [req] = intake.check_file(requests_csv)
    citizen = intake.citizen(req)
    assert citizen.assignee == "squad:sq-environment"

    clock.at(3 * MIN)
    outbox = Outbox(store)
    # After group_wait every new case is announced, except the bag waiting for review.
    assert rt.escalation.tick().notices == 4
    assert outbox.list(task_id=bag.task_id) == []

    # ---------------------------------------------------------------- handling
    van_leader = leader(d, van.grid)
    # The clue's grid force works through the leader of g050, where the clue is: grid leaders
    # act in their own grid only. That leader reported it too, so the brigade checks the work.
    force_leader = leader(d, "g050")
    act(
        bag.task_id,
        Action.REJECT,
        DUTY,
        clock.at(3 * MIN),
        "画面中为行人随身包",
        verdict="false_alarm",
    )
    act(van.task_id, Action.ACCEPT, TRAFFIC, clock.at(5 * MIN))
    act(clue.task_id, Action.ACCEPT, force_leader, clock.t)
    act(citizen.task_id, Action.ACCEPT, ENVIRONMENT, clock.at(6 * MIN))
    act(
        van.task_id,
        Action.FEEDBACK,
        TRAFFIC,
        clock.at(10 * MIN),
        "已联系车主驶离",
        attachment=photo,
    )
    assert rt.escalation.tick().escalations == 0

    # The river squad misses its 10-minute accept deadline: the next beat escalates.
    clock.at(12 * MIN)
    rt.tick()
    first = outbox.list(task_id=river.task_id, kind="escalation")
    assert {n.recipient for n in first} == {"squad_leader:sq-river", "duty_officer"}
    assert "未按时接收" in first[0].message
    clock.at(13 * MIN)
    rt.tick()  # nothing new to say
    assert len(outbox.list(task_id=river.task_id, kind="escalation")) == 2
    act(river.task_id, Action.ACCEPT, RIVER, clock.t)

    act(van.task_id, Action.VERIFY, van_leader, clock.at(15 * MIN), "现场核实已驶离")
    act(van.task_id, Action.CLOSE, DUTY, clock.at(16 * MIN))
    act(
        citizen.task_id,
        Action.REQUEST_EXTENSION,
        ENVIRONMENT,
        clock.at(20 * MIN),
        "需协调夜间执法",
        extension=timedelta(hours=2),
    )
    act(citizen.task_id, Action.APPROVE_EXTENSION, DUTY, clock.at(21 * MIN))

    # The drill: 华福路下穿道积水应急预案, every checklist task done by its unit.
    clock.at(22 * MIN)
    drill, items, _ = rt.dispatch.emergencies.activate("ep-16", DUTY, drill=True, note="季度演练")
    c03_grid = next(g.id for g in d.organisation.grids if g.community == "c03")
    doers = {
        "squad:sq-traffic": TRAFFIC,
        "squad:sq-emergency": EMERGENCY,
        "grid_force:c03": leader(d, c03_grid),
    }
    for i, item in enumerate(items):
        clock.at(23 * MIN + i * MIN)
        rt.dispatch.emergencies.complete_item(item.item_id, doers.get(item.unit, DUTY), "完成")
    assert rt.dispatch.emergencies.emergencies.get(drill.activation_id).state.value == "completed"

    act(clue.task_id, Action.FEEDBACK, force_leader, clock.at(40 * MIN), "已清运")
    act(clue.task_id, Action.REWORK, DUTY, clock.at(45 * MIN), "仍有残留垃圾")
    act(clue.task_id, Action.FEEDBACK, force_leader, clock.at(50 * MIN), "已彻底清运")
    act(clue.task_id, Action.VERIFY, DUTY, clock.at(55 * MIN))
    act(clue.task_id, Action.CLOSE, DUTY, clock.at(60 * MIN))

    clock.at(65 * MIN)
    rt.tick()  # the river case's handle deadline passed: the duty officer hears of it
    assert len(outbox.list(task_id=river.task_id, kind="escalation")) == 3
    act(river.task_id, Action.FEEDBACK, RIVER, clock.at(70 * MIN), "已设置警戒并疏散")
    act(river.task_id, Action.VERIFY, DUTY, clock.at(80 * MIN))
    act(river.task_id, Action.CLOSE, DUTY, clock.at(150 * MIN))  # past its closing deadline
    rt.dispatch.emergencies.stand_down(flood.activation_id, DUTY, "水位回落，解除响应")

    act(citizen.task_id, Action.FEEDBACK, ENVIRONMENT, clock.at(180 * MIN), "已责令停工")
    act(citizen.task_id, Action.VERIFY, leader(d, "g081"), clock.at(190 * MIN))
    act(citizen.task_id, Action.CLOSE, DUTY, clock.at(195 * MIN))
    rt.tick()

    closed = {t.task_id: store.get_task(t.task_id).state for t in (van, river, clue, citizen)}
    assert set(closed.values()) == {State.CLOSED}, closed
    escalated = {n.task_id for n in outbox.list(kind="escalation")}
    assert escalated == {river.task_id}

    # ---------------------------------------------------------------- KPIs
    result = CliRunner().invoke(
        app,
        [
            "report",
            "kpis",
            "--since",
            "2026-03-02",
            "--until",
            "2026-03-03",
            "--config",
            str(SAMPLE),
            "--json",
        ],
        env={"GRIDWATCH_DB_URL": store.url},
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    o = report["overall"]
    # 5 cases: van, river, bag (rejected), clue, citizen; merged and muted events are not cases.
    assert (o["reported"], o["rejected"], o["dispatched"], o["closed"]) == (5, 1, 4, 4)
    assert o["filing_rate"] == 0.8
    assert o["dispatch_rate"] == 1.0
    assert o["acceptance_rate"] == 1.0
    assert o["closure_rate"] == 1.0
    assert o["on_time_closure_rate"] == 0.75  # the river case closed after its deadline
    assert o["rework_rate"] == 0.25
    assert o["extension_rate"] == 0.25
    assert o["escalation_rate"] == 0.25
    assert o["false_alarm_rate"] == 0.2
    by_algo = report["by"]["algorithm"]
    assert by_algo["abandoned_object"]["false_alarm_rate"] == 1.0
    assert by_algo["lane_occupation"]["false_alarm_rate"] == 0.0
    assert by_algo["water_level"]["escalation_rate"] == 1.0
    by_source = report["by"]["source"]
    assert {s: k["closed"] for s, k in by_source.items()} == {
        "ai": 2,
        "citizen": 1,
        "grid_leader": 1,
    }
    assert report["by"]["unit"][clue.assignee]["rework_rate"] == 1.0
    league = [row["unit"] for row in report["league"]]
    assert league[-1] == "squad:sq-river" and len(league) == 4
    assert report["emergencies"]["drill"]["activations"] == 1
    assert report["emergencies"]["drill"]["completed"] == 1
    assert report["emergencies"]["real"]["activations"] == 1
    assert report["emergencies"]["real"]["stood_down"] == 1

"""Emergency plans: activation builds the checklist across posts, communities and grids;
each task is tracked to completion; drills are flagged; events pick the most specific plan."""

from datetime import UTC, datetime, timedelta

import pytest

from gridwatch.config.schema import District
from gridwatch.domain.emergency import (
    ActivationState,
    activate,
    after_item_done,
    complete,
    progress,
    stand_down,
    triggered_plans,
)
from gridwatch.domain.tasks import Actor, Role, TransitionError

T0 = datetime(2026, 7, 10, 2, 0, tzinfo=UTC)


def plan(district: District, plan_id: str):
    return next(p for p in district.emergency_plans if p.id == plan_id)


def grid_maps(district: District):
    return {g.id: g.community for g in district.organisation.grids}, district.grid_leader_of


def test_activation_creates_tasks_for_every_post_community_and_grid(sample_district: District):
    ep = plan(sample_district, "ep-08")  # 华岩村山洪灾害防御预案: c01, 10 grids
    communities, leaders = grid_maps(sample_district)
    a, items = activate(
        ep, at=T0, by="duty", drill=True, grid_community=communities, grid_leaders=leaders
    )
    assert a.drill and a.state is ActivationState.ACTIVE and a.trigger == "manual"
    posts = [i for i in items if i.unit.startswith("post:")]
    per_grid = [i for i in items if i.unit.startswith("grid_leader:")]
    assert len(posts) == len(ep.posts)
    assert sorted(i.grid for i in per_grid) == sorted(ep.grids)
    assert {i.unit for i in per_grid} == {f"grid_leader:{leaders[g]}" for g in ep.grids}
    others = [i for i in items if i not in posts and i not in per_grid]
    assert len(others) == len(ep.checklist) - 1  # one step is per grid
    first = min(c.within for c in ep.checklist)
    assert all(i.due_at == T0 + first for i in posts)


def test_community_steps_of_a_multi_community_plan_go_to_each_grid_force(
    sample_district: District,
):
    ep = plan(sample_district, "ep-15")  # 城市内涝应急预案 over the six urban communities
    communities, leaders = grid_maps(sample_district)
    _, items = activate(
        ep, at=T0, by="duty", drill=False, grid_community=communities, grid_leaders=leaders
    )
    forces = {i.unit for i in items if i.unit.startswith("grid_force:")}
    assert len(ep.communities) == 6
    assert forces == {f"grid_force:{c}" for c in ep.communities}
    assert len({i.item_id for i in items}) == len(items)


def test_each_task_is_done_by_its_unit_and_the_activation_completes(sample_district: District):
    ep = plan(sample_district, "ep-08")
    communities, leaders = grid_maps(sample_district)
    a, items = activate(
        ep, at=T0, by="duty", drill=True, grid_community=communities, grid_leaders=leaders
    )
    grid_item = next(i for i in items if i.unit.startswith("grid_leader:"))
    leader_id = grid_item.unit.split(":", 1)[1]
    stranger = Actor("gl099", Role.GRID_LEADER, grid="g099", community="c10")
    with pytest.raises(TransitionError) as e:
        complete(grid_item, stranger, T0)
    assert e.value.forbidden
    leader = Actor(leader_id, Role.GRID_LEADER, grid=grid_item.grid, community="c01")
    done = [complete(grid_item, leader, T0 + timedelta(minutes=40), "已通知到户")]
    with pytest.raises(TransitionError, match="already done"):
        complete(done[0], leader, T0)
    duty = Actor("duty", Role.DUTY_OFFICER)
    rest = [i for i in items if i is not grid_item]
    done += [complete(i, duty, T0 + timedelta(minutes=5)) for i in rest]
    assert after_item_done(a, done[:-1] + rest[-1:]).state is ActivationState.ACTIVE
    finished = after_item_done(a, done)
    assert finished.state is ActivationState.COMPLETED
    p = progress(done, T0 + timedelta(hours=1))
    assert (p.total, p.done, p.overdue) == (len(items), len(items), 0)
    assert p.done_on_time == len(items) - 1  # the grid step was due in 30 minutes: late
    assert p.complete


def test_overdue_checklist_tasks_are_counted(sample_district: District):
    communities, leaders = grid_maps(sample_district)
    _, items = activate(
        plan(sample_district, "ep-01"),
        at=T0,
        by="duty",
        drill=False,
        grid_community=communities,
        grid_leaders=leaders,
    )
    p = progress(items, T0 + timedelta(hours=2))
    assert p.done == 0 and 0 < p.overdue < p.total  # the 1-day step is not late yet


def test_only_the_desk_stands_an_emergency_down_and_with_a_reason(sample_district: District):
    communities, leaders = grid_maps(sample_district)
    a, _ = activate(
        plan(sample_district, "ep-08"),
        at=T0,
        by="duty",
        drill=False,
        grid_community=communities,
        grid_leaders=leaders,
    )
    with pytest.raises(TransitionError):
        stand_down(a, Actor("gl001", Role.GRID_LEADER), T0, "结束")
    with pytest.raises(TransitionError, match="needs a note"):
        stand_down(a, Actor("duty", Role.DUTY_OFFICER), T0, "")
    ended = stand_down(a, Actor("duty", Role.DUTY_OFFICER), T0, "水位回落，解除响应")
    assert ended.state is ActivationState.STOOD_DOWN and ended.ended_at == T0


def test_a_rising_river_activates_the_most_specific_plan_per_hazard(sample_district: District):
    c01_grid = next(g.id for g in sample_district.organisation.grids if g.community == "c01")
    plans = triggered_plans(sample_district.emergency_plans, "water_level", c01_grid)
    assert [(p.hazard, p.id) for p in plans] == [("flash_flood", "ep-08")]  # 华岩村, not district
    assert triggered_plans(sample_district.emergency_plans, "lane_occupation", c01_grid) == []


def test_a_triggered_activation_keys_on_its_event(sample_district: District):
    communities, leaders = grid_maps(sample_district)
    ep = plan(sample_district, "ep-08")
    kw = {"by": "system", "drill": False, "grid_community": communities, "grid_leaders": leaders}
    a1, _ = activate(ep, at=T0, trigger_event="evt-9", **kw)
    a2, _ = activate(ep, at=T0 + timedelta(minutes=3), trigger_event="evt-9", **kw)
    assert a1.activation_id == a2.activation_id and a1.trigger == "event:evt-9"

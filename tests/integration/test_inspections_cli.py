"""`gridwatch inspections` on the sample district: the month's plan as JSON, saved plans,
scan-to-enter records whose findings become cases in the dispatch chain, and the KPIs."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gridwatch.cli.main import app
from gridwatch.config.schema import District
from gridwatch.store.repository import Store, sqlite_url

runner = CliRunner()


def gridwatch(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = sqlite_url(tmp_path / "gw.db")
    monkeypatch.setenv("GRIDWATCH_DB_URL", url)
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path))
    return url


def test_march_plan_gives_every_enterprise_its_visits_without_separate_same_week_visits(
    sample_district: District,
):
    out = json.loads(gridwatch("inspections", "plan", "--month", "2026-03", "--json"))
    grades = {e.id: e.credit_grade for e in sample_district.enforcement.enterprises}
    policy = out["policy"]
    assert len(out["enterprises"]) == len(grades) == 260
    visits = {v["id"]: v for v in out["visits"]}
    for e in out["enterprises"]:
        rule = policy[e["grade"]]
        assert e["prescribed_visits"] == (rule["visits"] if e["drawn"] else 0)
        assert len(e["visits"]) == e["prescribed_visits"]
        assert all(visits[v]["enterprise"] == e["id"] for v in e["visits"])
    for grade, rule in policy.items():
        assert rule["drawn"] == math.ceil(rule["share"] * rule["enterprises"])
        assert sum(e["drawn"] for e in out["enterprises"] if e["grade"] == grade) == rule["drawn"]
    # No enterprise sees two squads on separate visits in one week: they come together.
    per_week = Counter((v["enterprise"], v["week"]) for v in out["visits"])
    assert max(per_week.values()) == 1
    assert out["summary"]["joint_operations"] == sum(len(v["squads"]) > 1 for v in out["visits"])
    # The per-squad view lists each visit under every squad on it.
    for squad, row in out["squads"].items():
        assert sorted(row["visits"]) == sorted(
            v["id"] for v in out["visits"] if squad in v["squads"]
        )


def test_plan_is_reproducible_with_a_seed():
    first = gridwatch("inspections", "plan", "--month", "2026-03", "--seed", "42", "--json")
    again = gridwatch("inspections", "plan", "--month", "2026-03", "--seed", "42", "--json")
    other = gridwatch("inspections", "plan", "--month", "2026-03", "--seed", "43", "--json")
    assert first == again
    assert json.loads(first)["visits"] != json.loads(other)["visits"]


def test_a_finding_on_a_planned_visit_opens_a_case_and_counts_in_the_kpis(db: str):
    plan = json.loads(
        gridwatch("inspections", "plan", "--month", "2026-03", "--seed", "5", "--save", "--json")
    )
    visit = next(v for v in plan["visits"] if v["joint"] and "sq-fire" in v["squads"])
    officer = visit["officers"][0]
    at = f"{visit['date']}T02:30:00+00:00"  # 10:30 in Chongqing
    rec = json.loads(
        gridwatch(
            "inspections",
            "record",
            "--enterprise",
            visit["enterprise"],
            "--officer",
            officer,
            "--at",
            at,
            "--finding",
            "fire_lane_occupation",
            "--note",
            "消防车通道堆放货物",
            "--json",
        )
    )
    assert rec["visit_id"] == visit["id"]
    assert rec["task_id"]
    store = Store(db)
    task = store.get_task(rec["task_id"])
    assert task.assignee == "squad:sq-fire"  # routed by the fire-lane dispatch plan
    event = store.get_event(task.event_id)
    assert (event.source, event.event_type, event.reporter) == (
        "inspection",
        "fire_lane_occupation",
        officer,
    )
    # The same scan sent twice is one record and one case.
    again = json.loads(
        gridwatch(
            "inspections",
            "record",
            "--enterprise",
            visit["enterprise"],
            "--officer",
            officer,
            "--at",
            at,
            "--finding",
            "fire_lane_occupation",
            "--json",
        )
    )
    assert again["task_id"] == rec["task_id"]
    assert store.task_counts() == {"dispatched": 1}
    store.engine.dispose()
    kpis = json.loads(gridwatch("inspections", "kpis", "--month", "2026-03", "--json"))
    assert kpis["planned"] == len(plan["visits"])
    assert (kpis["done"], kpis["joint_done"], kpis["joint_share"]) == (1, 1, 1.0)
    assert kpis["repeat_inspections_avoided"] == visit["checks_merged"] - 1
    assert (kpis["findings"], kpis["cases_opened"]) == (1, 1)


def test_a_plan_with_entered_visits_cannot_be_replaced_by_another_seed(db: str):
    plan = json.loads(
        gridwatch("inspections", "plan", "--month", "2026-04", "--seed", "1", "--save", "--json")
    )
    v = plan["visits"][0]
    gridwatch(
        "inspections",
        "record",
        "--enterprise",
        v["enterprise"],
        "--officer",
        v["officers"][0],
        "--at",
        f"{v['date']}T03:00:00+00:00",
    )
    result = runner.invoke(
        app, ["inspections", "plan", "--month", "2026-04", "--seed", "2", "--save"]
    )
    assert result.exit_code == 1
    assert "cannot be replaced" in result.output
    # Saving the same plan again is harmless.
    gridwatch("inspections", "plan", "--month", "2026-04", "--seed", "1", "--save")


def test_unknown_officer_is_refused_without_recording(db: str):
    result = runner.invoke(
        app, ["inspections", "record", "--enterprise", "ent-0001", "--officer", "nobody"]
    )
    assert result.exit_code == 1
    assert "unknown officer 'nobody'" in result.output

"""The chain's command line: coverage, routing explanations, citizen-request import, silences,
emergency drills, what-if replay, and plans edited on a running system."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import yaml
from typer.testing import CliRunner

from gridwatch.cli.main import app
from gridwatch.config.loader import load_district
from gridwatch.dispatch.plan_reload import PlanBook
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Event
from gridwatch.store.repository import Store, sqlite_url
from tests.conftest import MINIMAL, SAMPLE

NO_DB = {"GRIDWATCH_DB_URL": None}


def gridwatch(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], input=stdin, env=NO_DB)


def test_sample_district_coverage_is_at_its_reported_level_with_the_gaps_listed():
    r = gridwatch("plans", "coverage", "--config", SAMPLE, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["coverage"] >= 0.998
    assert (out["pairs"], out["covered"], out["event_types"], out["grids"]) == (2684, 2682, 22, 122)
    assert [(g["event_type"], g["grid"]) for g in out["gaps"]] == [
        ("heavy_truck_restricted", "g121"),
        ("heavy_truck_restricted", "g122"),
    ]
    assert all("falls to root" in g["reason"] for g in out["gaps"])


def route(event: dict) -> dict:
    r = gridwatch("plans", "route", "--config", SAMPLE, "--event", "-", stdin=json.dumps(event))
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_route_explains_the_match_deadlines_and_every_route_considered():
    out = route({"event_type": "street_vending", "grid": "g015", "at": "2026-03-02T07:00+08:00"})
    assert out["matched"]["path"] == ["root", "plan-street-vending", "plan-street-vending-market"]
    assert (out["assignee"], out["verifier"]) == ("squad:sq-market", "grid_leader:gl015")
    assert out["deadlines"]["accept_by"] == "2026-03-02T07:15:00+08:00"
    assert out["escalation"]["id"] == "standard"
    why = {c["route"]: (c["matched"], c["reason"]) for c in out["considered"]}
    assert why["plan-lane-occupation"] == (
        False,
        "event_type=\"lane_occupation\" failed: event_type is 'street_vending'",
    )
    evening = route(
        {"event_type": "street_vending", "grid": "g015", "at": "2026-03-02T22:00+08:00"}
    )
    assert evening["assignee"] == "squad:sq-appearance"
    assert (
        "outside its time intervals"
        in {c["route"]: c["reason"] for c in evening["considered"]}["plan-street-vending-market"]
    )


def test_route_fills_in_the_device_and_shows_the_manual_queue_for_a_plan_gap(sample_district):
    [cam] = [c for c in sample_district.cameras if c.name == "田坝货运路K1+300"]
    out = route({"event_type": "heavy_truck_restricted", "device": cam.id})
    assert out["event"]["grid"] == "g121" and out["event"]["community"] == "c12"
    assert out["manual_dispatch"] and out["matched"]["route_id"] == "root"
    assert out["assignee"] == "brigade"


def test_route_refuses_an_unknown_grid_or_field():
    r = gridwatch("plans", "route", "--event", "-", stdin='{"event_type":"noise","grid":"g999"}')
    assert r.exit_code == 1 and "unknown grid 'g999'" in r.output
    r = gridwatch("plans", "route", "--event", "-", stdin='{"event_type":"noise","gird":"g001"}')
    assert r.exit_code == 1 and "gird" in r.output


def test_a_citizen_file_with_a_bad_row_is_rejected_whole_with_line_numbers(tmp_path: Path):
    bad = tmp_path / "requests.csv"
    bad.write_text(
        "request_id,event_type,grid,description,occurred_at\n"
        "R-1,noise,g004,夜间施工,2026-03-02 07:00\n"
        "R-2,noise,g999,广场舞,2026-03-02 07:10\n"
        "R-3,ufo,g004,不明光点,2026-03-02 07:20\n"
        "R-1,noise,g004,重复,2026-03-02 07:30\n",
        encoding="utf-8",
    )
    r = gridwatch("intake", "citizens", bad, "--config", MINIMAL, "--data-dir", tmp_path)
    assert r.exit_code == 1
    assert f"{bad}:3: grid: unknown grid 'g999'" in r.output
    assert f"{bad}:4: event_type: unknown event type 'ufo'" in r.output
    assert f"{bad}:5: request_id: request 'R-1' repeats line 2" in r.output
    store = Store(sqlite_url(tmp_path / "gridwatch.db"))
    assert store.task_counts() == {}  # nothing imported
    good = tmp_path / "requests.jsonl"
    good.write_text(
        '{"request_id":"R-1","event_type":"garbage_dumping","grid":"g004",'
        '"description":"楼道垃圾","occurred_at":"2026-03-02T07:00:00"}\n',
        encoding="utf-8",
    )
    for expected_new in (1, 0):  # importing the same file again opens nothing twice
        r = gridwatch(
            "intake", "citizens", good, "--config", MINIMAL, "--data-dir", tmp_path, "--json"
        )
        assert r.exit_code == 0, r.output
        assert json.loads(r.output)["new"] == expected_new
    assert store.task_counts() == {"dispatched": 1}


def test_silence_and_drill_from_the_command_line(tmp_path: Path):
    data = ("--data-dir", tmp_path)
    r = gridwatch(
        "silence", "add", "-m", 'device="cam-0001"', "--author", "engineer",
        "--comment", "更换镜头", "--duration", "2h", "--config", MINIMAL, *data,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    sid = json.loads(r.output)["silence_id"]
    listed = json.loads(gridwatch("silence", "list", "--json", *data).output)
    assert [s["silence_id"] for s in listed] == [sid]
    assert gridwatch("silence", "expire", sid, *data).exit_code == 0
    assert json.loads(gridwatch("silence", "list", "--json", *data).output) == []
    assert (
        gridwatch(
            "silence", "add", "-m", 'x="y"', "--author", "a", "--comment", "c", *data
        ).exit_code
        == 1
    )

    from gridwatch.ops.users import create_demo_accounts

    store = Store(sqlite_url(tmp_path / "gridwatch.db"))
    create_demo_accounts(store, load_district(MINIMAL), "pw", lambda: datetime.now(UTC))
    r = gridwatch(
        "emergency", "activate", "ep-02", "--by", "duty", "--drill", "--config", MINIMAL, *data
    )
    assert r.exit_code == 0, r.output
    aid = json.loads(r.output)["activation_id"]
    shown = json.loads(
        gridwatch("emergency", "show", aid, "--json", "--config", MINIMAL, *data).output
    )
    assert shown["activation"]["drill"] is True
    for item in shown["items"]:
        r = gridwatch(
            "emergency", "done", item["item_id"], "--by", "duty", "--config", MINIMAL, *data
        )
        assert r.exit_code == 0, r.output
    assert json.loads(r.output)["activation_state"] == "completed"
    r = gridwatch("emergency", "activate", "ep-02", "--by", "gl001", "--config", MINIMAL, *data)
    assert r.exit_code == 1 and "only the brigade desk" in r.output


def test_replay_shows_what_closing_the_plan_gap_would_change(tmp_path: Path, sample_district):
    store = Store(sqlite_url(tmp_path / "gridwatch.db"))
    store.migrate()
    stage = DispatchStage(sample_district, store, None, lambda: datetime(2026, 3, 2, 1, tzinfo=UTC))
    for n, grid in enumerate(["g121", "g121", "g090"]):
        stage.handle_event(
            Event(
                event_id=f"evt-truck-{n}",
                event_type="heavy_truck_restricted",
                source="ai",
                occurred_at=datetime(2026, 3, 2, 1, n, tzinfo=UTC),
                grid=grid,
                community=sample_district.grid(grid).community,
                severity="major",
                title="大货车违规通行",
                device_id=f"cam-x{n}",
                algorithm="heavy_truck_restricted",
            )
        )
    r = gridwatch(
        "report", "events", "--since", "2026-03-02", "--until", "2026-03-03", "--data-dir", tmp_path
    )
    assert r.exit_code == 0, r.output
    day = tmp_path / "day.jsonl"
    day.write_text(r.output, encoding="utf-8")
    edited = tmp_path / "edited"
    shutil.copytree(SAMPLE, edited)
    plans_file = edited / "plans.yaml"
    plans_file.write_text(
        plans_file.read_text(encoding="utf-8").replace(
            '[event_type="heavy_truck_restricted", grid!~"g121|g122"]',
            '[event_type="heavy_truck_restricted"]',
        ),
        encoding="utf-8",
    )
    for name in ("devices.yaml",):  # relative media paths: point them back at the repository
        (edited / name).write_text(
            (SAMPLE / name)
            .read_text(encoding="utf-8")
            .replace("../../media/", str(SAMPLE.parents[1] / "media") + "/"),
            encoding="utf-8",
        )
    r = gridwatch("replay", day, "--plans", edited, "--config", SAMPLE, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert (out["events"], out["changed"]) == (3, 2)
    assert out["manual_queue"] == {"before": 2, "after": 0}
    assert out["coverage"]["before"] < out["coverage"]["after"] == 1.0
    load = {row["unit"]: row for row in out["load"]}
    assert (load["squad:sq-traffic"]["cases_before"], load["squad:sq-traffic"]["cases_after"]) == (
        1,
        3,
    )


def test_a_broken_plan_edit_is_rejected_whole_and_the_last_good_plans_stay(tmp_path: Path):
    config = tmp_path / "district"
    shutil.copytree(MINIMAL, config)
    district = load_district(config)
    switched = []
    book = PlanBook(config, district, switched.append)
    plans_file = config / "plans.yaml"
    good = plans_file.read_text(encoding="utf-8")
    broken = yaml.safe_load(good)
    broken["route"]["routes"][0]["receiver"] = "squad:sq-nobody"
    plans_file.write_text(
        yaml.safe_dump(broken, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    issues = book.reload_if_changed()
    assert issues and "unknown squad 'sq-nobody'" in str(issues[0])
    line = next(
        n for n, text in enumerate(plans_file.read_text().splitlines(), 1) if "sq-nobody" in text
    )
    assert f"plans.yaml:{line}: route.routes[0].receiver: unknown squad" in str(issues[0])
    assert book.district is district and switched == []
    assert book.reload_if_changed() is None  # unchanged since: not read again
    edited = yaml.safe_load(good)
    edited["route"]["routes"][0]["receiver"] = "squad:sq-appearance"
    plans_file.write_text(
        yaml.safe_dump(edited, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    assert book.reload_if_changed() == []
    assert switched and switched[0].plans.route.routes[0].receiver == "squad:sq-appearance"


def test_replay_names_the_bad_lines_of_an_events_file(tmp_path: Path):
    day = tmp_path / "day.jsonl"
    day.write_text(
        '{"event_id":"e1","event_type":"noise","source":"citizen","grid":"g001",'
        '"community":"c01","severity":"minor","occurred_at":"2026-03-02T08:00:00+08:00"}\n'
        '{"event_id":"e2","event_type":"noise","source":"pigeon","grid":"g001",'
        '"community":"c01","severity":"minor","occurred_at":"2026-03-02T08:00:00"}\n',
        encoding="utf-8",
    )
    r = gridwatch("replay", day, "--plans", MINIMAL, "--config", MINIMAL)
    assert r.exit_code == 1
    assert f"{day}:2: source:" in r.output and f"{day}:2: occurred_at:" in r.output

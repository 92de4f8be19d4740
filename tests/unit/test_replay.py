"""What-if replay: the same events through the current and the edited plans."""

from datetime import UTC, datetime

from gridwatch.config.schema import PlansFile
from gridwatch.domain.plans import Router
from gridwatch.domain.replay import RecordedEvent, replay

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
LEADERS = {"g001": "gl001", "g121": "gl121"}


def plans(truck_matchers: list[str]) -> PlansFile:
    return PlansFile.model_validate(
        {
            "route": {
                "id": "root",
                "receiver": "brigade",
                "verifier": "grid_leader",
                "deadlines": {"accept": "30m", "handle": "4h"},
                "routes": [
                    {
                        "id": "truck",
                        "matchers": ['event_type="heavy_truck_restricted"', *truck_matchers],
                        "receiver": "squad:sq-traffic",
                        "deadlines": {"handle": "2h"},
                    }
                ],
            }
        }
    )


def event(n: int, grid: str) -> RecordedEvent:
    labels = {"event_type": "heavy_truck_restricted", "grid": grid, "community": "c12"}
    return RecordedEvent(f"evt-{n}", T0, labels)


def test_closing_a_plan_gap_moves_cases_from_the_manual_queue_to_the_squad():
    before = Router(plans(['grid!~"g121|g122"']), LEADERS).route
    after = Router(plans([]), LEADERS).route
    events = [event(1, "g001"), event(2, "g121"), event(3, "g121")]
    r = replay(events, before, after)
    assert (r.events, r.manual_before, r.manual_after) == (3, 2, 0)
    assert [(c.event_id, c.before_assignee, c.after_assignee) for c in r.changes] == [
        ("evt-2", "brigade (manual queue)", "squad:sq-traffic"),
        ("evt-3", "brigade (manual queue)", "squad:sq-traffic"),
    ]
    assert r.load_before["squad:sq-traffic"].cases == 1
    assert r.load_after["squad:sq-traffic"].cases == 3
    assert r.load_after["squad:sq-traffic"].handle_hours == 6.0
    assert "brigade (manual queue)" not in r.load_after
    assert r.routes_after == {"truck": 3}


def test_unchanged_plans_change_nothing():
    route = Router(plans([]), LEADERS).route
    r = replay([event(1, "g001")], route, route)
    assert r.changes == () and r.load_before == r.load_after

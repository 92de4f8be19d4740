from datetime import UTC, datetime, timedelta

from gridwatch.config.schema import PlansFile
from gridwatch.domain.plans import Router, route_event
from gridwatch.domain.time_windows import weekdays_of

LEADERS = {"g001": "gl001", "g002": "gl002"}
TREE = PlansFile.model_validate(
    {
        "route": {
            "id": "root",
            "receiver": "brigade",
            "verifier": "grid_leader",
            "deadlines": {"accept": "30m", "handle": "4h", "verify": "2h"},
            "routes": [
                {
                    "id": "traffic",
                    "name": "交通",
                    "matchers": ['event_type=~"lane_occupation|illegal_parking"'],
                    "receiver": "squad:sq-traffic",
                    "deadlines": {"handle": "1h"},
                    "routes": [
                        {
                            "id": "traffic-scenic",
                            "matchers": ['scene="scenic"'],
                            "receiver": "squad:sq-scenic",
                        },
                    ],
                },
                {
                    "id": "notify-all",
                    "matchers": ['severity="critical"'],
                    "continue": True,
                    "receiver": "squad:sq-emergency",
                },
                {
                    "id": "garbage",
                    "matchers": ['event_type="garbage_dumping"', 'grid!="g002"'],
                    "receiver": "grid_force:{community}",
                },
            ],
        }
    }
).route


def labels(**kw: str) -> dict[str, str]:
    base = {
        "event_type": "lane_occupation",
        "grid": "g001",
        "community": "c01",
        "scene": "",
        "severity": "minor",
        "source": "ai",
    }
    return base | kw


def test_first_matching_plan_assigns_its_squad_and_inherits_deadlines():
    d = route_event(TREE, labels(), LEADERS)
    a = d.primary
    assert (a.route_id, a.assignee, a.verifier) == (
        "traffic",
        "squad:sq-traffic",
        "grid_leader:gl001",
    )
    assert a.handle_within == timedelta(hours=1)  # own
    assert a.accept_within == timedelta(minutes=30)  # inherited from root
    assert not d.fallback


def test_child_route_takes_precedence_over_its_parent():
    a = route_event(TREE, labels(scene="scenic"), LEADERS).primary
    assert (a.route_id, a.assignee) == ("traffic-scenic", "squad:sq-scenic")
    assert a.handle_within == timedelta(hours=1)  # inherited from "traffic"


def test_unmatched_event_falls_back_to_the_brigade_and_says_why():
    d = route_event(TREE, labels(event_type="noise"), LEADERS)
    assert d.fallback and d.primary.assignee == "brigade"
    reasons = {c.route_id: c.reason for c in d.considered}
    assert "event_type is 'noise'" in reasons["traffic"]


def test_continue_lets_later_siblings_match_too():
    d = route_event(TREE, labels(event_type="garbage_dumping", severity="critical"), LEADERS)
    assert [a.route_id for a in d.assignments] == ["notify-all", "garbage"]


def test_negative_matcher_and_community_template():
    a = route_event(TREE, labels(event_type="garbage_dumping"), LEADERS).primary
    assert a.assignee == "grid_force:c01"
    d = route_event(TREE, labels(event_type="garbage_dumping", grid="g002"), LEADERS)
    assert d.fallback


# --------------------------------------------------------------------------- grouping, windows

WINDOWED = PlansFile.model_validate(
    {
        "timezone": "Asia/Shanghai",
        "time_intervals": [
            {
                "id": "market-hours",
                "weekdays": ["monday:saturday"],
                "times": [{"start": "06:00", "end": "10:00"}],
            }
        ],
        "escalation_policies": [
            {"id": "standard", "steps": [{"when": "not_accepted", "notify": ["squad_leader"]}]},
            {"id": "urgent", "steps": [{"when": "not_accepted", "notify": ["duty_officer"]}]},
        ],
        "route": {
            "id": "root",
            "receiver": "brigade",
            "verifier": "grid_leader",
            "deadlines": {"accept": "30m", "handle": "4h", "verify": "2h"},
            "group_by": ["device", "event_type"],
            "group_wait": "30s",
            "escalation": "standard",
            "routes": [
                {
                    "id": "vending",
                    "matchers": ['event_type="street_vending"'],
                    "receiver": "squad:sq-appearance",
                    "group_interval": "20m",
                    "routes": [
                        {
                            "id": "vending-market",
                            "matchers": ['community="c02"'],
                            "receiver": "squad:sq-market",
                            "active_time_intervals": ["market-hours"],
                            "escalation": "urgent",
                            "group_by": ["grid"],
                        }
                    ],
                }
            ],
        },
    }
)
MONDAY_0700_LOCAL = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)  # Mon 2 Mar 07:00 in Shanghai
MONDAY_1100_LOCAL = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
SUNDAY_0700_LOCAL = datetime(2026, 2, 28, 23, 0, tzinfo=UTC)


def vending(**kw: str) -> dict[str, str]:
    return labels(**({"event_type": "street_vending", "community": "c02"} | kw))


def test_grouping_and_escalation_are_inherited_and_overridden_per_field():
    router = Router(WINDOWED, LEADERS)
    parent = router.route(vending(community="c01"), None).primary
    assert parent.route_id == "vending"
    assert parent.grouping.by == ("device", "event_type")  # from root
    assert parent.grouping.wait == timedelta(seconds=30)  # from root
    assert parent.grouping.interval == timedelta(minutes=20)  # own
    assert parent.escalation == "standard"
    child = router.route(vending(), None).primary
    assert child.route_id == "vending-market"
    assert child.grouping.by == ("grid",)  # own
    assert child.grouping.interval == timedelta(minutes=20)  # from its parent
    assert child.escalation == "urgent"


def test_time_windowed_route_matches_only_inside_its_window_in_local_time():
    router = Router(WINDOWED, LEADERS)
    assert router.route(vending(), MONDAY_0700_LOCAL).primary.assignee == "squad:sq-market"
    late = router.route(vending(), MONDAY_1100_LOCAL)
    assert late.primary.assignee == "squad:sq-appearance"  # handed back to the parent
    why = {c.route_id: c.reason for c in late.considered}
    assert why["vending-market"] == "outside its time intervals market-hours"
    sunday = router.route(vending(), SUNDAY_0700_LOCAL).primary
    assert sunday.route_id == "vending"


def test_time_windows_are_ignored_when_no_time_is_given():
    assert Router(WINDOWED, LEADERS).route(vending(), None).primary.route_id == "vending-market"


def test_a_route_off_by_time_window_never_swallows_the_event():
    d = Router(WINDOWED, LEADERS).route(vending(), MONDAY_1100_LOCAL)
    assert d.assignments and not d.fallback


def test_weekday_ranges_wrap_over_the_weekend():
    assert weekdays_of(["saturday:monday"]) == {5, 6, 0}
    assert weekdays_of([]) == set(range(7))
    assert weekdays_of(["tuesday", "thursday:friday"]) == {1, 3, 4}

from datetime import timedelta

from gridwatch.config.schema import PlansFile
from gridwatch.domain.plans import route_event

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

"""Dispatch-plan coverage: (event type x grid) pairs routed to a real unit by a plan."""

from gridwatch.config.schema import District, PlansFile
from gridwatch.domain.coverage import EventKind, coverage, district_coverage

GRIDS = [("g001", "c01"), ("g002", "c01"), ("g003", "c02")]
UNITS = frozenset({"brigade", "squad:sq-traffic", "squad:sq-market", "grid_force:c01"})


def tree(*routes: dict) -> PlansFile:
    return PlansFile.model_validate(
        {
            "route": {
                "id": "root",
                "receiver": "brigade",
                "verifier": "grid_leader",
                "deadlines": {"accept": "30m"},
                "routes": list(routes),
            },
            "time_intervals": [
                {"id": "market-hours", "times": [{"start": "06:00", "end": "10:00"}]}
            ],
        }
    )


def run(plans: PlansFile, kinds: list[EventKind], scenes=None):
    return coverage(plans.route, kinds, GRIDS, scenes or {}, UNITS, {})


LANE = EventKind("lane_occupation", "minor", ("ai",), "lane_occupation")


def test_sample_district_reaches_the_reported_coverage_with_its_one_known_gap(
    sample_district: District,
):
    c = district_coverage(sample_district)
    assert c.pairs == 122 * 22  # 15 algorithms' types and 7 reported types
    assert c.ratio >= 0.998
    assert [(g.event_type, g.grid, g.route_id) for g in c.gaps] == [
        ("heavy_truck_restricted", "g121", "root"),
        ("heavy_truck_restricted", "g122", "root"),
    ]


def test_a_type_without_a_plan_is_a_gap_in_every_grid():
    c = run(tree(), [LANE])
    assert (c.pairs, c.covered) == (3, 0)
    assert "falls to root" in c.gaps[0].reason


def test_a_plan_that_excludes_some_grids_leaves_exactly_those_as_gaps():
    lane = {
        "id": "lane",
        "matchers": ['event_type="lane_occupation"', 'grid!="g002"'],
        "receiver": "squad:sq-traffic",
    }
    c = run(tree(lane), [LANE])
    assert [g.grid for g in c.gaps] == ["g002"] and c.ratio == 2 / 3


def test_a_plan_naming_a_unit_that_does_not_exist_does_not_cover():
    lane = {
        "id": "lane",
        "matchers": ['event_type="lane_occupation"'],
        "receiver": "grid_force:{community}",
    }
    c = run(tree(lane), [LANE])
    assert [g.grid for g in c.gaps] == ["g003"]  # there is no grid force of c02 here
    assert "grid_force:c02, which does not exist" in c.gaps[0].reason


def test_every_source_and_scene_must_be_covered():
    noise = EventKind("noise", "minor", ("grid_leader", "citizen"))
    only_leaders = {
        "id": "noise",
        "matchers": ['event_type="noise"', 'source="grid_leader"'],
        "receiver": "squad:sq-traffic",
    }
    c = run(tree(only_leaders), [noise])
    assert c.covered == 0 and "from citizen" in c.gaps[0].reason
    lane_not_scenic = {
        "id": "lane",
        "matchers": ['event_type="lane_occupation"', 'scene!="scenic"'],
        "receiver": "squad:sq-traffic",
    }
    c = run(tree(lane_not_scenic), [LANE], scenes={"g001": {"scenic"}})
    assert [g.grid for g in c.gaps] == ["g001"] and "in scene scenic" in c.gaps[0].reason


def test_a_plan_active_only_in_a_time_window_is_a_gap_outside_it():
    vending = EventKind("street_vending", "minor", ("ai",), "street_vending")
    market_only = {
        "id": "vending",
        "matchers": ['event_type="street_vending"'],
        "receiver": "squad:sq-market",
        "active_time_intervals": ["market-hours"],
    }
    c = run(tree(market_only), [vending])
    assert c.covered == 0 and "outside its time windows" in c.gaps[0].reason
    with_fallback_parent = {
        "id": "vending",
        "matchers": ['event_type="street_vending"'],
        "receiver": "squad:sq-traffic",
        "routes": [market_only | {"id": "vending-market", "matchers": ['community="c01"']}],
    }
    assert run(tree(with_fallback_parent), [vending]).covered == 3

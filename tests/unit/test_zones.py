import numpy as np

from gridwatch.domain.detections import Detections, box_iou
from gridwatch.domain.zones import PolygonZone, points_in_polygon


def dets(*boxes: tuple[float, float, float, float]) -> Detections:
    n = len(boxes)
    return Detections(
        np.array(boxes, dtype=np.float32).reshape(n, 4),
        np.full(n, 0.5, dtype=np.float32),
        np.full(n, 2, dtype=np.int64),
    )


def test_points_inside_a_square_and_outside_it():
    square = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], dtype=np.float32)
    pts = np.array([[5, 5], [15, 5], [-1, -1], [9.9, 0.1]], dtype=np.float32)
    assert points_in_polygon(pts, square).tolist() == [True, False, False, True]


def test_concave_polygon_excludes_its_notch():
    # A "U": the notch in the middle top is outside.
    u = np.array([[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]], np.float32)
    pts = np.array([[0.5, 2], [1.5, 2], [2.5, 2], [1.5, 0.5]], dtype=np.float32)
    assert points_in_polygon(pts, u).tolist() == [True, False, True, True]


def test_zone_triggers_on_the_ground_point_not_the_box_centre():
    zone = PolygonZone.of("lane", [(0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0)])
    # Box whose centre is above the zone but whose bottom edge stands in it.
    d = dets((10, 20, 30, 60), (10, 10, 30, 40))
    assert zone.trigger(d, width=100, height=100).tolist() == [True, False]


def test_empty_detections_give_an_empty_mask():
    zone = PolygonZone.of("z", [(0, 0), (1, 0), (1, 1)])
    assert zone.trigger(Detections.empty(), 100, 100).shape == (0,)


def test_iou_of_identical_and_disjoint_boxes():
    a = np.array([[0, 0, 10, 10]], np.float32)
    b = np.array([[0, 0, 10, 10], [20, 20, 30, 30], [5, 0, 15, 10]], np.float32)
    iou = box_iou(a, b)
    assert np.allclose(iou, [[1.0, 0.0, 1 / 3]], atol=1e-6)


def test_a_box_cut_by_the_frame_edge_is_in_a_zone_drawn_to_that_edge():
    # A car filling the picture: its box ends at the bottom edge, where the zone ends too.
    zone = PolygonZone.of("lane", [(0.2, 0.6), (0.8, 0.6), (0.8, 1.0), (0.2, 1.0)])
    cut = dets((0, 10, 600, 482), (0, 10, 100, 482))  # the second's ground point is left of it
    assert zone.trigger(cut, 600, 482).tolist() == [True, False]


def test_zone_filters_drop_boxes_outside_their_class_bounds():
    from gridwatch.domain.detections import CLASS_ID
    from gridwatch.domain.object_filters import Bounds, ObjectFilters

    d = Detections(
        np.array(
            [
                [10, 10, 20, 40],  # a person: 10 wide, 30 tall (ratio 0.33, area 0.03)
                [40, 10, 70, 40],  # a "person" as wide as tall: a sign (ratio 1.0)
                [10, 50, 90, 99],  # a car of half the frame (ratio 1.6, area 0.39)
                [60, 60, 80, 70],  # a small car (area 0.02)
            ],
            np.float32,
        ),
        np.array([0.8, 0.9, 0.7, 0.3], np.float32),
        np.array([CLASS_ID["person"], CLASS_ID["person"], CLASS_ID["car"], CLASS_ID["car"]]),
    )
    filters = ObjectFilters.of(
        {"person": Bounds(max_ratio=0.8), "*": Bounds(min_area=0.05, min_score=0.5)}
    )
    assert filters.keep(d, 100, 100).tolist() == [True, False, True, False]
    zone = PolygonZone.of("all", [(0, 0), (1, 0), (1, 1), (0, 1)], filters)
    assert zone.trigger(d, 100, 100).tolist() == [True, False, True, False]
    assert PolygonZone.of("all", zone.polygon).trigger(d, 100, 100).all()  # no filters

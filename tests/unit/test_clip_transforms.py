"""Clip transforms: the labels move with the pixels, and the same spec gives the same picture."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gridwatch.config.schema import Zone
from gridwatch.detect.evaluate import Clip, LabelledEvent, transformed_clip
from gridwatch.detect.frame_transforms import apply_transforms
from gridwatch.domain.clip_transforms import (
    mirror_box,
    mirror_polygon,
    parse_transform,
    parse_transforms,
)
from tests.conftest import MEDIA


def test_mirror_flips_a_box_and_a_polygon_exactly():
    assert mirror_box((0.1, 0.2, 0.4, 0.5)) == pytest.approx((0.6, 0.2, 0.9, 0.5))
    polygon = [(0.0, 0.0), (0.25, 0.1), (0.25, 0.9), (0.0, 1.0)]
    assert mirror_polygon(polygon) == pytest.approx(
        [(1.0, 0.0), (0.75, 0.1), (0.75, 0.9), (1.0, 1.0)]
    )
    assert mirror_polygon(mirror_polygon(polygon)) == pytest.approx(polygon)


def test_the_mirrored_labels_cover_the_mirrored_pixels():
    # A white block at a labelled box: after the flip the block lies exactly at the flipped box.
    image = np.zeros((60, 100, 3), np.uint8)
    image[12:30, 10:40] = 255  # x 0.10-0.40, y 0.20-0.50
    clip = Clip(
        id="c",
        source="x.jpg",
        split="dev",
        scene="s",
        zones=[Zone(id="z", kind="lane", polygon=[(0.0, 0.0), (0.5, 0.0), (0.5, 1.0)],
                    direction=(1.0, 0.5))],
        events=[LabelledEvent(zone="z", start_s=0, end_s=5, box=(0.1, 0.2, 0.4, 0.5))],
    )  # fmt: skip
    flipped, transforms = transformed_clip(clip, parse_transforms(["mirror"]))
    picture = apply_transforms(image, transforms, 0)
    ys, xs = np.nonzero(picture[..., 0])
    box = flipped.events[0].box
    assert box == pytest.approx((0.6, 0.2, 0.9, 0.5))
    assert (xs.min() / 100, ys.min() / 60, (xs.max() + 1) / 100, (ys.max() + 1) / 60) == (
        pytest.approx(box)
    )
    assert flipped.zones[0].polygon == pytest.approx([(1.0, 0.0), (0.5, 0.0), (0.5, 1.0)])
    assert flipped.zones[0].direction == pytest.approx((-1.0, 0.5))
    # Mirrored twice is the original.
    again, _ = transformed_clip(flipped.model_copy(update={"transform": ["mirror"]}),
                                parse_transforms(["mirror"]))  # fmt: skip
    assert again == flipped.model_copy(update={"transform": ["mirror"]})


def test_the_same_spec_gives_the_same_pixels():
    image = cv2.imread(str(MEDIA / "dog.jpg"))
    specs = parse_transforms(["dusk", "rain:7", "jpeg:15", "scale:0.5"])
    a = apply_transforms(image, specs, 3)
    b = apply_transforms(image, specs, 3)
    assert a.shape == (image.shape[0] // 2, image.shape[1] // 2, 3)
    assert np.array_equal(a, b)
    # Rain falls: the next frame's streaks differ; another seed differs too.
    assert not np.array_equal(a, apply_transforms(image, specs, 4))
    other = parse_transforms(["dusk", "rain:8", "jpeg:15", "scale:0.5"])
    assert not np.array_equal(a, apply_transforms(image, other, 3))


def test_dusk_darkens_and_turns_the_picture_blue():
    image = cv2.imread(str(MEDIA / "dog.jpg"))
    dusk = apply_transforms(image, parse_transforms(["dusk"]), 0).astype(np.float32)
    assert dusk.mean() < 0.6 * image.mean()
    assert dusk.std() < 0.5 * image.astype(np.float32).std()
    b, g, r = (dusk[..., i].mean() for i in range(3))
    assert b > g > r


@pytest.mark.parametrize(
    "spec", ["mirror:2", "rain", "rain:-1", "jpeg:0", "jpeg:101", "scale:0", "scale:x", "fog"]
)
def test_a_bad_transform_spec_says_what_is_accepted(spec: str):
    with pytest.raises(ValueError, match="mirror, dusk, rain:SEED"):
        parse_transform(spec)


def test_specs_read_back_as_written():
    for spec in ("mirror", "dusk", "rain:7", "jpeg:15", "scale:0.5"):
        assert parse_transform(spec).spec == spec

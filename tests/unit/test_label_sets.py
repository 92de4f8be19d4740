"""Reading a labelled set: labels.yaml and clips-*.yaml merged, the split kept, and every problem
named file:line: field."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gridwatch.config.errors import ConfigError
from gridwatch.detect.evaluate import load_labels
from gridwatch.detect.evaluate_series import load_series_set
from tests.conftest import MEDIA, ROOT

HEAD = """\
algorithm: illegal_parking
params: {dwell_s: 20}
clips:
  - id: dog-dev
    source: dog.jpg
    split: dev
    scene: darknet-dog
    zones: [{id: kerb, kind: no_parking, polygon: [[0.5, 0.1], [1, 0.1], [1, 0.4]]}]
    events: [{zone: kerb, start_s: 0, end_s: 30}]
  - id: dog-test-mirrored
    source: dog.jpg
    split: test
    scene: darknet-dog
    transform: [mirror]
    zones: [{id: kerb, kind: no_parking, polygon: [[0.5, 0.1], [1, 0.1], [1, 0.4]]}]
"""
MORE = """\
# generated
- id: dog-composite
  source: dog.jpg
  split: test
  scene: darknet-dog
  origin: composited
  zones: [{id: kerb, kind: no_parking, polygon: [[0.5, 0.1], [1, 0.1], [1, 0.4]]}]
- id: dog-dev
  source: dog.jpg
  split: dev
  scene: darknet-dog
  zones: [{id: kerb, kind: no_parking, polygon: [[0.5, 0.1], [1, 0.1], [1, 0.4]]}]
"""


def write(directory: Path, name: str, text: str) -> Path:
    (directory / name).write_text(text, encoding="utf-8")
    if not (directory / "dog.jpg").exists():
        (directory / "dog.jpg").symlink_to(MEDIA / "dog.jpg")
    return directory


def rel(path: Path) -> str:
    return os.path.relpath(path)


def test_the_split_filter_keeps_the_clips_of_one_split(tmp_path: Path):
    write(tmp_path, "labels.yaml", HEAD)
    assert [c.id for c in load_labels(tmp_path, "dev").clips] == ["dog-dev"]
    assert [c.id for c in load_labels(tmp_path, "test").clips] == ["dog-test-mirrored"]
    assert len(load_labels(tmp_path).clips) == 2
    with pytest.raises(ValueError, match="use dev, test or all"):
        load_labels(tmp_path, "train")  # type: ignore[arg-type]


def test_clip_files_are_merged_and_a_duplicate_id_is_named_with_file_and_line(tmp_path: Path):
    write(tmp_path, "labels.yaml", HEAD)
    write(tmp_path, "clips-composited.yaml", MORE.split("- id: dog-dev")[0])
    merged = load_labels(tmp_path, "test")
    assert [(c.id, c.origin) for c in merged.clips] == [
        ("dog-test-mirrored", "real"),
        ("dog-composite", "composited"),
    ]
    write(tmp_path, "clips-composited.yaml", MORE)
    with pytest.raises(ConfigError) as e:
        load_labels(tmp_path)
    [issue] = e.value.issues
    assert str(issue) == (
        f"{rel(tmp_path / 'clips-composited.yaml')}:8: [1].id: duplicate id 'dog-dev' "
        f"(first at {rel(tmp_path / 'labels.yaml')}:4): ids are unique across labels.yaml and "
        "every clips-*.yaml of the set"
    )


def test_split_and_scene_are_required_and_a_bad_transform_is_named(tmp_path: Path):
    write(
        tmp_path, "labels.yaml", HEAD.replace("    split: dev\n", "").replace("[mirror]", "[fog]")
    )
    with pytest.raises(ConfigError) as e:
        load_labels(tmp_path)
    lines = [str(i) for i in e.value.issues]
    assert lines[0].endswith("labels.yaml:4: clips[0].split: Field required")
    assert "labels.yaml:13: clips[1].transform: unknown transform 'fog'" in lines[1]


def test_a_missing_source_is_named_and_a_missing_corpus_says_to_build_it(tmp_path: Path):
    write(tmp_path, "labels.yaml", HEAD)
    write(
        tmp_path,
        "clips-corpus.yaml",
        MORE.split("- id: dog-dev")[0].replace(
            "source: dog.jpg", f"source: {ROOT}/datasets/corpus/build/street/frame.jpg"
        ),
    )
    assert [c.id for c in load_labels(tmp_path, "dev").clips] == ["dog-dev"]  # not asked for
    with pytest.raises(ConfigError) as e:
        load_labels(tmp_path, "test")
    [issue] = e.value.issues
    assert (issue.file, issue.line, issue.path) == (
        rel(tmp_path / "clips-corpus.yaml"),
        3,
        "[0].source",
    )
    assert "no such file" in issue.message and "run `make corpus`" in issue.message
    write(tmp_path, "labels.yaml", HEAD.replace("source: dog.jpg", "source: dgo.jpg", 1))
    with pytest.raises(ConfigError) as e:
        load_labels(tmp_path, "dev")
    assert "labels.yaml:5: clips[0].source: dgo.jpg: no such file" in str(e.value)
    assert "make corpus" not in str(e.value)


def test_every_shipped_set_has_splits_and_scenes():
    for labels in sorted((ROOT / "datasets").glob("*/labels.yaml")):
        text = labels.read_text(encoding="utf-8")
        if "series:" in text:
            dev = load_series_set(labels.parent, "dev").series
            test = load_series_set(labels.parent, "test").series
            assert dev and test, labels
            assert not {s.scene for s in dev} & {s.scene for s in test}, labels
        else:
            clips = load_labels(labels.parent, check_sources=False).clips
            assert clips and all(c.scene for c in clips), labels

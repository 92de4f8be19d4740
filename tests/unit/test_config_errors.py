"""Config problems are reported as file:line: field: message, and the directory is rejected."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gridwatch.cli.main import app
from gridwatch.config.errors import ConfigError
from gridwatch.config.loader import counts, load_district
from tests.conftest import MINIMAL, SAMPLE


def copy_minimal(tmp_path: Path) -> Path:
    d = tmp_path / "cfg"
    shutil.copytree(MINIMAL, d)
    return d


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")


def errors_of(d: Path) -> list[str]:
    with pytest.raises(ConfigError) as e:
        load_district(d)
    return [str(i) for i in e.value.issues]


def test_sample_district_has_the_reported_structure():
    c = counts(load_district(SAMPLE))
    assert {
        k: c[k]
        for k in (
            "devices",
            "ai_devices",
            "algorithms",
            "grids",
            "communities",
            "squads",
            "grid_leaders",
            "scenes",
            "emergency_plans",
        )
    } == {
        "devices": 350,
        "ai_devices": 49,
        "algorithms": 15,
        "grids": 122,
        "communities": 12,
        "squads": 9,
        "grid_leaders": 122,
        "scenes": 2,
        "emergency_plans": 43,
    }
    assert c["dispatch_plans"] > 0


def test_minimal_config_loads():
    assert counts(load_district(MINIMAL))["devices"] >= 3


def test_polygon_with_two_points_names_file_line_and_field(tmp_path: Path):
    d = copy_minimal(tmp_path)
    devices = d / "devices.yaml"
    text = devices.read_text(encoding="utf-8")
    broken = re.sub(
        r"polygon: \[\[0\.8, 0\.03\][^\n]*", "polygon: [[0.8, 0.03], [1.0, 0.03]]", text, count=1
    )
    assert broken != text
    devices.write_text(broken, encoding="utf-8")
    line = line_of(devices, "polygon: [[0.8, 0.03], [1.0, 0.03]]")
    errs = errors_of(d)
    assert len(errs) == 1
    assert re.fullmatch(
        rf".*devices\.yaml:{line}: devices\[0\]\.zones\[0\]\.polygon: .*needs ≥3 points.*", errs[0]
    ), errs


def test_unknown_grid_names_file_line_and_field(tmp_path: Path):
    d = copy_minimal(tmp_path)
    devices = d / "devices.yaml"
    data = yaml.safe_load(devices.read_text(encoding="utf-8"))
    second = data["devices"][1]["id"]
    lines = devices.read_text(encoding="utf-8").splitlines()
    # Change the second device's grid line only.
    start = next(i for i, ln in enumerate(lines) if ln.strip() == f"- id: {second}")
    idx = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("grid: "))
    grid = lines[idx].split(":", 1)[1].strip()
    lines[idx] = lines[idx].replace(grid, "g999")
    devices.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errs = errors_of(d)
    assert any(
        e.startswith(f"{_rel(devices)}:{idx + 1}: devices[1].grid: unknown grid 'g999'")
        for e in errs
    ), errs


def test_duplicate_device_id_names_the_second_one(tmp_path: Path):
    d = copy_minimal(tmp_path)
    devices = d / "devices.yaml"
    data = yaml.safe_load(devices.read_text(encoding="utf-8"))
    first, second = data["devices"][0]["id"], data["devices"][1]["id"]
    text = devices.read_text(encoding="utf-8").replace(f"id: {second}", f"id: {first}", 1)
    devices.write_text(text, encoding="utf-8")
    line = [i for i, ln in enumerate(text.splitlines(), 1) if f"id: {first}" in ln][1]
    errs = errors_of(d)
    assert f"{_rel(devices)}:{line}: devices[1].id: duplicate device id '{first}'" in errs, errs


def test_unknown_key_and_yaml_syntax_errors(tmp_path: Path):
    d = copy_minimal(tmp_path)
    org = d / "organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    plans = d / "plans.yaml"
    plans.write_text("route: [unclosed\n", encoding="utf-8")
    errs = errors_of(d)
    assert any(
        "organisation.yaml" in e and "colour: Extra inputs are not permitted" in e for e in errs
    ), errs
    assert any("plans.yaml:2: (document): YAML syntax" in e for e in errs), errs


def test_bad_algorithm_parameter_is_checked_against_the_plugin_schema(tmp_path: Path):
    d = copy_minimal(tmp_path)
    algos = d / "algorithms.yaml"
    text = algos.read_text(encoding="utf-8")
    assert "dwell_s: 20" in text
    algos.write_text(text.replace("dwell_s: 20", "dwell_s: -5"), encoding="utf-8")
    line = line_of(algos, "dwell_s: -5")
    errs = errors_of(d)
    assert any(
        e.startswith(f"{_rel(algos)}:{line}: algorithms[0].params.dwell_s:") for e in errs
    ), errs


def _rel(p: Path) -> str:
    import os

    return os.path.relpath(p)


def test_zone_filters_load_and_a_bad_one_names_file_line_and_field(tmp_path: Path):
    d = copy_minimal(tmp_path)
    devices = d / "devices.yaml"
    text = devices.read_text(encoding="utf-8")
    good = "    polygon: [[0.8, 0.03], [0.95, 0.03], [0.95, 0.24], [0.8, 0.24]]\n"
    with_filters = good + "    filters:\n      car: {min_area: 0.01, max_ratio: 3.0}\n"
    devices.write_text(text.replace(good, with_filters, 1), encoding="utf-8")
    zone = load_district(d).cameras[0].zones[0]
    assert zone.filters["car"].min_area == 0.01 and zone.object_filters()
    bad = good + "    filters:\n      lorry: {min_area: 0.01}\n"
    devices.write_text(text.replace(good, bad, 1), encoding="utf-8")
    line = line_of(devices, "lorry")
    (err,) = errors_of(d)
    assert re.fullmatch(
        rf".*devices\.yaml:{line}: devices\[0\]\.zones\[0\]\.filters: .*unknown classes "
        r"\['lorry'\].*",
        err,
    ), err
    inverted = good + "    filters:\n      person: {min_ratio: 0.9, max_ratio: 0.5}\n"
    devices.write_text(text.replace(good, inverted, 1), encoding="utf-8")
    (err,) = errors_of(d)
    assert "min_ratio 0.9 exceeds max_ratio 0.5" in err, err


def check_config_output(d: Path) -> str:
    """What `gridwatch check-config` prints for a bad directory: it must fail cleanly."""
    result = CliRunner().invoke(app, ["check-config", str(d)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output


def test_file_that_is_not_utf8_names_file_and_line(tmp_path: Path):
    d = copy_minimal(tmp_path)
    plans = d / "plans.yaml"
    text = plans.read_bytes()
    plans.write_bytes(text + b"# caf\xe9\n")
    line = text.count(b"\n") + 1
    assert f"{_rel(plans)}:{line}: (document): not UTF-8: byte 0xe9" in check_config_output(d)


def test_duration_too_long_names_file_line_and_field(tmp_path: Path):
    d = copy_minimal(tmp_path)
    plans = d / "plans.yaml"
    plans.write_text(
        plans.read_text(encoding="utf-8").replace("repeat_every: 1h", "repeat_every: 99999999999d"),
        encoding="utf-8",
    )
    line = line_of(plans, "99999999999d")
    out = check_config_output(d)
    assert f"{_rel(plans)}:{line}: " in out and "99999999999d' is too long" in out, out

"""The responsibility list (权责清单): its size in the sample district, its link checks with
file:line errors, and the legal duty shown for an event type."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gridwatch.config.errors import ConfigError
from gridwatch.config.loader import counts, load_district
from gridwatch.config.schema import District
from gridwatch.enforcement.catalogue import (
    business_items_without_duty,
    enforcement_duty_for,
    legal_basis_for,
)
from tests.conftest import MINIMAL


def copy_minimal(tmp_path: Path) -> Path:
    d = tmp_path / "cfg"
    shutil.copytree(MINIMAL, d)
    return d


def errors_of(d: Path) -> list[str]:
    with pytest.raises(ConfigError) as e:
        load_district(d)
    return [str(i) for i in e.value.issues]


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in the file; return the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:at].count("\n") + 1


def rel(p: Path) -> str:
    return os.path.relpath(p)


def test_sample_district_carries_1770_duty_items_and_134_matters_without_dangling_links(
    sample_district: District,
):
    c = counts(sample_district)
    assert c["duty_items"] == 1770
    assert c["enforcement_matters"] == 134
    assert c["business_items"] == 22
    assert c["dangling_links"] == 0
    assert c["duty_links"] >= 1770
    r = sample_district.enforcement.responsibility
    assert r is not None
    # Every event type the district produces or routes is a business item with a duty item.
    produced = {a.id for a in sample_district.algorithms} | {"device_offline"}
    assert produced <= set(r.business)
    assert business_items_without_duty(r, ((t, t) for t in produced)) == []


def test_duty_item_naming_an_unknown_business_item_is_reported_with_file_and_line(
    tmp_path: Path,
):
    d = copy_minimal(tmp_path)
    duties = d / "responsibility" / "duty_items.yaml"
    line = replace_once(
        duties, "business_items: [lane_occupation]", "business_items: [lane_ocupation]"
    )
    errs = errors_of(d)
    assert any(
        e.startswith(f"{rel(duties)}:{line}: duty_items[0].business_items[0]: ")
        and "unknown business item 'lane_ocupation'" in e
        for e in errs
    ), errs


def test_business_item_without_a_duty_item_is_an_error_at_the_business_item(tmp_path: Path):
    d = copy_minimal(tmp_path)
    business = d / "responsibility" / "business_items.yaml"
    text = business.read_text(encoding="utf-8")
    business.write_text(
        text + "- {id: bridge_damage, name: 桥梁损坏, source: human, category: 基础设施}\n",
        encoding="utf-8",
    )
    line = len(text.splitlines()) + 1
    errs = errors_of(d)
    assert any(
        e.startswith(f"{rel(business)}:{line}: business_items[22].id: ")
        and "no duty item covers 'bridge_damage'" in e
        for e in errs
    ), errs


def test_unknown_enforcement_matter_and_squad_are_dangling_links(tmp_path: Path):
    d = copy_minimal(tmp_path)
    duties = d / "responsibility" / "duty_items.yaml"
    m_line = replace_once(duties, "enforcement_matter: ZF-0001", "enforcement_matter: ZF-0999")
    s_line = replace_once(duties, "squad: sq-traffic", "squad: sq-trafic")
    errs = errors_of(d)
    assert any(
        f"{rel(duties)}:{m_line}: duty_items[0].enforcement_matter: unknown enforcement matter" in e
        for e in errs
    ), errs
    assert any(
        f"{rel(duties)}:{s_line}: duty_items[0].squad: unknown squad 'sq-trafic'" in e for e in errs
    ), errs


def test_a_plan_naming_an_unknown_duty_item_is_reported_in_plans_yaml(tmp_path: Path):
    d = copy_minimal(tmp_path)
    plans = d / "plans.yaml"
    line = replace_once(
        plans,
        "    receiver: squad:sq-traffic\n",
        "    receiver: squad:sq-traffic\n    duty_items: [ZLS-JT-0001, ZLS-JT-9999]\n",
    )
    errs = errors_of(d)
    assert errs == [
        f"{rel(plans)}:{line + 1}: route.routes[0].duty_items[1]: unknown duty item 'ZLS-JT-9999'"
    ], errs


def test_a_responsibility_list_with_a_file_missing_is_rejected(tmp_path: Path):
    d = copy_minimal(tmp_path)
    (d / "responsibility" / "enforcement_matters.yaml").unlink()
    errs = errors_of(d)
    assert any("enforcement_matters.yaml:1: (file): missing file" in e for e in errs), errs


def test_district_without_enforcement_files_still_loads(tmp_path: Path):
    d = copy_minimal(tmp_path)
    shutil.rmtree(d / "responsibility")
    (d / "enterprises.yaml").unlink()
    (d / "enforcement.yaml").unlink()
    district = load_district(d)
    assert district.enforcement.responsibility is None
    assert "duty_items" not in counts(district)
    gaps = business_items_without_duty(None, [("lane_occupation", "机动车占道")])
    assert [g.event_type for g in gaps] == ["lane_occupation"]


def test_bad_credit_code_check_character_names_the_enterprise(tmp_path: Path):
    d = copy_minimal(tmp_path)
    ents = d / "enterprises.yaml"
    text = ents.read_text(encoding="utf-8")
    code = text.split("credit_code: ", 1)[1].split("\n", 1)[0]
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    line = replace_once(ents, f"credit_code: {code}", f"credit_code: {wrong}")
    errs = errors_of(d)
    assert len(errs) == 1
    assert errs[0].startswith(f"{rel(ents)}:{line}: enterprises[0].credit_code: ")
    assert "check character" in errs[0]


def test_lane_occupation_is_enforced_under_the_road_traffic_safety_law(
    sample_district: District,
):
    r = sample_district.enforcement.responsibility
    assert r is not None
    duty = enforcement_duty_for(r, "lane_occupation")
    assert duty is not None and duty.matter is not None
    assert duty.duty.role == "lead" and duty.duty.squad == "sq-traffic"
    assert "《中华人民共和国道路交通安全法》第五十六条" in duty.matter.violated
    assert duty.matter.procedure == "simple" and duty.matter.fine_max_yuan <= 200
    shown = legal_basis_for(r, "lane_occupation")
    assert shown[0].source == "catalogue" and "第五十六条" in str(shown[0])


def test_a_plans_own_duty_items_take_precedence(sample_district: District):
    r = sample_district.enforcement.responsibility
    assert r is not None
    code = next(d.code for d in r.duty_items if "《城市道路管理条例》" in d.legal_basis)
    shown = legal_basis_for(r, "lane_occupation", [code])
    assert [(x.duty.code, x.source) for x in shown] == [(code, "plan")]


def test_an_event_type_outside_the_catalogue_is_a_coverage_gap(sample_district: District):
    r = sample_district.enforcement.responsibility
    gaps = business_items_without_duty(r, [("drone_sighting", "无人机"), ("noise", "噪声扰民")])
    assert [(g.event_type, g.reason) for g in gaps] == [
        ("drone_sighting", "not in the responsibility list")
    ]

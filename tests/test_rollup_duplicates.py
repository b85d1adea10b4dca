"""Duplicate models across units: what must match, what must not, and that nothing is counted differently."""

from __future__ import annotations

import pytest

from benchmarks import duplicates as bench
from danvan_sheets.core.duplicates import (
    DEFAULT_THRESHOLD,
    Candidate,
    candidates_of,
    find_duplicates,
    name_key,
    same_model,
)
from danvan_sheets.core.reader import read_tab
from danvan_sheets.core.summary import build_report
from tests.helpers_forms import AS_OF, MANDATORY_CDS, MANDATORY_HP, campaign, model, seed_form, unit


def _c(name: str, unit_code: str, source: str = "Khối") -> Candidate:
    return Candidate(source, unit_code, f"Đơn vị {unit_code}", name)


@pytest.mark.parametrize(
    "a,b",
    [
        ("Chi bộ 5 tốt, đảng viên 5 tốt", "Chi bo 5 tot, dang vien 5 tot"),  # diacritics
        ("Xã bình yên, gia đình hòa thuận", "XÃ BÌNH YÊN, GIA ĐÌNH HÒA THUẬN"),  # case
        ("“Dân vận số”", "Dân vận số"),  # quotes
        ("„Dân vận số“", '"Dân vận số"'),  # the seed's other quotes
        ("Mô hình “Thắp sáng đường quê”", "Thắp sáng đường quê"),  # filler
        ("Mô hình dân vận khéo: Hũ gạo tình thương", "Hũ gạo tình thương"),  # filler + campaign name
        ("Xã bình yên, gia đình hoà thuận", "Xã bình yên - gia đình hòa thuận"),  # tone style, punctuation
        ("Nâng bước em đến truờng", "Nâng bước em đến trường"),  # a published typo
        ("Cải tạo vệ sinh môi trường ở nông thôn", "Cải tạo vệ sinh môi trường nông thôn"),  # a small word
        ("Vận động nhân dân lắp đặt camera an ninh", "Vận động nhân dân lắp đặt camera an nnh"),  # a mistyped letter
    ],
)
def test_names_that_are_one_model(a, b):
    assert same_model(a, b, DEFAULT_THRESHOLD)
    groups = find_duplicates([_c(a, "U1"), _c(b, "U2", source="Huyện Lục Yên")]).groups
    assert len(groups) == 1 and groups[0].units == 2
    assert [m.name for m in groups[0].members] == [a, b]


@pytest.mark.parametrize(
    "a,b",
    [
        ("Chi bộ số", "Dân vận số"),
        ("Chi bộ 5 tốt, đảng viên 5 tốt", "Chi bộ 4 tốt, đảng viên 4 tốt"),  # only the figures differ
        ("Dân vận khéo 1+10", "Dân vận khéo 2+5"),
        ("Cảnh sát thân thiện vì nhân dân phục vụ", "Chính quyền thân thiện vì nhân dân phục vụ"),
        ("Camera an ninh", "Vận động nhân dân lắp đặt camera an ninh"),  # one name inside the other
        ("Tuyến đường hoa kiểu mẫu", "Tuyến đường hoa và đường cờ hoa kiểu mẫu"),
        ("Hũ gạo tình thương", "Nồi cháo tình thương"),
        ("Mô hình dân vận khéo", "Dân vận khéo 1+10"),  # all filler is not "" for everyone
    ],
)
def test_names_that_must_not_match(a, b):
    assert not same_model(a, b, DEFAULT_THRESHOLD)
    assert find_duplicates([_c(a, "U1"), _c(b, "U2")]).groups == []


def test_filler_only_names_keep_their_words():
    assert name_key("Mô hình") == "mo hinh"
    assert name_key("“Mô hình Dân vận khéo”") == "dan van kheo"
    assert name_key("Mô hình “Chi bộ số”") == "chi bo so"


def test_one_units_repeats_are_not_a_cross_unit_duplicate():
    items = [_c("Dân vận số", "U1"), _c("DÂN VẬN SỐ", "U1"), _c("Chi bộ số", "U2")]
    assert find_duplicates(items).groups == []
    # The same unit code in two districts is two units.
    assert len(find_duplicates([_c("Dân vận số", "U1", "Huyện A"), _c("Dân vận số", "U1", "Huyện B")]).groups) == 1


def test_groups_gather_every_unit_and_score_each_member():
    items = [
        _c("Hũ gạo tình thương", "U1"),
        _c("Chi bộ số", "U2"),
        _c("HU GAO TINH THUONG", "U3"),
        _c("Hũ gạo tình thươngg", "U4"),
    ]
    [g] = find_duplicates(items).groups
    assert [m.unit_code for m in g.members] == ["U1", "U3", "U4"]
    assert g.scores[:2] == [100, 100] and DEFAULT_THRESHOLD <= g.scores[2] < 100
    assert find_duplicates(items, threshold=100).groups[0].units == 2  # only the exact ones at 100


def _report(rows_by_unit):
    units, readings = [], []
    for code, names in rows_by_unit.items():
        u = unit(code, f"Chi bộ {code}", "chi_bo_co_so", tab=code)
        units.append(u)
        grid = seed_form(u.name, {"kinh_te": [model(i + 1, n) for i, n in enumerate(names)]})
        readings.append((None, read_tab(code, grid, 2023)))
    return build_report(units, readings, campaign(), AS_OF)


def test_counted_models_only_and_the_mandatory_ones_left_out():
    report = _report(
        {
            "A": ["Dân vận số", MANDATORY_CDS, "Hũ gạo tình thương", MANDATORY_HP],
            "B": ["DÂN VẬN SỐ", MANDATORY_CDS.upper(), MANDATORY_HP],
            "C": ["Hũ gạo tình thương", f"“{MANDATORY_HP}”"],
        }
    )
    before = report.totals["all"]["models"], [v.models for v in report.units], [v.status for v in report.units]
    dups = find_duplicates(candidates_of("Khối", report.units))
    assert [[m.name for m in g.members] for g in dups.groups] == [
        ["Dân vận số", "DÂN VẬN SỐ"],
        ["Hũ gạo tình thương", "Hũ gạo tình thương"],
    ]
    # The two mandatory models, registered by every unit alike, are not duplicates.
    assert all(
        MANDATORY_CDS.lower() not in m.name.lower() and "hạnh phúc" not in m.name
        for g in dups.groups
        for m in g.members
    )
    assert dups.groups[0].members[0].cell == "B8"
    assert (
        report.totals["all"]["models"],
        [v.models for v in report.units],
        [v.status for v in report.units],
    ) == before


def test_the_chosen_threshold_is_where_the_benchmark_put_it():
    """The labelled set says 88 for rapidfuzz ratio: no more than 3 of ~1,000 different pairs matched,
    no more than 3 of ~400 same pairs missed. If the scorer or the keys change, this says so."""
    r = bench.confusion(bench.labelled(), bench.SCORERS["rapidfuzz ratio"], DEFAULT_THRESHOLD)
    assert r["fp"] <= 3 and r["fn"] <= 3
    assert r["tp"] + r["fn"] > 400 and r["fp"] + r["tn"] > 900

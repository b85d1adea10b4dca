"""Verdicts: what counts, the mandatory models, each status with its Vietnamese reasons."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from danvan_sheets.core.checks import evaluate, matches_mandatory
from danvan_sheets.core.model import FIELDS
from danvan_sheets.core.reader import read_tab
from danvan_sheets.core.summary import build_report
from danvan_sheets.core.text import fold
from tests.helpers_forms import AS_OF, HEADER, MANDATORY_CDS, MANDATORY_HP, YEAR, campaign, model, seed_form, unit

H = [h.strip() for h in HEADER]
KT, VH, QP, XD = FIELDS


def verdict(grid, type_="dang_bo_co_so", camp=None, as_of=AS_OF):
    return evaluate(unit(type_=type_), read_tab("x", grid, YEAR), camp or campaign(), as_of)


def full(*extra_kt, vh=(), mandatory=True):
    rows = {KT: list(extra_kt), VH: list(vh)}
    if mandatory:
        rows[XD] = [model(1, MANDATORY_CDS), model(2, MANDATORY_HP)]
    return seed_form("Đảng bộ Cục Thuế", rows)


def test_dat_with_quota_and_both_mandatory():
    v = verdict(full(model(1, "Vay vốn phát triển kinh tế"), vh=[model(1, "Thôn văn hóa")]))
    assert v.status == "dat" and v.reasons == []
    assert (v.models, v.required) == (2, 2)
    assert v.by_field == {KT: 1, VH: 1, QP: 0, XD: 0}  # the two mandatory rows are a separate target
    assert v.mandatory == {"chuyen_doi_so": True, "co_quan_hanh_phuc": True}


def test_counted_rule_error_mandatory_duplicate():
    grid = full(
        model(1, "Vay vốn"),
        model(2, "Camera an ninh", location=None),
        model(3, "Vay vốn"),
        vh=[model(1, "Thôn văn hóa")],
    )
    v = verdict(grid)
    assert [(e.name, e.counted) for e in v.entries] == [
        ("Vay vốn", True), ("Camera an ninh", False), ("Vay vốn", False),  # error, then duplicate
        ("Thôn văn hóa", True), (MANDATORY_CDS, False), (MANDATORY_HP, False),  # mandatory: separate target
    ]
    assert v.models == 2 and v.status == "dat"


def test_models_sum_quantity_and_by_field_adds_up():
    grid = full(model(1, "Vay vốn", quantity=3), vh=[model(1, "Thôn văn hóa", quantity="02")])
    v = verdict(grid)
    assert v.models == 5
    assert v.by_field == {KT: 3, VH: 2, QP: 0, XD: 0}
    assert sum(v.by_field.values()) == v.models


def test_count_rows_mode():
    grid = full(model(1, "Vay vốn", quantity=3), vh=[model(1, "Thôn văn hóa", quantity=2)])
    v = verdict(grid, camp=campaign(count="rows"))
    assert v.models == 2 and v.by_field == {KT: 1, VH: 1, QP: 0, XD: 0}


def test_quantity_two_meets_quota_alone():
    v = verdict(full(model(1, "Vay vốn", quantity=2)))
    assert v.status == "dat" and v.models == 2


@pytest.mark.parametrize(
    "name",
    [
        "chuyen doi so trong chi bo",
        "CHUYỂN ĐỔI SỐ",
        "Ứng dụng chuyển  đổi\u00a0số",
        "Lãnh đạo thực hiện chuyển đổi số trong Đảng bộ Khối CQ&DN tỉnh",
    ],
)
def test_chuyen_doi_so_matched_diacritics_insensitively(name):
    m = campaign().mandatory[0]
    assert matches_mandatory(name, m)


@pytest.mark.parametrize("name, expected", [
    ("Xây dựng cơ quan hạnh phúc", True),
    ("Doanh nghiệp hạnh phúc", True),
    ("don vi hanh phuc", True),
    ("Tuyên truyền, đẩy mạnh phong trào xây dựng “Cơ quan, đơn vị, doanh nghiệp hạnh phúc”", True),
    ("Gia đình hạnh phúc", False),  # hạnh phúc alone is not the Khối model
    ("Cơ quan văn hóa", False),
    ("Nâng cao chỉ số hạnh phúc cho nhân dân", False),
])
def test_co_quan_hanh_phuc_needs_both(name, expected):
    assert matches_mandatory(name, campaign().mandatory[1]) is expected


def test_mandatory_missing_gives_chua_dat_with_reason():
    grid = seed_form(
        "x", {KT: [model(1, "Vay vốn"), model(2, "Camera an ninh"), model(3, "chuyen doi so trong chi bo")]}
    )
    v = verdict(grid)
    assert v.status == "chua_dat" and v.models == 2
    assert v.mandatory == {"chuyen_doi_so": True, "co_quan_hanh_phuc": False}
    assert len(v.reasons) == 1 and "hạnh phúc" in v.reasons[0] and "Chưa đăng ký" in v.reasons[0]


def test_mandatory_row_with_an_error_is_not_found():
    grid = seed_form("x", {KT: [model(1, "Vay vốn"), model(2, "Camera an ninh")],
                           XD: [model(1, MANDATORY_CDS, scale=None), model(2, MANDATORY_HP)]})
    v = verdict(grid)
    assert v.status == "chua_dat"
    assert v.mandatory["chuyen_doi_so"] is False
    row = next(e.row for e in v.entries if e.mandatory == "chuyen_doi_so")
    assert len(v.reasons) == 1 and f"F{row}" in v.reasons[0] and "lỗi" in v.reasons[0]


def test_too_few_models_reason():
    v = verdict(full(model(1, "Vay vốn")))
    assert v.status == "chua_dat" and (v.models, v.required) == (1, 2)
    assert "1/2" in v.reasons[0] and "cần thêm 1" in v.reasons[0]


def test_rows_with_errors_reported_when_short():
    v = verdict(full(model(1, "Vay vốn"), model(2, "Camera an ninh", quantity="x")))
    assert v.status == "chua_dat" and v.models == 1
    row = next(e.row for e in v.entries if e.name == "Camera an ninh")
    assert any(str(row) in r and "lỗi" in r for r in v.reasons)


@pytest.mark.parametrize("type_, required", [("dang_bo_co_so", 2), ("chi_bo_co_so", 1), ("doan_the", 2)])
def test_quota_per_unit_type(type_, required):
    one = verdict(full(model(1, "Vay vốn")), type_=type_)
    assert one.required == required
    assert one.status == ("dat" if required == 1 else "chua_dat")
    two = verdict(full(model(1, "Vay vốn"), model(2, "Camera an ninh")), type_=type_)
    assert two.status == "dat"


def test_effective_from_in_future_means_not_required():
    m = campaign().mandatory
    later = dataclasses.replace(m[1], effective_from=dt.date(2023, 9, 1))
    camp = dataclasses.replace(campaign(), mandatory=(m[0], later))
    grid = seed_form("x", {KT: [model(1, "Vay vốn"), model(2, "Camera an ninh")], XD: [model(1, MANDATORY_CDS)]})
    before = verdict(grid, camp=camp, as_of=dt.date(2023, 5, 2))
    assert before.status == "dat" and before.reasons == []
    after = verdict(grid, camp=camp, as_of=dt.date(2023, 9, 1))
    assert after.status == "chua_dat" and "hạnh phúc" in after.reasons[0]


def test_mandatory_counts_toward_minimum():
    grid = seed_form("x", {KT: [model(1, "Vay vốn")], XD: [model(1, MANDATORY_CDS), model(2, MANDATORY_HP)]})
    assert verdict(grid).status == "chua_dat"
    v = verdict(grid, camp=campaign(mandatory_counts_toward_minimum=True))
    assert v.status == "dat" and v.models == 3
    assert v.by_field == {KT: 1, VH: 0, QP: 0, XD: 2}


def test_chua_dang_ky_without_tab():
    v = evaluate(unit(), None, campaign(), AS_OF)
    assert v.status == "chua_dang_ky" and v.tab is None and v.models == 0
    assert v.reasons and "Chưa có trang" in v.reasons[0]


def test_chua_dang_ky_for_empty_template():
    v = verdict(seed_form("Đảng bộ Cục Thuế", {}))
    assert v.status == "chua_dang_ky" and v.entries == [] and v.problems == []
    assert fold("chưa có mô hình") in fold(v.reasons[0])


def test_chua_dang_ky_for_tab_without_header():
    v = verdict([["Danh sách cán bộ"], ["Nguyễn Văn A"]])
    assert v.status == "chua_dang_ky"
    assert [p.code for p in v.problems] == ["missing_header"]
    assert "tiêu đề" in v.reasons[0]


def test_errors_only_tab_is_chua_dat_not_chua_dang_ky():
    # Rows were written, they just have errors: the unit did register, it must fix them.
    v = verdict(seed_form("x", {KT: [model(1, "Vay vốn", location=None)]}))
    assert v.status == "chua_dat" and v.models == 0


def test_report_totals_by_type_and_unknown_tabs():
    ok = full(model(1, "Vay vốn"), model(2, "Camera an ninh"))
    short = full(model(1, "Vay vốn"))
    units = [unit("DB1", "Đảng bộ Cục Thuế"), unit("DB2", "Đảng bộ Tòa án Nhân dân tỉnh"),
             unit("CB1", "Chi bộ Bia", "chi_bo_co_so"), unit("DT1", "Đoàn Khối", "doan_the")]
    readings = [
        (None, read_tab(t, g, YEAR))
        for t, g in [
            ("DB1", ok),
            ("đảng bộ tòa án nhân dân tỉnh", short),
            ("CB1", short),
            ("Tờ nháp", ok),
            ("Tổng hợp", []),
        ]
    ]
    report = build_report(units, readings, campaign(), AS_OF)
    assert [v.status for v in report.units] == ["dat", "chua_dat", "dat", "chua_dang_ky"]
    assert report.unknown_tabs == ["Tờ nháp"]
    t = report.totals
    db = t["by_type"]["dang_bo_co_so"]
    assert (db["units"], db["dat"], db["chua_dat"], db["chua_dang_ky"], db["percent_dat"], db["models"]) == (
        2,
        1,
        1,
        0,
        50.0,
        3,
    )
    assert t["by_type"]["chi_bo_co_so"]["dat"] == 1 and t["by_type"]["doan_the"]["chua_dang_ky"] == 1
    assert t["all"]["units"] == 4 and t["all"]["models"] == 4 and t["all"]["percent_dat"] == 50.0
    assert sum(t["all"]["by_field"].values()) == t["all"]["models"]


def test_reasons_are_vietnamese():
    for v in (verdict(full(model(1, "Vay vốn"), mandatory=False)), evaluate(unit(), None, campaign(), AS_OF)):
        assert v.reasons and all(any(c in r for c in "ăâđêôơưạảấầẩậắằếềểệịọỏốồổộớờởợụủứừửữự") for r in v.reasons)

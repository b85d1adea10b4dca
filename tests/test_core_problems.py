"""Every problem code: its A1 cell, its severity, and a Vietnamese message saying what to write."""

from __future__ import annotations

import re

import pytest

from danvan_sheets.core import legacy
from danvan_sheets.core.checks import evaluate
from danvan_sheets.core.reader import read_tab
from danvan_sheets.core.text import fold
from tests.helpers_forms import AS_OF, HEADER, YEAR, campaign, model, unit

H = [h.strip() for h in HEADER]
VIET = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)


def read(*models, section=("I", "Kinh tế")):
    return read_tab("x", [H, list(section), *models], YEAR)


def only(reading):
    assert len(reading.problems) == 1, [(p.code, p.cell) for p in reading.problems]
    return reading.problems[0]


def assert_good_message(p):
    assert VIET.search(p.message), p.message
    assert re.search(r"\b(hay|nen|kiem tra)\b", fold(p.message)), p.message  # tells what to do


@pytest.mark.parametrize(
    "row, code, severity, cell",
    [
        (model(1, "Vay vốn", quantity=None), "missing_quantity", "warning", "C3"),
        (model(1, "Vay vốn", quantity="  "), "missing_quantity", "warning", "C3"),
        (model(1, "Vay vốn", quantity="abc"), "invalid_quantity", "error", "C3"),
        (model(1, "Vay vốn", quantity=0), "invalid_quantity", "error", "C3"),
        (model(1, "Vay vốn", quantity=-1), "invalid_quantity", "error", "C3"),
        (model(1, "Vay vốn", quantity=1.5), "invalid_quantity", "error", "C3"),
        (model(1, "Vay vốn", quantity="hai"), "invalid_quantity", "error", "C3"),
        (model(1, "Vay vốn", quantity=True), "invalid_quantity", "error", "C3"),
        (model(1, "Vay vốn", location=None), "missing_location", "error", "E3"),
        (model(1, "Vay vốn", location=" \u00a0"), "missing_location", "error", "E3"),
        (model(1, "Vay vốn", scale="Nhóm"), "invalid_scale", "error", "F3"),
        (model(1, "Vay vốn", scale=None), "missing_scale", "error", "F3"),
        (model(1, "Vay vốn", build=None), "missing_period", "error", "D3"),
        (model(1, "Vay vốn", done="sắp tới"), "invalid_period", "error", "G3"),
        (model(1, "Vay vốn", build="Tháng 5"), "missing_year", "warning", "D3"),
        (model(1, "Vay vốn", done="Tháng 1/2024"), "outside_year", "warning", "G3"),
        (model(1, "Vay vốn", build="Tháng 10/2023", done="Tháng 6/2023"), "completion_before_build", "error", "G3"),
        ([7, None, 2, "5/2023", "Phòng A", "Tập thể", "12/2023"], "missing_name", "error", "B3"),
    ],
)
def test_problem_code_cell_and_severity(row, code, severity, cell):
    r = read(row)
    p = only(r)
    assert (p.code, p.severity, p.cell, p.tab) == (code, severity, cell, "x")
    assert_good_message(p)


@pytest.mark.parametrize("value, expected", [("01", 1), ("1.0", 1), (2, 2), (2.0, 2), (" 3 ", 3), ("1,0", 1)])
def test_quantity_accepted_forms(value, expected):
    r = read(model(1, "Vay vốn", quantity=value))
    assert r.problems == []
    assert r.entries[0].quantity == expected


def test_missing_quantity_counts_one():
    r = read(model(1, "Vay vốn", quantity=None))
    e = r.entries[0]
    assert e.quantity == 1 and not e.has_error
    v = evaluate(unit(type_="chi_bo_co_so"), r, campaign(), AS_OF)
    assert v.models == 1


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Cá nhân", "ca_nhan"),
        ("tập thể", "tap_the"),
        ("TẬP THỂ", "tap_the"),
        ("Cá nhân và tập thể", "ca_nhan"),
        ("Tap the", "tap_the"),
        ("Tập thể chi bộ", "tap_the"),
    ],
)
def test_scale_values(value, expected):
    r = read(model(1, "Vay vốn", scale=value))
    assert r.problems == [] and r.entries[0].scale == expected


def test_invalid_quantity_message_quotes_the_value():
    p = only(read(model(1, "Vay vốn", quantity="hai mô hình")))
    assert "hai mô hình" in p.message and "1, 2, 3" in p.message


def test_problem_row_and_column_and_value():
    p = only(read(model(1, "Vay vốn", scale="Nhóm")))
    assert (p.row, p.column, p.value) == (3, "F", "Nhóm")


def test_duplicate_model_on_later_row_counted_once():
    r = read(
        model(1, "Camera an ninh"), model(2, "Thôn văn hóa"), model(3, "CAMERA  AN NINH"), model(4, "Camera an ninh.")
    )
    v = evaluate(unit(), r, campaign(), AS_OF)
    dups = [p for p in v.problems if p.code == "duplicate_model"]
    assert [(p.cell, p.severity) for p in dups] == [("B5", "warning"), ("B6", "warning")]
    assert_good_message(dups[0])
    assert "CAMERA AN NINH" in dups[0].message  # the later row's name, spaces collapsed
    assert v.models == 2
    assert [e.counted for e in v.entries] == [True, True, False, False]


def test_duplicate_after_normalisation_nfd_and_diacritics_case():
    import unicodedata

    r = read(model(1, "Thôn văn hóa"), model(2, unicodedata.normalize("NFD", "Thôn văn hoá")))
    v = evaluate(unit(), r, campaign(), AS_OF)
    assert [p.code for p in v.problems] == ["duplicate_model"]
    assert v.models == 1


def test_missing_field_when_no_section_before_models():
    r = read_tab("x", [H, model(1, "Vay vốn")], YEAR)
    p = only(r)
    assert (p.code, p.severity, p.cell) == ("missing_field", "error", "B2")
    assert_good_message(p)
    assert r.entries[0].has_error


def test_missing_field_points_at_the_blank_field_cell_when_the_form_has_that_column():
    head = [
        "Stt",
        "Lĩnh vực",
        "Tên mô hình",
        "Số lượng",
        "Thời gian xây dựng",
        "Địa điểm triển khai",
        "Quy mô thực hiện",
        "Thời gian hoàn thành",
    ]
    r = read_tab("x", [head, [1, "", "Vay vốn", 1, "5/2023", "P", "Tập thể", "12/2023"]], YEAR)
    p = only(r)
    assert (p.code, p.cell) == ("missing_field", "B2")  # the Lĩnh vực cell to fill, not the name


def test_one_stray_cell_far_to_the_right_does_not_widen_every_row():
    grid = [["Ghi chép"] + [None] * 16000 + ["x"], H, ["I", "Kinh tế"], model(1, "Vay vốn"), model(2, "Camera an ninh")]
    r = read_tab("x", grid, YEAR)
    assert [e.name for e in r.entries] == ["Vay vốn", "Camera an ninh"] and r.problems == []
    assert max(len(e.source_row) for e in r.entries) <= len(H) + 1


def test_invalid_field_in_field_column():
    head = [
        "Stt",
        "Lĩnh vực",
        "Tên mô hình",
        "Số lượng",
        "Thời gian xây dựng",
        "Địa điểm triển khai",
        "Quy mô thực hiện",
        "Thời gian hoàn thành",
    ]
    r = read_tab("x", [head, [1, "Thể thao", "Vay vốn", 1, "5/2023", "P", "Tập thể", "12/2023"]], YEAR)
    p = only(r)
    assert (p.code, p.severity, p.cell) == ("invalid_field", "error", "B2")
    assert "Thể thao" in p.message
    assert_good_message(p)


def test_missing_header_message():
    p = only(read_tab("x", [["Báo cáo"], ["abc", 1]], YEAR))
    assert (p.code, p.severity, p.cell) == ("missing_header", "error", "A1")
    assert_good_message(p)


def test_missing_column_makes_rows_uncounted():
    # The form lost its "Quy mô thực hiện" column: rows are read but cannot count.
    head = ["Stt", "Tên mô hình", "Số lượng", "Thời gian xây dựng", "Địa điểm triển khai", "Thời gian hoàn thành"]
    r = read_tab("x", [head, ["I", "Kinh tế"], [1, "Vay vốn", 1, "5/2023", "P", "12/2023"]], YEAR)
    assert [(p.code, p.severity, p.cell) for p in r.problems] == [("missing_column", "error", "B1")]
    assert "Quy mô thực hiện" in r.problems[0].message
    assert_good_message(r.problems[0])
    assert r.entries[0].has_error


def test_legacy_encoding_warning():
    r = read(model(1, legacy.encode("Cải tạo vệ sinh môi trường nông thôn", "tcvn3")))
    p = only(r)
    assert (p.code, p.severity, p.cell) == ("legacy_encoding", "warning", "B3")
    assert_good_message(p)


def test_one_legacy_warning_per_tab_even_with_many_legacy_columns():
    enc = lambda s: legacy.encode(s, "tcvn3")  # noqa: E731
    rows = [[i, enc(n), 1, enc("Tháng 5/2023"), enc("Phòng Tổng hợp"), enc("Tập thể"), enc("Tháng 12/2023")]
            for i, n in enumerate(["Cải tạo phong tục tập quán lạc hậu", "Chi bộ 5 tốt, đảng viên 5 tốt"], 1)]
    r = read(*rows)
    assert [p.code for p in r.problems] == ["legacy_encoding"]


def test_several_problems_on_one_row_each_with_its_cell():
    r = read([1, "Vay vốn", "x", None, None, "?", "Tháng 5"])
    assert sorted((p.cell, p.code) for p in r.problems) == [
        ("C3", "invalid_quantity"),
        ("D3", "missing_period"),
        ("E3", "missing_location"),
        ("F3", "invalid_scale"),
        ("G3", "missing_year"),
    ]
    for p in r.problems:
        assert_good_message(p)


@pytest.mark.parametrize("value, expected", [("1 mô hình", 1), ("02 (hai)", 2), ("01 MH", 1), ("1 (một)", 1),
                                             ("3 mô hình (ba)", 3)])
def test_a_quantity_written_with_its_unit_or_its_word_counts(value, expected):
    r = read(model(1, "Vay vốn", quantity=value))
    assert r.problems == [] and r.entries[0].quantity == expected


@pytest.mark.parametrize("value", ["02 (ba)", "hai", "1 mô hình mới", "2 (02)"])
def test_a_quantity_whose_words_disagree_or_with_no_figure_is_still_invalid(value):
    assert only(read(model(1, "Vay vốn", quantity=value))).code == "invalid_quantity"

"""Merged cells, core side: Tab.merges fill the covered cells before the reader sees the grid (issue 12).

Tabs are built by hand here; the sources' own tests check that xlsx, dir: and Google deliver the ranges.
Ranges are 0-based, half-open (start_row, end_row, start_col, end_col), as the Sheets API's GridRange.
"""

from __future__ import annotations

from danvan_sheets.core.merges import fill_merges
from danvan_sheets.core.reader import read_tab, read_tabs
from danvan_sheets.grid import Tab
from tests.helpers_forms import HEADER, YEAR, model

H = [h.strip() for h in HEADER]
KT, VH = "kinh_te", "van_hoa_xa_hoi"
# Columns of the seed's form: A Stt, B name, C quantity, D build, E location, F scale, G done.
B, C, D, E, F, G = 1, 2, 3, 4, 5, 6


def test_place_scale_and_completion_merged_down_over_three_models():
    grid = [H, ["I", "Lĩnh vực phát triển kinh tế"],
            [1, "Vay vốn phát triển kinh tế", 1, "Tháng 5/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023"],
            [2, "Camera an ninh", 1, "Tháng 6/2023", None, None, None],
            [3, "Chi bộ số", 1, "Tháng 7/2023"]]
    r = read_tab("Gộp", grid, YEAR, [(2, 5, E, E + 1), (2, 5, F, F + 1), (2, 5, G, G + 1)])
    assert [(e.name, e.location, e.scale, e.done.to_dict()["to"]) for e in r.entries] == [
        ("Vay vốn phát triển kinh tế", "Toàn cơ quan", "tap_the", "2023-12"),
        ("Camera an ninh", "Toàn cơ quan", "tap_the", "2023-12"),
        ("Chi bộ số", "Toàn cơ quan", "tap_the", "2023-12"),
    ]
    assert r.problems == []
    # The entry knows where its merged values are written.
    assert r.entries[2].cells["location"] == "E3" and r.entries[2].cells["name"] == "B5"


def test_the_same_grid_without_its_merges_is_what_units_were_flagged_for():
    grid = [
        H,
        ["I", "Kinh tế"],
        model(1, "Vay vốn", location="Toàn cơ quan"),
        [2, "Chi bộ số", 1, "Tháng 6/2023", None, "Tập thể", "12/2023"],
    ]
    assert [p.code for p in read_tab("x", grid, YEAR).problems] == ["missing_location"]
    assert read_tab("x", grid, YEAR, [(2, 4, E, E + 1)]).problems == []


def test_a_problem_about_a_merged_value_points_at_the_top_left_cell():
    grid = [H, ["I", "Kinh tế"], [1, "Vay vốn", 1, "Tháng 5/2023", "Phòng A", "Toàn thể", "Quý IV/2023"],
            [2, "Chi bộ số", 1, "Tháng 6/2023", "Phòng B"]]
    r = read_tab("x", grid, YEAR, [(2, 4, F, F + 1), (2, 4, G, G + 1)])
    assert [(p.code, p.cell, p.row, p.column) for p in r.problems] == [
        ("invalid_scale", "F3", 3, "F"),
        ("invalid_scale", "F3", 4, "F"),
    ]
    assert [e.has_error for e in r.entries] == [True, True]


def test_a_section_title_merged_across_the_row_is_one_section():
    grid = [
        H,
        ["I. LĨNH VỰC PHÁT TRIỂN KINH TẾ"],
        model(1, "Vay vốn"),
        [None, "II. Lĩnh vực văn hóa - xã hội"],
        model(1, "Thôn văn hóa"),
    ]
    r = read_tab("x", grid, YEAR, [(1, 2, 0, 7), (3, 4, 1, 7)])
    assert [(e.field, e.name) for e in r.entries] == [(KT, "Vay vốn"), (VH, "Thôn văn hóa")]
    assert [(s.row, s.reason) for s in r.skipped_rows] == [(1, "header"), (2, "section"), (4, "section")]
    assert r.problems == []


def test_a_merge_crossing_a_section_boundary_fills_the_models_on_both_sides():
    grid = [H, ["I", "Lĩnh vực phát triển kinh tế"],
            [1, "Vay vốn", 1, "Tháng 5/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023"],
            [2, "Mô hình…."],
            ["II", "Lĩnh vực văn hóa - xã hội"],
            [1, "Thôn văn hóa", 1, "Tháng 6/2023"]]
    # Place, scale and completion merged from row 3 down to row 6, over a placeholder and section II's title.
    r = read_tab("x", grid, YEAR, [(2, 6, E, E + 1), (2, 6, F, F + 1), (2, 6, G, G + 1)])
    assert [(e.field, e.name, e.location, e.scale) for e in r.entries] == [
        (KT, "Vay vốn", "Toàn cơ quan", "tap_the"), (VH, "Thôn văn hóa", "Toàn cơ quan", "tap_the")]
    # The placeholder under the merge has nothing of its own: no missing_name, still set aside.
    assert [(s.row, s.reason) for s in r.skipped_rows] == [
        (1, "header"),
        (2, "section"),
        (4, "placeholder"),
        (5, "section"),
    ]
    assert r.problems == []


def test_a_name_merged_down_over_a_section_row_does_not_make_it_a_model():
    grid = [H, ["I", "Kinh tế"], model(1, "Vay vốn"), ["II", None, None], model(1, "Thôn văn hóa")]
    r = read_tab("x", grid, YEAR, [(2, 4, B, B + 1)])
    assert [(e.field, e.name, e.row) for e in r.entries] == [(KT, "Vay vốn", 3), (VH, "Thôn văn hóa", 5)]


def test_a_row_holding_only_the_tail_of_a_merge_is_blank():
    grid = [H, ["I", "Kinh tế"], model(1, "Vay vốn"), [None, None, None, None, None]]
    r = read_tab("x", grid, YEAR, [(2, 4, E, E + 1)])
    assert [e.name for e in r.entries] == ["Vay vốn"]
    assert [(s.row, s.reason) for s in r.skipped_rows] == [(1, "header"), (2, "section"), (4, "blank")]


def test_a_name_merged_across_the_quantity_column_leaves_the_quantity_blank():
    grid = [H, ["I", "Kinh tế"], [1, "Vay vốn", None, "Tháng 5/2023", "Phòng A", "Tập thể", "Quý IV/2023"]]
    r = read_tab("x", grid, YEAR, [(2, 3, B, C + 1)])
    assert [(e.name, e.quantity) for e in r.entries] == [("Vay vốn", 1)]
    assert [(p.code, p.cell) for p in r.problems] == [("missing_quantity", "B3")]


def test_read_tabs_takes_the_merges_from_the_tab():
    grid = [
        H,
        ["I", "Kinh tế"],
        model(1, "Vay vốn", location="Toàn cơ quan"),
        [2, "Chi bộ số", 1, "5/2023", None, "Tập thể", "12/2023"],
    ]
    [(tab, reading)] = read_tabs([Tab("x", grid, merges=[(2, 4, E, E + 1)])], YEAR)
    assert [e.location for e in reading.entries] == ["Toàn cơ quan", "Toàn cơ quan"]
    assert grid[3][E] is None  # the source's grid is not changed


def test_ranges_beyond_the_grid_or_malformed_are_cut_or_ignored():
    rows = [["a", "b"], ["c"]]
    anchors = fill_merges(rows, [(0, 1000, 0, 1), (5, 6, 0, 2), (1, 0, 0, 1), ("x", 1, 0, 1), None, (0, 1, 1, 3)])
    assert rows == [["a", "b", "b"], ["a"]]
    assert anchors == {(1, 0): (0, 0), (0, 2): (0, 1)}


def test_a_roman_numeral_merged_across_the_name_cell_is_a_section_not_a_model():
    grid = [H, ["I", None], model(1, "Vay vốn"), ["II"], model(1, "Thôn văn hóa")]
    r = read_tab("x", grid, YEAR, [(1, 2, 0, 2), (3, 4, 0, 7)])
    assert [(e.field, e.name) for e in r.entries] == [(KT, "Vay vốn"), (VH, "Thôn văn hóa")]
    assert [(s.row, s.reason) for s in r.skipped_rows] == [(1, "header"), (2, "section"), (4, "section")]
    assert r.problems == []


def test_a_skipped_row_merged_across_says_its_text_once():
    grid = [["Đơn vị: Chi bộ A"], H, ["I", "Kinh tế"], model(1, "Vay vốn"), ["Ghi chú: ghi rõ tháng"]]
    r = read_tab("x", grid, YEAR, [(0, 1, 0, 7), (4, 5, 0, 7)])
    assert [(s.row, s.text) for s in r.skipped_rows if s.row in (1, 5)] == [
        (1, "Đơn vị: Chi bộ A"),
        (5, "Ghi chú: ghi rõ tháng"),
    ]

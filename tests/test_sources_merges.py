"""Every source delivers the merged ranges of the form (Tab.merges, 0-based half-open, in the
coordinates of the rows), the top-left value in its cell and nothing in the covered ones:
.xlsx (written by openpyxl and the way Excel writes), .xls, .ods, .docx in a folder, and Google."""

from __future__ import annotations

from pathlib import Path

import pytest

from danvan_sheets.config import load_settings
from danvan_sheets.sources import parse_spec
from danvan_sheets.sources.directory import read_directory
from danvan_sheets.sources.xlsx import read_workbook
from tests.helpers_files import write_docx, write_ods, write_xls, write_xlsx_merged, write_xlsxwriter
from tests.helpers_forms import HEADER, model, row_of, seed_form

CONFIG = str(Path(__file__).resolve().parents[1] / "config" / "danvan.toml")
LOC, SCALE = 4, 5  # Địa điểm triển khai, Quy mô thực hiện


def merged_form() -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    """Three models under one place and one scale typed once and merged down; a section title
    merged across the row; a vertical merge that runs from the last model of a field into the
    next section's title row (clerks do that)."""
    names = ["Vay vốn", "Camera an ninh", "Nhà văn hóa"]
    rows = seed_form("Đảng bộ Cục Thuế", {"kinh_te": [model(i, n) for i, n in enumerate(names, 1)],
                                          "van_hoa_xa_hoi": [model(1, "Thư viện")]}, with_placeholders=False)
    top = row_of(rows, "Vay vốn") - 1  # 0-based
    for r in (top + 1, top + 2):
        rows[r][LOC] = rows[r][SCALE] = None
    rows[top][LOC], rows[top][SCALE] = "Hội trường cơ quan", "Tập thể"
    section = top - 1  # "I. Lĩnh vực kinh tế", merged across the whole form
    rows[section][2:] = [None] * (len(rows[section]) - 2)
    crossing = top + 2
    rows[crossing + 1][6] = None
    merges = [(top, top + 3, LOC, LOC + 1), (top, top + 3, SCALE, SCALE + 1), (section, section + 1, 1, 7),
              (crossing, crossing + 2, 6, 7)]
    return rows, sorted(merges)


def _check(tab, rows, merges):
    assert tab.merges == merges
    for r0, r1, c0, c1 in merges:
        assert tab.rows[r0][c0] == rows[r0][c0], (r0, c0)
        for r in range(r0, r1):
            for c in range(c0, c1):
                if (r, c) != (r0, c0):
                    assert c >= len(tab.rows[r]) or tab.rows[r][c] in (None, ""), (r, c, tab.rows[r])


@pytest.mark.parametrize("writer", [write_xlsx_merged, write_xlsxwriter, write_xls, write_ods],
                         ids=["openpyxl", "xlsxwriter", "xls", "ods"])
def test_a_workbook_delivers_its_merges(tmp_path, writer):
    rows, merges = merged_form()
    suffix = {write_xls: ".xls", write_ods: ".ods"}.get(writer, ".xlsx")
    path = writer(tmp_path / f"dang-ky{suffix}", {"DB-THUE": (rows, merges), "Khác": ([["x"]], [])})
    data = parse_spec(f"xlsx:{path}").read(load_settings(CONFIG))
    assert [t.title for t in data.tabs] == ["DB-THUE", "Khác"]
    _check(data.tabs[0], rows, merges)
    assert data.tabs[1].merges == []


@pytest.mark.parametrize("writer", [write_xlsx_merged, write_xls, write_ods], ids=["xlsx", "xls", "ods"])
def test_every_file_of_a_folder_delivers_its_merges(tmp_path, writer):
    rows, merges = merged_form()
    suffix = {write_xls: ".xls", write_ods: ".ods"}.get(writer, ".xlsx")
    writer(tmp_path / f"cuc-thue{suffix}", {"Biểu mẫu": (rows, merges)})
    data = read_directory(tmp_path)
    assert data.notices == [] and len(data.tabs) == 1
    _check(data.tabs[0], rows, merges)


def test_a_word_table_delivers_its_merges_under_its_unit_line(tmp_path):
    rows, merges = merged_form()
    header = rows.index(HEADER)
    table = [r + [None] * (7 - len(r)) for r in rows[header:]]
    shifted = [(r0 - header, r1 - header, c0, c1) for r0, r1, c0, c1 in merges]
    write_docx(tmp_path / "cuc-thue.docx", ["ĐĂNG KÝ XÂY DỰNG MÔ HÌNH", "Đơn vị: Đảng bộ Cục Thuế", (table, shifted)])
    data = read_directory(tmp_path)
    assert data.notices == [] and len(data.tabs) == 1
    tab = data.tabs[0]
    assert tab.rows[0] == ["Đơn vị: Đảng bộ Cục Thuế"] and tab.prefer_declared_unit
    # One row above the table: the unit line.
    expected = [[None] * 7, *table]
    _check(tab, expected, [(r0 + 1, r1 + 1, c0, c1) for r0, r1, c0, c1 in shifted])


def test_merges_reaching_past_the_values_are_cut_to_them(tmp_path):
    rows = [["Địa điểm", "b"], ["Hội trường", "c"], [None, "x"]]
    path = write_xlsx_merged(tmp_path / "a.xlsx", {"T": (rows, [(1, 50, 0, 1), (0, 1, 1, 30), (2, 3, 5, 9)])})
    tab = read_workbook(path).tabs[0]
    # Down to the last row with a value; across to the widest row (B1 alone: no merge left);
    # a merge wholly outside goes.
    assert tab.merges == [(1, 3, 0, 1)]


def test_google_delivers_the_merges_of_its_metadata_without_another_request(fake_google, monkeypatch):
    from tests.fakes.fixtures import make_gspread_client

    rows, merges = merged_form()
    key = fake_google.create_spreadsheet("Đăng ký", ["Khác", "DB-THUE"])
    fake_google.set_values(key, "DB-THUE", rows)
    fake_google.set_values(key, "Khác", [["x", "y"], [None, "z"]])
    # Merged through the API as a person's browser would; "Khác" is sheetId 0, which Google
    # leaves out of the ranges it returns.
    book = make_gspread_client(fake_google.host).open_by_key(key)
    ids = {ws.title: ws.id for ws in book.worksheets()}
    assert ids["Khác"] == 0
    ranges = [("DB-THUE", m) for m in merges] + [("Khác", (0, 2, 0, 1))]
    book.batch_update({"requests": [{"mergeCells": {"mergeType": "MERGE_ALL", "range": {
        "sheetId": ids[t], "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}}}
        for t, (r0, r1, c0, c1) in ranges]})
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", fake_google.host)
    fake_google.reset_log()
    data = parse_spec(f"gsheet:{key}").read(load_settings(CONFIG))
    tabs = {t.title: t for t in data.tabs}
    _check(tabs["DB-THUE"], rows, merges)
    assert tabs["Khác"].merges == [(0, 2, 0, 1)]
    # The metadata and the one batch read, as before merges were asked for.
    assert fake_google.reads() == 2 and fake_google.writes() == 0


def test_google_merges_as_the_api_writes_them():
    from danvan_sheets.sources.gsheet import grid_merges

    rows = [["a", "b", "c", "d"], ["", "", "title"], ["", "", 2], ["num", "val", "", 0]]
    # The metadata of WorksheetTest.test_batch_merged_cells (tests/fakes/recorded/), and the
    # proto3 form where an index of 0 is left out and an open range has no end.
    recorded = [{"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2},
                {"startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 2, "endColumnIndex": 4},
                {"startRowIndex": 2, "endRowIndex": 4, "startColumnIndex": 2, "endColumnIndex": 3}]
    assert grid_merges(recorded, rows) == [(0, 2, 0, 2), (1, 2, 2, 4), (2, 4, 2, 3)]
    assert grid_merges([{"endRowIndex": 2, "endColumnIndex": 1}, {"startRowIndex": 3, "startColumnIndex": 3}],
                       rows) == [(0, 2, 0, 1)]

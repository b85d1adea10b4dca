"""python-calamine reads every local workbook; openpyxl (which read them before) must give the
same report on the same files: dates, numbers, blanks, merges, legacy-font text. openpyxl
stays in the tool for writing; the small reading with it below is the reference."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from danvan_sheets.config import load_settings
from danvan_sheets.core import legacy
from danvan_sheets.grid import Tab
from danvan_sheets.pipeline import report_from_data
from danvan_sheets.registry import parse_units
from danvan_sheets.sources import SourceData
from danvan_sheets.sources.workbook import clean_rows
from danvan_sheets.sources.xlsx import read_workbook
from danvan_sheets.writers.machine import to_json
from tests.helpers_files import write_xlsx_merged, write_xlsxwriter
from tests.helpers_forms import MANDATORY_CDS, MANDATORY_HP, UNITS_CSV, model, row_of, seed_form

CONFIG = str(Path(__file__).resolve().parents[1] / "config" / "danvan.toml")
XD = "xay_dung_he_thong_chinh_tri"


def read_with_openpyxl(path: Path) -> SourceData:
    """The reading the tool did before calamine: openpyxl read_only, values as cached."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    tabs = []
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        for row in rows:
            while row and (row[-1] is None or row[-1] == ""):
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        tabs.append(Tab(title=ws.title, rows=rows, origin=path.name))
    wb.close()
    # Merges from the full (not read-only) workbook: read_only mode does not list them.
    full = openpyxl.load_workbook(path)
    for tab, ws in zip(tabs, full.worksheets, strict=True):
        tab.merges = sorted((m.min_row - 1, m.max_row, m.min_col - 1, m.max_col) for m in ws.merged_cells.ranges)
    return SourceData(tabs)


def forms() -> dict[str, tuple[list[list[object]], list[tuple[int, int, int, int]]]]:
    plain = seed_form("Đảng bộ Cục Thuế", {
        "kinh_te": [model(1, "Vay vốn"), [2, "Camera an ninh", 2.0, dt.datetime(2023, 5, 1), "Cổng", "Tập thể",
                                           dt.datetime(2023, 12, 31)],
                    [3, "Nhà văn hóa", 1.5, "Quý II/2023", "", "Cá nhân", 45291]],
        XD: [model(1, MANDATORY_CDS), model(2, MANDATORY_HP)]})
    merged = seed_form("Chi bộ Công ty CPTM Bia SG- Sông Tiền", {
        "kinh_te": [model(i, n) for i, n in enumerate(["Công đoàn hỗ trợ", "Sổ tay điện tử", "Tủ sách"], 1)]})
    top = row_of(merged, "Công đoàn hỗ trợ") - 1
    for r in (top + 1, top + 2):
        merged[r][4] = None
    def enc(text):
        return legacy.encode(text, "tcvn3")

    tcvn = seed_form(enc("Đoàn TNCS Hồ Chí Minh Khối"), {
        "kinh_te": [[1, enc("Tiết kiệm điện"), 1, "Tháng 5/2023", enc("Văn phòng"), enc("Tập thể"), "Tháng 12/2023"]]})
    return {"DB-THUE": (plain, []), "Chi bộ Bia Sông Tiền": (merged, [(top, top + 3, 4, 5)]), "Đoàn Khối": (tcvn, [])}


@pytest.mark.parametrize("writer", [write_xlsx_merged, write_xlsxwriter], ids=["openpyxl-written", "excel-written"])
def test_calamine_and_openpyxl_give_the_same_report(tmp_path, writer):
    path = writer(tmp_path / "dang-ky.xlsx", forms())
    settings = load_settings(CONFIG)
    units = parse_units(UNITS_CSV)
    ours, theirs = read_workbook(path), read_with_openpyxl(path)
    assert [(t.title, t.merges) for t in ours.tabs] == [(t.title, t.merges) for t in theirs.tabs]
    # Cell for cell, but for the empty string, which calamine's reading turns into None.
    assert [t.rows for t in ours.tabs] == [[[None if v == "" else v for v in r] for r in t.rows] for t in theirs.tabs]
    as_of = dt.date(2023, 5, 2)
    a = json.loads(to_json(report_from_data(ours, units, settings, as_of)))
    b = json.loads(to_json(report_from_data(theirs, units, settings, as_of)))
    assert a == b
    # The report is about something: every unit read, the merged one included.
    assert {u["code"]: u["models"] for u in a["units"]}["DB-THUE"] >= 3


def test_cells_come_out_as_openpyxl_gave_them():
    rows = clean_rows([["", 1.0, 2.5, dt.date(2023, 5, 1), dt.datetime(2023, 5, 1, 8, 30), True, " ", "", ""],
                       ["", ""], [], [float(2**60), -0.0, "x"]])
    assert rows == [[None, 1, 2.5, dt.datetime(2023, 5, 1), dt.datetime(2023, 5, 1, 8, 30), True, " "], [], [],
                    [float(2**60), 0, "x"]]
    assert type(rows[0][1]) is int and type(rows[3][0]) is float
    assert clean_rows([["a"], [""], ["", None]]) == [["a"]]

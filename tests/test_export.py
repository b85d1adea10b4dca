"""The official compiled report: read back with openpyxl (structure, sums, charts, print set-up); CSV/JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from danvan_sheets.cli import cli
from danvan_sheets.config import load_settings
from danvan_sheets.core.model import FIELD_LABELS, FIELDS, ROMAN
from danvan_sheets.pipeline import run
from danvan_sheets.writers.export_xlsx import (
    COUNTS,
    SHEET_COUNTS,
    SHEET_FORM,
    to_export_csv,
    to_export_json,
    write_export_xlsx,
)
from danvan_sheets.writers.safe_text import csv_safe
from tests.helpers_forms import MANDATORY_CDS, model, seed_form, write_xlsx

REPO = Path(__file__).resolve().parents[1]
DEMO = ["--source", f"xlsx:{REPO / 'demo' / 'dang-ky-2023.xlsx'}", "--units", str(REPO / "demo" / "don-vi.csv"),
        "--config", str(REPO / "config" / "danvan.toml"), "--as-of", "2023-05-02"]


@pytest.fixture(scope="module")
def demo_report():
    s = load_settings(REPO / "config" / "danvan.toml")
    return run(
        f"xlsx:{REPO / 'demo' / 'dang-ky-2023.xlsx'}",
        str(REPO / "demo" / "don-vi.csv"),
        s,
        dt.date(2023, 5, 2),
        history=False,
    ).report


@pytest.fixture(scope="module")
def workbook(demo_report, tmp_path_factory):
    out = tmp_path_factory.mktemp("x") / "dang-ky.xlsx"
    write_export_xlsx(demo_report, out, dt.datetime(2023, 5, 2, 8, 30))
    return load_workbook(out)


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_col=7)]


def test_form_layout(workbook, demo_report):
    assert workbook.sheetnames == [SHEET_FORM, SHEET_COUNTS]
    ws = workbook[SHEET_FORM]
    rows = _rows(ws)
    assert rows[0][0] == "ĐĂNG KÝ XÂY DỰNG MỚI CÁC MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2023"
    assert rows[3] == [
        "Stt",
        "Tên mô hình",
        "Số lượng",
        "Thời gian xây dựng",
        "Địa điểm triển khai",
        "Quy mô thực hiện",
        "Thời gian hoàn thành",
    ]
    assert rows[4] == ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"]
    assert rows[5][1] == "Tổng số" and rows[5][2] == demo_report.totals["all"]["models"] == 32
    sections = [r for r in rows if r[0] in ROMAN.values()]
    assert [(r[0], r[1]) for r in sections] == [(ROMAN[f], FIELD_LABELS[f]) for f in FIELDS]


def test_sums_match_the_report(workbook, demo_report):
    rows = _rows(workbook[SHEET_FORM])[6:]
    by_field, field = {}, None
    unit_total, unit_rows = {}, {}
    unit = None
    for r in rows:
        if r[0] in ROMAN.values():
            field = next(f for f in FIELDS if ROMAN[f] == r[0])
            by_field[field] = r[2]
            unit = None
        elif r[0] in (None, ""):
            unit = (field, r[1])
            unit_total[unit] = r[2]
        else:
            unit_rows.setdefault(unit, []).append(r)
    assert by_field == demo_report.totals["all"]["by_field"]
    for f in FIELDS:
        assert sum(t for (ff, _), t in unit_total.items() if ff == f) == by_field[f]
    for key, models in unit_rows.items():
        assert sum(m[2] for m in models) == unit_total[key]
    # Every unit's counted models, under its own heading.
    for v in demo_report.units:
        for f in FIELDS:
            names = [e.name for e in v.entries if e.counted and e.field == f]
            if names:
                assert [m[1] for m in unit_rows[(f, v.unit.name)]] == names
            else:
                assert (f, v.unit.name) not in unit_total


def test_formula_looking_names_stay_text(workbook):
    ws = workbook[SHEET_FORM]
    texts = [
        c
        for row in ws.iter_rows(min_col=2, max_col=2)
        for c in row
        if isinstance(c.value, str) and c.value[:1] in "=+-@"
    ]
    assert texts and all(c.data_type == "s" for c in texts)


def test_print_setup_and_font(workbook):
    for name in (SHEET_FORM, SHEET_COUNTS):
        ws = workbook[name]
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    ws = workbook[SHEET_FORM]
    assert ws.print_title_rows == "$4:$5"
    fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
    assert fonts == {"Times New Roman"}


def test_counts_sheet_and_charts(workbook, demo_report):
    ws = workbook[SHEET_COUNTS]
    header = [c.value for c in ws[COUNTS.header_row]][:11]
    assert header == [
        "Loại đơn vị",
        "Số đơn vị",
        "Đạt",
        "Chưa đạt",
        "Chưa đăng ký",
        "% đạt",
        "KT",
        "VHXH",
        "QPAN",
        "XDHTCT",
        "Tổng mô hình",
    ]
    total = [c.value for c in ws[COUNTS.type_rows[1] + 1]][:11]
    t = demo_report.totals["all"]
    assert total[0] == "Toàn Khối" and total[1:5] == [t["units"], t["dat"], t["chua_dat"], t["chua_dang_ky"]]
    assert (
        total[5] == pytest.approx(t["percent_dat"] / 100)
        and ws.cell(COUNTS.type_rows[1] + 1, 6).number_format == "0.0%"
    )
    assert total[10] == t["models"]
    fields = [ws.cell(r, 2).value for r in range(COUNTS.field_rows[0], COUNTS.field_rows[1] + 1)]
    assert fields == [t["by_field"][f] for f in FIELDS]

    charts = ws._charts
    assert len(charts) == 2
    by_field, by_status = charts
    (s,) = by_field.series
    assert s.val.numRef.f == f"'{SHEET_COUNTS}'!$B${COUNTS.field_rows[0]}:$B${COUNTS.field_rows[1]}"
    cat = s.cat.numRef or s.cat.strRef
    assert cat.f == f"'{SHEET_COUNTS}'!$A${COUNTS.field_rows[0]}:$A${COUNTS.field_rows[1]}"
    assert s.tx.strRef.f == f"'{SHEET_COUNTS}'!B{COUNTS.field_header_row}"
    assert [x.val.numRef.f for x in by_status.series] == [
        f"'{SHEET_COUNTS}'!${col}${COUNTS.type_rows[0]}:${col}${COUNTS.type_rows[1]}" for col in "CDE"]
    assert [x.tx.strRef.f for x in by_status.series] == [f"'{SHEET_COUNTS}'!{col}{COUNTS.header_row}" for col in "CDE"]
    assert by_status.grouping == "stacked"


def test_csv_escapes_formulas_and_json_round_trips(tmp_path):
    write_xlsx(tmp_path / "dk.xlsx", {"Đảng bộ Cục Thuế": seed_form("Đảng bộ Cục Thuế", {
        "kinh_te": [model(1, "=HYPERLINK(\"http://x\")"), model(2, "+ Vận động 1+10"), model(3, MANDATORY_CDS)]})})
    (tmp_path / "dv.csv").write_text("ma_don_vi,ten_don_vi,loai_don_vi,email\nDB-THUE,Đảng bộ Cục Thuế,Đảng bộ cơ "
                                     "sở,a@example.vn\n",
                                     encoding="utf-8")
    base = [
        "--source",
        f"xlsx:{tmp_path / 'dk.xlsx'}",
        "--units",
        str(tmp_path / "dv.csv"),
        "--config",
        str(REPO / "config" / "danvan.toml"),
    ]
    res = CliRunner().invoke(cli, ["export", *base, "--out", str(tmp_path / "m.csv")])
    assert res.exit_code == 0, res.output
    raw = (tmp_path / "m.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    # the mandatory model is not counted
    assert [r["Tên mô hình"] for r in rows] == ["'=HYPERLINK(\"http://x\")", "'+ Vận động 1+10"]
    assert {r["Lĩnh vực"] for r in rows} == {"Lĩnh vực phát triển kinh tế"}
    assert {r["Đơn vị"] for r in rows} == {"Đảng bộ Cục Thuế"}

    res = CliRunner().invoke(cli, ["export", *base, "--out", str(tmp_path / "m.json"), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert doc["campaign"]["year"] == 2023
    # JSON keeps text as is
    assert [m["ten_mo_hinh"] for m in doc["models"]] == ["=HYPERLINK(\"http://x\")", "+ Vận động 1+10"]
    assert doc["totals"]["all"]["models"] == 2


def test_export_cli_writes_xlsx_and_exit_codes(tmp_path):
    out = tmp_path / "out" / "dang-ky.xlsx"
    res = CliRunner().invoke(cli, ["export", *DEMO, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Đã xuất 32 mô hình của 16 đơn vị" in res.output
    # The demo's stale copy of a unit's tab matches no unit, so it is not in the export: it says so.
    assert "Trang “Bản sao của Chi bộ Sở Tư pháp” không khớp đơn vị nào trong danh sách." in res.stderr
    inferred = CliRunner().invoke(cli, ["export", *DEMO[:2], *DEMO[4:], "--out", str(tmp_path / "m.json")])
    assert inferred.exit_code == 0, inferred.output
    assert "Không có danh sách đơn vị: đã nhận diện đơn vị theo tên trang tính." in inferred.stderr
    assert "Trang “Bản sao của Chi bộ Sở Tư pháp” không được tính cho đơn vị nào" in inferred.stderr
    assert "trong danh sách" not in inferred.stderr  # there was no list
    assert load_workbook(out).sheetnames == [SHEET_FORM, SHEET_COUNTS]
    missing = CliRunner().invoke(cli, ["export", *DEMO[2:], "--source", "xlsx:/khong/co.xlsx", "--out", str(out)])
    assert missing.exit_code == 3
    assert CliRunner().invoke(cli, ["export", *DEMO]).exit_code == 2  # --out is required


@pytest.mark.parametrize("out, fmt, said", [
    ("mo-hinh.txt", None, "phải có đuôi .xlsx, .csv hoặc .json"),
    ("mo-hinh.csv", "json", "phải có đuôi .json"),
    ("mo-hinh.json", "xlsx", "phải có đuôi .xlsx"),
    ("", None, "phải có đuôi"),  # a folder
])
def test_an_out_file_named_for_another_format_is_refused_before_anything_is_read(tmp_path, out, fmt, said):
    target = str(tmp_path / out) + ("/" if not out else "")
    res = CliRunner().invoke(cli, ["export", *DEMO, "--out", target, *(["--format", fmt] if fmt else [])])
    assert res.exit_code == 2 and said in res.output
    assert not Path(target).is_file()


def test_csv_and_json_functions_agree(demo_report):
    rows = list(csv.DictReader(io.StringIO(to_export_csv(demo_report))))
    doc = json.loads(to_export_json(demo_report))
    assert len(rows) == len(doc["models"])
    # The same models in the same order; the CSV escapes formula-looking text with a leading quote.
    assert [r["Tên mô hình"] for r in rows] == [csv_safe(m["ten_mo_hinh"]) for m in doc["models"]]
    assert sum(m["so_luong"] for m in doc["models"]) == demo_report.totals["all"]["models"]

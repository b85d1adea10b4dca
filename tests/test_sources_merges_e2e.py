"""End to end, per source: the models under a vertical merge keep the place, scale and completion
time typed once in the merge's top-left cell, and a merge that runs into the next section's title
row leaves that section a section (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from danvan_sheets.cli import cli
from danvan_sheets.cli.base import run_main
from tests.helpers_files import write_docx, write_ods, write_xls, write_xlsx_merged, write_xlsxwriter
from tests.helpers_forms import HEADER, UNITS_CSV
from tests.test_sources_merges import merged_form

CONFIG = str(Path(__file__).resolve().parents[1] / "config" / "danvan.toml")
NAMES = ["Vay vốn", "Camera an ninh", "Nhà văn hóa"]


def _check(capsys, source: str, units: Path) -> dict:
    code = run_main(cli, ["check", "--source", source, "--units", str(units), "--config", CONFIG, "--format", "json"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    report = json.loads(out)
    return next(u for u in report["units"] if u["code"] == "DB-THUE")


def _assert_merged_values_kept(unit: dict) -> None:
    entries = {e["name"]: e for e in unit["entries"]}
    for name in NAMES:
        e = entries[name]
        assert (e["location"], e["scale"], e["field"]) == ("Hội trường cơ quan", "tap_the", "kinh_te"), e
        assert e["done"] == {"from": "2023-12", "to": "2023-12"} and e["counted"], e
    # The merge that crosses into "II. …" did not swallow the section: its model is in its own field.
    assert entries["Thư viện"]["field"] == "van_hoa_xa_hoi"
    codes = {p["code"] for p in unit["problems"]}
    assert not codes & {"missing_location", "missing_scale", "missing_period"}, unit["problems"]
    assert unit["by_field"]["kinh_te"] == 3


@pytest.fixture
def units(tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_text(UNITS_CSV, encoding="utf-8")
    return path


@pytest.mark.parametrize("writer, suffix", [(write_xlsx_merged, ".xlsx"), (write_xlsxwriter, ".xlsx"),
                                            (write_xls, ".xls"), (write_ods, ".ods")],
                         ids=["xlsx", "excel-written", "xls", "ods"])
def test_a_workbook(tmp_path, capsys, units, writer, suffix):
    path = writer(tmp_path / f"dang-ky{suffix}", {"DB-THUE": merged_form()})
    _assert_merged_values_kept(_check(capsys, f"xlsx:{path}", units))


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_a_folder(tmp_path, capsys, units, kind):
    folder = tmp_path / "thu"
    folder.mkdir()
    rows, merges = merged_form()
    if kind == "xlsx":
        write_xlsx_merged(folder / "cuc-thue.xlsx", {"Biểu mẫu": (rows, merges)})
    else:
        header = rows.index(HEADER)
        table = [list(r) + [None] * (7 - len(r)) for r in rows[header:]]
        write_docx(
            folder / "cuc-thue.docx",
            ["Đơn vị: Đảng bộ Cục Thuế", (table, [(r0 - header, r1 - header, c0, c1) for r0, r1, c0, c1 in merges])],
        )
    _assert_merged_values_kept(_check(capsys, f"dir:{folder}", units))


def test_google(fake_google, capsys, monkeypatch, units):
    from tests.fakes.fixtures import make_gspread_client

    rows, merges = merged_form()
    key = fake_google.create_spreadsheet("Đăng ký", ["DB-THUE"])
    fake_google.set_values(key, "DB-THUE", rows)
    book = make_gspread_client(fake_google.host).open_by_key(key)
    sheet_id = book.worksheet("DB-THUE").id
    book.batch_update({"requests": [{"mergeCells": {"mergeType": "MERGE_ALL", "range": {
        "sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}}}
        for r0, r1, c0, c1 in merges]})
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", fake_google.host)
    _assert_merged_values_kept(_check(capsys, f"gsheet:{key}", units))

"""End to end, per source (issue 12): models whose names open with a word the reader knows
("Công đoàn…", "Cộng đồng…", "Tông đơ…", "Mục tiêu…", "Ghi chép…") come back as entries, and
every other non-empty row of the form is in the JSON's `skipped_rows` with its row and reason,
whichever way the form reached the tool: a workbook (.xlsx written by openpyxl and as Excel
writes it, .xls, .ods), a folder of files (.xlsx, .xls, .ods, Word .docx) or Google Sheets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from danvan_sheets.cli import cli
from danvan_sheets.cli.base import run_main
from danvan_sheets.core.model import SKIP_REASONS
from tests.helpers_files import write_docx, write_ods, write_xls, write_xlsx_merged, write_xlsxwriter
from tests.helpers_forms import HEADER, NUMBERING, TITLE, UNITS_CSV, model

CONFIG = str(Path(__file__).resolve().parents[1] / "config" / "danvan.toml")
UNIT_LINE = "Đơn vị: Đoàn TNCS Hồ Chí Minh Khối"
MODEL = "model"
CDS = "Lãnh đạo thực hiện chuyển đổi số trong chi đoàn"
HP = "Xây dựng cơ quan hạnh phúc"

# The form row by row with what the reader must make of it: a model, or the reason it is set aside.
FORM: list[tuple[list[object], str | None]] = [
    ([TITLE], "header"),
    ([UNIT_LINE], "header"),
    ([], None),
    (list(HEADER), "header"),
    (list(NUMBERING), "numbering"),
    ([None, "Tổng số", 14], "total"),
    (["I", "Lĩnh vực phát triển kinh tế"], "section"),
    (model(1, "Công đoàn cơ sở vững mạnh gắn với sản xuất"), MODEL),
    (model(2, "Kinh tế tập thể gắn với hội viên"), MODEL),
    (model(3, "Tông đơ cắt tóc miễn phí cho thương binh"), MODEL),
    ([None, "Cộng", 3], "total"),
    (["II", "Lĩnh vực văn hóa - xã hội"], "section"),
    (model(1, "Cộng đồng dân cư văn minh"), MODEL),
    (model(2, "Tổng vệ sinh môi trường hằng tháng"), MODEL),
    (model(3, "Mục tiêu xanh trong cơ quan"), MODEL),
    (model(4, "Ghi chép nhật ký thiện nguyện"), MODEL),
    ([5, "Mô hình…."], "placeholder"),
    (["…", "…"], "placeholder"),
    (["III", "Lĩnh vực quốc phòng - an ninh"], "section"),
    (model(1, "An ninh trật tự tại khu dân cư"), MODEL),
    (model(2, "Về nguồn cùng cựu chiến binh"), MODEL),
    (["IV", "Lĩnh vực xây dựng hệ thống chính trị"], "section"),
    (model(1, "Mô hình chi đoàn số"), MODEL),
    (model(2, "Lưu ý an toàn giao thông cho đoàn viên"), MODEL),
    (model(3, "Phần thưởng cho học sinh nghèo vượt khó"), MODEL),
    (model(4, "Điển hình tiên tiến làm theo Bác"), MODEL),
    (model(5, CDS), MODEL),
    (model(6, HP), MODEL),
    (["Ghi chú:", "(2): Tên mô hình (Trên từng lĩnh vực sau: KT; VHXH, QPAN, XDHTCT)"], "notes"),
    ([None, "T/M BAN THƯỜNG VỤ"], "notes"),
]
ROWS = [row for row, _ in FORM]
NAMES = [row[1] for row, what in FORM if what == MODEL]


def expected(form: list[tuple[list[object], str | None]], first_row: int = 1) -> tuple[list, list]:
    """(model rows, [(row, reason)]) for `form` laid out from sheet row `first_row`."""
    entries = [n for n, (_, what) in enumerate(form, first_row) if what == MODEL]
    skipped = [(n, what) for n, (_, what) in enumerate(form, first_row) if what not in (MODEL, None)]
    return entries, skipped


def _check(capsys, source: str, units: Path) -> dict:
    code = run_main(cli, ["check", "--source", source, "--units", str(units), "--config", CONFIG, "--format", "json"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    return next(u for u in json.loads(out)["units"] if u["code"] == "DT-DOAN")


def _assert_every_row_accounted(unit: dict, form=FORM, first_row: int = 1) -> None:
    rows, skipped = expected(form, first_row)
    assert [e["name"] for e in unit["entries"]] == NAMES
    assert [e["row"] for e in unit["entries"]] == rows
    assert [(s["row"], s["reason"]) for s in unit["skipped_rows"]] == skipped
    assert unit["problems"] == []
    # The keyword lookalikes count: twelve models of the unit's own and the two mandatory ones.
    assert unit["status"] == "dat" and unit["models"] == len(NAMES) - 2
    assert unit["mandatory"] == {"chuyen_doi_so": True, "co_quan_hanh_phuc": True}
    texts = [s["text"] for s in unit["skipped_rows"]]
    assert "Tổng số | 14" in texts and "Cộng | 3" in texts


@pytest.fixture
def units(tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_text(UNITS_CSV, encoding="utf-8")
    return path


@pytest.mark.parametrize("writer, suffix", [(write_xlsx_merged, ".xlsx"), (write_xlsxwriter, ".xlsx"),
                                            (write_xls, ".xls"), (write_ods, ".ods")],
                         ids=["xlsx", "excel-written", "xls", "ods"])
def test_a_workbook(tmp_path, capsys, units, writer, suffix):
    path = writer(tmp_path / f"dang-ky{suffix}", {"Đoàn Khối": (ROWS, [])})
    _assert_every_row_accounted(_check(capsys, f"xlsx:{path}", units))


@pytest.mark.parametrize("writer, suffix", [(write_xlsx_merged, ".xlsx"), (write_xls, ".xls"), (write_ods, ".ods")],
                         ids=["xlsx", "xls", "ods"])
def test_a_folder_of_spreadsheets(tmp_path, capsys, units, writer, suffix):
    folder = tmp_path / "thu"
    folder.mkdir()
    writer(folder / f"doan-khoi{suffix}", {"Biểu mẫu": (ROWS, [])})
    _assert_every_row_accounted(_check(capsys, f"dir:{folder}", units))


def test_a_folder_with_the_form_as_a_word_table(tmp_path, capsys, units):
    folder = tmp_path / "thu"
    folder.mkdir()
    header = ROWS.index(list(HEADER))
    table = [list(r) + [None] * (7 - len(r)) for r in ROWS[header:]]
    write_docx(folder / "doan-khoi.docx", [TITLE, UNIT_LINE, (table, [])])
    # The title stays a paragraph; the unit line becomes the tab's row 1, the table follows from row 2.
    unit = _check(capsys, f"dir:{folder}", units)
    _assert_every_row_accounted(unit, [([UNIT_LINE], "header"), *FORM[header:]])


def test_google(fake_google, capsys, monkeypatch, units):
    key = fake_google.create_spreadsheet("Đăng ký", ["Đoàn Khối"])
    fake_google.set_values(key, "Đoàn Khối", ROWS)
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", fake_google.host)
    _assert_every_row_accounted(_check(capsys, f"gsheet:{key}", units))


def test_the_json_contract_in_the_readme_lists_skipped_rows_and_every_reason():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    contract = readme[readme.index("## Kết quả JSON"):]
    contract = contract[:contract.index("\n## ", 1)]
    assert '"skipped_rows": [{"row"' in contract
    for reason in SKIP_REASONS:
        assert f"`{reason}`" in contract, reason

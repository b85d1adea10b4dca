"""Issue 19: a unit's odd character never stops the summary, in any writer.

Every writer is driven with arbitrary Unicode (all C0 and C1 controls, U+2028/2029, lone
surrogates, Excel's "_x000B_" escape, 32,767-character strings); each output is written,
read back the way its reader would (calamine for xlsx, as Excel decodes "_xHHHH_"; the fake
Google over HTTP; the csv and json modules; the e-mail parser) and compared with an oracle
written here from the issue's rule, independent of writers/safe_text.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import io
import json
import re
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from danvan_sheets.config import ReviewSettings
from danvan_sheets.core.duplicates import candidates_of, find_duplicates
from danvan_sheets.core.model import Problem
from danvan_sheets.core.reader import read_tab
from danvan_sheets.core.rollup import Part, Rollup
from danvan_sheets.core.summary import build_report
from danvan_sheets.core.tables import all_tables
from danvan_sheets.writers import email as mail
from danvan_sheets.writers.export_xlsx import (
    SHEET_FORM,
    Group,
    to_export_csv,
    to_export_json,
    write_export_xlsx,
    write_unit_form,
)
from danvan_sheets.writers.gsheet_summary import write_summary
from danvan_sheets.writers.machine import to_csv, to_json
from danvan_sheets.writers.rollup_files import SHEET_FORM as SHEET_FORM_PROVINCE
from danvan_sheets.writers.rollup_files import rollup_json, write_rollup_export, write_rollup_summary
from danvan_sheets.writers.safe_text import printable
from danvan_sheets.writers.xlsx_summary import write_summary_xlsx
from danvan_sheets.writers.yearend_xlsx import HEADER_ROW, write_result_template_files, write_result_templates
from danvan_sheets.writers.zalo import zalo_text
from tests.fakes.fixtures import make_gspread_client
from tests.helpers_forms import AS_OF, campaign, model, seed_form, unit

NOW = dt.datetime(2023, 5, 2, 8, 30)
WARNING = "ô có ký tự điều khiển, thường do dán từ Word; đã bỏ khi ghi tổng hợp"


# --- the oracle: the rule, written out independently -----------------------------------

_BREAKS = set("\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def expected(text: str) -> str:
    """Line separators -> "\\n", other control characters, lone surrogates, U+FFFE/F gone.

    Excel escapes of them decoded."""
    text = re.sub(r"(?<!_x005F)_x000B_", "\v", text)
    text = re.sub(r"(?<!_x005F)_x0001_", "\x01", text)
    text = text.replace("\r\n", "\n")
    out = []
    for ch in text:
        o = ord(ch)
        if ch in _BREAKS:
            out.append("\n")
        elif ch in "\t\n":
            out.append(ch)
        elif o < 0x20 or 0x7F <= o <= 0x9F or 0xD800 <= o <= 0xDFFF or ch in "\ufffe\uffff":
            continue
        else:
            out.append(ch)
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def stored_len(text: str, limit: int) -> int:
    """Size of `text` as the file holds it: in xlsx a typed "_x0041_" is stored escaped, "_x005F_x0041_"."""
    if limit == 32_767:
        text = re.sub(r"_x[0-9A-Fa-f]{4}_", lambda m: "_x005F" + m[0], text)
    return utf16_len(text)


def matches(got: object, want: str, limit: int) -> bool:
    """`got` is `want`, or, when `want` is over the cell limit, its start cut with "…"."""
    got = "" if got is None else got
    if stored_len(want, limit) <= limit:
        return got == want
    return isinstance(got, str) and got.endswith("…") and utf16_len(got) <= limit and want.startswith(got[:-1])


def assert_cell(got: object, want: str, limit: int) -> None:
    # A plain `assert got == want` would have pytest diff two 32,767-character strings with difflib
    # on failure, which runs for hours (the CI profile's fixed examples hit it); say where they part.
    if not matches(got, want, limit):
        text = "" if got is None else str(got)
        at = next((i for i, (a, b) in enumerate(zip(text, want, strict=False)) if a != b), min(len(text), len(want)))
        raise AssertionError(f"cell differs at {at} (lengths {len(text)} and {len(want)}): "
                             f"{text[at:at + 40]!r} != {want[at:at + 40]!r}")


# --- arbitrary text ------------------------------------------------------------------------------

SPECIAL = ([chr(i) for i in range(0x20)] + [chr(i) for i in range(0x7F, 0xA0)]
           + ["\u2028", "\u2029", "\ud800", "\udbff", "\udc00", "\udfff", "\ufffe", "\uffff", "\r\n",
              "_x000B_", "_x0001_", "_x0041_", "=", "Mô hình", "\U0001F600", " "])
piece = st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL))
short_text = st.lists(piece, max_size=30).map("".join)
long_text = st.lists(piece, min_size=1, max_size=8).map("".join).map(lambda t: (t * (32_767 // len(t) + 1))[:32_767])
any_text = st.one_of(short_text, short_text, short_text, long_text)


def _report(unit_name: str, name: str, place: str, value: str):
    """A real report of two units, then the first unit's name, model and a problem value set to arbitrary text."""
    grid1 = seed_form("Đảng bộ Cục Thuế", {"kinh_te": [model(1, "Mô hình một"), model(2, "Mô hình hai")]})
    grid2 = seed_form("Chi bộ Bia", {"kinh_te": [model(1, "Mô hình của chi bộ")]})
    readings = [(None, read_tab("DB-THUE", grid1, 2023)), (None, read_tab("CB-BIA", grid2, 2023))]
    units = [unit("DB-THUE", "Đảng bộ Cục Thuế"), unit("CB-BIA", "Chi bộ Bia", "chi_bo_co_so")]
    report = build_report(units, readings, campaign(), AS_OF)
    v = report.units[0]
    v.unit = replace(v.unit, name=unit_name)
    v.entries[0].name = name
    v.entries[0].location = place
    v.problems.append(Problem("invalid_period", "error", "Thời gian không đọc được.", cell="D9", row=9, column="D",
                              value=value, tab="DB-THUE"))
    v.status = "chua_dat"  # in the Cần bổ sung tab too
    return report


def _calamine(path: Path, sheet: str) -> list[list]:
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


FUZZ = hsettings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


@FUZZ
@given(unit_name=any_text, name=any_text, place=short_text, value=any_text)
def test_every_writer_writes_arbitrary_text_and_reads_back(
    tmp_path_factory, fake_google, unit_name, name, place, value
):
    tmp = tmp_path_factory.mktemp("w")
    report = _report(unit_name, name, place, value)
    want_unit, want_name, want_place, want_value = map(expected, (unit_name, name, place, value))

    # The summary workbook.
    failures: list = []
    out = write_summary_xlsx(report, tmp / "tong-hop.xlsx", NOW, failures)
    assert failures == []
    assert_cell(_calamine(out, "Tổng hợp")[3][1], want_unit, 32_767)
    problems = _calamine(out, "Lỗi nhập liệu")
    mine = [r for r in problems[3:] if r[3] == "D9"]
    assert len(mine) == 1
    assert_cell(mine[0][5], want_value, 32_767)
    assert_cell(mine[0][1], want_unit, 32_767)

    # The export: the official form, CSV and JSON.
    out = write_export_xlsx(report, tmp / "xuat.xlsx", NOW, failures)
    assert failures == []
    form = _calamine(out, SHEET_FORM)
    assert_cell(form[8][1], want_name, 32_767)  # row 9: section I, the unit's heading, then its first model
    assert_cell(form[8][4], want_place, 32_767)
    assert_cell(form[7][1], want_unit, 32_767)
    rows = list(csv.DictReader(io.StringIO(to_export_csv(report))))
    first = rows[0]
    assert first["Tên mô hình"] == ("'" + want_name if want_name.startswith(("=", "+", "-", "@", "\t")) else want_name)
    assert first["Địa điểm triển khai"] == (
        "'" + want_place if want_place.startswith(("=", "+", "-", "@", "\t")) else want_place
    )
    doc = json.loads(to_export_json(report).encode("utf-8"))
    assert doc["models"][0]["ten_mo_hinh"] == want_name
    assert doc["models"][0]["don_vi"] == want_unit

    # check --format json / csv.
    doc = json.loads(to_json(report).encode("utf-8"))
    assert doc["units"][0]["name"] == want_unit
    assert doc["units"][0]["entries"][0]["name"] == want_name
    assert [p["value"] for p in doc["units"][0]["problems"] if p["cell"] == "D9"] == [want_value]
    summary = list(csv.reader(io.StringIO(to_csv(report, NOW))))
    assert summary[1][1] == ("'" + want_unit if want_unit.startswith(("=", "+", "-", "@", "\t")) else want_unit)

    # The Google summary, through gspread to the fake and read back.
    sid = fake_google.create_spreadsheet("Tổng hợp thử")
    client = make_gspread_client(fake_google.host)
    metadata = client.http_client.fetch_sheet_metadata(sid)
    assert write_summary(client, sid, metadata, {}, all_tables(report, NOW), failures) is True
    assert failures == []
    assert_cell(fake_google.get_values(sid, "Tổng hợp")[3][1], want_unit, 50_000)
    google_problems = [r for r in fake_google.get_values(sid, "Lỗi nhập liệu")[3:] if len(r) > 3 and r[3] == "D9"]
    assert_cell(google_problems[0][5], want_value, 50_000)

    # The reminder e-mail, as a mail reader parses it.
    r = mail.compose(report.units[0], report.campaign, AS_OF)
    parsed = email.message_from_bytes(
        r.message("Ban Tuyên giáo <btg@example.vn>").as_bytes(), policy=email.policy.default
    )
    body = parsed.get_content()
    assert f"Kính gửi: {want_unit}," in body
    subject = mail.subject_for(mail.DEFAULT_SUBJECT, report.units[0], report.campaign)
    # One line; compared without spaces: CPython's header folder can drop the space between two
    # encoded-words of a long subject full of rare characters (a stdlib quirk, not ours).
    assert "".join(str(parsed["Subject"]).split()) == "".join(expected(subject).split())

    # restore: one unit's form as it can be pasted back.
    groups = {"kinh_te": [Group(None, rows=[[1, name, 1, "05/2023", place, "Tập thể", value]], total=1)]}
    out = write_unit_form(report.campaign, unit_name, "", groups, tmp / "khoi-phuc.xlsx")
    restored = _calamine(out, "Khôi phục")
    assert_cell(restored[1][0], expected("Đơn vị: " + unit_name), 32_767)
    assert_cell(restored[7][1], want_name, 32_767)
    assert_cell(restored[7][4], want_place, 32_767)
    assert_cell(restored[7][6], want_value, 32_767)

    # remind --zalo / --zalo-out: the same reminder as ready-to-paste text, in a UTF-8 file and back.
    path = tmp / "zalo.txt"
    path.write_bytes(zalo_text([r]).encode("utf-8"))
    zalo = path.read_text(encoding="utf-8")
    assert zalo.startswith(f"=== 1/1. {' '.join(want_unit.split())} ===\n")
    assert f"Kính gửi: {want_unit}," in zalo

    # The province roll-up: its summary workbook, its export (xlsx, CSV, JSON) and --format json.
    part = Part("Đảng bộ Khối", "Khối", "xlsx:khoi.xlsx", report=report)
    rollup = Rollup(report.campaign, AS_OF, [part], find_duplicates(candidates_of(part.name, report.units)))
    province = _calamine(write_rollup_summary(rollup, tmp / "tinh.xlsx", NOW), "Tổng hợp tỉnh")
    assert_cell(province[3][province[2].index("Đơn vị")], want_unit, 32_767)
    form = _calamine(write_rollup_export(rollup, tmp / "tinh-xuat.xlsx", "xlsx", NOW), SHEET_FORM_PROVINCE)
    assert any(matches(row[1], want_name, 32_767) for row in form[5:] if len(row) > 1)
    rows = list(csv.DictReader(io.StringIO(
        write_rollup_export(rollup, tmp / "tinh.csv", "csv", NOW).read_text(encoding="utf-8-sig"))))
    assert rows[0]["Tên mô hình"] == (
        "'" + want_name if want_name.startswith(("=", "+", "-", "@", "\t")) else want_name
    )
    doc = json.loads(write_rollup_export(rollup, tmp / "tinh.json", "json", NOW).read_bytes().decode("utf-8"))
    assert doc["models"][0]["ten_mo_hinh"] == want_name
    doc = json.loads(rollup_json(rollup).encode("utf-8"))
    assert doc["sources"][0]["units"][0]["name"] == want_unit

    # review --template: the year-end result form, one workbook and a file per unit.
    book = write_result_templates(report, ReviewSettings(), tmp / "bao-cao.xlsx")
    import python_calamine

    first = python_calamine.CalamineWorkbook.from_path(str(book)).sheet_names[0]
    result_form = _calamine(book, first)
    assert_cell(result_form[1][0], expected("Đơn vị: " + unit_name), 32_767)
    assert_cell(result_form[HEADER_ROW + 1][1], want_name, 32_767)
    files = write_result_template_files(report, ReviewSettings(), tmp / "bao-cao")
    assert_cell(_calamine(files[0], "Báo cáo kết quả")[1][0], expected("Đơn vị: " + unit_name), 32_767)


def test_printable_by_hand():
    assert printable("Mô hình\vdán từ Word") == "Mô hình\ndán từ Word"
    assert printable("A_x000B_B_x0007_") == "A\nB"
    assert printable("dòng 1_x000D_\ndòng 2\r\ndòng 3\rdòng 4") == "dòng 1\ndòng 2\ndòng 3\ndòng 4"
    assert printable("giữ\ttab\u2028và\u2029đoạn\x85") == "giữ\ttab\nvà\nđoạn\n"
    assert printable("bỏ\x00\x01\x1f\x7f\x9f\ud800\ufffe") == "bỏ"
    assert printable("_x005F_x000B_ gõ tay") == "_x005F_x000B_ gõ tay"  # the text "_x000B_" typed by hand
    plain = "Mô hình “Dân vận khéo” 2023"
    assert printable(plain) is plain


# --- one workbook with a "_x000B_" name, through every path -------------------------------------

PASTED = "Dân vận khéo trong cải cách hành chính\vdán từ Word"  # U+000B: Word's manual line break
SHOWN = "Dân vận khéo trong cải cách hành chính\ndán từ Word"


def _pasted_workbook(path: Path) -> dict[str, list[list]]:
    """Written by xlsxwriter, which stores U+000B as Excel does: "_x000B_" in the file."""
    import xlsxwriter

    from tests.google_helpers import UNITS

    thue, tuphap = UNITS[0][1], UNITS[1][1]
    tabs = {
        thue: seed_form(thue, {"kinh_te": [model(1, PASTED, location="Phòng\vTổng hợp")],
                               "van_hoa_xa_hoi": [model(1, "Lãnh đạo thực hiện chuyển đổi số trong cơ quan")]}),
        tuphap: seed_form(tuphap, {"kinh_te": [model(1, "Phổ biến pháp luật cho người dân")]}),
    }
    wb = xlsxwriter.Workbook(str(path))
    for title, grid in tabs.items():
        ws = wb.add_worksheet(title)
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    ws.write_string(r, c, v)
                elif v is not None:
                    ws.write(r, c, v)
    wb.close()
    return tabs


def _warnings_in(rows: list[list]) -> list[list]:
    return [r for r in rows if "control_characters" in r]


def test_a_pasted_line_break_through_xlsx_export_and_google(tmp_path, fake_google):
    from openpyxl import load_workbook

    from tests.google_helpers import UNITS, assert_clean_exit, make_setup

    book = tmp_path / "dang-ky.xlsx"
    tabs = _pasted_workbook(book)
    import zipfile

    assert "_x000B_" in zipfile.ZipFile(book).read("xl/sharedStrings.xml").decode()
    setup = make_setup(tmp_path, fake_google.host)

    # aggregate --out: written (exit 0), the unit warned at the cell, the model counted.
    result = setup.run("aggregate", "-q", "--as-of", "2023-05-02", "--out", str(tmp_path / "tong-hop.xlsx"),
                       source=f"xlsx:{book}")
    assert_clean_exit(result, 0)
    wb = load_workbook(tmp_path / "tong-hop.xlsx")
    problems = [[c.value for c in row] for row in wb["Lỗi nhập liệu"].iter_rows(min_row=4)]
    warned = _warnings_in(problems)
    assert {(r[1], r[3], r[6], r[8]) for r in warned} == {
        (UNITS[0][1], "B8", "Cảnh báo", WARNING), (UNITS[0][1], "E8", "Cảnh báo", WARNING)}
    assert SHOWN in [r[5] for r in warned]
    summary = {r[1].value: [c.value for c in r] for r in wb["Tổng hợp"].iter_rows(min_row=4, max_row=6)}
    header = summary_header(wb)
    assert summary[UNITS[0][1]][header.index("KT")] == 1  # the pasted model still counts
    assert summary[UNITS[0][1]][header.index("Số lỗi")] == 0  # a warning, not an error

    # check --format json: the warning is there; the history keeps the text as typed.
    result = setup.run("check", "--format", "json", "--as-of", "2023-05-02", source=f"xlsx:{book}")
    doc = json.loads(result.stdout)
    thue = next(u for u in doc["units"] if u["code"] == "DB-THUE")
    # The name as the reader cleaned it: its break a line break or a space, never U+000B or "_x000B_".
    assert [words(e["name"]) for e in thue["entries"] if e["field"] == "kinh_te"] == [words(SHOWN)]
    assert "_x000B_" not in result.stdout and "\\u000b" not in result.stdout
    assert [e["counted"] for e in thue["entries"] if e["field"] == "kinh_te"] == [True]
    assert [(p["cell"], p["severity"]) for p in thue["problems"] if p["code"] == "control_characters"] == [
        ("B8", "warning"), ("E8", "warning")]
    # The history keeps the cells as the clerk typed them, U+000B and all: nothing typed is lost.
    import sqlite3
    from contextlib import closing

    from danvan_sheets.history.store import loads

    with closing(sqlite3.connect(tmp_path / "danvan-data" / "history.sqlite")) as db:
        stored = [loads(raw)["cells"] for (raw,) in db.execute("SELECT raw_json FROM rows")]
    assert PASTED in [c.get("name") for c in stored]
    assert "Phòng\vTổng hợp" in [c.get("location") for c in stored]

    # export: the official form shows the line break where the clerk put one.
    result = setup.run("export", "--as-of", "2023-05-02", "--out", str(tmp_path / "xuat.xlsx"), source=f"xlsx:{book}")
    assert_clean_exit(result, 0)
    form = [[c.value for c in row] for row in load_workbook(tmp_path / "xuat.xlsx")[SHEET_FORM].iter_rows(max_col=7)]
    row = next(r for r in form if isinstance(r[1], str) and r[1].startswith("Dân vận khéo trong cải cách"))
    assert words(row[1]) == words(SHOWN) and words(row[4]) == ["Phòng", "Tổng", "hợp"]
    assert not any(("\v" in v or "_x000B_" in v) for v in (row[1], row[4]))

    # Google: the same tab as Google holds it (the real U+000B), aggregated into the fake.
    sid = fake_google.create_spreadsheet("Đăng ký 2023", tabs=list(tabs))
    for title, grid in tabs.items():
        fake_google.set_values(sid, title, [["" if v is None else v for v in row] for row in grid])
    result = setup.run("aggregate", "-q", "--as-of", "2023-05-02", source=f"gsheet:{sid}")
    assert_clean_exit(result, 0)
    warned = _warnings_in(fake_google.get_values(sid, "Lỗi nhập liệu"))
    assert {(r[1], r[3], r[6], r[8]) for r in warned} == {
        (UNITS[0][1], "B8", "Cảnh báo", WARNING), (UNITS[0][1], "E8", "Cảnh báo", WARNING)}
    assert SHOWN in [r[5] for r in warned]
    assert not any("\v" in str(v) for row in fake_google.get_values(sid, "Lỗi nhập liệu") for v in row)


def words(text: str) -> list[str]:
    return text.split()


def summary_header(wb) -> list:
    return [c.value for c in wb["Tổng hợp"][3]]


# --- one unit's bad cell leaves the others intact ------------------------------------------------

class Unprintable:
    """A cell value no writer can turn into text (str() raises), as a broken source might hand over."""

    def __str__(self) -> str:
        raise ValueError("không đổi được sang chữ")

    def __bool__(self) -> bool:
        return True


def _report_with_a_bad_cell():
    grids = {
        "DB-THUE": seed_form("Đảng bộ Cục Thuế", {"kinh_te": [model(1, "Mô hình một"), model(2, "Mô hình hai")]}),
        "CB-BIA": seed_form(
            "Chi bộ Bia", {"kinh_te": [model(1, "Mô hình của chi bộ")], "van_hoa_xa_hoi": [model(1, "Chi bộ số")]}
        ),
        "DT-DOAN": seed_form("Đoàn Khối", {"kinh_te": [model(1, "Thanh niên khởi nghiệp")]}),
    }
    readings = [(None, read_tab(t, g, 2023)) for t, g in grids.items()]
    units = [unit("DB-THUE", "Đảng bộ Cục Thuế"), unit("CB-BIA", "Chi bộ Bia", "chi_bo_co_so"),
             unit("DT-DOAN", "Đoàn Khối", "doan_the")]
    report = build_report(units, readings, campaign(), AS_OF)
    bia = report.units[1]
    bia.problems.append(Problem("invalid_period", "error", "Thời gian không đọc được.", cell="D9", row=9, column="D",
                                value=Unprintable(), tab="CB-BIA"))  # type: ignore[arg-type]
    bia.entries[0].name = Unprintable()  # type: ignore[assignment]
    return report


def test_one_units_bad_cell_leaves_the_other_units_rows_intact(tmp_path, fake_google):
    report = _report_with_a_bad_cell()
    # The same report with plain text in the Chi bộ's two cells: what every other row must look like.
    reference_report = _report_with_a_bad_cell()
    bia = reference_report.units[1]
    bia.problems[-1] = replace(bia.problems[-1], value="Tháng 13/2023")
    bia.entries[0].name = "Mô hình của chi bộ"

    failures: list = []
    out = write_summary_xlsx(report, tmp_path / "tong-hop.xlsx", NOW, failures)
    assert [(f.unit, f.cell, f.where) for f in failures] == [("Chi bộ Bia", "D9", "Lỗi nhập liệu")]
    assert "Chi bộ Bia" in failures[0].message() and "ô D9" in failures[0].message()
    reference = write_summary_xlsx(reference_report, tmp_path / "dung.xlsx", NOW)
    for title in ("Tổng hợp", "Cần bổ sung"):
        assert _calamine(out, title)[3:] == _calamine(reference, title)[3:]
    got, want = _calamine(out, "Lỗi nhập liệu"), _calamine(reference, "Lỗi nhập liệu")
    assert len(got) == len(want)
    differ = [i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b]
    assert len(differ) == 1  # only the bad row; every other unit's (and the Chi bộ's other) rows intact
    bad = got[differ[0]]
    assert want[differ[0]][3] == "D9"
    assert bad[1] == "Chi bộ Bia" and "ô D9" in bad[-1] and "Không ghi được" in bad[-1]

    # The official form: the Đảng bộ and the Đoàn keep their rows, the Chi bộ's bad row says why.
    failures = []
    out = write_export_xlsx(report, tmp_path / "xuat.xlsx", NOW, failures)
    assert [(f.unit, f.cell) for f in failures] == [("Chi bộ Bia", "B8")]
    got = _calamine(out, SHEET_FORM)
    want = _calamine(write_export_xlsx(reference_report, tmp_path / "xuat-dung.xlsx", NOW), SHEET_FORM)
    differ = [i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b]
    assert len(got) == len(want) and len(differ) == 1
    assert want[differ[0]][1] == "Mô hình của chi bộ"
    assert "Chi bộ Bia" in got[differ[0]][1] and "ô B8" in got[differ[0]][1]

    # Google: the one batch still goes, every other row as it would have been.
    client = make_gspread_client(fake_google.host)
    sheets = {}
    for label, r in (("bad", report), ("good", reference_report)):
        sid = fake_google.create_spreadsheet(label)
        failures = []
        assert write_summary(
            client, sid, client.http_client.fetch_sheet_metadata(sid), {}, all_tables(r, NOW), failures
        )
        sheets[label] = (sid, failures)
    assert [(f.unit, f.cell) for f in sheets["bad"][1]] == [("Chi bộ Bia", "D9")] and sheets["good"][1] == []
    for title in ("Tổng hợp", "Cần bổ sung"):
        assert (
            fake_google.get_values(sheets["bad"][0], title)[3:] == fake_google.get_values(sheets["good"][0], title)[3:]
        )
    got, want = (fake_google.get_values(sheets[k][0], "Lỗi nhập liệu") for k in ("bad", "good"))
    differ = [i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b]
    assert len(got) == len(want) and len(differ) == 1 and "ô D9" in got[differ[0]][-1]

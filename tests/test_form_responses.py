"""A Google Form's responses sheet as a source (gsheet:MÃ#responses), read from the fake through gspread:
a unit that answered twice for one model, lateness by the Form's timestamps, cells that point at the
responses sheet, a row without a unit, and the summary written back."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from danvan_sheets.core.tables import SUMMARY_SHEETS
from danvan_sheets.sources import parse_spec
from danvan_sheets.sources.form import HEADER, FormResponsesSource, parse_timestamp
from tests.google_helpers import assert_clean_exit, make_setup

TAB = "Câu trả lời biểu mẫu 1"
THUE, TUPHAP, CCB = "Đảng bộ Cục Thuế", "Chi bộ Sở Tư pháp", "Hội Cựu chiến binh Khối"
CDS = "Lãnh đạo thực hiện chuyển đổi số trong chi bộ"


def serial(y, m, d, hh=0, mm=0) -> float:
    """A date-time as the Sheets API gives it under UNFORMATTED_VALUE + SERIAL_NUMBER."""
    return (dt.datetime(y, m, d, hh, mm) - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)


def answer(when, unit, name, field="Kinh tế", qty=1, place="Văn phòng", scale="Tập thể"):
    return [when, unit, field, name, qty, "Tháng 5/2023", place, scale, "Tháng 12/2023"]


RESPONSES = [
    list(HEADER),
    answer(serial(2023, 4, 10, 8, 0), TUPHAP, "Dân vận số", place=""),  # row 2: no location, answered again
    answer(serial(2023, 4, 10, 8, 5), TUPHAP, CDS),  # row 3
    answer(serial(2023, 4, 12, 14, 0), THUE, "Hũ gạo tình thương"),  # row 4
    answer(serial(2023, 4, 20, 9, 30), "chi bộ sở tư pháp", "DÂN VẬN SỐ"),  # row 5: the correction, typed otherwise
    answer(serial(2023, 4, 28, 7, 45), THUE, "Thu thuế điện tử", qty="hai"),  # row 6: after the deadline, bad quantity
    answer(serial(2023, 4, 28, 7, 50), THUE, "Thực hiện chuyển đổi số trong cơ quan thuế"),  # row 7
    answer(serial(2023, 4, 29, 10, 0), "", "Tiếp sức mùa thi"),  # row 8: no unit
]


@pytest.fixture
def env(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký Dân vận khéo 2023 (câu trả lời)", tabs=[TAB])
    fake_google.set_values(sid, TAB, RESPONSES)
    setup = make_setup(tmp_path, fake_google.host)
    setup.source = f"gsheet:{sid}#responses"
    setup.sid = sid
    return setup


def _check(env):
    result = env.run("check", "--format", "json", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 1)
    return json.loads(result.stdout)


def test_the_spec_names_the_responses_sheet():
    spec = parse_spec("gsheet:1AbCdEfGhIjKlMnOpQrStUv#responses")
    assert isinstance(spec, FormResponsesSource) and str(spec) == "gsheet:1AbCdEfGhIjKlMnOpQrStUv#responses"
    # The same spreadsheet as tabs and as form responses are two sources, with two histories.
    assert spec.key() != parse_spec("gsheet:1AbCdEfGhIjKlMnOpQrStUv").key()


def test_latest_answer_per_model_is_kept_and_said(env, fake_google):
    doc = _check(env)
    assert fake_google.reads() == 2  # the same two reads as a tab-per-unit sheet
    units = {u["name"]: u for u in doc["units"]}
    tp = units[TUPHAP]
    assert [(e["row"], e["name"]) for e in tp["entries"]] == [(3, CDS), (5, "DÂN VẬN SỐ")]
    assert tp["problems"] == [] and tp["status"] == "dat"  # row 2's missing location is gone with row 2
    [said] = [n for n in doc["notices"] if TUPHAP in n]
    assert "“DÂN VẬN SỐ”: giữ câu trả lời mới nhất (dòng 5, gửi lúc 09:30 ngày 20/04/2023), bỏ dòng 2" in said
    assert "gửi lúc 08:00 ngày 10/04/2023" in said


def test_problems_point_at_the_responses_sheet_and_nothing_is_lost(env):
    doc = _check(env)
    thue = next(u for u in doc["units"] if u["name"] == THUE)
    assert [(p["code"], p["cell"]) for p in thue["problems"]] == [("invalid_quantity", "E6")]
    assert [e["row"] for e in thue["entries"]] == [4, 6, 7]
    assert any("Dòng 8" in n and "không ghi đơn vị" in n for n in doc["notices"])
    ccb = next(u for u in doc["units"] if u["name"] == CCB)
    assert ccb["status"] == "chua_dang_ky"


def test_lateness_is_judged_by_the_forms_timestamps(env):
    # The first run is a week after the deadline: from the history alone a unit đạt now is "chua_ro".
    doc = _check(env)
    on_time = {u["name"]: u["on_time"] for u in doc["units"]}
    assert on_time[TUPHAP] == "dung_han"  # đạt by the 20/04 correction, before 25/04
    assert on_time[CCB] == "tre_han"  # nothing sent, past the deadline
    thue = next(u for u in doc["units"] if u["name"] == THUE)
    assert thue["status"] == "chua_dat" and on_time[THUE] == "tre_han"  # row 6 has an error: only 1 of 2 counted


def test_thue_meets_its_quota_late_when_the_row_is_right(env, fake_google):
    rows = [list(r) for r in RESPONSES]
    rows[5][4] = 1
    fake_google.set_values(env.sid, TAB, rows)
    doc = _check(env)  # still exit 1: Hội CCB sent nothing
    thue = next(u for u in doc["units"] if u["name"] == THUE)
    assert thue["status"] == "dat" and thue["on_time"] == "tre_han"  # đạt at 28/04 07:50


def test_aggregate_writes_the_summary_beside_the_responses(env, fake_google):
    before = fake_google.get_values(env.sid, TAB)
    result = env.run("aggregate", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    tabs = fake_google.tabs(env.sid)
    assert tabs[0] == TAB and set(SUMMARY_SHEETS) <= set(tabs)
    assert fake_google.get_values(env.sid, TAB) == before  # the Form's own sheet is never written
    summary = fake_google.get_values(env.sid, SUMMARY_SHEETS[0])
    row = next(r for r in summary if TUPHAP in r)
    assert "Đúng hạn" in row
    # The problem's cell is a cell of the responses sheet, and is named so: there is no tab
    # called after the unit. The note goes on that very cell (its value untouched, checked above).
    problems = fake_google.get_values(env.sid, SUMMARY_SHEETS[2])
    header = next(r for r in problems if "Ô" in r)
    row = next(r for r in problems if "invalid_quantity" in r)
    assert (row[header.index("Trang tính")], row[header.index("Ô")]) == (TAB, "E6")
    notes = {(r, c): cell.note for (r, c), cell in fake_google.sheet(env.sid, TAB).cells.items() if cell.note}
    assert list(notes) == [(5, 4)] and "Số lượng “hai” không hợp lệ" in notes[(5, 4)]


def test_a_spreadsheet_without_a_responses_sheet_says_so(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Bảng tính khác", tabs=["Trang tính1"])
    fake_google.set_values(sid, "Trang tính1", [["Stt", "Tên mô hình"]])
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("check", source=f"gsheet:{sid}#responses")
    assert_clean_exit(result, 3)
    assert "Không thấy trang câu trả lời của Google Biểu mẫu" in result.stderr and "“Trang tính1”" in result.stderr


@pytest.mark.parametrize(
    "value,expected",
    [
        (serial(2023, 4, 20, 9, 30), dt.datetime(2023, 4, 20, 9, 30)),
        (dt.datetime(2023, 4, 20, 9, 30, 5), dt.datetime(2023, 4, 20, 9, 30, 5)),
        ("20/04/2023 9:30:05", dt.datetime(2023, 4, 20, 9, 30, 5)),
        ("sáng nay", None),
        (True, None),
    ],
)
def test_timestamps_as_the_sheet_gives_them(value, expected):
    assert parse_timestamp(value) == expected


def test_init_form_sheet_writes_the_header_the_source_reads(tmp_path, fake_google):
    from danvan_sheets.google.form_sheet import FORM_TAB

    sid = fake_google.create_spreadsheet("Đăng ký bằng biểu mẫu", tabs=["Trang tính1"])
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("init", "--form-sheet", source=f"gsheet:{sid}")
    assert_clean_exit(result, 0)
    assert FORM_TAB in fake_google.tabs(sid)
    assert fake_google.get_values(sid, FORM_TAB)[0] == HEADER
    assert "1. Đơn vị — Menu thả xuống" in result.stdout and f"gsheet:{sid}#responses" in result.stdout
    # The unit column is a dropdown of the unit names, as the Form's question is.
    rule = fake_google.sheet(sid, FORM_TAB).data_validation[(1, HEADER.index("Đơn vị"))]
    assert rule["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == [THUE, TUPHAP, CCB]
    # Run again: nothing to add, nothing sent.
    fake_google.reset_log()
    again = setup.run("init", "--form-sheet", source=f"gsheet:{sid}")
    assert_clean_exit(again, 0)
    assert fake_google.writes() == 0 and "không cần thay đổi" in again.stdout
    # Answers typed under that header (on paper, or by the linked Form) are read by the #responses source.
    fake_google.set_values(sid, FORM_TAB, RESPONSES)
    doc = json.loads(
        setup.run("check", "--format", "json", "--as-of", "2023-05-02", source=f"gsheet:{sid}#responses").stdout
    )
    assert {u["name"]: u["status"] for u in doc["units"]} == {THUE: "chua_dat", TUPHAP: "dat", CCB: "chua_dang_ky"}


def test_a_unit_in_two_responses_sheets_is_read_from_one_and_the_rest_named(tmp_path, fake_google):
    """init --form-sheet's tab (answers typed from paper) and the linked Form's own sheet."""
    paper = "Câu trả lời biểu mẫu"
    sid = fake_google.create_spreadsheet("Đăng ký bằng biểu mẫu và giấy", tabs=[TAB, paper])
    fake_google.set_values(sid, TAB, RESPONSES)
    fake_google.set_values(
        sid,
        paper,
        [
            list(HEADER),
            answer(serial(2023, 4, 3, 9, 0), CCB, "Tiếp sức người lính", place="Văn phòng Hội"),  # row 2: paper only
            answer(serial(2023, 4, 3, 9, 0), CCB, "Cựu chiến binh giúp nhau làm kinh tế"),  # row 3
            answer(serial(2023, 4, 1, 8, 0), TUPHAP, "Sổ tay pháp luật"),  # row 4: also in the Form's sheet
        ],
    )
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("check", "--format", "json", "--as-of", "2023-05-02", source=f"gsheet:{sid}#responses")
    assert_clean_exit(result, 1)
    doc = json.loads(result.stdout)
    units = {u["name"]: u for u in doc["units"]}
    # A unit in one sheet only is read from that sheet, whichever it is.
    assert units[CCB]["models"] == 2 and [e["row"] for e in units[CCB]["entries"]] == [2, 3]
    assert [e["row"] for e in units[THUE]["entries"]] == [4, 6, 7]
    # Chi bộ Sở Tư pháp: read from the sheet with most of its answers (rows 3 and 5 of the Form's),
    # its paper row named, not a "duplicate tab" nor an unknown one.
    tp = units[TUPHAP]
    assert [(e["row"], e["name"]) for e in tp["entries"]] == [(3, CDS), (5, "DÂN VẬN SỐ")]
    assert tp["problems"] == [] and doc["unknown_tabs"] == []
    [said] = [n for n in doc["notices"] if "nhiều trang câu trả lời" in n]
    assert said.startswith(f"{TUPHAP} có câu trả lời ở nhiều trang câu trả lời; chỉ đọc trang “{TAB}” (2 dòng)")
    assert f"chưa tính: trang “{paper}” dòng 4." in said


def test_doctor_on_the_responses_sheet_says_who_answered_and_never_to_run_init(env, fake_google):
    result = env.run("doctor", source=env.source)
    assert_clean_exit(result, 0)
    out = " ".join(result.output.split())
    assert f"✓ Trang câu trả lời của Google Biểu mẫu: “{TAB}”." in out
    assert f"✓ {THUE}: đã gửi 3 câu trả lời." in out
    assert f"✓ {TUPHAP}: đã gửi 2 câu trả lời." in out  # row 2 was answered again at row 5: the latest counts
    assert f"• {CCB}: chưa gửi câu trả lời nào qua biểu mẫu." in out
    assert "danvan init" not in out and "chưa có trang" not in out and "✗" not in out
    assert "Mọi thứ đã sẵn sàng." in out


def test_doctor_on_a_sheet_without_responses_says_how_to_link_the_form(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Chưa liên kết", tabs=["Trang tính1"])
    result = make_setup(tmp_path, fake_google.host).run("doctor", source=f"gsheet:{sid}#responses")
    assert_clean_exit(result, 3)
    out = " ".join(result.output.split())
    assert "✗ Không thấy trang câu trả lời của Google Biểu mẫu" in out and "Liên kết với Trang tính" in out

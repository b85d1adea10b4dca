"""aggregate's notes on the units' problem cells (issue 16): written, updated and removed across
runs, each run one write request with the summary; values, formats and other people's notes kept.

Through the real gspread client against the fake over HTTP.
"""

from __future__ import annotations

import pytest

from danvan_sheets.google.notes import NOTE_PREFIX
from tests.fakes.fixtures import make_gspread_client
from tests.google_helpers import UNITS, assert_clean_exit, flat, make_setup

THUE = UNITS[0][1]
ROW = 8  # section I's first placeholder row on a tab init lays out (1-based)
THEIR_NOTE = "Chị Lan: đơn vị hỏi lại quy mô"
THEIR_OTHER = "Đã gọi điện nhắc ngày 20/4"


@pytest.fixture
def env(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký Dân vận khéo 2023")
    setup = make_setup(tmp_path, fake_google.host)
    setup.sid, setup.source = sid, f"gsheet:{sid}"
    assert_clean_exit(setup.run("init", source=setup.source), 0)
    return setup


def _sheet(fake, sid):
    return make_gspread_client(fake.host).open_by_key(sid).worksheet(THUE)


def _type(fake, sid, rows):
    _sheet(fake, sid).update(rows, f"A{ROW}:G{ROW + len(rows) - 1}", value_input_option="RAW")


def _notes(fake, sid):
    sheet = fake.sheet(sid, THUE)
    return {f"{chr(65 + c)}{r + 1}": cell.note for (r, c), cell in sheet.cells.items() if cell.note}


def _cells(fake, sid):
    """Every cell's value, formula and format: what the notes must never change."""
    sheet = fake.sheet(sid, THUE)
    # A blank cell that only gained a note is no change of value or format.
    return {k: (c.value, c.formula, c.format) for k, c in sheet.cells.items()
            if c.value not in (None, "") or c.formula is not None or c.format}


def _aggregate(env, fake, *args):
    fake.reset_log()
    before = _cells(fake, env.sid)
    result = env.run("aggregate", "-q", "--as-of", "2023-05-02", *args, source=env.source)
    assert_clean_exit(result, 0)
    assert _cells(fake, env.sid) == before  # no value or format of the unit's tab changed
    return result


def _one_write_with_notes_and_summary(fake):
    """The run sent one write request, and it carried both the notes and the summary."""
    assert fake.writes() == 1
    (write,) = [r for r in fake.requests if r.is_write]
    notes = [r for r in write.body["requests"] if "updateCells" in r and r["updateCells"].get("fields") == "note"]
    assert notes and any("repeatCell" in r for r in write.body["requests"])
    return notes


def test_notes_written_updated_and_removed_one_write_each_run(env, fake_google):
    sid = env.sid
    _type(
        fake_google,
        sid,
        [
            [1, "Dân vận khéo trong cải cách thủ tục hành chính thuế", 1, "Quý II/2023", "", "Nhóm", "Quý IV/2023"],
            [
                2,
                "Cán bộ thuế thân thiện vì người nộp thuế",
                "hai",
                "Quý II/2023",
                "Bộ phận một cửa",
                "Tập thể",
                "Quý IV/2023",
            ],
        ],
    )
    # Someone's notes: one on a cell with a problem (F8), one elsewhere (B8).
    ws = _sheet(fake_google, sid)
    ws.insert_note(f"F{ROW}", THEIR_NOTE)
    ws.insert_note(f"B{ROW}", THEIR_OTHER)

    # Run 1: a note on each problem cell, with the message and what to write.
    _aggregate(env, fake_google)
    _one_write_with_notes_and_summary(fake_google)
    notes = _notes(fake_google, sid)
    assert notes[f"F{ROW}"] == THEIR_NOTE and notes[f"B{ROW}"] == THEIR_OTHER  # never touched
    assert notes[f"E{ROW}"].startswith(NOTE_PREFIX) and "Chưa ghi địa điểm triển khai" in notes[f"E{ROW}"]
    assert "Số lượng “hai” không hợp lệ" in notes[f"C{ROW + 1}"] and "1, 2, 3" in notes[f"C{ROW + 1}"]
    assert sorted(notes) == sorted([f"B{ROW}", f"C{ROW + 1}", f"E{ROW}", f"F{ROW}"])

    # Run 2: E8 fixed, C9 typed wrong differently: one note removed, one updated, in one write.
    ws.update([["Phòng Kê khai"]], f"E{ROW}", value_input_option="RAW")
    ws.update([["ba"]], f"C{ROW + 1}", value_input_option="RAW")
    _aggregate(env, fake_google)
    _one_write_with_notes_and_summary(fake_google)
    notes = _notes(fake_google, sid)
    assert f"E{ROW}" not in notes
    assert "Số lượng “ba” không hợp lệ" in notes[f"C{ROW + 1}"]
    assert notes[f"F{ROW}"] == THEIR_NOTE and notes[f"B{ROW}"] == THEIR_OTHER

    # Run 3: everything fixed: our notes gone, theirs kept, one write.
    ws.update([[1]], f"C{ROW + 1}", value_input_option="RAW")
    ws.update([["Tập thể"]], f"F{ROW}", value_input_option="RAW")
    result = _aggregate(env, fake_google)
    _one_write_with_notes_and_summary(fake_google)
    assert _notes(fake_google, sid) == {f"F{ROW}": THEIR_NOTE, f"B{ROW}": THEIR_OTHER}

    # Nothing changed since: nothing sent at all.
    _aggregate(env, fake_google)
    assert fake_google.writes() == 0
    assert result.exit_code == 0


def test_a_note_someone_wrote_on_a_problem_cell_is_not_replaced(env, fake_google):
    sid = env.sid
    _type(
        fake_google,
        sid,
        [[1, "Mô hình dân vận khéo ở bộ phận một cửa", 1, "Quý II/2023", "Phòng A", "Nhóm", "Quý IV/2023"]],
    )
    _sheet(fake_google, sid).insert_note(f"F{ROW}", THEIR_NOTE)
    _aggregate(env, fake_google)
    assert _notes(fake_google, sid) == {f"F{ROW}": THEIR_NOTE}


@pytest.mark.parametrize("how", ["flag", "config"])
def test_notes_can_be_turned_off(tmp_path, fake_google, how):
    sid = fake_google.create_spreadsheet("Đăng ký 2023")
    setup = make_setup(tmp_path, fake_google.host, google_extra="notes = false" if how == "config" else "")
    setup.sid, setup.source = sid, f"gsheet:{sid}"
    assert_clean_exit(setup.run("init", source=setup.source), 0)
    _type(
        fake_google, sid, [[1, "Mô hình dân vận khéo ở bộ phận một cửa", 1, "Quý II/2023", "", "Nhóm", "Quý IV/2023"]]
    )
    result = _aggregate(setup, fake_google, *(["--no-notes"] if how == "flag" else []))
    assert fake_google.writes() == 1  # the summary still written
    assert _notes(fake_google, sid) == {}
    assert "Ghi chú ở ô cần sửa" not in flat(result.output)


def test_notes_reported_in_the_output(env, fake_google):
    _type(
        fake_google,
        env.sid,
        [[1, "Mô hình dân vận khéo ở bộ phận một cửa", 1, "Quý II/2023", "", "Nhóm", "Quý IV/2023"]],
    )
    fake_google.reset_log()
    result = env.run("aggregate", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    assert "Ghi chú ở ô cần sửa trên trang đơn vị: 2 ghi mới hoặc cập nhật, 0 xóa" in flat(result.output)


def test_notes_turned_off_in_the_config_remove_ours_and_no_notes_keeps_them(env, fake_google):
    sid = env.sid
    _type(
        fake_google, sid, [[1, "Mô hình dân vận khéo ở bộ phận một cửa", 1, "Quý II/2023", "", "Nhóm", "Quý IV/2023"]]
    )
    _sheet(fake_google, sid).insert_note(f"B{ROW}", THEIR_OTHER)
    _aggregate(env, fake_google)
    ours = {k for k, v in _notes(fake_google, sid).items() if v.startswith(NOTE_PREFIX)}
    assert ours == {f"E{ROW}", f"F{ROW}"}

    # --no-notes is one run without notes: what is there stays.
    _aggregate(env, fake_google, "--no-notes")
    assert {k for k, v in _notes(fake_google, sid).items() if v.startswith(NOTE_PREFIX)} == ours

    # notes = false turns them off for good: ours go (they would claim to vanish once fixed and never
    # would), in the one write request, someone else's stays.
    env.config.write_text(env.config.read_text(encoding="utf-8").replace("[google]\n", "[google]\nnotes = false\n"),
                          encoding="utf-8")
    fake_google.reset_log()
    result = env.run("aggregate", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    assert fake_google.writes() == 1
    (write,) = [r for r in fake_google.requests if r.is_write]
    assert all(r["updateCells"]["rows"] == [{"values": [{}]}] for r in write.body["requests"] if "updateCells" in r
               and r["updateCells"].get("fields") == "note")
    assert _notes(fake_google, sid) == {f"B{ROW}": THEIR_OTHER}
    assert "Đã xóa 2 ghi chú cũ của công cụ" in flat(result.output)
    _aggregate(env, fake_google)
    assert fake_google.writes() == 0

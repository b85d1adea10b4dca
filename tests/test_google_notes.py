"""aggregate's notes on the units' problem cells (issue 16): written, updated and removed across
runs, each run one write request with the summary; values, formats and other people's notes kept.

Through the real gspread client against the fake over HTTP.
"""

from __future__ import annotations

import pytest

from danvan_sheets.google.notes import LEGACY_FOOTER, NOTE_CLOSE, NOTE_PREFIX
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


# A clerk's reply under our note (the user trial: it was erased by the next run, then deleted with the note).
REPLY = "-- Lan (VP Cục Thuế): em sẽ hỏi lại phòng TCCB"
ABOVE = "Chị Hà (Ban Tuyên giáo): đã nhắc qua Zalo"
NO_PLACE = [[1, "Mô hình dân vận khéo ở bộ phận một cửa", 1, "Quý II/2023", "", "Nhóm", "Quý IV/2023"]]
# What the versions before NOTE_CLOSE wrote on E8 for NO_PLACE: prefix line, bullets, footer; no marker.
LEGACY_E8 = "\n".join([
    f"{NOTE_PREFIX} Cần sửa ô này:",
    "• Chưa ghi địa điểm triển khai. Hãy ghi nơi triển khai: phòng, ban, bộ phận…",
    LEGACY_FOOTER,
])


def _note_writes(fake):
    """The cells (A1) each note request of the run's write went to."""
    writes = [r for r in fake.requests if r.is_write]
    return sorted(
        f"{chr(65 + u['range']['startColumnIndex'])}{u['range']['startRowIndex'] + 1}"
        for w in writes for r in w.body["requests"] if (u := r.get("updateCells")) and u.get("fields") == "note"
    )


def _block(note):
    """Our block in a note: the prefix line through the closing marker's own line."""
    start = note.index(NOTE_PREFIX)
    return note[start:note.index("\n" + NOTE_CLOSE, start) + 1 + len(NOTE_CLOSE)]


def _reply_to(fake, sid, a1, text, *, above=False):
    """What a clerk does in Sheets: edit the note, their text below (or above) ours."""
    note = _notes(fake, sid)[a1]
    _sheet(fake, sid).update_note(a1, f"{text}\n{note}" if above else f"{note}\n{text}")


def test_a_reply_below_our_note_is_kept_when_the_message_changes_and_when_the_cell_is_fixed(env, fake_google):
    sid = env.sid
    _type(fake_google, sid, [[*NO_PLACE[0][:2], "hai", *NO_PLACE[0][3:]]])
    _aggregate(env, fake_google)
    _reply_to(fake_google, sid, f"C{ROW}", REPLY)

    # Nothing changed: the note with the reply is as it should be, nothing sent at all.
    _aggregate(env, fake_google)
    assert fake_google.writes() == 0

    # The message changes: only the block is replaced, the reply stays under it.
    _sheet(fake_google, sid).update([["ba"]], f"C{ROW}", value_input_option="RAW")
    result = _aggregate(env, fake_google)
    note = _notes(fake_google, sid)[f"C{ROW}"]
    assert note == f"{_block(note)}\n{REPLY}"
    assert "Số lượng “ba” không hợp lệ" in note and "“hai”" not in note
    assert "C8" in _note_writes(fake_google)

    # The cell fixed: our block goes, the reply is the note; counted as a removal.
    _sheet(fake_google, sid).update([[1]], f"C{ROW}", value_input_option="RAW")
    _aggregate(env, fake_google)
    assert _notes(fake_google, sid)[f"C{ROW}"] == REPLY

    # The reply alone is someone's note now: never touched again.
    _aggregate(env, fake_google)
    assert fake_google.writes() == 0
    assert _notes(fake_google, sid)[f"C{ROW}"] == REPLY
    assert result.exit_code == 0


def test_removing_our_block_keeping_a_reply_is_reported_as_a_removal(env, fake_google):
    sid = env.sid
    _type(fake_google, sid, NO_PLACE)
    _aggregate(env, fake_google)
    _reply_to(fake_google, sid, f"E{ROW}", REPLY)
    _sheet(fake_google, sid).update([["Phòng Kê khai"]], f"E{ROW}", value_input_option="RAW")
    fake_google.reset_log()
    result = env.run("aggregate", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    assert "Ghi chú ở ô cần sửa trên trang đơn vị: 0 ghi mới hoặc cập nhật, 1 xóa vì đã sửa xong" in flat(result.output)
    assert _notes(fake_google, sid)[f"E{ROW}"] == REPLY


def test_text_above_and_below_our_block_is_kept_in_place(env, fake_google):
    sid = env.sid
    _type(fake_google, sid, [[*NO_PLACE[0][:2], "hai", *NO_PLACE[0][3:]]])
    _aggregate(env, fake_google)
    _reply_to(fake_google, sid, f"C{ROW}", ABOVE, above=True)
    _reply_to(fake_google, sid, f"C{ROW}", REPLY)

    _sheet(fake_google, sid).update([["ba"]], f"C{ROW}", value_input_option="RAW")
    _aggregate(env, fake_google)
    note = _notes(fake_google, sid)[f"C{ROW}"]
    assert note == f"{ABOVE}\n{_block(note)}\n{REPLY}" and "“ba”" in note

    _sheet(fake_google, sid).update([[1]], f"C{ROW}", value_input_option="RAW")
    _aggregate(env, fake_google)
    assert _notes(fake_google, sid)[f"C{ROW}"] == f"{ABOVE}\n{REPLY}"


def test_an_unchanged_note_with_a_reply_gets_no_request_when_the_summary_is_written(env, fake_google):
    sid = env.sid
    _type(fake_google, sid, NO_PLACE)
    _aggregate(env, fake_google)
    _reply_to(fake_google, sid, f"E{ROW}", REPLY)
    before = _notes(fake_google, sid)

    # Another unit's change rewrites the summary; our notes on Thuế's tab are already right.
    other = make_gspread_client(fake_google.host).open_by_key(sid).worksheet(UNITS[1][1])
    other.update([[1, "Tư pháp gần dân", 1, "Quý II/2023", "Phòng Hành chính", "Tập thể", "Quý IV/2023"]],
                 f"A{ROW}:G{ROW}", value_input_option="RAW")
    _aggregate(env, fake_google)
    assert fake_google.writes() == 1 and _note_writes(fake_google) == []
    assert _notes(fake_google, sid) == before


def test_a_note_of_the_previous_version_with_a_reply_keeps_the_reply(env, fake_google):
    """Notes written before the closing marker: the block ends at their footer line."""
    sid = env.sid
    _type(fake_google, sid, NO_PLACE)
    _aggregate(env, fake_google, "--no-notes")
    _sheet(fake_google, sid).insert_note(f"E{ROW}", f"{LEGACY_E8}\n{REPLY}")

    # Still a problem: the block is brought to the current form, the reply kept under it.
    _aggregate(env, fake_google)
    note = _notes(fake_google, sid)[f"E{ROW}"]
    assert note == f"{_block(note)}\n{REPLY}"
    assert note.count(NOTE_PREFIX) == 1 and LEGACY_FOOTER not in note and "Chưa ghi địa điểm" in note

    # Fixed: only the reply is left.
    _sheet(fake_google, sid).update([["Phòng Kê khai"]], f"E{ROW}", value_input_option="RAW")
    _aggregate(env, fake_google)
    assert _notes(fake_google, sid)[f"E{ROW}"] == REPLY


@pytest.mark.parametrize(("legacy", "left"), [
    # Fixed at once: the old block goes, the reply after its footer stays.
    (f"{LEGACY_E8}\n{REPLY}", REPLY),
    # Footer deleted by hand: only the prefix and bullet lines are surely ours.
    (f"{LEGACY_E8.rsplit(chr(10), 1)[0]}\n{REPLY}", REPLY),
    # No reply: the whole note goes.
    (LEGACY_E8, None),
])
def test_a_note_of_the_previous_version_on_a_fixed_cell(env, fake_google, legacy, left):
    sid = env.sid
    _type(fake_google, sid, [[*NO_PLACE[0][:4], "Phòng Kê khai", *NO_PLACE[0][5:]]])
    _sheet(fake_google, sid).insert_note(f"E{ROW}", legacy)
    _aggregate(env, fake_google)
    assert _notes(fake_google, sid).get(f"E{ROW}") == left


@pytest.mark.parametrize("how", ["flag", "config"])
def test_notes_turned_off_keep_a_reply(env, fake_google, how):
    sid = env.sid
    _type(fake_google, sid, NO_PLACE)
    _aggregate(env, fake_google)
    _reply_to(fake_google, sid, f"E{ROW}", REPLY)
    with_reply = _notes(fake_google, sid)[f"E{ROW}"]
    if how == "flag":
        # One run without notes: nothing of the note changes.
        _aggregate(env, fake_google, "--no-notes")
        assert fake_google.writes() == 0 and _notes(fake_google, sid)[f"E{ROW}"] == with_reply
        return
    env.config.write_text(env.config.read_text(encoding="utf-8").replace("[google]\n", "[google]\nnotes = false\n"),
                          encoding="utf-8")
    fake_google.reset_log()
    result = env.run("aggregate", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    notes = _notes(fake_google, sid)
    assert notes[f"E{ROW}"] == REPLY and f"F{ROW}" not in notes
    assert "Đã xóa 2 ghi chú cũ của công cụ" in flat(result.output)

"""The lock after the deadline (issue 16): each unit's tab turns staff-only after deadline + grace,
one write request for all units, a unit with "Gia hạn đến" in the registry keeps editing until
that day, nothing sent when nothing changes, each change recorded in the history.

Through the real gspread client against the fake over HTTP; the day is given with --as-of.
"""

from __future__ import annotations

import csv
import sqlite3

import pytest

from danvan_sheets.google.layout import locked_description, protection_descriptions
from danvan_sheets.registry import parse_units
from tests.google_helpers import STAFF, UNITS, assert_clean_exit, flat, make_setup

CALLER = "danvan-sheets@du-an-thu.iam.gserviceaccount.com"
# Deadline 2023-04-25 in the test config; [google] lock_grace_days defaults to 3: units edit through 28/04.
LAST_DAY, FIRST_LOCKED = "2023-04-28", "2023-04-29"
EXTENDED_TO = "05/05/2023"


def _units(path, extensions: dict[str, str]):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Email", "Gia hạn đến"])
        for code, name, kind, email, _tab in UNITS:
            w.writerow([code, name, kind, email, extensions.get(code, "")])


@pytest.fixture
def env(tmp_path, fake_google):
    # Google keeps the requesting account among a protected range's editors: so does the fake here.
    fake_google.caller_email = CALLER
    sid = fake_google.create_spreadsheet("Đăng ký Dân vận khéo 2023")
    setup = make_setup(tmp_path, fake_google.host)
    setup.sid, setup.source = sid, f"gsheet:{sid}"
    setup.db = tmp_path / "lich-su.sqlite"
    setup.config.write_text(setup.config.read_text(encoding="utf-8")
                            + f'\n[history]\npath = "{setup.db.as_posix()}"\n', encoding="utf-8")
    _units(setup.units, {"CB-TUPHAP": EXTENDED_TO})
    assert_clean_exit(setup.run("init", source=setup.source), 0)
    # A check puts the units in the history, as the scheduled runs do long before the deadline.
    assert setup.run("check", "--as-of", "2023-04-20", source=setup.source).exit_code in (0, 1)
    fake_google.reset_log()
    return setup


def _unit(code):
    from danvan_sheets.core.model import Unit

    code_, name, _kind, email, _tab = next(u for u in UNITS if u[0] == code)
    return Unit(code_, name, "", email)


def _editors(fake, sid, code) -> tuple[str, set[str]]:
    """(description, editors) of the unit tab's whole-tab protection."""
    u = _unit(code)
    wanted = {protection_descriptions(u)[0], locked_description(u)}
    (pr,) = [p for p in fake.protected_ranges(sid) if p.get("description") in wanted]
    return pr["description"], set(pr["editors"]["users"])


def _lock(env, fake, day, *args):
    fake.reset_log()
    result = env.run("init", "--lock-after-deadline", "--as-of", day, *args, source=env.source)
    assert_clean_exit(result, 0)
    return result


def _lock_rows(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT unit, action, due FROM locks ORDER BY id").fetchall()


def test_lock_after_deadline_with_an_extension(env, fake_google):
    sid = env.sid
    thue, tuphap, ccb = (u[0] for u in UNITS)
    open_editors = {code: {*STAFF, CALLER, _unit(code).email} for code in (thue, tuphap, ccb)}
    assert {c: _editors(fake_google, sid, c)[1] for c in open_editors} == open_editors

    # Through the last day of grace: nothing is sent, and the output says units still edit.
    result = _lock(env, fake_google, LAST_DAY)
    assert fake_google.writes() == 0
    assert "Chưa quá hạn khóa" in flat(result.output) and "28/04/2023" in result.output
    assert _lock_rows(env.db) == []

    # The day after: one write request locks both units without an extension.
    result = _lock(env, fake_google, FIRST_LOCKED)
    assert fake_google.writes() == 1
    (write,) = [r for r in fake_google.requests if r.is_write]
    reqs = write.body["requests"]
    assert [next(iter(r)) for r in reqs] == ["updateProtectedRange", "updateProtectedRange"]
    for r in reqs:
        body = r["updateProtectedRange"]
        assert isinstance(body["protectedRange"]["protectedRangeId"], int)
        assert set(body["fields"].split(",")) == {"description", "warningOnly", "editors"}
    for code in (thue, ccb):
        desc, editors = _editors(fake_google, sid, code)
        assert desc == locked_description(_unit(code))
        assert editors == {*STAFF, CALLER}  # the unit's own address is gone
    assert _editors(fake_google, sid, tuphap) == (protection_descriptions(_unit(tuphap))[0], open_editors[tuphap])
    out = flat(result.output)
    assert "Đã khóa 2 trang đơn vị" in out and "Chi bộ Sở Tư pháp (đến hết ngày 05/05/2023)" in out
    assert sorted(_lock_rows(env.db)) == sorted([(ccb, "locked", "2023-04-28"), (thue, "locked", "2023-04-28")])

    # Again: already locked (Google listing the tool's own account too): nothing sent, nothing recorded.
    result = _lock(env, fake_google, "2023-04-30")
    assert fake_google.writes() == 0
    assert "2 trang đã khóa từ trước" in flat(result.output)
    assert len(_lock_rows(env.db)) == 2

    # init later neither adds a unit-editable protection beside the lock nor changes anything.
    fake_google.reset_log()
    assert_clean_exit(env.run("init", source=env.source), 0)
    assert fake_google.writes() == 0

    # Still inside the extension: the excepted unit edits; after it, it is locked, one request.
    _lock(env, fake_google, "2023-05-05")
    assert fake_google.writes() == 0
    _lock(env, fake_google, "2023-05-06")
    (write,) = [r for r in fake_google.requests if r.is_write]
    assert len(write.body["requests"]) == 1
    assert _editors(fake_google, sid, tuphap) == (locked_description(_unit(tuphap)), {*STAFF, CALLER})
    assert _lock_rows(env.db)[-1] == (tuphap, "locked", "2023-05-05")

    # The history of a unit says when its tab was locked.
    result = env.run("history", thue, units=False)
    assert_clean_exit(result, 0)
    out = flat(result.output)
    assert "Đã khóa trang, chỉ Ban Tuyên giáo sửa được (đơn vị được sửa đến hết ngày 28/04/2023)" in out
    assert out.count("Đã khóa trang") == 1
    result = env.run("history", units=False)
    assert "trang đã khóa từ" in flat(result.output)


def test_an_extension_added_after_the_lock_opens_the_tab_again(env, fake_google):
    thue = UNITS[0][0]
    _lock(env, fake_google, FIRST_LOCKED)
    _units(env.units, {thue: "2023-05-10", "CB-TUPHAP": EXTENDED_TO})
    result = _lock(env, fake_google, "2023-05-01")
    (write,) = [r for r in fake_google.requests if r.is_write]
    assert len(write.body["requests"]) == 1
    assert _editors(fake_google, env.sid, thue) == (protection_descriptions(_unit(thue))[0],
                                                     {*STAFF, CALLER, _unit(thue).email})
    assert "Đã mở lại 1 trang" in flat(result.output)
    assert _lock_rows(env.db)[-1] == (thue, "reopened", "2023-05-10")
    out = flat(env.run("history", thue, units=False).output)
    assert "Mở lại trang cho đơn vị sửa (gia hạn đến hết ngày 10/05/2023)" in out


def test_a_tab_without_protection_gets_a_locked_one(env, fake_google):
    thue = UNITS[0][0]
    # Someone removed the unit's protection by hand: the lock adds a staff-only one.
    book = fake_google.spreadsheet(env.sid)
    desc = protection_descriptions(_unit(thue))[0]
    book.protected_ranges = [p for p in book.protected_ranges if p.get("description") != desc]
    _lock(env, fake_google, FIRST_LOCKED)
    (write,) = [r for r in fake_google.requests if r.is_write]
    kinds = sorted(next(iter(r)) for r in write.body["requests"])
    assert kinds == ["addProtectedRange", "updateProtectedRange"]
    assert _editors(fake_google, env.sid, thue) == (locked_description(_unit(thue)), {*STAFF, CALLER})


def test_the_scheduled_aggregate_locks_in_its_one_write(tmp_path, fake_google):
    fake_google.caller_email = CALLER
    sid = fake_google.create_spreadsheet("Đăng ký 2023")
    setup = make_setup(tmp_path, fake_google.host, google_extra="lock_after_deadline = true\nlock_grace_days = 1")
    source = f"gsheet:{sid}"
    _units(setup.units, {})
    assert_clean_exit(setup.run("init", source=source), 0)

    fake_google.reset_log()
    result = setup.run("aggregate", "--as-of", "2023-04-26", source=source)
    assert_clean_exit(result, 0)
    assert "Chưa quá hạn khóa" in flat(result.output) and "26/04/2023" in result.output
    assert not any("ProtectedRange" in next(iter(r)) for w in fake_google.requests if w.is_write
                   for r in w.body["requests"])

    fake_google.reset_log()
    result = setup.run("aggregate", "-q", "--as-of", "2023-04-27", source=source)
    assert_clean_exit(result, 0)
    assert fake_google.writes() == 1  # the summary and the lock together
    (write,) = [r for r in fake_google.requests if r.is_write]
    assert sum(1 for r in write.body["requests"] if "updateProtectedRange" in r) == len(UNITS)
    for code, *_ in UNITS:
        assert _editors(fake_google, sid, code) == (locked_description(_unit(code)), {*STAFF, CALLER})

    fake_google.reset_log()
    assert_clean_exit(setup.run("aggregate", "-q", "--as-of", "2023-04-28", source=source), 0)
    assert fake_google.writes() == 0
    result = setup.run("history", UNITS[0][0], units=False)
    assert "Đã khóa trang" in flat(result.output)


@pytest.mark.parametrize("args", [("--create", "Đăng ký 2024"), ("--share",), ("--form-sheet",)])
def test_lock_is_not_mixed_with_layout(env, fake_google, args):
    result = env.run("init", "--lock-after-deadline", *args, source=None if args[0] == "--create" else env.source)
    assert_clean_exit(result, 2)
    assert "--lock-after-deadline" in result.output and fake_google.writes() == 0


def test_as_of_without_the_lock_is_a_usage_error(env, fake_google):
    result = env.run("init", "--as-of", FIRST_LOCKED, source=env.source)
    assert_clean_exit(result, 2)
    assert "--as-of chỉ dùng cùng --lock-after-deadline" in result.output


def test_registry_extension_dates():
    text = ("Mã đơn vị;Tên đơn vị;Loại đơn vị;Email;Gia hạn đến\n"
            "A;Đảng bộ A;Đảng bộ cơ sở;a@x.vn;05/05/2023\n"
            "B;Chi bộ B;Chi bộ cơ sở;b@x.vn;2023-05-06\n"
            "C;Chi bộ C;Chi bộ cơ sở;c@x.vn;\n")
    import datetime as dt

    units = {u.code: u.extended_until for u in parse_units(text)}
    assert units == {"A": dt.date(2023, 5, 5), "B": dt.date(2023, 5, 6), "C": None}


def test_registry_bad_extension_dates_reported_together():
    from danvan_sheets.errors import ConfigError

    text = ("ma_don_vi,ten_don_vi,loai_don_vi,email,gia_han_den\n"
            "A,Đảng bộ A,Đảng bộ cơ sở,a@x.vn,sau Tết\n"
            "B,Chi bộ B,Chi bộ cơ sở,b@x.vn,31/02/2023\n")
    with pytest.raises(ConfigError) as err:
        parse_units(text)
    message = str(err.value)
    assert "dòng 2, cột Gia hạn đến: “sau Tết”" in message and "dòng 3, cột Gia hạn đến: “31/02/2023”" in message

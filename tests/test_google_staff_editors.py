"""Re-running init brings the editors of the tool's own protected ranges up to date (a user trial:
staff_emails added after `init --create` never reached the ranges, nor Drive): missing editors
are added in init's one batchUpdate, nobody is removed, other people's ranges are left alone.

Through the real gspread client against the fake over HTTP (tests/fakes/).
"""

from __future__ import annotations

import requests

from danvan_sheets.core.tables import SUMMARY_SHEETS
from tests.google_helpers import STAFF, UNITS, assert_clean_exit, flat, make_setup, write_config, write_units

THUE = UNITS[0][1]
EMAIL = {u[1]: u[3] for u in UNITS}
FOREIGN = "Khóa riêng của Văn phòng"
CLERK = "vanthu@example.vn"
GROUP = "lanhdao@example.vn"
# Hướng dẫn, the summary pages, and two per unit tab (whole tab, title rows).
TOOL_RANGES = 1 + len(SUMMARY_SHEETS) + 2 * len(UNITS)


def _batch(fake, sid: str, *reqs: dict) -> dict:
    reply = requests.post(f"http://{fake.host}/v4/spreadsheets/{sid}:batchUpdate", json={"requests": list(reqs)},
                          timeout=5)
    assert reply.ok, reply.text
    return reply.json()


def _sheet_id(fake, sid: str, title: str) -> int:
    return next(s.sheet_id for s in fake.spreadsheet(sid).sheets if s.title == title)


def _range(fake, sid: str, description: str) -> dict:
    (pr,) = [p for p in fake.protected_ranges(sid) if p.get("description") == description]
    return pr


def _batch_updates(fake) -> list[dict]:
    return [r.body or {} for r in fake.requests if r.path.endswith(":batchUpdate")]


def _created_without_staff(tmp_path, fake):
    setup = make_setup(tmp_path, fake.host, staff=[])
    result = setup.run("init", "--create", "Đăng ký Dân vận khéo 2023")
    assert_clean_exit(result, 0)
    assert "chưa ghi [google] staff_emails" in flat(result.output)
    (sid,) = fake.spreadsheet_ids()
    setup.sid, setup.source = sid, f"gsheet:{sid}"
    return setup


def test_staff_added_after_create_get_every_tool_range_and_the_file_in_one_batch(tmp_path, fake_google):
    setup = _created_without_staff(tmp_path, fake_google)
    sid = setup.sid
    # Someone's own lock on the guide, and a group added by hand to the guide's tool range.
    _batch(fake_google, sid, {"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": _sheet_id(fake_google, sid, "Hướng dẫn"), "startRowIndex": 0, "endRowIndex": 1},
        "description": FOREIGN, "editors": {"users": [CLERK]}}}})
    guide = _range(fake_google, sid, "Trang “Hướng dẫn”: chỉ Ban Tuyên giáo được sửa")
    _batch(fake_google, sid, {"updateProtectedRange": {"protectedRange": {
        "protectedRangeId": guide["protectedRangeId"], "editors": {"groups": [GROUP]}}, "fields": "editors"}})
    foreign = _range(fake_google, sid, FOREIGN)
    assert fake_google.permissions(sid) == []  # nobody to share with at --create

    write_config(setup.config, staff=STAFF)
    fake_google.reset_log()
    result = setup.run("init", "--share", source=setup.source)
    assert_clean_exit(result, 0)
    out = flat(result.output)

    (body,) = _batch_updates(fake_google)
    assert {next(iter(r)) for r in body["requests"]} == {"updateProtectedRange"}
    assert {r["updateProtectedRange"]["fields"] for r in body["requests"]} == {"editors"}
    assert len(body["requests"]) == TOOL_RANGES
    ranges = [p for p in fake_google.protected_ranges(sid) if p.get("description") != FOREIGN]
    assert len(ranges) == TOOL_RANGES
    for pr in ranges:
        users = set(pr["editors"]["users"])
        assert users >= set(STAFF), pr["description"]
        unit = next((name for name in EMAIL if name in pr["description"]), None)
        if unit and pr["description"].startswith("Trang của"):
            assert users == {*STAFF, EMAIL[unit]}
        else:
            assert users == set(STAFF)
    assert _range(fake_google, sid, "Trang “Hướng dẫn”: chỉ Ban Tuyên giáo được sửa")["editors"]["groups"] == [GROUP]
    assert _range(fake_google, sid, FOREIGN) == foreign

    perms = {p["emailAddress"]: p["role"] for p in fake_google.permissions(sid)}
    assert perms == {**{e: "writer" for e in STAFF}, **{e: "writer" for e in EMAIL.values()}}
    assert f"Đã thêm người được sửa vào {TOOL_RANGES} vùng khóa đã có: {', '.join(STAFF)}." in out
    assert f"Đã chia sẻ cho Ban Tuyên giáo (quyền Người chỉnh sửa): {', '.join(STAFF)}." in out
    assert "không cần thay đổi" not in out and "chưa ghi [google] staff_emails" not in out
    assert CLERK not in out  # someone else's range is not ours to report on

    before = fake_google.protected_ranges(sid)
    fake_google.reset_log()
    again = setup.run("init", "--share", source=setup.source)
    assert_clean_exit(again, 0)
    assert fake_google.writes() == 0
    assert fake_google.protected_ranges(sid) == before
    assert "Bảng tính đã đủ trang và vùng khóa, không cần thay đổi." in flat(again.output)
    assert "vùng khóa đã có" not in again.output


def test_a_units_new_email_is_added_and_the_old_one_named_not_removed(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký Dân vận khéo 2023")
    setup = make_setup(tmp_path, fake_google.host)
    assert_clean_exit(setup.run("init", source=f"gsheet:{sid}"), 0)
    old, new = EMAIL[THUE], "vanphong.moi@example.vn"
    before = {p["protectedRangeId"]: p for p in fake_google.protected_ranges(sid)}
    write_units(setup.units, [(*UNITS[0][:3], new, ""), *UNITS[1:]])

    fake_google.reset_log()
    result = setup.run("init", source=f"gsheet:{sid}")
    assert_clean_exit(result, 0)
    out = flat(result.output)
    (body,) = _batch_updates(fake_google)
    (req,) = body["requests"]
    assert req["updateProtectedRange"]["fields"] == "editors"
    pid = req["updateProtectedRange"]["protectedRange"]["protectedRangeId"]
    after = {p["protectedRangeId"]: p for p in fake_google.protected_ranges(sid)}
    assert before[pid]["description"] == f"Trang của {THUE}: chỉ đơn vị và Ban Tuyên giáo được sửa"
    assert set(after[pid]["editors"]["users"]) == {*STAFF, old, new}  # the old address keeps its rights
    assert {k: v for k, v in after.items() if k != pid} == {k: v for k, v in before.items() if k != pid}
    assert f"Đã thêm người được sửa vào 1 vùng khóa đã có: {new}." in out
    assert f"Lưu ý: {old} vẫn sửa được 1 vùng khóa (trang: {THUE})" in out and "gỡ bằng tay" in out
    assert "danvan init --share" in out  # the new address cannot open the file until it is shared


def test_staff_dropped_from_the_config_keep_their_rights_and_are_named(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký Dân vận khéo 2023")
    setup = make_setup(tmp_path, fake_google.host)
    assert_clean_exit(setup.run("init", source=f"gsheet:{sid}"), 0)
    before = fake_google.protected_ranges(sid)
    write_config(setup.config, staff=STAFF[:1])

    fake_google.reset_log()
    result = setup.run("init", source=f"gsheet:{sid}")
    assert_clean_exit(result, 0)
    assert fake_google.writes() == 0
    assert fake_google.protected_ranges(sid) == before
    out = flat(result.output)
    assert f"Lưu ý: {STAFF[1]} vẫn sửa được {TOOL_RANGES} vùng khóa" in out
    assert "Công cụ không tự gỡ quyền sửa" in out and "Trang tính và dải ô được bảo vệ" in out
    assert f"{STAFF[0]} vẫn sửa được" not in out
    assert "không cần thay đổi" in out


def test_a_tab_locked_after_the_deadline_gets_new_staff_but_not_its_unit_back(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký Dân vận khéo 2023")
    setup = make_setup(tmp_path, fake_google.host, staff=STAFF[:1])
    setup.config.write_text(setup.config.read_text(encoding="utf-8")
                            + f'\n[history]\npath = "{(tmp_path / "lich-su.sqlite").as_posix()}"\n', encoding="utf-8")
    assert_clean_exit(setup.run("init", source=f"gsheet:{sid}"), 0)
    assert_clean_exit(setup.run("init", "--lock-after-deadline", "--as-of", "2023-05-10", source=f"gsheet:{sid}"), 0)
    locked = f"Trang của {THUE}: đã khóa sau hạn đăng ký, chỉ Ban Tuyên giáo được sửa"
    assert set(_range(fake_google, sid, locked)["editors"]["users"]) == {STAFF[0]}
    text = setup.config.read_text(encoding="utf-8").replace(f'["{STAFF[0]}"]', f'["{STAFF[0]}", "{STAFF[1]}"]')
    setup.config.write_text(text, encoding="utf-8")

    result = setup.run("init", source=f"gsheet:{sid}")
    assert_clean_exit(result, 0)
    assert set(_range(fake_google, sid, locked)["editors"]["users"]) == set(STAFF)
    assert f"Đã thêm người được sửa vào {TOOL_RANGES} vùng khóa đã có: {STAFF[1]}." in flat(result.output)

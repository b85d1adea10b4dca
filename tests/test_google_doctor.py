"""`danvan doctor` and the service-account key: what it says to fix, its exit codes, and that the
private key never shows up in anything the tool prints.

With a real key and no emulator the client would ask Google for a token: every key here names a
loopback token_uri (the fake, which refuses the grant like Google does for a deleted key), so
nothing leaves the machine; the "sheet opens" part is checked through the emulator.
"""

from __future__ import annotations

import json

import pytest

from tests.google_helpers import UNITS, assert_clean_exit, flat, make_setup, service_account_key

SHARE_ADVICE = "Hãy chia sẻ bảng tính với"
SA_EMAIL = "danvan-sheets@du-an-thu.iam.gserviceaccount.com"


@pytest.fixture
def sid(fake_google):
    # Two of the three units have a tab; one odd tab.
    return fake_google.create_spreadsheet("Đăng ký 2023", [UNITS[0][1], UNITS[1][1], "Nháp"])


def _key_setup(tmp_path, fake_google, mode=0o600, via="env"):
    """No emulator: the key is used for real, its token_uri on the fake (loopback)."""
    key = tmp_path / "khoa.json"
    info = service_account_key(key, f"http://{fake_google.host}/token", mode=mode)
    extra = f'credentials = "{key}"' if via == "config" else ""
    setup = make_setup(tmp_path, None, google_extra=extra)
    if via == "env":
        setup.env["GOOGLE_APPLICATION_CREDENTIALS"] = str(key)
    return setup, key, info


def test_doctor_with_the_emulator(tmp_path, fake_google, sid):
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("doctor", source=f"gsheet:{sid}")
    assert_clean_exit(result, 0)
    out = flat(result.output)
    assert "SHEETS_EMULATOR_HOST" in out
    assert "Mở được bảng tính “Đăng ký 2023” (3 trang)" in out
    assert f"{UNITS[0][1]} → trang “{UNITS[0][1]}”" in out
    assert f"{UNITS[2][1]}: chưa có trang" in out and "danvan init" in out
    assert "Trang “Nháp” không khớp đơn vị nào" in out
    assert "Mọi thứ đã sẵn sàng" not in out  # not under a ✗
    assert "còn mục đánh dấu ✗" in out
    assert [r.method for r in fake_google.requests] == ["GET"]  # one metadata read, nothing written


def test_doctor_all_good_after_init(tmp_path, fake_google, sid):
    setup = make_setup(tmp_path, fake_google.host)
    url = f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=0"  # a URL works as well as the id
    assert_clean_exit(setup.run("init", source=f"gsheet:{url}"), 0)
    result = setup.run("doctor", source=f"gsheet:{url}")
    assert_clean_exit(result, 0)
    out = flat(result.output)
    assert "✗" not in out and "Mọi thứ đã sẵn sàng" in out


@pytest.mark.parametrize("status", [403, 404])
def test_doctor_sheet_not_shared(tmp_path, fake_google, sid, status):
    setup = make_setup(tmp_path, fake_google.host)
    fake_google.fail(status, times=None)
    result = setup.run("doctor", source=f"gsheet:{sid}")
    assert_clean_exit(result, 3)
    out = flat(result.output)
    assert f"mã {status}" in out and SHARE_ADVICE in out and "quyền Người chỉnh sửa" in out
    assert len(fake_google.requests) == 1  # not retried


def test_doctor_unknown_spreadsheet(tmp_path, fake_google):
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("doctor", source="gsheet:1NoSuchSpreadsheetAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert_clean_exit(result, 3)
    assert SHARE_ADVICE in flat(result.output)


@pytest.mark.parametrize("via", ["env", "config"])
def test_doctor_reports_the_key_and_its_permissions(tmp_path, fake_google, sid, via):
    setup, key, _ = _key_setup(tmp_path, fake_google, mode=0o644, via=via)
    result = setup.run("doctor", source=f"gsheet:{sid}")
    out = flat(result.output)
    assert f"Đọc được tệp khóa {key}" in out
    assert f"Tài khoản dịch vụ: {SA_EMAIL}" in out and "quyền Người chỉnh sửa" in out
    assert f"chmod 600 {key}" in out  # readable by others: warned
    # The fake refuses the token grant, as Google does for a deleted key: exit 3, said in Vietnamese.
    assert_clean_exit(result, 3)
    assert "Google không chấp nhận khóa" in out
    assert [r.path for r in fake_google.requests] == ["/token"]  # and nothing reached the Sheets API

    key.chmod(0o600)
    quiet = flat(setup.run("doctor", source=f"gsheet:{sid}").output)
    assert f"Tài khoản dịch vụ: {SA_EMAIL}" in quiet
    assert "chmod" not in quiet and "người dùng khác" not in quiet


def _bad_key(path, kind):
    if kind == "missing":
        return
    if kind == "not json":
        path.write_text("{ đây không phải JSON", encoding="utf-8")
    elif kind == "not a service account":
        path.write_text(json.dumps({"installed": {"client_id": "x"}}), encoding="utf-8")
    elif kind == "missing fields":
        path.write_text(json.dumps({"type": "service_account", "client_email": SA_EMAIL}), encoding="utf-8")
    path.chmod(0o600)


@pytest.mark.parametrize("kind", ["missing", "not json", "not a service account", "missing fields"])
def test_doctor_bad_key_file_exit_2(tmp_path, fake_google, sid, kind):
    key = tmp_path / "khoa.json"
    _bad_key(key, kind)
    setup = make_setup(tmp_path, None)
    setup.env["GOOGLE_APPLICATION_CREDENTIALS"] = str(key)
    result = setup.run("doctor", source=f"gsheet:{sid}")
    assert_clean_exit(result, 2)
    assert str(key) in flat(result.output)
    assert fake_google.requests == []


def test_doctor_broken_private_key_exit_2(tmp_path, fake_google, sid):
    setup, key, info = _key_setup(tmp_path, fake_google)
    info["private_key"] = info["private_key"][:300] + "\n-----END PRIVATE KEY-----\n"
    key.write_text(json.dumps(info), encoding="utf-8")
    result = setup.run("doctor", source=f"gsheet:{sid}")
    assert_clean_exit(result, 2)
    assert "không dùng được" in flat(result.output)
    assert fake_google.requests == []


def test_doctor_without_any_key_exit_2(tmp_path, fake_google, sid):
    setup = make_setup(tmp_path, None)
    result = setup.run("doctor", source=f"gsheet:{sid}")
    assert_clean_exit(result, 2)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in flat(result.output)


def test_check_with_a_refused_key_is_exit_3_not_a_crash(tmp_path, fake_google, sid):
    setup, _key, _ = _key_setup(tmp_path, fake_google)
    for command in ("check", "aggregate", "init"):
        result = setup.run(command, source=f"gsheet:{sid}")
        assert_clean_exit(result, 3)
        assert "Google không chấp nhận khóa" in flat(result.stderr)


def test_unreachable_token_endpoint_is_exit_3(tmp_path, fake_google, sid):
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    key = tmp_path / "khoa.json"
    service_account_key(key, f"http://127.0.0.1:{port}/token")
    setup = make_setup(tmp_path, None)
    setup.env["GOOGLE_APPLICATION_CREDENTIALS"] = str(key)
    result = setup.run("check", source=f"gsheet:{sid}")
    assert_clean_exit(result, 3)
    assert "Không kết nối được" in flat(result.stderr)


def test_no_secret_leaks(tmp_path, fake_google, sid):
    setup, key, info = _key_setup(tmp_path, fake_google, mode=0o644)
    secret_lines = [line for line in info["private_key"].splitlines() if line and "PRIVATE KEY" not in line]
    assert len(secret_lines) > 10
    outputs = []
    for args in (["doctor"], ["check"], ["check", "--format", "json"], ["aggregate"], ["init"]):
        result = setup.run(*args, source=f"gsheet:{sid}")
        outputs += [result.output, result.stderr, repr(result.exception)]
    # The same with a key that does not parse, and a key file that is not JSON around the secret.
    info2 = dict(info, private_key=info["private_key"][:400] + "\n-----END PRIVATE KEY-----\n")
    key.write_text(json.dumps(info2), encoding="utf-8")
    for args in (["doctor"], ["check"]):
        result = setup.run(*args, source=f"gsheet:{sid}")
        outputs += [result.output, result.stderr, repr(result.exception)]
    key.write_text("private_key = " + info["private_key"], encoding="utf-8")
    for args in (["doctor"], ["check"]):
        result = setup.run(*args, source=f"gsheet:{sid}")
        outputs += [result.output, result.stderr, repr(result.exception)]
    text = "\n".join(outputs)
    assert "BEGIN PRIVATE KEY" not in text
    for line in secret_lines:
        assert line not in text
    assert info["private_key_id"] not in text

"""Set-up against what real accounts do (issue 16): a service account cannot create a file in
"My Drive", a created sheet is shared with the staff, init never locks a unit's own rows,
doctor's 404 and the OAuth "Testing" 7-day token.

Through the real gspread client against the fake over HTTP (tests/fakes/).
"""

from __future__ import annotations

import json

import pytest

from tests.fakes.fixtures import make_gspread_client
from tests.google_helpers import STAFF, UNITS, assert_clean_exit, flat, make_setup

THUE = UNITS[0][1]
SHARED_DRIVE_FOLDER = "0AbCdSharedDriveFolder_1234"


def test_service_account_create_refused_403_storage_quota_says_what_works(tmp_path, fake_google):
    fake_google.no_drive_storage = True
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("init", "--create", "Đăng ký Dân vận khéo 2024")
    assert_clean_exit(result, 3)
    out = flat(result.stderr)
    assert "storageQuotaExceeded" in out and "tài khoản dịch vụ không có dung lượng Drive" in out
    # The three ways that work.
    assert "danvan login" in out and "--folder" in out and "danvan init --source gsheet:" in out
    assert fake_google.spreadsheet_ids() == []
    # The fake answered as Drive does (errors[].reason), and nothing was retried.
    (create,) = [r for r in fake_google.requests if r.path == "/drive/v3/files"]
    assert create.status == 403


def test_drive_answer_shape_matches_google(fake_google):
    import requests

    fake_google.no_drive_storage = True
    body = requests.post(f"http://{fake_google.host}/drive/v3/files", json={
        "name": "x", "mimeType": "application/vnd.google-apps.spreadsheet"}, timeout=5).json()
    assert body == {"error": {"code": 403, "message": "The user's Drive storage quota has been exceeded.",
                              "errors": [{"message": "The user's Drive storage quota has been exceeded.",
                                          "domain": "usageLimits", "reason": "storageQuotaExceeded"}]}}


def test_create_in_a_shared_drive_folder_and_share_with_the_staff(tmp_path, fake_google):
    fake_google.no_drive_storage = True
    fake_google.shared_drive_folders.add(SHARED_DRIVE_FOLDER)
    setup = make_setup(tmp_path, fake_google.host)
    link = f"https://drive.google.com/drive/folders/{SHARED_DRIVE_FOLDER}?usp=sharing"
    result = setup.run("init", "--create", "Đăng ký 2024", "--folder", link)
    assert_clean_exit(result, 0)
    (sid,) = fake_google.spreadsheet_ids()
    assert fake_google.spreadsheet(sid).parents == [SHARED_DRIVE_FOLDER]
    perms = fake_google.permissions(sid)
    assert sorted(p["emailAddress"] for p in perms) == sorted(STAFF)
    assert {p["role"] for p in perms} == {"writer"}
    assert "Đã chia sẻ cho Ban Tuyên giáo" in flat(result.output)


def test_a_created_sheet_is_shared_with_the_staff_as_writers(tmp_path, fake_google):
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("init", "--create", "Đăng ký 2024", "--share")
    assert_clean_exit(result, 0)
    (sid,) = fake_google.spreadsheet_ids()
    perms = {p["emailAddress"]: p["role"] for p in fake_google.permissions(sid)}
    assert perms == {**{e: "writer" for e in STAFF}, **{u[3]: "writer" for u in UNITS}}
    # The staff's invitation does not tell them to fill a unit's tab.
    staff_message = next(p["emailMessage"] for p in fake_google.permissions(sid) if p["emailAddress"] == STAFF[0])
    assert "Người chỉnh sửa" in staff_message and "trước ngày" not in staff_message


def test_a_folder_google_cannot_find_is_named_with_what_to_check(tmp_path, fake_google):
    fake_google.no_drive_storage = True
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("init", "--create", "Đăng ký 2024", "--folder", "1NotASharedDriveFolderXYZ")
    assert_clean_exit(result, 3)
    out = flat(result.stderr)
    assert "không thấy thư mục 1NotASharedDriveFolderXYZ" in out and "(mã 404)" in out
    assert "thành viên của Drive dùng chung" in out and "Content manager" in out
    assert "bảng tính khi" not in out  # not the spreadsheet-not-found advice
    assert fake_google.spreadsheet_ids() == []


def test_a_my_drive_folder_shared_with_the_service_account_is_still_refused(tmp_path, fake_google):
    # gspread #1568: sharing a "My Drive" folder with the service account does not help.
    fake_google.no_drive_storage = True
    fake_google.my_drive_folders.add("1SomeonesMyDriveFolder")
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("init", "--create", "Đăng ký 2024", "--folder", "1SomeonesMyDriveFolder")
    assert_clean_exit(result, 3)
    out = flat(result.stderr)
    assert "Thư mục 1SomeonesMyDriveFolder nằm trong “Drive của tôi”" in out and "Google Workspace" in out
    assert "storageQuotaExceeded" in out and "danvan login" in out and "danvan init --source gsheet:" in out
    assert fake_google.spreadsheet_ids() == []


def test_drive_refuses_a_parent_it_does_not_know_and_a_shared_drive_without_supports_all_drives(fake_google):
    import requests

    fake_google.shared_drive_folders.add(SHARED_DRIVE_FOLDER)
    url = f"http://{fake_google.host}/drive/v3/files"
    body = {"name": "x", "mimeType": "application/vnd.google-apps.spreadsheet", "parents": [SHARED_DRIVE_FOLDER]}
    refused = requests.post(url, json=body, timeout=5)
    assert refused.status_code == 404
    assert refused.json() == {"error": {"code": 404, "message": f"File not found: {SHARED_DRIVE_FOLDER}.", "errors": [
        {"message": f"File not found: {SHARED_DRIVE_FOLDER}.", "domain": "global", "reason": "notFound",
         "location": "fileId", "locationType": "parameter"}]}}
    assert requests.post(url, params={"supportsAllDrives": "true"}, json=body, timeout=5).status_code == 200
    assert requests.post(url, params={"supportsAllDrives": "true"}, json={**body, "parents": ["1Unknown"]},
                         timeout=5).status_code == 404


@pytest.mark.parametrize("mode", ["oauth", "service_account"])
def test_a_full_drive_is_told_apart_from_a_service_account_without_one(fake_google, mode):
    import gspread

    from danvan_sheets.errors import SourceError
    from danvan_sheets.google.errors import translate
    from danvan_sheets.google.setup import create_spreadsheet

    fake_google.no_drive_storage = True
    client = make_gspread_client(fake_google.host)
    who = None if mode == "oauth" else "danvan@du-an.iam.gserviceaccount.com"
    with pytest.raises((SourceError, gspread.exceptions.APIError)) as caught:
        create_spreadsheet(client, "Đăng ký 2024", None, mode, who)
    text = flat(str(caught.value if mode == "oauth" else translate(caught.value, "tạo bảng tính", who)))
    if mode == "oauth":  # a person's own Drive is full: no word of a service account
        assert "Drive của tài khoản đang đăng nhập đã hết dung lượng" in text and "tài khoản dịch vụ" not in text
        assert "--folder" in text and "danvan init --source gsheet:" in text
    else:
        assert "tài khoản dịch vụ không có dung lượng Drive" in text and who in text


def test_folder_without_create_is_a_usage_error(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("x")
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("init", "--folder", SHARED_DRIVE_FOLDER, source=f"gsheet:{sid}")
    assert_clean_exit(result, 2)
    assert "--folder chỉ dùng cùng --create" in flat(result.stderr)


# A unit that made its own form: no blank row, no (1)…(7) numbering row; the first model on row 6.
OWN_FORM = [
    ["ĐĂNG KÝ XÂY DỰNG MÔ HÌNH DÂN VẬN KHÉO NĂM 2023"],
    [f"Đơn vị: {THUE}"],
    ["Stt", "Tên mô hình", "Số lượng", "Thời gian xây dựng", "Địa điểm triển khai", "Quy mô thực hiện",
     "Thời gian hoàn thành"],
    ["I", "Lĩnh vực kinh tế"],
    ["", ""],
    [1, "Cán bộ thuế thân thiện vì người nộp thuế", 1, "Quý II/2023", "Bộ phận một cửa", "Tập thể", "Quý IV/2023"],
]


def _title_locks(fake, sid):
    return [p for p in fake.protected_ranges(sid) if p["description"].startswith("Tiêu đề biểu mẫu của")]


def test_init_on_a_filled_tab_locks_only_the_rows_above_its_header(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký 2023", [THUE])
    fake_google.set_values(sid, THUE, OWN_FORM)
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("init", source=f"gsheet:{sid}")
    assert_clean_exit(result, 0)
    thue_id = fake_google.sheet(sid, THUE).sheet_id
    (lock,) = [p for p in _title_locks(fake_google, sid) if p["range"].get("sheetId", 0) == thue_id]
    # Rows 1-2 (title, Đơn vị), not the header on row 3, and far from the model on row 6.
    assert lock["range"].get("startRowIndex", 0) == 0 and lock["range"]["endRowIndex"] == 2
    assert lock["editors"]["users"] == sorted(STAFF)
    # The tabs init added for the other units keep the full title lock of the form it lays out.
    other_locks = [
        p["range"]["endRowIndex"] for p in _title_locks(fake_google, sid) if p["range"].get("sheetId", 0) != thue_id
    ]
    assert other_locks == [6, 6]
    assert fake_google.get_values(sid, THUE) == OWN_FORM[:4] + [[]] + OWN_FORM[5:]  # nothing typed changed


def test_init_shrinks_an_earlier_title_lock_over_the_units_rows(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký 2023", [THUE])
    fake_google.set_values(sid, THUE, OWN_FORM)
    thue_id = fake_google.sheet(sid, THUE).sheet_id
    # What an earlier version left: the first six rows locked, the unit's first model with them.
    book = make_gspread_client(fake_google.host).open_by_key(sid)
    book.batch_update({"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": thue_id, "startRowIndex": 0, "endRowIndex": 6},
        "description": f"Tiêu đề biểu mẫu của {THUE}: chỉ Ban Tuyên giáo được sửa",
        "warningOnly": False, "editors": {"users": STAFF}}}}]})
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("init", source=f"gsheet:{sid}")
    assert_clean_exit(result, 0)
    assert "Đã thu hẹp vùng khóa tiêu đề" in flat(result.output)
    (lock,) = [p for p in _title_locks(fake_google, sid) if p["range"].get("sheetId", 0) == thue_id]
    assert lock["range"]["endRowIndex"] == 2
    # And a second run leaves it alone.
    fake_google.reset_log()
    assert_clean_exit(setup.run("init", source=f"gsheet:{sid}"), 0)
    assert fake_google.writes() == 0


def test_doctor_404_names_the_id_or_link_and_the_sharing(tmp_path, fake_google):
    setup = make_setup(tmp_path, fake_google.host)
    result = setup.run("doctor", source="gsheet:1NoSuchSpreadsheetAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert_clean_exit(result, 3)
    out = flat(result.output)
    assert "mã 404" in out and "Kiểm tra lại mã hoặc đường dẫn bảng tính" in out
    assert "1NoSuchSpreadsheetAAAAAAAAAAAAAAAAAAAAAAAAA" in out and "Hãy chia sẻ bảng tính với" in out


def _oauth_setup(tmp_path, fake_google, **token_extra):
    token = tmp_path / "token.json"
    token.write_text(json.dumps({
        "token": "ya29.old", "refresh_token": "1//expired", "token_uri": "https://oauth2.googleapis.com/token",
        "client_id": "123-danvan.apps.googleusercontent.com", "client_secret": "GOCSPX-x",
        "scopes": ["https://www.googleapis.com/auth/spreadsheets"], "expiry": "2020-01-01T00:00:00Z",
        **token_extra}), encoding="utf-8")
    token.chmod(0o600)
    return make_setup(tmp_path, None, google_extra=f'auth = "oauth"\ntoken_cache = "{token}"'), token


def test_doctor_warns_about_a_testing_app_token_that_ends_after_7_days(tmp_path, fake_google):
    setup, _token = _oauth_setup(tmp_path, fake_google, refresh_token_expiry="2023-04-30T08:00:00+00:00")
    # No sheet named: doctor stops at the sheet step (exit 2) before any request, having read the login.
    result = setup.run("doctor")
    assert_clean_exit(result, 2)
    out = flat(result.output)
    assert "✗ Google cấp mã đăng nhập có hạn, hết hạn lúc" in out and "30/04/2023" in out
    assert "“Testing”" in out and "cron" in out and "Publish app" in out and "tài khoản dịch vụ" in out
    assert fake_google.requests == []


def test_doctor_reminds_of_the_testing_limit_when_google_did_not_say(tmp_path, fake_google):
    setup, _token = _oauth_setup(tmp_path, fake_google)
    out = flat(setup.run("doctor").output)
    assert "• Nếu ứng dụng OAuth của cơ quan đang ở trạng thái “Testing”" in out and "7 ngày" in out
    assert "hết hạn lúc" not in out


def _refresh_error(fake_google):
    """What google-auth raises when a person's refresh token is refused (a real refresh against the fake:
    a token file's token_uri is overridden by google-auth, so the CLI cannot be pointed at loopback)."""
    from google.auth.exceptions import RefreshError
    from google.auth.transport.requests import Request
    from google.oauth2.credentials import Credentials

    creds = Credentials(None, refresh_token="1//expired", token_uri=f"http://{fake_google.host}/token",
                        client_id="123-danvan.apps.googleusercontent.com", client_secret="GOCSPX-x")
    with pytest.raises(RefreshError) as caught:
        creds.refresh(Request())
    return caught.value


def test_invalid_grant_at_run_time_says_why_and_what_to_do(fake_google):
    from danvan_sheets.google.errors import translate

    fake_google.fail(400, times=None, match="POST /token",
                     body={"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    err = translate(_refresh_error(fake_google), "đọc dữ liệu", None)
    assert err.exit_code == 3
    text = str(err)
    assert "invalid_grant" in text and "danvan login" in text
    assert "“Testing”" in text and "7 ngày" in text and "Publish app" in text
    assert "tạo khóa mới" not in text  # a person's login has no key to rotate


@pytest.mark.parametrize("status", [500, 503])
def test_token_endpoint_failure_does_not_say_to_rotate_the_key(tmp_path, fake_google, status):
    from tests.google_helpers import service_account_key

    sid = fake_google.create_spreadsheet("x", [THUE])
    key = tmp_path / "khoa.json"
    service_account_key(key, f"http://{fake_google.host}/token")
    setup = make_setup(tmp_path, None)
    setup.env["GOOGLE_APPLICATION_CREDENTIALS"] = str(key)
    fake_google.fail(status, times=None, match="POST /token")
    result = setup.run("check", source=f"gsheet:{sid}")
    assert_clean_exit(result, 3)
    out = flat(result.stderr)
    assert "Máy chủ đăng nhập của Google đang lỗi" in out and "không cần đổi" in out
    assert "khóa mới" not in out and "thu hồi" not in out

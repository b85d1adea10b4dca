"""Bounded and honest on broken Google answers (issue 20): a trickling answer stops at the whole-call
deadline, a 400 or a malformed or wrong-shaped reply gets advice, a write whose answer broke after
it was applied is not reported as failed. Each through the CLI: exit code, Vietnamese message, no
traceback.
"""

from __future__ import annotations

import time

import pytest

from tests.google_helpers import UNITS, assert_clean_exit, flat, make_setup
from tests.helpers_forms import model, seed_form

THUE = UNITS[0][1]


@pytest.fixture
def sid(fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký 2023", [u[1] for u in UNITS])
    fake_google.set_values(
        sid, THUE, seed_form(THUE, {"kinh_te": [model(1, "Dân vận khéo trong cải cách thủ tục thuế")]})
    )
    return sid


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_trickling_answer_is_cut_at_the_whole_call_deadline(tmp_path, fake_google, sid, where):
    # One byte every 0.5 s: each socket read succeeds, so requests' own timeout never trips.
    fake_google.trickle(0.5, times=None, match="GET /v4/spreadsheets/", where=where)
    setup = make_setup(tmp_path, fake_google.host, timeout=1, max_tries=2, max_seconds=10, base_delay=0.01)
    started = time.monotonic()
    result = setup.run("check", source=f"gsheet:{sid}")
    took = time.monotonic() - started
    assert_clean_exit(result, 3)
    assert "Hết thời gian chờ Google" in flat(result.stderr)
    # Two tries of at most 1 s each (the configured timeout), plus start-up; the answer itself
    # would take minutes (a metadata answer is a few thousand bytes).
    assert took < 5, took
    assert len(fake_google.requests) == 2


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_trickling_answer_to_the_write_is_cut_and_not_called_failed(tmp_path, fake_google, sid, where):
    # The write is applied, then its answer trickles (it ran 121 s before): cut at the deadline, and
    # since Google may well have applied it, the message says so instead of "failed, old summary kept".
    fake_google.trickle(0.5, times=None, match=r"POST .*:batchUpdate", where=where)
    setup = make_setup(tmp_path, fake_google.host, timeout=1, max_tries=2, max_seconds=10, base_delay=0.01)
    started = time.monotonic()
    result = setup.run("aggregate", "-q", "--as-of", "2023-05-02", source=f"gsheet:{sid}")
    took = time.monotonic() - started
    assert_clean_exit(result, 3)
    out = flat(result.stderr)
    assert "Hết thời gian chờ Google trả lời khi ghi trang tổng hợp" in out and "CÓ THỂ ĐÃ XONG" in out
    assert "Tổng hợp cũ vẫn giữ nguyên" not in out and "Không ghi được" not in out
    assert took < 6, took  # two tries of at most 1 s each, plus start-up and the two reads
    assert len([r for r in fake_google.requests if r.path.endswith(":batchUpdate")]) == 2
    assert "Tổng hợp" in fake_google.tabs(sid)  # it had indeed landed


def test_a_400_gets_googles_reason_and_advice(tmp_path, fake_google, sid):
    fake_google.fail(400, times=None, match="values:batchGetByDataFilter", body={"error": {
        "code": 400, "message": "Unable to parse range: 'Đảng bộ Cục Thuế'!A1", "status": "INVALID_ARGUMENT"}})
    result = make_setup(tmp_path, fake_google.host).run("check", source=f"gsheet:{sid}")
    assert_clean_exit(result, 3)
    out = flat(result.stderr)
    assert "Google từ chối yêu cầu khi đọc dữ liệu (mã 400: “Unable to parse range" in out
    assert "hãy chạy lại" in out and "danvan doctor" in out


@pytest.mark.parametrize("body", ["<html><body>Đăng nhập mạng khách</body></html>", '{"sheets": [', ""])
def test_a_malformed_reply_gets_advice(tmp_path, fake_google, sid, body):
    fake_google.mangle(body, times=None, match="GET /v4/spreadsheets/")
    result = make_setup(tmp_path, fake_google.host).run("check", source=f"gsheet:{sid}")
    assert_clean_exit(result, 3)
    out = flat(result.stderr)
    assert "Google trả lời không đúng dạng khi đọc dữ liệu" in out and "proxy" in out and "chạy lại" in out


@pytest.mark.parametrize("body, match", [
    ('[1, 2, 3]', "GET /v4/spreadsheets/"),
    ('{"sheets": "Đảng bộ Cục Thuế"}', "GET /v4/spreadsheets/"),
    ('{"sheets": [{"properties": {"sheetId": 0}}]}', "GET /v4/spreadsheets/"),
    ('{"valueRanges": {"a": 1}}', "values:batchGetByDataFilter"),
    ('{"valueRanges": [{"valueRange": {"values": "abc"}}]}', "values:batchGetByDataFilter"),
])
def test_a_wrong_shaped_200_is_a_clear_message(tmp_path, fake_google, sid, body, match):
    fake_google.mangle(body, times=None, match=match)
    result = make_setup(tmp_path, fake_google.host).run("check", source=f"gsheet:{sid}")
    assert_clean_exit(result, 3)
    out = flat(result.stderr)
    assert "Google trả lời không đúng dạng khi đọc dữ liệu" in out
    assert "sai dạng" in out or "không phải JSON" in out
    assert "AttributeError" not in out and "không lường trước" not in out


@pytest.mark.parametrize("how", ["truncated", "not json"])
def test_a_write_whose_answer_broke_after_it_was_applied_is_not_called_failed(tmp_path, fake_google, sid, how):
    setup = make_setup(tmp_path, fake_google.host)
    if how == "truncated":
        fake_google.mangle(times=1, match=r"POST .*:batchUpdate", truncate=True)
    else:
        fake_google.mangle("<html>502 Bad Gateway</html>", times=1, match=r"POST .*:batchUpdate")
    result = setup.run("aggregate", "-q", "--as-of", "2023-05-02", source=f"gsheet:{sid}")
    assert_clean_exit(result, 3)
    out = flat(result.stderr)
    assert "việc ghi CÓ THỂ ĐÃ XONG" in out and "kiểm tra" in out
    assert "Không ghi được" not in out and "Tổng hợp cũ vẫn giữ nguyên" not in out
    # It was indeed applied, once: the write was not retried.
    assert "Tổng hợp" in fake_google.tabs(sid)
    assert len([r for r in fake_google.requests if r.path.endswith(":batchUpdate")]) == 1

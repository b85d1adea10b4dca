"""Faults: bounded retries with backoff honouring Retry-After, clear Vietnamese errors, exit 3,
the previous summary untouched; 403/404 not retried and answered with the doctor's advice.
"""

from __future__ import annotations

import email.utils
import time

import pytest
import requests

from danvan_sheets.google.transport import EmulatorSession, RetryPolicy
from tests.google_helpers import UNITS, assert_clean_exit, flat, make_setup
from tests.helpers_forms import model, seed_form

READ_META = r"^GET /v4/spreadsheets/[^/]+$"
READ_VALUES = r"values:batchGetByDataFilter$"
WRITE = r"^POST /v4/spreadsheets/[^/]+:batchUpdate$"
SHARE_ADVICE = "Hãy chia sẻ bảng tính với"


# ---------------------------------------------------------------- the transport alone

class _Clock:
    """A clock that only moves when the policy sleeps."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _session(fake, **policy) -> tuple[EmulatorSession, _Clock]:
    clock = _Clock()
    opts = dict(max_tries=5, max_seconds=60, base_delay=0.5, sleep=clock.sleep, clock=clock, rand=lambda: 1.0)
    opts.update(policy)
    return EmulatorSession(RetryPolicy(**opts), fake.host), clock


@pytest.fixture
def book(fake_google):
    sid = fake_google.create_spreadsheet("Thử")
    return f"https://sheets.googleapis.com/v4/spreadsheets/{sid}"


def test_transport_rewrites_to_the_emulator_and_counts(fake_google, book):
    session, clock = _session(fake_google)
    assert session.get(book).status_code == 200
    assert [r.path.split("/")[2] for r in fake_google.requests] == ["spreadsheets"]
    assert (session.stats.sent, session.stats.reads, session.stats.writes, clock.sleeps) == (1, 1, 0, [])


def test_transport_honours_retry_after_seconds(fake_google, book):
    fake_google.fail(429, times=2, retry_after=7)
    session, clock = _session(fake_google)
    assert session.get(book).status_code == 200
    assert clock.sleeps == [7, 7]  # Retry-After beats the (smaller) backoff
    assert [r.status for r in fake_google.requests] == [429, 429, 200]
    assert session.stats.retries == 2


def test_transport_honours_retry_after_http_date(fake_google, book):
    when = email.utils.formatdate(time.time() + 30, usegmt=True)  # "Wed, 02 May 2023 08:00:30 GMT"
    fake_google.fail(503, times=1, retry_after=when)
    session, clock = _session(fake_google)
    assert session.get(book).status_code == 200
    assert len(clock.sleeps) == 1 and 25 <= clock.sleeps[0] <= 31


def test_transport_backoff_is_exponential_and_bounded_by_tries(fake_google, book):
    fake_google.fail(500, times=None)
    session, clock = _session(fake_google, max_tries=4)
    response = session.get(book)
    assert response.status_code == 500  # gspread turns the last answer into its APIError
    assert len(fake_google.requests) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_transport_jitter_never_exceeds_the_backoff(fake_google, book):
    fake_google.fail(502, times=None)
    session, clock = _session(fake_google, max_tries=4, rand=lambda: 0.25)
    session.get(book)
    assert clock.sleeps == [0.125, 0.25, 0.5]


def test_transport_bounded_by_total_seconds(fake_google, book):
    fake_google.fail(504, times=None)
    session, clock = _session(fake_google, max_tries=50, max_seconds=3, base_delay=1)
    assert session.get(book).status_code == 504
    assert clock.sleeps == [1, 2]  # a third wait (4 s) would pass the 3 s budget
    assert len(fake_google.requests) == 3


def test_transport_gives_up_at_once_when_retry_after_passes_the_budget(fake_google, book):
    fake_google.fail(429, times=None, retry_after=120)
    session, clock = _session(fake_google, max_seconds=60)
    assert session.get(book).status_code == 429
    assert clock.sleeps == [] and len(fake_google.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_transport_does_not_retry_client_errors(fake_google, book, status):
    fake_google.fail(status, times=None)
    session, clock = _session(fake_google)
    assert session.get(book).status_code == status
    assert len(fake_google.requests) == 1 and clock.sleeps == []


def test_transport_retries_a_dropped_connection(fake_google, book):
    fake_google.drop(times=1)
    session, clock = _session(fake_google)
    assert session.get(book).status_code == 200
    assert [r.status for r in fake_google.requests] == [None, 200]
    assert len(clock.sleeps) == 1


def test_transport_raises_after_dropping_every_try(fake_google, book):
    fake_google.drop(times=None)
    session, clock = _session(fake_google, max_tries=3)
    with pytest.raises(requests.ConnectionError):
        session.get(book)
    assert len(fake_google.requests) == 3


# ---------------------------------------------------------------- through the CLI

@pytest.fixture
def env(tmp_path, fake_google):
    """Every unit's tab filled in (all Đạt), no summary yet."""
    titles = [u[1] for u in UNITS]
    sid = fake_google.create_spreadsheet("Đăng ký 2023", titles)
    for title in titles:
        fake_google.set_values(sid, title, seed_form(title, {"kinh_te": [
            model(1, "Dân vận khéo trong cải cách hành chính"),
            model(2, "Cán bộ thân thiện vì nhân dân phục vụ"),
            model(3, "Lãnh đạo thực hiện chuyển đổi số trong đơn vị"),
        ]}))
    # 2 s, not the 0.3 s the timeout tests use: a good answer on a loaded CI machine must not time
    # out and be retried, which would change the request counts these tests assert.
    setup = make_setup(tmp_path, fake_google.host, max_tries=3, timeout=2.0)
    setup.sid, setup.source = sid, f"gsheet:{sid}"
    return setup


def _short_timeout(env, seconds: float):
    """The same files with [google] timeout = `seconds`, for the tests about timing out."""
    setup = make_setup(env.tmp, env.env["SHEETS_EMULATOR_HOST"], max_tries=3, timeout=seconds)
    setup.sid, setup.source = env.sid, env.source
    return setup


def _statuses(fake, match=None):
    import re

    return [r.status for r in fake.requests if match is None or re.search(match, f"{r.method} {r.path}")]


def test_429_twice_then_success(env, fake_google):
    fake_google.fail(429, times=2, match=READ_META)
    result = env.run("aggregate", "-q", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    assert _statuses(fake_google) == [429, 429, 200, 200, 200]  # 2 retries, then values + the summary
    assert fake_google.writes() == 1
    assert "Tổng hợp" in fake_google.tabs(env.sid)


def test_retry_after_is_honoured_over_http(env, fake_google):
    fake_google.fail(429, times=1, match=READ_VALUES, retry_after=1)
    started = time.monotonic()
    result = env.run("check", "--as-of", "2023-05-02", source=env.source)
    elapsed = time.monotonic() - started
    assert_clean_exit(result, 0)
    assert _statuses(fake_google, READ_VALUES) == [429, 200]
    assert elapsed >= 0.95  # base_delay is 1 ms: only Retry-After makes it wait


def test_500_forever_on_read_is_bounded_exit_3(env, fake_google):
    fake_google.fail(500, times=None)
    result = env.run("check", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 3)
    assert len(fake_google.requests) == 3  # = [retry] max_tries
    text = flat(result.stderr)
    assert "Máy chủ Google đang lỗi khi đọc dữ liệu (mã 500)" in text
    assert "đã thử 3 lần" in text


def test_500_forever_on_write_keeps_the_old_summary(env, fake_google):
    assert_clean_exit(env.run("aggregate", "-q", "--as-of", "2023-05-02", source=env.source), 0)
    old = {t: fake_google.get_values(env.sid, t) for t in ("Tổng hợp", "Cần bổ sung", "Lỗi nhập liệu")}
    # A unit empties its tab: the new summary would differ.
    fake_google.set_values(env.sid, UNITS[0][1], [[""] * 7 for _ in range(30)])
    fake_google.reset_log()
    fake_google.fail(500, times=None, match=WRITE)
    result = env.run("aggregate", "-q", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 3)
    assert _statuses(fake_google, WRITE) == [500, 500, 500]  # bounded: max_tries = 3
    text = flat(result.stderr)
    assert "Máy chủ Google đang lỗi khi ghi trang tổng hợp (mã 500), đã thử 3 lần" in text
    assert "Tổng hợp cũ vẫn giữ nguyên" in text
    assert {t: fake_google.get_values(env.sid, t) for t in old} == old


def test_dropped_connection_mid_request_is_retried(env, fake_google):
    fake_google.drop(times=1, match=READ_VALUES)
    result = env.run("check", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    assert _statuses(fake_google) == [200, None, 200]


def test_dropped_write_is_retried_and_lands_once(env, fake_google):
    fake_google.drop(times=1, match=WRITE)
    result = env.run("aggregate", "-q", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    assert _statuses(fake_google, WRITE) == [None, 200]
    assert fake_google.tabs(env.sid).count("Tổng hợp") == 1


def test_timeout_is_bounded_exit_3(env, fake_google):
    fake_google.delay(2.0, times=None, match=READ_META)  # longer than [google] timeout = 0.3
    short = _short_timeout(env, 0.3)
    started = time.monotonic()
    result = short.run("check", "--as-of", "2023-05-02", source=env.source)
    elapsed = time.monotonic() - started
    assert_clean_exit(result, 3)
    assert "Hết thời gian chờ Google khi đọc dữ liệu" in flat(result.stderr)
    assert len(fake_google.requests) == 3
    assert elapsed < 3.0  # 3 tries x 0.3 s, not 3 x 2 s


def test_timeout_then_success(env, fake_google):
    # The timeout bounds the whole answer now: 0.3 s left a loaded machine no room for the good try.
    setup = make_setup(env.tmp, fake_google.host, max_tries=3, timeout=1.5)
    fake_google.delay(4.0, times=1, match=READ_META)
    result = setup.run("check", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    assert len(fake_google.requests) == 3  # the slow try, the retry, the values


@pytest.mark.parametrize("status", [403, 404])
def test_403_404_give_the_share_advice_without_retrying(env, fake_google, status):
    fake_google.fail(status, times=None)
    result = env.run("check", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 3)
    text = flat(result.stderr)
    assert f"mã {status}" in text
    assert SHARE_ADVICE in text and "quyền Người chỉnh sửa" in text and "danvan doctor" in text
    assert len(fake_google.requests) == 1


def test_unknown_spreadsheet_is_404_with_advice(env, fake_google):
    result = env.run("check", source="gsheet:1NoSuchSpreadsheetAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert_clean_exit(result, 3)
    assert SHARE_ADVICE in flat(result.stderr)
    assert [r.status for r in fake_google.requests] == [404]


def test_403_on_the_summary_write_is_not_retried(env, fake_google):
    fake_google.fail(403, times=None, match=WRITE)
    result = env.run("aggregate", "-q", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 3)
    assert SHARE_ADVICE in flat(result.stderr)
    assert _statuses(fake_google, WRITE) == [403]
    assert "Tổng hợp" not in fake_google.tabs(env.sid)


def test_init_403_gives_advice(env, fake_google):
    fake_google.fail(403, times=None, match=WRITE)
    result = env.run("init", source=env.source)
    assert_clean_exit(result, 3)
    assert SHARE_ADVICE in flat(result.stderr)
    assert _statuses(fake_google, WRITE) == [403]


def test_summary_tabs_added_in_the_same_single_batch(env, fake_google):
    result = env.run("aggregate", "-q", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    writes = [r for r in fake_google.requests if r.is_write]
    assert len(writes) == 1
    added = [q["addSheet"]["properties"] for q in writes[0].body["requests"] if "addSheet" in q]
    assert sorted(p["title"] for p in added) == sorted(["Tổng hợp", "Cần bổ sung", "Lỗi nhập liệu"])
    assert all(isinstance(p.get("sheetId"), int) for p in added)  # our ids: later requests refer to them
    ids = {s.title: s.sheet_id for s in fake_google.spreadsheet(env.sid).sheets}
    assert all(ids[p["title"]] == p["sheetId"] for p in added)


def test_timed_out_write_that_lands_late_is_not_doubled(env, fake_google):
    # The first try is answered after the client gave up (timeout 0.5 s) and is still applied by the
    # server; the retry lands too. Sheet ids chosen by us make the second batch collide as a whole.
    fake_google.delay(2.0, times=1, match=WRITE)
    result = _short_timeout(env, 0.5).run("aggregate", "-q", "--as-of", "2023-05-02", source=env.source)
    assert_clean_exit(result, 0)
    deadline = time.monotonic() + 5  # let the slow first try finish on the server
    while time.monotonic() < deadline:
        statuses = _statuses(fake_google, WRITE)
        if len(statuses) >= 2 and None not in statuses:
            break
        time.sleep(0.05)
    tabs = fake_google.tabs(env.sid)
    assert [tabs.count(t) for t in ("Tổng hợp", "Cần bổ sung", "Lỗi nhập liệu")] == [1, 1, 1]
    total = fake_google.get_values(env.sid, "Tổng hợp")
    assert [r[11] for r in total[3:6]] == ["Đạt"] * 3
    assert sorted(_statuses(fake_google, WRITE)) == [200, 400]  # one applied, one refused whole


def test_total_seconds_bound_over_http(tmp_path, fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký 2023", [UNITS[0][1]])
    setup = make_setup(tmp_path, fake_google.host, max_tries=10, max_seconds=0.5, timeout=0.3)
    fake_google.delay(2.0, times=None, match=READ_META)
    started = time.monotonic()
    result = setup.run("check", source=f"gsheet:{sid}")
    assert_clean_exit(result, 3)
    assert len(fake_google.requests) == 2  # the second timeout passes the 0.5 s budget: no third try
    assert time.monotonic() - started < 2.0

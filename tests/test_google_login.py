"""`danvan login`: the real OAuth browser flow (google-auth-oauthlib) against a fake Google sign-in on loopback."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
import webbrowser

import pytest
from click.testing import CliRunner

from danvan_sheets.cli import cli
from danvan_sheets.config import GoogleSettings, Table, parse_google
from danvan_sheets.errors import ConfigError, SourceError
from danvan_sheets.google.auth import load_identity, login
from danvan_sheets.google.client import scopes_for
from tests.fakes import browser as fake_browser
from tests.fakes.oauth import CLIENT_ID, REFRESH_TOKEN, FakeSignIn
from tests.helpers_forms import CAMPAIGN_TOML

SCOPES = scopes_for(drive=True)


@pytest.fixture
def sign_in(monkeypatch):
    """The fake sign-in; its browser_command() is what a person would pass as --browser."""
    # oauthlib refuses a token endpoint that is not https; ours is plain http on 127.0.0.1.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    fake = FakeSignIn().start()
    yield fake
    fake.stop()


class Waiting:
    """A call run in a thread, so a flow that waits forever fails its test instead of hanging the suite."""

    def __init__(self, fn, *args, **kwargs) -> None:
        self.result: object = None
        self.error: BaseException | None = None

        def run() -> None:
            try:
                self.result = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to the test by finish()
                self.error = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def finish(self, within: float = 30):
        self.thread.join(within)
        assert not self.thread.is_alive(), f"still waiting after {within} s"
        if self.error is not None:
            raise self.error
        return self.result


def run_login(google: dict, *args, **kwargs):
    return Waiting(login, as_settings(google), *args, **kwargs).finish()


def invoke(*args):
    return Waiting(CliRunner().invoke, cli, list(args)).finish()


def google_section(tmp_path, fake) -> dict:
    return {"auth": "oauth", "client_secrets": str(fake.client_secrets(tmp_path / "client_secret.json")),
            "token_cache": str(tmp_path / "cfg" / "token.json")}


def as_settings(google: dict) -> GoogleSettings:
    """The [google] section as the configuration loader reads it."""
    return parse_google(Table("google", google, [], None))


def test_login_saves_a_private_token_that_the_oauth_identity_reads(tmp_path, sign_in, capsys):
    google = google_section(tmp_path, sign_in)
    token = run_login(google, SCOPES, browser=sign_in.browser_command(), timeout_s=20)

    assert token == tmp_path / "cfg" / "token.json"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    saved = json.loads(token.read_text(encoding="utf-8"))
    assert saved["refresh_token"] == REFRESH_TOKEN and saved["client_id"] == CLIENT_ID
    # What the flow asked Google for: offline access (a refresh token), our scopes, PKCE, a loopback redirect.
    (asked,) = sign_in.auth_requests
    assert asked["access_type"] == "offline" and asked["code_challenge_method"] == "S256"
    assert asked["scope"].split() == SCOPES
    assert asked["redirect_uri"].startswith("http://localhost:")
    (exchange,) = sign_in.token_requests
    assert exchange["redirect_uri"] == asked["redirect_uri"] and exchange["code_verifier"]
    # The browser tab then says, in Vietnamese, that it can be closed.
    sign_in.wait_for_page()
    (page,) = sign_in.redirect_pages
    assert page[0] == 200 and "charset=utf-8" in page[1] and "Bạn có thể đóng trang này" in page[2]
    assert "kết quả đăng nhập hiện ở cửa sổ lệnh" in page[2]
    assert "Đang mở trình duyệt để đăng nhập Google" in capsys.readouterr().out

    ident = load_identity(GoogleSettings(auth="oauth", token_cache=token), SCOPES, env={})
    assert ident.mode == "oauth" and ident.credentials.refresh_token == REFRESH_TOKEN
    assert ident.warnings == ()


def test_login_replaces_a_world_readable_token(tmp_path, sign_in):
    google = google_section(tmp_path, sign_in)
    old = tmp_path / "cfg" / "token.json"
    old.parent.mkdir()
    old.write_text('{"refresh_token": "old"}', encoding="utf-8")
    os.chmod(old, 0o644)
    run_login(google, SCOPES, browser=sign_in.browser_command(), timeout_s=20)
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert json.loads(old.read_text(encoding="utf-8"))["refresh_token"] == REFRESH_TOKEN
    assert [p.name for p in old.parent.iterdir()] == ["token.json"]  # no temporary file left behind


def test_refused_consent_is_a_source_failure_and_writes_no_token(tmp_path, sign_in):
    sign_in.answer = "deny"
    google = google_section(tmp_path, sign_in)
    with pytest.raises(SourceError, match="đã bấm từ chối"):
        run_login(google, SCOPES, browser=sign_in.browser_command(), timeout_s=20)
    assert sign_in.token_requests == []  # no code, so nothing was traded
    assert not (tmp_path / "cfg" / "token.json").exists()


def test_a_closed_browser_tab_times_out_instead_of_waiting_forever(tmp_path, sign_in):
    sign_in.answer = "close"
    google = google_section(tmp_path, sign_in)
    with pytest.raises(SourceError, match="chưa đăng nhập xong"):
        run_login(google, SCOPES, browser=sign_in.browser_command(), timeout_s=0.5)
    sign_in.wait_for_page()  # the browser did reach the consent page; nobody answered it
    assert len(sign_in.auth_requests) == 1 and sign_in.redirect_pages[0][0] == 200
    assert not (tmp_path / "cfg" / "token.json").exists()


def test_an_unknown_browser_name_is_a_configuration_error(tmp_path, sign_in):
    google = google_section(tmp_path, sign_in)
    with pytest.raises(ConfigError, match="Không tìm thấy trình duyệt “khong-co-trinh-duyet-nay”"):
        run_login(google, SCOPES, browser="khong-co-trinh-duyet-nay", timeout_s=20)
    assert sign_in.auth_requests == []


# --- the command ------------------------------------------------------------------------------

def _config(tmp_path, google: dict) -> str:
    path = tmp_path / "danvan.toml"
    path.write_text(
        CAMPAIGN_TOML + "\n[google]\n" + "".join(f'{k} = "{v}"\n' for k, v in google.items()), encoding="utf-8"
    )
    return str(path)


def test_login_command_signs_in_and_says_where_the_token_is(tmp_path, sign_in):
    config = _config(tmp_path, google_section(tmp_path, sign_in))
    res = invoke("login", "--config", config, "--browser", sign_in.browser_command())
    assert res.exit_code == 0, res.output
    assert f"Đã đăng nhập. Mã đăng nhập lưu ở {tmp_path / 'cfg' / 'token.json'}." in res.output
    assert REFRESH_TOKEN not in res.output


def test_login_command_exit_codes(tmp_path, sign_in):
    google = google_section(tmp_path, sign_in)
    sign_in.answer = "deny"
    res = invoke("login", "--config", _config(tmp_path, google), "--browser", sign_in.browser_command())
    assert res.exit_code == 3 and "Chưa đăng nhập được Google" in res.output

    res = invoke("login", "--config", _config(tmp_path, google), "--browser", "khong-co-trinh-duyet-nay")
    assert res.exit_code == 2 and "Không tìm thấy trình duyệt" in res.output

    res = invoke("login", "--config", _config(tmp_path, {**google, "client_secrets": str(tmp_path / "thieu.json")}))
    assert res.exit_code == 2 and "client_secrets" in res.output

    asked = len(sign_in.auth_requests)
    res = invoke("login", "--config", _config(tmp_path, {k: v for k, v in google.items() if k != "auth"}))
    assert res.exit_code == 2 and "không cần đăng nhập" in res.output and len(sign_in.auth_requests) == asked

    (tmp_path / "hong.json").write_text('{"web_sai": {}}', encoding="utf-8")
    res = invoke("login", "--config", _config(tmp_path, {**google, "client_secrets": str(tmp_path / "hong.json")}))
    assert res.exit_code == 2 and "Desktop app" in res.output
    assert "Traceback" not in res.output


def test_unticked_permissions_say_to_grant_them_all(tmp_path, sign_in):
    sign_in.granted_scopes = SCOPES[:1]  # the person left Drive unticked
    google = google_section(tmp_path, sign_in)
    with pytest.raises(SourceError, match="Chọn tất cả"):
        run_login(google, SCOPES, browser=sign_in.browser_command(), timeout_s=20)
    assert not (tmp_path / "cfg" / "token.json").exists()


def _no_browser(name):
    raise webbrowser.Error("could not locate runnable browser")


@pytest.mark.parametrize("find_browser", [_no_browser, lambda name: webbrowser.GenericBrowser("w3m")],
                         ids=["no browser", "console browser"])
def test_without_a_usable_browser_the_address_is_printed_for_the_person_to_open(
    tmp_path, sign_in, capsys, find_browser
):
    google = google_section(tmp_path, sign_in)
    waiting = Waiting(login, as_settings(google), SCOPES, timeout_s=20, find_browser=find_browser)
    printed = ""
    deadline = time.monotonic() + 20
    while "http" not in printed and time.monotonic() < deadline:
        time.sleep(0.02)
        printed += capsys.readouterr().out
    assert "Máy này không tự mở được trình duyệt" in printed and "token_cache" in printed
    url = next(word for word in printed.split() if word.startswith(sign_in.base))
    fake_browser.main(sign_in.report_url, url)  # the person opens it by hand
    token = waiting.finish()
    assert json.loads(token.read_text(encoding="utf-8"))["refresh_token"] == REFRESH_TOKEN


def test_waiting_time_reads_in_vietnamese():
    from danvan_sheets.google.auth import _duration

    assert [_duration(s) for s in (300, 90, 0.5)] == ["5 phút", "1,5 phút", "0,5 giây"]


def test_only_text_mode_browsers_count_as_no_browser():
    from danvan_sheets.google.auth import is_console_browser

    assert is_console_browser(webbrowser.GenericBrowser("w3m")) and is_console_browser(
        webbrowser.GenericBrowser("/usr/bin/lynx")
    )
    # BROWSER=wslview on WSL: a real browser started from a command line.
    assert not is_console_browser(webbrowser.GenericBrowser("wslview"))
    assert not is_console_browser(webbrowser.BackgroundBrowser("firefox"))


def test_a_testing_app_login_records_when_its_refresh_token_ends(tmp_path, sign_in):
    import datetime as dt

    from danvan_sheets.google.auth import refresh_token_expiry

    sign_in.refresh_token_expires_in = 604799  # what Google grants an app whose consent screen is in "Testing"
    google = google_section(tmp_path, sign_in)
    token = run_login(google, SCOPES, browser=sign_in.browser_command(), timeout_s=20)
    ends = refresh_token_expiry(token)
    left = ends - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=6, hours=23) < left <= dt.timedelta(days=7)
    # The login itself still loads.
    ident = load_identity(GoogleSettings(auth="oauth", token_cache=token), SCOPES, env={})
    assert ident.credentials.refresh_token == REFRESH_TOKEN
    # Without that field (a published app) nothing is recorded.
    sign_in.refresh_token_expires_in = None
    token = run_login(google, SCOPES, browser=sign_in.browser_command(), timeout_s=20)
    assert refresh_token_expiry(token) is None

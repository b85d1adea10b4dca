"""Who we are to Google: a service-account key or a person's OAuth login.

Secrets never leave this module in messages: errors name the file, never its content.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from danvan_sheets.config import GoogleSettings
from danvan_sheets.errors import ConfigError
from danvan_sheets.google import EMULATOR_ENV


@dataclass
class Identity:
    mode: str  # service_account | oauth | emulator
    email: str | None
    credentials: object | None
    key_path: Path | None = None
    warnings: tuple[str, ...] = ()


def emulator_host(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    host = env.get(EMULATOR_ENV, "").strip()
    return host or None


def key_path(google: GoogleSettings, env: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if env is None else env
    if google.credentials is not None:
        return google.credentials
    path = env.get("GOOGLE_APPLICATION_CREDENTIALS")
    return Path(path).expanduser() if path else None


def permission_warning(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"Tệp khóa {path} đang cho người dùng khác trên máy đọc được. "
            f"Hãy chạy: chmod 600 {path}"
        )
    return None


def read_service_account(path: Path) -> dict:
    """The key file's fields, checked; ConfigError naming what is wrong (never the secret)."""
    if not path.is_file():
        raise ConfigError(
            f"Không tìm thấy tệp khóa tài khoản dịch vụ {path}. Hãy tải khóa JSON từ Google Cloud Console "
            "và ghi đường dẫn vào [google] credentials (hoặc biến GOOGLE_APPLICATION_CREDENTIALS)."
        )
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ConfigError(
            f"Tệp khóa {path} không phải JSON hợp lệ. Hãy tải lại khóa từ Google Cloud Console."
        ) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ConfigError(f"Tệp {path} không phải khóa tài khoản dịch vụ (cần \"type\": \"service_account\").")
    missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    if missing:
        raise ConfigError(f"Tệp khóa {path} thiếu trường: {', '.join(missing)}.")
    return info


def load_identity(google: GoogleSettings, scopes: list[str], env: Mapping[str, str] | None = None) -> Identity:
    env = os.environ if env is None else env
    if emulator_host(env):
        # Google's *_EMULATOR_HOST convention: no credentials at all.
        return Identity("emulator", None, None)
    if google.auth == "oauth":
        return _oauth_identity(google, scopes)
    path = key_path(google, env)
    if path is None:
        raise ConfigError(
            "Chưa có khóa Google. Hãy ghi [google] credentials = \"đường/dẫn/khóa.json\" trong cấu hình "
            "hoặc đặt biến GOOGLE_APPLICATION_CREDENTIALS (xem README, mục Hướng dẫn Google)."
        )
    info = read_service_account(path)
    from google.oauth2 import service_account

    try:
        creds = service_account.Credentials.from_service_account_info(info, scopes=scopes)
    except (ValueError, KeyError):
        raise ConfigError(f"Khóa trong {path} không dùng được (private_key hỏng?). Hãy tải lại khóa.") from None
    warn = permission_warning(path)
    return Identity("service_account", info["client_email"], creds, path, (warn,) if warn else ())


def token_cache_path(google: GoogleSettings) -> Path:
    return google.token_path


def _oauth_identity(google: GoogleSettings, scopes: list[str]) -> Identity:
    token = token_cache_path(google)
    if not token.is_file():
        raise ConfigError(f"Chưa đăng nhập Google. Hãy chạy `danvan login` một lần (mã đăng nhập sẽ lưu ở {token}).")
    from google.oauth2.credentials import Credentials

    try:
        creds = Credentials.from_authorized_user_file(str(token), scopes)
    except (ValueError, OSError, json.JSONDecodeError):
        raise ConfigError(f"Mã đăng nhập {token} hỏng. Hãy xóa tệp đó rồi chạy lại `danvan login`.") from None
    warn = permission_warning(token)
    return Identity("oauth", None, creds, token, (warn,) if warn else ())


LOGIN_TIMEOUT_S = 300
_LOGIN_PROMPT = ("Đang mở trình duyệt để đăng nhập Google. Nếu trình duyệt không tự mở, hãy mở địa chỉ sau "
                 "bằng trình duyệt trên chính máy này:\n{url}")
_LOGIN_PROMPT_NO_BROWSER = (
    "Máy này không tự mở được trình duyệt. Hãy mở địa chỉ sau bằng trình duyệt trên chính máy này để đăng nhập "
    "Google:\n{url}\n(Máy chủ không có màn hình: hãy chạy `danvan login` trên một máy tính có trình duyệt, "
    "rồi chép tệp mã đăng nhập sang đúng chỗ [google] token_cache của máy chủ.)"
)
# Shown in the browser tab once Google sends it back to us (plain text, UTF-8). The flow shows
# it whatever Google answered, a refusal included, so it does not claim the login worked.
_LOGIN_DONE_PAGE = ("danvan-sheets đã nhận phản hồi của Google. Bạn có thể đóng trang này; "
                    "kết quả đăng nhập hiện ở cửa sổ lệnh.")


# The text-mode browsers webbrowser falls back to on a machine without a screen. Any other
# command (a BROWSER=wslview setting, say) is a real browser that merely runs in the foreground.
_CONSOLE_BROWSERS = frozenset({"www-browser", "links", "links2", "elinks", "lynx", "w3m"})


def is_console_browser(controller: object) -> bool:
    import webbrowser

    return (
        type(controller) is webbrowser.GenericBrowser
        and Path(getattr(controller, "name", "")).name in _CONSOLE_BROWSERS
    )


def _duration(seconds: float) -> str:
    amount, unit = (seconds / 60, "phút") if seconds >= 60 else (seconds, "giây")
    return f"{amount:g} {unit}".replace(".", ",")  # Vietnamese decimal comma


def login(google: GoogleSettings, scopes: list[str], browser: str | None = None, timeout_s: float = LOGIN_TIMEOUT_S,
          find_browser: Callable[[str | None], object] | None = None) -> Path:
    """Run the browser login once and cache the token outside the repository, readable only by us.

    browser: a name webbrowser knows, or a command line with %s for the address (None or "":
    the system's default browser). find_browser stands in for webbrowser.get in tests.
    """
    secrets = google.client_secrets
    if secrets is None or not secrets.is_file():
        raise ConfigError(
            "Chưa có tệp client_secrets (OAuth “Desktop app”) — hãy tạo trong Google Cloud Console và ghi "
            "đường dẫn vào [google] client_secrets."
        )
    import webbrowser

    from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError
    from oauthlib.oauth2 import OAuth2Error

    from danvan_sheets.errors import SourceError

    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(secrets), scopes)
    except (ValueError, KeyError, OSError, json.JSONDecodeError):
        raise ConfigError(f"Tệp client_secrets {secrets} không đúng dạng OAuth “Desktop app”. Hãy tải lại từ Google "
                          "Cloud Console.") from None
    browser = browser or None
    try:
        controller = (find_browser or webbrowser.get)(browser)
    except webbrowser.Error:
        if browser:
            raise ConfigError(
                f"Không tìm thấy trình duyệt “{browser}” trên máy này. Hãy bỏ --browser hoặc ghi tên khác "
                "(ví dụ firefox, google-chrome)."
            ) from None
        controller = None
    # No browser at all (a server reached over SSH) would make run_local_server fail before it
    # prints anything; a console browser (w3m, lynx) would take over the terminal and cannot show
    # Google's sign-in page. Either way the address is printed for the person to open.
    can_open = controller is not None and (browser is not None or not is_console_browser(controller))
    again = "Hãy chạy lại `danvan login`"
    try:
        # Without a timeout a closed browser tab would leave the command waiting forever.
        creds = flow.run_local_server(
            port=0, open_browser=can_open, browser=browser, timeout_seconds=timeout_s,
            authorization_prompt_message=_LOGIN_PROMPT if can_open else _LOGIN_PROMPT_NO_BROWSER,
            success_message=_LOGIN_DONE_PAGE,
        )
    except WSGITimeoutError:
        raise SourceError(f"Đã chờ {_duration(timeout_s)} mà chưa đăng nhập xong Google. {again}.") from None
    except Warning:
        # oauthlib's "Scope has changed": some permissions were unticked on the consent screen.
        raise SourceError("Chưa cấp đủ quyền cho danvan-sheets. Trên trang đăng nhập Google hãy đánh dấu tất cả "
                          f"các quyền (“Chọn tất cả”). {again}.") from None
    except OAuth2Error as exc:
        if exc.error == "access_denied":
            raise SourceError(f"Chưa đăng nhập được Google: đã bấm từ chối trên trang đăng nhập. {again} và bấm "
                              "“Tiếp tục” (hoặc “Cho phép”).") from None
        raise SourceError(f"Google không cấp mã đăng nhập ({exc.error}). Hãy tải lại tệp client_secrets từ Google "
                          f"Cloud Console. {again}.") from None
    except OSError:  # requests' ConnectionError and timeouts are OSErrors
        raise SourceError(f"Không kết nối được tới Google để hoàn tất đăng nhập (kiểm tra mạng). {again}.") from None
    except Exception:  # noqa: BLE001 - whatever else oauthlib raises must not end in a traceback
        raise SourceError(f"Chưa đăng nhập được Google. {again}.") from None
    payload = _token_json(creds, getattr(flow.oauth2session, "token", None) or {})
    from danvan_sheets.atomic import write_atomic

    token = token_cache_path(google)
    # A new file, private from its first byte, then renamed over the old one: a crash never
    # leaves half a token, and an old world-readable token.json does not stay world-readable.
    try:
        return write_atomic(token, payload, private=True)
    except OSError as exc:
        from danvan_sheets.errors import os_reason

        raise SourceError(f"Đã đăng nhập nhưng không ghi được mã đăng nhập vào {token}: {os_reason(exc)}. "
                          "Hãy sửa [google] token_cache rồi chạy lại `danvan login`.") from None


TOKEN_EXPIRY_KEY = "refresh_token_expiry"


def _token_json(creds, answer: dict) -> str:
    """The cached login, plus when Google said the refresh token ends. Google sends
    refresh_token_expires_in for a time-limited grant, which is what an app whose consent
    screen is in "Testing" gets (7 days): kept so doctor can warn before cron stops."""
    import datetime as dt

    data = json.loads(creds.to_json())
    seconds = answer.get("refresh_token_expires_in")
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and 0 < seconds < 10**9:
        until = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
        data[TOKEN_EXPIRY_KEY] = until.replace(microsecond=0).isoformat()
    return json.dumps(data)


def refresh_token_expiry(token: Path):
    """The end of a time-limited refresh token recorded at login, or None."""
    import datetime as dt

    try:
        value = json.loads(token.read_text(encoding="utf-8")).get(TOKEN_EXPIRY_KEY)
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except (OSError, ValueError, AttributeError, UnicodeDecodeError):
        return None

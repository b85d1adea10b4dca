"""`danvan doctor`: check the Google set-up step by step and say what to fix, in Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from danvan_sheets.errors import ConfigError


@dataclass
class Finding:
    ok: bool | None  # None: information only
    text: str


@dataclass
class DoctorReport:
    findings: list[Finding] = field(default_factory=list)
    exit_code: int = 0

    def add(self, ok: bool | None, text: str) -> None:
        self.findings.append(Finding(ok, text))

    def fail(self, text: str, code: int) -> None:
        self.add(False, text)
        self.exit_code = max(self.exit_code, code)


def check_credentials(settings, env=None) -> tuple[DoctorReport, object | None]:
    from danvan_sheets.google.auth import (
        emulator_host,
        key_path,
        permission_warning,
        read_service_account,
        token_cache_path,
    )

    rep = DoctorReport()
    if emulator_host(env):
        rep.add(None, f"Đang dùng giả lập Google tại {emulator_host(env)} (SHEETS_EMULATOR_HOST): không cần khóa.")
        return rep, None
    if settings.google.auth == "oauth":
        token = token_cache_path(settings.google)
        if token.is_file():
            rep.add(True, f"Đã đăng nhập Google bằng tài khoản cá nhân (mã lưu ở {token}).")
            if warn := permission_warning(token):
                rep.add(False, warn)
            _testing_warning(rep, token)
        else:
            rep.fail("Chưa đăng nhập Google. Hãy chạy: danvan login", 2)
        return rep, None
    path = key_path(settings.google, env)
    if path is None:
        rep.fail("Chưa có khóa tài khoản dịch vụ: ghi [google] credentials trong cấu hình hoặc đặt "
                 "GOOGLE_APPLICATION_CREDENTIALS.", 2)
        return rep, None
    try:
        info = read_service_account(Path(path))
    except ConfigError as exc:
        rep.fail(str(exc), 2)
        return rep, None
    rep.add(True, f"Đọc được tệp khóa {path}.")
    if warn := permission_warning(Path(path)):
        rep.add(False, warn)
    rep.add(None, f"Tài khoản dịch vụ: {info['client_email']} — hãy chia sẻ bảng tính với địa chỉ này, quyền Người "
                  "chỉnh sửa.")
    return rep, info["client_email"]


def _testing_warning(rep: DoctorReport, token: Path) -> None:
    from danvan_sheets.google.auth import refresh_token_expiry
    from danvan_sheets.google.errors import TESTING_ADVICE, TESTING_FIX

    until = refresh_token_expiry(token)
    if until is not None:
        # Not fatal today (exit 0), but the scheduled run will stop on that day.
        rep.add(False, f"Google cấp mã đăng nhập có hạn, hết hạn lúc {until.astimezone():%H:%M ngày %d/%m/%Y}: "
                       "ứng dụng OAuth đang ở trạng thái “Testing”, nên lần chạy theo lịch (cron) sẽ dừng mỗi tuần. "
                       + TESTING_FIX)
    else:
        # Google does not always say so in the token answer: a reminder, not a finding.
        rep.add(None, TESTING_ADVICE)

"""Shared helpers for tests/test_google_*.py: a temp config and units list, the CLI through
click's CliRunner with SHEETS_EMULATOR_HOST in its environment, a throwaway service-account key.

Nothing here patches library code: the real gspread client reaches the fake over HTTP.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from danvan_sheets.cli import cli

STAFF = ["bantuyengiao@example.vn", "canbo.tuyengiao@example.vn"]

CONFIG = """\
[campaign]
title = "Dân vận khéo"
year = 2023
deadline = 2023-04-25
count = "quantity"

[quota]
dang_bo_co_so = 2
chi_bo_co_so = 1
doan_the = 2

[[mandatory]]
key = "chuyen_doi_so"
name = "Lãnh đạo thực hiện chuyển đổi số trong Đảng bộ Khối cơ quan và doanh nghiệp tỉnh"
keywords = ["chuyển đổi số"]

[google]
staff_emails = {staff}
timeout = {timeout}
{google_extra}

[retry]
max_tries = {max_tries}
max_seconds = {max_seconds}
base_delay = {base_delay}
"""

# (code, name, type, email, tab)
UNITS = [
    ("DB-THUE", "Đảng bộ Cục Thuế", "Đảng bộ cơ sở", "vanphong.cucthue@example.vn", ""),
    ("CB-TUPHAP", "Chi bộ Sở Tư pháp", "Chi bộ cơ sở", "vanphong.sotuphap@example.vn", ""),
    ("DT-CCB", "Hội Cựu chiến binh Khối", "Đoàn thể khối", "hoiccb.khoi@example.vn", ""),
]


def write_config(path: Path, *, max_tries: int = 3, max_seconds: float = 20, base_delay: float = 0.001,
                 timeout: float = 5, google_extra: str = "", staff: list[str] | None = None) -> Path:
    """`staff`: [google] staff_emails, STAFF unless given ([] writes an empty list)."""
    path.write_text(CONFIG.format(staff=json.dumps(STAFF if staff is None else staff), timeout=timeout,
                                  google_extra=google_extra, max_tries=max_tries, max_seconds=max_seconds,
                                  base_delay=base_delay),
                    encoding="utf-8")
    return path


def write_units(path: Path, units=UNITS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ma_don_vi", "ten_don_vi", "loai_don_vi", "email", "tab"])
        w.writerows(units)
    return path


@dataclass
class Setup:
    """A temp config + units list and the CLI run against one spreadsheet of the fake."""

    tmp: Path
    config: Path
    units: Path
    env: dict

    def run(self, *args: str, source: str | None = None, units: bool = True, env: dict | None = None) -> Result:
        argv = list(args) + ["--config", str(self.config)]
        if units:
            argv += ["--units", str(self.units)]
        if source:
            argv += ["--source", source]
        # In the temp dir: whatever the commands keep in relative paths (state, lock) stays there.
        with contextlib.chdir(self.tmp):
            return CliRunner().invoke(cli, argv, env={**self.env, **(env or {})}, catch_exceptions=True)


def make_setup(tmp: Path, host: str | None, **config) -> Setup:
    units = config.pop("units", UNITS)
    env = {
        "SHEETS_EMULATOR_HOST": host,
        "GOOGLE_APPLICATION_CREDENTIALS": None,
        "DANVAN_CONFIG": None,
        "COLUMNS": "250",  # rich wraps at 80 columns otherwise
        "HOME": str(tmp),
        "XDG_CONFIG_HOME": str(tmp / ".config"),
        "XDG_STATE_HOME": str(tmp / ".state"),
        "XDG_CACHE_HOME": str(tmp / ".cache"),
    }
    return Setup(tmp, write_config(tmp / "danvan.toml", **config), write_units(tmp / "don-vi.csv", units), env)


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return re.sub(r"\s+", " ", text)


def assert_clean_exit(result: Result, code: int) -> None:
    """The expected exit code and no Python traceback (a crash would be exit 1 with an exception)."""
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), f"crashed: {exc!r}\n{result.output}"
    assert result.exit_code == code, f"exit {result.exit_code}, wanted {code}\n{result.output}"
    assert "Traceback" not in result.output


def service_account_key(path: Path, token_uri: str, mode: int = 0o600,
                        email: str = "danvan-sheets@du-an-thu.iam.gserviceaccount.com") -> dict:
    """A key file shaped like the one Google Cloud Console hands out, with a fresh RSA key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {
        "type": "service_account",
        "project_id": "du-an-thu",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": pem,
        "client_email": email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        # Loopback: a refresh must never leave this machine in a test.
        "token_uri": token_uri,
        "universe_domain": "googleapis.com",
    }
    path.write_text(json.dumps(info), encoding="utf-8")
    os.chmod(path, mode)
    return info


def serial(day: int, month: int, year: int) -> int:
    import datetime as dt

    return (dt.date(year, month, day) - dt.date(1899, 12, 30)).days

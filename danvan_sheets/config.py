"""Campaign configuration (TOML). Every bad key is named in the error, in Vietnamese."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from danvan_sheets.core.model import UNIT_TYPES, Campaign, MandatoryModel
from danvan_sheets.errors import ConfigError, os_reason

DEFAULT_NAME = "config/danvan.toml"
_REPO_DEFAULT = Path(__file__).resolve().parents[2] / DEFAULT_NAME

KNOWN_SECTIONS = {
    "campaign": {"title", "year", "deadline", "count", "mandatory_counts_toward_minimum", "grace_days"},
    "quota": set(UNIT_TYPES),
    "mandatory": {"key", "name", "keywords", "any_keywords", "effective_from"},
    "source": {"spec", "units"},
    "google": {"auth", "credentials", "client_secrets", "token_cache", "staff_emails", "timeout"},
    "retry": {"max_tries", "max_seconds", "base_delay"},
    "history": {"path"},
    "smtp": {"host", "port", "security", "user", "password_env", "from_addr", "timeout", "ca_file"},
    "remind": {"interval_hours", "subject", "signature"},
    "cron": {"lock_file", "state_file", "log_file", "alert_after_failures", "alert_to"},
    # Checked by danvan_sheets.rollup when `danvan rollup` runs.
    "rollup": {"sources", "threshold"},
}


@dataclass
class Settings:
    campaign: Campaign
    path: Path | None
    source: dict[str, Any] = field(default_factory=dict)
    google: dict[str, Any] = field(default_factory=dict)
    retry: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        value = self.raw.get(name, {})
        return value if isinstance(value, dict) else {}


def _err(where: str, text: str) -> ConfigError:
    return ConfigError(f"Cấu hình sai ở khóa `{where}`: {text}")


def _int(data: dict, where: str, name: str, default: int | None = None, minimum: int = 0) -> int:
    if name not in data:
        if default is None:
            raise _err(f"{where}.{name}", "thiếu, cần một số nguyên.")
        return default
    v = data[name]
    if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
        raise _err(f"{where}.{name}", f"phải là số nguyên ≥ {minimum} (đang là {v!r}).")
    return v


def _date(data: dict, where: str, name: str, required: bool) -> dt.date | None:
    if name not in data:
        if required:
            raise _err(f"{where}.{name}", "thiếu, cần một ngày dạng 2023-04-25.")
        return None
    v = data[name]
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            pass
    raise _err(f"{where}.{name}", f"phải là ngày dạng 2023-04-25 (đang là {v!r}).")


def _str_list(data: dict, where: str, name: str) -> tuple[str, ...]:
    v = data.get(name, [])
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise _err(f"{where}.{name}", "phải là danh sách chữ, ví dụ [\"chuyển đổi số\"].")
    return tuple(v)


def _check_keys(data: dict, where: str, allowed: set[str]) -> None:
    for k in data:
        if k not in allowed:
            raise _err(f"{where}.{k}" if where else k, f"không có khóa này. Các khóa dùng được: {', '.join(sorted(allowed))}.")


def parse_settings(data: dict[str, Any], path: Path | None = None) -> Settings:
    smtp = data.get("smtp")
    if isinstance(smtp, dict) and "password" in smtp:
        # Said before the generic unknown-key error: the user needs to know where the password goes.
        raise _err("smtp.password", "không ghi mật khẩu trong tệp cấu hình; hãy ghi tên biến môi trường chứa mật khẩu vào smtp.password_env.")
    for section, value in data.items():
        if section not in KNOWN_SECTIONS:
            raise _err(section, f"không có mục này. Các mục dùng được: {', '.join(sorted(KNOWN_SECTIONS))}.")
        if section == "mandatory" and not isinstance(value, list):
            raise _err(section, "phải viết dạng [[mandatory]] cho từng mô hình.")
        if section != "mandatory" and isinstance(value, list):
            raise _err(section, f"phải viết dạng một mục [{section}], không phải [[{section}]].")
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            where = f"{section}[{i}]" if isinstance(value, list) else section
            if not isinstance(item, dict):
                raise _err(where, "phải là một bảng TOML ([mục]).")
            _check_keys(item, where, KNOWN_SECTIONS[section])

    camp = data.get("campaign")
    if not isinstance(camp, dict):
        raise _err("campaign", "thiếu mục [campaign] (year, deadline).")
    year = _int(camp, "campaign", "year", minimum=2000)
    deadline = _date(camp, "campaign", "deadline", required=True)
    count = camp.get("count", "quantity")
    if count not in ("quantity", "rows"):
        raise _err("campaign.count", f"chỉ nhận \"quantity\" hoặc \"rows\" (đang là {count!r}).")
    counts = camp.get("mandatory_counts_toward_minimum", False)
    if not isinstance(counts, bool):
        raise _err("campaign.mandatory_counts_toward_minimum", "phải là true hoặc false.")
    title = camp.get("title", "Dân vận khéo")
    if not isinstance(title, str):
        raise _err("campaign.title", "phải là chữ.")
    _int(camp, "campaign", "grace_days", default=0)

    quota = data.get("quota", {})
    quotas = {t: _int(quota, "quota", t, default={"chi_bo_co_so": 1}.get(t, 2)) for t in UNIT_TYPES}

    mandatory = []
    items = data.get("mandatory", [])
    if not isinstance(items, list):
        raise _err("mandatory", "phải viết dạng [[mandatory]] cho từng mô hình.")
    seen = set()
    for i, item in enumerate(items):
        where = f"mandatory[{i}]"
        k = item.get("key")
        if not isinstance(k, str) or not k.strip():
            raise _err(f"{where}.key", "thiếu mã mô hình, ví dụ \"chuyen_doi_so\".")
        if k in seen:
            raise _err(f"{where}.key", f"mã “{k}” bị lặp.")
        seen.add(k)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _err(f"{where}.name", "thiếu tên chính thức của mô hình.")
        keywords = _str_list(item, where, "keywords")
        if not keywords:
            raise _err(f"{where}.keywords", "cần ít nhất một từ khóa để nhận ra mô hình.")
        mandatory.append(
            MandatoryModel(k, name, keywords, _str_list(item, where, "any_keywords"), _date(item, where, "effective_from", False))
        )

    campaign = Campaign(year, deadline, quotas, tuple(mandatory), counts, count, title)
    retry = data.get("retry", {})
    _int(retry, "retry", "max_tries", default=5, minimum=1)
    for name in ("max_seconds", "base_delay"):
        if name in retry and (isinstance(retry[name], bool) or not isinstance(retry[name], (int, float)) or retry[name] < 0):
            raise _err(f"retry.{name}", "phải là số giây ≥ 0.")
    google = data.get("google", {})
    if google.get("auth", "service_account") not in ("service_account", "oauth"):
        raise _err("google.auth", "chỉ nhận \"service_account\" hoặc \"oauth\".")
    if "timeout" in google and (isinstance(google["timeout"], bool) or not isinstance(google["timeout"], (int, float)) or google["timeout"] <= 0):
        raise _err("google.timeout", "phải là số giây > 0.")
    for name in ("credentials", "client_secrets", "token_cache"):
        if name in google and not isinstance(google[name], str):
            raise _err(f"google.{name}", "phải là đường dẫn tệp (chữ).")
    staff = google.get("staff_emails", [])
    if not isinstance(staff, list) or not all(isinstance(e, str) and "@" in e for e in staff):
        raise _err("google.staff_emails", "phải là danh sách email, ví dụ [\"bantuyengiao@example.vn\"].")
    for name in ("spec", "units"):
        if name in data.get("source", {}) and not isinstance(data["source"][name], str):
            raise _err(f"source.{name}", "phải là chữ.")
    _check_followup(data)
    _check_cron(data.get("cron", {}))
    return Settings(campaign, path, data.get("source", {}), google, retry, data)


def _check_cron(cron: dict[str, Any]) -> None:
    """[cron]: the unattended aggregate's files and the staff alert (see runstate.py)."""
    if not isinstance(cron, dict):
        raise _err("cron", "phải viết dạng một mục [cron], không phải [[cron]].")
    for name in ("lock_file", "state_file", "log_file"):
        if name in cron and (not isinstance(cron[name], str) or not cron[name].strip()):
            raise _err(f"cron.{name}", "phải là đường dẫn tệp, ví dụ \"data/cron/tong-hop.log\".")
    _int(cron, "cron", "alert_after_failures", default=3)
    to = cron.get("alert_to", [])
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not all(isinstance(a, str) and "@" in a and a.strip() == a for a in to):
        raise _err("cron.alert_to", "phải là danh sách địa chỉ email, ví dụ [\"bantuyengiao@example.vn\"].")


def _check_followup(data: dict[str, Any]) -> None:
    """[history], [smtp], [remind]: checked here so a bad key fails before any e-mail is sent."""
    hist = data.get("history", {})
    if "path" in hist and (not isinstance(hist["path"], str) or not hist["path"].strip()):
        raise _err("history.path", "phải là đường dẫn tệp, ví dụ \"data/history.sqlite\".")
    smtp = data.get("smtp", {})
    for name in ("host", "user", "password_env", "from_addr", "ca_file"):
        if name in smtp and not isinstance(smtp[name], str):
            raise _err(f"smtp.{name}", "phải là chữ.")
    if smtp.get("security", "starttls") not in ("starttls", "ssl", "none"):
        raise _err("smtp.security", f"chỉ nhận \"starttls\", \"ssl\" hoặc \"none\" (đang là {smtp['security']!r}).")
    if "port" in smtp:
        _int(smtp, "smtp", "port", minimum=1)
        if smtp["port"] > 65535:
            raise _err("smtp.port", f"phải từ 1 đến 65535 (đang là {smtp['port']!r}).")
    if "timeout" in smtp and (isinstance(smtp["timeout"], bool) or not isinstance(smtp["timeout"], (int, float)) or smtp["timeout"] <= 0):
        raise _err("smtp.timeout", "phải là số giây > 0.")
    remind = data.get("remind", {})
    if "interval_hours" in remind and (isinstance(remind["interval_hours"], bool)
                                       or not isinstance(remind["interval_hours"], (int, float)) or remind["interval_hours"] < 0):
        raise _err("remind.interval_hours", "phải là số giờ ≥ 0.")
    for name in ("subject", "signature"):
        if name in remind and (not isinstance(remind[name], str) or not remind[name].strip()):
            raise _err(f"remind.{name}", "phải là chữ.")
    if "subject" in remind:
        import string

        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(remind["subject"]) if f is not None}
        except ValueError:
            raise _err("remind.subject", "dấu { } không khớp nhau.") from None
        unknown = fields - {"unit", "year", "title", "status"}
        if unknown:
            raise _err("remind.subject", f"chỉ dùng được {{unit}}, {{year}}, {{title}}, {{status}} (có {{{sorted(unknown)[0]}}}).")


def data_dir() -> Path:
    """Where the history, the lock and the run state live: `DANVAN_DATA_DIR`, else ./data."""
    return Path(os.environ.get("DANVAN_DATA_DIR") or "data").expanduser()


def default_config_path() -> Path | None:
    env = os.environ.get("DANVAN_CONFIG")
    if env:
        return Path(env)
    for candidate in (Path.cwd() / DEFAULT_NAME, _REPO_DEFAULT):
        if candidate.is_file():
            return candidate
    return None


def load_settings(path: str | Path | None = None) -> Settings:
    p = Path(path) if path else default_config_path()
    if p is None:
        raise ConfigError(f"Không tìm thấy tệp cấu hình. Hãy chỉ ra bằng --config hoặc tạo {DEFAULT_NAME}.")
    try:
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"Không mở được tệp cấu hình {p}: {os_reason(exc)}.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"Tệp cấu hình {p} không phải UTF-8. Hãy mở bằng trình soạn thảo và lưu lại với bảng mã UTF-8.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        import re

        # tomllib's message is English; keep only where it points.
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f" (dòng {m[1]}, cột {m[2]})" if m else ""
        raise ConfigError(
            f"Tệp cấu hình {p} sai cú pháp TOML{where}. Ngày ghi dạng 2023-04-25 (không dùng dấu /), "
            "chữ đặt trong ngoặc kép \"…\", danh sách trong [ ]."
        ) from None
    return parse_settings(data, p)

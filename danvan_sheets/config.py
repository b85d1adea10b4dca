"""Campaign configuration (TOML) read once into typed, checked settings.

Every section is a small frozen dataclass whose field defaults are THE defaults (no other module
repeats them) and a parse function that reads it through a `Table`. A `Table` never raises: each
bad key becomes a `ConfigProblem`, so a file with five mistakes is reported once with all five
(exit 2). Numbers are bounded (no nan, inf or absurd values that would crash later with exit 3).

Relative paths in the file are taken from the folder of the file itself, so the same
configuration works whatever folder `danvan` is started from.

Adding a section: see the README, "Thêm một mục cấu hình".
"""

from __future__ import annotations

import datetime as dt
import math
import os
import reprlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from danvan_sheets.core.duplicates import DEFAULT_THRESHOLD
from danvan_sheets.core.model import UNIT_TYPES, Campaign, MandatoryModel
from danvan_sheets.core.results import Criterion, ReviewSettings
from danvan_sheets.errors import ConfigError, ConfigProblem, os_reason

APP_NAME = "danvan-sheets"
CONFIG_FILE_NAME = "danvan.toml"
# Looked for in the current folder, for a clone of the project (scripts/ run from its root).
CLONE_CONFIG = Path("config") / CONFIG_FILE_NAME
DATA_DIR_ENV = "DANVAN_DATA_DIR"
CONFIG_ENV = "DANVAN_CONFIG"
RELATIVE_NOTE = "đường dẫn tương đối tính từ thư mục chứa tệp cấu hình"

# No value in a valid configuration is nested deeper than a list of tables of lists (depth 3).
MAX_DEPTH = 8
TOO_DEEP = f"lồng nhau quá sâu (quá {MAX_DEPTH} tầng danh sách hay bảng)."
_MISSING: Any = object()


def shown(value: Any) -> str:
    """A value quoted in a message: short, and safe for deeply nested lists (plain repr recurses)."""
    r = reprlib.Repr()
    r.maxlevel, r.maxstring, r.maxother, r.maxlist, r.maxdict = 2, 40, 40, 4, 4
    return r.repr(value)


# --- reading one table -------------------------------------------------------------------------

class Table:
    """One TOML table being read. Getters record problems and return the default instead of raising,
    and remember the keys asked for, so any other key is reported as unknown."""

    def __init__(self, where: str, data: dict[str, Any], problems: list[ConfigProblem], base: Path | None) -> None:
        self.where = where
        self.data = data
        self.problems = problems
        self.base = base
        self.asked: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def bad(self, name: str, text: str) -> None:
        self.problems.append(ConfigProblem(self.key(name), text))

    def has(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str) -> Any:
        self.asked.add(name)
        return self.data.get(name, _MISSING)

    def integer(self, name: str, default: int | None, lo: int, hi: int) -> int:
        v = self.get(name)
        if v is _MISSING:
            if default is None:
                self.bad(name, f"thiếu, cần một số nguyên từ {lo} đến {hi}.")
                return lo
            return default
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            self.bad(name, f"phải là số nguyên từ {lo} đến {hi} (đang là {shown(v)}).")
            return default if default is not None else lo
        return v

    def number(self, name: str, default: float, lo: float, hi: float, unit: str, above: bool = False) -> float:
        """A finite number of seconds/hours in [lo, hi] (or (lo, hi] when `above`)."""
        v = self.get(name)
        if v is _MISSING:
            return default
        low_ok = isinstance(v, (int, float)) and not isinstance(v, bool) and (v > lo if above else v >= lo)
        if not low_ok or not math.isfinite(v) or v > hi:
            sign = ">" if above else "≥"
            self.bad(name, f"phải là số {unit} {sign} {lo:g} và không quá {hi:g} (đang là {shown(v)}).")
            return default
        return float(v)

    def text(self, name: str, default: str = "", required: bool = False, what: str = "chữ") -> str:
        v = self.get(name)
        if v is _MISSING:
            if required:
                self.bad(name, f"thiếu, cần {what}.")
            return default
        if not isinstance(v, str) or (required and not v.strip()):
            self.bad(name, f"phải là {what} (đang là {shown(v)}).")
            return default
        return v

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        v = self.get(name)
        if v is _MISSING:
            return default
        if v not in choices:
            allowed = " hoặc ".join(f'"{c}"' for c in choices)
            self.bad(name, f"chỉ nhận {allowed} (đang là {shown(v)}).")
            return default
        return str(v)

    def flag(self, name: str, default: bool) -> bool:
        v = self.get(name)
        if v is _MISSING:
            return default
        if not isinstance(v, bool):
            self.bad(name, f"phải là true hoặc false (đang là {shown(v)}).")
            return default
        return v

    def date(self, name: str, required: bool) -> dt.date | None:
        v = self.get(name)
        if v is _MISSING:
            if required:
                self.bad(name, "thiếu, cần một ngày dạng 2023-04-25.")
            return None
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                pass
        self.bad(name, f"phải là ngày dạng 2023-04-25 (đang là {shown(v)}).")
        return None

    def words(self, name: str, example: str = "[\"chuyển đổi số\"]") -> tuple[str, ...]:
        v = self.get(name)
        if v is _MISSING:
            return ()
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            self.bad(name, f"phải là danh sách chữ, ví dụ {example}.")
            return ()
        return tuple(v)

    def emails(self, name: str) -> tuple[str, ...]:
        found = self.words(name, "[\"bantuyengiao@example.vn\"]")
        wrong = [a for a in found if "@" not in a or a.strip() != a or any(c in a for c in ",; ")]
        if wrong:
            self.bad(name, "phải là danh sách địa chỉ email, mỗi địa chỉ một chuỗi, "
                           f"ví dụ [\"bantuyengiao@example.vn\"] (sai: {shown(wrong[0])}).")
            return ()
        return found

    def path(self, name: str) -> Path | None:
        """A file path, ~ expanded, relative paths taken from the configuration file's folder."""
        text = self.text(name, what="đường dẫn tệp, ví dụ \"du-lieu/tong-hop.log\"")
        if not text.strip():
            if self.has(name) and isinstance(self.data[name], str):
                self.bad(name, "đang để trống, cần một đường dẫn tệp.")
            return None
        return self.resolve(text)

    def resolve(self, text: str) -> Path:
        p = Path(text).expanduser()
        return p if p.is_absolute() or self.base is None else self.base / p

    def check_unknown(self) -> None:
        allowed = sorted(self.asked)
        for k in self.data:
            if k not in self.asked:
                self.bad(k, f"không có khóa này. Các khóa dùng được: {', '.join(allowed)}.")


# --- the sections ------------------------------------------------------------------------------
# Each field's default here is the only one in the package.

@dataclass(frozen=True)
class CampaignSection:
    year: int = 0
    deadline: dt.date | None = None
    title: str = "Dân vận khéo"
    count: str = "quantity"  # or "rows"
    mandatory_counts_toward_minimum: bool = False
    grace_days: int = 0


def parse_campaign(t: Table) -> CampaignSection:
    return CampaignSection(
        year=t.integer("year", None, 2000, 2100),
        deadline=t.date("deadline", required=True),
        title=t.text("title", CampaignSection.title),
        count=t.choice("count", CampaignSection.count, ("quantity", "rows")),
        mandatory_counts_toward_minimum=t.flag("mandatory_counts_toward_minimum", False),
        grace_days=t.integer("grace_days", 0, 0, 366),
    )


DEFAULT_QUOTAS = {"dang_bo_co_so": 2, "chi_bo_co_so": 1, "doan_the": 2}


def parse_quota(t: Table) -> dict[str, int]:
    return {u: t.integer(u, DEFAULT_QUOTAS.get(u, 2), 0, 1000) for u in UNIT_TYPES}


def parse_mandatory_item(t: Table) -> MandatoryModel | None:
    key = t.text("key", required=True, what="mã mô hình, ví dụ \"chuyen_doi_so\"")
    name = t.text("name", required=True, what="tên chính thức của mô hình")
    before = len(t.problems)
    keywords = t.words("keywords")
    if not keywords and len(t.problems) == before:
        t.bad("keywords", "cần ít nhất một từ khóa để nhận ra mô hình.")
    any_keywords = t.words("any_keywords")
    effective = t.date("effective_from", required=False)
    if not (key.strip() and name.strip() and keywords):
        return None
    return MandatoryModel(key, name, keywords, any_keywords, effective)


@dataclass(frozen=True)
class SourceSettings:
    # The source as written, with a local file or folder made absolute from the configuration's folder.
    spec: str = ""
    units: Path | None = None


def parse_source(t: Table) -> SourceSettings:
    spec = t.text("spec", what="chữ, ví dụ \"gsheet:1AbC…\" hoặc \"xlsx:dang-ky.xlsx\"").strip()
    return SourceSettings(spec=_resolve_spec(spec, t) if spec else "", units=t.path("units"))


def _resolve_spec(spec: str, t: Table) -> str:
    kind, sep, target = spec.partition(":")
    # "gsheet:" names a spreadsheet, not a file; one letter is a Windows drive, not a kind.
    if not sep or kind.strip().lower() == "gsheet" or len(kind.strip()) < 2 or "://" in spec:
        return spec
    return f"{kind}:{t.resolve(target.strip())}"


def default_token_cache() -> Path:
    from platformdirs import user_config_path

    # ~/.config/danvan-sheets on Linux (where earlier versions kept it), %LOCALAPPDATA% on Windows.
    return user_config_path(APP_NAME, appauthor=False) / "token.json"


@dataclass(frozen=True)
class GoogleSettings:
    auth: str = "service_account"  # or "oauth"
    credentials: Path | None = None
    client_secrets: Path | None = None
    token_cache: Path | None = None  # None: default_token_cache()
    staff_emails: tuple[str, ...] = ()
    timeout: float = 30.0  # seconds per call, the wait included
    notes: bool = True  # aggregate notes each problem cell of a unit's tab (its own notes only)
    lock_after_deadline: bool = False  # the scheduled aggregate turns unit tabs staff-only after the grace
    lock_grace_days: int = 3  # days after campaign.deadline before that lock

    @property
    def token_path(self) -> Path:
        return self.token_cache or default_token_cache()


def parse_google(t: Table) -> GoogleSettings:
    return GoogleSettings(
        auth=t.choice("auth", GoogleSettings.auth, ("service_account", "oauth")),
        credentials=t.path("credentials"),
        client_secrets=t.path("client_secrets"),
        token_cache=t.path("token_cache"),
        staff_emails=t.emails("staff_emails"),
        timeout=t.number("timeout", GoogleSettings.timeout, 0, 600, "giây", above=True),
        notes=t.flag("notes", GoogleSettings.notes),
        lock_after_deadline=t.flag("lock_after_deadline", GoogleSettings.lock_after_deadline),
        lock_grace_days=t.integer("lock_grace_days", GoogleSettings.lock_grace_days, 0, 366),
    )


@dataclass(frozen=True)
class RetrySettings:
    max_tries: int = 5
    max_seconds: float = 60.0
    base_delay: float = 0.5


def parse_retry(t: Table) -> RetrySettings:
    return RetrySettings(
        max_tries=t.integer("max_tries", RetrySettings.max_tries, 1, 100),
        max_seconds=t.number("max_seconds", RetrySettings.max_seconds, 0, 3600, "giây"),
        base_delay=t.number("base_delay", RetrySettings.base_delay, 0, 60, "giây"),
    )


@dataclass(frozen=True)
class HistorySettings:
    path: Path | None = None  # None: history.sqlite in the data folder


def parse_history(t: Table) -> HistorySettings:
    return HistorySettings(path=t.path("path"))


SMTP_SECURITY = ("starttls", "ssl", "none")
SMTP_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"
    user: str = ""
    password_env: str = ""
    from_addr: str = ""
    timeout: float = 30.0
    # A mail server with a certificate from an organisation's own CA: trust that CA's PEM file
    # instead of the system's list. Whether it loads is checked by the mail commands, not here:
    # a CA file that moved must stop the reminders, not the scheduled aggregation.
    ca_file: str = ""


def parse_smtp(t: Table) -> SmtpSettings:
    if t.has("password"):
        t.asked.add("password")  # said here, not as an unknown key: the user needs to know where it goes
        t.bad("password", "không ghi mật khẩu trong tệp cấu hình; hãy ghi tên biến môi trường chứa mật khẩu "
                          "vào smtp.password_env.")
    security = t.choice("security", SmtpSettings.security, SMTP_SECURITY)
    ca = t.path("ca_file")
    return SmtpSettings(
        host=t.text("host", SmtpSettings.host),
        port=t.integer("port", SMTP_DEFAULT_PORTS[security], 1, 65535),
        security=security,
        user=t.text("user"),
        password_env=t.text("password_env"),
        from_addr=t.text("from_addr"),
        timeout=t.number("timeout", SmtpSettings.timeout, 0, 600, "giây", above=True),
        ca_file=str(ca) if ca else "",
    )


REMIND_SUBJECT_FIELDS = ("unit", "year", "title", "status")


@dataclass(frozen=True)
class RemindSettings:
    interval_hours: float = 24.0
    subject: str = "Đôn đốc đăng ký mô hình “{title}” năm {year} — {unit}"
    signature: str = "Ban Tuyên giáo Đảng ủy Khối cơ quan và doanh nghiệp tỉnh"
    # Who gets the staff's copy of each run's reminders (the commands kept); () = [google] staff_emails.
    staff_emails: tuple[str, ...] = ()


def parse_remind(t: Table) -> RemindSettings:
    subject = t.text("subject", RemindSettings.subject, required=t.has("subject"))
    if t.has("subject") and subject != RemindSettings.subject:
        import string

        try:
            names = {f for _, f, _, _ in string.Formatter().parse(subject) if f is not None}
        except ValueError:
            t.bad("subject", "dấu { } không khớp nhau.")
            subject = RemindSettings.subject
        else:
            if unknown := names - set(REMIND_SUBJECT_FIELDS):
                t.bad("subject", "chỉ dùng được {unit}, {year}, {title}, {status} "
                                 f"(có {{{sorted(unknown)[0]}}}).")
                subject = RemindSettings.subject
    return RemindSettings(
        interval_hours=t.number("interval_hours", RemindSettings.interval_hours, 0, 24 * 366, "giờ"),
        subject=subject,
        signature=t.text("signature", RemindSettings.signature, required=t.has("signature")),
        staff_emails=t.emails("staff_emails"),
    )


@dataclass(frozen=True)
class CronSettings:
    lock_file: Path | None = None  # None: in the data folder (see DataFiles)
    state_file: Path | None = None
    log_file: Path | None = None
    alert_after_failures: int = 3  # 0: never
    alert_to: tuple[str, ...] = ()


def parse_cron(t: Table) -> CronSettings:
    return CronSettings(
        lock_file=t.path("lock_file"),
        state_file=t.path("state_file"),
        log_file=t.path("log_file"),
        alert_after_failures=t.integer("alert_after_failures", CronSettings.alert_after_failures, 0, 1000),
        alert_to=t.emails("alert_to"),
    )


@dataclass(frozen=True)
class DataSettings:
    dir: Path | None = None  # None: DANVAN_DATA_DIR, else the per-user data folder


def parse_data(t: Table) -> DataSettings:
    return DataSettings(dir=t.path("dir"))


@dataclass(frozen=True)
class RollupSource:
    """One Khối or district of `danvan rollup`: its source, its own units list, how it is named."""

    spec: str
    units: str | None = None
    name: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class RollupSettings:
    sources: tuple[RollupSource, ...] = ()
    threshold: float = DEFAULT_THRESHOLD  # % likeness above which two model names are the same model


def parse_rollup(t: Table) -> RollupSettings:
    threshold = t.number("threshold", DEFAULT_THRESHOLD, 50, 100, "phần trăm (độ giống)")
    items = t.get("sources")
    sources: list[RollupSource] = []
    if items is not _MISSING and not isinstance(items, list):
        t.bad("sources", "phải viết dạng [[rollup.sources]] cho từng Khối, huyện.")
        items = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            t.problems.append(ConfigProblem(f"rollup.sources[{i}]", "phải là một bảng TOML với spec, units, name."))
            continue
        s = Table(f"rollup.sources[{i}]", item, t.problems, t.base)
        spec = s.text("spec", required=True, what="nguồn dạng xlsx:TỆP.xlsx, dir:THƯ_MỤC hoặc gsheet:MÃ").strip()
        units = s.path("units")
        name = s.text("name", required=s.has("name")).strip() or None
        level = s.text("level", required=s.has("level")).strip() or None
        s.check_unknown()
        if spec:
            sources.append(RollupSource(_resolve_spec(spec, s), str(units) if units else None, name, level))
    return RollupSettings(tuple(sources), threshold)


def parse_review(t: Table) -> ReviewSettings:
    """[review] and its [[review.criteria]]: the year-end scoring and the review deadlines (core/results.py)."""
    items = t.get("criteria")
    criteria: list[Criterion] = []
    if items is not _MISSING and not isinstance(items, list):
        t.bad("criteria", "phải viết dạng [[review.criteria]] cho từng tiêu chí.")
        items = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        where = f"review.criteria[{i}]"
        if not isinstance(item, dict):
            t.problems.append(ConfigProblem(where, "phải là một bảng TOML với key, name, points."))
            continue
        c = Table(where, item, t.problems, t.base)
        k = c.text("key", required=True, what="mã tiêu chí, ví dụ \"hieu_qua\"").strip()
        name = c.text("name", required=True, what="tên tiêu chí").strip()
        points = c.number("points", 0, 0, 1000, "điểm", above=True)
        c.check_unknown()
        if k in {x.key for x in criteria}:
            c.bad("key", f"mã “{k}” bị lặp.")
        elif k and name and points:
            criteria.append(Criterion(k, name, points))
    top = sum(c.points for c in criteria) if criteria else ReviewSettings.max_points
    pass_mark = t.number("pass_mark", ReviewSettings.pass_mark, 0, 1000, "điểm")
    if pass_mark > top:
        t.bad("pass_mark", f"điểm đạt {pass_mark:g} lớn hơn tổng điểm các tiêu chí ({top:g}).")
    mid = t.date("mid_year_deadline", required=False)
    end = t.date("year_end_deadline", required=False)
    if mid and end and mid >= end:
        t.bad("mid_year_deadline", "hạn sơ kết 6 tháng phải trước hạn tổng kết năm (year_end_deadline).")
    results = t.text("results", what="chữ, ví dụ \"gsheet:1AbC…\" hoặc \"dir:bao-cao-ket-qua\"").strip()
    return ReviewSettings(tuple(criteria), pass_mark,
                          t.number("max_points", ReviewSettings.max_points, 1, 1000, "điểm"), mid, end,
                          t.integer("remind_days_before", ReviewSettings.remind_days_before, 0, 366),
                          _resolve_spec(results, t) if results else "")


@dataclass(frozen=True)
class Section:
    """How one [name] (or [[name]] when `many`) is read, and the Settings field it fills."""

    parse: Callable[[Table], Any]
    many: bool = False


# The one list of sections. A new section: its dataclass and parse function above, a field in
# Settings below, and a line here.
SECTIONS: dict[str, Section] = {
    "campaign": Section(parse_campaign),
    "quota": Section(parse_quota),
    "mandatory": Section(parse_mandatory_item, many=True),
    "source": Section(parse_source),
    "google": Section(parse_google),
    "retry": Section(parse_retry),
    "history": Section(parse_history),
    "smtp": Section(parse_smtp),
    "remind": Section(parse_remind),
    "cron": Section(parse_cron),
    "data": Section(parse_data),
    "rollup": Section(parse_rollup),
    "review": Section(parse_review),
}


# --- the data folder ---------------------------------------------------------------------------

def default_data_dir() -> Path:
    """DANVAN_DATA_DIR, else the per-user data folder (~/.local/share/danvan-sheets, %LOCALAPPDATA%\\danvan-sheets)."""
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser().absolute()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


LOCK_NAME = "danvan-aggregate.lock"
STATE_NAME = "danvan-state.json"
LOG_NAME = str(Path("cron") / "tong-hop.log")
HISTORY_NAME = "history.sqlite"


@dataclass(frozen=True)
class DataFiles:
    """Where the history, the run lock, the run state and the run log are, defaults applied."""

    dir: Path
    history: Path
    lock: Path
    state: Path
    log: Path


def data_files(settings: Settings | None) -> DataFiles:
    """Resolved at use, not at load: DANVAN_DATA_DIR set after loading still counts."""
    if settings is None:
        base = default_data_dir()
        return DataFiles(base, base / HISTORY_NAME, base / LOCK_NAME, base / STATE_NAME, base / LOG_NAME)
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    base = default_data_dir() if env or settings.data.dir is None else settings.data.dir
    cron = settings.cron
    return DataFiles(
        dir=base,
        history=settings.history.path or base / HISTORY_NAME,
        lock=cron.lock_file or base / LOCK_NAME,
        state=cron.state_file or base / STATE_NAME,
        log=cron.log_file or base / LOG_NAME,
    )


# --- the whole file ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    campaign: Campaign
    path: Path | None = None
    grace_days: int = 0
    source: SourceSettings = field(default_factory=SourceSettings)
    google: GoogleSettings = field(default_factory=GoogleSettings)
    retry: RetrySettings = field(default_factory=RetrySettings)
    history: HistorySettings = field(default_factory=HistorySettings)
    smtp: SmtpSettings | None = None  # None: no [smtp] section (no alert e-mail can be sent)
    remind: RemindSettings = field(default_factory=RemindSettings)
    cron: CronSettings = field(default_factory=CronSettings)
    data: DataSettings = field(default_factory=DataSettings)
    rollup: RollupSettings = field(default_factory=RollupSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    # Things that load but probably are not meant (no [[mandatory]]): shown, never fatal.
    warnings: tuple[str, ...] = ()
    # The TOML as read, for a test or a tool that derives a variant; never read settings from it.
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def files(self) -> DataFiles:
        return data_files(self)

    def where(self, path: Path | None) -> str:
        """A configured path for a message, saying how a relative one was read."""
        if path is None:
            return ""
        if self.path is not None and self.path.parent in path.parents:
            return f"{path} ({RELATIVE_NOTE} {self.path})"
        return str(path)


def _too_deep(value: Any, where: str, depth: int = 0) -> str | None:
    """The key of the first value nested deeper than MAX_DEPTH (checked without recursing into it)."""
    stack: list[tuple[Any, str, int]] = [(value, where, depth)]
    while stack:
        v, w, d = stack.pop()
        if d > MAX_DEPTH:
            return w
        if isinstance(v, dict):
            stack.extend((x, f"{w}.{k}" if w else str(k), d + 1) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((x, w, d + 1) for x in v)
    return None


def parse_settings(data: dict[str, Any], path: Path | None = None) -> Settings:
    """Check every key and build the settings; ConfigError listing every problem at once."""
    problems: list[ConfigProblem] = []
    base = path.parent if path is not None else None
    if deep := _too_deep(data, ""):
        raise ConfigError.of([ConfigProblem(deep, TOO_DEEP)], path)
    parsed: dict[str, Any] = {}
    for name, value in data.items():
        section = SECTIONS.get(name)
        if section is None:
            problems.append(ConfigProblem(name, f"không có mục này. Các mục dùng được: {', '.join(sorted(SECTIONS))}."))
            continue
        if section.many and not isinstance(value, list):
            problems.append(ConfigProblem(name, f"phải viết dạng [[{name}]] cho từng mục."))
            continue
        if not section.many and not isinstance(value, dict):
            problems.append(ConfigProblem(name, f"phải viết dạng một mục [{name}], không phải [[{name}]]."))
            continue
        items = value if section.many else [value]
        out = []
        for i, item in enumerate(items):
            where = f"{name}[{i}]" if section.many else name
            if not isinstance(item, dict):
                problems.append(ConfigProblem(where, "phải là một bảng TOML ([mục])."))
                continue
            t = Table(where, item, problems, base)
            out.append(section.parse(t))
            t.check_unknown()
        parsed[name] = tuple(out) if section.many else out[0]

    if "campaign" not in data:
        problems.append(ConfigProblem("campaign", "thiếu mục [campaign] (year, deadline)."))
    camp: CampaignSection = parsed.get("campaign") or CampaignSection()
    mandatory = tuple(m for m in parsed.get("mandatory", ()) if m is not None)
    seen: set[str] = set()
    for i, m in enumerate(mandatory):
        if m.key in seen:
            problems.append(ConfigProblem(f"mandatory[{i}].key", f"mã “{m.key}” bị lặp."))
        seen.add(m.key)
    if problems:
        raise ConfigError.of(problems, path)

    warnings = []
    if "mandatory" not in data:
        warnings.append("Tệp cấu hình không có mục [[mandatory]] nào: hai mô hình bắt buộc cấp Khối sẽ không được kiểm "
                        "tra. Nếu đúng ý vậy thì bỏ qua; nếu không, hãy chép các mục [[mandatory]] từ tệp cấu hình mẫu "
                        "(danvan config init).")
    assert camp.deadline is not None  # a missing deadline is a problem above
    campaign = Campaign(camp.year, camp.deadline, parsed.get("quota") or parse_quota(Table("quota", {}, [], None)),
                        mandatory, camp.mandatory_counts_toward_minimum, camp.count, camp.title)
    sections = {f.name for f in fields(Settings)}
    return Settings(campaign=campaign, path=path, grace_days=camp.grace_days, warnings=tuple(warnings), raw=data,
                    **{k: v for k, v in parsed.items() if k in sections and k != "campaign"})


# --- finding and reading the file --------------------------------------------------------------

def packaged_config_path() -> Path:
    """The default configuration shipped inside the package (found from a wheel as from a clone)."""
    from importlib.resources import files

    return Path(str(files("danvan_sheets") / "data" / CONFIG_FILE_NAME))


def user_config_path() -> Path:
    """Where `danvan config init` writes the editable copy when no path is given."""
    from platformdirs import user_config_path as _user_config

    return _user_config(APP_NAME, appauthor=False) / CONFIG_FILE_NAME


def default_config_path() -> Path:
    """DANVAN_CONFIG; else config/danvan.toml in the current folder (a clone of the project);
    else the user's own copy (`danvan config init`); else the default shipped in the package."""
    env = os.environ.get(CONFIG_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    for candidate in (Path.cwd() / CLONE_CONFIG, user_config_path()):
        if candidate.is_file():
            return candidate
    return packaged_config_path()


def _deep_key(text: str) -> str:
    """The key whose value is nested too deep for tomllib (it raised RecursionError): a light scan
    that follows strings, comments and table headers well enough to name the key for the user."""
    table, key, depth, i, n = "", "", 0, 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if c in "\"'":
            q3 = text[i:i + 3] in ('"""', "'''")
            end = text.find(c * 3 if q3 else c, i + (3 if q3 else 1))
            while end != -1 and c == '"' and not q3 and text[end - 1] == "\\":
                end = text.find(c, end + 1)
            i = (end + (3 if q3 else 1)) if end != -1 else n
            line_start = False
            continue
        if c == "#":
            i = text.find("\n", i)
            i = n if i == -1 else i
            continue
        if c == "\n":
            line_start = depth == 0
        elif depth == 0 and line_start and c == "[":
            end = text.find("\n", i)
            table = text[i:end if end != -1 else n].split("#")[0].strip().strip("[]").strip()
            i = n if end == -1 else end
            continue
        elif depth == 0 and c == "=":
            start = text.rfind("\n", 0, i) + 1
            key = text[start:i].strip()
        elif c in "[{" and not (depth == 0 and line_start):
            depth += 1
            if depth > MAX_DEPTH:
                return f"{table}.{key}" if table and key else (key or table or "?")
        elif c in "]}":
            depth = max(0, depth - 1)
        elif not c.isspace():
            line_start = False
        i += 1
    return key or table or "?"


def load_settings(path: str | Path | None = None) -> Settings:
    p = Path(path).expanduser() if path else default_config_path()
    try:
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        hint = " Hãy chỉ ra tệp đúng bằng --config, hoặc tạo một tệp bằng `danvan config init`." if path else ""
        raise ConfigError(f"Không mở được tệp cấu hình {p}: {os_reason(exc)}.{hint}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"Tệp cấu hình {p} không phải UTF-8. Hãy mở bằng trình soạn thảo và lưu lại với bảng mã "
                          "UTF-8.") from None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError.of([ConfigProblem(_deep_key(text), TOO_DEEP)], p) from None
    except tomllib.TOMLDecodeError as exc:
        import re

        # tomllib's message is English; keep only where it points.
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f" (dòng {m[1]}, cột {m[2]})" if m else ""
        raise ConfigError(
            f"Tệp cấu hình {p} sai cú pháp TOML{where}. Ngày ghi dạng 2023-04-25 (không dùng dấu /), "
            "chữ đặt trong ngoặc kép \"…\", danh sách trong [ ]."
        ) from None
    return parse_settings(data, p.absolute())

"""Unattended runs of `danvan aggregate` (cron): lock, run log, last-success marker, failure counter, alert.

- The lock is an fcntl.flock on a file: the kernel drops it when the process dies,
  so a run killed with SIGKILL never leaves a stale lock behind.
- The state file (JSON) holds the last success and the run of consecutive failures.
  It is rewritten atomically (temporary file + rename), only under the lock.
- The run log gets one timestamped line per run (rotating file).
- After `alert_after_failures` failed runs in a row the staff get one e-mail (not one per
  failure); the next success resets the count.

Nothing secret is ever written here: lines carry counts, paths and the Vietnamese
error messages, which name files but never their content.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from danvan_sheets.errors import DanvanError, os_reason

LOCK_NAME = "danvan-aggregate.lock"
STATE_NAME = "danvan-state.json"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5
BUSY_TEXT = "đang có lần tổng hợp khác chạy, bỏ qua"


# --- settings ----------------------------------------------------------------------------------

@dataclass
class CronSettings:
    lock_file: Path
    state_file: Path
    log_file: Path | None
    alert_after: int
    alert_to: tuple[str, ...]


def cron_settings(settings) -> CronSettings:
    """[cron] with its defaults (config.py): lock, state and log in the data folder."""
    from danvan_sheets.config import data_files

    files = data_files(settings)
    cron = settings.cron if settings is not None else None
    return CronSettings(
        lock_file=files.lock,
        state_file=files.state,
        # Every aggregate leaves its one line somewhere, so "how did the last run go" always has an answer.
        log_file=files.log,
        alert_after=cron.alert_after_failures if cron is not None else 0,
        alert_to=cron.alert_to if cron is not None else (),
    )


# --- the lock ----------------------------------------------------------------------------------

class RunLock:
    """Exclusive, non-blocking flock. `acquire()` is False when another run holds it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> bool:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # BlockingIOError: held by another process
            os.close(fd)
            return False
        # Who holds it, for a person looking at the file (the lock itself is the flock).
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            import fcntl

            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> "RunLock":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()


# --- the state file ----------------------------------------------------------------------------

def read_state(path: Path) -> dict:
    """The state, or {} when missing or unreadable (a damaged file must not stop the run)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(path: Path, state: dict) -> None:
    """Atomic: a reader sees the old state or the new one."""
    from danvan_sheets.atomic import write_atomic

    write_atomic(path, json.dumps(state, ensure_ascii=False, indent=2))


# --- one run -----------------------------------------------------------------------------------

@dataclass
class Outcome:
    exit_code: int
    source: str = ""
    units: int | None = None
    flagged: int | None = None
    requests: int | None = None
    duration: float = 0.0
    message: str = ""
    ok: bool = False
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    def line(self) -> str:
        def n(v):
            return "-" if v is None else str(v)

        parts = [
            "tổng hợp xong" if self.ok else "tổng hợp lỗi",
            f"nguồn={self.source or '-'}",
            f"đơn_vị={n(self.units)}",
            f"cần_bổ_sung={n(self.flagged)}",
            f"yêu_cầu={n(self.requests)}",
            f"thời_gian={self.duration:.2f}s",
            f"mã_thoát={self.exit_code}",
        ]
        text = " ".join(parts)
        if self.message:
            text += " — " + " ".join(self.message.split())
        return text


def record_success(cfg: CronSettings, outcome: Outcome) -> None:
    state = read_state(cfg.state_file)
    state["last_success"] = {
        "at": outcome.at.isoformat(),
        "source": outcome.source,
        "units": outcome.units,
        "flagged": outcome.flagged,
        "requests": outcome.requests,
        "duration": round(outcome.duration, 3),
    }
    state["failures"] = 0
    state["alerted"] = False
    state.pop("last_failure", None)
    write_state(cfg.state_file, state)


def record_failure(cfg: CronSettings, outcome: Outcome) -> tuple[int, bool]:
    """-> (consecutive failures now, whether the alert is due now). The marker is left alone."""
    state = read_state(cfg.state_file)
    failures = int(state.get("failures", 0) or 0) + 1
    state["failures"] = failures
    state["last_failure"] = {"at": outcome.at.isoformat(), "source": outcome.source,
                             "exit_code": outcome.exit_code, "message": outcome.message}
    due = bool(cfg.alert_after) and failures >= cfg.alert_after and not state.get("alerted")
    write_state(cfg.state_file, state)
    return failures, due


def mark_alerted(cfg: CronSettings) -> None:
    state = read_state(cfg.state_file)
    state["alerted"] = True
    write_state(cfg.state_file, state)


# --- the alert e-mail --------------------------------------------------------------------------

def alert_recipients(cfg: CronSettings, settings) -> tuple[str, ...]:
    return tuple(a.strip() for a in cfg.alert_to if isinstance(a, str) and "@" in a)


def send_alert(settings, cfg: CronSettings, failures: int, outcome: Outcome) -> str | None:
    """Send the staff alert with the reminder mailer's SMTP settings. -> None when sent, else why not."""
    from danvan_sheets.writers.email import Reminder, send_all, smtp_settings

    to = alert_recipients(cfg, settings)
    if not to:
        return "chưa ghi [cron] alert_to"
    if settings.smtp is None:
        return "chưa có mục [smtp]"
    smtp = smtp_settings(settings.smtp)
    password = os.environ.get(smtp.password_env) if smtp.password_env else None
    title = settings.campaign.title
    year = settings.campaign.year
    last = _last_success_phrase(read_state(cfg.state_file).get("last_success"))
    body = "\n".join([
        "Kính gửi Ban Tuyên giáo,",
        "",
        f"Lệnh tổng hợp tự động đăng ký “{title}” năm {year} đã lỗi {failures} lần liên tiếp.",
        f"Lần gần nhất: {outcome.at:%H:%M} ngày {outcome.at:%d/%m/%Y}, nguồn {outcome.source or '(chưa xác định)'}.",
        f"Lỗi: {outcome.message or '(không rõ)'}",
        "",
        last or "Chưa có lần tổng hợp nào thành công.",
        "Các trang tổng hợp cũ vẫn giữ nguyên. Hãy chạy `danvan doctor` để kiểm tra, rồi xem nhật ký chạy.",
        "Thư này chỉ gửi một lần cho mỗi đợt lỗi liên tiếp; khi tổng hợp chạy lại được, bộ đếm tự về 0.",
        "",
    ])
    subject = f"[danvan] Tổng hợp tự động lỗi {failures} lần liên tiếp — “{title}” {year}"
    reminders = [Reminder("canh-bao", "Ban Tuyên giáo", addr, subject, body) for addr in to]
    results = send_all(reminders, smtp, password)
    failed = [r for r in results if not r.ok]
    if failed and len(failed) == len(results):
        return failed[0].error
    return None


# --- secrets -----------------------------------------------------------------------------------

def secret_warnings(settings) -> list[str]:
    """Key or token files other users on the machine can read (checked without opening them)."""
    from danvan_sheets.google.auth import key_path, permission_warning, token_cache_path

    if settings is None:
        return []
    google = settings.google
    paths = []
    if google.auth == "oauth":
        paths.append(token_cache_path(google))
    else:
        path = key_path(google)
        if path is not None:
            paths.append(path)
    if google.client_secrets is not None:
        paths.append(google.client_secrets)
    out = []
    for p in paths:
        if (warn := permission_warning(p)) is not None:
            out.append(warn)
    return out


# --- the run log -------------------------------------------------------------------------------

def open_log(path: Path | None) -> logging.Logger | None:
    """A logger writing timestamped lines to a rotating file, or None without a file."""
    if path is None:
        return None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"danvan_sheets.cron.{os.getpid()}.{id(path)}.{time.monotonic_ns()}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S"))
    logger.addHandler(handler)
    return logger


def close_log(logger: logging.Logger | None) -> None:
    if logger is None:
        return
    for h in list(logger.handlers):
        h.close()
        logger.removeHandler(h)
    logging.Logger.manager.loggerDict.pop(logger.name, None)


class UnattendedRun:
    """What `aggregate` does around the pipeline. Used as a context manager:

        with UnattendedRun(log_file, quiet) as job:
            settings = load(...)
            if not job.begin(settings, source_text):   # lock busy: logged, exit 0
                raise SystemExit(0)
            result = run(...)          ; job.read(result)
            ... write the summary ...  ; job.done()
            raise SystemExit(code)

    On leaving, the outcome is logged (one line), and the state updated: the
    last-success marker after a written summary, or the failure counter (and the
    alert once the count reaches [cron] alert_after_failures).
    """

    def __init__(self, log_file: str | None, quiet: bool = False, echo=None) -> None:
        self.log_file = Path(log_file).expanduser() if log_file else None
        self.quiet = quiet
        self.echo = echo or (lambda text: None)
        self.started = time.monotonic()
        self.settings = None
        self.cfg: CronSettings | None = None
        self.lock: RunLock | None = None
        self.logger: logging.Logger | None = None
        self.source = ""
        self.result = None
        self.written = False
        self.skipped = False

    # -- steps
    def __enter__(self) -> "UnattendedRun":
        if self.log_file is not None:
            self.logger = self._try_open_log(self.log_file)
        return self

    def begin(self, settings, source: str | None = None) -> bool:
        """Take the lock; False (already logged) when another run holds it."""
        self.settings = settings
        self.cfg = cron_settings(settings)
        if self.logger is None and self.cfg.log_file is not None:
            self.logger = self._try_open_log(self.cfg.log_file)
        self.source = source or settings.source.spec
        self.lock = RunLock(self.cfg.lock_file)
        try:
            got = self.lock.acquire()
        except OSError as exc:
            from danvan_sheets.errors import ConfigError

            self.lock = None
            raise ConfigError(f"Không tạo được tệp khóa {self.cfg.lock_file}: {os_reason(exc)}. "
                              "Hãy sửa [cron] lock_file.") from None
        if not got:
            self.lock = None
            self.skipped = True
            self.log(f"{BUSY_TEXT} (tệp khóa {self.cfg.lock_file}).")
            if not self.quiet:
                self.echo(f"Lưu ý: {BUSY_TEXT}.")
            return False
        for warn in settings.warnings:  # already shown on the terminal by the CLI unless quiet
            self.log(f"cảnh báo: {warn}")
        for warn in secret_warnings(settings):
            self.log(f"cảnh báo: {warn}")
            if not self.quiet:
                self.echo(f"Cảnh báo: {warn}")
        return True

    def read(self, result) -> None:
        self.result = result
        self.source = str(result.spec)

    def done(self) -> None:
        self.written = True

    def log(self, text: str) -> None:
        if self.logger is not None:
            self.logger.info(text)

    # -- the end
    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if not self.skipped:
                self._finish(exc)
        finally:
            if self.lock is not None:
                self.lock.release()
            close_log(self.logger)
        return False

    def _finish(self, exc: BaseException | None) -> None:
        import click

        code, message = 0, ""
        if isinstance(exc, SystemExit):
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        elif isinstance(exc, click.ClickException):
            code, message = exc.exit_code, exc.format_message()
        elif isinstance(exc, KeyboardInterrupt):
            code, message = 130, "bị dừng giữa chừng"
        elif exc is not None:
            code, message = 1, f"lỗi không lường trước: {type(exc).__name__}"
        outcome = Outcome(code, self.source, duration=time.monotonic() - self.started, message=message)
        if self.result is not None:
            report = self.result.report
            outcome.units = len(report.units)
            outcome.flagged = len(report.flagged)
            outcome.requests = requests_made(self.result)
        outcome.ok = self.written and exc_is_clean(exc)
        if not outcome.ok and not outcome.message:
            outcome.message = "chưa ghi được tổng hợp"
        if self.logger is None and self.cfg is None:
            # The configuration did not load, so its [cron] log_file is unknown; a broken
            # configuration is just what the run log must show, so it goes to the default log.
            self.logger = self._try_open_log(cron_settings(None).log_file)
        self.log(outcome.line())
        if self.cfg is None:  # the config did not load: no state to keep for it
            return
        if code == 130 or not self._is_the_scheduled_source():
            # Someone pressed Ctrl-C, or tried another source by hand (the demo workbook, a copy):
            # neither says anything about the scheduled aggregation, so neither may reset its
            # marker or count toward the staff alert.
            return
        try:
            if outcome.ok:
                record_success(self.cfg, outcome)
            else:
                failures, due = record_failure(self.cfg, outcome)
                if due:
                    self._alert(failures, outcome)
        except OSError as err:
            self.log(f"lỗi: không ghi được tệp trạng thái {self.cfg.state_file}: {os_reason(err)}")

    def _is_the_scheduled_source(self) -> bool:
        """True when this run read [source] spec, or when no spec is configured (every run is the schedule's)."""
        from danvan_sheets.sources import parse_spec

        spec = self.settings.source.spec if self.settings is not None else ""
        if not spec or not self.source:
            return True

        def canonical(text: str) -> str:
            # The same source however it is written: ./data/dk.xlsx or its absolute path, a
            # folder with or without its slash, a spreadsheet's key or its URL.
            try:
                return parse_spec(text).key()
            except DanvanError:
                return text.strip()

        return canonical(spec) == canonical(self.source)

    def _alert(self, failures: int, outcome: Outcome) -> None:
        try:
            why = send_alert(self.settings, self.cfg, failures, outcome)
        except DanvanError as err:  # our own messages are Vietnamese and never carry a secret
            why = str(err)
        except Exception as err:  # noqa: BLE001 - the alert must never hide the run's own error
            why = f"{type(err).__name__}"
        if why is None:
            mark_alerted(self.cfg)
            self.log(f"đã gửi thư cảnh báo tới {', '.join(alert_recipients(self.cfg, self.settings))} "
                     f"sau {failures} lần lỗi liên tiếp")
        else:
            self.log(f"không gửi được thư cảnh báo sau {failures} lần lỗi liên tiếp: {why}")

    def _try_open_log(self, path: Path) -> logging.Logger | None:
        try:
            return open_log(path)
        except OSError as err:
            self.echo(f"Cảnh báo: không ghi được nhật ký {path}: {os_reason(err)}.")
            return None


def exc_is_clean(exc: BaseException | None) -> bool:
    return exc is None or (isinstance(exc, SystemExit) and (exc.code in (None, 0, 1)))


def requests_made(result) -> int:
    session = (result.data.extra or {}).get("session") if result.data is not None else None
    stats = getattr(session, "stats", None)
    if stats is not None:
        return int(stats.sent)
    return int(result.data.requests or 0)


# --- for `danvan doctor` -----------------------------------------------------------------------

def _when(iso: str) -> str | None:
    try:
        at = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    return f"{at:%H:%M} ngày {at:%d/%m/%Y}"


def _last_success_phrase(last: Any) -> str | None:
    if not isinstance(last, dict) or not (when := _when(last.get("at"))):
        return None
    counts = []
    if isinstance(last.get("units"), int):
        counts.append(f"{last['units']} đơn vị")
    if isinstance(last.get("flagged"), int):
        counts.append(f"{last['flagged']} đơn vị cần bổ sung")
    tail = f" ({', '.join(counts)})" if counts else ""
    return f"Lần tổng hợp thành công gần nhất: {when}{tail}."


def last_success_text(settings) -> str | None:
    """E.g. "Lần tổng hợp thành công gần nhất: 14:30 ngày 01/12/2026 (16 đơn vị, 6 đơn vị cần bổ sung)."
    plus the failures since, if any. None when aggregate never ran with this config."""
    try:
        cfg = cron_settings(settings)
    except Exception:  # noqa: BLE001 - doctor must not fail on this
        return None
    state = read_state(cfg.state_file)
    if not state:
        return None
    text = _last_success_phrase(state.get("last_success"))
    failures = state.get("failures", 0)
    last_failure = state.get("last_failure") if isinstance(state.get("last_failure"), dict) else {}
    if isinstance(failures, int) and failures > 0:
        when = _when(last_failure.get("at"))
        why = " ".join(str(last_failure.get("message") or "").split()).rstrip(".")
        detail = f" (gần nhất {when}: {why})" if when and why else ""
        more = f"{failures} lần tổng hợp lỗi liên tiếp{detail}."
        text = f"{text} Sau đó có {more}" if text else f"Chưa có lần tổng hợp nào thành công; {more[0].lower()}{more[1:]}"
    return text

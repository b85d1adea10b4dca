"""What `aggregate` does around the pipeline: take the lock, log one line, keep the state, alert.

    with UnattendedRun(log_file, quiet, echo=..., describe=...) as job:
        settings = load(...)
        if not job.begin(settings, source):   # another run holds the lock: logged
            ...exit 0, or exit 3 when a file was asked for (job.busy_reason says why)
        result = run(...)          ; job.read(result)
        ... write the summary ...  ; job.done()
        raise SystemExit(code)

On leaving, the outcome is logged (one line) and the state updated: the last-success marker
after a written summary, or the failure counter (and the alert once it reaches
[cron] alert_after_failures). The exit code in the log line is the one the process ends with:
`describe` (handed in by the CLI, which alone knows click) maps the exception that ends the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from danvan_sheets.errors import ConfigError, DanvanError, SourceError, os_reason
from danvan_sheets.runs.lock import RunLock
from danvan_sheets.runs.log import RunLog
from danvan_sheets.runs.state import Outcome, mark_alerted, record_failure, record_success

BUSY_TEXT = "đang có lần tổng hợp khác chạy, bỏ qua"
_FULL = {"ENOSPC", "EDQUOT"}


def describe_exit(exc: BaseException | None) -> tuple[int, str]:
    """The exit code and message of a run ended by `exc` (None: it ended normally)."""
    if exc is None:
        return 0, ""
    if isinstance(exc, SystemExit):
        return (exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)), ""
    if isinstance(exc, KeyboardInterrupt):
        return 130, "bị dừng giữa chừng"
    if isinstance(exc, DanvanError):
        return exc.exit_code, str(exc)
    # The same code the process ends with (cli.base.run_main): a bug is neither "units flagged" nor success.
    return 3, f"lỗi không lường trước: {type(exc).__name__}"


def _is_full(err: OSError) -> bool:
    import errno

    return errno.errorcode.get(err.errno or -1, "") in _FULL


def secret_warnings(settings: Any) -> list[str]:
    """Key or token files other users on the machine can read (checked without opening them)."""
    from danvan_sheets.google.auth import key_path, permission_warning, token_cache_path

    google = settings.google
    paths = [token_cache_path(google)] if google.auth == "oauth" else [p for p in [key_path(google)] if p is not None]
    if google.client_secrets is not None:
        paths.append(google.client_secrets)
    return [w for p in paths if (w := permission_warning(p)) is not None]


def requests_made(result: Any) -> int:
    session = (result.data.extra or {}).get("session") if result.data is not None else None
    stats = getattr(session, "stats", None)
    if stats is not None:
        return int(stats.sent)
    return int(result.data.requests or 0)


class UnattendedRun:
    def __init__(self, log_file: str | None, quiet: bool = False, echo: Callable[[str], None] | None = None,
                 describe: Callable[[BaseException | None], tuple[int, str]] = describe_exit) -> None:
        self.log_file = Path(log_file).expanduser() if log_file else None
        self.quiet = quiet
        self.echo = echo or (lambda text: None)
        self.describe = describe
        self.started = time.monotonic()
        self.settings: Any = None
        self.state_file: Path | None = None
        self.lock: RunLock | None = None
        self.log = RunLog(None)
        self.source = ""
        self.result: Any = None
        self.written = False
        self.skipped = False
        self.busy_reason = ""

    # -- steps
    def __enter__(self) -> UnattendedRun:
        if self.log_file is not None:
            self._open_log(self.log_file)
        return self

    def begin(self, settings: Any, source: str | None = None) -> bool:
        """Take the lock; False (logged, `busy_reason` set) when another run holds it."""
        from danvan_sheets.config import data_files

        self.settings = settings
        files = data_files(settings)
        self.state_file = files.state
        if self.log_file is None:
            self._open_log(files.log)
        self.source = source or settings.source.spec
        lock = RunLock(files.lock)
        try:
            got = lock.acquire(self.source)
        except OSError as exc:
            if _is_full(exc):
                raise SourceError(f"Không tạo được tệp khóa {files.lock}: {os_reason(exc)}. Hãy giải phóng chỗ trống "
                                  f"trên ổ đĩa chứa thư mục dữ liệu {files.dir}.") from None
            raise ConfigError(f"Không tạo được tệp khóa {files.lock}: {os_reason(exc)}. Hãy sửa [cron] lock_file, "
                              "[data] dir hoặc biến DANVAN_DATA_DIR.") from None
        if not got:
            self.skipped = True
            holder = lock.holder()
            held = f" ({holder.phrase()})" if holder is not None and holder.phrase() else ""
            self.busy_reason = f"đang có lần tổng hợp khác chạy{held}"
            self.write_log(f"{BUSY_TEXT}{held} (tệp khóa {files.lock}).")
            return False
        self.lock = lock
        for warn in settings.warnings:  # already shown on the terminal by the CLI unless quiet
            self.write_log(f"cảnh báo: {warn}")
        for warn in secret_warnings(settings):
            self.write_log(f"cảnh báo: {warn}")
            if not self.quiet:
                self.echo(f"Cảnh báo: {warn}")
        return True

    def read(self, result: Any) -> None:
        self.result = result
        self.source = str(result.spec)

    def done(self) -> None:
        self.written = True

    def write_log(self, text: str) -> None:
        self.log.write(text)

    # -- the end
    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        try:
            if not self.skipped:
                self._finish(exc)
        finally:
            if self.lock is not None:
                self.lock.release()
            self.log.close()
            if self.log.failure is not None:
                # Said once, whatever else went wrong: a full disk is something a person must fix.
                self.echo(f"Cảnh báo: không ghi được nhật ký chạy {self.log.path}: {os_reason(self.log.failure)}.")
        return False

    def _finish(self, exc: BaseException | None) -> None:
        code, message = self.describe(exc)
        outcome = Outcome(code, self.source, duration=time.monotonic() - self.started, message=message)
        if self.result is not None:
            report = self.result.report
            outcome.units = len(report.units)
            outcome.flagged = len(report.flagged)
            outcome.requests = requests_made(self.result)
        outcome.ok = self.written and code in (0, 1)
        if not outcome.ok and not outcome.message:
            outcome.message = "chưa ghi được tổng hợp"
        if self.log.path is None and self.settings is None:
            # The configuration did not load, so its [cron] log_file is unknown; a broken
            # configuration is just what the run log must show, so it goes to the default log.
            from danvan_sheets.config import data_files

            self._open_log(data_files(None).log)
        self.write_log(outcome.line())
        if self.state_file is None:  # the config did not load: no state to keep for it
            return
        if code == 130 or not self._is_the_scheduled_source():
            # Someone pressed Ctrl-C, or tried another source by hand (the demo workbook, a copy):
            # neither says anything about the scheduled aggregation, so neither may reset its
            # marker or count toward the staff alert.
            return
        try:
            if outcome.ok:
                record_success(self.state_file, outcome)
            else:
                failures, due = record_failure(self.state_file, outcome, self.settings.cron.alert_after_failures)
                if due:
                    self._alert(failures, outcome)
        except OSError as err:
            text = f"không ghi được tệp trạng thái {self.state_file}: {os_reason(err)}"
            self.write_log(f"lỗi: {text}")
            self.echo(f"Cảnh báo: {text}.")

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
        from danvan_sheets.runs.alert import send_alert

        try:
            why = send_alert(self.settings, failures, outcome)
        except DanvanError as err:  # our own messages are Vietnamese and never carry a secret
            why = str(err)
        except Exception as err:  # noqa: BLE001 - the alert must never hide the run's own error
            why = f"{type(err).__name__}"
        if why is None:
            assert self.state_file is not None
            mark_alerted(self.state_file)
            self.write_log(f"đã gửi thư cảnh báo tới {', '.join(self.settings.cron.alert_to)} "
                           f"sau {failures} lần lỗi liên tiếp")
        else:
            self.write_log(f"không gửi được thư cảnh báo sau {failures} lần lỗi liên tiếp: {why}")

    def _open_log(self, path: Path) -> None:
        try:
            self.log = RunLog(path)
        except OSError as err:
            self.echo(f"Cảnh báo: không ghi được nhật ký chạy {path}: {os_reason(err)}.")
            self.log = RunLog(None)

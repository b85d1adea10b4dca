"""One aggregate at a time, on Linux and Windows alike.

filelock takes an OS lock on the file (fcntl.flock on Linux and macOS, msvcrt.locking on
Windows; a marker file only where neither exists). The kernel drops it when the holder dies,
so a run killed with SIGKILL, or a laptop whose battery ran out, never leaves a stale lock.
Who holds it is written beside it (`<lock>.info`), for the message a second run shows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Holder:
    pid: int | None
    started: dt.datetime | None
    source: str

    def phrase(self) -> str:
        """E.g. "bắt đầu lúc 14:30 ngày 01/12/2026, tiến trình 4242, nguồn gsheet:1Ab…"."""
        parts = []
        if self.started is not None:
            parts.append(f"bắt đầu lúc {self.started:%H:%M} ngày {self.started:%d/%m/%Y}")
        if self.pid is not None:
            parts.append(f"tiến trình {self.pid}")
        if self.source:
            parts.append(f"nguồn {self.source}")
        return ", ".join(parts)


class RunLock:
    """Exclusive and non-blocking: `acquire()` is False when another run holds it. OSError when the
    lock file cannot be created (a full disk, a folder without write permission)."""

    def __init__(self, path: str | Path) -> None:
        import warnings

        with warnings.catch_warnings():
            # Where the OS offers no lock (no fcntl and no msvcrt), filelock falls back to a marker
            # file and warns on stderr; that fallback is still a lock, and cron must stay silent.
            warnings.simplefilter("ignore", UserWarning)
            from filelock import FileLock
        self.path = Path(path)
        self.info_path = self.path.with_name(self.path.name + ".info")
        self._lock = FileLock(str(self.path))

    def acquire(self, source: str = "") -> bool:
        from filelock import Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        with contextlib.suppress(OSError):  # who holds it is a courtesy to the next run; the lock is what counts
            self._write_info(source)
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            self.info_path.unlink(missing_ok=True)
            self._lock.release()

    def holder(self) -> Holder | None:
        """Who holds the lock, as written by the holder (None when unknown)."""
        try:
            data: Any = json.loads(self.info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        try:
            started = dt.datetime.fromisoformat(data.get("started", ""))
        except (TypeError, ValueError):
            started = None
        pid = data.get("pid")
        return Holder(pid if isinstance(pid, int) else None, started, str(data.get("source") or ""))

    def _write_info(self, source: str) -> None:
        from danvan_sheets.atomic import write_atomic

        started = dt.datetime.now().replace(microsecond=0).isoformat()
        write_atomic(self.info_path, json.dumps({"pid": os.getpid(), "started": started, "source": source}))

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

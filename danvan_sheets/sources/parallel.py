"""Using every core for a large workbook: sheets are parsed by forked worker processes.

openpyxl parses a sheet in pure Python at about 15 000 rows a second; a province's
workbook of 500 tabs takes two seconds on one core. Workers split the sheets, each
opening the workbook itself, and send back plain grids of cell values.

Only where it is cheap and safe: fork (Linux), so workers start with everything
already imported; no other thread running, since fork copies only the calling
thread and a lock another thread holds would stay held in the child; at least
MIN_SHEETS sheets (or files), below which starting workers costs more than it saves.
DANVAN_WORKERS=1 turns it off, DANVAN_WORKERS=N asks for N (the safety rules stand).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

MIN_SHEETS = 100
MAX_WORKERS = 4


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def worker_count(n_sheets: int, cpus: int | None = None) -> int:
    """How many processes should read `n_sheets` sheets: 1 means read them here."""
    wanted = os.environ.get("DANVAN_WORKERS", "").strip()
    if wanted and not (wanted.isascii() and wanted.isdigit() and int(wanted) >= 1):
        from danvan_sheets.errors import ConfigError

        raise ConfigError(f"Biến DANVAN_WORKERS phải là một số nguyên từ 1 trở lên (1: đọc trong một tiến trình), "
                          f"không phải “{wanted}”. Hãy sửa hoặc bỏ biến này.")
    if not can_fork():
        return 1
    if wanted:
        return max(1, min(int(wanted), n_sheets))
    if n_sheets < MIN_SHEETS:
        return 1
    return max(1, min(cpus or usable_cpus(), MAX_WORKERS, n_sheets // (MIN_SHEETS // 2)))


def _die_with_parent(parent: int) -> None:
    """Worker start-up: go when the parent goes.

    An idle worker would otherwise wait for work forever if the parent were killed
    (OOM killer, `kill`), and keep open what it inherited: cron's run lock among it,
    which would turn every later run away as "busy".
    """
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def run_shares(work: Callable[[int, int], list], workers: int, fallback: bool = True) -> list | None:
    """[work(k, workers) for k in range(workers)], in forked worker processes.

    With `fallback`, None when workers cannot be started or die (a sandbox forbidding
    fork, a worker killed by the system): the caller then reads everything itself.
    Errors raised by `work` itself, such as a SourceError, come through either way.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(work, k, workers) for k in range(workers)]
            return [f.result() for f in futures]
    except (BrokenProcessPool, OSError, ValueError):
        if not fallback:
            raise
        return None

"""Using every core for a large workbook: sheets are parsed by forked worker processes.

openpyxl parses a sheet in pure Python at about 15 000 rows a second; a province's
workbook of 500 tabs takes two seconds on one core. Workers split the sheets, each
opening the workbook itself, and send back plain grids of cell values.

Only where it is cheap and safe: fork (Linux), so workers start with everything
already imported; no other thread running, since fork copies only the calling
thread and a lock another thread holds would stay held in the child; at least
MIN_SHEETS sheets (or files), below which starting workers costs more than it saves.
DANVAN_WORKERS=1 turns it off, DANVAN_WORKERS=N sets the number.
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


def worker_count(n_sheets: int, cpus: int | None = None) -> int:
    """How many processes should read `n_sheets` sheets: 1 means read them here."""
    wanted = os.environ.get("DANVAN_WORKERS", "").strip()
    if wanted.isdigit():
        return max(1, min(int(wanted), n_sheets))
    if n_sheets < MIN_SHEETS or sys.platform != "linux" or threading.active_count() > 1:
        return 1
    return max(1, min(cpus or usable_cpus(), MAX_WORKERS, n_sheets // (MIN_SHEETS // 2)))


def run_shares(work: Callable[[int, int], list], workers: int) -> list | None:
    """[work(k, workers) for k in range(workers)], each in its own forked process.

    None when workers cannot be started or die (no fork, a sandbox forbidding it,
    a worker killed by the system): the caller then reads everything itself. Errors
    raised by `work` itself, such as a SourceError for a damaged sheet, come through.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = [pool.submit(work, k, workers) for k in range(workers)]
            return [f.result() for f in futures]
    except (BrokenProcessPool, OSError, ValueError):
        return None

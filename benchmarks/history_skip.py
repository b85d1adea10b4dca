"""What the history costs a run when no tab changed (issue 18): unchanged tabs are skipped by
a fingerprint of their grid instead of encoding every row as JSON again.

Two databases get the same recorded campaign. Then, interleaved after a warm-up, one is
recorded again with the same reading (every tab skipped) and the other with the campaign's
title changed each run, which changes the fingerprints' salt and so encodes every unit's rows
as every run did before the fingerprint (the fingerprint is computed too, so this side is, if
anything, a little slower than the old code).

    python -m benchmarks.history_skip [N_TABS] [ROWS_PER_TAB]      # default 500 tabs × 40 rows

Measured 2026-12-05 on the benchmark machine (AMD EPYC, 2 cores shared with other jobs),
500 tabs × 40 rows (20,000 model rows), median of 5, two sessions: every tab skipped
0.11 s / 0.22 s, every tab encoded 1.2 s / 2.0 s (the shared machine's load): 9–10× less
history time per run when nothing changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import dataset
from danvan_sheets.config import load_settings
from danvan_sheets.core.model import Unit
from danvan_sheets.grid import Tab
from danvan_sheets.history import record_run
from danvan_sheets.pipeline import report_from_data
from danvan_sheets.sources import SourceData


def measure(n_tabs: int = 500, rows: int = 40, runs: int = 5) -> dict[str, float]:
    ds = dataset(n_tabs, rows, seed=0)
    units = [Unit(u.code, u.name, "dang_bo_co_so", u.email, u.tab) for u in ds.units]
    data = SourceData([Tab(title, grid) for title, grid in ds.grids])
    report = report_from_data(data, units, load_settings(None), dt.date(2023, 4, 20))
    at = dt.datetime(2023, 4, 20, 8, 0)
    skip, full = [], []
    with tempfile.TemporaryDirectory() as d:
        same, changed = Path(d) / "same.sqlite", Path(d) / "changed.sqlite"
        for db in (same, changed):
            record_run(db, report, data, at)
        for i in range(runs + 1):  # the first round is the warm-up
            at += dt.timedelta(minutes=1)
            t = time.perf_counter()
            rec = record_run(same, report, data, at)
            if i:
                skip.append(time.perf_counter() - t)
            assert rec.reused == sum(1 for v in report.units if v.tab)
            other = dataclasses.replace(report, campaign=dataclasses.replace(report.campaign, title=f"Đợt {i}"))
            t = time.perf_counter()
            rec = record_run(changed, other, data, at)
            if i:
                full.append(time.perf_counter() - t)
            assert rec.reused == 0
    return {"skipped_s": statistics.median(skip), "encoded_s": statistics.median(full),
            "model_rows": sum(len(v.entries) for v in report.units)}


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    r = measure(*args)
    print(f"{r['model_rows']} model rows: history with every tab unchanged {r['skipped_s'] * 1000:.0f} ms, "
          f"with every tab encoded {r['encoded_s'] * 1000:.0f} ms ({r['encoded_s'] / r['skipped_s']:.1f}×)")

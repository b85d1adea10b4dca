"""Run the benchmarks of issue 6, print a table and write benchmarks/RESULTS-run.md.

    python -m benchmarks.run            # the full set (a few minutes on 2 cores)
    python -m benchmarks.run --quick    # smaller sizes, for development

Every timed measurement runs in a fresh interpreter (multiprocessing "spawn"), so
no run profits from caches or imports left by the one before, and each reports
its own peak memory (ru_maxrss). Figures are medians over the runs.

Google: the fake Sheets API (tests/fakes/sheets_api.py) on 127.0.0.1 with a real
per-request latency (time.sleep in the server, default 150 ms) and the read quota
enforced against an injected simulated clock. Waits for the quota (the clerk's
60 s sleep after a 429, our transport's backoff) advance that clock instead of
sleeping, so the wall time reported is real elapsed time + simulated waits.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import io
import math
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# benchmarks/RESULTS.md holds the figures a user feels (python -m benchmarks.felt).
RESULTS = HERE / "RESULTS-run.md"
AS_OF = "2023-05-02"


# ------------------------------------------------------------------ machine
def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpu": cpu, "cores": cores, "python": platform.python_version(), "os": f"{platform.system()} {platform.release()}", "mem_gb": mem}


def maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    # Linux reports kilobytes, macOS bytes. RUSAGE_CHILDREN: the largest finished child.
    r = resource.getrusage(who).ru_maxrss
    return r / 1024 / 1024 if sys.platform == "darwin" else r / 1024


# ------------------------------------------------------------------ simulated clock
class SimClock:
    """Real monotonic time plus simulated waits. `sleep` advances the clock without sleeping."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.waited = 0.0

    def now(self) -> float:
        return time.monotonic() - self.t0 + self.waited

    def sleep(self, seconds: float) -> None:
        self.waited += max(0.0, float(seconds))


@contextlib.contextmanager
def private_data_dir():
    """A fresh DANVAN_DATA_DIR (history, lock, run state) for one measurement.

    `check`/`aggregate` record each pull in a history database; without this the
    benchmark would fill the project's ./data/history.sqlite and every run would
    compare against the runs before it.
    """
    old = os.environ.get("DANVAN_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix="danvan-bench-data-") as tmp:
        os.environ["DANVAN_DATA_DIR"] = tmp
        try:
            yield Path(tmp)
        finally:
            if old is None:
                os.environ.pop("DANVAN_DATA_DIR", None)
            else:
                os.environ["DANVAN_DATA_DIR"] = old


# ------------------------------------------------------------------ Google
def _fake_with(ds, latency: float, quota: int | None, clock: SimClock):
    from benchmarks.generate import load_fake
    from tests.fakes.sheets_api import FakeGoogle

    fake = FakeGoogle(latency=latency, read_quota_per_minute=quota)
    fake.clock = clock.now
    fake.start()
    key = load_fake(fake, ds)
    fake.reset_log()
    return fake, key


def google_ours(n: int, rows: int, latency: float = 0.15, quota: int | None = 60, seed: int = 0, command: str = "aggregate") -> dict:
    """`danvan aggregate --source gsheet:KEY` (pull + core + summary write), in-process through the CLI."""
    from benchmarks.generate import dataset, write_units_csv
    from danvan_sheets.cli import cli
    from danvan_sheets.cli.base import run_main
    from danvan_sheets.google import transport

    ds = dataset(n, rows, seed)
    clock = SimClock()
    fake, key = _fake_with(ds, latency, quota, clock)
    tmp = tempfile.mkdtemp(prefix="danvan-bench-")
    units = write_units_csv(ds.units, Path(tmp) / "don-vi.csv")
    # Our transport's backoff (if a 429 were ever met) waits on the same simulated clock.
    saved = transport.RetryPolicy.__dict__["from_settings"]
    original = transport.RetryPolicy.from_settings
    transport.RetryPolicy.from_settings = classmethod(
        lambda cls, retry: dataclasses.replace(original(retry), sleep=clock.sleep, clock=clock.now))
    old_env = os.environ.get("SHEETS_EMULATOR_HOST")
    os.environ["SHEETS_EMULATOR_HOST"] = fake.host
    args = [command, "--source", f"gsheet:{key}", "--units", str(units), "--as-of", AS_OF]
    args += ["-q"] if command == "aggregate" else ["--format", "json"]
    out = io.StringIO()
    try:
        waited0 = clock.waited
        t = time.perf_counter()
        with private_data_dir(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
            code = run_main(cli, args)
        real = time.perf_counter() - t
    finally:
        transport.RetryPolicy.from_settings = saved
        if old_env is None:
            os.environ.pop("SHEETS_EMULATOR_HOST", None)
        else:
            os.environ["SHEETS_EMULATOR_HOST"] = old_env
        fake.stop()
    if code not in (0, 1):
        raise RuntimeError(f"danvan {command} exited {code}: {err.getvalue()[-500:]}")
    sim = clock.waited - waited0
    return {
        "who": "ours", "n": n, "requests": len(fake.requests), "reads": fake.reads(), "writes": fake.writes(),
        "r429": sum(1 for r in fake.requests if r.status == 429), "real_s": real, "sim_wait_s": sim, "wall_s": real + sim,
        "exit": code, "maxrss_mb": maxrss_mb(),
    }


def google_plain(n: int, rows: int, latency: float = 0.15, quota: int | None = 60, seed: int = 0, wait_429: float = 60.0) -> dict:
    """The script a clerk would write with gspread: one get_all_values() per tab, a 60 s wait on 429."""
    import gspread

    from benchmarks.generate import dataset
    from tests.fakes.fixtures import make_gspread_client

    ds = dataset(n, rows, seed)
    clock = SimClock()
    fake, key = _fake_with(ds, latency, quota, clock)
    met = 0

    def call(f):
        nonlocal met
        while True:
            try:
                return f()
            except gspread.exceptions.APIError as exc:
                if exc.response.status_code != 429:
                    raise
                met += 1
                clock.sleep(wait_429)  # time.sleep(60) in the real script

    try:
        waited0 = clock.waited
        t = time.perf_counter()
        gc = make_gspread_client(fake.host)
        sh = call(lambda: gc.open_by_key(key))
        values = {}
        for ws in call(sh.worksheets):
            values[ws.title] = call(ws.get_all_values)
        real = time.perf_counter() - t
    finally:
        fake.stop()
    assert len(values) == n
    sim = clock.waited - waited0
    return {
        "who": "plain", "n": n, "requests": len(fake.requests), "reads": fake.reads(), "writes": fake.writes(),
        "r429": met, "real_s": real, "sim_wait_s": sim, "wall_s": real + sim, "exit": 0, "maxrss_mb": maxrss_mb(),
    }


# ------------------------------------------------------------------ local
def _check_cli(source: str, units: str) -> tuple[float, int]:
    out, err = io.StringIO(), io.StringIO()
    with private_data_dir():
        return _timed_check(source, units, out, err)


def _timed_check(source: str, units: str, out, err) -> tuple[float, int]:
    from danvan_sheets.cli import cli
    from danvan_sheets.cli.base import run_main

    t = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_main(cli, ["check", "--source", source, "--units", units, "--format", "json", "--as-of", AS_OF])
    took = time.perf_counter() - t
    if code not in (0, 1):
        raise RuntimeError(f"danvan check exited {code}: {err.getvalue()[-500:]}")
    return took, code


def local_check(source: str, units: str) -> dict:
    """`danvan check --source SOURCE --format json`, in-process (its lazy imports included in the time)."""
    took, code = _check_cli(source, units)
    return {"who": "ours", "s": took, "exit": code, "maxrss_mb": maxrss_mb()}


def check_process(source: str, units: str, tree: str) -> dict:
    """`python -m danvan_sheets check …` as a new process run from `tree` (this checkout, or the code
    before issue 18 checked out elsewhere): process start and every import included, on both sides."""
    import subprocess

    with private_data_dir() as data:
        env = {**os.environ, "PYTHONPATH": tree, "DANVAN_DATA_DIR": str(data)}
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "danvan_sheets", "check", "--source", source, "--units", units,
                               "--format", "json", "--as-of", AS_OF], cwd=tree, env=env, capture_output=True)
        took = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"check in {tree} exited {proc.returncode}: {proc.stderr[-500:]!r}")
    return {"who": tree, "s": took, "exit": proc.returncode}


def openpyxl_load(paths: list[str]) -> dict:
    """Only loading the same files: openpyxl read_only, every row of every sheet iterated."""
    t = time.perf_counter()
    import openpyxl

    cells = 0
    for p in paths:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells += len(row)
        wb.close()
    return {"who": "openpyxl", "s": time.perf_counter() - t, "cells": cells, "maxrss_mb": maxrss_mb()}


def calamine_load(paths: list[str]) -> dict:
    """Only reading the same files with python-calamine: every sheet's rows as Python lists."""
    t = time.perf_counter()
    from python_calamine import CalamineWorkbook

    cells = 0
    for p in paths:
        with CalamineWorkbook.from_path(p) as wb:
            for name in wb.sheet_names:
                cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
    return {"who": "calamine", "s": time.perf_counter() - t, "cells": cells, "maxrss_mb": maxrss_mb()}


def core_run(n_units: int, rows: int, seed: int = 0) -> dict:
    """The pure core on in-memory grids: read_tabs (read_tab for every tab) + build_report (checks and summary)."""
    from benchmarks.generate import AS_OF as AS_OF_DATE, YEAR, dataset
    from danvan_sheets.config import load_settings
    from danvan_sheets.core.model import Unit
    from danvan_sheets.core.reader import read_tabs
    from danvan_sheets.core.summary import build_report
    from danvan_sheets.grid import Tab
    from danvan_sheets.registry import parse_units

    ds = dataset(n_units, rows, seed)
    settings = load_settings(None)
    lines = ["ma_don_vi,ten_don_vi,loai_don_vi,email,tab"] + [f'{u.code},"{u.name}",{u.kind_label},{u.email},' for u in ds.units]
    units: list[Unit] = parse_units("\n".join(lines))
    tabs = [Tab(t, r) for t, r in ds.grids]
    t = time.perf_counter()
    readings = read_tabs(tabs, YEAR)
    t_read = time.perf_counter() - t
    report = build_report(units, readings, settings.campaign, AS_OF_DATE)
    took = time.perf_counter() - t
    entries = sum(len(r.entries) for _, r in readings)
    return {
        "who": "core", "units": n_units, "rows_per_unit": rows, "model_rows": ds.model_rows, "grid_rows": ds.grid_rows,
        "entries": entries, "s": took, "read_s": t_read, "report_s": took - t_read,
        "model_rows_per_s": ds.model_rows / took, "grid_rows_per_s": ds.grid_rows / took,
        "statuses": {s: sum(1 for v in report.units if v.status == s) for s in ("dat", "chua_dat", "chua_dang_ky")},
        "unknown_tabs": len(report.unknown_tabs), "maxrss_mb": maxrss_mb(),
    }


# ------------------------------------------------------------------ isolation
def _call(name: str, kwargs: dict) -> dict:
    return globals()[name](**kwargs)


def isolated(name: str, **kwargs) -> dict:
    """Run one measurement in a fresh interpreter; -> its result dict."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as ex:
        return ex.submit(_call, name, kwargs).result()


def measure(name: str, runs: int, isolate: bool = True, **kwargs) -> list[dict]:
    return [isolated(name, **kwargs) if isolate else globals()[name](**kwargs) for _ in range(runs)]


def med(results: list[dict], k: str) -> float:
    return statistics.median(r[k] for r in results)


# ------------------------------------------------------------------ the suites
@dataclass
class Sizes:
    google_n: tuple[int, ...] = (10, 50, 150, 500)
    google_rows: int = 20
    ours_runs: int = 5
    plain_runs: int = 3
    plain_runs_big: int = 1  # the plain script at N >= 500 takes ~80 s real each
    xlsx_tabs: tuple[int, ...] = (150, 500)
    xlsx_rows: int = 40
    dir_files: int = 2000
    dir_rows: int = 10
    local_runs: int = 5
    core_units: int = 500
    core_rows: int = 40
    core_runs: int = 5
    growth_units: tuple[int, ...] = (1000, 10000, 50000)
    growth_rows: int = 8
    growth_runs: int = 1


QUICK = Sizes(google_n=(10, 50), google_rows=10, ours_runs=3, plain_runs=1, plain_runs_big=1, xlsx_tabs=(50,), xlsx_rows=10,
              dir_files=100, dir_rows=8, local_runs=1, core_units=100, core_rows=20, core_runs=1,
              growth_units=(100, 1000, 5000), growth_rows=8, growth_runs=1)


def ours_target(n: int) -> int:
    return 3 if n <= 200 else 2 + math.ceil(n / 200)


def google_suite(sz: Sizes, latency: float, quota: int, isolate: bool = True, log=print) -> list[dict]:
    rows = []
    for n in sz.google_n:
        ours = measure("google_ours", sz.ours_runs, isolate, n=n, rows=sz.google_rows, latency=latency, quota=quota)
        log(f"  google N={n}: ours {med(ours, 'wall_s'):.2f}s, {ours[0]['requests']} requests")
        plain = measure("google_plain", sz.plain_runs if n < 500 else sz.plain_runs_big, isolate, n=n, rows=sz.google_rows,
                        latency=latency, quota=quota)
        log(f"  google N={n}: plain {med(plain, 'wall_s'):.1f}s, {plain[0]['requests']} requests, {plain[0]['r429']} × 429")
        rows.append({
            "n": n, "ours": ours, "plain": plain,
            "ours_requests": max(r["requests"] for r in ours), "ours_reads": max(r["reads"] for r in ours),
            "ours_writes": max(r["writes"] for r in ours), "ours_429": max(r["r429"] for r in ours),
            "ours_wall": med(ours, "wall_s"), "plain_requests": med(plain, "requests"), "plain_429": med(plain, "r429"),
            "plain_wall": med(plain, "wall_s"), "plain_real": med(plain, "real_s"), "plain_sim": med(plain, "sim_wait_s"),
            "ratio": med(plain, "wall_s") / med(ours, "wall_s"), "target_requests": ours_target(n),
            "runs": (len(ours), len(plain)),
        })
    return rows


def _local_runs(sz: Sizes, source: str, units: str, paths: list[str], before: str | None, isolate: bool) -> dict:
    """A warm-up of every measure (not counted: the disk cache, the first import), then sz.local_runs
    rounds, each measure once per round, so drift on a shared machine hits them all alike."""
    kinds = {"ours": ("local_check", {"source": source, "units": units}),
             "calamine": ("calamine_load", {"paths": paths}),
             "openpyxl": ("openpyxl_load", {"paths": paths})}
    if before:
        kinds["now_proc"] = ("check_process", {"source": source, "units": units, "tree": str(ROOT)})
        kinds["before_proc"] = ("check_process", {"source": source, "units": units, "tree": before})
    for name, kwargs in kinds.values():
        measure(name, 1, isolate, **kwargs)
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(sz.local_runs):
        for k, (name, kwargs) in kinds.items():
            runs[k] += measure(name, 1, isolate, **kwargs)
    out = {"runs": runs, **{f"{k}_s": med(v, "s") for k, v in runs.items()}}
    out["ratio"] = out["ours_s"] / out["calamine_s"]
    out["openpyxl_ratio"] = out["openpyxl_s"] / out["calamine_s"]
    out["rss"] = max(r["maxrss_mb"] for r in runs["ours"])
    if before:
        out["speedup"] = out["before_proc_s"] / out["now_proc_s"]
    return out


def local_suite(sz: Sizes, workdir: Path, isolate: bool = True, log=print, before: str | None = None) -> list[dict]:
    """`check` on workbooks and folders written two ways: by openpyxl (the generated ones) and the
    way Excel writes (xlsxwriter: <dimension>, shared strings)."""
    from benchmarks.generate import (dataset, write_dir, write_dir_excel, write_units_csv, write_units_csv_with_tabs,
                                     write_xlsx, write_xlsx_excel, xlsx_units)

    rows: list[dict] = []
    for tabs in sz.xlsx_tabs:
        ds = dataset(tabs, sz.xlsx_rows, seed=1)
        csv_x = write_units_csv_with_tabs(xlsx_units(ds), workdir / f"don-vi-xlsx-{tabs}.csv")
        for written, writer in (("openpyxl", write_xlsx), ("Excel (xlsxwriter)", write_xlsx_excel)):
            book = writer(ds, workdir / f"dang-ky-{tabs}-{written[:5]}.xlsx")
            r = _local_runs(sz, f"xlsx:{book}", str(csv_x), [str(book)], before, isolate)
            r.update(kind="xlsx", label=f"xlsx: {tabs} tabs × {sz.xlsx_rows} models ({ds.grid_rows:,} rows, "
                                        f"{book.stat().st_size / 1e6:.1f} MB)", written=written, n=tabs)
            rows.append(r)
            log(f"  xlsx {tabs} tabs, {written}: check {r['ours_s']:.2f}s, calamine {r['calamine_s']:.2f}s, "
                f"openpyxl {r['openpyxl_s']:.2f}s")
    ds = dataset(sz.dir_files, sz.dir_rows, seed=2)
    csv_d = write_units_csv(ds.units, workdir / "don-vi-dir.csv")
    for written, writer in (("openpyxl", write_dir), ("Excel (xlsxwriter)", write_dir_excel)):
        folder = writer(ds, workdir / f"thu-dang-ky-{written[:5]}")
        paths = sorted(str(p) for p in folder.glob("*.xlsx"))
        r = _local_runs(sz, f"dir:{folder}", str(csv_d), paths, before, isolate)
        r.update(kind="dir", label=f"dir: {sz.dir_files:,} workbooks × {sz.dir_rows} models ({ds.grid_rows:,} rows)",
                 written=written, n=sz.dir_files)
        rows.append(r)
        log(f"  dir {sz.dir_files} files, {written}: check {r['ours_s']:.2f}s, calamine {r['calamine_s']:.2f}s, "
            f"openpyxl {r['openpyxl_s']:.2f}s")
    return rows


def core_suite(sz: Sizes, isolate: bool = True, log=print) -> dict:
    through = measure("core_run", sz.core_runs, isolate, n_units=sz.core_units, rows=sz.core_rows)
    log(f"  core {sz.core_units}×{sz.core_rows}: {med(through, 'model_rows_per_s'):,.0f} model rows/s")
    growth = []
    for n in sz.growth_units:
        rs = measure("core_run", sz.growth_runs, isolate, n_units=n, rows=sz.growth_rows)
        growth.append({"units": n, "runs": rs, "s": med(rs, "s"), "read_s": med(rs, "read_s"), "report_s": med(rs, "report_s"),
                       "model_rows": rs[0]["model_rows"], "grid_rows": rs[0]["grid_rows"],
                       "model_rows_per_s": med(rs, "model_rows_per_s"), "maxrss_mb": max(r["maxrss_mb"] for r in rs)})
        log(f"  core growth {n} units: {growth[-1]['s']:.2f}s, {growth[-1]['maxrss_mb']:.0f} MB")
    return {"throughput": through, "growth": growth}


# ------------------------------------------------------------------ report
def _fmt_s(s: float) -> str:
    return f"{s:.2f} s" if s < 100 else f"{s:.0f} s"


def google_table(rows: list[dict]) -> list[str]:
    out = ["| N tabs | ours: requests (reads+writes) | ours: 429s | ours: wall | plain: requests | plain: 429s | plain: wall (real + simulated waits) | plain ÷ ours | runs (ours/plain) |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(
            f"| {r['n']} | {r['ours_requests']} ({r['ours_reads']}+{r['ours_writes']}) | {r['ours_429']} | {_fmt_s(r['ours_wall'])} "
            f"| {r['plain_requests']:.0f} | {r['plain_429']:.0f} | {_fmt_s(r['plain_wall'])} ({_fmt_s(r['plain_real'])} + {r['plain_sim']:.0f} s) "
            f"| {r['ratio']:.0f}× | {r['runs'][0]}/{r['runs'][1]} |")
    return out


def local_table(loc: list[dict]) -> list[str]:
    before = "before_proc_s" in loc[0] if loc else False
    head = ("| input | written by | `danvan check` | calamine read only | check ÷ calamine | openpyxl read only "
            "| openpyxl ÷ calamine |")
    rule = "|---|---|---:|---:|---:|---:|---:|"
    if before:
        head += " `check` process, before issue 18 | `check` process, now | before ÷ now |"
        rule += "---:|---:|---:|"
    out = [head + " peak RSS (check) |", rule + "---:|"]
    for r in loc:
        line = (f"| {r['label']} | {r['written']} | {_fmt_s(r['ours_s'])} | {_fmt_s(r['calamine_s'])} | **{r['ratio']:.2f}×** "
                f"| {_fmt_s(r['openpyxl_s'])} | {r['openpyxl_ratio']:.1f}× |")
        if before:
            line += f" {_fmt_s(r['before_proc_s'])} | {_fmt_s(r['now_proc_s'])} | **{r['speedup']:.1f}×** |"
        out.append(line + f" {r['rss']:.0f} MB |")
    return out


def core_table(core: dict) -> list[str]:
    t = core["throughput"]
    out = [
        f"Throughput, {t[0]['units']} units × {t[0]['rows_per_unit']} models ({t[0]['model_rows']:,} model rows, {t[0]['grid_rows']:,} grid rows), median of {len(t)}: "
        f"**{med(t, 'model_rows_per_s'):,.0f} model rows/s** ({med(t, 'grid_rows_per_s'):,.0f} grid rows/s; "
        f"reader {med(t, 'read_s'):.2f} s + checks/summary {med(t, 'report_s'):.2f} s).",
        "",
        "| units | model rows | grid rows | time | reader | checks + summary | model rows/s | time per unit | peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for g in core["growth"]:
        out.append(f"| {g['units']:,} | {g['model_rows']:,} | {g['grid_rows']:,} | {_fmt_s(g['s'])} | {_fmt_s(g['read_s'])} | {_fmt_s(g['report_s'])} "
                   f"| {g['model_rows_per_s']:,.0f} | {1e3 * g['s'] / g['units']:.2f} ms | {g['maxrss_mb']:.0f} MB |")
    return out


def verdicts(g: list[dict], loc: dict, core: dict, full: bool) -> list[tuple[str, bool | None, str]]:
    out = []
    req_ok = all(r["ours_requests"] <= r["target_requests"] for r in g)
    out.append(("ours ≤ 3 requests up to 200 tabs, ≤ 2 + ⌈N/200⌉ beyond", req_ok,
                ", ".join(f"N={r['n']}: {r['ours_requests']} (≤ {r['target_requests']})" for r in g)))
    out.append(("ours never meets a 429", all(r["ours_429"] == 0 for r in g), ", ".join(f"N={r['n']}: {r['ours_429']}" for r in g)))
    at150 = next((r for r in g if r["n"] == 150), None)
    out.append(("≥ 20× faster than the plain script at N = 150", None if at150 is None else at150["ratio"] >= 20,
                f"{at150['ratio']:.0f}×" if at150 else "not measured (--quick)"))
    def each(rows: list[dict], key: str, fmt: str = ".2f") -> str:
        return "; ".join(f"{r['kind']} {r['n']}, {r['written']}: {r[key]:{fmt}}×" for r in rows)

    out.append(("`check` ≤ 3 × only reading the same files with calamine (issue 18)", all(r["ratio"] <= 3 for r in loc),
                each(loc, "ratio")))
    big = [r for r in loc if (r["kind"], r["n"]) in (("xlsx", 150), ("dir", 2000))]
    out.append(("`check` ≤ 1.2 × only reading with calamine, 150 tabs and 2,000 files (issue 13)",
                all(r["ratio"] <= 1.2 for r in big) if big else None, each(big, "ratio") or "not measured (--quick)"))
    excel = [r for r in loc if r["written"] != "openpyxl" and "speedup" in r]
    out.append(("`check` ≥ 3× faster than before issue 18, Excel-written inputs",
                all(r["speedup"] >= 3 for r in excel) if excel else None,
                each(excel, "speedup", ".1f") or "not measured (run with --before REF)"))
    # "Rows" read either way: the grids' rows (what the core is handed) or the model rows among them.
    rate, grid_rate = med(core["throughput"], "model_rows_per_s"), med(core["throughput"], "grid_rows_per_s")
    out.append(("pure core ≥ 100 000 rows/s", rate >= 100_000,
                f"{rate:,.0f} model rows/s ({grid_rate:,.0f} grid rows/s{', ≥ 100 000' if grid_rate >= 100_000 else ''})"))
    peak = max([r["maxrss_mb"] for x in g for r in x["ours"]] + [r["rss"] for r in loc]
               + [g_["maxrss_mb"] for g_ in core["growth"]] + [r["maxrss_mb"] for r in core["throughput"]])
    out.append(("peak memory < 1 GB", peak < 1024, f"largest peak RSS of any of our runs: {peak:.0f} MB"))
    return out


METHOD = """\
## Method

* Every timed run is a fresh Python process (multiprocessing `spawn`): no run reuses caches, imports or
  warm data from the one before; each reports its own peak RSS (`resource.getrusage(...).ru_maxrss`).
  The figure shown is the median of the runs listed.
* **Google.** `tests/fakes/sheets_api.py`'s `FakeGoogle` serves the Sheets v4 API on 127.0.0.1 with a real
  per-request latency (a `time.sleep` in the server before each answer, {latency_ms:.0f} ms) and the read quota
  enforced ({quota} read requests per rolling minute, answered with Google's 429 body). The fake's quota
  window runs on an injected clock = real monotonic time + simulated waits. Waiting for the quota does not
  sleep: the plain script's `time.sleep(60)` after a 429 and our transport's backoff (`RetryPolicy.sleep`)
  add to the simulated time instead. **Wall time = real elapsed time + simulated waits**, which is what a
  clerk would see on the clock.
  * *ours* = `danvan aggregate --source gsheet:KEY --units don-vi.csv -q`, run in-process through the
    CLI with `SHEETS_EMULATOR_HOST` pointing at the fake: metadata GET + one POST
    `values:batchGetByDataFilter` for every tab + the reader, checks and summary + one
    `spreadsheets:batchUpdate` writing the three summary tabs.
  * *plain* = the script a clerk writes with gspread: `sh = gc.open_by_key(key)`;
    `for ws in sh.worksheets(): ws.get_all_values()`, and on `APIError` 429 sleep 60 s and try again.
    It only reads; it checks nothing and writes nothing.
  * Requests are counted by the fake (every HTTP request it received, 429s included).
* Each run of `check`/`aggregate` gets a fresh, empty `DANVAN_DATA_DIR`, so the run history it records
  (and compares against) starts empty every time and the project's `./data/` is left alone.
* **Local.** `danvan check --source xlsx:… / dir:… --units … --format json` run in-process through the CLI
  (the CLI module imported before the clock starts; the calamine and pipeline imports it makes lazily, the
  run history and the JSON output included) against "only reading the same files": python-calamine
  (`CalamineWorkbook.from_path`, every sheet's `to_python()`) and, for reference, openpyxl
  (`load_workbook(read_only=True, data_only=True)`, every row iterated). One warm-up run of each measure is
  discarded, then {local_runs} rounds run every measure once each, interleaved. Everything is read in one
  process (the forked reader pool is gone), so peak RSS is that process's own.
* **Inputs written two ways.** "openpyxl": the generator's write-only workbooks, with inline strings and no
  `<dimension>`. "Excel (xlsxwriter)": the same grids written the way Excel writes them, a `<dimension>` on
  every sheet and all text in one shared-strings table that every reader parses first.
* **Before issue 18.** With `--before REF`, `python -m benchmarks.run` checks out REF (a commit before the
  switch to calamine) in a temporary git worktree and times `python -m danvan_sheets check …` as a new
  process from that tree and from this one, in the same rounds: process start and imports are counted on
  both sides alike.
* **Core.** `read_tabs` (`read_tab` on every in-memory grid), then `build_report` (matching, checks, totals) — no I/O.
  "Model rows" are the registration rows that become entries; "grid rows" count every row of the form
  (title, header, numbering, Tổng số, sections, placeholders, notes) as well.
* **Data** (`benchmarks/generate.py`, seeded): the seed's form with the real mess — units typed in TCVN3
  (~10 %) or VNI-Windows (~10 %) fonts, NFD (~15 %), no-break and zero-width spaces in names, tab titles in
  capitals or with a no-break space, every period form of issue 2 plus date cells and serial numbers, no year,
  the wrong year, a few errors (bad quantity, blank location, bad scale, unreadable period, completion
  before build), placeholder rows, numbering and Tổng số rows, three styles of section row, Ghi chú notes,
  the two mandatory Khối models in some units, a few repeated names.
"""


def write_results(m: dict, sz: Sizes, g: list[dict], loc: dict, core: dict, args, took: float, profile: list[str]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `python -m benchmarks.run{' --quick' if args.quick else ''}` on {dt.date.today().isoformat()} "
        f"in {took / 60:.1f} min.",
        "",
        f"**Machine:** {m['cpu']}, {m['cores']} cores, {m['mem_gb']} GB RAM, {m['os']}, Python {m['python']}.",
        "",
        "## Targets",
        "",
        "| target | met | measured |",
        "|---|---|---|",
    ]
    for label, ok, text in verdicts(g, loc, core, not args.quick):
        lines.append(f"| {label} | {'—' if ok is None else ('yes' if ok else '**no**')} | {text} |")
    lines += ["", "## Google: `danvan aggregate` vs the plain per-tab gspread script", "",
              f"Latency {args.latency * 1000:.0f} ms per request, quota {args.quota} reads/minute, {sz.google_rows} models per tab.", ""]
    lines += google_table(g)
    lines += ["", "## Local: `check` vs only reading the files with calamine", ""]
    lines += local_table(loc)
    lines += ["", "## Pure core (reader + checks + summary, in-memory grids)", ""]
    lines += core_table(core)
    if profile:
        lines += ["", "## Where the core's time goes (cProfile, top functions by own time)", "", "```", *profile, "```"]
    lines += ["", METHOD.format(latency_ms=args.latency * 1000, quota=args.quota, local_runs=sz.local_runs), "## Reproduce", "",
              "```", "python -m benchmarks.run          # full set, < 10 min on 2 cores",
              "python -m benchmarks.run --quick  # smaller sizes",
              "python -m benchmarks.run --before 6bb38e1  # and `check` before issue 18 (openpyxl), side by side",
              "```", ""]
    text = "\n".join(lines)
    Path(args.out).write_text(text, encoding="utf-8")
    return text


def core_profile(n_units: int = 200, rows: int = 40, top: int = 15) -> list[str]:
    """Top functions of the core by own time on a cold process."""
    import cProfile
    import pstats

    from benchmarks.generate import YEAR, dataset
    from danvan_sheets.core.reader import read_tab

    ds = dataset(n_units, rows, seed=3)
    prof = cProfile.Profile()
    prof.enable()
    for t, r in ds.grids:
        read_tab(t, r, YEAR)
    prof.disable()
    s = io.StringIO()
    pstats.Stats(prof, stream=s).strip_dirs().sort_stats("tottime").print_stats(top)
    body = [ln for ln in s.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(body) if ln.lstrip().startswith("ncalls")), 0)
    return body[start:start + top + 1]


@contextlib.contextmanager
def _tree_at(ref: str | None):
    """A temporary git worktree of this repository at `ref` (None: nothing to check out)."""
    import subprocess

    if not ref:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="danvan-before-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), ref], check=True,
                       capture_output=True)
        try:
            yield str(tree)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)


def run_all(sz: Sizes, args, isolate: bool = True, log=print) -> str:
    """Every suite, then RESULTS.md (args: quick, latency, quota, out). -> the Markdown text."""
    started = time.perf_counter()
    m = machine()
    log(f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}")
    log("Google (fake API, simulated quota clock):")
    g = google_suite(sz, args.latency, args.quota, isolate, log)
    log("Local (xlsx, dir):")
    with tempfile.TemporaryDirectory(prefix="danvan-bench-") as tmp, _tree_at(getattr(args, "before", None)) as before:
        loc = local_suite(sz, Path(tmp), isolate, log, before)
    log("Core (in-memory):")
    core = core_suite(sz, isolate, log)
    profile = isolated("core_profile") if isolate else core_profile(20, 5, 5)
    return write_results(m, sz, g, loc, core, args, time.perf_counter() - started, profile)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, one run each (for development)")
    ap.add_argument("--latency", type=float, default=0.15, help="fake Google per-request latency in seconds (0.15)")
    ap.add_argument("--quota", type=int, default=60, help="read requests per minute (60)")
    ap.add_argument("--out", default=str(RESULTS), help="where to write the Markdown report")
    ap.add_argument("--before", metavar="REF", help="also time `check` at this git commit (before issue 18)")
    args = ap.parse_args(argv)
    text = run_all(QUICK if args.quick else Sizes(), args)
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The speed a user feels (issues 18 and 13): `check` and Google `aggregate` as whole processes.

    python -m benchmarks.felt --before 6bb38e1   # ~5 min on 2 cores; writes benchmarks/RESULTS.md
    python -m benchmarks.felt --quick            # small sizes, one round (development)

Every figure is a new `python` process timed from outside (start-up, imports, reading, checks,
history, output), its peak RSS read from its own rusage (os.wait4). A warm-up round of every
measure is discarded, then the rounds run every measure once each, interleaved, so a busy
moment of the shared machine falls on all of them alike. Medians are shown.

"Just reading" (the floor `check` is compared with) is a process that starts Python, imports
python_calamine and reads, for every file, every worksheet's values (to_python) and its merged
ranges: the least any tool must do to see the same forms.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.run import AS_OF, _tree_at, machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"

READ_ONLY = """
import sys
from python_calamine import CalamineWorkbook
cells = 0
for p in sys.argv[1:]:
    with CalamineWorkbook.from_path(p) as wb:
        for name in wb.sheet_names:
            ws = wb.get_sheet_by_name(name)
            cells += sum(len(r) for r in ws.to_python(skip_empty_area=False))
            ws.merged_cell_ranges
print(cells)
"""

# The floor of a Google aggregate: start Python, import gspread, send the same three requests
# (recorded from our run) through gspread's own HTTP session. It checks and writes nothing else.
FLOOR = """
import json, sys
from urllib.parse import quote
import gspread, requests
from google.auth.credentials import AnonymousCredentials
host, key, recorded = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3], encoding="utf-8"))
gc = gspread.Client(auth=AnonymousCredentials(), session=requests.Session())
for r in recorded:
    url = f"http://{host}" + quote(r["path"].replace(r["key"], key), safe="/:")
    resp = gc.http_client.request(r["method"], url, params=r["query"] or None, json=r["body"])
    resp.json()
"""


@dataclass
class Sizes:
    tabs: tuple[int, ...] = (150, 500)
    rows: int = 40
    files: int = 2000
    file_rows: int = 10
    rounds: int = 5
    google_tabs: int = 150
    google_rows: int = 20
    latency: float = 0.15


QUICK = Sizes(tabs=(10,), rows=5, files=20, file_rows=3, rounds=1, google_tabs=10, google_rows=3)


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> dict:
    """Run one process; -> wall seconds, its own peak RSS (MB), exit code."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "s": took,
        "rss_mb": usage.ru_maxrss / 1024,
        "exit": proc.returncode,
        "err": err[-400:].decode(errors="replace"),
    }


def _env(tree: Path, data: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "DANVAN_DATA_DIR": data, **extra}


def check_proc(tree: Path, source: str, units: str, data: Path | None = None) -> dict:
    """`check` as a new process; with a fresh history unless `data` (kept across runs) is given."""
    with contextlib.ExitStack() as stack:
        folder = str(data) if data else stack.enter_context(tempfile.TemporaryDirectory(prefix="danvan-felt-data-"))
        r = timed(
            [
                sys.executable,
                "-m",
                "danvan_sheets",
                "check",
                "--source",
                source,
                "--units",
                units,
                "--format",
                "json",
                "--as-of",
                AS_OF,
            ],
            tree,
            _env(tree, folder),
        )
    if r["exit"] not in (0, 1):
        raise RuntimeError(f"check in {tree} exited {r['exit']}: {r['err']}")
    return r


def read_proc(paths: list[str]) -> dict:
    r = timed([sys.executable, "-c", READ_ONLY, *paths], ROOT, dict(os.environ))
    if r["exit"]:
        raise RuntimeError(r["err"])
    return r


def phases(source: str, units: str) -> dict:
    """One `check` in this process, step by step as pipeline.run does it: where the time goes."""
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    from danvan_sheets.cli.base import load
    from danvan_sheets.core.reader import read_tabs
    from danvan_sheets.core.summary import build_report
    from danvan_sheets.pipeline import attach_history, read_source, resolve_spec, resolve_units
    from danvan_sheets.writers.machine import to_json

    out["imports"] = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="danvan-felt-data-") as data:
        os.environ["DANVAN_DATA_DIR"] = data
        t = time.perf_counter()
        settings = load(None)
        spec = resolve_spec(source, settings)
        unit_list = resolve_units(units, settings)
        out["settings + units"] = time.perf_counter() - t
        t = time.perf_counter()
        src = read_source(spec, settings)
        out["read the files (calamine + grid)"] = time.perf_counter() - t
        t = time.perf_counter()
        readings = read_tabs(src.tabs, settings.campaign.year)
        out["core: read the forms"] = time.perf_counter() - t
        t = time.perf_counter()
        report = build_report(unit_list, readings, settings.campaign, dt.date.fromisoformat(AS_OF), src.notices)
        out["core: checks + summary"] = time.perf_counter() - t
        t = time.perf_counter()
        attach_history(settings, report, src, spec, dt.datetime.now())
        out["history (first run: every row stored)"] = time.perf_counter() - t
        t = time.perf_counter()
        text = to_json(report)
        out["JSON output"] = time.perf_counter() - t
    out["_chars"] = len(text)
    return out


def phases_proc(source: str, units: str) -> dict:
    code = f"import json; from benchmarks.felt import phases; print(json.dumps(phases({source!r}, {units!r})))"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if proc.returncode:
        raise RuntimeError(proc.stderr[-400:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rounds(measures: dict, n: int, log) -> dict[str, list[dict]]:
    for f in measures.values():
        f()  # warm-up: disk cache, first import
    got: dict[str, list[dict]] = {k: [] for k in measures}
    for i in range(n):
        for k, f in measures.items():
            got[k].append(f())
        log(f"    round {i + 1}: " + ", ".join(f"{k} {got[k][-1]['s']:.2f}s" for k in measures))
    return got


def med(runs: list[dict], k: str = "s") -> float:
    return statistics.median(r[k] for r in runs)


def local(sz: Sizes, work: Path, before: Path | None, log) -> list[dict]:
    from benchmarks.generate import (
        dataset,
        write_dir_excel,
        write_units_csv,
        write_units_csv_with_tabs,
        write_xlsx_excel,
        xlsx_units,
    )

    inputs = []
    for n in sz.tabs:
        ds = dataset(n, sz.rows, seed=1)
        book = write_xlsx_excel(ds, work / f"dang-ky-{n}.xlsx")
        csv = write_units_csv_with_tabs(xlsx_units(ds), work / f"don-vi-{n}.csv")
        inputs.append(
            (
                f"xlsx: {n} tabs × {sz.rows} models ({ds.grid_rows:,} rows, {book.stat().st_size / 1e6:.1f} MB)",
                f"xlsx:{book}",
                str(csv),
                [str(book)],
                n * sz.rows,
            )
        )
    ds = dataset(sz.files, sz.file_rows, seed=2)
    folder = write_dir_excel(ds, work / "thu-dang-ky")
    csv = write_units_csv(ds.units, work / "don-vi-dir.csv")
    inputs.append(
        (
            f"dir: {sz.files:,} workbooks × {sz.file_rows} models ({ds.grid_rows:,} rows)",
            f"dir:{folder}",
            str(csv),
            sorted(str(p) for p in folder.glob("*.xlsx")),
            sz.files * sz.file_rows,
        )
    )
    out = []
    for label, source, units, paths, models in inputs:
        log(f"  {label}")
        kept = work / f"history-{len(out)}"  # filled by the warm-up: later runs find every tab unchanged
        measures = {
            "now": lambda s=source, u=units: check_proc(ROOT, s, u),
            "read": lambda p=paths: read_proc(p),
            "repeat": lambda s=source, u=units, d=kept: check_proc(ROOT, s, u, d),
        }
        if before:
            measures["before"] = lambda s=source, u=units: check_proc(before, s, u)
        got = rounds(measures, sz.rounds, log)
        row = {
            "label": label,
            "models": models,
            "runs": got,
            **{f"{k}_s": med(v) for k, v in got.items()},
            **{f"{k}_rss": max(r["rss_mb"] for r in v) for k, v in got.items()},
            **{f"{k}_range": (min(r["s"] for r in v), max(r["s"] for r in v)) for k, v in got.items()},
        }
        row["phases"] = phases_proc(source, units)
        out.append(row)
    return out


def google(sz: Sizes, work: Path, log) -> dict:
    from benchmarks.generate import dataset, load_fake, write_units_csv
    from tests.fakes.sheets_api import FakeGoogle

    ds = dataset(sz.google_tabs, sz.google_rows, seed=0)
    units = str(write_units_csv(ds.units, work / "don-vi-google.csv"))
    recorded = work / "three-requests.json"

    def fresh():
        fake = FakeGoogle(latency=sz.latency, read_quota_per_minute=None, seed=1)  # same ids every run
        fake.start()
        key = load_fake(fake, ds)
        fake.reset_log()
        return fake, key

    def ours() -> dict:
        fake, key = fresh()
        try:
            with tempfile.TemporaryDirectory(prefix="danvan-felt-data-") as data:
                r = timed(
                    [
                        sys.executable,
                        "-m",
                        "danvan_sheets",
                        "aggregate",
                        "--source",
                        f"gsheet:{key}",
                        "--units",
                        units,
                        "--as-of",
                        AS_OF,
                        "-q",
                    ],
                    ROOT,
                    _env(ROOT, data, SHEETS_EMULATOR_HOST=fake.host),
                )
            reqs = list(fake.requests)
        finally:
            fake.stop()
        if r["exit"] not in (0, 1):
            raise RuntimeError(f"aggregate exited {r['exit']}: {r['err']}")
        recorded.write_text(
            json.dumps(
                [{"method": q.method, "path": q.path, "query": q.query, "body": q.body, "key": key} for q in reqs]
            ),
            encoding="utf-8",
        )
        return {**r, "requests": len(reqs), "r429": sum(1 for q in reqs if q.status == 429)}

    def floor() -> dict:
        fake, key = fresh()
        try:
            r = timed([sys.executable, "-c", FLOOR, fake.host, key, str(recorded)], ROOT, dict(os.environ))
            n = len(fake.requests)
        finally:
            fake.stop()
        if r["exit"]:
            raise RuntimeError(r["err"])
        return {**r, "requests": n}

    log(f"  Google aggregate, {sz.google_tabs} tabs × {sz.google_rows} models, {sz.latency * 1000:.0f} ms per request")
    ours()  # records the three requests the floor replays
    got = rounds({"ours": ours, "floor": floor}, sz.rounds, log)
    return {
        "runs": got,
        "ours_s": med(got["ours"]),
        "floor_s": med(got["floor"]),
        "ours_rss": max(r["rss_mb"] for r in got["ours"]),
        "floor_rss": max(r["rss_mb"] for r in got["floor"]),
        "requests": got["ours"][-1]["requests"],
        "floor_requests": got["floor"][-1]["requests"],
        "r429": max(r["r429"] for r in got["ours"]),
    }


def _x(v: float) -> str:
    return f"{v:.2f}×"


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def write(m: dict, sz: Sizes, loc: list[dict], g: dict, before: str | None, load: str, took: float, out: Path) -> str:
    L = [
        "# Benchmarks: the speed a user feels (issues 18 and 13)",
        "",
        f"Generated by `python -m benchmarks.felt{' --before ' + before if before else ''}` on {dt.date.today()} "
        f"in {took / 60:.1f} min.",
        "",
        f"**Machine:** {m['cpu']}, {m['cores']} cores (shared with other jobs), {m['mem_gb']} GB RAM, {m['os']}, "
        f"Python {sys.version.split()[0]}. Load average before / after the run: {load}.",
        "",
        "Inputs are written the way Excel writes them (xlsxwriter: a `<dimension>` on every sheet, all text in one "
        "shared-strings table), with the generator's real mess (legacy fonts, NFD, every period form, errors).",
        "",
        "## Targets",
        "",
        "| measure | target | measured | |",
        "|---|---|---|---|",
    ]
    for r in loc:
        if "before_s" in r:
            sp = r["before_s"] / r["now_s"]
            L.append(
                f"| `check` vs before issue 18 — {r['label']} | ≥ 3× faster | {_x(sp)} "
                f"({r['before_s']:.2f} s → {r['now_s']:.2f} s) | {_met(sp >= 3)} |"
            )
    for r in loc:
        q = r["now_s"] / r["read_s"]
        L.append(
            f"| `check` ÷ just reading with calamine (issue 18) — {r['label']} | ≤ 3× | {_x(q)} "
            f"({r['now_s']:.2f} s ÷ {r['read_s']:.2f} s) | {_met(q <= 3)} |"
        )
    q = g["ours_s"] / g["floor_s"]
    L.append(
        f"| Google `aggregate` ÷ floor, {sz.google_tabs} tabs | ≤ 1.5× | {_x(q)} ({g['ours_s']:.2f} s ÷ "
        f"{g['floor_s']:.2f} s) | {_met(q <= 1.5)} |"
    )
    for r in (loc[0], loc[-1]):
        q = r["now_s"] / r["read_s"]
        L.append(f"| `check` ÷ just reading (issue 13) — {r['label']} | ≤ 1.2× | {_x(q)} | {_met(q <= 1.2)} |")
    L += [
        "",
        "## `check`, each a new process",
        "",
        "| input | `check` now | min – max | before issue 18 | min – max | just reading (calamine) | min – max | "
        "`check` again, tabs unchanged | peak RSS: now / before / reading |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in loc:
        b = (
            f"{r['before_s']:.2f} s | {r['before_range'][0]:.2f} – {r['before_range'][1]:.2f}"
            if "before_s" in r
            else "— | —"
        )
        L.append(
            f"| {r['label']} | {r['now_s']:.2f} s | {r['now_range'][0]:.2f} – {r['now_range'][1]:.2f} | {b} | "
            f"{r['read_s']:.2f} s | {r['read_range'][0]:.2f} – {r['read_range'][1]:.2f} | {r['repeat_s']:.2f} s | "
            f"{r['now_rss']:.0f} / {r.get('before_rss', 0):.0f} / {r['read_rss']:.0f} MB |"
        )
    L += [
        "",
        "## Where `check`'s time goes (one run in one process, step by step as `pipeline.run`)",
        "",
        "| step | " + " | ".join(r["label"].split(" (")[0] for r in loc) + " |",
        "|---|" + "---:|" * len(loc),
    ]
    steps = [k for k in loc[0]["phases"] if not k.startswith("_")]
    for k in steps:
        L.append(f"| {k} | " + " | ".join(f"{r['phases'][k]:.3f} s" for r in loc) + " |")
    L.append("| total in process | " + " | ".join(f"{sum(r['phases'][k] for k in steps):.3f} s" for r in loc) + " |")
    L.append("| JSON printed | " + " | ".join(f"{r['phases']['_chars'] / 1e6:.1f} M chars" for r in loc) + " |")
    L += [
        "",
        f"## Google `aggregate` vs the floor ({sz.latency * 1000:.0f} ms per request, fake Sheets API on "
        "127.0.0.1, real gspread client)",
        "",
        "| | wall (median) | min – max | requests | peak RSS |",
        "|---|---:|---:|---:|---:|",
        f"| `danvan aggregate --source gsheet:KEY -q` ({sz.google_tabs} tabs × {sz.google_rows} models) | "
        f"{g['ours_s']:.2f} s | {min(r['s'] for r in g['runs']['ours']):.2f} – "
        f"{max(r['s'] for r in g['runs']['ours']):.2f} | "
        f"{g['requests']} ({g['r429']} × 429) | {g['ours_rss']:.0f} MB |",
        f"| floor: start Python, import gspread, the same {g['floor_requests']} requests | {g['floor_s']:.2f} s | "
        f"{min(r['s'] for r in g['runs']['floor']):.2f} – {max(r['s'] for r in g['runs']['floor']):.2f} | "
        f"{g['floor_requests']} | {g['floor_rss']:.0f} MB |",
        "",
        "## Reproduce",
        "",
        "```",
        f"python -m benchmarks.felt --before {before or '6bb38e1'}   # this file",
        "python -m benchmarks.felt --quick",
        "```",
        "",
        "`before` is the last commit read through openpyxl (6bb38e1), checked out in a temporary git worktree "
        "and run as `python -m danvan_sheets check` from there, exactly like the current tree. Both trees are "
        "byte-compiled first (an installed package is; this machine sets PYTHONDONTWRITEBYTECODE, which "
        "would otherwise charge ~0.1 s of compiling to every process). Each `check` gets a fresh empty "
        '`DANVAN_DATA_DIR`, so the history stores every row (a unit\'s first run); "`check` again" keeps one '
        "history across its runs, as a clerk's day of checks does, so every tab is found unchanged by its "
        "fingerprint and its rows are not stored again.",
        "",
    ]
    text = "\n".join(L)
    out.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.felt", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, one round")
    ap.add_argument("--before", metavar="REF", help="also time `check` at this commit (before issue 18: 6bb38e1)")
    ap.add_argument("--out", default=str(RESULTS), help="where to write the Markdown (benchmarks/RESULTS.md)")
    args = ap.parse_args(argv)
    sz = QUICK if args.quick else Sizes()
    started = time.perf_counter()
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="danvan-felt-") as tmp, _tree_at(args.before) as before:
        for tree in filter(None, (str(ROOT), before)):
            compileall.compile_dir(str(Path(tree) / "danvan_sheets"), quiet=1)
        print("Local (check as a process):")
        loc = local(sz, Path(tmp), Path(before) if before else None, print)
        print("Google:")
        g = google(sz, Path(tmp), print)
    load1 = os.getloadavg()
    load = f"{load0[0]:.2f} / {load1[0]:.2f} (1 min), {load0[1]:.2f} / {load1[1]:.2f} (5 min)"
    text = write(machine(), sz, loc, g, args.before, load, time.perf_counter() - started, Path(args.out))
    print()
    print(text)
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())

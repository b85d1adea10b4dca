"""Reading the files units send, per format: python-calamine (what the tool uses) against openpyxl,
side by side (issue 12: "measure it against openpyxl … and pick per format on the figures").

    python -m benchmarks.readers              # 100 files per format × 40 models, 5 rounds
    python -m benchmarks.readers --quick      # 10 files, 2 rounds, for development

For each format a folder of one form per unit is written the way that format's producer writes
it: .xlsx as Excel writes it (xlsxwriter: <dimension>, shared strings), old Excel .xls (xlwt),
LibreOffice .ods (with the run of a million empty rows LibreOffice writes after the data). Every
form has merged cells (the section title across the row, a place typed once and merged down).

Readers, each asked for what the tool needs from a file: every sheet's values and its merges.
* calamine: `danvan_sheets.sources.workbook.open_book(...).sheets()`, the tool's own path
  (for .ods the merges come from content.xml, which calamine does not list);
* openpyxl: `load_workbook(path)` (values and `merged_cells`); and, for reference, its
  read-only mode, which gives no merges at all. openpyxl reads .xlsx/.xlsm only.

Before timing, both readers' grids are compared cell by cell, so the figures compare readers
that see the same form. Times are CPU seconds of this process (steadier than wall time on a
shared machine; reading is single-threaded, so they are close to wall time when the machine
is idle) and wall seconds, medians of interleaved rounds after one warm-up round. The import of
each library is timed apart, in a fresh interpreter, as a command pays it once per run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import generate
from benchmarks.run import machine

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS-readers.md"
FORMATS = (".xlsx", ".xls", ".ods")


# ------------------------------------------------------------------ the files
def _merges(rows: list[list[object]]) -> list[tuple[int, int, int, int]]:
    """A section title merged across the row, and the first model's place merged down over the next."""
    out = []
    for r, row in enumerate(rows):
        name = row[1] if len(row) > 1 else None
        if isinstance(name, str) and name.startswith("Lĩnh vực") and all(v in (None, " ") for v in row[2:]):
            out.append((r, r + 1, 1, 7))
            break
    header = next((r for r, row in enumerate(rows) if row and row[0] == "Stt"), None)
    if header is not None:
        first = next((r for r in range(header + 1, len(rows) - 1)
                      if isinstance(rows[r][0], int) and isinstance(rows[r + 1][0], int)), None)
        if first is not None:
            out.append((first, first + 2, 4, 5))
    return out


def _covered(rows: list[list[object]], merges) -> list[list[object]]:
    rows = [list(r) for r in rows]
    for r0, r1, c0, c1 in merges:
        for r in range(r0, r1):
            for c in range(c0, c1):
                if (r, c) != (r0, c0) and c < len(rows[r]):
                    rows[r][c] = None
    return rows


def write_folders(n_files: int, models: int, root: Path) -> dict[str, list[Path]]:
    """A folder per format, one form per unit, the same forms in each."""
    from tests.helpers_files import write_ods, write_xls, write_xlsxwriter

    writers = {".xlsx": write_xlsxwriter, ".xls": write_xls, ".ods": write_ods}
    ds = generate.dataset(n_files, models, seed=12)
    out: dict[str, list[Path]] = {}
    for suffix, write in writers.items():
        folder = root / suffix.lstrip(".")
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for i, (_title, rows) in enumerate(ds.grids):
            merges = _merges(rows)
            paths.append(write(folder / f"{i + 1:04d}{suffix}", {"Đăng ký": (_covered(rows, merges), merges)}))
        out[suffix] = paths
    return out


# ------------------------------------------------------------------ the readers
Grid = list[list[object]]


def read_calamine(paths: list[Path]) -> list[tuple[Grid, list]]:
    from danvan_sheets.sources.workbook import open_book

    out: list[tuple[Grid, list]] = []
    for p in paths:
        with open_book(p) as book:
            out.extend((s.rows, s.merges) for s in book.sheets())
    return out


def _trim(rows: list[list[object]]) -> Grid:
    """openpyxl's rows as calamine's come out: "" and trailing blanks dropped, blank rows at the end dropped."""
    from danvan_sheets.sources.workbook import clean_rows

    return clean_rows([list(r) for r in rows])


def read_openpyxl(paths: list[Path]) -> list[tuple[Grid, list]]:
    import openpyxl

    out = []
    for p in paths:
        wb = openpyxl.load_workbook(p, data_only=True)
        for ws in wb.worksheets:
            merges = sorted((m.min_row - 1, m.max_row, m.min_col - 1, m.max_col) for m in ws.merged_cells.ranges)
            out.append((_trim(ws.iter_rows(values_only=True)), merges))
        wb.close()
    return out


def read_openpyxl_values_only(paths: list[Path]) -> list[tuple[Grid, list]]:
    import openpyxl

    out: list[tuple[Grid, list]] = []
    for p in paths:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        for ws in wb.worksheets:
            out.append((_trim(ws.iter_rows(values_only=True)), []))
        wb.close()
    return out


READERS: dict[str, tuple[Callable[[list[Path]], list], tuple[str, ...]]] = {
    "calamine (danvan)": (read_calamine, FORMATS),
    "openpyxl": (read_openpyxl, (".xlsx",)),
    "openpyxl read-only (no merges)": (read_openpyxl_values_only, (".xlsx",)),
}


def same_forms(paths: list[Path]) -> None:
    """The readers see the same values and merges in the same .xlsx files, or the figures mean nothing."""
    from danvan_sheets.grid import clip_merges

    ours, theirs = read_calamine(paths), read_openpyxl(paths)
    for p, (rows, merges), (o_rows, o_merges) in zip(paths, ours, theirs, strict=True):
        if rows != o_rows or merges != clip_merges(o_merges, o_rows):
            raise AssertionError(f"calamine and openpyxl read {p.name} differently")


# ------------------------------------------------------------------ timing
def time_once(read: Callable[[list[Path]], list], paths: list[Path]) -> tuple[float, float]:
    c, w = time.process_time(), time.perf_counter()
    read(paths)
    return time.process_time() - c, time.perf_counter() - w


def import_seconds(module: str, rounds: int = 3) -> float:
    """Median wall time of importing `module` in a fresh interpreter, less a bare interpreter's start."""
    def run(code: str) -> float:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t

    bare = statistics.median(run("pass") for _ in range(rounds))
    return max(0.0, statistics.median(run(f"import {module}") for _ in range(rounds)) - bare)


def measure(folders: dict[str, list[Path]], rounds: int) -> list[dict]:
    jobs = [(name, suffix) for name, (_, formats) in READERS.items() for suffix in FORMATS if suffix in formats]
    for name, suffix in jobs:  # warm-up: imports, the page cache
        time_once(READERS[name][0], folders[suffix])
    times: dict[tuple[str, str], list[tuple[float, float]]] = {job: [] for job in jobs}
    for _ in range(rounds):
        for name, suffix in jobs:
            times[(name, suffix)].append(time_once(READERS[name][0], folders[suffix]))
    return [{"reader": name, "format": suffix, "files": len(folders[suffix]),
             "cpu_s": statistics.median(c for c, _ in times[(name, suffix)]),
             "wall_s": statistics.median(w for _, w in times[(name, suffix)])} for name, suffix in jobs]


# ------------------------------------------------------------------ report
def table(results: list[dict]) -> list[str]:
    base = {r["format"]: r["cpu_s"] for r in results if r["reader"] == "calamine (danvan)"}
    lines = ["| format | reader | files | CPU s (median) | wall s (median) | ms per file | ÷ calamine (CPU) |",
             "|---|---|---|---|---|---|---|"]
    for suffix in FORMATS:
        for r in (r for r in results if r["format"] == suffix):
            ratio = r["cpu_s"] / base[suffix] if base.get(suffix) else float("nan")
            lines.append(f"| {suffix} | {r['reader']} | {r['files']} | {r['cpu_s']:.3f} | {r['wall_s']:.3f} "
                         f"| {1000 * r['cpu_s'] / r['files']:.1f} | {ratio:.1f}× |")
        for name, (_, formats) in READERS.items():
            if suffix not in formats:
                lines.append(f"| {suffix} | {name} | — | does not read {suffix} | | | |")
    return lines


def write_results(results: list[dict], imports: dict[str, float], args, took: float) -> str:
    m = machine()
    text = [
        "# Reading the files units send: python-calamine vs openpyxl, per format (issue 12)",
        "",
        f"Measured {dt.date.today().isoformat()} with `python -m benchmarks.readers"
        f"{' --quick' if args.quick else ''}` ({args.files} files per format × {args.models} models, "
        f"{args.rounds} rounds after a warm-up; {took:.0f} s in all) on {m['cpu']}, {m['cores']} cores, "
        f"Python {m['python']}. The machine was shared with other work: CPU seconds are the figure to read.",
        "",
        *table(results),
        "",
        "Import, once per command (fresh interpreter, wall seconds): "
        + ", ".join(f"`{k}` {v:.2f} s" for k, v in imports.items()) + ".",
        "",
        "## The choice per format",
        "",
        "* **.xlsx / .xlsm: calamine.** It reads the same values and merges as openpyxl (checked cell by cell "
        "before timing) for a fraction of openpyxl's CPU time (the ÷ column) and without openpyxl's import; "
        "openpyxl's read-only mode is no way out, as it gives no merged ranges (and is not faster on a unit's form).",
        "* **.xls: calamine.** openpyxl does not read the old Excel format; the other reader (xlrd) would be one "
        "more dependency for a format calamine already reads, merges included.",
        "* **.ods: calamine** for the values, and the merges from `content.xml` with the standard library "
        "(calamine does not list them for .ods); openpyxl does not read .ods. The .ods figure includes that "
        "second pass and the million empty rows LibreOffice writes after the form.",
        "",
        "See the module's docstring for the method.",
    ]
    return "\n".join(text) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 files, 2 rounds")
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--models", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if args.quick:
        args.files, args.rounds = 10, 2
    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="danvan-readers-") as tmp:
        folders = write_folders(args.files, args.models, Path(tmp))
        same_forms(folders[".xlsx"])
        results = measure(folders, args.rounds)
    imports = {m: import_seconds(m) for m in ("python_calamine", "openpyxl")}
    text = write_results(results, imports, args, time.perf_counter() - t)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

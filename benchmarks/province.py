"""A province's roll-up: `danvan rollup` over 10, 20 and 40 generated Khối and district sources
(40 sources ≈ 2,500 models, Yên Bái's 2023 size), beside `danvan check` of one sheet.

    python -m benchmarks.province           # writes benchmarks/RESULTS-province.md
    python -m benchmarks.province --quick   # small sizes, one run each (development)

Each source is a Khối's workbook (a tab per unit) or, every fourth one, a district's
folder of one workbook per unit, with its own units list; every form is dirtied the way
benchmarks/generate.py dirties them (legacy fonts, every period form, errors, the
mandatory models, repeated names), and the same realistic model names recur across
units, so the duplicate list is as long as a province's would be.

Every measured run is the installed command in a fresh process (`python -m danvan_sheets`),
start-up and history included, as a person at the office runs it: one warm-up, then the
median of the runs. The single-sheet figures are `check` of one source of the province and
`check` of one workbook holding all of the province's units as tabs (the same models,
read as one sheet).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS-province.md"
CONFIG = ROOT / "config" / "danvan.toml"
AS_OF = generate.AS_OF.isoformat()


@dataclass
class Sizes:
    sources: tuple[int, ...] = (10, 20, 40)
    units_per_source: int = 16
    rows_per_unit: int = 4
    dir_every: int = 4  # every n-th source is a district's folder of files
    runs: int = 5


QUICK = Sizes(sources=(2, 4, 8), units_per_source=6, rows_per_unit=3, runs=1)


@dataclass
class Province:
    sources: list[tuple[str, str, str]] = field(default_factory=list)  # (spec, units csv, name)
    units: int = 0
    models: int = 0
    first_models: int = 0  # model rows of the first source alone


def build(workdir: Path, n_sources: int, sz: Sizes, seed: int = 0) -> Province:
    """n_sources Khối/district sources under workdir; source i is the same whatever n_sources is."""
    p = Province()
    for i in range(n_sources):
        ds = generate.dataset(sz.units_per_source, sz.rows_per_unit, seed=seed * 1000 + i)
        folder = sz.dir_every and (i + 1) % sz.dir_every == 0
        name = f"Huyện {i + 1}" if folder else f"Khối {i + 1}"
        units = workdir / f"don-vi-{i + 1:02d}.csv"
        if folder:
            target = workdir / f"huyen-{i + 1:02d}"
            if not target.exists():
                generate.write_dir(ds, target)
            generate.write_units_csv(ds.units, units)
            spec = f"dir:{target}"
        else:
            target = workdir / f"khoi-{i + 1:02d}.xlsx"
            if not target.exists():
                generate.write_xlsx(ds, target)
            generate.write_units_csv_with_tabs(generate.xlsx_units(ds), units)
            spec = f"xlsx:{target}"
        p.sources.append((spec, str(units), name))
        p.units += len(ds.units)
        p.models += ds.model_rows
        p.first_models = p.first_models or ds.model_rows
    return p


def one_sheet(workdir: Path, sz: Sizes, n_units: int, seed: int = 7) -> tuple[str, str, int]:
    """The province's units as tabs of one workbook: -> (spec, units csv, model rows)."""
    ds = generate.dataset(n_units, sz.rows_per_unit, seed=seed)
    book = workdir / f"mot-bang-{n_units}.xlsx"
    if not book.exists():
        generate.write_xlsx(ds, book)
    units = generate.write_units_csv_with_tabs(generate.xlsx_units(ds), workdir / f"don-vi-mot-bang-{n_units}.csv")
    return f"xlsx:{book}", str(units), ds.model_rows


# `python -m danvan_sheets`, saying its own peak memory on the way out: VmHWM, the peak of
# this program's own address space (ru_maxrss would also count the benchmark process the
# child was forked from, before exec, and the waiting parent's is the largest of all runs).
_ENTRY = (
    "import resource, sys\n"
    "from danvan_sheets.cli import main\n"
    "def peak():\n"
    "    try:\n"
    "        with open('/proc/self/status') as f:\n"
    "            return next(int(l.split()[1]) for l in f if l.startswith('VmHWM:'))\n"
    "    except (OSError, StopIteration):\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    sys.stderr.write(f'\\nPEAK_RSS_KB={peak()}\\n')\n"
)


def _command(args: list[str], data_dir: Path) -> tuple[float, float, int, float]:
    """One fresh `python -m danvan_sheets …`: -> (wall s, CPU s, exit code, its peak RSS in MB).

    The CPU time (user + system of the child) is what the run itself costs; on a machine
    shared with other work the wall time also holds the waits for a free core.
    """
    env = {**os.environ, "DANVAN_DATA_DIR": str(data_dir), "DANVAN_CONFIG": str(CONFIG)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _ENTRY, *args, "--config", str(CONFIG), "--as-of", AS_OF],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    took = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"danvan {args[0]} exited {done.returncode}: {done.stderr[-500:]}")
    kb = [line.split("=", 1)[1] for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_KB=")]
    return took, cpu, done.returncode, int(kb[-1]) / 1024 if kb else float("nan")


def timed_all(commands: list[list[str]], runs: int) -> list[dict]:
    """Every command `runs` times, interleaved (round k runs each once), after one warm-up round
    (unless a single run); each run with a fresh history, as a campaign's first run."""
    warm = 1 if runs > 1 else 0  # --quick: one run, no warm-up
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    peaks = [0.0 for _ in commands]
    for k in range(runs + warm):
        for i, args in enumerate(commands):
            with tempfile.TemporaryDirectory(prefix="danvan-province-data-") as tmp:
                took, cpu, _code, peak = _command(args, Path(tmp))
            if k >= warm:
                walls[i].append(took)
                cpus[i].append(cpu)
                peaks[i] = max(peaks[i], peak)
    return [
        {"s": statistics.median(w), "min": min(w), "max": max(w), "cpu": statistics.median(c), "peak_mb": pk}
        for w, c, pk in zip(walls, cpus, peaks, strict=True)
    ]


def rollup_args(p: Province) -> list[str]:
    args = ["rollup", "--format", "json"]
    for spec, units, name in p.sources:
        args += ["--source", spec, "--units", units, "--name", name]
    return args


def duplicates_in_process(p: Province) -> dict:
    """The duplicate search alone, on the province's counted models (in this process)."""
    from danvan_sheets.config import load_settings
    from danvan_sheets.core.duplicates import candidates_of, find_duplicates
    from danvan_sheets.rollup import compile_rollup, from_options

    settings = load_settings(CONFIG)
    names = tuple(n for _s, _u, n in p.sources)
    r = compile_rollup(
        from_options(tuple(s for s, _u, _n in p.sources), tuple(u for _s, u, _n in p.sources), names),
        settings,
        generate.AS_OF,
        history=False,
    )
    items = [c for part in r.parts if part.report is not None for c in candidates_of(part.name, part.report.units)]
    t = time.perf_counter()
    found = find_duplicates(items)
    took = time.perf_counter() - t
    return {
        "s": took,
        "candidates": len(items),
        "groups": len(found.groups),
        "members": sum(len(g.members) for g in found.groups),
        "failed": len(r.failed),
    }


def fit(points: list[tuple[int, float]]) -> tuple[float, float, float]:
    """Least squares t = a + b·n: -> (a, b, largest relative gap between a point and the line)."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points) or 1.0
    b = sum((x - mx) * (y - my) for x, y in points) / sxx
    a = my - b * mx
    gap = max(abs(y - (a + b * x)) / y for x, y in points)
    return a, b, gap


def measure(sz: Sizes, workdir: Path, log=print) -> dict:
    provinces = [build(workdir, n, sz) for n in sz.sources]
    biggest = provinces[-1]
    first_spec, first_units, _name = biggest.sources[0]
    whole_spec, whole_units, whole_models = one_sheet(workdir, sz, biggest.units)
    commands = [rollup_args(p) for p in provinces] + [
        ["check", "--format", "json", "--source", first_spec, "--units", first_units],
        ["check", "--format", "json", "--source", whole_spec, "--units", whole_units],
    ]
    log(f"{len(commands)} commands × {sz.runs} runs, interleaved …")
    results = timed_all(commands, sz.runs)
    rollups = [
        {"n": n, "units": p.units, "models": p.models, **r}
        for n, p, r in zip(sz.sources, provinces, results, strict=False)
    ]
    single = {"units": sz.units_per_source, "models": biggest.first_models, **results[-2]}
    whole = {"units": biggest.units, "models": whole_models, **results[-1]}
    log("duplicates in process …")
    dups = duplicates_in_process(biggest)
    return {"rollups": rollups, "single": single, "whole": whole, "dups": dups}


def _s(x: float) -> str:
    return f"{x:.2f} s"


def _row(label: str, r: dict, n: int | None = None) -> str:
    per = f"{1000 * r['cpu'] / n:.0f} ms" if n else "—"
    return (
        f"| {label} | {r['units']} | {r['models']} | {_s(r['s'])} | {r['min']:.2f} – {r['max']:.2f} | "
        f"{_s(r['cpu'])} | {per} | {r['peak_mb']:.0f} MB |"
    )


def report(m: dict, sz: Sizes, args, took: float) -> str:
    from benchmarks.run import machine

    mc = machine()
    rows = m["rollups"]
    a, b, gap = fit([(r["n"], r["cpu"]) for r in rows])
    wa, wb, wgap = fit([(r["n"], r["s"]) for r in rows])
    first, last = rows[0], rows[-1]
    lines = [
        "# Benchmarks: a province's roll-up",
        "",
        f"Generated by `python -m benchmarks.province{' --quick' if args.quick else ''}` "
        f"on {dt.date.today().isoformat()} in {took / 60:.1f} min.",
        "",
        f"**Machine:** {mc['cpu']}, {mc['cores']} cores, {mc.get('mem_gb')} GB RAM, {mc['os']}, Python {mc['python']}.",
        "",
        f"Each source: {sz.units_per_source} units × {sz.rows_per_unit} model rows, a Khối's workbook or (every "
        f"{sz.dir_every}th) a district's folder of one workbook per unit, its own units list. Every figure is a fresh "
        f"`python -m danvan_sheets` process (start-up and history included), median of {sz.runs} runs after a warm-up, "
        "the commands interleaved (each round runs every command once) so a busy moment of the machine falls on all "
        "sizes alike. CPU is the process's user + system time.",
        "",
        "## Side by side",
        "",
        "| run | units | model rows | wall (median) | wall min – max | CPU (median) | CPU per source | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        _row("`check`, one source of the province", m["single"]),
        _row("`check`, the province's units as tabs of one workbook", m["whole"]),
        *(_row(f"`rollup`, {r['n']} sources", r, r["n"]) for r in rows),
    ]
    ratio, wratio = last["cpu"] / first["cpu"], last["s"] / first["s"]
    lines += [
        "",
        "## Growth",
        "",
        f"Least squares over the roll-ups, CPU time: ≈ {a:.2f} s + {1000 * b:.0f} ms × sources, every point within "
        f"{100 * gap:.0f}% of that line; {last['n'] // first['n']}× the sources ({first['n']} → {last['n']}) cost "
        f"{ratio:.1f}× the CPU time. Wall time: ≈ {wa:.2f} s + {1000 * wb:.0f} ms × sources (points within "
        f"{100 * wgap:.0f}%), {wratio:.1f}×. The fixed part is the process start-up and imports; each source adds "
        "the same work (open, read, check, history), so the cost per source stays flat.",
        "",
        f"Duplicate search alone (in process, {m['dups']['candidates']} counted models of {last['n']} sources): "
        f"{1000 * m['dups']['s']:.0f} ms, {m['dups']['groups']} groups with {m['dups']['members']} models.",
        "",
        "## Reproduce",
        "",
        "```",
        "python -m benchmarks.province          # full",
        "python -m benchmarks.province --quick  # small sizes",
        "```",
        "",
    ]
    return "\n".join(lines)


def run_all(sz: Sizes, args, log=print) -> str:
    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="danvan-province-") as tmp:
        m = measure(sz, Path(tmp), log)
    text = report(m, sz, args, time.perf_counter() - t)
    Path(args.out).write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.province", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, one run each (for development)")
    ap.add_argument(
        "--out", default=str(RESULTS), help="where to write the Markdown (default benchmarks/RESULTS-province.md)"
    )
    args = ap.parse_args(argv)
    print(run_all(QUICK if args.quick else Sizes(), args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

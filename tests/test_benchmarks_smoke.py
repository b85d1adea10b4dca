"""A tiny run of the benchmark functions: the table structure and the request counts. No timing asserted."""

from __future__ import annotations

import argparse

import pytest

from benchmarks import generate, run
from danvan_sheets.core.reader import read_tab


def test_generated_forms_read_without_unreadable_tabs():
    ds = generate.dataset(6, 5, seed=0)
    assert [t for t, _ in ds.grids] == [u.tab for u in ds.units]
    assert ds.model_rows == 30
    entries = 0
    for title, rows in ds.grids:
        reading = read_tab(title, rows, generate.YEAR)
        assert not [p for p in reading.problems if p.code in ("unreadable_tab", "missing_header", "missing_column")]
        entries += len(reading.entries)
    assert entries == ds.model_rows
    assert generate.dataset(6, 5, seed=0).grids == ds.grids  # deterministic


def test_ours_check_reads_twice_and_plain_reads_per_tab():
    ours = run.google_ours(3, 3, latency=0.0, quota=60, command="check")
    assert (ours["reads"], ours["writes"], ours["r429"]) == (2, 0, 0)
    agg = run.google_ours(3, 3, latency=0.0, quota=60)
    assert (agg["reads"], agg["writes"], agg["requests"], agg["r429"]) == (2, 1, 3, 0)
    plain = run.google_plain(3, 3, latency=0.0, quota=60)
    assert plain["reads"] == 3 + 2  # open_by_key + worksheets() + one get_all_values per tab
    assert plain["r429"] == 0


def test_plain_script_waits_on_the_simulated_clock():
    plain = run.google_plain(3, 2, latency=0.0, quota=3)
    assert plain["r429"] >= 1
    assert plain["sim_wait_s"] == pytest.approx(60.0 * plain["r429"])
    assert plain["wall_s"] >= plain["sim_wait_s"]


def test_tiny_full_run_writes_the_tables(tmp_path):
    sz = run.Sizes(
        google_n=(3,),
        google_rows=2,
        ours_runs=1,
        plain_runs=1,
        plain_runs_big=1,
        xlsx_tabs=(3,),
        xlsx_rows=3,
        dir_files=3,
        dir_rows=2,
        local_runs=1,
        core_units=3,
        core_rows=3,
        core_runs=1,
        growth_units=(2, 3),
        growth_rows=2,
        growth_runs=1,
    )
    out = tmp_path / "RESULTS.md"
    args = argparse.Namespace(quick=True, latency=0.0, quota=60, out=str(out))
    text = run.run_all(sz, args, isolate=False, log=lambda *_: None)
    assert out.read_text(encoding="utf-8") == text
    for heading in ("## Targets", "## Google", "## Local", "## Pure core", "## Method", "## Reproduce", "**Machine:**"):
        assert heading in text
    assert "| 3 | 3 (2+1) | 0 |" in text  # N=3: ours 3 requests, 2 reads + 1 write, no 429
    assert "| xlsx: 3 tabs" in text and "| dir: 3 workbooks" in text
    # Each input written the generator's way and the way Excel writes it.
    assert text.count("| openpyxl |") == 2 and text.count("| Excel (xlsxwriter) |") == 2
    assert "calamine read only" in text
    assert text.count("| 2 |") + text.count("| 3 |") >= 2  # growth rows


def test_history_skip_benchmark_runs_and_skips_every_unchanged_tab():
    from benchmarks import history_skip

    r = history_skip.measure(3, 2, runs=1)  # asserts inside: all tabs reused on one side, none on the other
    assert r["model_rows"] == 6

"""A tiny run of benchmarks/province.py: the sources it generates compile, the table is written. No timing asserted."""

from __future__ import annotations

import argparse

from benchmarks import province


def test_generated_province_compiles_and_source_i_is_stable(tmp_path):
    sz = province.Sizes(sources=(2, 4), units_per_source=3, rows_per_unit=2, dir_every=2, runs=1)
    small = province.build(tmp_path, 2, sz)
    big = province.build(tmp_path, 4, sz)
    assert big.sources[:2] == small.sources  # 10 → 20 → 40 sources only add sources
    assert [s[0].split(":")[0] for s in big.sources] == ["xlsx", "dir", "xlsx", "dir"]
    assert big.units == 12 and big.models > small.models
    dups = province.duplicates_in_process(big)
    assert dups["failed"] == 0 and dups["candidates"] > 0


def test_tiny_run_writes_the_tables(tmp_path):
    sz = province.Sizes(sources=(1, 2), units_per_source=2, rows_per_unit=2, dir_every=2, runs=1)
    out = tmp_path / "RESULTS-province.md"
    text = province.run_all(sz, argparse.Namespace(quick=True, out=str(out)), log=lambda *_: None)
    assert out.read_text(encoding="utf-8") == text
    for heading in ("## Side by side", "## Growth", "## Reproduce", "**Machine:**"):
        assert heading in text
    assert "| `rollup`, 1 sources | 2 |" in text and "| `rollup`, 2 sources | 4 |" in text
    assert "| `check`, the province's units as tabs of one workbook | 4 |" in text


def test_fit_is_exact_on_a_line():
    a, b, gap = province.fit([(10, 1.5), (20, 2.5), (40, 4.5)])
    assert (round(a, 6), round(b, 6), round(gap, 6)) == (0.5, 0.1, 0.0)

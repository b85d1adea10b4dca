"""A tiny run of benchmarks/felt.py: every measure runs as a process and lands in the table. No timing asserted."""

from __future__ import annotations

from benchmarks import felt


def test_quick_run_measures_every_process_and_writes_the_tables(tmp_path):
    out = tmp_path / "RESULTS.md"
    assert felt.main(["--quick", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for heading in (
        "## Targets",
        "## `check`, each a new process",
        "## Where `check`'s time goes",
        "## Google `aggregate` vs the floor",
        "## Reproduce",
    ):
        assert heading in text
    # Our aggregate makes three requests and the floor replays exactly those, none refused.
    assert "| 3 (0 × 429) |" in text
    assert "the same 3 requests" in text
    # Both inputs were checked and read, and the steps of a check were each timed.
    assert text.count("| xlsx: 10 tabs") == 2 and text.count("| dir: 20 workbooks") == 2
    assert "| history (first run: every row stored) |" in text

"""A tiny run of benchmarks/readers.py: the readers agree on the forms and the table has every format.
No timing asserted (figures live in benchmarks/RESULTS-readers.md)."""

from __future__ import annotations

from benchmarks import readers


def test_tiny_run_compares_the_readers_and_writes_the_table(tmp_path):
    out = tmp_path / "RESULTS-readers.md"
    assert readers.main(["--files", "2", "--models", "3", "--rounds", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for suffix in readers.FORMATS:
        assert f"| {suffix} | calamine (danvan) | 2 |" in text
    assert "| .xlsx | openpyxl | 2 |" in text
    assert "| .xls | openpyxl | — | does not read .xls |" in text
    assert "| .ods | openpyxl | — | does not read .ods |" in text


def test_the_readers_see_the_same_values_and_merges(tmp_path):
    folders = readers.write_folders(3, 5, tmp_path)
    readers.same_forms(folders[".xlsx"])
    ours = readers.read_calamine(folders[".xlsx"])
    # The forms do carry merges, so the comparison covers them.
    assert all(merges for _, merges in ours)
    # The same forms in every format read to the same grids.
    assert readers.read_calamine(folders[".xls"]) == ours
    assert readers.read_calamine(folders[".ods"]) == ours

"""The demo data (scripts/demo.sh) gives what demo/README.md promises, including the two cases of
issue 12 it carries: the merged-cell unit (CB-BUUDIEN) and the "Công đoàn …" model (DT-CDVC)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from danvan_sheets.cli import cli
from danvan_sheets.cli.base import run_main

REPO = Path(__file__).resolve().parents[1]
WORKBOOK = REPO / "demo" / "dang-ky-2023.xlsx"
ARGS = ["check", "--source", f"xlsx:{WORKBOOK}", "--units", str(REPO / "demo" / "don-vi.csv"),
        "--config", str(REPO / "config" / "danvan.toml"), "--as-of", "2023-05-02", "--format", "json"]


@pytest.fixture
def report() -> dict:
    # The autouse private_data_dir fixture gives the run an empty history of its own.
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run_main(cli, ARGS)
    assert code == 1  # some units are short, as the demo means them to be
    return json.loads(out.getvalue())


def units(report: dict) -> dict[str, dict]:
    return {u["code"]: u for u in report["units"]}


def test_every_unit_ends_as_demo_readme_says(report):
    status = {code: u["status"] for code, u in units(report).items()}
    passing = ["DB-CUCTHUE", "DB-VHTTDL", "DB-TINHDOAN", "DB-DIENLUC", "CB-BIASG", "CB-BUUDIEN", "DT-DOANTN", "DT-CCB"]
    readme = (REPO / "demo" / "README.md").read_text(encoding="utf-8")
    assert f"**8 đạt** ({', '.join(passing)})" in readme
    assert sorted(c for c, s in status.items() if s == "dat") == sorted(passing)
    assert sorted(c for c, s in status.items() if s == "chua_dang_ky") == ["CB-LMHTX", "CB-NHCSXH"]
    assert report["totals"]["all"]["models"] == 32


def test_the_merged_cell_unit_keeps_the_values_typed_once():
    # The workbook really holds the merges: a section title across B7:G7, and place, scale and
    # completion time typed once in row 8 and merged down over row 9.
    ws = load_workbook(WORKBOOK)["Chi bộ Bưu điện tỉnh"]
    assert {str(r) for r in ws.merged_cells.ranges} >= {"B7:G7", "E8:E9", "F8:F9", "G8:G9"}
    assert ws["E9"].value is None and ws["F9"].value is None and ws["G9"].value is None


def test_the_merged_cell_unit_is_read_as_a_person_reads_it(report):
    u = units(report)["CB-BUUDIEN"]
    by_row = {e["row"]: e for e in u["entries"]}
    for row in (8, 9):
        e = by_row[row]
        assert (e["field"], e["location"], e["scale"], e["done"], e["counted"]) == (
            "kinh_te", "Các bưu cục", "tap_the", {"from": "2023-12", "to": "2023-12"}, True), e
    assert u["problems"] == [] and u["status"] == "dat" and u["models"] == 2
    # The title merged across the row is one section, said once.
    assert {"row": 7, "text": "I | Lĩnh vực phát triển kinh tế", "reason": "section"} in u["skipped_rows"]


def test_the_trade_union_model_counts(report):
    u = units(report)["DT-CDVC"]
    e = next(e for e in u["entries"] if e["row"] == 10)
    assert e["name"].startswith("Công đoàn cơ sở") and e["counted"] and e["field"] == "van_hoa_xa_hoi"
    assert u["models"] == 3
    # Every non-empty row of the tab is an entry or a row set aside.
    ws = load_workbook(WORKBOOK)["Công đoàn viên chức Tỉnh"]
    non_empty = [row[0].row for row in ws.iter_rows() if any(str(c.value or "").strip() for c in row)]
    assert sorted([e["row"] for e in u["entries"]] + [s["row"] for s in u["skipped_rows"]]) == non_empty

"""`danvan --help` and `danvan check --help` stay instant: no pandas, gspread or openpyxl at start.

Checked in a fresh interpreter, since the test session itself has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pandas", "gspread", "openpyxl")

_PROBE = r"""
import contextlib, io, json, sys
import danvan_sheets.cli
from danvan_sheets.cli import cli
from danvan_sheets.cli.base import run_main

codes, outputs = [], []
for args in (["--help"], ["check", "--help"]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        codes.append(run_main(cli, args))
    outputs.append(out.getvalue())
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1:]))
print(json.dumps({"codes": codes, "outputs": outputs, "heavy": heavy}))
"""


def test_help_imports_no_heavy_library():
    proc = subprocess.run([sys.executable, "-c", _PROBE, *HEAVY], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["codes"] == [0, 0]
    assert "check" in result["outputs"][0]
    assert "--source" in result["outputs"][1]
    assert result["heavy"] == [], f"imported at start by `danvan --help` / `danvan check --help`: {result['heavy']}"


_CHECK_PROBE = r"""
import contextlib, io, json, sys
from danvan_sheets.cli import cli
from danvan_sheets.cli.base import run_main

source, units, config = sys.argv[1:4]
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = run_main(cli, ["check", "--source", source, "--units", units, "--config", config, "--format", "json"])
loaded = {m for m in sys.modules}
heavy = sorted(m for m in sys.argv[4:] if m in loaded)
print(json.dumps({"code": code, "heavy": heavy, "out": out.getvalue()[:200]}))
"""

# What a check of a local source does not use: the Google stack, pandas (and numpy through it),
# openpyxl (python-calamine reads), python-docx unless a .docx is in the folder.
CHECK_HEAVY = ("pandas", "numpy", "gspread", "google.auth", "google_auth_oauthlib", "requests", "openpyxl", "docx")


def test_check_on_a_local_source_imports_no_heavy_library(tmp_path):
    from pathlib import Path

    from tests.helpers_forms import UNITS_CSV, model, seed_form, write_xlsx

    config = str(Path(__file__).resolve().parents[1] / "config" / "danvan.toml")
    form = seed_form("Đảng bộ Cục Thuế", {"kinh_te": [model(1, "Vay vốn")]})
    book = write_xlsx(tmp_path / "dang-ky.xlsx", {"DB-THUE": form})
    folder = tmp_path / "thu"
    folder.mkdir()
    write_xlsx(folder / "cuc-thue.xlsx", {"Biểu mẫu": form})
    units = tmp_path / "don-vi.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    for source in (f"xlsx:{book}", f"dir:{folder}"):
        proc = subprocess.run([sys.executable, "-c", _CHECK_PROBE, source, str(units), config, *CHECK_HEAVY],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        assert result["code"] in (0, 1) and '"units"' in result["out"], result
        assert result["heavy"] == [], f"imported by `danvan check --source {source}`: {result['heavy']}"

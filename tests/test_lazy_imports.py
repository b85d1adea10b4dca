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

"""JSON and CSV for scripts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import orjson

from danvan_sheets.core.model import Report
from danvan_sheets.core.tables import summary_table
from danvan_sheets.writers.safe_text import csv_safe, safe_tree

# What json.dumps leaves in its output when a unit's text held something safe_text.printable
# changes: a C0 control as \u00XX or \b \f \r, the other characters as they are, or Excel's
# "_x000B_" escape. Seeing none, the document is already what the slower safe_tree() pass gives.
_ESCAPED_CONTROL = re.compile(r"\\u00(?:0[0-8bcdef]|1[0-9a-f])|\\[bfr]")
_UNWRITABLE_CHAR = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def _needs_cleaning(text: str) -> bool:
    # A province's JSON runs to megabytes. One pattern for the three cases tried each at every
    # character (~15 ns each); apart, each starts with a literal or a class the regex engine
    # skips to at memory speed, and isprintable() clears the character class in one C pass.
    return ((not text.isprintable() and _UNWRITABLE_CHAR.search(text) is not None)
            or _ESCAPED_CONTROL.search(text) is not None or _EXCEL_ESCAPE.search(text) is not None)


def _dumps(doc: object) -> str:
    """json.dumps(doc, ensure_ascii=False, separators=(",", ":")), byte for byte, through orjson.

    orjson writes the same text about 5x quicker: every character is escaped alike (checked over
    all of Unicode in tests/test_writers_json.py), and a report's only floats are percentages
    rounded to 0.1, which both write as repr() does (they differ below 1e-4 and for NaN). What
    orjson refuses (a lone surrogate, an int beyond 64 bits) goes through json as before.
    """
    try:
        return orjson.dumps(doc).decode()
    except orjson.JSONEncodeError:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def to_json(report: Report) -> str:
    # Compact: indent= would switch json to its pure-Python encoder, several times slower on a
    # province's worth of units. Pipe through `python -m json.tool` to read it.
    doc = report.to_dict()
    text = _dumps(doc)
    if _needs_cleaning(text):
        text = _dumps(safe_tree(doc))
    return text


def to_csv(report: Report, compiled_at: dt.datetime) -> str:
    table = summary_table(report, compiled_at)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.header)
    for row in table.rows:
        w.writerow([csv_safe(v) for v in row])
    return buf.getvalue()

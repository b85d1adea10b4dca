"""JSON and CSV for scripts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from danvan_sheets.core.model import Report
from danvan_sheets.core.tables import summary_table
from danvan_sheets.writers.safe_text import csv_safe, safe_tree

# What json.dumps leaves in its output when a unit's text held something safe_text.printable
# changes: a C0 control as \u00XX or \b \f \r, the other characters as they are, or Excel's
# "_x000B_" escape. Seeing none, the document is already what the slower safe_tree() pass gives.
_JSON_NEEDS_CLEANING = re.compile(
    r"\\u00(?:0[0-8bcdef]|1[0-9a-f])|\\[bfr]|[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_"
)


def to_json(report: Report) -> str:
    # Compact: indent= would switch json to its pure-Python encoder, several times slower on a
    # province's worth of units. Pipe through `python -m json.tool` to read it.
    doc = report.to_dict()
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    if _JSON_NEEDS_CLEANING.search(text):
        text = json.dumps(safe_tree(doc), ensure_ascii=False, separators=(",", ":"))
    return text


def to_csv(report: Report, compiled_at: dt.datetime) -> str:
    table = summary_table(report, compiled_at)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.header)
    for row in table.rows:
        w.writerow([csv_safe(v) for v in row])
    return buf.getvalue()

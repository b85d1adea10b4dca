"""JSON and CSV for scripts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from danvan_sheets.core.model import Report
from danvan_sheets.core.tables import summary_table
from danvan_sheets.writers.safe_text import csv_safe


def to_json(report: Report) -> str:
    # Compact: indent= would switch json to its pure-Python encoder, several times slower on a
    # province's worth of units. Pipe through `python -m json.tool` to read it.
    return json.dumps(report.to_dict(), ensure_ascii=False, separators=(",", ":"))


def to_csv(report: Report, compiled_at: dt.datetime) -> str:
    table = summary_table(report, compiled_at)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.header)
    for row in table.rows:
        w.writerow([csv_safe(v) for v in row])
    return buf.getvalue()

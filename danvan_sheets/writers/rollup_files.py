"""The province roll-up on paper and for machines: summary workbook, official-form export, CSV, JSON.

Separate from the single-Khối writers, whose sheet layouts it reuses (the summary table
writer and the seed's form), so a change to either layout shows in both.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from danvan_sheets.core.model import FIELDS, SCALE_LABELS
from danvan_sheets.core.rollup import SOURCE_HEADER, Rollup, rollup_tables, source_rows
from danvan_sheets.writers.export_xlsx import (
    CSV_HEADER,
    Group,
    compiled_records,
    counts_heading,
    records_csv,
    write_form_sheet,
)
from danvan_sheets.writers.files import save_atomic
from danvan_sheets.writers.print_xlsx import period_label, print_setup, put, save_workbook, styles
from danvan_sheets.writers.safe_text import safe_tree

SHEET_FORM = "Đăng ký toàn tỉnh"
SHEET_COUNTS = "Thống kê theo Khối, huyện"


def rollup_json(r: Rollup) -> str:
    # Compact, as `check --format json`: a province is thousands of entries. Through the writers'
    # safe-text helper: a lone surrogate or control character of one unit would break the output.
    return json.dumps(safe_tree(r.to_dict()), ensure_ascii=False, separators=(",", ":"))


def write_rollup_summary(r: Rollup, out: str | Path, compiled_at: dt.datetime) -> Path:
    """Theo Khối, huyện; Tổng hợp tỉnh; Trùng lặp; Lỗi nhập liệu — one workbook, saved atomically."""
    from openpyxl import Workbook

    from danvan_sheets.writers.xlsx_summary import write_table

    wb = Workbook()
    wb.remove(wb.active)
    for table in rollup_tables(r, compiled_at):
        write_table(wb, table)
    return save_atomic(out, wb.save, ".tong-hop-tinh-")


# --- export ----------------------------------------------------------------------------------



def _groups(r: Rollup):
    """Field -> one group per unit with counted models, under "Khối/huyện — Đơn vị", sources in order."""
    out: dict[str, list] = {f: [] for f in FIELDS}
    for f in FIELDS:
        n = 0
        for p in r.parts:
            if p.report is None:
                continue
            count_rows = p.report.campaign.count_mode != "quantity"
            for v in p.report.units:
                entries = [e for e in v.entries if e.counted and e.field == f]
                if not entries:
                    continue
                g = Group(f"{p.name} — {v.unit.name}")
                for e in entries:
                    n += 1
                    g.rows.append(
                        [
                            n,
                            e.name,
                            e.quantity or 1,
                            period_label(e.build),
                            e.location or "",
                            SCALE_LABELS.get(e.scale or "", ""),
                            period_label(e.done),
                        ]
                    )
                    g.total += 1 if count_rows else (e.quantity or 1)
                out[f].append(g)
    return out


def _write_counts(ws, r: Rollup, compiled_at: dt.datetime) -> None:
    from openpyxl.utils import get_column_letter

    s = styles()
    counts_heading(ws, s, r.campaign, "THEO KHỐI, HUYỆN", compiled_at)
    header = SOURCE_HEADER[:-2]  # the spec and read status are for the staff's workbook, not the printed report
    for col, h in enumerate(header, start=1):
        put(ws, 4, col, h, s["bold"], s["center"], s["border"])
        ws.column_dimensions[get_column_letter(col)].width = 34 if col == 2 else 11
    rows = source_rows(r)
    for i, values in enumerate(rows):
        font = s["bold"] if i == len(rows) - 1 else s["body"]
        for col, v in enumerate(values[: len(header)], start=1):
            cell = put(ws, 5 + i, col, v, font, s["wrap"] if col <= 2 else s["center"], s["border"])
            if col == 7 and isinstance(v, (int, float)):
                cell.value = v / 100.0
                cell.number_format = "0.0%"
    failed = [p for p in r.parts if not p.ok]
    if failed:
        put(ws, 6 + len(rows), 1, "Chưa gồm: " + "; ".join(f"{p.name} (không đọc được)" for p in failed), s["sub"])
    print_setup(ws, "4:4")


def write_rollup_export_xlsx(r: Rollup, out: str | Path, compiled_at: dt.datetime) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_FORM
    units = sum(len(p.report.units) for p in r.parts if p.report is not None)
    missing = [p.name for p in r.parts if not p.ok]
    line3 = (
        f"(Tổng hợp từ {len(r.parts) - len(missing)} Khối, huyện với {units} đơn vị; số liệu lúc "
        f"{compiled_at:%H:%M} ngày {compiled_at:%d/%m/%Y}"
        + (f"; chưa gồm {', '.join(missing)}: không đọc được)" if missing else ")")
    )
    write_form_sheet(ws, r.campaign, "Toàn tỉnh", line3, _groups(r))
    _write_counts(wb.create_sheet(SHEET_COUNTS), r, compiled_at)
    return save_workbook(wb, out, ".xuat-tinh-")


def rollup_records(r: Rollup) -> list[dict[str, object]]:
    """One record per counted model, with its level and Khối/district: field first, then the
    sources in their order, as the printed form lists them."""
    records = [
        {"cap": p.level, "khoi_huyen": p.name, **rec}
        for p in r.parts if p.report is not None
        for rec in compiled_records(p.report)
    ]
    order = {f: i for i, f in enumerate(FIELDS)}
    return sorted(records, key=lambda rec: order[str(rec["linh_vuc"])])  # stable: sources keep their order


def to_rollup_csv(r: Rollup) -> str:
    return records_csv(rollup_records(r), {"cap": "Cấp", "khoi_huyen": "Khối, huyện", **CSV_HEADER})


def to_rollup_export_json(r: Rollup) -> str:
    c = r.campaign
    doc = {
        "campaign": {"title": c.title, "year": c.year, "deadline": c.deadline.isoformat()},
        "models": rollup_records(r),
        "totals": r.totals(),
        "duplicates": r.duplicates.to_dict(),
    }
    return json.dumps(safe_tree(doc), ensure_ascii=False, indent=2, default=str)


def write_rollup_export(r: Rollup, out: str | Path, fmt: str, compiled_at: dt.datetime) -> Path:
    if fmt == "xlsx":
        return write_rollup_export_xlsx(r, out, compiled_at)
    text = to_rollup_csv(r) if fmt == "csv" else to_rollup_export_json(r)
    # utf-8-sig: Excel on Windows opens a CSV with a BOM as UTF-8 instead of mangling the diacritics.
    return save_workbook(text.encode("utf-8-sig" if fmt == "csv" else "utf-8"), out, ".xuat-tinh-")

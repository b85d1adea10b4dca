"""The official compiled registration, in the seed's form, for the Standing Committee.

Also writes one unit's form (for `danvan restore`) with the same layout, and the
same rows as CSV/JSON for machines.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from danvan_sheets.core.model import (
    FIELD_LABELS,
    FIELDS,
    FORM_HEADER,
    ROMAN,
    SCALE_LABELS,
    STATUS_LABELS,
    UNIT_TYPE_LABELS,
    UNIT_TYPES,
    Campaign,
    Entry,
    Report,
)
from danvan_sheets.core.tables import COUNT_HEADER
from danvan_sheets.writers.print_xlsx import period_label, print_setup, put, save_workbook, styles
from danvan_sheets.writers.safe_text import WriteFailure, csv_safe, isolated_rows, safe_tree

SHEET_FORM = "Đăng ký toàn Khối"
SHEET_COUNTS = "Thống kê"
HEADER = FORM_HEADER
NUMBERING = [f"({i})" for i in range(1, 8)]
WIDTHS = [7, 52, 10, 17, 30, 14, 17]
HEADER_ROW = 4  # rows 4-5 (header + numbering) repeat on every printed page
COUNTS_HEADER = ["Loại đơn vị", *COUNT_HEADER]


def form_title(campaign: Campaign) -> str:
    return f"ĐĂNG KÝ XÂY DỰNG MỚI CÁC MÔ HÌNH “{campaign.title.upper()}” NĂM {campaign.year}"


@dataclass
class Group:
    """A block of model rows under one field; `heading` is the unit's name in the Khối's report."""

    heading: str | None
    rows: list[list[object]] = field(default_factory=list)  # the form's 7 columns
    total: int = 0
    cells: list[str] = field(default_factory=list)  # each row's name cell on the unit's tab, for a failure message


# --- what goes in the form -------------------------------------------------------------------

def typed_rows_group(rows: list[list[object]]) -> Group:
    """Model rows as a unit typed them (kept in the history) as one group: Tổng số adds their Số lượng,
    a blank or unreadable one counting 1, like the checks. For `danvan restore` and `campaign new --carry`."""
    def quantity(value: object) -> int:
        try:
            n = int(float(str(value).strip()))
            return n if n > 0 else 1
        except (TypeError, ValueError):
            return 1

    return Group(None, rows, sum(quantity(r[2]) for r in rows))


def _weight(e: Entry, campaign: Campaign) -> int:
    return (e.quantity or 1) if campaign.count_mode == "quantity" else 1


def compiled_groups(report: Report) -> dict[str, list[Group]]:
    """Field -> one group per unit with counted models there, units in registry order."""
    out: dict[str, list[Group]] = {f: [] for f in FIELDS}
    for f in FIELDS:
        n = 0
        for v in report.units:
            entries = [e for e in v.entries if e.counted and e.field == f]
            if not entries:
                continue
            g = Group(v.unit.name)
            for e in entries:
                n += 1
                g.rows.append([n, e.name, e.quantity or 1, period_label(e.build), e.location or "",
                               SCALE_LABELS.get(e.scale or "", ""), period_label(e.done)])
                g.cells.append(e.cells.get("name", ""))
                g.total += _weight(e, report.campaign)
            out[f].append(g)
    return out


# --- writing ---------------------------------------------------------------------------------

def write_form_sheet(ws, campaign: Campaign, line2: str, line3: str, groups: dict[str, list[Group]],
                     failures: list[WriteFailure] | None = None, unit_name: str = "") -> int:
    """The seed's form: title, a line under it, header, (1)…(7), Tổng số, sections I–IV. -> last row.

    A model row that cannot be written is replaced by a line naming its unit and cell, and
    added to `failures`; every other row is still written.
    """
    from openpyxl.utils import get_column_letter

    s = styles()
    put(ws, 1, 1, form_title(campaign), s["title"], s["center"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    ws.row_dimensions[1].height = 24
    put(ws, 2, 1, line2, s["bold"], s["center"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=7)
    if line3:
        put(ws, 3, 1, line3, s["sub"], s["center"])
        ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=7)
    for c, (h, n, w) in enumerate(zip(HEADER, NUMBERING, WIDTHS, strict=True), start=1):
        put(ws, HEADER_ROW, c, h, s["bold"], s["center"], s["border"])
        put(ws, HEADER_ROW + 1, c, n, s["sub"], s["center"], s["border"])
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.row_dimensions[HEADER_ROW].height = 32
    total_row = HEADER_ROW + 2
    grand = sum(g.total for gs in groups.values() for g in gs)
    for c, v in enumerate(["", "Tổng số", grand, "", "", "", ""], start=1):
        put(ws, total_row, c, v, s["bold"], s["center"] if c != 2 else s["wrap"], s["border"])
    r = total_row + 1
    # "" holds rows the reader could not place in a field (restore only): kept, after section IV.
    for f in (*FIELDS, *(("",) if groups.get("") else ())):
        fg = groups.get(f, [])
        roman, label = (ROMAN[f], FIELD_LABELS[f]) if f else ("", "Chưa xác định lĩnh vực")
        for c, v in enumerate([roman, label, sum(g.total for g in fg), "", "", "", ""], start=1):
            put(ws, r, c, v, s["bold"], s["center"] if c != 2 else s["wrap"], s["border"])
        r += 1
        for g in fg:
            if g.heading is not None:
                for c, v in enumerate(["", g.heading, g.total, "", "", "", ""], start=1):
                    put(ws, r, c, v, s["unit"], s["center"] if c != 2 else s["wrap"], s["border"])
                r += 1
            first = r

            def write(i: int, values: list, first=first) -> None:
                for c, v in enumerate(values, start=1):
                    put(
                        ws, first + i, c, v, s["body"], s["center"] if c in (1, 3, 4, 6, 7) else s["wrap"], s["border"]
                    )

            def owner(i: int, values: list, g=g) -> tuple[str, str]:
                return g.heading or unit_name, g.cells[i] if i < len(g.cells) else ""

            def failed(i: int, values: list, failure: WriteFailure, first=first) -> None:
                # Its number kept, the message in the name column, where the reader of the form looks.
                for c, v in enumerate(
                    [values[0] if values and isinstance(values[0], int) else "", failure.message(), "", "", "", "", ""],
                    start=1,
                ):
                    put(ws, first + i, c, v, s["body"], s["wrap"], s["border"])

            isolated_rows(g.rows, write, owner, ws.title, failures, failed)
            r += len(g.rows)
    ws.freeze_panes = ws.cell(row=total_row, column=1)
    print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW + 1}")
    return r - 1


def _counts_rows(report: Report) -> list[list[object]]:
    rows = []
    for key, label in [*((t, UNIT_TYPE_LABELS[t]) for t in UNIT_TYPES), ("all", "Toàn Khối")]:
        b = report.totals["all"] if key == "all" else report.totals["by_type"][key]
        rows.append([label, b["units"], b["dat"], b["chua_dat"], b["chua_dang_ky"], b["percent_dat"] / 100.0,
                     *(b["by_field"][f] for f in FIELDS), b["models"]])
    return rows


@dataclass(frozen=True)
class CountsLayout:
    """Where the counts sheet puts its tables, for the charts (and the tests) to point at."""

    header_row: int = 3
    type_rows: tuple[int, int] = (4, 6)  # the three unit types; row 7 is the whole Khối
    field_header_row: int = 10
    field_rows: tuple[int, int] = (11, 14)


COUNTS = CountsLayout()


def counts_heading(ws, s: dict, c: Campaign, by: str, compiled_at: dt.datetime) -> None:
    """Rows 1-2 of a Thống kê sheet: its title ("… THEO LOẠI ĐƠN VỊ") and when the figures were taken."""
    put(ws, 1, 1, f"THỐNG KÊ ĐĂNG KÝ MÔ HÌNH “{c.title.upper()}” NĂM {c.year} {by}", s["title"])
    put(ws, 2, 1, f"Hạn đăng ký {c.deadline:%d/%m/%Y}; số liệu lúc {compiled_at:%H:%M} ngày {compiled_at:%d/%m/%Y}",
        s["sub"])


def write_counts_sheet(ws, report: Report, compiled_at: dt.datetime) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    s = styles()
    counts_heading(ws, s, report.campaign, "THEO LOẠI ĐƠN VỊ", compiled_at)
    for col, h in enumerate(COUNTS_HEADER, start=1):
        put(ws, COUNTS.header_row, col, h, s["bold"], s["center"], s["border"])
        ws.column_dimensions[get_column_letter(col)].width = 20 if col == 1 else 11
    for i, values in enumerate(_counts_rows(report)):
        r = COUNTS.header_row + 1 + i
        font = s["bold"] if i == len(UNIT_TYPES) else s["body"]
        for col, v in enumerate(values, start=1):
            cell = put(ws, r, col, v, font, s["wrap"] if col == 1 else s["center"], s["border"])
            if col == 6:
                cell.number_format = "0.0%"
    put(ws, COUNTS.field_header_row - 1, 1, "Số mô hình theo lĩnh vực", s["bold"])
    put(ws, COUNTS.field_header_row, 1, "Lĩnh vực", s["bold"], s["center"], s["border"])
    put(ws, COUNTS.field_header_row, 2, "Số mô hình", s["bold"], s["center"], s["border"])
    for i, f in enumerate(FIELDS):
        r = COUNTS.field_rows[0] + i
        put(ws, r, 1, FIELD_LABELS[f].removeprefix("Lĩnh vực ").capitalize(), s["body"], s["wrap"], s["border"])
        put(ws, r, 2, report.totals["all"]["by_field"][f], s["body"], s["center"], s["border"])
    ws.column_dimensions["A"].width = 34

    by_field = BarChart()
    by_field.type = "col"
    by_field.title = "Số mô hình theo lĩnh vực"
    by_field.y_axis.title = "Mô hình"
    by_field.add_data(
        Reference(ws, min_col=2, min_row=COUNTS.field_header_row, max_row=COUNTS.field_rows[1]), titles_from_data=True
    )
    by_field.set_categories(Reference(ws, min_col=1, min_row=COUNTS.field_rows[0], max_row=COUNTS.field_rows[1]))
    by_field.legend = None
    by_field.height, by_field.width = 8, 16
    ws.add_chart(by_field, f"A{COUNTS.field_rows[1] + 2}")

    by_status = BarChart()
    by_status.type = "col"
    by_status.grouping = "stacked"
    by_status.overlap = 100
    by_status.title = "Số đơn vị theo trạng thái"
    by_status.y_axis.title = "Đơn vị"
    by_status.add_data(
        Reference(ws, min_col=3, max_col=5, min_row=COUNTS.header_row, max_row=COUNTS.type_rows[1]),
        titles_from_data=True,
    )
    by_status.set_categories(Reference(ws, min_col=1, min_row=COUNTS.type_rows[0], max_row=COUNTS.type_rows[1]))
    by_status.height, by_status.width = 8, 16
    ws.add_chart(by_status, f"F{COUNTS.field_rows[1] + 2}")
    print_setup(ws, None)


def write_export_xlsx(report: Report, out: str | Path, compiled_at: dt.datetime,
                      failures: list[WriteFailure] | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_FORM
    c = report.campaign
    write_form_sheet(
        ws, c, "Đảng bộ Khối cơ quan và doanh nghiệp tỉnh",
        f"(Tổng hợp từ đăng ký của {len(report.units)} chi, đảng bộ cơ sở và đoàn thể khối; "
        f"số liệu lúc {compiled_at:%H:%M} ngày {compiled_at:%d/%m/%Y})",
        compiled_groups(report),
        failures,
    )
    write_counts_sheet(wb.create_sheet(SHEET_COUNTS), report, compiled_at)
    return save_workbook(wb, out, ".xuat-")


def write_unit_form(
    campaign: Campaign, unit_name: str, note: str, groups: dict[str, list[Group]], out: str | Path
) -> Path:
    """One unit's form, as it can be pasted back into its tab."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Khôi phục"
    write_form_sheet(ws, campaign, f"Đơn vị: {unit_name}", note, groups, unit_name=unit_name)
    return save_workbook(wb, out, ".khoi-phuc-")


# --- machines --------------------------------------------------------------------------------

def compiled_records(report: Report) -> list[dict[str, object]]:
    """One record per counted model, field by field, units in registry order: the CSV/JSON rows."""
    records: list[dict[str, object]] = []
    for f in FIELDS:
        for v in report.units:
            for e in v.entries:
                if not (e.counted and e.field == f):
                    continue
                records.append({
                    "linh_vuc": f, "ma_don_vi": v.unit.code, "don_vi": v.unit.name, "loai_don_vi": v.unit.type,
                    "trang_thai": v.status, "ten_mo_hinh": e.name, "so_luong": e.quantity or 1,
                    "xay_dung": period_label(e.build), "dia_diem": e.location or "", "quy_mo": e.scale or "",
                    "hoan_thanh": period_label(e.done),
                })
    return records


CSV_HEADER = {
    "linh_vuc": "Lĩnh vực", "ma_don_vi": "Mã đơn vị", "don_vi": "Đơn vị", "loai_don_vi": "Loại đơn vị",
    "trang_thai": "Trạng thái", "ten_mo_hinh": "Tên mô hình", "so_luong": "Số lượng", "xay_dung": "Thời gian xây dựng",
    "dia_diem": "Địa điểm triển khai", "quy_mo": "Quy mô thực hiện", "hoan_thanh": "Thời gian hoàn thành",
}


def records_csv(records: list[dict[str, object]], header: dict[str, str]) -> str:
    """`header` (key -> Vietnamese title) in its order; codes shown as their Vietnamese labels for
    people opening it in Excel; formula-looking text escaped."""
    labels = {"linh_vuc": FIELD_LABELS, "loai_don_vi": UNIT_TYPE_LABELS, "trang_thai": STATUS_LABELS}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header.values())
    for r in records:
        row = []
        for k in header:
            v = r.get(k, "")
            if k in labels:
                v = labels[k].get(v, "")  # type: ignore[call-overload]
            elif k == "quy_mo":
                v = SCALE_LABELS.get(str(v), v)
            row.append(csv_safe(v))
        w.writerow(row)
    return buf.getvalue()


def to_export_csv(report: Report) -> str:
    return records_csv(compiled_records(report), CSV_HEADER)


def to_export_json(report: Report) -> str:
    c = report.campaign
    doc = {
        "campaign": {"title": c.title, "year": c.year, "deadline": c.deadline.isoformat()},
        "models": compiled_records(report),
        "totals": report.totals,
    }
    return json.dumps(safe_tree(doc), ensure_ascii=False, indent=2, default=str)


def write_export(report: Report, out: str | Path, fmt: str, compiled_at: dt.datetime,
                 failures: list[WriteFailure] | None = None) -> Path:
    if fmt == "xlsx":
        return write_export_xlsx(report, out, compiled_at, failures)
    text = to_export_csv(report) if fmt == "csv" else to_export_json(report)
    # utf-8-sig: Excel on Windows opens a CSV with a BOM as UTF-8 instead of mangling the diacritics.
    data = text.encode("utf-8-sig" if fmt == "csv" else "utf-8")
    return save_workbook(data, out, ".xuat-")

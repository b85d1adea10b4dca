"""The summary workbook: Tổng hợp, Cần bổ sung, Lỗi nhập liệu."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from danvan_sheets.core.model import Report
from danvan_sheets.core.tables import Table, all_tables
from danvan_sheets.writers.files import save_atomic
from danvan_sheets.writers.safe_text import (
    XLSX_CELL_MAX,
    WriteFailure,
    failure_row,
    isolated_rows,
    put_cell,
    safe_table,
    table_owner,
)

STATUS_FILL = {"dat": "C6EFCE", "chua_dat": "FFEB9C", "chua_dang_ky": "FFC7CE"}
_WIDTHS = {
    "Stt": 5,
    "KT": 6,
    "VHXH": 7,
    "QPAN": 7,
    "XDHTCT": 9,
    "Tổng": 7,
    "Chỉ tiêu": 8,
    "Số lỗi": 7,
    "Ô": 7,
    "Cột": 6,
    "Mức độ": 10,
    "Mã lỗi": 22,
    "Đơn vị": 38,
    "Ghi chú": 60,
    "Cần bổ sung": 60,
    "Nội dung cần sửa": 70,
    "Giá trị": 30,
    "Trang tính": 30,
    "Email": 30,
    "Ô cần sửa": 20,
    "Loại": 16,
    "Trạng thái": 14,
}


_put = put_cell


def write_table(wb, table: Table, failures: list[WriteFailure] | None = None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(table.title)
    _put(ws, 1, 1, table.caption).font = Font(bold=True, size=13)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for c, h in enumerate(table.header, start=1):
        cell = _put(ws, 3, c, h)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[cell.column_letter].width = _WIDTHS.get(h, 12)

    def write_row(i: int, values: list) -> None:
        r, status = 4 + i, table.row_status[i] if i < len(table.row_status) else None
        lines = 1
        for c, v in enumerate(values, start=1):
            cell = _put(ws, r, c, v)
            cell.alignment = wrap
            if isinstance(v, str) and v:
                width = _WIDTHS.get(table.header[c - 1], 12) if c <= len(table.header) else 12
                lines = max(lines, sum(-(-len(part) // max(width - 2, 1)) or 1 for part in v.split("\n")))
        # Neither openpyxl nor LibreOffice grows a row for wrapped text: size it from the text.
        ws.row_dimensions[r].height = 15 * min(lines, 12)
        if status in STATUS_FILL:
            fill = PatternFill("solid", fgColor=STATUS_FILL[status])
            for c in range(1, len(values) + 1):
                ws.cell(row=r, column=c).fill = fill

    unit_col = table.header.index("Đơn vị") if "Đơn vị" in table.header else 1

    def failed(i: int, values: list, failure: WriteFailure) -> None:
        # The row may be half written: blank it and say whose it was; the other rows go on.
        for c in range(1, len(values) + 1):
            ws.cell(row=4 + i, column=c).value = None
        for c, v in enumerate(failure_row(values, failure.unit, failure, unit_col), start=1):
            _put(ws, 4 + i, c, v)

    isolated_rows(table.rows, write_row, table_owner(table.header), table.title, failures, failed)
    r = 4 + len(table.rows) + 1
    # Blocks start in column B: column A is the narrow Stt column.
    for caption, header, rows in table.blocks:
        _put(ws, r, 2, caption).font = bold
        r += 1
        for c, h in enumerate(header, start=2):
            cell = _put(ws, r, c, h)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, horizontal="center")
        r += 1
        for values in rows:
            for c, v in enumerate(values, start=2):
                _put(ws, r, c, v)
            r += 1
        r += 1
    ws.freeze_panes = "A4"
    # Ready to print: A4 landscape, one page wide, the header repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"


def write_summary_xlsx(report: Report, out: str | Path, compiled_at: dt.datetime,
                       failures: list[WriteFailure] | None = None) -> Path:
    """Written to a temporary file first and renamed, so a crash never leaves half a workbook.

    A unit's row that cannot be written is replaced by a line saying so and added to `failures`
    (its unit and cell); every other row is still written."""
    from openpyxl import Workbook

    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    for table in all_tables(report, compiled_at):
        write_table(wb, safe_table(table, XLSX_CELL_MAX, failures), failures)
    return save_atomic(out, wb.save, ".tong-hop-")

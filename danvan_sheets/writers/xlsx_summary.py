"""The summary workbook: Tổng hợp, Cần bổ sung, Lỗi nhập liệu."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from danvan_sheets.core.model import Report
from danvan_sheets.core.tables import Table, all_tables
from danvan_sheets.writers.files import save_atomic
from danvan_sheets.writers.safe_text import put_cell

STATUS_FILL = {"dat": "C6EFCE", "chua_dat": "FFEB9C", "chua_dang_ky": "FFC7CE"}
_WIDTHS = {"Stt": 5, "KT": 6, "VHXH": 7, "QPAN": 7, "XDHTCT": 9, "Tổng": 7, "Chỉ tiêu": 8, "Số lỗi": 7, "Ô": 7, "Cột": 6, "Mức độ": 10, "Mã lỗi": 22, "Đơn vị": 38, "Ghi chú": 60, "Cần bổ sung": 60, "Nội dung cần sửa": 70, "Giá trị": 30, "Trang tính": 30, "Email": 30, "Ô cần sửa": 20, "Loại": 16, "Trạng thái": 14}


_put = put_cell


def _write_table(wb, table: Table) -> None:
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
    for r, (values, status) in enumerate(zip(table.rows, table.row_status), start=4):
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


def write_summary_xlsx(report: Report, out: str | Path, compiled_at: dt.datetime) -> Path:
    """Written to a temporary file first and renamed, so a crash never leaves half a workbook."""
    from openpyxl import Workbook

    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    for table in all_tables(report, compiled_at):
        _write_table(wb, table)
    return save_atomic(out, wb.save, ".tong-hop-")

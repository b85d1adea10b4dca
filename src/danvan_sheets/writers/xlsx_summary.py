"""The summary workbook: Tổng hợp, Cần bổ sung, Lỗi nhập liệu."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from danvan_sheets.core.model import Report
from danvan_sheets.core.tables import Table, all_tables
from danvan_sheets.errors import SourceError

STATUS_FILL = {"dat": "C6EFCE", "chua_dat": "FFEB9C", "chua_dang_ky": "FFC7CE"}
_WIDTHS = {"Đơn vị": 38, "Ghi chú": 60, "Cần bổ sung": 60, "Nội dung cần sửa": 70, "Giá trị": 30, "Trang tính": 30, "Email": 30, "Ô cần sửa": 20, "Loại": 16, "Trạng thái": 14}


def _put(ws, row: int, col: int, value: object):
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        # openpyxl turns any str starting with "=" into a formula; a unit's text must stay text.
        cell.data_type = "s"
    return cell


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
        for c, v in enumerate(values, start=1):
            cell = _put(ws, r, c, v)
            cell.alignment = wrap
        if status in STATUS_FILL:
            fill = PatternFill("solid", fgColor=STATUS_FILL[status])
            for c in range(1, len(values) + 1):
                ws.cell(row=r, column=c).fill = fill
    r = 4 + len(table.rows) + 1
    for caption, header, rows in table.blocks:
        _put(ws, r, 1, caption).font = bold
        r += 1
        for c, h in enumerate(header, start=1):
            _put(ws, r, c, h).font = bold
        r += 1
        for values in rows:
            for c, v in enumerate(values, start=1):
                _put(ws, r, c, v)
            r += 1
        r += 1
    ws.freeze_panes = "A4"


def write_summary_xlsx(report: Report, out: str | Path, compiled_at: dt.datetime) -> Path:
    """Written to a temporary file first and renamed, so a crash never leaves half a workbook."""
    from openpyxl import Workbook

    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    for table in all_tables(report, compiled_at):
        _write_table(wb, table)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tong-hop-", suffix=".xlsx", dir=out.parent)
        os.close(fd)
        wb.save(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        raise SourceError(f"Không ghi được tệp {out}: {exc.strerror or exc}.") from None
    return out

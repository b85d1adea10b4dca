"""What the print-ready workbooks share: Times New Roman styles, a styled cell, A4 landscape set-up.

The registration export (export_xlsx), the province roll-up export (rollup_files) and the
year-end workbooks (yearend_xlsx) all end on the Standing Committee's paper; keeping their
look in one place keeps them alike. Unit text always lands as text (safe_text.put_cell).
"""

from __future__ import annotations

from pathlib import Path

from danvan_sheets.writers.files import save_atomic
from danvan_sheets.writers.safe_text import put_cell

FONT = "Times New Roman"


def styles() -> dict:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return {
        "title": Font(name=FONT, size=14, bold=True),
        "sub": Font(name=FONT, size=12, italic=True),
        "bold": Font(name=FONT, size=12, bold=True),
        "unit": Font(name=FONT, size=12, bold=True, italic=True),
        "body": Font(name=FONT, size=12),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "center": Alignment(wrap_text=True, vertical="center", horizontal="center"),
        # The columns the staff fill in (year-end scores), told apart from the unit's.
        "staff": PatternFill("solid", fgColor="EDEDED"),
    }


def put(ws, row: int, col: int, value: object, font=None, align=None, border=None, fill=None):
    """put_cell, then the styles given."""
    cell = put_cell(ws, row, col, value)
    for attr, v in (("font", font), ("alignment", align), ("border", border), ("fill", fill)):
        if v is not None:
            setattr(cell, attr, v)
    return cell


def print_setup(ws, title_rows: str | None) -> None:
    """A4 landscape, one page wide, `title_rows` ("4:5") repeated on every page, "Trang x/y" below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT
    if title_rows:
        ws.print_title_rows = title_rows


def save_workbook(wb, out: str | Path, prefix: str) -> Path:
    """A workbook (or the bytes of a file), saved atomically; a failure is a SourceError naming `out`."""
    if hasattr(wb, "save"):
        return save_atomic(out, wb.save, prefix)

    def write(tmp: str) -> None:
        Path(tmp).write_bytes(wb)

    return save_atomic(out, write, prefix)


def period_label(p) -> str:
    """A period as the form shows it ("05/2023", "Quý II/2023"), "" when there is none."""
    return p.label() if p is not None else ""

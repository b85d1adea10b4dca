"""Files as units really send them, written for the source tests: .xlsx with merged cells
(openpyxl, and xlsxwriter the way Excel writes), old .xls (xlwt), LibreOffice .ods and Word
.docx, each with merges given as (start_row, end_row, start_col, end_col), 0-based half-open."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

Merge = tuple[int, int, int, int]


def _covered(merges: list[Merge]) -> set[tuple[int, int]]:
    return {(r, c) for r0, r1, c0, c1 in merges for r in range(r0, r1) for c in range(c0, c1) if (r, c) != (r0, c0)}


def write_xlsx_merged(path: Path, tabs: dict[str, tuple[list[list[object]], list[Merge]]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, (rows, merges) in tabs.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    cell = ws.cell(row=r, column=c, value=v)
                    if isinstance(v, str):
                        cell.data_type = "s"
        for r0, r1, c0, c1 in merges:
            ws.merge_cells(start_row=r0 + 1, end_row=r1, start_column=c0 + 1, end_column=c1)
    wb.save(path)
    return path


def write_xlsxwriter(path: Path, tabs: dict[str, tuple[list[list[object]], list[Merge]]]) -> Path:
    """As Excel writes: <dimension>, shared strings, dates as numbers with a date format."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    for title, (rows, merges) in tabs.items():
        ws = wb.add_worksheet(title)
        covered = _covered(merges)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None or (r, c) in covered:
                    continue
                if isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day),
                                      date_fmt)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                else:
                    ws.write(r, c, v)
        for r0, r1, c0, c1 in merges:
            top = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else None
            ws.merge_range(r0, c0, r1 - 1, c1 - 1, None)
            if top is not None:
                if isinstance(top, str):
                    ws.write_string(r0, c0, top)
                else:
                    ws.write(r0, c0, top)
    wb.close()
    return path


def write_xls(path: Path, tabs: dict[str, tuple[list[list[object]], list[Merge]]]) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for title, (rows, merges) in tabs.items():
        ws = wb.add_sheet(title)
        covered = _covered(merges)
        tops = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in merges}
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if (r, c) in covered or (r, c) in tops:
                    continue
                if isinstance(v, (dt.date, dt.datetime)):
                    ws.write(r, c, v, date_style)
                elif v is not None:
                    ws.write(r, c, v)
        for (r0, c0), (r1, c1) in tops.items():
            v = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else None
            ws.write_merge(r0, r1 - 1, c0, c1 - 1, "" if v is None else v)
    wb.save(str(path))
    return path


def _ods_cell(v: object, span: tuple[int, int] | None) -> str:
    attrs = f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"' if span else ""
    if v is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(v, bool):
        value = str(v).lower()
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{value}"{attrs}/>'
    if isinstance(v, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{v}"{attrs}>'
                f"<text:p>{v}</text:p></table:table-cell>")
    if isinstance(v, (dt.date, dt.datetime)):
        return (f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}"{attrs}>'
                f"<text:p>{v.isoformat()}</text:p></table:table-cell>")
    paras = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(v).split("\n"))
    return f'<table:table-cell office:value-type="string"{attrs}>{paras}</table:table-cell>'


def write_ods(path: Path, tabs: dict[str, tuple[list[list[object]], list[Merge]]]) -> Path:
    """A minimal OpenDocument spreadsheet, merges as LibreOffice writes them (spanned + covered cells)."""
    tables = []
    for title, (rows, merges) in tabs.items():
        covered = _covered(merges)
        spans = {(r0, c0): (r1 - r0, c1 - c0) for r0, r1, c0, c1 in merges}
        width = max([len(r) for r in rows] + [c1 for *_, c1 in merges] or [1])
        height = max(len(rows), max((r1 for _, r1, _, _ in merges), default=0))
        xml_rows = []
        for r in range(height):
            row = rows[r] if r < len(rows) else []
            cells = []
            for c in range(width):
                v = row[c] if c < len(row) else None
                cells.append("<table:covered-table-cell/>" if (r, c) in covered else _ods_cell(v, spans.get((r, c))))
            xml_rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        # A long run of empty rows, as LibreOffice writes the rest of the sheet.
        xml_rows.append('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
                        'table:number-columns-repeated="1024"/></table:table-row>')
        tables.append(f'<table:table table:name="{escape(title)}">{"".join(xml_rows)}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet></office:body>'
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_docx(path: Path, parts: list[str | tuple[list[list[object]], list[Merge]]]) -> Path:
    """A Word file: each part a paragraph (str) or a table (rows, merges), in order."""
    import docx

    document = docx.Document()
    for part in parts:
        if isinstance(part, str):
            document.add_paragraph(part)
            continue
        rows, merges = part
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None:
                    table.cell(r, c).text = str(v)
        for r0, r1, c0, c1 in merges:
            top = table.cell(r0, c0)
            text = top.text
            merged = top.merge(table.cell(r1 - 1, c1 - 1))
            merged.text = text
    document.save(str(path))
    return path

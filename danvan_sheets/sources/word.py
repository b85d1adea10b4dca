"""The form as a Word table (.docx), the way the plan prints it and units send it back.

Every table whose first rows hold the form's header is a tab; the "Đơn vị: …" line in
the paragraphs above it (since the previous table) names the unit, and becomes the
tab's first row, where the reader looks for it. Merged table cells become Tab.merges.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from danvan_sheets.errors import SourceError, os_reason
from danvan_sheets.grid import Grid, Merge
from danvan_sheets.sources.base import has_form_header
from danvan_sheets.sources.workbook import shown_name


def read_word_tables(path: Path) -> list[tuple[Grid, list[Merge]]]:
    """(rows, merges) of every form table in the document, in document order."""
    import zipfile

    import docx
    from docx.table import Table

    try:
        with open(path, "rb") as f:
            document = docx.Document(f)
    except OSError as exc:
        raise SourceError(f"Không mở được {shown_name(path)}: {os_reason(exc)}.") from None
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise SourceError(f"{shown_name(path)} không phải tệp Word .docx đọc được (hỏng, đặt mật khẩu, "
                          "hoặc là loại tệp khác). Hãy mở bằng Word rồi “Lưu thành” dạng .docx.") from None
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on damaged files
        raise SourceError(f"{shown_name(path)} không phải tệp Word .docx đọc được.") from None
    from danvan_sheets.core.sections import unit_line

    out: list[tuple[Grid, list[Merge]]] = []
    unit: str | None = None
    for item in document.iter_inner_content():
        if not isinstance(item, Table):
            text = item.text.strip()
            if unit_line(text):
                unit = text
            continue
        rows, merges = _table_grid(item)
        if has_form_header(rows):
            if unit:
                rows = [[unit], *rows]
                merges = [(r0 + 1, r1 + 1, c0, c1) for r0, r1, c0, c1 in merges]
            out.append((rows, merges))
        unit = None
    return out


def _table_grid(table: Any) -> tuple[Grid, list[Merge]]:
    """The table's text cell by cell, a merged cell's text in its top-left cell only.

    python-docx gives a merged cell once per grid position it covers (the same <w:tc>),
    which is how the merges are found.
    """
    tcs = [[cell._tc for cell in row.cells] for row in table.rows]
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    rows: Grid = []
    merges: list[Merge] = []
    for r, row in enumerate(tcs):
        out_row: list[Any] = []
        for c, tc in enumerate(row):
            covered = (c > 0 and row[c - 1] is tc) or (r > 0 and c < len(tcs[r - 1]) and tcs[r - 1][c] is tc)
            if covered:
                out_row.append(None)
                continue
            out_row.append(texts[r][c].strip() or None)
            c1 = c + 1
            while c1 < len(row) and row[c1] is tc:
                c1 += 1
            r1 = r + 1
            while r1 < len(tcs) and c < len(tcs[r1]) and tcs[r1][c] is tc:
                r1 += 1
            if (r1 - r) * (c1 - c) > 1:
                merges.append((r, r1, c, c1))
        while out_row and out_row[-1] is None:
            out_row.pop()
        rows.append(out_row)
    while rows and not rows[-1]:
        rows.pop()
    return rows, merges

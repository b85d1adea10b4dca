"""Feedback where the clerk types: a note on each problem cell of a unit's tab.

Our notes start with NOTE_PREFIX; that is how a later run tells them from notes people
wrote, which it never touches (a cell that already holds someone's note gets no note
from us: the problem is still on the summary tabs). Only the `note` field is ever sent
(updateCells with fields="note" on one cell), so a value or a format never changes.
The notes are read with the pull's metadata (METADATA_WITH_NOTES), and the requests go into
the summary's own batchUpdate: no request of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from danvan_sheets.core.model import Report

NOTE_PREFIX = "[danvan-sheets]"
NOTE_FOOTER = "(Ghi chú tự động của Ban Tuyên giáo; tự xóa khi đã sửa xong.)"
# The pull's metadata request: what the default answer holds that anyone here reads, plus the
# note of each cell and nothing else of the grid (Google returns {} for a cell without one). No
# cell values: those come from the one batch read. Every name must be a real field: Google
# answers 400 to an unknown one.
METADATA_WITH_NOTES = (
    "spreadsheetId,properties,spreadsheetUrl,namedRanges,"
    "sheets(properties,merges,protectedRanges,data(startRow,startColumn,rowData(values(note))))"
)
_A1 = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


@dataclass
class SheetNotes:
    """What is on the sheet: our notes and the cells holding someone else's, by (sheetId, row, col)."""

    ours: dict[tuple[int, int, int], str] = field(default_factory=dict)
    theirs: set[tuple[int, int, int]] = field(default_factory=set)


def cell_index(a1: str) -> tuple[int, int] | None:
    """"C8" -> (7, 2), 0-based; None for anything that is not one cell."""
    m = _A1.match(a1.strip().upper()) if a1 else None
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def parse_notes(data: object) -> SheetNotes:
    out = SheetNotes()
    sheets = data.get("sheets") if isinstance(data, dict) else None
    for sheet in sheets if isinstance(sheets, list) else []:
        if not isinstance(sheet, dict):
            continue
        sid = (sheet.get("properties") or {}).get("sheetId", 0)  # proto3: sheetId 0 is left out
        for grid in sheet.get("data") or []:
            r0, c0 = grid.get("startRow", 0), grid.get("startColumn", 0)
            for ri, row in enumerate(grid.get("rowData") or []):
                for ci, cell in enumerate((row or {}).get("values") or []):
                    note = (cell or {}).get("note")
                    if not isinstance(note, str) or not note:
                        continue
                    where = (sid, r0 + ri, c0 + ci)
                    if note.startswith(NOTE_PREFIX):
                        out.ours[where] = note
                    else:
                        out.theirs.add(where)
    return out


def wanted_notes(report: Report, sheet_ids: dict[str, int]) -> dict[tuple[int, int, int], str]:
    """The note each problem cell of a unit's tab should carry: every problem of that cell, in order."""
    texts: dict[tuple[int, int, int], list[str]] = {}
    for verdict in report.units:
        for problem in verdict.problems:
            tab = problem.tab or verdict.tab
            where = cell_index(problem.cell or "")
            if tab not in sheet_ids or where is None:
                continue
            lines = texts.setdefault((sheet_ids[tab], *where), [])
            if problem.message not in lines:
                lines.append(problem.message)
    from danvan_sheets.writers.safe_text import GSHEET_CELL_MAX, safe_value

    # Through the writers' safe-text helper: a control character a unit typed (quoted in a message)
    # would make Google refuse the whole batch, the summary with it.
    return {k: str(safe_value("\n".join([f"{NOTE_PREFIX} Cần sửa ô này:", *(f"• {m}" for m in v), NOTE_FOOTER]),
                          GSHEET_CELL_MAX))
            for k, v in texts.items()}


def note_requests(current: SheetNotes, wanted: dict[tuple[int, int, int], str], unit_sheets: set[int]) -> list[dict]:
    """updateCells requests that bring our notes to `wanted`: new or changed ones written, ours
    that are no longer wanted removed; a cell with someone else's note left alone. [] if none."""
    reqs = []
    for where, text in sorted(wanted.items()):
        if where in current.theirs or current.ours.get(where) == text:
            continue
        reqs.append(_note_request(where, text))
    for where in sorted(current.ours):
        # Only on unit tabs: a note of ours copied onto another tab by hand is that person's now.
        if where not in wanted and where[0] in unit_sheets:
            reqs.append(_note_request(where, None))
    return reqs


def _note_request(where: tuple[int, int, int], text: str | None) -> dict:
    sid, row, col = where
    # One cell, fields "note" only: every other part of the cell (value, format) stays as it is,
    # and a cell given without a note has its note cleared.
    return {"updateCells": {
        "range": {"sheetId": sid, "startRowIndex": row, "endRowIndex": row + 1,
                  "startColumnIndex": col, "endColumnIndex": col + 1},
        "rows": [{"values": [{"note": text} if text is not None else {}]}],
        "fields": "note",
    }}

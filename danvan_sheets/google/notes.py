"""Feedback where the clerk types: a note on each problem cell of a unit's tab.

Our part of a note is a block: it starts on a line beginning with NOTE_PREFIX and ends with
NOTE_CLOSE. Everything outside the block is someone else's (a clerk's reply below it, a remark
above it) and stays where it is: an update replaces only the block, a removal takes out only the
block, and the note is cleared only when nothing but whitespace would be left. A note without our
block is someone else's and is never touched (a cell that holds one gets no note from us: the
problem is still on the summary tabs). Only the `note` field is ever sent (updateCells with
fields="note" on one cell), so a value or a format never changes. The notes are read with the
pull's metadata (METADATA_WITH_NOTES), and the requests go into the summary's own batchUpdate:
no request of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from danvan_sheets.core.model import Report

NOTE_PREFIX = "[danvan-sheets]"
# The closing marker, on a line of its own. It mirrors the prefix the way a closing tag does, so
# a clerk sees the pair and knows where the tool's text ends; plain ASCII brackets, so no Vietnamese
# input method (Telex, VNI) or font change alters it, and no one types it by chance. It carries no
# wording, so the footer above it can be reworded in a later version without losing track of the
# blocks already on the sheets.
NOTE_CLOSE = "[/danvan-sheets]"
NOTE_FOOTER = ("(Ghi chú tự động của Ban Tuyên giáo; tự xóa khi đã sửa xong. "
               f"Trả lời xin viết bên dưới dòng {NOTE_CLOSE}, sẽ được giữ lại.)")
# The last line every note of the versions before NOTE_CLOSE ended with.
LEGACY_FOOTER = "(Ghi chú tự động của Ban Tuyên giáo; tự xóa khi đã sửa xong.)"
_HEADER = f"{NOTE_PREFIX} Cần sửa ô này:"
_BULLET = "• "
# A message quoting a unit's multi-line cell: its further lines are indented, so no line of the
# block's body can start with NOTE_PREFIX or NOTE_CLOSE and cut the block short.
_CONTINUED = "  "
# The pull's metadata request: what the default answer holds that anyone here reads, plus the
# note of each cell and nothing else of the grid (Google returns {} for a cell without one). No
# cell values: those come from the one batch read. Every name must be a real field: Google
# answers 400 to an unknown one.
METADATA_WITH_NOTES = (
    "spreadsheetId,properties,spreadsheetUrl,namedRanges,"
    "sheets(properties,merges,protectedRanges,data(startRow,startColumn,rowData(values(note))))"
)
_A1 = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")

Where = tuple[int, int, int]  # (sheetId, row, column), 0-based


@dataclass
class SheetNotes:
    """What is on the sheet: the notes holding our block (whole text), and the cells holding a note without one."""

    ours: dict[Where, str] = field(default_factory=dict)
    theirs: set[Where] = field(default_factory=set)


@dataclass
class NotePlan:
    """The updateCells requests, and what they do, for the run's output."""

    requests: list[dict] = field(default_factory=list)
    written: int = 0  # our block added or changed
    removed: int = 0  # our block taken out; someone's text around it stays as the note


@dataclass(frozen=True)
class NoteParts:
    """A note around our block: note == before + block + after."""

    before: str
    block: str
    after: str


def cell_index(a1: str) -> tuple[int, int] | None:
    """"C8" -> (7, 2), 0-based; None for anything that is not one cell."""
    m = _A1.match(a1.strip().upper()) if a1 else None
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def split_note(note: str) -> NoteParts | None:
    """Our block in `note` and the text around it; None when the note has no block of ours."""
    lines = note.split("\n")
    first = next((i for i, line in enumerate(lines) if line.startswith(NOTE_PREFIX)), None)
    if first is None:
        return None
    start = sum(len(line) + 1 for line in lines[:first])
    end = _block_end(lines, first, start)
    return NoteParts(note[:start], note[start:end], note[end:])


def _block_end(lines: list[str], first: int, start: int) -> int:
    """Offset in the note just past our block, whose first line is lines[first] at offset `start`."""
    offset = start
    for line in lines[first:]:
        if line.startswith(NOTE_CLOSE):
            # Anything typed after the marker on its own line is the typist's.
            return offset + len(NOTE_CLOSE)
        offset += len(line) + 1
    return start + len("\n".join(_legacy_block(lines[first:])))


def _legacy_block(lines: list[str]) -> list[str]:
    """The lines of a block without NOTE_CLOSE: a note of a version before it (or one whose
    marker line someone deleted). Such a block ran from the prefix line through the footer
    line, which the tool always wrote last and no message line can be; so it ends at the first
    footer line, and whatever follows, a reply, is kept. Without a footer line we cannot tell
    where the tool's text ended, so only what its structure makes certain is ours: the prefix
    line and the bullet lines right after it. Text of ours we fail to claim is kept as
    someone's; a clerk's text is never claimed."""
    for i, line in enumerate(lines[1:], 1):
        if line.strip() in (LEGACY_FOOTER, NOTE_FOOTER):
            return lines[:i + 1]
    n = 1
    while n < len(lines) and lines[n].startswith(_BULLET):
        n += 1
    return lines[:n]


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
                    if split_note(note) is not None:
                        out.ours[where] = note
                    else:
                        out.theirs.add(where)
    return out


def wanted_notes(report: Report, sheet_ids: dict[str, int]) -> dict[Where, list[str]]:
    """The messages for our block on each problem cell of a unit's tab: every problem of that cell, in order."""
    texts: dict[Where, list[str]] = {}
    for verdict in report.units:
        for problem in verdict.problems:
            tab = problem.tab or verdict.tab
            where = cell_index(problem.cell or "")
            if tab not in sheet_ids or where is None:
                continue
            lines = texts.setdefault((sheet_ids[tab], *where), [])
            if problem.message not in lines:
                lines.append(problem.message)
    return texts


def render_block(messages: list[str], room: int) -> str | None:
    """Our block for `messages` in at most `room` UTF-16 code units (the messages cut to fit, the
    marker kept); None when not even the frame fits."""
    from danvan_sheets.writers.safe_text import capped, printable

    # printable(): a control character a unit typed (quoted in a message) would make Google
    # refuse the whole batch, the summary with it.
    body = "\n".join(_BULLET + printable(m).replace("\n", "\n" + _CONTINUED) for m in messages)
    frame = f"{_HEADER}\n\n{NOTE_FOOTER}\n{NOTE_CLOSE}"
    left = room - _utf16(frame)
    if left < 2:
        return None
    return f"{_HEADER}\n{capped(body, left)}\n{NOTE_FOOTER}\n{NOTE_CLOSE}"


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def note_text(current: str | None, messages: list[str] | None) -> str | None:
    """What the note should say: `current` with our block set to `messages` (added when it had
    none), or taken out when `messages` is None. "" clears the note; None leaves it as it is."""
    from danvan_sheets.writers.safe_text import GSHEET_CELL_MAX

    split = split_note(current) if current else None
    before, after = (split.before, split.after) if split else ("", "")
    if messages is None:
        return _without_block(before, after) if split else None
    block = render_block(messages, GSHEET_CELL_MAX - _utf16(before + after))
    return None if block is None else before + block + after


def _without_block(before: str, after: str) -> str:
    """The note once our block is out: the text around it, joined where the block was."""
    rest = [part for part in (before.rstrip(), after.lstrip()) if part]
    return "\n".join(rest)


def note_requests(current: SheetNotes, wanted: dict[Where, list[str]], unit_sheets: set[int]) -> NotePlan:
    """The updateCells that bring our blocks to `wanted`: new or changed ones written, ours that
    are no longer wanted taken out; a note already as it should be, or without our block on a
    wanted cell, left alone."""
    plan = NotePlan()
    for where, messages in sorted(wanted.items()):
        if where not in current.theirs:
            _plan_note(plan, where, current.ours.get(where), messages)
    for where in sorted(current.ours):
        # Only on unit tabs: a note of ours copied onto another tab by hand is that person's now.
        if where not in wanted and where[0] in unit_sheets:
            _plan_note(plan, where, current.ours[where], None)
    return plan


def _plan_note(plan: NotePlan, where: Where, current: str | None, messages: list[str] | None) -> None:
    text = note_text(current, messages)
    if text is None or text == (current or ""):
        return
    plan.requests.append(_note_request(where, text or None))
    if messages is None:
        plan.removed += 1
    else:
        plan.written += 1


def _note_request(where: Where, text: str | None) -> dict:
    sid, row, col = where
    # One cell, fields "note" only: every other part of the cell (value, format) stays as it is,
    # and a cell given without a note has its note cleared.
    return {"updateCells": {
        "range": {"sheetId": sid, "startRowIndex": row, "endRowIndex": row + 1,
                  "startColumnIndex": col, "endColumnIndex": col + 1},
        "rows": [{"values": [{"note": text} if text is not None else {}]}],
        "fields": "note",
    }}

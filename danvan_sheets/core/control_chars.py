"""Control characters in a unit's cells: what no summary can hold as typed (pure).

Text pasted out of Word carries U+000B for a manual line break; Zalo and web pages bring
other separators and stray control codes. Excel keeps them in the file as `_x000B_` and
the like, which openpyxl hands over as those seven characters. The writers turn them into
what a person expects (writers/safe_text.py); this module says which characters those are,
and gives the unit a warning at each cell that held one, so the clerk can clean it up.
The reader itself keeps the text as delivered: the history stores what was typed.
"""

from __future__ import annotations

import re

from danvan_sheets.core.model import Problem, SheetReading

CODE = "control_characters"
MESSAGE = "ô có ký tự điều khiển, thường do dán từ Word; đã bỏ khi ghi tổng hợp"

# What str.splitlines() also breaks at: a person sees each as a new line. \r is only a line
# break too, but a common and harmless one (Windows' \r\n), so it is normalised without a warning.
LINE_SEPARATORS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# Everything a writer changes: C0 controls except tab and line feed, DEL, C1 controls, the line
# and paragraph separators, lone surrogates (not encodable in UTF-8) and U+FFFE/U+FFFF (not XML).
UNWRITABLE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff"
# The same characters as the OOXML escape Excel writes for them ("_x000B_"), unless the
# underscore itself is escaped ("_x005F_x000B_" is the text "_x000B_" typed by hand).
_HEX = "00[01][0-9A-Fa-f]|007[Ff]|00[89][0-9A-Fa-f]|202[89]|[Dd][89A-Fa-f][0-9A-Fa-f]{2}|[Ff]{3}[EeFf]"
ESCAPED = f"(?<!_x005[Ff])_x(?:{_HEX})_"
UNWRITABLE_RE = re.compile(f"[{UNWRITABLE}]|{ESCAPED}")
# For the warning: a \r (or its escape _x000D_) is a plain line break, Windows' \r\n, not worth one.
_WARNED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff"
_WARN_CHAR_RE = re.compile(f"[{_WARNED}]")
_WARN_ESCAPE_RE = re.compile(f"(?<!_x005[Ff])_x(?!000[Dd]_)(?:{_HEX})_")


def has_control_characters(value: object) -> bool:
    """True when a writer must drop or replace something in this cell's text (a plain \\r aside)."""
    # A character class alone runs at memory speed; the escape pattern only where "_x" occurs.
    return isinstance(value, str) and (_WARN_CHAR_RE.search(value) is not None
                                       or ("_x" in value and _WARN_ESCAPE_RE.search(value) is not None))


def control_character_problems(reading: SheetReading) -> list[Problem]:
    """One warning per cell of a model row (or a cell already named by a problem) holding control characters.

    A warning, never an error: the model still counts; the writers print it cleaned.
    """
    from danvan_sheets.core.cells import col_letters

    out: list[Problem] = []
    seen: set[str] = set()
    # Every row of a province passes here and almost none holds a control character. Every
    # character handled is unprintable, so one C-speed isprintable() over the tab's text cells
    # clears almost every tab; one with line feeds or tabs is looked at with the pattern.
    blob = " ".join([v for e in reading.entries for v in e.source_row if type(v) is str])
    clear = blob.isprintable() and "_x" not in blob
    entries = reading.entries if not clear and has_control_characters(blob) else ()
    for e in entries:
        src = e.source_row
        for c in sorted(set(e.columns.values())):
            v = src[c] if c < len(src) else None
            if has_control_characters(v):
                cell = f"{col_letters(c)}{e.row}"
                if cell not in seen:
                    seen.add(cell)
                    out.append(Problem(CODE, "warning", MESSAGE, cell=cell, row=e.row, column=col_letters(c),
                                       value=v, tab=reading.title))
    for p in reading.problems:
        if p.cell and p.cell not in seen and has_control_characters(p.value):
            seen.add(p.cell)
            out.append(Problem(CODE, "warning", MESSAGE, cell=p.cell, row=p.row, column=p.column, value=p.value,
                               tab=reading.title))
    return out

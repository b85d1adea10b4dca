"""A1 notation for the fake Sheets API: parsing, quoting and formatting ranges.

Rows and columns are 0-based and end-exclusive internally, like a GridRange.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_REF = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d+[Cc]\d+|[Rr]\d*|[Cc]\d*)$")


class RangeError(ValueError):
    """A range that Google would answer with 400 INVALID_ARGUMENT."""


@dataclass
class Bounds:
    """Cell bounds of a range; None means unbounded on that side."""

    r0: int | None = None
    r1: int | None = None
    c0: int | None = None
    c1: int | None = None


def col_to_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def index_to_col(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def quote_title(title: str) -> str:
    """Quote a sheet title the way Google echoes it in ranges.

    Recordings show `Sheet1!A1:D4` unquoted but
    `'🌵 test_values_batch_get 1'!A1:C2` (SpreadsheetTest.test_values_batch_get)
    and `'Test ClientTest test_import_csv'!A1:Z1000` quoted.
    """
    if _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_REF.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def split_sheet(a1: str) -> tuple[str | None, str | None]:
    """Split `'It''s'!A1:B2` into ("It's", "A1:B2"); a bare name gives (name, None)."""
    a1 = a1.strip()
    if a1.startswith("'"):
        i, title = 1, []
        while i < len(a1):
            ch = a1[i]
            if ch == "'":
                if a1[i + 1 : i + 2] == "'":
                    title.append("'")
                    i += 2
                    continue
                rest = a1[i + 1 :]
                if rest == "":
                    return "".join(title), None
                if rest.startswith("!"):
                    return "".join(title), rest[1:]
                raise RangeError(a1)
            title.append(ch)
            i += 1
        raise RangeError(a1)
    if "!" in a1:
        title, _, cells = a1.rpartition("!")
        return title, cells
    return None, a1


def parse_cells(text: str) -> Bounds:
    """Parse `A1`, `A1:C3`, `A:C`, `1:3`, `A5:C` into bounds."""
    parts = text.split(":")
    if len(parts) not in (1, 2) or not all(parts):
        raise RangeError(text)
    ends = [_CELL.match(p) for p in parts]
    if not all(ends):
        raise RangeError(text)
    (c_a, r_a), (c_b, r_b) = ends[0].groups(), ends[-1].groups()
    if not (c_a or r_a) or not (c_b or r_b):
        raise RangeError(text)
    if len(parts) == 1 and not (c_a and r_a):
        raise RangeError(text)
    b = Bounds()
    if c_a:
        b.c0 = col_to_index(c_a)
    if r_a:
        b.r0 = int(r_a) - 1
    if c_b:
        b.c1 = col_to_index(c_b) + 1
    if r_b:
        b.r1 = int(r_b)
    if len(parts) == 2:
        _fill_open_start(b, c_a, r_a, c_b, r_b)
    if (b.r0 is not None and b.r0 < 0) or (b.r1 is not None and b.r1 < 1):
        raise RangeError(text)
    return _ordered(b)


def _fill_open_start(b: Bounds, c_a: str, r_a: str, c_b: str, r_b: str) -> None:
    # `A:C` / `1:3` are unbounded in the other dimension; `A5:C` runs to the last row.
    if c_a and not r_a and r_b:
        b.r0 = 0
    if r_a and not c_a and c_b:
        b.c0 = 0
    if c_a and r_a and not r_b:
        b.r1 = None
    if c_a and r_a and not c_b:
        b.c1 = None


def _ordered(b: Bounds) -> Bounds:
    if b.r0 is not None and b.r1 is not None and b.r1 <= b.r0:
        b.r0, b.r1 = b.r1 - 1, b.r0 + 1
    if b.c0 is not None and b.c1 is not None and b.c1 <= b.c0:
        b.c0, b.c1 = b.c1 - 1, b.c0 + 1
    return b


def format_range(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    """`Sheet1!A1:D4`; a single cell is `Sheet1!A1` (WorksheetTest.test_update_cell_unicode)."""
    start = f"{index_to_col(c0)}{r0 + 1}"
    end = f"{index_to_col(c1 - 1)}{r1}"
    cells = start if (r1 - r0 == 1 and c1 - c0 == 1) else f"{start}:{end}"
    return f"{quote_title(title)}!{cells}"

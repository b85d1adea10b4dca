"""Merged cells read as a person reads them: every covered cell shows its top-left value.

Clerks type a place, a scale or a time once and merge it down over several models, and
merge section titles across the row. Sources hand the ranges over in Tab.merges
(0-based, half-open, as the Sheets API's GridRange); this fills our own copy of the grid.
"""

from __future__ import annotations

from collections.abc import Iterable

Anchors = dict[tuple[int, int], tuple[int, int]]


def fill_merges(rows: list[list[object]], merges: Iterable) -> Anchors:
    """Give each covered cell of `rows` (changed in place) its merge's top-left value.

    -> {covered (row, col): top-left (row, col)}, for messages about a merged value to
    point at the cell that holds it. A range the grid does not reach (Google trims empty
    rows; a whole-column merge runs to row 1000) is cut to the grid; a malformed one is ignored.
    """
    anchors: Anchors = {}
    for merge in merges or ():
        try:
            r0, r1, c0, c1 = (int(x) for x in merge)
        except (TypeError, ValueError):
            continue
        if r0 < 0 or c0 < 0 or r0 >= len(rows) or r1 <= r0 or c1 <= c0:
            continue
        top = rows[r0]
        value = top[c0] if c0 < len(top) else None
        r1 = min(r1, len(rows))
        c1 = min(c1, c0 + 1024)  # a merge across a whole row must not make every row 16 000 cells long
        for r in range(r0, r1):
            row = rows[r]
            for c in range(c0, c1):
                if (r, c) == (r0, c0):
                    continue
                anchors[(r, c)] = (r0, c0)
                if len(row) <= c:
                    if value is None:
                        continue
                    row.extend([None] * (c + 1 - len(row)))
                row[c] = value
    return anchors

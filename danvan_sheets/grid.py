"""The hand-off between sources and the core: a tab is a title plus a grid of cell values.

Cell values are what a source delivers: None, str, int, float, bool, or a
datetime (local files: sources/workbook.py). Google delivers dates as serial numbers;
the reader copes with both, so sources never interpret cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Cell = Any
Grid = list[list[Cell]]
# (start_row, end_row, start_col, end_col): 0-based, half-open, like the Sheets API's GridRange.
Merge = tuple[int, int, int, int]


@dataclass
class Tab:
    title: str
    rows: Grid
    # Where the tab came from, for messages: a file name, or "" for a tab of one workbook.
    origin: str = ""
    # Link a person can open (Google tab URL), when the source has one.
    url: str | None = None
    # True for one-workbook-per-unit sources: the form's "Đơn vị:" line names the unit first.
    prefer_declared_unit: bool = False
    sheet_id: int | None = None
    # Merged ranges as the Sheets API gives them (GridRange): 0-based, half-open
    # (start_row, end_row, start_col, end_col) in the coordinates of `rows`. Every source
    # fills this; the core gives each covered cell the value of the top-left one.
    merges: list[Merge] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def clip_merges(merges: list[Merge], rows: Grid) -> list[Merge]:
    """The merges as far as `rows` reaches: a merge formatted far below or right of the values
    (a whole column merged down to row 1000) covers no cell a reader would see."""
    height = len(rows)
    width = max(map(len, rows), default=0)
    out: list[Merge] = []
    for r0, r1, c0, c1 in merges:
        r1, c1 = min(r1, height), min(c1, width)
        if r0 < r1 and c0 < c1 and (r1 - r0) * (c1 - c0) > 1:
            out.append((r0, r1, c0, c1))
    return sorted(out)

"""The hand-off between sources and the core: a tab is a title plus a grid of cell values.

Cell values are what a source delivers: None, str, int, float, bool, or a
datetime/date (openpyxl). Google delivers dates as serial numbers; the reader
copes with both, so sources never interpret cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Cell = Any
Grid = list[list[Cell]]


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
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

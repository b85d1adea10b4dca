"""A Google Form's responses sheet as a source: `gsheet:MÃ#responses`.

Many committees collect with a Google Form instead of a tab per unit. Its responses
sheet has one row per model: a timestamp, the unit (a dropdown of unit names) and the
form's seven fields (Lĩnh vực, Tên mô hình, Số lượng, Thời gian xây dựng, Địa điểm triển
khai, Quy mô thực hiện, Thời gian hoàn thành). Each unit's rows become one Tab, laid out
at their real rows and columns of the responses sheet, so the reader reads them as the
flat table with a Lĩnh vực column it already knows, and every problem points at the
cell to fix in the responses sheet. Each kept row carries its timestamp
(Tab.extra["submitted"]) for lateness.

A unit that answered twice for one model keeps its latest answer; the older rows are
named in a notice, never dropped silently. A row with no unit is named in a notice too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from danvan_sheets.core.model import COLUMNS
from danvan_sheets.core.text import clean, key
from danvan_sheets.errors import SourceError
from danvan_sheets.grid import Tab
from danvan_sheets.sources.base import SourceData
from danvan_sheets.sources.gsheet import GoogleSheetSource, pull_spreadsheet

SUFFIX = "#responses"
# The header `danvan init --form-sheet` writes, and the question titles to give the Form.
TIMESTAMP = "Dấu thời gian"
UNIT = "Đơn vị"
FORM_FIELDS = [COLUMNS[k] for k in ("field", "name", "quantity", "build", "location", "scale", "done")]
HEADER = [TIMESTAMP, UNIT, *FORM_FIELDS]

# Google Forms names the first column after the form's language.
_TIMESTAMP_KEYS = {"dau thoi gian", "timestamp", "thoi gian gui", "thoi diem gui", "ngay gio gui"}
_UNIT_KEYS = {"don vi", "ten don vi", "don vi dang ky", "unit"}
_EPOCH = dt.datetime(1899, 12, 30)
_TEXT_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y")


def parse_timestamp(value: object) -> dt.datetime | None:
    """A response's time: a date-time serial (what the API gives), a datetime (xlsx), or text."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 < value < 2958466:
        return (_EPOCH + dt.timedelta(days=float(value))).replace(microsecond=0)
    if isinstance(value, str):
        text = clean(value)
        for fmt in _TEXT_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
    return None


def _columns(row: list[object]) -> tuple[int, int] | None:
    keys = [key(c) if isinstance(c, str) else "" for c in row]
    ts = next((i for i, k in enumerate(keys) if k in _TIMESTAMP_KEYS), None)
    unit = next((i for i, k in enumerate(keys) if k in _UNIT_KEYS), None)
    return (ts, unit) if ts is not None and unit is not None else None


def find_header(rows: list[list[object]]) -> tuple[int, int, int] | None:
    """(0-based header row, timestamp column, unit column) of a responses sheet, or None."""
    for r, row in enumerate(rows[:10]):
        if cols := _columns(row):
            return r, *cols
    return None


def _blank(row: list[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _when(t: dt.datetime | None, row: int) -> str:
    return f"dòng {row}" + (f", gửi lúc {t:%H:%M} ngày {t:%d/%m/%Y}" if t else "")


def split_responses(tab: Tab) -> tuple[list[Tab], list[str]]:
    """One Tab per unit named in the responses sheet `tab`, plus notices about rows set aside."""
    from danvan_sheets.core.duplicates import name_key

    found = find_header(tab.rows)
    if found is None:
        return [], []
    h, ts_col, unit_col = found
    header = tab.rows[h]
    name_col = next((i for i, c in enumerate(header) if isinstance(c, str) and key(c) == "ten mo hinh"), None)
    notices: list[str] = []
    units: dict[str, dict] = {}
    for r in range(h + 1, len(tab.rows)):
        row = tab.rows[r]
        if _blank(row):
            continue
        sheet_row = r + 1
        unit = clean(str(row[unit_col])) if unit_col < len(row) and row[unit_col] is not None else ""
        if not unit:
            notices.append(
                f"Dòng {sheet_row} của trang “{tab.title}” không ghi đơn vị nên chưa được tính cho đơn vị nào; "
                "hãy ghi tên đơn vị vào ô cột Đơn vị của dòng đó."
            )
            continue
        u = units.setdefault(key(unit), {"title": unit, "rows": []})
        when = parse_timestamp(row[ts_col]) if ts_col < len(row) else None
        name = row[name_col] if name_col is not None and name_col < len(row) else None
        u["rows"].append((sheet_row, when, name_key(str(name)) if isinstance(name, str) and name.strip() else None))
    tabs: list[Tab] = []
    for u in units.values():
        # Each model's answers, oldest first: by time, and rows without a readable time by
        # their order in the sheet, which is the order Google Forms appends them in.
        answers: dict[str, list[tuple[int, dt.datetime | None]]] = {}
        for sheet_row, when, model in sorted(u["rows"], key=lambda x: (x[1] or dt.datetime.min, x[0])):
            if model is not None:
                answers.setdefault(model, []).append((sheet_row, when))
        superseded = {row for rows in answers.values() for row, _w in rows[:-1]}
        grid: list[list[object]] = [[] for _ in range(len(tab.rows))]
        grid[h] = list(header)
        submitted: dict[int, dt.datetime] = {}
        for sheet_row, when, _model in u["rows"]:
            if sheet_row in superseded:
                continue
            grid[sheet_row - 1] = list(tab.rows[sheet_row - 1])
            if when is not None:
                submitted[sheet_row] = when
        while grid and not grid[-1]:
            grid.pop()
        dropped = [
            f"“{_name(tab, rows[-1][0], name_col)}”: giữ câu trả lời mới nhất ({_when(rows[-1][1], rows[-1][0])}), "
            f"bỏ {', '.join(_when(w, r) for r, w in rows[:-1])}"
            for rows in answers.values()
            if len(rows) > 1
        ]
        if dropped:
            notices.append(
                f"{u['title']} đã gửi biểu mẫu nhiều lần cho cùng một mô hình; mỗi mô hình chỉ giữ câu trả "
                f"lời mới nhất — {'; '.join(dropped)}."
            )
        tabs.append(
            Tab(
                title=u["title"],
                rows=grid,
                origin=tab.title,
                url=tab.url,
                sheet_id=tab.sheet_id,
                merges=list(tab.merges),
                # The unit's cells are cells of the responses sheet: its problems name that sheet.
                extra={"submitted": submitted, "cells_on": tab.title},
            )
        )
    return tabs, notices


def _name(tab: Tab, row: int, name_col: int | None) -> str:
    cells = tab.rows[row - 1]
    return clean(str(cells[name_col])) if name_col is not None and name_col < len(cells) else ""


@dataclass(frozen=True)
class FormResponsesSource(GoogleSheetSource):
    """`gsheet:MÃ#responses`: the responses sheet a Google Form is linked to (`target` without the suffix)."""

    example: ClassVar[str] = "gsheet:MÃ#responses"
    suffix: ClassVar[str] = SUFFIX

    @classmethod
    def looks_like(cls, text: str) -> bool:
        return text.lower().endswith(SUFFIX)

    def read(self, settings) -> SourceData:
        data = pull_spreadsheet(self.target, settings)
        tabs: list[Tab] = []
        notices = list(data.notices)
        sheets = [t for t in data.tabs if find_header(t.rows) is not None]
        if not sheets:
            names = ", ".join(f"“{t.title}”" for t in data.tabs) or "không có trang nào"
            raise SourceError(
                f"Không thấy trang câu trả lời của Google Biểu mẫu trong bảng tính (dòng tiêu đề có “{TIMESTAMP}” và "
                f"“{UNIT}”); các trang: {names}. Hãy liên kết biểu mẫu với bảng tính này (Câu trả lời → Liên kết với "
                "Trang tính), hoặc bỏ “#responses” nếu mỗi đơn vị có một trang."
            )
        by_unit: dict[str, list[Tab]] = {}
        for sheet in sheets:
            unit_tabs, said = split_responses(sheet)
            notices += said
            for t in unit_tabs:
                by_unit.setdefault(key(t.title), []).append(t)
        for found in by_unit.values():
            kept = max(found, key=lambda t: len(answer_rows(t)))  # the first of equals
            tabs.append(kept)
            if len(found) > 1:
                notices.append(_spread_notice(kept, [t for t in found if t is not kept]))
        return SourceData(tabs, notices, data.requests, data.extra)


def answer_rows(tab: Tab) -> list[int]:
    """Sheet rows of a unit's answers in its Tab (the first non-empty row is the header)."""
    return [i + 1 for i, row in enumerate(tab.rows) if row][1:]


def _spread_notice(kept: Tab, others: list[Tab]) -> str:
    # One unit's cells must all point at one sheet (a problem says "ô E6", a note goes on that
    # cell, a timestamp is looked up by row), so a unit is read from one responses sheet: the
    # one with most of its answers. The rest are named here, row by row, never dropped unsaid.
    # This happens when answers typed into `init --form-sheet`'s tab meet a linked Form's own.
    left = "; ".join(f"trang “{t.origin}” dòng {', '.join(map(str, answer_rows(t)))}" for t in others)
    return (
        f"{kept.title} có câu trả lời ở nhiều trang câu trả lời; chỉ đọc trang “{kept.origin}” "
        f"({len(answer_rows(kept))} dòng), chưa tính: {left}. Hãy chép các dòng đó sang trang “{kept.origin}” "
        "(giữ nguyên Dấu thời gian) rồi xóa ở trang cũ, để mọi câu trả lời của đơn vị ở một trang."
    )

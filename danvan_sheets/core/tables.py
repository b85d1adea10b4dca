"""The summary as plain tables (rows of strings and numbers), shared by every writer.

The xlsx writer and the Google Sheets writer render the same tables, so the
local copy and the live summary never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from danvan_sheets.core.model import (
    FIELD_SHORT,
    FIELDS,
    STATUS_LABELS,
    UNIT_TYPE_LABELS,
    UNIT_TYPES,
    Report,
)
from danvan_sheets.core.text import key

SHEET_SUMMARY = "Tổng hợp"
SHEET_TODO = "Cần bổ sung"
SHEET_PROBLEMS = "Lỗi nhập liệu"
SUMMARY_SHEETS = (SHEET_SUMMARY, SHEET_TODO, SHEET_PROBLEMS)
_SUMMARY_BY_KEY = {key(t): t for t in SUMMARY_SHEETS}
# The counts of a group of units (a unit type, a Khối, a district), after the group's own columns:
# the same in the Khối's totals, the export's Thống kê sheet and the province's roll-up.
COUNT_HEADER = ["Số đơn vị", "Đạt", "Chưa đạt", "Chưa đăng ký", "% đạt", *(FIELD_SHORT[f] for f in FIELDS),
                "Tổng mô hình"]


def count_cells(b: dict) -> list[object]:
    """A totals block (Report.totals) as cells in the order of COUNT_HEADER."""
    return [b["units"], b["dat"], b["chua_dat"], b["chua_dang_ky"], b["percent_dat"],
            *(b["by_field"][f] for f in FIELDS), b["models"]]


def summary_title(title: str) -> str | None:
    """Our summary tab a sheet title stands for ("TỔNG HỢP", an NFD "Tổng hợp"…), or None.

    Matched like unit tabs, so a retyped title is reused rather than added again beside it.
    """
    return _SUMMARY_BY_KEY.get(key(title))

_MANDATORY_SHORT = {"chuyen_doi_so": "MH chuyển đổi số", "co_quan_hanh_phuc": "MH cơ quan hạnh phúc"}
SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo"}
HISTORY_COLUMNS = ("Thời hạn", "Mô hình bị xóa")


@dataclass
class Table:
    title: str
    caption: str
    header: list[str]
    rows: list[list[object]] = field(default_factory=list)
    # Status of each row (dat/chua_dat/chua_dang_ky/None), for colouring.
    row_status: list[str | None] = field(default_factory=list)
    # Extra blocks below the main table: (caption, header, rows).
    blocks: list[tuple[str, list[str], list[list[object]]]] = field(default_factory=list)


def mandatory_label(key: str, name: str) -> str:
    return _MANDATORY_SHORT.get(key, name if len(name) <= 30 else name[:29] + "…")


TIME_MARK = " — cập nhật lúc "  # what follows it in a caption is only the compile time


def _stamp(report: Report, compiled_at: dt.datetime) -> str:
    c = report.campaign
    return (
        f"Tổng hợp đăng ký mô hình “{c.title}” năm {c.year} — hạn đăng ký {c.deadline:%d/%m/%Y}"
        f"{TIME_MARK}{compiled_at:%H:%M} ngày {compiled_at:%d/%m/%Y}"
    )


def summary_table(report: Report, compiled_at: dt.datetime) -> Table:
    c = report.campaign
    with_history = any(v.history is not None for v in report.units)
    header = ["Stt", "Đơn vị", "Loại", *(FIELD_SHORT[f] for f in FIELDS), "Tổng", "Chỉ tiêu",
              *(mandatory_label(m.key, m.name) for m in c.mandatory), "Số lỗi", "Trạng thái",
              *(HISTORY_COLUMNS if with_history else ()), "Ghi chú"]
    t = Table(SHEET_SUMMARY, _stamp(report, compiled_at), header)
    for i, v in enumerate(report.units, start=1):
        t.rows.append([
            i, v.unit.name, UNIT_TYPE_LABELS[v.unit.type], *(v.by_field[f] for f in FIELDS), v.models, v.required,
            *("có" if v.mandatory.get(m.key) else "không" for m in c.mandatory),
            len(v.errors), STATUS_LABELS[v.status],
            *([(v.history or {}).get("on_time_label", ""), len((v.history or {}).get("disappeared", []))]
              if with_history else []),
            "\n".join(v.reasons),
        ])
        t.row_status.append(v.status)
    head = ["Loại đơn vị", *COUNT_HEADER]
    rows = []
    for group, label in [*((t_, UNIT_TYPE_LABELS[t_]) for t_ in UNIT_TYPES), ("all", "Toàn Khối")]:
        b = report.totals["all"] if group == "all" else report.totals["by_type"][group]
        rows.append([label, *count_cells(b)])
    t.blocks.append(("Tổng hợp theo loại đơn vị", head, rows))
    if report.unknown_tabs:
        what, check, column = (("Tệp", "dòng “Đơn vị:” hoặc tên tệp", "Tên tệp") if report.tabs_are_files
                               else ("Trang tính", "tên trang", "Tên trang"))
        # Without a unit list there is nothing to match: the tab was simply not taken for a unit.
        verdict = "không được tính cho đơn vị nào" if report.units_inferred else "không khớp đơn vị nào"
        t.blocks.append((f"{what} {verdict} (kiểm tra lại {check})", [column], [[x] for x in report.unknown_tabs]))
    return t


_ORDER = {"chua_dang_ky": 0, "chua_dat": 1, "dat": 2}


def todo_verdicts(report: Report):
    """Who needs to act, in the order the staff chase them: not registered, short, then đạt with errors."""
    # Vietnamese names sorted without regard to diacritics ("Đ" beside "D", not after "Z").
    flagged = sorted(report.flagged, key=lambda v: (_ORDER[v.status], key(v.unit.name)))
    return [*flagged, *(v for v in report.units if v.status == "dat" and v.errors)]


def todo_table(report: Report, compiled_at: dt.datetime) -> Table:
    header = ["Stt", "Đơn vị", "Loại", "Trạng thái", "Cần bổ sung", "Ô cần sửa", "Email", "Trang tính"]
    t = Table(SHEET_TODO, _stamp(report, compiled_at), header)
    for i, v in enumerate(todo_verdicts(report), start=1):
        cells = ", ".join(dict.fromkeys(p.cell for p in v.errors if p.cell))
        need = list(v.reasons) or ["Đã đạt; còn lỗi nhập liệu cần sửa."]
        t.rows.append([i, v.unit.name, UNIT_TYPE_LABELS[v.unit.type], STATUS_LABELS[v.status], "\n".join(need),
                       cells, v.unit.email, v.tab_url or v.tab or ""])
        t.row_status.append(v.status)
    return t


def problems_table(report: Report, compiled_at: dt.datetime) -> Table:
    header = ["Stt", "Đơn vị", "Trang tính", "Ô", "Cột", "Giá trị", "Mức độ", "Mã lỗi", "Nội dung cần sửa"]
    t = Table(SHEET_PROBLEMS, _stamp(report, compiled_at), header)
    i = 0
    for v in report.units:
        for p in v.problems:
            i += 1
            t.rows.append([i, v.unit.name, p.tab or v.tab or "", p.cell or "", p.column or "", p.value or "",
                           SEVERITY_LABELS[p.severity], p.code, p.message])
            t.row_status.append("chua_dat" if p.severity == "error" else None)
    return t


def all_tables(report: Report, compiled_at: dt.datetime) -> list[Table]:
    return [summary_table(report, compiled_at), todo_table(report, compiled_at), problems_table(report, compiled_at)]


def table_grid(table: Table) -> list[list[object]]:
    """The table as it sits on its sheet: caption in row 1, header in row 3, data from row 4, blocks below."""
    grid: list[list[object]] = [[table.caption], [], list(table.header), *[list(r) for r in table.rows]]
    for caption, header, rows in table.blocks:
        grid += [[], [caption], list(header), *[list(r) for r in rows]]
    return grid

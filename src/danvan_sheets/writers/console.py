"""The verdict table in the terminal (rich)."""

from __future__ import annotations

from danvan_sheets.core.model import FIELD_SHORT, FIELDS, STATUS_LABELS, UNIT_TYPE_LABELS, Report
from danvan_sheets.core.tables import mandatory_label

_STYLE = {"dat": "green", "chua_dat": "yellow", "chua_dang_ky": "red"}


def render_table(report: Report, console) -> None:
    from rich.markup import escape
    from rich.table import Table

    c = report.campaign
    t = Table(title=f"Đăng ký mô hình “{c.title}” năm {c.year} (hạn {c.deadline:%d/%m/%Y})", show_lines=False)
    for h in ("Stt", "Đơn vị", "Loại", *(FIELD_SHORT[f] for f in FIELDS), "Tổng", "Chỉ tiêu",
              *(mandatory_label(m.key, m.name) for m in c.mandatory), "Lỗi", "Trạng thái", "Lý do"):
        t.add_column(h, overflow="fold")
    for i, v in enumerate(report.units, start=1):
        t.add_row(
            str(i), escape(v.unit.name), UNIT_TYPE_LABELS[v.unit.type], *(str(v.by_field[f]) for f in FIELDS),
            str(v.models), str(v.required), *("có" if v.mandatory.get(m.key) else "không" for m in c.mandatory),
            str(len(v.errors)), f"[{_STYLE[v.status]}]{STATUS_LABELS[v.status]}[/]", escape(" ".join(v.reasons)),
        )
    console.print(t)
    a = report.totals["all"]
    console.print(
        f"Tổng: {a['units']} đơn vị — đạt {a['dat']}, chưa đạt {a['chua_dat']}, chưa đăng ký {a['chua_dang_ky']} "
        f"({a['percent_dat']}% đạt); {a['models']} mô hình hợp lệ; {a['problems']} lỗi nhập liệu."
    )
    for tab in report.unknown_tabs:
        console.print(f"[yellow]Trang “{escape(tab)}” không khớp đơn vị nào trong danh sách.[/]")
    for notice in report.notices:
        console.print(f"[yellow]{escape(notice)}[/]")

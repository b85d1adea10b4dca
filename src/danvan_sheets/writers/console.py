"""The verdict table in the terminal (rich): numbers in the table, reasons listed below it,
so the table stays readable in an 80-column terminal."""

from __future__ import annotations

from danvan_sheets.core.model import FIELD_SHORT, FIELDS, STATUS_LABELS, Report

_STYLE = {"dat": "green", "chua_dat": "yellow", "chua_dang_ky": "red"}
_TYPE_SHORT = {"dang_bo_co_so": "ĐBCS", "chi_bo_co_so": "CBCS", "doan_the": "ĐT"}
_MANDATORY_SHORT = {"chuyen_doi_so": "CĐS", "co_quan_hanh_phuc": "HP"}


def render_table(report: Report, console) -> None:
    from rich.markup import escape
    from rich.table import Table

    c = report.campaign
    t = Table(title=f"Đăng ký mô hình “{c.title}” năm {c.year} (hạn {c.deadline:%d/%m/%Y})", show_lines=False)
    short = [_MANDATORY_SHORT.get(m.key, m.key[:6]) for m in c.mandatory]
    for h in ("Stt", "Đơn vị", "Loại", *(FIELD_SHORT[f] for f in FIELDS), "Tổng/CT", *short, "Lỗi", "Trạng thái"):
        if h == "Đơn vị":
            t.add_column(h, overflow="fold", min_width=26, ratio=1)
        else:
            t.add_column(h, overflow="fold", justify="center")
    for i, v in enumerate(report.units, start=1):
        t.add_row(
            str(i), escape(v.unit.name), _TYPE_SHORT.get(v.unit.type, v.unit.type), *(str(v.by_field[f]) for f in FIELDS),
            f"{v.models}/{v.required}", *("có" if v.mandatory.get(m.key) else "—" for m in c.mandatory),
            str(len(v.errors)), f"[{_STYLE[v.status]}]{STATUS_LABELS[v.status]}[/]",
        )
    console.print(t)
    legend = ", ".join(f"{s}: {m.name}" for s, m in zip(short, c.mandatory))
    console.print(f"ĐBCS: Đảng bộ cơ sở; CBCS: Chi bộ cơ sở; ĐT: Đoàn thể khối; CT: chỉ tiêu; {escape(legend)}.", style="dim")
    flagged = [v for v in report.units if v.status != "dat"]
    if flagged:
        console.print("\n[bold]Cần bổ sung:[/]")
        for v in flagged:
            console.print(f"[{_STYLE[v.status]}]• {escape(v.unit.name)}[/]: {escape(' '.join(v.reasons))}")
    a = report.totals["all"]
    console.print(
        f"\nTổng: {a['units']} đơn vị — đạt {a['dat']}, chưa đạt {a['chua_dat']}, chưa đăng ký {a['chua_dang_ky']} "
        f"({a['percent_dat']}% đạt); {a['models']} mô hình hợp lệ; {a['problems']} lỗi nhập liệu."
    )
    for tab in report.unknown_tabs:
        console.print(f"[yellow]Trang “{escape(tab)}” không khớp đơn vị nào trong danh sách.[/]")
    for notice in report.notices:
        console.print(f"[yellow]{escape(notice)}[/]")

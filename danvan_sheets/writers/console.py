"""The verdict table in the terminal (rich): numbers in the table, reasons listed below it,
so the table stays readable in an 80-column terminal."""

from __future__ import annotations

from danvan_sheets.core.model import FIELD_SHORT, FIELDS, STATUS_LABELS, Report
from danvan_sheets.core.tables import todo_verdicts
from danvan_sheets.writers.safe_text import printable

_STYLE = {"dat": "green", "chua_dat": "yellow", "chua_dang_ky": "red"}
_TYPE_SHORT = {"dang_bo_co_so": "ĐBCS", "chi_bo_co_so": "CBCS", "doan_the": "ĐT"}
_MANDATORY_SHORT = {"chuyen_doi_so": "CĐS", "co_quan_hanh_phuc": "HP"}


def render_table(report: Report, console) -> None:
    from rich import box
    from rich.markup import escape as rich_escape
    from rich.table import Table

    def escape(text: str) -> str:
        # A unit's text can hold terminal control codes (ESC…) as well as rich markup.
        return rich_escape(printable(text))

    c = report.campaign
    short = [_MANDATORY_SHORT.get(m.key, m.key[:6]) for m in c.mandatory]
    # Below ~110 columns the four field columns become one "KT/VH/QP/XD" column and the
    # borders go, so an 80-column terminal still shows every unit's status.
    compact = console.width < 110
    t = Table(title=f"Đăng ký mô hình “{c.title}” năm {c.year} (hạn {c.deadline:%d/%m/%Y})",
              box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD, show_edge=not compact, pad_edge=not compact,
              collapse_padding=compact)
    fields = ["KT/VH/QP/XD"] if compact else [FIELD_SHORT[f] for f in FIELDS]
    kind = [] if compact else ["Loại"]  # the unit's name already says Đảng bộ / Chi bộ
    for h in ("Stt", "Đơn vị", *kind, *fields, "Tổng/CT", *short, "Lỗi", "Trạng thái"):
        if h == "Đơn vị":
            t.add_column(h, overflow="fold", min_width=18 if compact else 26, ratio=1)
        else:
            t.add_column(h, overflow="fold", justify="center", no_wrap=h != "Trạng thái")
    for i, v in enumerate(report.units, start=1):
        counts = ["/".join(str(v.by_field[f]) for f in FIELDS)] if compact else [str(v.by_field[f]) for f in FIELDS]
        t.add_row(
            str(i), escape(v.unit.name), *([] if compact else [_TYPE_SHORT.get(v.unit.type, v.unit.type)]), *counts,
            f"{v.models}/{v.required}", *("có" if v.mandatory.get(m.key) else "—" for m in c.mandatory),
            str(len(v.errors)), f"[{_STYLE[v.status]}]{STATUS_LABELS[v.status]}[/]",
        )
    console.print(t)
    legend = ", ".join(f"{s}: {m.name}" for s, m in zip(short, c.mandatory, strict=True))
    kinds = (
        "KT/VH/QP/XD: số mô hình lĩnh vực kinh tế / văn hóa - xã hội / quốc phòng - an ninh / "
        "xây dựng hệ thống chính trị"
        if compact
        else "ĐBCS: Đảng bộ cơ sở; CBCS: Chi bộ cơ sở; ĐT: Đoàn thể khối"
    )
    console.print(f"{kinds}; CT: chỉ tiêu; {escape(legend)}.", style="dim")
    # The same units, in the same order, as the workbook's "Cần bổ sung" tab.
    todo = todo_verdicts(report)
    if todo:
        console.print("\n[bold]Cần bổ sung:[/]")
    for v in todo:
        if v.status != "dat":
            console.print(f"[{_STYLE[v.status]}]• {escape(v.unit.name)}[/]: {escape(' '.join(v.reasons))}")
        else:
            cells = ", ".join(dict.fromkeys(p.cell for p in v.errors if p.cell))
            console.print(f"[green]• {escape(v.unit.name)}[/]: Đã đạt; còn {len(v.errors)} lỗi nhập liệu cần sửa (ô "
                          f"{cells}).")
    a = report.totals["all"]
    percent = f"{a['percent_dat']:.1f}".replace(".", ",")  # Vietnamese writes 50,0%
    console.print(
        f"\nTổng: {a['units']} đơn vị — đạt {a['dat']}, chưa đạt {a['chua_dat']}, chưa đăng ký {a['chua_dang_ky']} "
        f"({percent}% đạt); {a['models']} mô hình hợp lệ; {a['problems']} lỗi nhập liệu."
    )
    for note in notes(report):
        console.print(f"[yellow]{escape(note)}[/]")


def notes(report: Report) -> list[str]:
    """What a run must tell its user besides the verdicts: tabs left out, and the report's notices."""
    what = "Tệp" if report.tabs_are_files else "Trang"
    # Without a registry there is no list to match: the tab was not taken for any unit.
    why = ("không được tính cho đơn vị nào (tên không cho biết đây là đơn vị nào, hoặc đơn vị đó đã có trang khác)"
           if report.units_inferred else "không khớp đơn vị nào trong danh sách")
    return [printable(f"{what} “{tab}” {why}.") for tab in report.unknown_tabs] + [printable(n) for n in report.notices]

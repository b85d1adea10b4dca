"""The year-end review in the terminal (rich): a line per unit, then what to fix, then the year."""

from __future__ import annotations

from danvan_sheets.core.model import FIELD_SHORT, FIELDS
from danvan_sheets.core.results import COUNT_KEYS, COUNT_LABELS, UNIT_STATUS_LABELS, YearReview, count_block

_STYLE = {"du": "green", "can_bo_sung": "yellow", "chua_bao_cao": "red"}
_TYPE_SHORT = {"dang_bo_co_so": "ĐBCS", "chi_bo_co_so": "CBCS", "doan_the": "ĐT"}


def render_review(year: YearReview, title: str, console) -> None:
    from rich import box
    from rich.markup import escape as rich_escape
    from rich.table import Table

    from danvan_sheets.writers.safe_text import printable

    def escape(text: str) -> str:
        # As for `check`'s table: a unit's text can hold control codes as well as rich markup.
        return rich_escape(printable(text))

    r = year.review
    t = Table(title=f"Kết quả thực hiện mô hình “{title}” năm {year.year} (xét ngày {year.as_of:%d/%m/%Y})",
              box=box.SIMPLE_HEAD)
    t.add_column("Stt", justify="right")
    t.add_column("Đơn vị", overflow="fold", min_width=20, ratio=1)
    t.add_column("Loại")
    for k in COUNT_KEYS:
        t.add_column(COUNT_LABELS[k], justify="center")
    t.add_column("Trạng thái")
    for i, u in enumerate(year.units, start=1):
        b = count_block([u], r)
        t.add_row(str(i), escape(u.unit.name), _TYPE_SHORT.get(u.unit.type, u.unit.type),
                  *(str(b[k]["all"]) for k in COUNT_KEYS), f"[{_STYLE[u.status]}]{UNIT_STATUS_LABELS[u.status]}[/]")
    console.print(t)
    flagged = year.flagged
    if flagged:
        console.print("\n[bold]Cần bổ sung:[/]")
    for u in flagged:
        console.print(f"[{_STYLE[u.status]}]• {escape(u.unit.name)}[/]: {escape(' '.join(u.reasons))}")
        # A unit that has not reported is told so once, not once per model.
        for p in u.problems if u.status != "chua_bao_cao" else ():
            where = f"ô {p.cell}" if p.cell else "—"
            console.print(f"    {where}: {escape(p.message)}", style="dim" if p.severity == "warning" else None)
    a = year.totals["all"]
    console.print(f"\nCả năm: {a['units']} đơn vị (báo cáo đủ {a['du']}, cần bổ sung {a['can_bo_sung']}, chưa báo cáo "
                  f"{a['chua_bao_cao']}); " + ", ".join(f"{COUNT_LABELS[k].lower()} {a[k]['all']}" for k in COUNT_KEYS)
                  + " mô hình.")
    console.print("Theo lĩnh vực (" + "/".join(FIELD_SHORT[f] for f in FIELDS) + "): "
                  + "; ".join(f"{COUNT_LABELS[k].lower()} " + "/".join(str(a[k]["by_field"][f]) for f in FIELDS)
                              for k in ("registered", "completed", "recognised")) + ".")
    rec = year.recognised()
    console.print(f"\n[bold]Mô hình được công nhận (từ {r.pass_mark:g}/{r.total_points:g} điểm): {len(rec)}[/]")
    for i, m in enumerate(rec, start=1):
        console.print(f"  {i}. {escape(m.name)} — {escape(m.unit.name)}: {m.total:g} điểm")
    for note in [
        f"Trang/tệp báo cáo “{t}” không khớp đơn vị nào trong danh sách." for t in year.unknown_tabs
    ] + year.notices:
        console.print(f"[yellow]{escape(note)}[/]")

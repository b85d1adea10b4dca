"""The e-mail a unit's clerk gets before (or after) a review deadline: what to report, where, by when.

Only what the clerk can do: the models still to report, the cells to fix, the deadline and the
link to the unit's form. Never a staff command.
"""

from __future__ import annotations

import datetime as dt

from danvan_sheets.core.results import ReviewDue
from danvan_sheets.writers.email import MAX_CELLS, Reminder, days_left_text
from danvan_sheets.writers.safe_text import one_line, printable

SUBJECT = "Nhắc báo cáo {stage} mô hình “{title}” năm {year} — {unit}"


def review_body(due: ReviewDue, title: str, year: int, today: dt.date, signature: str) -> str:
    u = due.review
    what = "tiến độ" if due.stage == "mid_year" else "tiến độ và kết quả (bằng lời hoặc số liệu)"
    lines = [
        f"Kính gửi: {due.unit.name},",
        "",
        f"Ban Tuyên giáo Đảng ủy Khối đề nghị đơn vị gửi báo cáo {due.label} kết quả thực hiện các mô hình "
        f"“{title}” năm {year} đã đăng ký.",
        "",
        f"Hạn báo cáo: {due.deadline:%d/%m/%Y} ({days_left_text(due.deadline, today)}).",
        "",
        f"Các mô hình còn chưa ghi {what}:",
    ]
    rows = {m.name: m.result for m in (u.models if u else [])}
    cells = {p.value: p.cell for p in (u.problems if u else []) if p.code == "not_reported" and p.cell}
    for name in due.missing[:MAX_CELLS]:
        row = rows.get(name)
        cell = (row.cells.get("progress") if row is not None else None) or cells.get(name)
        lines.append(f"  - {name}" + (f" (ô {cell})" if cell else ""))
    if len(due.missing) > MAX_CELLS:
        lines.append(f"  … và {len(due.missing) - MAX_CELLS} mô hình khác.")
    errors = [p for p in (u.problems if u else []) if p.severity == "error" and p.cell and p.code != "not_reported"]
    if errors:
        lines += ["", "Các ô cần sửa:"]
        lines += [f"  - Ô {p.cell}: {p.message}" for p in errors[:MAX_CELLS]]
    lines.append("")
    if u is not None and u.tab_url:
        lines.append(f"Biểu báo cáo của đơn vị: {u.tab_url}")
    elif u is not None and u.tab:
        lines.append(f"Biểu báo cáo của đơn vị: “{u.tab}”.")
    else:
        lines.append("Đơn vị chưa gửi biểu báo cáo: hãy điền biểu mẫu báo cáo kết quả Ban Tuyên giáo đã gửi "
                     "(đã ghi sẵn các mô hình đơn vị đăng ký) và gửi lại.")
    lines += ["", "Trân trọng,", signature, ""]
    return "\n".join(lines)


def compose_review(due: ReviewDue, title: str, year: int, today: dt.date, signature: str) -> Reminder:
    subject = SUBJECT.format(stage=due.label, title=title, year=year, unit=due.unit.name)
    # As the registration reminders (writers/email.compose): the subject one line, the body plain text.
    return Reminder(due.unit.code, due.unit.name, due.unit.email.strip(), one_line(subject),
                    printable(review_body(due, title, year, today, signature)))

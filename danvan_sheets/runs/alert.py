"""The staff alert: one e-mail after [cron] alert_after_failures failed runs in a row, not one per failure."""

from __future__ import annotations

import os
from typing import Any

from danvan_sheets.runs.state import Outcome, last_success_phrase, read_state


def send_alert(settings: Any, failures: int, outcome: Outcome) -> str | None:
    """Send it with the reminder mailer's SMTP settings. -> None when sent, else why not (Vietnamese)."""
    from danvan_sheets.config import data_files
    from danvan_sheets.writers.email import Reminder, send_all, smtp_settings

    to = settings.cron.alert_to
    if not to:
        return "chưa ghi [cron] alert_to"
    if settings.smtp is None:
        return "chưa có mục [smtp]"
    smtp = smtp_settings(settings.smtp)
    password = os.environ.get(smtp.password_env) if smtp.password_env else None
    title, year = settings.campaign.title, settings.campaign.year
    last = last_success_phrase(read_state(data_files(settings).state).get("last_success"))
    body = "\n".join([
        "Kính gửi Ban Tuyên giáo,",
        "",
        f"Lệnh tổng hợp tự động đăng ký “{title}” năm {year} đã lỗi {failures} lần liên tiếp.",
        f"Lần gần nhất: {outcome.at:%H:%M} ngày {outcome.at:%d/%m/%Y}, nguồn {outcome.source or '(chưa xác định)'}.",
        f"Lỗi: {outcome.message or '(không rõ)'}",
        "",
        last or "Chưa có lần tổng hợp nào thành công.",
        "Các trang tổng hợp cũ vẫn giữ nguyên. Hãy chạy `danvan doctor` để kiểm tra, rồi xem nhật ký chạy.",
        "Thư này chỉ gửi một lần cho mỗi đợt lỗi liên tiếp; khi tổng hợp chạy lại được, bộ đếm tự về 0.",
        "",
    ])
    subject = f"[danvan] Tổng hợp tự động lỗi {failures} lần liên tiếp — “{title}” {year}"
    reminders = [Reminder("canh-bao", "Ban Tuyên giáo", addr, subject, body) for addr in to]
    results = send_all(reminders, smtp, password)
    failed = [r for r in results if not r.ok]
    if failed and len(failed) == len(results):
        return failed[0].error
    return None

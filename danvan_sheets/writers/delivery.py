"""Sending one run's reminders: to each unit at most once per [remind] interval_hours, every send
recorded as it goes, and one copy to the staff with the staff's commands kept.

Shared by `danvan remind` (registration) and `danvan remind --review` (result forms). Library
code: no click; the commands print the outcomes and choose the exit code.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from danvan_sheets.config import SmtpSettings
from danvan_sheets.errors import ConfigError
from danvan_sheets.writers.email import Reminder, open_smtp, send_all, staff_copy

STATE_LABELS = {"sent": "đã gửi", "failed": "KHÔNG GỬI ĐƯỢC", "no_email": "THIẾU EMAIL", "skipped": "bỏ qua",
                "preview": "xem trước"}
NO_EMAIL = "chưa có email trong danh sách đơn vị (cột email)"


@dataclass
class Outcome:
    code: str
    name: str
    to: str
    state: str  # sent | failed | no_email | skipped | preview
    detail: str = ""


@dataclass
class Delivery:
    outcomes: list[Outcome]  # one per reminder, in the reminders' order
    staff: Outcome | None = None  # the staff's copy, when one was due
    staff_to: tuple[str, ...] = field(default_factory=tuple)

    def count(self, state: str) -> int:
        return sum(o.state == state for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        """3 when a message (the staff's copy included) could not be sent, 2 when only e-mails are missing."""
        if self.count("failed") or (self.staff is not None and self.staff.state == "failed"):
            return 3
        return 2 if self.count("no_email") else 0


def smtp_password(cfg: SmtpSettings, env: Mapping[str, str]) -> str | None:
    """The SMTP password from the environment variable [smtp] password_env names (None without a login)."""
    if not cfg.user:
        return None
    if not cfg.password_env:
        raise ConfigError("Có [smtp] user nhưng chưa có password_env: hãy ghi tên biến môi trường chứa mật khẩu, "
                          "ví dụ password_env = \"DANVAN_SMTP_PASSWORD\".")
    value = env.get(cfg.password_env)
    if not value:
        raise ConfigError(f"Biến môi trường {cfg.password_env} (mật khẩu thư, theo [smtp] password_env) chưa được đặt.")
    return value


def staff_recipients(settings) -> tuple[str, ...]:
    """[remind] staff_emails, or [google] staff_emails when that is not written."""
    return tuple(settings.remind.staff_emails or settings.google.staff_emails)


def deliver(
    reminders: Sequence[Reminder],
    settings,
    smtp: SmtpSettings,
    now: dt.datetime,
    *,
    what: str,
    dry_run: bool = False,
    env: Mapping[str, str] = os.environ,
    opener: Callable[[SmtpSettings, str | None], smtplib.SMTP] | None = None,
) -> Delivery:
    """Send what is due (nothing when `dry_run`), then the staff's copy of this run.

    `what` names the kind of reminder in the staff's copy ("thư đôn đốc đăng ký mô hình").
    A dry run never creates the history database and never counts as a reminder.
    """
    from danvan_sheets.history import db_path, store

    interval = dt.timedelta(hours=settings.remind.interval_hours)
    outcomes: dict[str, Outcome] = {}
    to_send: list[Reminder] = []
    path = db_path(settings)
    staff_to = staff_recipients(settings)
    staff: Outcome | None = None
    with store.opened(path if (path.is_file() or not dry_run) else ":memory:") as conn:
        for r in reminders:
            if not r.to:
                # Not a send that failed but a gap in the registry: exit 2, not 3, when it is all that went wrong.
                outcomes[r.code] = Outcome(r.code, r.name, "", "no_email", NO_EMAIL)
                continue
            last = store.last_reminder(conn, r.code)
            if last is not None and interval and now - last < interval:
                outcomes[r.code] = Outcome(r.code, r.name, r.to, "skipped",
                                           f"đã nhắc lúc {last:%H:%M %d/%m/%Y}, chưa đủ "
                                           f"{interval.total_seconds() / 3600:g} giờ")
                continue
            if dry_run:
                outcomes[r.code] = Outcome(r.code, r.name, r.to, "preview")
            else:
                to_send.append(r)
        if to_send:
            if not smtp.from_addr:
                raise ConfigError("Chưa có địa chỉ gửi thư: hãy ghi [smtp] from_addr trong cấu hình.")
            password = smtp_password(smtp, env)

            def sent(r: Reminder) -> None:
                # Recorded as each message goes, so a crash half-way never re-sends the ones already out.
                store.record_reminder(conn, r.code, now, r.to, r.subject)

            open_ = opener or open_smtp
            for res in send_all(to_send, smtp, password, on_sent=sent, opener=open_):
                r = next(x for x in to_send if x.code == res.code)
                outcomes[res.code] = Outcome(res.code, r.name, res.to, "sent" if res.ok else "failed", res.error)
            copied = [(r, _state_line(outcomes[r.code])) for r in reminders
                      if outcomes[r.code].state in ("sent", "failed", "no_email")]
            if staff_to and copied:
                copy = staff_copy(copied, ", ".join(staff_to), what, settings.campaign.title, settings.campaign.year)
                (res,) = send_all([copy], smtp, password, opener=open_)
                staff = Outcome("", "Bản lưu gửi Ban Tuyên giáo", copy.to, "sent" if res.ok else "failed", res.error)
    return Delivery([outcomes[r.code] for r in reminders], staff, staff_to)


def _state_line(o: Outcome) -> str:
    return STATE_LABELS[o.state] + (f" ({o.detail})" if o.detail else "")

"""`danvan remind`: e-mail each flagged unit what it still lacks, at most once per interval."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import click

from danvan_sheets.cli.base import VietCommand, common_options, load, parse_as_of, user_error
from danvan_sheets.core.model import STATUSES
from danvan_sheets.errors import ConfigError, DanvanError

DEFAULT_STATUSES = ("chua_dat", "chua_dang_ky")


@dataclass
class Outcome:
    code: str
    name: str
    to: str
    state: str  # sent | failed | no_email | skipped | preview
    detail: str = ""


def parse_statuses(text: str | None) -> tuple[str, ...]:
    if not text:
        return DEFAULT_STATUSES
    items = tuple(s.strip() for s in text.split(",") if s.strip())
    bad = [s for s in items if s not in STATUSES or s == "dat"]
    if bad or not items:
        raise ConfigError(f"--status “{text}” không hợp lệ. Hãy ghi chua_dat, chua_dang_ky hoặc cả hai: chua_dat,chua_dang_ky.")
    return items


def remind_units(
    report,
    settings,
    now: dt.datetime,
    *,
    statuses: tuple[str, ...] = DEFAULT_STATUSES,
    dry_run: bool = False,
    env: Mapping[str, str] = os.environ,
    opener: Callable | None = None,
    smtp=None,
) -> tuple[list[Outcome], list]:
    """-> (one outcome per flagged unit, the reminders composed). Sends unless `dry_run`.

    smtp: the SmtpSettings already read (and checked) by the caller; read from `settings` when None.
    """
    from danvan_sheets.history import db_path, store
    from danvan_sheets.writers import email as mail

    interval = dt.timedelta(hours=settings.remind.interval_hours)
    cfg = smtp if smtp is not None else mail.smtp_settings(settings.smtp)
    subject = settings.remind.subject
    signature = settings.remind.signature
    today = report.as_of
    targets = [v for v in report.units if v.status in statuses]
    outcomes: dict[str, Outcome] = {}
    to_send = []
    composed = []
    path = db_path(settings)
    if dry_run and not path.is_file():
        # A preview must not create the history database as a side effect.
        path = ":memory:"
    with store.opened(path) as conn:
        for v in targets:
            r = mail.compose(v, report.campaign, today, subject, signature)
            composed.append(r)
            if not r.to:
                # Not a send that failed but a gap in the registry: exit 2, not 3, when it is all that went wrong.
                outcomes[r.code] = Outcome(r.code, r.name, "", "no_email", "chưa có email trong danh sách đơn vị (cột email)")
                continue
            last = store.last_reminder(conn, r.code)
            if last is not None and interval and now - last < interval:
                outcomes[r.code] = Outcome(r.code, r.name, r.to, "skipped",
                                           f"đã nhắc lúc {last:%H:%M %d/%m/%Y}, chưa đủ {interval.total_seconds() / 3600:g} giờ")
                continue
            if dry_run:
                outcomes[r.code] = Outcome(r.code, r.name, r.to, "preview")
            else:
                to_send.append(r)
        if to_send:
            password = _password(cfg, env)
            if not cfg.from_addr:
                raise ConfigError("Chưa có địa chỉ gửi thư: hãy ghi [smtp] from_addr trong cấu hình.")

            def sent(r) -> None:
                # Recorded as each message goes, so a crash half-way never re-sends the ones already out.
                store.record_reminder(conn, r.code, now, r.to, r.subject)

            kwargs = {"opener": opener} if opener is not None else {}
            for res in mail.send_all(to_send, cfg, password, on_sent=sent, **kwargs):
                name = next(r.name for r in to_send if r.code == res.code)
                outcomes[res.code] = Outcome(res.code, name, res.to, "sent" if res.ok else "failed", res.error)
    order = [v.unit.code for v in targets]
    return [outcomes[c] for c in order], composed


def _password(cfg, env: Mapping[str, str]) -> str | None:
    if not cfg.user:
        return None
    if not cfg.password_env:
        raise ConfigError("Có [smtp] user nhưng chưa có password_env: hãy ghi tên biến môi trường chứa mật khẩu, "
                          "ví dụ password_env = \"DANVAN_SMTP_PASSWORD\".")
    value = env.get(cfg.password_env)
    if not value:
        raise ConfigError(f"Biến môi trường {cfg.password_env} (mật khẩu thư, theo [smtp] password_env) chưa được đặt.")
    return value


_STATE_LABELS = {"sent": "đã gửi", "failed": "KHÔNG GỬI ĐƯỢC", "no_email": "THIẾU EMAIL", "skipped": "bỏ qua",
                 "preview": "xem trước"}


@click.command(cls=VietCommand, short_help="Gửi thư đôn đốc đơn vị chưa đạt hoặc chưa đăng ký.")
@common_options
@click.option("--status", "status_text", metavar="TRẠNG_THÁI",
              help="Nhắc đơn vị có trạng thái nào (mặc định chua_dat,chua_dang_ky).")
@click.option("--dry-run", is_flag=True, help="Chỉ in thư sẽ gửi, không gửi gì.")
@click.option("--review", "review", is_flag=True,
              help="Nhắc báo cáo kết quả sơ kết 6 tháng / tổng kết năm thay cho đăng ký (hạn trong mục [review]).")
@click.option("--results", metavar="NGUỒN", help="Với --review: nguồn báo cáo kết quả (mặc định [review] results).")
def remind(source, units_path, config_path, as_of, status_text, dry_run, review, results):
    """Gửi thư đôn đốc tới từng đơn vị chưa đạt hoặc chưa đăng ký, theo email trong danh sách đơn vị.

    Thư ghi đơn vị còn thiếu gì (số mô hình so với chỉ tiêu, mô hình bắt buộc, các ô
    còn lỗi và cách sửa), hạn đăng ký, số ngày còn lại và đường dẫn tới trang của đơn vị.
    Mỗi đơn vị chỉ được nhắc một lần trong [remind] interval_hours giờ (mặc định 24).
    Máy chủ thư đặt ở mục [smtp] của cấu hình; mật khẩu lấy từ biến môi trường ghi
    ở [smtp] password_env, không bao giờ ghi trong tệp cấu hình.

    Mã thoát 0 khi mọi thư đã gửi (hoặc --dry-run), 3 khi có thư không gửi được,
    2 khi chỉ thiếu email của đơn vị trong danh sách.

    \b
    Ví dụ:
      danvan remind --source xlsx:demo/dang-ky-2023.xlsx --units demo/don-vi.csv --dry-run
      DANVAN_SMTP_PASSWORD=... danvan remind --status chua_dang_ky
      danvan remind --review --results gsheet:1XyZ... --dry-run
    """
    if review:  # the year-end review's reminders (issue 15): cli/review.py
        from danvan_sheets.cli.review import remind_review

        remind_review(source, units_path, config_path, as_of, results, dry_run)
        return
    from danvan_sheets.pipeline import run

    from danvan_sheets.writers.email import smtp_settings

    settings = load(config_path)
    try:
        statuses = parse_statuses(status_text)
        smtp = smtp_settings(settings.smtp)  # a mail setting that cannot work stops us before any read
        result = run(source, units_path, settings, parse_as_of(as_of), history=not dry_run)
        outcomes, composed = remind_units(result.report, settings, dt.datetime.now(), statuses=statuses, dry_run=dry_run,
                                          smtp=smtp)
    except DanvanError as exc:
        raise user_error(exc) from None
    if not outcomes:
        click.echo("Không có đơn vị nào cần nhắc.")
        return
    if dry_run:
        sender = smtp.from_addr or "(chưa đặt [smtp] from_addr)"
        by_code = {r.code: r for r in composed}
        for o in outcomes:
            r = by_code[o.code]
            click.echo("=" * 72)
            click.echo(f"Từ: {sender}\nĐến: {r.to or '(chưa có email)'}\nTiêu đề: {r.subject}")
            if o.state != "preview":
                click.echo(f"[{_STATE_LABELS[o.state]}: {o.detail}]")
            click.echo("")
            click.echo(r.body)
        click.echo("=" * 72)
        click.echo(f"Chế độ thử (--dry-run): không gửi thư nào; {sum(o.state == 'preview' for o in outcomes)} thư sẽ được gửi.")
        return
    for o in outcomes:
        tail = f": {o.detail}" if o.detail else ""
        click.echo(f"- {o.name} <{o.to or 'chưa có email'}>: {_STATE_LABELS[o.state]}{tail}")
    n_sent = sum(o.state == "sent" for o in outcomes)
    n_fail = sum(o.state == "failed" for o in outcomes)
    n_skip = sum(o.state == "skipped" for o in outcomes)
    n_missing = sum(o.state == "no_email" for o in outcomes)
    missing = f", {n_missing} đơn vị chưa có email (bổ sung cột email trong danh sách đơn vị)" if n_missing else ""
    click.echo(f"Đã gửi {n_sent} thư, {n_fail} thư không gửi được, bỏ qua {n_skip} đơn vị đã nhắc gần đây{missing}.")
    raise SystemExit(3 if n_fail else 2 if n_missing else 0)

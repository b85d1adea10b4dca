"""`danvan remind`: e-mail each flagged unit what it still lacks, at most once per interval; or the same
text as ready-to-paste Zalo messages (--zalo)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click

from danvan_sheets.cli.base import VietCommand, common_options, load, parse_as_of, user_error
from danvan_sheets.core.model import STATUSES
from danvan_sheets.errors import ConfigError, DanvanError

DEFAULT_STATUSES = ("chua_dat", "chua_dang_ky")
REGISTRATION = "thư đôn đốc đăng ký mô hình"  # the kind of reminder, in the staff's copy
ZALO_SUFFIXES = (".txt",)


def parse_statuses(text: str | None) -> tuple[str, ...]:
    if not text:
        return DEFAULT_STATUSES
    items = tuple(s.strip() for s in text.split(",") if s.strip())
    bad = [s for s in items if s not in STATUSES or s == "dat"]
    if bad or not items:
        raise ConfigError(f"--status “{text}” không hợp lệ. Hãy ghi chua_dat, chua_dang_ky hoặc cả hai: "
                          "chua_dat,chua_dang_ky.")
    return items


@click.command(cls=VietCommand, short_help="Gửi thư đôn đốc đơn vị chưa đạt (hoặc in tin Zalo).")
@common_options
@click.option("--status", "status_text", metavar="TRẠNG_THÁI",
              help="Nhắc đơn vị có trạng thái nào (mặc định chua_dat,chua_dang_ky).")
@click.option("--dry-run", is_flag=True, help="Chỉ in thư sẽ gửi, không gửi gì.")
@click.option("--zalo", "zalo", is_flag=True,
              help="Không gửi email: in ra tin nhắn Zalo soạn sẵn, mỗi đơn vị một đoạn, cùng nội dung thư gửi đơn vị.")
@click.option("--zalo-out", "zalo_out", metavar="TỆP.txt",
              help="Như --zalo nhưng ghi các tin nhắn vào tệp này (UTF-8) thay vì in ra màn hình.")
@click.option("--review", "review", is_flag=True,
              help="Nhắc báo cáo kết quả sơ kết 6 tháng / tổng kết năm thay cho đăng ký (hạn trong mục [review]).")
@click.option("--results", metavar="NGUỒN", help="Với --review: nguồn báo cáo kết quả (mặc định [review] results).")
def remind(source, units_path, config_path, as_of, status_text, dry_run, zalo, zalo_out, review, results):
    """Gửi thư đôn đốc tới từng đơn vị chưa đạt hoặc chưa đăng ký, theo email trong danh sách đơn vị.

    Thư ghi đơn vị còn thiếu gì (số mô hình so với chỉ tiêu, mô hình bắt buộc, các ô
    còn lỗi và cách sửa), hạn đăng ký, số ngày còn lại và đường dẫn tới trang của đơn vị;
    chỉ những việc cán bộ văn phòng của đơn vị làm được, không có lệnh danvan nào. Bản lưu
    gửi Ban Tuyên giáo ([remind] staff_emails, mặc định [google] staff_emails) giữ các lệnh.
    Ô email có nhiều địa chỉ (ngăn cách bằng dấu phẩy hoặc chấm phẩy): thư tới tất cả
    hoặc không tới địa chỉ nào. Mỗi đơn vị chỉ được nhắc một lần trong [remind]
    interval_hours giờ (mặc định 24). Máy chủ thư đặt ở mục [smtp] của cấu hình; mật
    khẩu lấy từ biến môi trường ghi ở [smtp] password_env, không bao giờ ghi trong tệp.

    --zalo (hoặc --zalo-out TỆP) không gửi email nào: in ra (hoặc ghi vào tệp) tin nhắn
    soạn sẵn cho từng đơn vị cần nhắc, kể cả đơn vị chưa có email, để dán vào Zalo.

    Mã thoát 0 khi mọi thư đã gửi (hoặc --dry-run, --zalo), 3 khi có thư không gửi được
    (hoặc không ghi được tệp --zalo-out), 2 khi chỉ thiếu email của đơn vị trong danh sách.

    \b
    Ví dụ:
      danvan remind --source xlsx:demo/dang-ky-2023.xlsx --units demo/don-vi.csv --dry-run
      DANVAN_SMTP_PASSWORD=... danvan remind --status chua_dang_ky
      danvan remind --zalo-out out/zalo.txt
      danvan remind --review --results gsheet:1XyZ... --dry-run
    """
    zalo = zalo or bool(zalo_out)
    if review:  # the year-end review's reminders (issue 15): cli/review.py
        from danvan_sheets.cli.review import remind_review

        remind_review(source, units_path, config_path, as_of, results, dry_run, zalo_out if zalo else None, zalo)
        return
    from danvan_sheets.pipeline import run
    from danvan_sheets.writers import email as mail

    settings = load(config_path)
    try:
        statuses = parse_statuses(status_text)
        if zalo:  # no e-mail: the [smtp] settings play no part
            # --zalo-out is a .txt that never lands on the registrations (checked before any read).
            result = run(source, units_path, settings, parse_as_of(as_of), out=zalo_out, out_suffixes=ZALO_SUFFIXES)
            emit_zalo(mail.reminders_for(result.report, settings, statuses), zalo_out)
            return
        smtp = mail.smtp_settings(settings.smtp)  # a mail setting that cannot work stops us before any read
        result = run(source, units_path, settings, parse_as_of(as_of), history=not dry_run)
        reminders = mail.reminders_for(result.report, settings, statuses)
        if not reminders:
            click.echo("Không có đơn vị nào cần nhắc.")
            return
    except DanvanError as exc:
        raise user_error(exc) from None
    send_all(reminders, settings, smtp, REGISTRATION, dry_run, _registration_tally)


def _registration_tally(done) -> str:
    n_missing = done.count("no_email")
    missing = f", {n_missing} đơn vị chưa có email (bổ sung cột email trong danh sách đơn vị)" if n_missing else ""
    return (f"Đã gửi {done.count('sent')} thư, {done.count('failed')} thư không gửi được, bỏ qua "
            f"{done.count('skipped')} đơn vị đã nhắc gần đây{missing}.")


# --- shared with `remind --review` (cli/review.py) -------------------------------------------------

def emit_zalo(reminders, out: str | None) -> None:
    """The Zalo text on stdout, or into `out`; a file that cannot be written is a SourceError (exit 3)."""
    if not reminders:
        click.echo("Không có đơn vị nào cần nhắc.")
        return
    from danvan_sheets.writers.zalo import zalo_text

    text = zalo_text(reminders)
    if not out:
        click.echo(text, nl=False)
        return
    from danvan_sheets.atomic import write_atomic
    from danvan_sheets.errors import SourceError, os_reason

    try:
        path = write_atomic(out, text)
    except OSError as exc:
        raise SourceError(f"Không ghi được tệp {out}: {os_reason(exc)}.") from None
    click.echo(f"Đã ghi {len(reminders)} tin nhắn Zalo (mỗi đơn vị một đoạn, không gửi email nào) vào {path}")


def send_all(mails, settings, smtp, what: str, dry_run: bool, tally: Callable[[Any], str]) -> None:
    """Send (or, with dry_run, show) every mail, print each outcome and `tally(done)`, exit with the
    delivery's code (3 when a mail could not be sent)."""
    from danvan_sheets.writers.delivery import deliver

    try:
        done = deliver(mails, settings, smtp, dt.datetime.now(), what=what, dry_run=dry_run)
    except DanvanError as exc:
        raise user_error(exc) from None
    if dry_run:
        print_preview(mails, done, smtp.from_addr)
        return
    print_outcomes(done)
    click.echo(tally(done))
    raise SystemExit(done.exit_code)


def print_preview(reminders, done, from_addr: str) -> None:
    from danvan_sheets.writers.delivery import STATE_LABELS

    sender = from_addr or "(chưa đặt [smtp] from_addr)"
    for r, o in zip(reminders, done.outcomes, strict=True):
        click.echo("=" * 72)
        click.echo(f"Từ: {sender}\nĐến: {r.to or '(chưa có email)'}\nTiêu đề: {r.subject}")
        if o.state != "preview":
            click.echo(f"[{STATE_LABELS[o.state]}: {o.detail}]")
        click.echo("")
        click.echo(r.body)
    click.echo("=" * 72)
    staff = (f" Bản lưu (giữ lệnh của công cụ) sẽ gửi tới {', '.join(done.staff_to)}." if done.staff_to
             else " Chưa ghi [remind] staff_emails nên không có bản lưu gửi Ban Tuyên giáo.")
    click.echo(f"Chế độ thử (--dry-run): không gửi thư nào; {done.count('preview')} thư sẽ được gửi.{staff}")


def print_outcomes(done) -> None:
    from danvan_sheets.writers.delivery import STATE_LABELS

    for o in [*done.outcomes, *([done.staff] if done.staff else [])]:
        tail = f": {o.detail}" if o.detail else ""
        click.echo(f"- {o.name} <{o.to or 'chưa có email'}>: {STATE_LABELS[o.state]}{tail}")

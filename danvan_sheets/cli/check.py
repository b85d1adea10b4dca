"""`danvan check` and `danvan aggregate`: read every unit's tab, check quotas, compile the summary."""

from __future__ import annotations

import datetime as dt

import click

from danvan_sheets.cli.base import (
    UserError,
    VietCommand,
    common_options,
    exit_of,
    load,
    parse_as_of,
    stdout_console,
    user_error,
)
from danvan_sheets.errors import DanvanError


def _run(source, units_path, config_path, as_of):
    from danvan_sheets.pipeline import run

    settings = load(config_path)
    try:
        return settings, run(source, units_path, settings, parse_as_of(as_of))
    except DanvanError as exc:
        raise user_error(exc) from None


# The examples go in the epilog so `-h` ends with them, after the options: the last thing
# an office user reads is a command line to copy.
_CHECK_EXAMPLES = """\b
Ví dụ:
  danvan check --source xlsx:demo/dang-ky-2023.xlsx --units demo/don-vi.csv
  danvan check --source dir:thu-dang-ky/ --format json > ket-qua.json"""
_AGGREGATE_EXAMPLES = """\b
Ví dụ:
  danvan aggregate --source xlsx:demo/dang-ky-2023.xlsx --units demo/don-vi.csv --out out/tong-hop.xlsx
  danvan aggregate --source gsheet:1AbCdEf... --units config/don-vi.csv"""


@click.command(cls=VietCommand, epilog=_CHECK_EXAMPLES)
@common_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              help="Cách in kết quả: bảng, JSON (cho chương trình khác) hoặc CSV (mặc định: table).")
def check(source, units_path, config_path, as_of, fmt):
    """Kiểm tra đăng ký của từng đơn vị theo chỉ tiêu và in kết quả.

    Mã thoát 0 khi mọi đơn vị đạt, 1 khi có đơn vị chưa đạt hoặc chưa đăng ký,
    2 khi sai cách dùng hoặc sai cấu hình, 3 khi không đọc được nguồn dữ liệu.
    """
    _settings, result = _run(source, units_path, config_path, as_of)
    report = result.report
    if fmt == "json":
        from danvan_sheets.writers.machine import to_json

        click.echo(to_json(report))
    elif fmt == "csv":
        from danvan_sheets.writers.machine import to_csv

        click.echo(to_csv(report, dt.datetime.now()), nl=False)
    else:
        from danvan_sheets.writers.console import render_table

        render_table(report, stdout_console())
    raise SystemExit(1 if report.flagged else 0)


def _lock_asked(settings, result):
    """[google] lock_after_deadline: the scheduled run locks the units' tabs once their days are over.
    Only with a units list: the protections are the ones init added under the units' names."""
    if not (settings.google.lock_after_deadline and result.units):
        return None
    from danvan_sheets.google.lock import lock_due
    from danvan_sheets.google.publish import LockAsked

    return LockAsked(lock_due(settings.campaign.deadline, settings.google.lock_grace_days),
                     tuple(settings.google.staff_emails))


@click.command(
    cls=VietCommand,
    epilog=_AGGREGATE_EXAMPLES,
    short_help="Tổng hợp mọi đơn vị, ghi ba trang tổng hợp (Google hoặc Excel).",
)
@common_options
@click.option("--out", metavar="TỆP.xlsx", help="Ghi tổng hợp ra tệp Excel (không sửa tệp nguồn). Với nguồn gsheet: bỏ "
                                                "trống để ghi thẳng vào bảng tính.")
@click.option("--strict", is_flag=True, help="Thoát với mã 1 nếu có đơn vị chưa đạt (mặc định 0 khi đã ghi xong).")
@click.option("-q", "--quiet", is_flag=True, help="Không in bảng kết quả (dùng khi chạy theo lịch).")
@click.option("--log-file", "log_file", metavar="TỆP.log",
              help="Ghi nhật ký: mỗi lần chạy một dòng có giờ, số đơn vị, số cần bổ sung, số yêu cầu Google, "
                   "thời gian, mã thoát (tự xoay vòng; mặc định [cron] log_file).")
@click.option("--no-notes", is_flag=True,
              help="Với nguồn gsheet: lần này không ghi chú (note) vào ô cần sửa trên trang đơn vị, ghi chú đã "
                   "có giữ nguyên (mặc định có; tắt hẳn, xóa cả ghi chú cũ, bằng [google] notes = false).")
def aggregate(source, units_path, config_path, as_of, out, strict, quiet, log_file, no_notes):
    """Tổng hợp đăng ký của mọi đơn vị ra các trang Tổng hợp, Cần bổ sung, Lỗi nhập liệu.

    Hai lần chạy không bao giờ chồng nhau: lần sau thấy lần trước đang chạy thì ghi
    nhật ký rồi thoát với mã 0 — trừ khi có --out: khi đó tệp chưa được ghi, nên lệnh
    báo lý do và thoát với mã 3. Mỗi lần ghi xong được lưu lại để `danvan doctor` báo
    lần tổng hợp thành công gần nhất. Với nguồn gsheet: và [google] lock_after_deadline = true,
    sau hạn đăng ký cộng lock_grace_days ngày, trang của mỗi đơn vị được khóa (chỉ Ban Tuyên
    giáo sửa được, trừ đơn vị còn gia hạn) trong cùng lần ghi.
    """
    from danvan_sheets.pipeline import run
    from danvan_sheets.runs.job import UnattendedRun

    # Lock, run log, last-success marker and failure counter live in danvan_sheets/runs/.
    with UnattendedRun(log_file, quiet, echo=lambda text: click.echo(text, err=True), describe=exit_of) as job:
        settings = load(config_path, warn=not quiet)  # a quiet run logs them instead (job.begin)
        try:
            if not job.begin(settings, source):
                if out:  # the file asked for is not written: never a silent exit 0
                    raise UserError(f"Chưa ghi {out}: {job.busy_reason}. Hãy chạy lại sau khi lần đó xong.", 3)
                if not quiet:
                    click.echo(f"Lưu ý: {job.busy_reason}; lần đó sẽ ghi tổng hợp, lần này bỏ qua.", err=True)
                raise SystemExit(0)  # the other run is doing this very job
            result = run(source, units_path, settings, parse_as_of(as_of), out=out, out_suffixes=(".xlsx",),
                         out_required=True)
        except DanvanError as exc:
            raise user_error(exc) from None
        job.read(result)
        report = result.report
        compiled_at = dt.datetime.now()
        failures: list = []  # a unit's row that could not be written: the others were, exit 3
        try:
            if out:
                from danvan_sheets.writers.xlsx_summary import write_summary_xlsx

                done = f"Đã ghi tổng hợp vào {write_summary_xlsx(report, out, compiled_at, failures)}"
            elif result.spec.publishes:
                from danvan_sheets.google.publish import publish_summary
                from danvan_sheets.writers.safe_text import table_failures

                failures = table_failures(report, compiled_at)
                wrote = publish_summary(result.data, report, compiled_at,
                                        notes=settings.google.notes and not no_notes,
                                        clear_notes=not settings.google.notes,
                                        lock=_lock_asked(settings, result))
                done = ("Đã ghi các trang Tổng hợp, Cần bổ sung, Lỗi nhập liệu vào bảng tính." if wrote.summary
                        else "Các trang tổng hợp trên bảng tính đã đúng, không cần ghi lại.")
                if not settings.google.notes and wrote.notes_removed:
                    done += (f" Đã xóa {wrote.notes_removed} ghi chú cũ của công cụ trên trang đơn vị "
                             "(ghi chú đã tắt: [google] notes = false).")
                elif wrote.notes_written or wrote.notes_removed:
                    done += (f" Ghi chú ở ô cần sửa trên trang đơn vị: {wrote.notes_written} ghi mới hoặc cập nhật, "
                             f"{wrote.notes_removed} xóa vì đã sửa xong.")
                if wrote.lock is not None:
                    from danvan_sheets.history import record_lock_changes

                    done += "\nKhóa trang sau hạn — " + " ".join(wrote.lock.lines(settings.campaign.deadline))
                    record_lock_changes(settings, str(result.spec), wrote.lock.changed(), compiled_at)
        except DanvanError as exc:
            raise user_error(exc) from None
        job.done()
        if not quiet:
            from danvan_sheets.writers.console import render_table

            render_table(report, stdout_console())
            click.echo(done)
        if failures:
            raise UserError("\n".join(f.message() for f in failures), 3)
        raise SystemExit(1 if strict and report.flagged else 0)

"""`danvan review`: the units' result forms checked against their registration, scored, compiled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from danvan_sheets.cli.base import VietCommand, common_options, load, parse_as_of, stdout_console, user_error
from danvan_sheets.errors import ConfigError, DanvanError

_EXAMPLES = """\b
Ví dụ:
  danvan review --source xlsx:demo/dang-ky-2023.xlsx --units demo/don-vi.csv --template out/bao-cao-ket-qua.xlsx
  danvan review --source xlsx:demo/dang-ky-2023.xlsx --units demo/don-vi.csv --results xlsx:ket-qua-2023.xlsx
  danvan review --source gsheet:1AbC... --results dir:bao-cao-ket-qua/ --format json > cuoi-nam.json"""


@click.command(
    cls=VietCommand, epilog=_EXAMPLES, short_help="Cuối năm: kiểm tra báo cáo kết quả, chấm điểm, công nhận mô hình."
)
@common_options
@click.option("--results", metavar="NGUỒN", help="Báo cáo kết quả của các đơn vị: xlsx:TỆP.xlsx, dir:THƯ_MỤC hoặc "
                                                 "gsheet:MÃ (mỗi đơn vị một trang hoặc một tệp; mặc định [review] "
                                                 "results trong cấu hình).")
@click.option("--template", metavar="TỆP.xlsx|THƯ_MỤC/",
              help="Lập biểu báo cáo kết quả trống, ghi sẵn mô hình đã đăng ký của từng đơn vị: một tệp mỗi đơn vị một "
                   "trang (TỆP.xlsx), hoặc mỗi đơn vị một tệp trong THƯ_MỤC/ (để gửi qua email, Zalo).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              help="Cách in kết quả: bảng, hoặc JSON cho chương trình khác (mặc định: table).")
def review(source, units_path, config_path, as_of, results, template, fmt):
    """Kiểm tra báo cáo kết quả cuối năm (sơ kết 6 tháng) của từng đơn vị và tổng hợp cả năm.

    Đối chiếu biểu báo cáo với mô hình đơn vị đã đăng ký (đọc như danvan check): mô hình
    đã đăng ký mà chưa báo cáo, mô hình báo cáo mà chưa từng đăng ký (so tên không phân biệt
    dấu), quá thời gian hoàn thành mà chưa “Hoàn thành”, điểm ngoài thang. Tổng hợp số mô hình
    đăng ký, đã triển khai, hoàn thành, được công nhận (tổng điểm từ mức đạt trong mục
    [review] của cấu hình) theo lĩnh vực và loại đơn vị, và danh sách mô hình được công nhận
    để đề nghị khen thưởng. Bản in: danvan export --results … --out TỆP.xlsx.

    Mã thoát 0 khi mọi đơn vị đã báo cáo đủ, 1 khi có đơn vị chưa báo cáo hoặc cần bổ sung,
    2 khi sai cách dùng hoặc sai cấu hình, 3 khi không đọc được nguồn dữ liệu.
    """
    settings = load(config_path)
    day = parse_as_of(as_of)
    try:
        if template:
            _write_template(source, units_path, settings, day, template, results)
            return
        from danvan_sheets.yearend import run_review

        result = run_review(source, units_path, results, settings, day)
    except DanvanError as exc:
        raise user_error(exc) from None
    year = result.review
    if fmt == "json":
        from danvan_sheets.writers.safe_text import json_text

        click.echo(json_text(year.to_dict()))
    else:
        from danvan_sheets.writers.yearend_console import render_review

        render_review(year, result.registration.report.campaign.title, stdout_console())
    raise SystemExit(1 if year.flagged else 0)


def _write_template(source, units_path, settings, day, template: str, results) -> None:
    from danvan_sheets.pipeline import run
    from danvan_sheets.writers.yearend_xlsx import write_result_template_files, write_result_templates

    if results:
        raise ConfigError("--template lập biểu trống từ bản đăng ký, không đọc --results. Hãy bỏ một trong hai.")
    as_folder = template.endswith(("/", "\\")) or Path(template).is_dir()
    if not as_folder and Path(template).suffix.lower() != ".xlsx":
        raise ConfigError(f"--template {template}: hãy ghi tên tệp có đuôi .xlsx, hoặc một thư mục kết thúc bằng /.")
    reg = run(source, units_path, settings, day, history=False, out=None if as_folder else template,
              out_suffixes=(".xlsx",))
    if not reg.units:
        raise ConfigError("Cần danh sách đơn vị (--units hoặc [source] units) để lập biểu cho đúng từng đơn vị.")
    if as_folder:
        from danvan_sheets.sources import LocalSource

        spec = reg.spec
        target = Path(template).expanduser().resolve()
        if isinstance(spec, LocalSource) and target in (spec.path(), *spec.path().parents):
            raise ConfigError(f"--template {template} là thư mục nguồn đăng ký: biểu trống sẽ bị đọc như bản đăng ký. "
                              "Hãy ghi ra thư mục khác.")
        paths = write_result_template_files(reg.report, settings.review, template)
        click.echo(f"Đã lập {len(paths)} biểu báo cáo kết quả (mỗi đơn vị một tệp) trong {template}")
    else:
        path = write_result_templates(reg.report, settings.review, template)
        click.echo(f"Đã lập biểu báo cáo kết quả cho {len(reg.report.units)} đơn vị (mỗi đơn vị một trang) vào {path}")
    n = sum(1 for v in reg.report.units if not any(not e.has_error and not e.duplicate for e in v.entries))
    if n:
        click.echo(
            f"{n} đơn vị chưa có mô hình đăng ký hợp lệ: biểu của các đơn vị này để trống dòng mô hình.", err=True
        )


def export_yearend(source, units_path, config_path, as_of, out: str, fmt: str | None, results: str) -> None:
    """`danvan export --results`: the year-end report, print-ready (.xlsx) or the review's JSON (.json)."""
    from danvan_sheets.writers.console import notes

    formats = ("xlsx", "json")
    if fmt is not None and fmt not in formats:
        raise user_error(ConfigError("Báo cáo cuối năm chỉ xuất ra .xlsx (để in) hoặc .json; danh sách từng mô hình "
                                     "có trong JSON (danvan review --format json)."))
    suffixes = (f".{fmt}",) if fmt else tuple(f".{f}" for f in formats)
    settings = load(config_path)
    try:
        from danvan_sheets.yearend import run_review

        result = run_review(source, units_path, results, settings, parse_as_of(as_of), out=out, out_suffixes=suffixes)
        year = result.review
        if Path(out).suffix.lower() == ".json":
            from danvan_sheets.atomic import write_atomic
            from danvan_sheets.writers.safe_text import json_text

            try:
                path = write_atomic(out, json_text(year.to_dict(), indent=2))
            except OSError as exc:
                from danvan_sheets.errors import SourceError, os_reason

                raise SourceError(f"Không ghi được tệp {out}: {os_reason(exc)}.") from None
        else:
            from danvan_sheets.writers.yearend_xlsx import write_yearend_xlsx

            path = write_yearend_xlsx(year, result.registration.report.campaign.title, out, dt.datetime.now())
    except DanvanError as exc:
        raise user_error(exc) from None
    registration = result.registration.report
    # The registration's own notes, then the result source's: tabs matching no unit, files set aside.
    for note in (notes(registration) + year.notices[len(registration.notices):]
                 + [f"Trang/tệp báo cáo “{t}” không khớp đơn vị nào trong danh sách." for t in year.unknown_tabs]):
        click.echo(note, err=True)
    a = year.totals["all"]
    click.echo(
        f"Đã xuất báo cáo cuối năm: {a['registered']['all']} mô hình đăng ký, {a['recognised']['all']} được công "
        f"nhận, của {a['units']} đơn vị vào {path}"
    )


# --- `danvan remind --review`: the reminders before the 6-month and year-end review deadlines ----------

def remind_review(source, units_path, config_path, as_of, results, dry_run: bool, zalo_out: str | None = None,
                  zalo: bool = False) -> None:
    """Called by `danvan remind --review`: e-mail each unit that owes its result form, at most once per
    [remind] interval_hours (the same reminder log as the registration reminders); or, with `zalo`,
    print (write to `zalo_out`) the same text as Zalo messages and send nothing."""
    from danvan_sheets.cli.remind import emit_zalo, send_all
    from danvan_sheets.config import SmtpSettings
    from danvan_sheets.writers.email import smtp_settings

    settings = load(config_path)
    day = parse_as_of(as_of)
    try:
        # A mail setting that cannot work stops us before any read (Zalo text needs none).
        smtp = SmtpSettings() if zalo else smtp_settings(settings.smtp)
        if zalo_out:  # a .txt that never lands on the registrations, checked before any read
            from danvan_sheets.cli.remind import ZALO_SUFFIXES
            from danvan_sheets.pipeline import guard_output, resolve_spec

            guard_output(zalo_out, resolve_spec(source, settings), ZALO_SUFFIXES)
        from danvan_sheets.yearend import review_reminders_due

        due, mails, _run = review_reminders_due(source, units_path, results, settings, day)
        if not mails:
            r = settings.review
            dates = ", ".join(f"{d:%d/%m/%Y}" for d in (r.mid_year_deadline, r.year_end_deadline) if d)
            dates = dates or "chưa ghi [review] mid_year_deadline, year_end_deadline"
            click.echo(f"Không có đơn vị nào cần nhắc báo cáo kết quả (hạn: {dates}; bắt đầu nhắc trước "
                       f"{r.remind_days_before} ngày).")
            return
        if zalo:
            emit_zalo(mails, zalo_out)
            return
    except DanvanError as exc:
        raise user_error(exc) from None
    send_all(mails, settings, smtp, REVIEW, dry_run, _review_tally)


def _review_tally(done) -> str:
    return (f"Đã gửi {done.count('sent')} thư nhắc báo cáo kết quả, {done.count('failed')} thư không gửi được, "
            f"bỏ qua {done.count('skipped')} đơn vị đã nhắc gần đây, {done.count('no_email')} đơn vị chưa có email.")


REVIEW = "thư nhắc báo cáo kết quả thực hiện mô hình"  # the kind of reminder, in the staff's copy

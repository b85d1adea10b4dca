"""`danvan export`: the Khối's compiled registration in the official form, for print or for machines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from danvan_sheets.cli.base import UserError, VietCommand, common_options, load, parse_as_of, user_error
from danvan_sheets.errors import DanvanError

FORMATS = ("xlsx", "csv", "json")


@click.command(cls=VietCommand, short_help="Xuất bản tổng hợp toàn Khối theo biểu mẫu (Excel, CSV, JSON).")
@common_options
@click.option("--out", required=True, metavar="TỆP", help="Tệp ghi ra (.xlsx, .csv hoặc .json).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Định dạng; mặc định theo đuôi tệp --out. Đuôi tệp phải khớp định dạng.")
@click.option(
    "--results",
    metavar="NGUỒN",
    help="Báo cáo kết quả của các đơn vị (như danvan review --results): xuất báo "
    "cáo cuối năm thay cho bản đăng ký (.xlsx hoặc .json).",
)
def export(source, units_path, config_path, as_of, out, fmt, results):
    """Xuất bản tổng hợp đăng ký toàn Khối theo đúng biểu mẫu, để in và gửi Ban Thường vụ, Ban Dân vận Tỉnh ủy.

    Kèm --results: báo cáo cuối năm (số mô hình đăng ký, triển khai, hoàn thành, được
    công nhận theo loại đơn vị và lĩnh vực, biểu đồ từng lĩnh vực, danh sách mô hình được
    công nhận, kết quả từng đơn vị). Không kèm: bản đăng ký.

    Tệp Excel có trang biểu mẫu (tiêu đề, cột (1)–(7), dòng Tổng số, các mục I–IV,
    mô hình được tính của từng đơn vị) và trang Thống kê theo loại đơn vị kèm biểu đồ;
    đã đặt sẵn khổ A4 ngang, phông Times New Roman. CSV và JSON dành cho chương trình khác.

    \b
    Ví dụ:
      danvan export --source xlsx:demo/dang-ky-2023.xlsx --units demo/don-vi.csv --out out/dang-ky-toan-khoi.xlsx
      danvan export --source xlsx:demo/dang-ky-2023.xlsx --out out/mo-hinh.csv
      danvan export --source xlsx:demo/dang-ky-2023.xlsx --results xlsx:ket-qua-2023.xlsx --out out/cuoi-nam.xlsx
    """
    if results:
        from danvan_sheets.cli.review import export_yearend

        export_yearend(source, units_path, config_path, as_of, out, fmt, results)
        return
    from danvan_sheets.pipeline import run
    from danvan_sheets.writers.console import notes
    from danvan_sheets.writers.export_xlsx import write_export

    # The file's name must say what is in it: an Excel file called .txt, or JSON called .csv,
    # opens as garbage on the desk it is sent to.
    suffixes = (f".{fmt}",) if fmt else tuple(f".{f}" for f in FORMATS)
    fmt = fmt or Path(out).suffix.lower().lstrip(".")
    settings = load(config_path)
    try:
        result = run(source, units_path, settings, parse_as_of(as_of), history=False, out=out,
                     out_suffixes=suffixes, out_required=True)
        failures: list = []  # a unit's row that could not be written: the others were, exit 3
        path = write_export(result.report, out, fmt, dt.datetime.now(), failures)
    except DanvanError as exc:
        raise user_error(exc) from None
    # Tabs that match no unit are left out of the compiled report: whoever sends it up must know,
    # as they must know the run's other notices.
    for note in notes(result.report):
        click.echo(note, err=True)
    t = result.report.totals["all"]
    click.echo(f"Đã xuất {t['models']} mô hình của {t['units']} đơn vị vào {path}")
    if failures:
        raise UserError("\n".join(f.message() for f in failures), 3)

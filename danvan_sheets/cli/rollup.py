"""`danvan rollup`: every Khối and district of the province in one compiled view, with duplicates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from danvan_sheets.cli.base import (
    FiniteFloatRange,
    VietCommand,
    config_option,
    load,
    parse_as_of,
    stdout_console,
    user_error,
)
from danvan_sheets.errors import ConfigError, DanvanError

EXPORT_FORMATS = (".xlsx", ".csv", ".json")

_EXAMPLES = """\b
Ví dụ:
  danvan rollup --source xlsx:khoi-cqdn.xlsx --units khoi-cqdn.csv --name "Đảng bộ Khối CQ&DN tỉnh" \\
                --source dir:huyen-luc-yen/ --units luc-yen.csv --name "Huyện Lục Yên" \\
                --out out/tong-hop-tinh.xlsx --export out/dang-ky-toan-tinh.xlsx
  danvan rollup --format json > toan-tinh.json      (nguồn lấy từ [[rollup.sources]] trong cấu hình)"""


@click.command(
    cls=VietCommand, epilog=_EXAMPLES, short_help="Tổng hợp toàn tỉnh từ nhiều Khối, huyện; liệt kê mô hình trùng lặp."
)
@click.option(
    "--source",
    "specs",
    multiple=True,
    metavar="NGUỒN",
    help=(
        "Nguồn của một Khối hoặc huyện (xlsx:, dir:, gsheet:, hoặc gsheet:MÃ#responses của Google Biểu mẫu); "
        "ghi nhiều lần. Bỏ trống thì lấy [[rollup.sources]]."
    ),
)
@click.option(
    "--units",
    "units",
    multiple=True,
    metavar="CSV",
    help="Danh sách đơn vị của từng nguồn, theo đúng thứ tự các --source.",
)
@click.option(
    "--name",
    "names",
    multiple=True,
    metavar="TÊN",
    help="Tên Khối, huyện của từng nguồn, theo thứ tự các --source (mặc định: tên tệp, thư mục, bảng tính).",
)
@config_option()
@click.option(
    "--as-of", "as_of", metavar="NGÀY", help="Ngày dùng để xét, dạng 2023-05-02 hoặc 02/05/2023 (mặc định: hôm nay)."
)
@click.option(
    "--out",
    metavar="TỆP.xlsx",
    help="Ghi bảng tổng hợp toàn tỉnh (Theo Khối, huyện; Tổng hợp tỉnh; Trùng lặp; Lỗi nhập liệu).",
)
@click.option(
    "--export",
    "export_path",
    metavar="TỆP",
    help="Xuất bản đăng ký toàn tỉnh theo biểu mẫu (.xlsx để in), hoặc .csv, .json cho chương trình khác.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    help="In ra màn hình: bảng theo Khối, huyện (mặc định) hoặc JSON đầy đủ.",
)
@click.option(
    "--threshold",
    type=FiniteFloatRange(50, 100),
    default=None,
    metavar="PHẦN_TRĂM",
    help="Độ giống tối thiểu để coi hai tên mô hình là trùng (mặc định 88, hoặc [rollup] threshold).",
)
@click.option("--strict", is_flag=True, help="Thoát với mã 1 nếu có đơn vị chưa đạt.")
def rollup(specs, units, names, config_path, as_of, out, export_path, fmt, threshold, strict):
    """Tổng hợp đăng ký của nhiều Khối, huyện thành một bản toàn tỉnh.

    Mỗi nguồn được đọc và kiểm tra như `danvan check` (cùng cách đọc, cùng lỗi, lịch sử
    riêng), với danh sách đơn vị riêng. Kết quả có cột Cấp và Khối, huyện cho từng đơn vị,
    tổng theo từng nguồn và toàn tỉnh, và danh sách mô hình trùng lặp giữa các đơn vị
    (chỉ để rà soát, không làm đổi số liệu).

    Nguồn nào không đọc được thì được nêu tên, các nguồn khác vẫn được tổng hợp, và lệnh
    thoát với mã 3. Mã 2: sai cách dùng hoặc cấu hình (không đọc gì); mã 1: có đơn vị
    chưa đạt (chỉ khi có --strict); mã 0: mọi nguồn đã đọc và ghi xong.
    """
    from danvan_sheets import rollup as lib

    settings = load(config_path)
    try:
        config = lib.from_settings(settings)
        sources = lib.from_options(specs, units, names) if specs else config.sources
        if not specs and (units or names):
            raise ConfigError("--units và --name đi kèm --source: hãy ghi --source cho từng nguồn.")
        outs: list[tuple[str, tuple[str, ...]]] = []
        if out:
            outs.append((out, (".xlsx",)))
        if export_path:
            outs.append((export_path, EXPORT_FORMATS))
        lib.validate(sources, outs)
        result = lib.compile_rollup(
            sources, settings, parse_as_of(as_of), threshold if threshold is not None else config.threshold
        )
        compiled_at = dt.datetime.now()
        written = []
        if out:
            from danvan_sheets.writers.rollup_files import write_rollup_summary

            written.append(f"Đã ghi tổng hợp toàn tỉnh vào {write_rollup_summary(result, out, compiled_at)}")
        if export_path:
            from danvan_sheets.writers.rollup_files import write_rollup_export

            fmt_export = Path(export_path).suffix.lower().lstrip(".")
            written.append(
                f"Đã xuất bản đăng ký toàn tỉnh vào {write_rollup_export(result, export_path, fmt_export, compiled_at)}"
            )
    except DanvanError as exc:
        raise user_error(exc) from None
    if fmt == "json":
        from danvan_sheets.writers.rollup_files import rollup_json

        click.echo(rollup_json(result))
    else:
        _print(result)
    for line in written:
        click.echo(line, err=fmt == "json")
    for line in lib.failure_lines(result):
        click.echo(line, err=True)
    raise SystemExit(lib.exit_code(result, strict))


def _print(result) -> None:
    from rich.markup import escape
    from rich.table import Table

    from danvan_sheets.core.model import FIELD_SHORT, FIELDS
    from danvan_sheets.core.rollup import source_rows

    console = stdout_console()
    c = result.campaign
    t = Table(title=f"Đăng ký mô hình “{c.title}” năm {c.year} toàn tỉnh (hạn {c.deadline:%d/%m/%Y})")
    for h in (
        "Cấp",
        "Khối, huyện",
        "Đơn vị",
        "Đạt",
        "Chưa đạt",
        "Chưa ĐK",
        "% đạt",
        *(FIELD_SHORT[f] for f in FIELDS),
        "Mô hình",
        "Lỗi",
    ):
        t.add_column(h, overflow="fold", justify="left" if h == "Khối, huyện" else "center")
    for row in source_rows(result):
        # Vietnamese writes 50,0%.
        cells = [escape(f"{v:.1f}".replace(".", ",") if isinstance(v, float) else str(v)) for v in row[:-2]]
        if str(row[-1]).startswith("Không đọc được"):
            cells[2] = "[red]không đọc được[/]"
        t.add_row(*cells)
    console.print(t)
    groups = result.duplicates.groups
    units = sum(g.units for g in groups)
    console.print(
        f"Trùng lặp: {len(groups)} mô hình được {units} lượt đơn vị cùng đăng ký"
        f" (giống từ {result.duplicates.threshold:g}%; xem trang Trùng lặp hoặc --format json)."
        if groups
        else "Trùng lặp: không có mô hình nào trùng giữa các đơn vị."
    )
    from danvan_sheets.writers.console import notes

    for p in result.parts:
        if p.report is not None:
            for note in notes(p.report):
                console.print(f"[yellow]{escape(p.name)}: {escape(note)}[/]")

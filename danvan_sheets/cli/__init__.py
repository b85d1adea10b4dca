"""The `danvan` command: a thin layer over the library, one module per command group."""

from __future__ import annotations

import sys

import click

from danvan_sheets import __version__
from danvan_sheets.cli.base import CONTEXT, VietGroup, run_main
from danvan_sheets.cli.check import aggregate, check
from danvan_sheets.cli.config import config
from danvan_sheets.cli.google import doctor, init, login


@click.group(cls=VietGroup, context_settings=CONTEXT, epilog=(
    "\b\nVí dụ:\n  danvan check --source xlsx:demo/dang-ky-2023.xlsx --units demo/don-vi.csv\n"
    "  danvan aggregate --source gsheet:1AbCdEf... --units config/don-vi.csv"))
@click.version_option(__version__, "-V", "--version", message="danvan-sheets %(version)s",
                      help="Hiện phiên bản rồi thoát.")
@click.option("--verbose", is_flag=True, help="Khi có lỗi không lường trước, in đầy đủ vết lỗi (traceback) để gửi "
              "người bảo trì; ghi ở đâu trong dòng lệnh cũng được (hoặc đặt DANVAN_DEBUG=1).")
def cli(verbose: bool) -> None:
    """Tổng hợp đăng ký mô hình “Dân vận khéo” của các chi, đảng bộ cơ sở và đoàn thể khối.

    Mã thoát: 0 mọi đơn vị đạt (hoặc đã ghi xong); 1 có đơn vị chưa đạt;
    2 sai cách dùng hoặc sai cấu hình; 3 lỗi nguồn dữ liệu hoặc lỗi Google;
    130 bị dừng bằng Ctrl-C.
    """


cli.add_command(check)
cli.add_command(aggregate)
from danvan_sheets.cli.export import export  # noqa: E402
from danvan_sheets.cli.history import history, restore  # noqa: E402
from danvan_sheets.cli.remind import remind  # noqa: E402
from danvan_sheets.cli.rollup import rollup  # noqa: E402

cli.add_command(history)
cli.add_command(restore)
cli.add_command(remind)
cli.add_command(export)
from danvan_sheets.cli.campaign import campaign  # noqa: E402
from danvan_sheets.cli.review import review  # noqa: E402

cli.add_command(review)
cli.add_command(rollup)
cli.add_command(doctor)
cli.add_command(init)
cli.add_command(login)
cli.add_command(config)
cli.add_command(campaign)


def main() -> None:
    sys.exit(run_main(cli))

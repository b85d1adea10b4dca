"""`danvan config init` and `danvan config path`: the editable configuration and where things live."""

from __future__ import annotations

from pathlib import Path

import click

from danvan_sheets.cli.base import VietCommand, VietGroup, user_error
from danvan_sheets.errors import ConfigError, os_reason


@click.group(cls=VietGroup, short_help="Tạo tệp cấu hình để sửa; xem nơi lưu cấu hình và dữ liệu.",
             epilog="\b\nVí dụ:\n  danvan config init\n  danvan config init config/danvan.toml\n  danvan config path")
def config() -> None:
    """Tệp cấu hình của đợt đăng ký và thư mục dữ liệu."""


@config.command(cls=VietCommand, epilog="\b\nVí dụ:\n  danvan config init\n  danvan config init D:/danvan/danvan.toml")
@click.argument("path", required=False, metavar="TỆP")
@click.option("--force", is_flag=True, help="Ghi đè nếu TỆP đã có.")
def init(path: str | None, force: bool) -> None:
    """Chép tệp cấu hình mẫu (Kế hoạch năm 2023) ra TỆP để sửa cho đợt mới.

    Không ghi TỆP: chép vào thư mục cấu hình riêng của người dùng, nơi `danvan`
    tự tìm đến từ bất kỳ thư mục nào. Mã thoát 2 khi TỆP đã có (trừ khi --force).
    """
    from danvan_sheets.atomic import write_atomic
    from danvan_sheets.config import packaged_config_path, user_config_path

    target = Path(path).expanduser() if path else user_config_path()
    if target.is_dir():
        target = target / "danvan.toml"
    if target.exists() and not force:
        raise user_error(ConfigError(f"Tệp {target} đã có. Hãy chọn tên khác, hoặc thêm --force để ghi đè."))
    try:
        write_atomic(target, packaged_config_path().read_bytes())
    except OSError as exc:
        raise user_error(ConfigError(f"Không ghi được {target}: {os_reason(exc)}.")) from None
    click.echo(f"Đã tạo tệp cấu hình {target}. Hãy sửa năm, hạn, chỉ tiêu; đường dẫn tương đối trong tệp tính từ "
               f"thư mục {target.parent}.")
    if path:
        click.echo(f"Dùng tệp này: danvan check --config {target} … (hoặc đặt biến DANVAN_CONFIG).")


@config.command(cls=VietCommand,
                epilog="\b\nVí dụ:\n  danvan config path\n  danvan config path --config config/danvan.toml")
@click.option("--config", "config_path", metavar="TOML", help="Tệp cấu hình (mặc định: tệp công cụ tự tìm).")
def path(config_path: str | None) -> None:
    """In tệp cấu hình đang dùng và nơi lưu lịch sử, nhật ký, tệp khóa."""
    from danvan_sheets.cli.base import load

    settings = load(config_path)
    files = settings.files
    click.echo(f"Tệp cấu hình: {settings.path}")
    if settings.path is not None:
        click.echo(f"Đường dẫn tương đối trong tệp cấu hình tính từ: {settings.path.parent}")
    click.echo(f"Thư mục dữ liệu: {files.dir}")
    click.echo(f"Lịch sử: {files.history}")
    click.echo(f"Nhật ký chạy theo lịch: {files.log}")
    click.echo(f"Tệp khóa: {files.lock}")
    click.echo(f"Trạng thái lần chạy: {files.state}")

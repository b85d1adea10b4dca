"""What every command shares: Vietnamese help, error -> exit code mapping, common options."""

from __future__ import annotations

import datetime as dt
import difflib
import inspect
import os
import re
import sys

import click

from danvan_sheets.errors import ConfigError, DanvanError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

_EXAMPLES = "\n\b\nVí dụ:"  # click's "\b" line keeps the example lines as written
_HEADINGS = {"Options": "Tùy chọn", "Commands": "Lệnh", "Arguments": "Tham số"}


class VietFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[TÙY CHỌN]").replace("COMMAND [ARGS]...", "LỆNH [THAM SỐ]...")
        super().write_usage(prog, args, "Cách dùng: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))

    def write_dl(self, rows, *args, **kwargs) -> None:
        # click appends English markers ("[required]", "[default: …]") after each option's help.
        words = {"[required]": "[bắt buộc]", "[default: ": "[mặc định: ", "required]": "bắt buộc]",
                 "default: ": "mặc định: "}

        def viet(text: str) -> str:
            for en, vi in words.items():
                text = text.replace(en, vi)
            return text

        super().write_dl([(term, viet(help_text)) for term, help_text in rows], *args, **kwargs)


class VietContext(click.Context):
    formatter_class = VietFormatter


class _VietHelp(click.Command):
    """-h/--help described in Vietnamese, on commands and groups alike."""

    context_class: type[click.Context] = VietContext

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A "Ví dụ:" block written at the end of the docstring moves to the epilog, so that `-h`
        # ends with it, after the options: the last thing an office user reads is a line to copy.
        if self.help and not self.epilog:
            head, sep, examples = inspect.cleandoc(self.help).partition(_EXAMPLES)
            if sep:
                self.help, self.epilog = head.rstrip(), sep.lstrip("\n") + examples

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = "Hiện trợ giúp này rồi thoát."
        return opt


class VietCommand(_VietHelp, click.Command):
    pass


class VietGroup(_VietHelp, click.Group):
    command_class = VietCommand


class FiniteFloatRange(click.FloatRange):
    """click.FloatRange that also refuses "nan" (every comparison with NaN is false, so click lets it through)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if number != number:
            self.fail(f"{value!r} is not a valid float range.", param, ctx)
        return number


class UserError(click.ClickException):
    """A DanvanError shown in Vietnamese with its own exit code (2 config, 3 source)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click's is one per class; ours varies per error

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", err=True)


def user_error(exc: DanvanError) -> UserError:
    return UserError(str(exc), exc.exit_code)


_NOT_ONE_OF = re.compile(r"^'(?P<value>.*)' is not one of (?P<choices>.*)\.$", re.S)
_NOT_IN_RANGE = re.compile(r"^'?(?P<value>.*?)'? is not in the range ", re.S)
_NOT_A = re.compile(r"^'?(?P<value>.*?)'? is not a valid (?P<what>\w+)", re.S)


def _usage_text(exc: click.UsageError) -> str:
    """click's own usage errors are English: say them in Vietnamese, with a guess at typos."""
    if isinstance(exc, click.NoSuchOption):
        if exc.option_name == "--out" and exc.ctx is not None and exc.ctx.command.name == "check":
            return ("check chỉ in kết quả, không ghi tệp. Để ghi bảng tổng hợp ra tệp, hãy dùng "
                    "danvan aggregate ... --out TỆP.xlsx (hoặc check --format csv > TỆP.csv).")
        guess = f" Có phải ý bạn là {', '.join(sorted(exc.possibilities))}?" if exc.possibilities else ""
        return f"Không có tùy chọn {exc.option_name}.{guess}"
    if isinstance(exc, click.BadOptionUsage):
        if "requires an argument" in exc.message:
            return f"Tùy chọn {exc.option_name} cần một giá trị đi kèm, ví dụ {exc.option_name} GIÁ_TRỊ."
        return f"Dùng sai tùy chọn {exc.option_name}."
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        if isinstance(exc.param, click.Argument):  # named as the usage line shows it: ĐƠN_VỊ, not "unit"
            return f"Thiếu {exc.param.metavar or exc.param.name.upper()}."
        return f"Thiếu {' / '.join(exc.param.opts)}."
    if isinstance(exc, click.BadParameter):
        if isinstance(exc.param, click.Argument):  # NĂM as the usage line shows it, not "year"
            hint = exc.param.metavar or exc.param.name.upper()
        else:
            hint = " / ".join(exc.param.opts) if exc.param is not None else str(exc.param_hint or "")
        kind = exc.param.type if exc.param is not None else None
        allowed = f": {_range_text(kind)}" if isinstance(kind, click.types._NumberRangeBase) else ""
        if allowed and (m := _NOT_IN_RANGE.match(exc.message)):
            # click hands over 200.0 for a typed 200 (not ":g", which would show 1234567 as 1.23457e+06)
            return f"“{m['value'].removesuffix('.0')}” không dùng được cho {hint}{allowed}."
        if m := _NOT_ONE_OF.match(exc.message):
            choices = m["choices"].replace("'", "")
            return f"“{m['value']}” không dùng được cho {hint}; hãy chọn một trong: {choices}."
        if m := _NOT_A.match(exc.message):
            # Not a number at all ("abc" for --threshold): say what is allowed too.
            return f"“{m['value']}” không hợp lệ cho {hint}{allowed}."
        return f"Giá trị không hợp lệ cho {hint}."
    if exc.message.startswith("No such command"):
        name = exc.message.split("'")[1] if "'" in exc.message else ""
        group = exc.ctx.command if exc.ctx is not None else None
        commands = list(group.list_commands(exc.ctx)) if isinstance(group, click.Group) and exc.ctx else []
        close = difflib.get_close_matches(name, commands, n=1)
        guess = f" Có phải ý bạn là “{close[0]}”?" if close else ""
        return f"Không có lệnh “{name}”.{guess} Xem các lệnh: danvan -h"
    if exc.message.startswith("Got unexpected extra argument"):
        return f"Thừa tham số: {exc.message.split('(', 1)[-1].rstrip(')')}."
    return exc.message


def _range_text(kind) -> str:
    low = None if kind.min is None else f"{kind.min:g}"
    high = None if kind.max is None else f"{kind.max:g}"
    if low is not None and high is not None:
        return f"phải từ {low} đến {high}"
    return f"phải từ {low} trở lên" if low is not None else f"phải không quá {high}"


VERBOSE_FLAG = "--verbose"
DEBUG_ENV = "DANVAN_DEBUG"


def exit_of(exc: BaseException | None) -> tuple[int, str]:
    """The exit code and message `run_main` ends with for `exc`: what the run log records."""
    from danvan_sheets.runs.job import describe_exit

    if isinstance(exc, click.ClickException):
        return exc.exit_code, exc.format_message()
    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code, ""
    if isinstance(exc, click.Abort):
        return 130, "bị dừng giữa chừng"
    return describe_exit(exc)


def _take_verbose(args: list[str]) -> tuple[list[str], bool]:
    """--verbose is accepted anywhere before `--` (danvan --verbose check …, danvan check … --verbose)."""
    stop = args.index("--") if "--" in args else len(args)
    found = VERBOSE_FLAG in args[:stop]
    kept = [a for i, a in enumerate(args) if i >= stop or a != VERBOSE_FLAG]
    env = os.environ.get(DEBUG_ENV, "").strip().lower() in ("1", "true", "yes", "on")
    return kept, found or env


def run_main(cli: click.Group, args: list[str] | None = None) -> int:
    """click's standalone mode, with usage errors in Vietnamese and exit code 2."""
    return _run_main(cli, args)


def _run_main(cli: click.Group, args: list[str] | None) -> int:
    args, verbose = _take_verbose(list(sys.argv[1:] if args is None else args))
    try:
        cli.main(args=args, prog_name="danvan", standalone_mode=False)
        return 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:
        # `danvan` alone: the help is the answer, not an error.
        click.echo(exc.ctx.get_help() if exc.ctx is not None else exc.message)
        return 0
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            path = exc.ctx.command_path
            click.echo("Xem thêm: danvan " + (path.split(" ", 1)[1] + " " if " " in path else "") + "-h", err=True)
        click.echo(f"Lỗi: {_usage_text(exc)}", err=True)
        return 2
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("Đã dừng.", err=True)
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        click.echo("Đã dừng.", err=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last net: a bug must not look like exit 1 ("units flagged")
        if verbose:
            import traceback

            traceback.print_exc(file=sys.stderr)
            click.echo(f"Lỗi không lường trước ({type(exc).__name__}). Hãy gửi toàn bộ nội dung trên cho người bảo trì "
                       "công cụ.", err=True)
        else:
            click.echo(f"Lỗi không lường trước ({type(exc).__name__}). Hãy chạy lại; nếu vẫn lỗi, chạy lại với "
                       f"{VERBOSE_FLAG} (hoặc đặt {DEBUG_ENV}=1) rồi gửi toàn bộ nội dung in ra cho người bảo trì "
                       "công cụ.", err=True)
        return exit_of(exc)[0]


def parse_as_of(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    # The way a date is written in Vietnam (as restore --at also takes it): day first.
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise UserError(f"--as-of “{value}” không phải ngày hợp lệ. Hãy ghi dạng 2023-05-02 (năm-tháng-ngày) "
                        "hoặc 02/05/2023 (ngày/tháng/năm).", 2) from None


CONFIG_HELP = ("Tệp cấu hình đợt đăng ký (mặc định: biến DANVAN_CONFIG, rồi config/danvan.toml nếu có ở thư mục "
               "đang đứng, rồi tệp của `danvan config init`, rồi tệp mẫu kèm theo công cụ; xem `danvan config path`).")


def config_option(what: str = "Tệp cấu hình đợt đăng ký"):
    """--config, with where the tool looks when it is left out (config.default_config_path)."""
    return click.option("--config", "config_path", metavar="TOML", help=CONFIG_HELP.replace(
        "Tệp cấu hình đợt đăng ký", what, 1))


def common_options(f):
    """--source, --units, --config, --as-of: the same on every command that reads the registrations."""
    f = click.option("--as-of", "as_of", metavar="NGÀY",
                     help="Ngày dùng để xét, dạng 2023-05-02 hoặc 02/05/2023 (mặc định: hôm nay).")(f)
    f = config_option()(f)
    f = click.option("--units", "units_path", metavar="CSV",
                     help="Danh sách đơn vị (ma_don_vi,ten_don_vi,loai_don_vi,email[,tab]).")(f)
    f = click.option("--source", metavar="NGUỒN",
                     help="xlsx:TỆP.xlsx, dir:THƯ_MỤC hoặc gsheet:ID_HOẶC_URL (mặc định lấy từ cấu hình).")(f)
    return f


def load(config_path: str | None, warn: bool = True):
    """The settings, or exit 2 with every problem of the file; warnings (no [[mandatory]]) on stderr."""
    from danvan_sheets.config import load_settings

    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        raise user_error(exc) from None
    if warn:
        for text in settings.warnings:
            click.echo(f"Cảnh báo: {text}", err=True)
    return settings


def stdout_console():
    from rich.console import Console

    # Piped or redirected output has no terminal width; rich would assume 80 and squeeze the table.
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "0") or 0) or 140
    return Console(file=sys.stdout, highlight=False, soft_wrap=False, width=width)

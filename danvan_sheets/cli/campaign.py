"""`danvan campaign new`: next year's configuration from this year's, and the models carried over."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from danvan_sheets.cli.base import VietCommand, VietGroup, config_option, load, user_error
from danvan_sheets.core.model import UNIT_TYPE_LABELS, UNIT_TYPES
from danvan_sheets.errors import ConfigError, DanvanError


@click.group(cls=VietGroup, short_help="Đợt đăng ký theo năm: tạo cấu hình cho năm mới.")
def campaign() -> None:
    """Đợt đăng ký theo năm: tạo cấu hình cho năm mới từ cấu hình năm nay.

    \b
    Ví dụ:
      danvan campaign new 2024
    """


def _date(text: str) -> dt.date:
    from danvan_sheets.history.timeline import parse_when

    return parse_when(text).date()


def _quota(items: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for item in items:
        t, sep, n = item.partition("=")
        t = t.strip()
        if not sep or t not in UNIT_TYPES or not n.strip().isdigit():
            raise ConfigError(f"--quota “{item}” không hợp lệ: ghi dạng LOẠI=SỐ, LOẠI là một trong "
                              f"{', '.join(UNIT_TYPES)} "
                              "(ví dụ --quota chi_bo_co_so=2).")
        out[t] = int(n)
    return out


def _beside(cfg: Path) -> Path:
    """The file the new year's configuration is named after and put beside: this year's, unless that
    is the default shipped inside the package, whose folder is lost on an upgrade (and read-only on a
    Windows install); then the user's configuration folder, where `danvan config init` writes."""
    from danvan_sheets.config import packaged_config_path, user_config_path

    return user_config_path() if cfg.resolve() == packaged_config_path().resolve() else cfg


@campaign.command("new", cls=VietCommand, short_help="Tạo cấu hình năm mới từ cấu hình năm nay.")
@click.argument("year", type=int, metavar="NĂM")
@config_option("Cấu hình năm nay")
@click.option("--out", metavar="TOML", help="Tệp cấu hình năm mới (mặc định cạnh cấu hình năm nay, tên có NĂM; "
                                          "nếu đang dùng cấu hình mẫu của gói thì trong thư mục cấu hình riêng).")
@click.option(
    "--deadline", metavar="NGÀY", help="Hạn đăng ký năm mới, dạng 2024-04-25 (mặc định: cùng ngày tháng năm nay)."
)
@click.option("--quota", "quotas", multiple=True, metavar="LOẠI=SỐ",
              help="Đổi chỉ tiêu một loại đơn vị, ví dụ --quota chi_bo_co_so=2 (lặp lại được).")
@click.option("--drop-mandatory", "drop", multiple=True, metavar="MÃ",
              help="Bỏ một mô hình bắt buộc (theo mã trong [[mandatory]]) ở năm mới (lặp lại được).")
@click.option("--source", metavar="NGUỒN", help="Nguồn năm mới (gsheet:…), nếu đã có; không ghi thì để trống chờ "
                                                "danvan init.")
@click.option("--carry", metavar="TỆP.xlsx",
              help="Ghi ra tệp Excel các mô hình đơn vị ghi “duy trì” năm nay (theo lịch sử), mỗi đơn vị một trang, để "
                   "chép vào trang năm mới.")
@click.option("--carry-from", "carry_from", metavar="NGUỒN",
              help="Với --carry: nguồn năm nay để lấy mô hình duy trì khi lịch sử năm nay có nhiều nguồn (mặc định "
                   "[source] spec).")
@click.option(
    "--yes", "-y", is_flag=True, help="Không hỏi lại: giữ mọi chỉ tiêu và mô hình bắt buộc (cho chạy tự động)."
)
@click.option("--force", is_flag=True, help="Cho phép ghi đè tệp đã có (--out, --carry).")
def new(year, config_path, out, deadline, quotas, drop, source, carry, carry_from, yes, force):
    """Tạo tệp cấu hình cho đợt năm NĂM từ cấu hình năm nay, giữ nguyên các chú thích.

    Đổi năm; dời mọi ngày trong tệp (hạn đăng ký, ngày hiệu lực, hạn báo cáo) sang năm mới;
    hỏi lại hạn đăng ký, chỉ tiêu từng loại đơn vị và từng mô hình bắt buộc (hoặc lấy theo
    --deadline, --quota, --drop-mandatory, --yes khi chạy tự động). Nguồn năm nay trong
    [source] spec được để lại dạng chú thích cho tới khi có bảng tính mới. Lịch sử dùng
    chung: các lần chạy năm mới được tính riêng, không lẫn với năm nay.

    \b
    Ví dụ:
      danvan campaign new 2024
      danvan campaign new 2024 --yes --deadline 2024-04-30 --carry duy-tri-2024.xlsx
    """
    from danvan_sheets.campaign.new_year import (
        check_new_year,
        current_year,
        default_out,
        mandatory_models,
        plan_new_year,
        write_new_config,
    )

    settings = load(config_path)
    try:
        if settings.path is None or not Path(settings.path).is_file():
            raise ConfigError("Chưa có tệp cấu hình năm nay để dựa vào. Hãy chỉ ra bằng --config.")
        cfg = Path(settings.path)
        text = cfg.read_text(encoding="utf-8")
        old_year = current_year(text)
        # Before anything else: `new 2023` on danvan-2023.toml would otherwise be told about an --out never given.
        check_new_year(old_year, year)
        target = Path(out) if out else default_out(_beside(cfg), old_year, year)
        if target.resolve() == cfg.resolve():
            # Not even with --force: this year's configuration is what the new one is made from.
            raise ConfigError(
                f"--out {target} chính là cấu hình năm nay. Hãy chọn một tên khác cho cấu hình năm {year}."
            )
        if target.exists() and not force:
            raise ConfigError(
                f"Tệp {target} đã có. Hãy chọn tên khác bằng --out, hoặc thêm --force nếu chắc chắn muốn ghi đè."
            )
        if carry:
            from danvan_sheets.pipeline import check_suffix

            check_suffix(carry, (".xlsx",))
            if Path(carry).exists() and not force:
                raise ConfigError(f"Tệp {carry} đã có. Hãy chọn tên khác, hoặc thêm --force nếu chắc chắn muốn ghi đè.")
            from danvan_sheets.pipeline import guard_sources

            guard_sources(carry, carry_from, settings.source.spec)
        new_quotas = _quota(quotas)
        new_deadline = _date(deadline) if deadline else None
        dropped = set(drop)
        if carry_from and not carry:
            raise ConfigError("--carry-from chỉ dùng cùng --carry.")
        for spec in (source, carry_from):
            if spec:
                from danvan_sheets.sources import parse_spec

                parse_spec(spec)
        if not yes:
            new_deadline, new_quotas, dropped = _ask(
                settings, year, new_deadline, new_quotas, dropped, mandatory_models(text)
            )
        if new_deadline is not None and new_deadline.year != year:
            raise ConfigError(f"Hạn đăng ký {new_deadline:%d/%m/%Y} không thuộc năm {year}.")
        plan = plan_new_year(
            text, year, deadline=new_deadline, quotas=new_quotas or None, drop=dropped, source=source or ""
        )
        carried = None
        if carry:
            carried = _carried(settings, old_year, carry_from)
        written = write_new_config(plan, target, force=force)
        carry_path = None
        if carried is not None:
            from danvan_sheets.campaign.carry import write_carried_workbook
            from danvan_sheets.config import load_settings

            try:
                carry_path = write_carried_workbook(carried, load_settings(written).campaign, old_year, carry)
            except OSError as exc:
                from danvan_sheets.errors import os_reason

                raise ConfigError(f"Không ghi được {carry}: {os_reason(exc)}.") from None
    except DanvanError as exc:
        raise user_error(exc) from None
    _report(plan, written, cfg, carried, carry_path)


def _ask(settings, year, deadline, quotas, dropped, mandatory):
    """The Vietnamese questions; a closed standard input (cron) is a usage error, not a hang."""
    camp = settings.campaign
    try:
        if deadline is None:
            from danvan_sheets.campaign.new_year import _shift

            suggested = _shift(camp.deadline, year - camp.year)
            text = click.prompt(f"Hạn đăng ký năm {year}", default=suggested.isoformat())
            deadline = _date(text)
        for t in UNIT_TYPES:
            if t in quotas:
                continue
            n = click.prompt(
                f"Chỉ tiêu {UNIT_TYPE_LABELS[t]} (số mô hình tối thiểu)", default=camp.quotas.get(t, 0), type=int
            )
            if n != camp.quotas.get(t):
                quotas[t] = n
        for m in mandatory:
            if m.key in dropped:
                continue
            if not _yes_no(f"Giữ mô hình bắt buộc “{m.name}” cho năm {year}?"):
                dropped.add(m.key)
    except click.Abort:
        raise ConfigError("Không có ai trả lời câu hỏi. Khi chạy tự động, hãy thêm --yes "
                          "(và --deadline NGÀY, --quota, --drop-mandatory nếu cần đổi).") from None
    return deadline, quotas, dropped


def _yes_no(question: str) -> bool:
    # click.confirm only takes y/n; people here answer có/không (or c/k), with or without diacritics.
    from danvan_sheets.core.text import key

    while True:
        answer = key(click.prompt(f"{question} [có/không]", default="có", show_default=False))
        if answer in ("co", "c", "y", "yes"):
            return True
        if answer in ("khong", "k", "n", "no"):
            return False
        click.echo("Hãy trả lời “có” hoặc “không”.")


def _carried(settings, old_year, carry_from=None):
    from danvan_sheets.campaign.carry import carried_models
    from danvan_sheets.campaign.key import source_key
    from danvan_sheets.history import db_path

    path = db_path(settings)
    if not path.is_file():
        raise ConfigError(f"Chưa có lịch sử ({path}) để lấy các mô hình duy trì năm {old_year}: hãy chạy danvan check "
                          "năm nay trước.")
    spec = carry_from or settings.source.spec
    _campaign, units = carried_models(path, old_year, source_key(spec) if spec else None, how="--carry-from NGUỒN")
    return units


def _report(plan, written: Path, cfg: Path, carried, carry_path) -> None:
    from danvan_sheets.core.messages import cli_arg

    def when(d):
        return f"{d:%d/%m/%Y}"

    click.echo(f"Đã ghi cấu hình năm {plan.year}: {written}")
    click.echo(f"- Hạn đăng ký: {when(plan.deadline)}.")
    click.echo("- Chỉ tiêu: " + "; ".join(f"{UNIT_TYPE_LABELS[t]} {n}" for t, n in plan.quotas.items()) + ".")
    if plan.kept:
        click.echo("- Mô hình bắt buộc giữ lại: " + "; ".join(f"“{m.name}”" for m in plan.kept) + ".")
    if plan.dropped:
        click.echo("- Mô hình bắt buộc bỏ: " + "; ".join(f"“{m.name}”" for m in plan.dropped) + ".")
    others = [(k, o, n) for k, o, n in plan.moved if k != "campaign.deadline"]
    if others:
        click.echo("- Đã dời sang năm mới: " + "; ".join(f"{k} {o} → {n}" for k, o, n in others) + ".")
    if written.parent.resolve() != cfg.parent.resolve():
        click.echo(f"Lưu ý: tệp mới ở thư mục khác {cfg.parent}; đường dẫn tương đối trong tệp (units, credentials…) "
                   f"sẽ tính từ {written.parent}.")
    if carried is not None:
        n = sum(u.count for u in carried)
        click.echo(f"Đã ghi {n} mô hình “duy trì” của {len(carried)} đơn vị vào {carry_path}.")
    q = cli_arg(str(written))
    click.echo("Việc tiếp theo:")
    steps = []
    # init --carry writes the continuing models into each unit's new tab as it lays the tab out.
    carry_arg = f" --carry {cli_arg(str(carry_path))}" if carry_path is not None else ""
    if not plan.source:
        steps.append(f"Tạo bảng tính năm {plan.year} với mỗi đơn vị một trang: "
                     f"danvan init --config {q} --create \"Đăng ký Dân vận khéo {plan.year}\" --units DANH_SÁCH.csv"
                     + carry_arg)
        steps.append(f"Ghi mã bảng tính mới vào [source] spec của {written}"
                     + (f" (nguồn năm {plan.old_year} đã để lại dạng chú thích)." if plan.old_source else "."))
    else:
        steps.append(f"Bố trí bảng tính năm {plan.year}: danvan init --config {q} --units DANH_SÁCH.csv{carry_arg}")
    if carry_path is not None:
        steps.append(f"Xem lại {carry_path} trước khi chạy init (xóa dòng mô hình không duy trì nữa); init chép các mô "
                     f"hình còn lại vào trang mới của từng đơn vị. Đơn vị gửi tệp (dir:, xlsx:) thì gửi mỗi đơn vị "
                     f"trang của mình trong tệp đó.")
    if plan.has_rollup_sources:
        steps.append("Sửa [[rollup.sources]]: nguồn của từng huyện, từng Khối vẫn là của năm cũ.")
    steps.append(f"Từ nay chạy các lệnh với --config {q} (hoặc đặt biến DANVAN_CONFIG).")
    for i, step in enumerate(steps, start=1):
        click.echo(f"  {i}. {step}")

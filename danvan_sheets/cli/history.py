"""`danvan history` and `danvan restore`: what each unit had, run by run, and getting it back."""

from __future__ import annotations

from pathlib import Path

import click

from danvan_sheets.cli.base import VietCommand, config_option, load, user_error
from danvan_sheets.core.messages import cli_arg
from danvan_sheets.core.model import STATUS_LABELS
from danvan_sheets.errors import ConfigError, DanvanError


def _when(t) -> str:
    return f"{t:%d/%m/%Y %H:%M}"


def _db(settings):
    from danvan_sheets.history import db_path

    path = db_path(settings)
    if not path.is_file():
        raise user_error(ConfigError(
            f"Chưa có lịch sử ({path}). Lịch sử được ghi mỗi lần chạy danvan check hoặc danvan aggregate có danh sách "
            "đơn vị (--units); "
            "đường dẫn đặt ở [history] path trong cấu hình."))
    return path


def _campaign_options(f):
    f = click.option("--source", "source", metavar="NGUỒN",
                     help="Nguồn của đợt cần xem, như khi chạy check (mặc định [source] spec trong cấu hình).")(f)
    f = click.option("--year", type=int, metavar="NĂM", help="Năm của đợt cần xem (mặc định năm trong cấu hình).")(f)
    return f


def _campaign(settings, year: int | None, source: str | None) -> tuple[int, str | None]:
    """(year, normalised source or None for “the only one recorded that year”) from the options and the config."""
    from danvan_sheets.campaign.key import source_key
    from danvan_sheets.sources import parse_spec

    spec = source or settings.source.spec
    if source:
        try:
            parse_spec(source)  # a mistyped --source is a usage error, said as check says it
        except DanvanError as exc:
            raise user_error(exc) from None
    return (year if year is not None else settings.campaign.year), (source_key(spec) if spec else None)


def _heading(campaign) -> str:
    return f"đợt năm {campaign.year}, nguồn {campaign.source or '(không rõ)'}"


def _lock_line(lk) -> str:
    if lk.action == "locked":
        return (f"- {_when(lk.at)}: Đã khóa trang, chỉ Ban Tuyên giáo sửa được (đơn vị được sửa đến hết ngày "
                f"{lk.due:%d/%m/%Y}).")
    return f"- {_when(lk.at)}: Mở lại trang cho đơn vị sửa (gia hạn đến hết ngày {lk.due:%d/%m/%Y})."


def _names(items: list[str], limit: int = 6) -> str:
    shown = "; ".join(f"“{x}”" for x in items[:limit])
    return shown + (f" và {len(items) - limit} mô hình khác" if len(items) > limit else "")


@click.command(cls=VietCommand, short_help="Xem lịch sử của một đơn vị, hoặc tình trạng mọi đơn vị.")
@click.argument("unit", required=False, metavar="[ĐƠN_VỊ]")
@config_option()
@_campaign_options
def history(unit, config_path, year, source):
    """Xem lịch sử đăng ký của một đơn vị qua từng lần kiểm tra (hoặc tình trạng mới nhất của mọi đơn vị).

    ĐƠN_VỊ là mã hoặc tên đơn vị (không phân biệt hoa thường, có dấu hay không). Chỉ xem
    các lần chạy của một đợt: năm trong cấu hình và nguồn [source] spec (đổi bằng --year, --source).

    \b
    Ví dụ:
      danvan history
      danvan history DB-CUCTHUE
      danvan history "Đảng bộ Cục Thuế" --year 2023 --source xlsx:dang-ky-2023.xlsx
    """
    from danvan_sheets.history.timeline import TimelineEvent, last_states, locked_units, timeline

    settings = load(config_path)
    path = _db(settings)
    year, source = _campaign(settings, year, source)
    from danvan_sheets.history.store import DamagedHistory

    damage: list = []
    try:
        if not unit:
            campaign, states = last_states(path, year, source, damage)
            if not states and not damage:
                click.echo(f"Lịch sử {_heading(campaign)} chưa có đơn vị nào.")
                return
            click.echo(f"Tình trạng mới nhất của {len(states)} đơn vị, {_heading(campaign)} (theo lịch sử {path}):")
            locked = locked_units(path, campaign)
            for snap, seen in states:
                lock = locked.get(snap.unit)
                click.echo(f"- {snap.name} ({snap.unit}): {STATUS_LABELS.get(snap.status, snap.status)}, "
                           f"{snap.models}/{snap.required} mô hình; thay đổi lần cuối {_when(snap.run_at)}"
                           + (f", kiểm tra gần nhất {_when(seen)}" if seen else "")
                           + (f"; trang đã khóa từ {_when(lock.at)}" if lock else "") + ".")
            if damage:
                # What could be read is shown above; the damaged rows are an error (exit 3), named.
                raise DamagedHistory(damage, path)
            return
        tl = timeline(path, unit, year, source)
    except DanvanError as exc:
        raise user_error(exc) from None
    if tl is None:
        raise user_error(ConfigError(f"Không có đơn vị “{unit}” trong lịch sử của đợt năm {year}. Xem danh sách bằng: "
                                     "danvan history"))
    click.echo(f"Lịch sử đăng ký của {tl.name} ({tl.unit}), {_heading(tl.campaign)}:")
    # Lock changes sit among the checks at their own time (after a check of the same second).
    items = sorted([(ev.run_at, 0, ev) for ev in tl.events] + [(lk.at, 1, lk) for lk in tl.locks],
                   key=lambda item: (item[0], item[1]))
    for _at, _kind, ev in items:
        if not isinstance(ev, TimelineEvent):
            click.echo(_lock_line(ev))
            continue
        head = (
            f"- {_when(ev.run_at)}: {STATUS_LABELS.get(ev.status, ev.status)}, {ev.models}/{ev.required} mô hình, "
            f"{ev.n_rows} dòng trên trang"
            + (f" “{ev.tab}”" if ev.tab else " (không thấy trang tính trong nguồn lần đó)")
            + "."
        )
        click.echo(head)
        for label, names in (("Thêm", ev.added), ("Sửa", ev.edited), ("Xóa", ev.removed)):
            if names:
                click.echo(f"    {label}: {_names(names)}.")
        if ev.damaged:
            click.echo("    (Có dòng lưu trữ bị hỏng: không so được với lần trước.)")
    if tl.last_seen:
        click.echo(f"Kiểm tra gần nhất: {_when(tl.last_seen)}.")
    click.echo(f"Lấy lại đăng ký tại một thời điểm: danvan restore {cli_arg(tl.unit)} --at \"YYYY-MM-DD HH:MM\" --out "
               "khoi-phuc.xlsx")
    if tl.damaged:
        raise user_error(DamagedHistory(tl.damaged, path))


@click.command(cls=VietCommand, short_help="Khôi phục biểu mẫu của một đơn vị như tại một thời điểm.")
@click.argument("unit", metavar="ĐƠN_VỊ")
@click.option("--at", "when", required=True, metavar="THỜI_ĐIỂM",
              help="Thời điểm cần lấy lại: 2023-04-25 (cuối ngày đó), 2023-04-25 14:30 hoặc ISO 8601.")
@click.option("--out", required=True, metavar="TỆP.xlsx", help="Tệp Excel ghi ra, theo đúng biểu mẫu đăng ký.")
@config_option()
@click.option("--force", is_flag=True, help="Cho phép ghi đè tệp --out đã có.")
@_campaign_options
def restore(unit, when, out, config_path, force, year, source):
    """Ghi ra biểu mẫu đăng ký của một đơn vị đúng như lúc THỜI_ĐIỂM, để chép lại vào trang tính.

    Lấy từ lần kiểm tra gần nhất trước (hoặc đúng) thời điểm đó, trong cùng một đợt (năm trong
    cấu hình và nguồn [source] spec; đổi bằng --year, --source).

    \b
    Ví dụ:
      danvan restore DB-CUCTHUE --at "2023-04-20 09:00" --out khoi-phuc-cuc-thue.xlsx
    """
    from danvan_sheets.history.restore import form_rows
    from danvan_sheets.history.timeline import parse_when, snapshot_at
    from danvan_sheets.pipeline import check_suffix
    from danvan_sheets.writers.export_xlsx import typed_rows_group, write_unit_form

    settings = load(config_path)
    try:
        check_suffix(out, (".xlsx",))  # a usage mistake, said before anything is looked up
    except DanvanError as exc:
        raise user_error(exc) from None
    path = _db(settings)
    source_option = source
    year, source = _campaign(settings, year, source)
    try:
        if Path(out).exists() and not force:
            # The file a clerk names may be the downloaded registrations themselves.
            raise ConfigError(f"Tệp {out} đã có. Hãy chọn tên khác, hoặc thêm --force nếu chắc chắn muốn ghi đè.")
        from danvan_sheets.pipeline import guard_sources

        guard_sources(out, source_option, settings.source.spec)
        at = parse_when(when)
        state = snapshot_at(path, unit, at, year, source)
        if state is None:
            raise ConfigError(f"Lịch sử không có đăng ký nào của đơn vị “{unit}” tại hoặc trước {_when(at)}. "
                              f"Xem các lần đã ghi bằng: danvan history {cli_arg(unit)}")
        snap = state.snapshot
        groups = {f: [typed_rows_group(rows)] for f, rows in form_rows(state.rows).items() if rows}
        note = f"(Khôi phục theo lần kiểm tra lúc {_when(snap.run_at)}" + (
            f", trang “{snap.tab}”)" if snap.tab else ")"
        )
        written = write_unit_form(settings.campaign, snap.name, note, groups, out)
    except DanvanError as exc:
        raise user_error(exc) from None
    click.echo(f"Đã ghi {len(state.rows)} dòng đăng ký của {snap.name} (lúc {_when(snap.run_at)}) vào {written}")
    if state.damaged:
        from danvan_sheets.history.store import damage_text

        # Elsewhere in the unit's history, not in what was written: worth fixing, not a failure.
        click.echo(f"Lưu ý: {damage_text(state.damaged)}", err=True)

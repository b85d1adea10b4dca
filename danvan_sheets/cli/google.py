"""`danvan doctor`, `danvan init`, `danvan login`: setting up the shared Google spreadsheet."""

from __future__ import annotations

import click

from danvan_sheets.cli.base import VietCommand, config_option, load, parse_as_of, stdout_console, user_error
from danvan_sheets.errors import ConfigError, DanvanError

_MARK = {True: "[green]✓[/]", False: "[red]✗[/]", None: "[cyan]•[/]"}


def _gsheet_target(source: str | None, settings) -> str:
    return _gsheet_spec(source, settings).target


def _gsheet_spec(source: str | None, settings):
    from danvan_sheets.pipeline import resolve_spec

    if not (source or settings.source.spec):
        raise ConfigError("Chưa chỉ ra bảng tính. Hãy thêm --source gsheet:MÃ_HOẶC_ĐƯỜNG_DẪN hoặc ghi [source] spec "
                          "trong cấu hình.")
    spec = resolve_spec(source, settings)
    if not spec.publishes:
        raise ConfigError(f"Lệnh này dùng cho bảng tính Google: hãy ghi --source gsheet:ID_HOẶC_URL (đang là {spec}).")
    return spec


@click.command(cls=VietCommand, short_help="Kiểm tra cài đặt Google và chỉ ra cần sửa gì.")
@click.option("--source", metavar="gsheet:ID", help="Bảng tính cần kiểm tra (mặc định lấy từ cấu hình).")
@click.option("--units", "units_path", metavar="CSV", help="Danh sách đơn vị, để đối chiếu tên trang.")
@config_option()
def doctor(source, units_path, config_path):
    """Kiểm tra cài đặt Google và chỉ ra cần sửa gì.

    Kiểm tra tệp khóa, quyền đọc tệp, địa chỉ cần chia sẻ, bảng tính có mở được
    không, trang nào khớp đơn vị nào, đơn vị nào chưa có trang.
    Mã thoát 0 khi mọi thứ ổn, 2 khi sai cấu hình, 3 khi không mở được bảng tính.

    \b
    Ví dụ:
      danvan doctor --source gsheet:1AbCdEf... --units config/don-vi.csv
    """
    from rich.markup import escape

    from danvan_sheets.google.doctor import DoctorReport, check_credentials

    console = stdout_console()  # not squeezed to 80 columns when piped into a log
    rep = DoctorReport()
    try:
        settings = load(config_path)
        rep.add(True, f"Đọc được cấu hình {settings.path}: đợt “{settings.campaign.title}” năm "
                      f"{settings.campaign.year}.")
    except click.ClickException as exc:
        rep.fail(exc.format_message(), 2)
        settings = None
    if settings is not None:
        cred, email = check_credentials(settings)
        rep.findings += cred.findings
        rep.exit_code = max(rep.exit_code, cred.exit_code)
        if rep.exit_code == 0:
            _doctor_sheet(rep, settings, source, units_path, email)
        _last_success(rep, settings)
    for f in rep.findings:
        console.print(f"{_MARK[f.ok]} {escape(f.text)}")
    if rep.exit_code:
        console.print("[red]Hãy sửa các mục đánh dấu ✗ rồi chạy lại danvan doctor.[/]")
    elif any(f.ok is False for f in rep.findings):
        # A unit without a tab or a key readable by others is not fatal (exit 0), but saying
        # "Mọi thứ đã sẵn sàng" right under a ✗ contradicted it.
        console.print("[yellow]Dùng được, nhưng còn mục đánh dấu ✗ nên sửa.[/]")
    else:
        console.print("[green]Mọi thứ đã sẵn sàng.[/]")
    raise SystemExit(rep.exit_code)


def _doctor_sheet(rep, settings, source, units_path, email) -> None:
    from danvan_sheets.core.model import SheetReading
    from danvan_sheets.core.summary import is_reserved, match_tabs
    from danvan_sheets.google.client import open_client, spreadsheet_id
    from danvan_sheets.google.errors import share_advice, status_of, translate
    from danvan_sheets.pipeline import resolve_units
    from danvan_sheets.sources.gsheet import fetch_metadata

    try:
        spec = _gsheet_spec(source, settings)
        target = spec.target
        key = spreadsheet_id(target)
        units = resolve_units(units_path, settings)
        client, identity, session = open_client(settings)
    except DanvanError as exc:
        rep.fail(str(exc), exc.exit_code)
        return
    try:
        meta = fetch_metadata(client, key)
    except Exception as exc:  # noqa: BLE001
        if status_of(exc) == 404:
            rep.fail(f"Không tìm thấy bảng tính (mã 404). Kiểm tra lại mã hoặc đường dẫn bảng tính “{target}” (chép "
                     f"nguyên đường dẫn trên thanh địa chỉ của trình duyệt), và việc chia sẻ: {share_advice(email)}", 3)
        elif status_of(exc) == 403:
            rep.fail(f"Không mở được bảng tính (mã 403). {share_advice(email)}", 3)
        else:
            rep.fail(str(translate(exc, "mở bảng tính", email)), 3)
        return
    titles = [s["properties"]["title"] for s in meta.get("sheets", [])]
    rep.add(True, f"Mở được bảng tính “{meta.get('properties', {}).get('title', key)}” ({len(titles)} trang).")
    if not units:
        rep.add(None, "Chưa có danh sách đơn vị (--units hoặc [source] units): bỏ qua bước đối chiếu trang.")
        return
    from danvan_sheets.sources.form import FormResponsesSource

    if isinstance(spec, FormResponsesSource):
        _doctor_responses(rep, settings, spec, units)
        return
    readings: list[tuple[object, SheetReading]] = [(None, SheetReading(title=t)) for t in titles]
    matched, unknown = match_tabs(units, readings)
    for u in units:
        if u.code in matched:
            rep.add(True, f"{u.name} → trang “{titles[matched[u.code][0]]}”.")
    missing = [u for u in units if u.code not in matched]
    for u in missing:
        rep.add(False, f"{u.name}: chưa có trang. Chạy `danvan init` để tạo trang theo biểu mẫu.")
    for t in unknown:
        if not is_reserved(t):
            rep.add(None, f"Trang “{t}” không khớp đơn vị nào (sẽ được bỏ qua khi tổng hợp).")


def _doctor_responses(rep, settings, spec, units) -> None:
    """A Form's responses sheet has no tab per unit: say which units answered, never "run init"."""
    from danvan_sheets.core.model import SheetReading
    from danvan_sheets.core.summary import match_tabs
    from danvan_sheets.sources.form import answer_rows

    try:
        data = spec.read(settings)
    except DanvanError as exc:
        rep.fail(str(exc), exc.exit_code)
        return
    sheets = sorted({t.origin for t in data.tabs if t.origin})
    if sheets:
        rep.add(True, "Trang câu trả lời của Google Biểu mẫu: " + ", ".join(f"“{t}”" for t in sheets) + ".")
    else:
        rep.add(None, "Trang câu trả lời có dòng tiêu đề nhưng chưa có câu trả lời nào.")
    matched, unknown = match_tabs(units, [(t, SheetReading(title=t.title)) for t in data.tabs])
    for u in units:
        if u.code in matched:
            tab = data.tabs[matched[u.code][0]]
            answers = len(answer_rows(tab))
            rep.add(True, f"{u.name}: đã gửi {answers} câu trả lời.")
        else:
            # Not a set-up fault: the unit has not filled in the Form yet, as check reports it.
            rep.add(None, f"{u.name}: chưa gửi câu trả lời nào qua biểu mẫu.")
    for t in unknown:
        rep.add(None, f"Câu trả lời ghi đơn vị “{t}”, không khớp đơn vị nào trong danh sách (sẽ được bỏ qua khi "
                      "tổng hợp): hãy sửa tên đơn vị trong danh sách chọn của biểu mẫu cho khớp.")


def _last_success(rep, settings) -> None:
    try:
        from danvan_sheets.runs.state import last_success_text
    except ImportError:
        return
    text = last_success_text(settings)
    if text:
        rep.add(None, text)


@click.command(cls=VietCommand, short_help="Bố trí bảng tính: mỗi đơn vị một trang, khóa vùng, chia sẻ.")
@click.option("--source", metavar="gsheet:ID", help="Bảng tính cần bố trí (mặc định lấy từ cấu hình).")
@click.option("--create", "create_title", metavar="TÊN", help="Tạo bảng tính mới với tên này thay vì dùng --source.")
@click.option("--units", "units_path", metavar="CSV", help="Danh sách đơn vị: mỗi đơn vị một trang.")
@config_option()
@click.option(
    "--folder",
    metavar="THƯ_MỤC",
    help="Với --create: tạo bảng tính trong thư mục Google Drive này (đường dẫn "
    "hoặc mã). Tài khoản dịch vụ chỉ tạo được trong thư mục của Drive dùng chung (Shared Drive).",
)
@click.option("--share", is_flag=True,
              help="Chia sẻ bảng tính (quyền Người chỉnh sửa) với email của từng đơn vị và [google] staff_emails.")
@click.option("--no-notify", is_flag=True, help="Khi chia sẻ, không gửi email thông báo.")
@click.option("--form-sheet", is_flag=True,
              help="Đăng ký bằng Google Biểu mẫu: tạo trang câu trả lời có hàng tiêu đề để liên kết biểu mẫu "
                   "(thay cho mỗi đơn vị một trang), và in các câu hỏi cần tạo.")
@click.option("--carry", metavar="TỆP.xlsx",
              help="Chép các mô hình “duy trì” trong tệp do danvan campaign new --carry ghi vào trang mới của từng "
                   "đơn vị (trang đã có thì không sửa).")
@click.option("--lock-after-deadline", "lock", is_flag=True,
              help="Sau hạn đăng ký cộng [google] lock_grace_days ngày: khóa trang của mỗi đơn vị, chỉ Ban Tuyên "
                   "giáo sửa được (trừ đơn vị có cột “Gia hạn đến” trong danh sách đơn vị); ghi vào lịch sử. "
                   "Trước hạn đó không thay đổi gì.")
@click.option(
    "--as-of",
    "as_of",
    metavar="NGÀY",
    help="Với --lock-after-deadline: ngày dùng để xét hạn, dạng 2023-05-02 hoặc 02/05/2023 (mặc định hôm nay).",
)
def init(source, create_title, folder, units_path, config_path, share, no_notify, form_sheet, carry, lock, as_of):
    """Bố trí bảng tính cho đợt đăng ký: mỗi đơn vị một trang theo biểu mẫu.

    Tạo trang còn thiếu (tiêu đề, dòng Đơn vị, tiêu đề cột, dòng (1)…(7), Tổng số,
    các mục I–IV), danh sách chọn Quy mô, gợi ý cách ghi thời gian, trang Hướng dẫn,
    khóa các vùng (mỗi trang chỉ đơn vị đó và Ban Tuyên giáo được sửa). Chạy lại
    nhiều lần vẫn an toàn: không bao giờ ghi đè hay xóa những gì đơn vị đã nhập;
    trên trang đơn vị đã điền, vùng khóa tiêu đề chỉ gồm các dòng trên dòng tiêu đề cột.
    Bảng tính do lệnh tạo (--create) hoặc chạy với --share được chia sẻ cho [google]
    staff_emails; chạy lại sau khi thêm người vào staff_emails (hay đổi email đơn vị) thì
    các vùng khóa đã có được thêm người sửa (không tự gỡ ai).
    --lock-after-deadline chỉ khóa trang đơn vị sau hạn (không bố trí, không chia sẻ).

    \b
    Ví dụ:
      danvan init --source gsheet:1AbCdEf... --units config/don-vi.csv --share
      danvan init --create "Đăng ký Dân vận khéo 2024" --units config/don-vi.csv
      danvan init --create "Đăng ký Dân vận khéo 2024" --units config/don-vi.csv --carry duy-tri-2024.xlsx
      danvan init --create "Đăng ký 2024" --folder https://drive.google.com/drive/folders/0AbC... --units
      config/don-vi.csv
      danvan init --create "Đăng ký bằng biểu mẫu 2024" --units config/don-vi.csv --form-sheet
      danvan init --source gsheet:1AbCdEf... --units config/don-vi.csv --lock-after-deadline
    """
    from danvan_sheets.google.client import folder_id, open_client, spreadsheet_id
    from danvan_sheets.google.errors import translate
    from danvan_sheets.google.setup import InitResult, create_spreadsheet, filled_forms, matched_tabs, plan_requests
    from danvan_sheets.google.setup import share as share_units
    from danvan_sheets.pipeline import resolve_units
    from danvan_sheets.sources.gsheet import batch_read, fetch_metadata

    settings = load(config_path)
    if as_of and not lock:
        raise user_error(ConfigError("--as-of chỉ dùng cùng --lock-after-deadline."))
    if lock and (create_title or folder or share or form_sheet or carry):
        raise user_error(ConfigError("--lock-after-deadline chỉ khóa trang đơn vị của một bảng tính đã có: không dùng "
                                     "cùng --create, --folder, --share, --form-sheet hay --carry."))
    if carry and form_sheet:
        raise user_error(ConfigError("--carry chép mô hình vào trang của từng đơn vị: không dùng cùng --form-sheet."))
    if lock:
        _lock_after_deadline(settings, source, units_path, parse_as_of(as_of))
        return
    try:
        units = resolve_units(units_path, settings)
        if not units:
            raise ConfigError("Cần danh sách đơn vị: thêm --units TỆP.csv hoặc ghi [source] units trong cấu hình.")
        if create_title and source:
            raise ConfigError("Chỉ dùng một trong hai: --create hoặc --source.")
        if folder and not create_title:
            raise ConfigError("--folder chỉ dùng cùng --create (thư mục để tạo bảng tính mới).")
        folder_key = folder_id(folder) if folder else None
        key = "" if create_title else spreadsheet_id(_gsheet_target(source, settings))
        # Read before anything is sent: a wrong file costs no new spreadsheet.
        carried = _read_carry(carry, units, settings) if carry else None
        client, identity, session = open_client(settings, drive=bool(create_title or share))
    except DanvanError as exc:
        raise user_error(exc) from None
    staff = list(settings.google.staff_emails)
    try:
        if create_title:
            key = create_spreadsheet(client, create_title, folder_key, identity.mode, identity.email)
        meta = fetch_metadata(client, key)
        result = InitResult(key, f"https://docs.google.com/spreadsheets/d/{key}/edit")
        if form_sheet:
            from danvan_sheets.google.form_sheet import plan_form_sheet

            reqs = plan_form_sheet(client, key, meta, units, result, drop_default_sheet=bool(create_title))
        else:
            # The form as the units filled it: the title lock stops above the header the reader finds.
            existing = list(matched_tabs(meta, units).values())
            forms = filled_forms(batch_read(client, key, existing), settings.campaign.year) if existing else {}
            reqs = plan_requests(meta, units, settings.campaign, staff, result,
                                 drop_default_sheet=bool(create_title), forms=forms,
                                 carried=carried.rows if carried else None, caller=identity.email)
        if reqs:
            client.http_client.batch_update(key, {"requests": reqs})
            result.changed = True
        if share or (create_title and staff):
            # A sheet the tool created belongs to whoever ran it: the staff could not open it. On
            # --share too: staff added to the config later get edit rights on the ranges, not the file.
            share_units(client, key, units if share else [], settings.campaign, not no_notify, result,
                        staff=staff, who=identity.email)
    except DanvanError as exc:
        raise user_error(exc) from None
    except Exception as exc:  # noqa: BLE001
        from danvan_sheets.google.errors import is_google_failure

        # google-auth's token failures too: they crashed init with a traceback before.
        if is_google_failure(exc):
            raise user_error(translate(exc, "bố trí bảng tính", identity.email, session.stats.last_tries)) from None
        raise
    _print_init(result, staff, carried, carry, shared=bool(share or create_title))
    if form_sheet:
        from danvan_sheets.google.form_sheet import instructions

        for line in instructions():
            click.echo(line.replace("gsheet:MÃ", f"gsheet:{result.key}"))


def _lock_after_deadline(settings, source, units_path, today) -> None:
    """init --lock-after-deadline: every unit's tab staff-only once its editing days are over, one batchUpdate."""
    import datetime as dt

    from danvan_sheets.google.client import open_client, spreadsheet_id
    from danvan_sheets.google.errors import is_google_failure, translate
    from danvan_sheets.google.lock import lock_due, plan_lock
    from danvan_sheets.google.setup import matched_tabs
    from danvan_sheets.history import record_lock_changes
    from danvan_sheets.pipeline import resolve_spec, resolve_units
    from danvan_sheets.sources.gsheet import fetch_metadata

    staff = list(settings.google.staff_emails)
    try:
        units = resolve_units(units_path, settings)
        if not units:
            raise ConfigError("Cần danh sách đơn vị: thêm --units TỆP.csv hoặc ghi [source] units trong cấu hình.")
        key = spreadsheet_id(_gsheet_target(source, settings))
        spec = resolve_spec(source, settings)
        client, identity, session = open_client(settings)
    except DanvanError as exc:
        raise user_error(exc) from None
    due = lock_due(settings.campaign.deadline, settings.google.lock_grace_days)
    try:
        meta = fetch_metadata(client, key)
        ids = {s["properties"]["title"]: s["properties"].get("sheetId", 0) for s in meta.get("sheets", [])}
        tabs = {code: ids[title] for code, title in matched_tabs(meta, units).items()}
        plan = plan_lock(meta, tabs, units, staff, identity.email, today, due)
        if plan.requests:
            # One batch for every unit: Google applies it whole or not at all.
            client.http_client.batch_update(key, {"requests": plan.requests})
    except Exception as exc:  # noqa: BLE001
        if is_google_failure(exc):
            raise user_error(translate(exc, "khóa trang đơn vị", identity.email, session.stats.last_tries)) from None
        raise
    click.echo(f"Bảng tính: https://docs.google.com/spreadsheets/d/{key}/edit")
    for line in plan.lines(settings.campaign.deadline):
        click.echo(line)
    if plan.locked and not staff:
        click.echo("Lưu ý: chưa ghi [google] staff_emails, nên chỉ chủ sở hữu bảng tính và tài khoản chạy công cụ "
                   "sửa được các trang đã khóa.")
    try:
        record_lock_changes(settings, str(spec), plan.changed(), dt.datetime.now())
    except DanvanError as exc:
        raise user_error(exc) from None


def _read_carry(path: str, units, settings):
    """The carried workbook (campaign new --carry), read like any form: -> campaign.carry.CarryPlan."""
    from pathlib import Path

    from danvan_sheets.campaign.carry import carry_plan
    from danvan_sheets.core.reader import read_tabs
    from danvan_sheets.pipeline import check_suffix
    from danvan_sheets.sources import parse_spec

    check_suffix(path, (".xlsx",))
    if not Path(path).is_file():
        raise ConfigError(f"Không thấy tệp mô hình duy trì {path} (tệp do danvan campaign new --carry ghi).")
    data = parse_spec(f"xlsx:{path}").read(settings)
    plan = carry_plan(units, read_tabs(data.tabs, settings.campaign.year))
    plan.notes[:0] = data.notices
    return plan


def _print_carry(result, carried, path: str) -> None:
    def listed(counts: dict[str, int]) -> str:
        return ", ".join(f"{title} ({n})" for title, n in counts.items())

    if result.carried:
        click.echo(f"Đã chép {sum(result.carried.values())} mô hình “duy trì” vào trang mới của {len(result.carried)} "
                   f"đơn vị: {listed(result.carried)}. Đơn vị ghi lại thời gian xây dựng, thời gian hoàn thành.")
    if result.carry_refused:
        click.echo(f"Không chép mô hình “duy trì” vào {len(result.carry_refused)} trang đã có (init không sửa trang "
                   f"đơn vị đã có): {listed(result.carry_refused)}; hãy chép tay từ trang cùng tên trong {path}.")
    if not result.carried and not result.carry_refused:
        click.echo(f"Tệp {path} không có mô hình “duy trì” nào của các đơn vị trong danh sách: không chép gì.")
    for note in carried.notes:
        click.echo(f"Lưu ý: {note}", err=True)


def _print_stale_editors(result) -> None:
    # init only adds editors (google/setup.py editor_updates): whoever the config dropped is named here.
    for email, tabs in result.stale_editors.items():
        if email.lower() in result.owners:
            continue
        click.echo(f"Lưu ý: {email} vẫn sửa được {len(tabs)} vùng khóa (trang: {', '.join(dict.fromkeys(tabs))}) "
                   "dù không có trong [google] staff_emails hay danh sách đơn vị. Công cụ không tự gỡ quyền sửa; "
                   "nếu không cần nữa, hãy gỡ bằng tay trong Dữ liệu > Trang tính và dải ô được bảo vệ.")


def _print_init(result, staff, carried=None, carry_path: str = "", shared: bool = False) -> None:
    click.echo(f"Bảng tính: {result.url}")
    r = result
    # Each line is said only when its part of the set-up did something.
    lines = [
        (r.added_tabs, f"Đã thêm {len(r.added_tabs)} trang: {', '.join(r.added_tabs)}."),
        (r.kept_tabs, f"Giữ nguyên {len(r.kept_tabs)} trang đã có (không sửa dữ liệu đơn vị đã nhập)."),
        (r.protections, f"Đã khóa {r.protections} vùng."),
        (r.unlocked_tabs, f"Đã thu hẹp vùng khóa tiêu đề (để đơn vị sửa được các dòng của mình) ở "
                          f"{len(r.unlocked_tabs)} trang: {', '.join(r.unlocked_tabs)}."),
        (r.editor_ranges, f"Đã thêm người được sửa vào {r.editor_ranges} vùng khóa đã có: "
                          f"{', '.join(r.new_editors)}."),
        (r.editor_ranges and not shared, "Nếu người mới được thêm chưa mở được bảng tính, chạy lại "
                                         "`danvan init --share` để chia sẻ bảng tính (quyền Người chỉnh sửa)."),
        (not r.changed, "Bảng tính đã đủ trang và vùng khóa, không cần thay đổi."),
        (not staff, "Lưu ý: chưa ghi [google] staff_emails, nên chỉ chủ sở hữu bảng tính sửa được các vùng khóa."),
        (r.staff_shared, f"Đã chia sẻ cho Ban Tuyên giáo (quyền Người chỉnh sửa): {', '.join(r.staff_shared)}."),
        (r.shared, f"Đã chia sẻ với {len(r.shared)} địa chỉ email."),
        (r.already_shared, f"{len(r.already_shared)} địa chỉ đã được chia sẻ từ trước."),
    ]
    for said, line in lines:
        if said:
            click.echo(line)
    _print_stale_editors(result)
    if carried is not None:
        _print_carry(result, carried, carry_path)
    for failure in result.share_failures:
        click.echo(f"Không chia sẻ được: {failure}", err=True)
    if result.share_failures:
        raise SystemExit(3)


@click.command(cls=VietCommand, short_help="Đăng nhập Google bằng tài khoản cán bộ (khi auth = \"oauth\").")
@config_option()
@click.option("--browser", metavar="TÊN", default=None,
              help="Trình duyệt mở trang đăng nhập: tên (ví dụ firefox, google-chrome) hoặc dòng lệnh có %s ở chỗ "
                   "địa chỉ (mặc định: trình duyệt chính của máy).")
def login(config_path, browser):
    """Đăng nhập Google bằng tài khoản của cán bộ (khi [google] auth = "oauth").

    Mở trình duyệt để đăng nhập một lần; mã đăng nhập được lưu ngoài thư mục dự án
    (mặc định ~/.config/danvan-sheets/token.json), chỉ người dùng hiện tại đọc được.
    Nếu sau 5 phút chưa đăng nhập xong, lệnh dừng (mã thoát 3); chạy lại là được.

    \b
    Ví dụ:
      danvan login --config config/danvan.toml
      danvan login --browser firefox
    """
    from danvan_sheets.google.auth import login as do_login
    from danvan_sheets.google.client import scopes_for

    settings = load(config_path)
    if settings.google.auth != "oauth":
        # A token nobody will use: the runs keep using the service-account key.
        raise user_error(ConfigError(
            "Cấu hình đang dùng tài khoản dịch vụ ([google] auth chưa là \"oauth\"), nên không cần đăng nhập; "
            "chạy `danvan doctor` để kiểm tra. Muốn dùng tài khoản Google của cán bộ: ghi auth = \"oauth\" và "
            "client_secrets vào mục [google] rồi chạy lại `danvan login`."))
    try:
        token = do_login(settings.google, scopes_for(drive=True), browser=browser)
    except DanvanError as exc:
        raise user_error(exc) from None
    click.echo(f"Đã đăng nhập. Mã đăng nhập lưu ở {token}.")

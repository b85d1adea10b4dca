"""`danvan init`: lay the spreadsheet out for the year, add only what is missing, share it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from danvan_sheets.addresses import split_addresses
from danvan_sheets.core.model import Campaign, SheetReading, Unit
from danvan_sheets.core.summary import match_tabs
from danvan_sheets.core.tables import SUMMARY_SHEETS, summary_title
from danvan_sheets.google import layout

_FIRST_TAB_ID = 1_000_001


@dataclass
class InitResult:
    key: str
    url: str
    added_tabs: list[str] = field(default_factory=list)
    kept_tabs: list[str] = field(default_factory=list)
    protections: int = 0
    shared: list[str] = field(default_factory=list)
    already_shared: list[str] = field(default_factory=list)
    staff_shared: list[str] = field(default_factory=list)
    unlocked_tabs: list[str] = field(default_factory=list)
    share_failures: list[str] = field(default_factory=list)
    changed: bool = False
    carried: dict[str, int] = field(default_factory=dict)  # new tab -> models carried into it (--carry)
    carry_refused: dict[str, int] = field(default_factory=dict)  # existing tab -> models not carried into it
    editor_ranges: int = 0  # existing protections that got editors added
    new_editors: list[str] = field(default_factory=list)  # the addresses added to them
    stale_editors: dict[str, list[str]] = field(default_factory=dict)  # address -> tabs it edits, unlisted
    owners: set[str] = field(default_factory=set)  # the file's owners (lowercase), when Drive was asked


@dataclass(frozen=True)
class FilledForm:
    """Where the reader found an existing tab's form: the title lock stops above `header_row`
    (1-based; None: no header found), and no lock may reach `first_unit_row` (1-based; None: no rows)."""

    header_row: int | None
    first_unit_row: int | None


FOLDER_NOT_FOUND = (
    "Google không thấy thư mục {folder} khi tạo bảng tính (mã 404). Kiểm tra lại đường dẫn thư mục "
    "(chép nguyên đường dẫn trên thanh địa chỉ khi mở thư mục trong Google Drive), và {who} phải là thành viên "
    "của Drive dùng chung chứa thư mục đó với quyền Người quản lý nội dung (Content manager) trở lên."
)
OWN_DRIVE_FULL = (
    "Google từ chối tạo bảng tính (mã 403 storageQuotaExceeded): Drive của tài khoản đang đăng nhập đã hết dung "
    "lượng. Hãy xóa bớt tệp trong Drive (nhớ dọn cả Thùng rác), hoặc tạo trong một thư mục của Drive dùng chung: "
    "thêm --folder ĐƯỜNG_DẪN_THƯ_MỤC, hoặc tự tạo bảng tính rồi chạy `danvan init --source gsheet:ĐƯỜNG_DẪN`."
)

MY_DRIVE_FOLDER = (
    "Thư mục {folder} nằm trong “Drive của tôi” của một người, không phải Drive dùng chung: chia sẻ thư mục cho "
    "tài khoản dịch vụ cũng không đủ, vì tệp tạo ở đó vẫn thuộc tài khoản dịch vụ (Drive dùng chung chỉ có ở "
    "Google Workspace của cơ quan)."
)


def create_spreadsheet(client, title: str, folder: str | None, mode: str, who: str | None) -> str:
    """A new spreadsheet's id (in `folder` when given). Drive's refusals that translate() cannot
    tell apart are said here: a 404 is the folder, not a spreadsheet; storageQuotaExceeded for a
    person's own login (`mode` "oauth") is a full Drive, not a service account's lack of one."""
    import gspread

    from danvan_sheets.errors import SourceError
    from danvan_sheets.google.errors import STORAGE_ADVICE, reason_of, status_of

    try:
        return str(client.create(title, folder_id=folder).id)
    except gspread.exceptions.APIError as exc:
        if folder and status_of(exc) == 404:
            raise SourceError(FOLDER_NOT_FOUND.format(
                folder=folder, who=who or "tài khoản dùng để chạy công cụ")) from None
        if status_of(exc) == 403 and reason_of(exc) == "storageQuotaExceeded":
            if mode == "oauth":
                raise SourceError(OWN_DRIVE_FULL) from None
            if folder:
                advice = STORAGE_ADVICE.format(who=who or "tài khoản dùng để chạy công cụ")
                raise SourceError(f"{MY_DRIVE_FOLDER.format(folder=folder)} {advice}") from None
        raise


def matched_tabs(metadata: dict, units: list[Unit]) -> dict[str, str]:
    """unit code -> title of its existing tab, by the matching check and aggregate use."""
    titles = [s["properties"]["title"] for s in metadata.get("sheets", [])]
    found, _unknown = match_tabs(units, [(None, SheetReading(title=t)) for t in titles])
    return {code: titles[idxs[0]] for code, idxs in found.items()}


def filled_forms(values: dict[str, list[list[object]]], year: int) -> dict[str, FilledForm]:
    """What the reader sees on each existing unit tab (title -> FilledForm)."""
    from danvan_sheets.core.reader import read_tab

    out = {}
    for title, rows in values.items():
        reading = read_tab(title, rows, year)
        header = reading.header_row
        rows_seen = [e.row for e in reading.entries]
        rows_seen += [p.row for p in reading.problems if p.row and header and p.row > header]
        out[title] = FilledForm(header, min(rows_seen) if rows_seen else None)
    return out


def _title_lock_fix(sheet: dict, unit: Unit, form: FilledForm) -> dict | None:
    """An updateProtectedRange shrinking an earlier title lock that covers the unit's own rows."""
    if form.first_unit_row is None:
        return None
    _tab_desc, head_desc = layout.protection_descriptions(unit)
    for pr in sheet.get("protectedRanges", []):
        rng = pr.get("range", {})
        if pr.get("description") != head_desc or rng.get("endRowIndex", 10**9) < form.first_unit_row:
            continue
        end = (form.header_row or 1) - 1
        if end <= 0:
            return {"deleteProtectedRange": {"protectedRangeId": pr["protectedRangeId"]}}
        return {"updateProtectedRange": {"protectedRange": {
            "protectedRangeId": pr["protectedRangeId"], "range": {**rng, "startRowIndex": 0, "endRowIndex": end}},
            "fields": "range"}}
    return None


@dataclass(frozen=True)
class OwnProtection:
    """A protection init adds, told apart from anyone else's by its tab and description.

    `editors`: who it must list now; `tolerated`: who may be listed without being reported."""

    sheet_id: int
    title: str
    description: str
    editors: tuple[str, ...]
    tolerated: frozenset[str] = frozenset()


def own_protections(props: dict[str, dict], matched: dict[str, str], units: list[Unit],
                    staff: list[str]) -> list[OwnProtection]:
    """The tool's protections on tabs that exist already, with the editors the config gives them now."""
    staff_only = tuple(_unique(staff))
    out = []
    for title, p in props.items():
        canonical = "Hướng dẫn" if title == "Hướng dẫn" else summary_title(title)
        if canonical:
            out.append(OwnProtection(p.get("sheetId", 0), title, layout.staff_description(canonical), staff_only))
    for u in units:
        if u.code not in matched:
            continue
        title = matched[u.code]
        sid = props[title].get("sheetId", 0)
        tab_desc, head_desc = layout.protection_descriptions(u)
        own = split_addresses(u.email)
        out += [OwnProtection(sid, title, tab_desc, tuple(_unique([*staff, *own]))),
                OwnProtection(sid, title, head_desc, staff_only),
                # Whether the unit is back on a locked tab is the lock's business (lock.py), not init's.
                OwnProtection(sid, title, layout.locked_description(u), staff_only,
                              frozenset(e.lower() for e in own))]
    return out


def _unique(emails: list[str]) -> list[str]:
    """Each address once, whatever its case (Google compares addresses without case)."""
    seen: dict[str, str] = {}
    for e in (x.strip() for x in emails):
        if e:
            seen.setdefault(e.lower(), e)
    return sorted(seen.values())


def editor_updates(metadata: dict, own: list[OwnProtection], caller: str | None, skip: set[int],
                   result: InitResult) -> list[dict]:
    """updateProtectedRange requests adding the missing editors to the tool's own protections.

    Editors are only ever added, never removed: a line lost from the config (a typo, a units list
    pasted from last year) must not take a person's edit rights away mid-campaign. Addresses a
    protection lists but the config no longer does are put in `result.stale_editors` for the staff
    to remove by hand. `skip`: protections the same batch deletes.
    """
    by_id = {s["properties"].get("sheetId", 0): s for s in metadata.get("sheets", [])}
    reqs = []
    for want in own:
        for pr in by_id.get(want.sheet_id, {}).get("protectedRanges", []):
            # A warning-only range takes no editors (Google refuses them): someone chose that on purpose.
            if pr.get("description") != want.description or pr.get("warningOnly") or pr["protectedRangeId"] in skip:
                continue
            if req := _editor_update(pr, want, caller, result):
                reqs.append(req)
    return reqs


def _editor_update(pr: dict, want: OwnProtection, caller: str | None, result: InitResult) -> dict | None:
    editors = pr.get("editors") or {}
    users = [str(u) for u in editors.get("users") or []]
    have = {u.lower() for u in users}
    listed = {e.lower() for e in want.editors} | want.tolerated | ({caller.lower()} if caller else set())
    for u in users:
        if u.lower() not in listed:
            result.stale_editors.setdefault(u, []).append(want.title)
    missing = [e for e in want.editors if e.lower() not in have]
    if not missing:
        return None
    result.editor_ranges += 1
    result.new_editors += [e for e in missing if e not in result.new_editors]
    # The `editors` mask replaces the whole object: groups and domain access are sent back as they were.
    return {"updateProtectedRange": {"protectedRange": {
        "protectedRangeId": pr["protectedRangeId"], "editors": {**editors, "users": users + missing}},
        "fields": "editors"}}


def plan_requests(metadata: dict, units: list[Unit], campaign: Campaign, staff: list[str], result: InitResult,
                  drop_default_sheet: bool = False, forms: dict[str, FilledForm] | None = None,
                  carried: dict[str, dict[str, list[list[object]]]] | None = None,
                  caller: str | None = None) -> list[dict]:
    """Requests that add missing tabs and protections, and missing editors to the tool's own
    protections (editor_updates); existing tabs' cells are never touched.

    `forms`: the reader's view of existing unit tabs (filled_forms); their title lock covers only
    the rows above the header the reader found, never a unit's own rows.
    `carried`: unit code -> field -> rows it keeps from last year (campaign.carry.carry_plan),
    written into its tab when init adds that tab; an existing tab is left as it is and named.
    `caller`: the account running the tool, which Google lists among every protection's editors.
    """
    carried = carried or {}
    forms = forms or {}
    sheets = [s for s in metadata.get("sheets", [])]
    props = {s["properties"]["title"]: s["properties"] for s in sheets}
    existing_desc = {pr.get("description", "") for s in sheets for pr in s.get("protectedRanges", [])}
    used = {p.get("sheetId", 0) for p in props.values()}
    next_id = _FIRST_TAB_ID

    def new_id() -> int:
        nonlocal next_id
        while next_id in used:
            next_id += 1
        used.add(next_id)
        return next_id

    reqs: list[dict] = []
    if "Hướng dẫn" not in props:
        gid = new_id()
        reqs += layout.guide_requests(gid, campaign)
        reqs.append(layout.staff_protection_request(gid, "Hướng dẫn", staff))
        result.added_tabs.append("Hướng dẫn")
    elif layout.staff_description("Hướng dẫn") not in existing_desc:
        reqs.append(layout.staff_protection_request(props["Hướng dẫn"].get("sheetId", 0), "Hướng dẫn", staff))

    # The same matching check and aggregate use, so init never adds a tab they would not find.
    matched = matched_tabs(metadata, units)
    result.kept_tabs += list(matched.values())
    by_title = {s["properties"]["title"]: s for s in sheets}
    for u in units:
        if u.code in matched:
            title = matched[u.code]
            sid = props[title].get("sheetId", 0)
            form = forms.get(title, FilledForm(None, None))
            # Rows above the header the reader found; none when it found no header (an empty tab).
            head_end = (form.header_row - 1) if form.header_row else 0
            if fix := _title_lock_fix(by_title[title], u, form):
                reqs.append(fix)
                result.unlocked_tabs.append(title)
            if n := sum(len(r) for r in carried.get(u.code, {}).values()):
                result.carry_refused[title] = n
        else:
            sid = new_id()
            reqs += layout.unit_tab_requests(sid, u, campaign, carried=carried.get(u.code))
            result.added_tabs.append(u.tab or u.name)
            if n := sum(len(r) for r in carried.get(u.code, {}).values()):
                result.carried[u.tab or u.name] = n
            head_end = layout.HEADER_ROWS
        reqs += layout.unit_protection_requests(sid, u, staff, existing_desc, head_end)

    summary_props = {summary_title(t): p for t, p in props.items() if summary_title(t)}
    for title in SUMMARY_SHEETS:
        if title not in summary_props:
            sid = new_id()
            reqs.append(
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": sid,
                            "title": title,
                            "gridProperties": {"rowCount": 200, "columnCount": 15},
                        }
                    }
                }
            )
            reqs.append(
                {
                    "updateCells": {
                        "start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 0},
                        "rows": [
                            {
                                "values": [
                                    {
                                        "userEnteredValue": {
                                            "stringValue": "Chưa tổng hợp. Ban Tuyên giáo chạy: danvan aggregate"
                                        }
                                    }
                                ]
                            }
                        ],
                        "fields": "userEnteredValue",
                    }
                }
            )
            reqs.append(layout.staff_protection_request(sid, title, staff))
            result.added_tabs.append(title)
        elif layout.staff_description(title) not in existing_desc:
            reqs.append(layout.staff_protection_request(summary_props[title].get("sheetId", 0), title, staff))

    deleted = {r["deleteProtectedRange"]["protectedRangeId"] for r in reqs if "deleteProtectedRange" in r}
    reqs += editor_updates(metadata, own_protections(props, matched, units, staff), caller, deleted, result)

    if drop_default_sheet and reqs:
        # A spreadsheet we just created comes with an empty "Sheet1" (sheetId 0): not part of the form.
        for title, p in props.items():
            if p.get("sheetId", 0) == 0 and title in ("Sheet1", "Trang tính1"):
                reqs.append({"deleteSheet": {"sheetId": 0}})
    result.protections = sum(1 for r in reqs if "addProtectedRange" in r)
    return reqs


SHARE_MESSAGE = (
    "Ban Tuyên giáo Đảng ủy Khối gửi đồng chí bảng đăng ký mô hình “Dân vận khéo” năm {year}. "
    "Đơn vị điền vào trang mang tên đơn vị mình theo biểu mẫu, trước ngày {deadline:%d/%m/%Y}. "
    "Xem trang “Hướng dẫn” để biết cách ghi."
)


STAFF_SHARE_MESSAGE = ("danvan-sheets đã bố trí bảng đăng ký mô hình “Dân vận khéo” năm {year}; đồng chí có quyền "
                       "Người chỉnh sửa để theo dõi và sửa các vùng khóa.")


def _invite(client, key_: str, email: str, message: str, notify: bool, have: set[str], done: list[str],
            result: InitResult, who: str | None) -> None:
    if email.lower() in have:
        result.already_shared.append(email)
        return
    try:
        client.insert_permission(key_, email, perm_type="user", role="writer", notify=notify,
                                 email_message=message if notify else None)
        have.add(email.lower())
        done.append(email)
    except Exception as exc:  # noqa: BLE001 - one bad address must not stop the others
        from danvan_sheets.google.errors import translate

        result.share_failures.append(f"{email}: {translate(exc, 'chia sẻ bảng tính', who)}")


def share(client, key_: str, units: list[Unit], campaign: Campaign, notify: bool, result: InitResult,
          staff: Sequence[str] = (), who: str | None = None) -> None:
    """Writers: each unit's e-mail, and `staff` (who could not even open a sheet the tool created,
    nor use the edit rights a re-run gave them). `who`: the service account, for the messages."""
    permissions = client.list_permissions(key_)
    have = {str(p.get("emailAddress", "")).lower() for p in permissions}
    result.owners |= {str(p.get("emailAddress", "")).lower() for p in permissions if p.get("role") == "owner"}
    staff_message = STAFF_SHARE_MESSAGE.format(year=campaign.year)
    for email in dict.fromkeys(e.strip() for e in staff if e.strip()):
        _invite(client, key_, email, staff_message, notify, have, result.staff_shared, result, who)
    message = SHARE_MESSAGE.format(year=campaign.year, deadline=campaign.deadline)
    for u in units:
        for email in split_addresses(u.email):  # the registry cell may list several addresses
            _invite(client, key_, email, message, notify, have, result.shared, result, who)

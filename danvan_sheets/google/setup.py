"""`danvan init`: lay the spreadsheet out for the year, add only what is missing, share it."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    share_failures: list[str] = field(default_factory=list)
    changed: bool = False


def plan_requests(metadata: dict, units: list[Unit], campaign: Campaign, staff: list[str], result: InitResult,
                  drop_default_sheet: bool = False) -> list[dict]:
    """Requests that add missing tabs and protections; existing tabs' cells are never touched."""
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
    titles = list(props)
    found, _unknown = match_tabs(units, [(None, SheetReading(title=t)) for t in titles])
    matched: dict[str, int] = {}
    for code, idxs in found.items():
        title = titles[idxs[0]]
        matched[code] = props[title].get("sheetId", 0)
        result.kept_tabs.append(title)
    for u in units:
        if u.code in matched:
            sid = matched[u.code]
        else:
            sid = new_id()
            reqs += layout.unit_tab_requests(sid, u, campaign)
            result.added_tabs.append(u.tab or u.name)
        reqs += layout.unit_protection_requests(sid, u, staff, existing_desc)

    summary_props = {summary_title(t): p for t, p in props.items() if summary_title(t)}
    for title in SUMMARY_SHEETS:
        if title not in summary_props:
            sid = new_id()
            reqs.append({"addSheet": {"properties": {"sheetId": sid, "title": title, "gridProperties": {"rowCount": 200, "columnCount": 15}}}})
            reqs.append({"updateCells": {"start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 0}, "rows": [{"values": [
                {"userEnteredValue": {"stringValue": "Chưa tổng hợp. Ban Tuyên giáo chạy: danvan aggregate"}}]}],
                "fields": "userEnteredValue"}})
            reqs.append(layout.staff_protection_request(sid, title, staff))
            result.added_tabs.append(title)
        elif layout.staff_description(title) not in existing_desc:
            reqs.append(layout.staff_protection_request(summary_props[title].get("sheetId", 0), title, staff))

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


def share(client, key_: str, units: list[Unit], campaign: Campaign, notify: bool, result: InitResult) -> None:
    have = {str(p.get("emailAddress", "")).lower() for p in client.list_permissions(key_)}
    message = SHARE_MESSAGE.format(year=campaign.year, deadline=campaign.deadline)
    for u in units:
        email = (u.email or "").strip()
        if not email:
            continue
        if email.lower() in have:
            result.already_shared.append(email)
            continue
        try:
            client.insert_permission(key_, email, perm_type="user", role="writer", notify=notify,
                                     email_message=message if notify else None)
            have.add(email.lower())
            result.shared.append(email)
        except Exception as exc:  # noqa: BLE001 - one bad address must not stop the others
            from danvan_sheets.google.errors import translate

            result.share_failures.append(f"{email}: {translate(exc, 'chia sẻ bảng tính')}")

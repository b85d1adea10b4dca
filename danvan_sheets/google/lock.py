"""After the deadline: each unit's tab turns staff-only (init --lock-after-deadline, or aggregate
with [google] lock_after_deadline), as batchUpdate requests planned from the spreadsheet's metadata.

A unit keeps editing through deadline + [google] lock_grace_days, or through its own "Gia hạn đến"
date in the registry when that is later. Locking rewrites the editors of the unit tab's protection
(the one init adds) to the staff and the tool's own account; a unit whose extension is added after
the lock gets its protection back (reopened). No I/O here: the callers send the requests, in their
one batchUpdate, and record what changed in the history.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from danvan_sheets.core.model import Unit
from danvan_sheets.google import layout

LOCKED = "locked"
REOPENED = "reopened"


def lock_due(deadline: dt.date, grace_days: int) -> dt.date:
    """The last day units edit: the deadline plus [google] lock_grace_days."""
    return deadline + dt.timedelta(days=grace_days)


def unit_due(unit: Unit, due: dt.date) -> dt.date:
    """The last day this unit edits: its own extension, when the registry gives a later one."""
    return max(due, unit.extended_until) if unit.extended_until else due


@dataclass
class LockPlan:
    due: dt.date  # units edit through this day
    today: dt.date
    requests: list[dict] = field(default_factory=list)
    locked: list[Unit] = field(default_factory=list)  # turned staff-only by these requests
    reopened: list[Unit] = field(default_factory=list)  # locked before, extended since
    already: list[Unit] = field(default_factory=list)  # staff-only already: nothing sent
    extended: list[Unit] = field(default_factory=list)  # still editing through their extension
    no_tab: list[Unit] = field(default_factory=list)

    @property
    def before_due(self) -> bool:
        return self.today <= self.due

    def changed(self) -> list[tuple[Unit, str, dt.date]]:
        """(unit, LOCKED | REOPENED, the last day it edits) of what the requests change."""
        return ([(u, LOCKED, unit_due(u, self.due)) for u in self.locked]
                + [(u, REOPENED, unit_due(u, self.due)) for u in self.reopened])

    def lines(self, deadline: dt.date) -> list[str]:
        """What the lock did, in Vietnamese, one line per kind of outcome."""
        if self.before_due:
            return [f"Chưa quá hạn khóa: các đơn vị vẫn sửa được trang của mình đến hết ngày {self.due:%d/%m/%Y} "
                    f"(hạn đăng ký {deadline:%d/%m/%Y} cộng {(self.due - deadline).days} ngày, [google] "
                    "lock_grace_days). Không thay đổi gì."]
        out = []
        if self.locked:
            out.append(f"Đã khóa {len(self.locked)} trang đơn vị (chỉ Ban Tuyên giáo sửa được): {_names(self.locked)}.")
        if self.reopened:
            out.append(f"Đã mở lại {len(self.reopened)} trang cho đơn vị được gia hạn: "
                       f"{_names(self.reopened, self.due)}.")
        still = [u for u in self.extended if u not in self.reopened]
        if still:
            out.append(f"Còn được sửa theo gia hạn trong danh sách đơn vị: {_names(still, self.due)}.")
        if self.already:
            out.append(f"{len(self.already)} trang đã khóa từ trước.")
        if self.no_tab:
            out.append(f"Chưa có trang nên không khóa: {_names(self.no_tab)}.")
        if not self.requests:
            out.append("Không cần thay đổi vùng khóa nào.")
        return out


def _names(units: list[Unit], due: dt.date | None = None) -> str:
    if due is None:
        return ", ".join(u.name for u in units)
    return ", ".join(f"{u.name} (đến hết ngày {unit_due(u, due):%d/%m/%Y})" for u in units)


def _addresses(text: str) -> list[str]:
    # The registry may hold more than one address in a cell ("a@x.vn; b@y.vn").
    return [e for e in re.split(r"[\s,;]+", text or "") if "@" in e]


def _emails(text: str) -> set[str]:
    return {e.lower() for e in _addresses(text)}


def _is_locked(pr: dict, unit: Unit) -> bool:
    """Staff-only as the lock left it. Google adds the requesting account to a range's editors
    itself (recorded: an addProtectedRange with no editors comes back with the service account),
    so other addresses are tolerated; only the unit's own, a group or the whole domain mean open."""
    editors = pr.get("editors") or {}
    users = {str(u).lower() for u in editors.get("users") or []}
    return (pr.get("description") == layout.locked_description(unit) and not pr.get("warningOnly")
            and not editors.get("groups") and not editors.get("domainUsersCanEdit") and not users & _emails(unit.email))


def _tab_protection(sheet: dict, unit: Unit) -> dict | None:
    wanted = {layout.protection_descriptions(unit)[0], layout.locked_description(unit)}
    return next((pr for pr in sheet.get("protectedRanges", []) if pr.get("description") in wanted), None)


def _update(pr: dict, description: str, users: list[str]) -> dict:
    # `fields` names what is replaced: the editors object as a whole (groups and domain access
    # go), the description people see in Data > Protect, and warningOnly, which forbids editors.
    return {"updateProtectedRange": {"protectedRange": {
        "protectedRangeId": pr["protectedRangeId"], "description": description, "warningOnly": False,
        "editors": {"users": users}}, "fields": "description,warningOnly,editors"}}


def plan_lock(metadata: dict, tabs: dict[str, int], units: list[Unit], staff: list[str], caller: str | None,
              today: dt.date, due: dt.date) -> LockPlan:
    """The requests that make every unit's protection what `today` calls for.

    `tabs`: unit code -> sheetId of its tab. Before `due` nothing at all is planned.
    """
    plan = LockPlan(due, today)
    if plan.before_due:
        return plan
    sheets = {s["properties"].get("sheetId", 0): s for s in metadata.get("sheets", [])}
    staff_only = sorted({*(e for e in staff if e.strip()), *([caller] if caller else [])})
    for u in units:
        sid = tabs.get(u.code)
        if sid is None or sid not in sheets:
            plan.no_tab.append(u)
            continue
        pr = _tab_protection(sheets[sid], u)
        if today <= unit_due(u, due):
            plan.extended.append(u)
            if pr is not None and pr.get("description") == layout.locked_description(u):
                editors = sorted({*staff_only, *_addresses(u.email)})
                plan.requests.append(_update(pr, layout.protection_descriptions(u)[0], editors))
                plan.reopened.append(u)
            continue
        if pr is None:
            # init never protected this tab (or the protection was removed by hand): add a locked one.
            plan.requests.append({"addProtectedRange": {"protectedRange": {
                "range": {"sheetId": sid}, "description": layout.locked_description(u), "warningOnly": False,
                "editors": {"users": staff_only}}}})
            plan.locked.append(u)
        elif _is_locked(pr, u):
            plan.already.append(u)
        else:
            plan.requests.append(_update(pr, layout.locked_description(u), staff_only))
            plan.locked.append(u)
    return plan

"""Models a unit marks as continuing (“duy trì”) carried into next year's form.

A model is continuing when “duy trì” (any case, with or without diacritics) is written in
its row: in its name (“Duy trì mô hình …”), in a cell such as Thời gian hoàn thành, or in a
note beside the form. The rows come from the history: each unit's tab as last read in this
year's campaign. A carried row keeps what the unit wrote (name, Số lượng, Địa điểm, Quy mô)
and leaves the two times blank, since they must be written for the new year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from danvan_sheets.campaign.key import CampaignKey
from danvan_sheets.core.model import FIELDS, Campaign
from danvan_sheets.core.text import key
from danvan_sheets.writers.safe_text import one_line

MARK = key("duy trì")
_BUILD, _DONE = 3, 6  # the form's columns (4) and (7)


@dataclass
class CarriedUnit:
    code: str
    name: str
    tab: str
    rows: dict[str, list[list[object]]] = field(default_factory=dict)  # field -> the form's 7 cells per row

    @property
    def count(self) -> int:
        return sum(len(r) for r in self.rows.values())


def is_continuing(row) -> bool:
    """True when “duy trì” is written anywhere in the stored row (its cells as typed, or its read name)."""
    texts = [c for c in row.raw.get("row", []) if isinstance(c, str)]
    texts += [c for c in row.raw.get("cells", {}).values() if isinstance(c, str)]
    texts.append(row.name)
    return any(MARK in key(t) for t in texts if t)


def carried_rows(rows) -> dict[str, list[list[object]]]:
    """The continuing rows of one unit as the new form's rows, numbered again within each field."""
    from danvan_sheets.history.restore import form_rows

    out: dict[str, list[list[object]]] = {}
    for f, values in form_rows([r for r in rows if is_continuing(r)]).items():
        if not values:
            continue
        new = []
        for i, v in enumerate(values, start=1):
            v = list(v)
            v[0] = i
            v[_BUILD] = v[_DONE] = None
            new.append(v)
        out[f] = new
    return out


def carried_models(db_path: str | Path, year: int, source: str | None = None,
                   how: str = "--year và --source") -> tuple[CampaignKey, list[CarriedUnit]]:
    """Every unit's continuing models, from its tab as last read in the campaign of `year` (and `source`).

    `how`: the option that picks one source when the year has several (for the message)."""
    from danvan_sheets.history import store
    from danvan_sheets.history.timeline import choose_campaign

    units = []
    with store.opened(db_path) as conn:
        campaign, cid = choose_campaign(conn, year, source, how)
        for code, name in store.find_units(conn, cid):
            tabbed = [s for s in store.unit_snapshots(conn, code, cid) if s.tab]
            if not tabbed:
                continue
            last = tabbed[-1]
            rows = carried_rows(store.content_rows(conn, last.hash))
            if rows:
                units.append(CarriedUnit(code, last.name or name, last.tab or code, rows))
    return campaign, sorted(units, key=lambda u: key(u.name))


def _sheet_title(text: str, used: set[str]) -> str:
    # Excel's rules for a sheet name: at most 31 characters, none of []:*?/\ , unique ignoring case.
    # one_line: control characters (a title pasted from Word) are no more allowed in a sheet title than in a cell.
    base = "".join("-" if c in "[]:*?/\\" else c for c in one_line(text)).strip().strip("'")[:31] or "Đơn vị"
    title, n = base, 2
    while title.lower() in used:
        tail = f" ({n})"
        title, n = base[:31 - len(tail)] + tail, n + 1
    used.add(title.lower())
    return title


def write_carried_workbook(units: list[CarriedUnit], campaign: Campaign, old_year: int, out: str | Path) -> Path:
    """One sheet per unit, named like its tab, laid out as the registration form of `campaign`'s year.

    The workbook is also a source `check` reads (xlsx:…), and each sheet can be pasted into the
    unit's new tab once `danvan init` has laid the new sheet out.
    """
    from openpyxl import Workbook

    from danvan_sheets.atomic import replace_atomically
    from danvan_sheets.writers.export_xlsx import typed_rows_group, write_form_sheet

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for u in units:
        ws = wb.create_sheet(_sheet_title(u.tab, used))
        groups = {f: [typed_rows_group(u.rows[f])] for f in (*FIELDS, "") if u.rows.get(f)}
        write_form_sheet(ws, campaign, f"Đơn vị: {u.name}",
                         f"(Mô hình duy trì từ năm {old_year}: ghi lại thời gian xây dựng, thời gian hoàn thành năm "
                         f"{campaign.year})",
                         groups)
    if not units:
        ws = wb.create_sheet("Hướng dẫn")
        ws["A1"] = f"Chưa có đơn vị nào ghi “duy trì” cho mô hình năm {old_year}."
    return replace_atomically(out, lambda tmp: wb.save(tmp), prefix=".duy-tri-")


@dataclass
class CarryPlan:
    """What `danvan init --carry` puts into each unit's new tab, read back from the carried workbook.

    `rows`: unit code -> field -> the form's 7 cells per model, numbered within the field.
    `notes`: what of the workbook is not carried, and why (a tab of no unit, a row without a name):
    every model row of the file ends in a new tab or in a note, never silently nowhere.
    """

    rows: dict[str, dict[str, list[list[object]]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, code: str) -> int:
        return sum(len(r) for r in self.rows.get(code, {}).values())


def carry_plan(units, readings) -> CarryPlan:
    """The models of each unit's sheet in the carried workbook, as the rows of its new tab.

    `readings`: core.reader.read_tabs of the workbook (written by write_carried_workbook, maybe
    edited by the staff since: a model struck out is not carried). Read by the same reader as
    every form, so a sheet is matched to its unit the way check matches it.
    """
    from danvan_sheets.core.summary import match_tabs

    plan = CarryPlan()
    found, unknown = match_tabs(units, readings)
    for title in unknown:
        plan.notes.append(f"Trang “{title}” của tệp mô hình duy trì không khớp đơn vị nào trong danh sách: không chép.")
    for code, idxs in found.items():
        for i in idxs:
            _tab, reading = readings[i]
            for e in reading.entries:
                if e.field is None:
                    plan.notes.append(f"Trang “{reading.title}”, dòng {e.row}: mô hình “{e.name}” không nằm dưới mục "
                                      "I–IV nào: không chép.")
                    continue
                rows = plan.rows.setdefault(code, {}).setdefault(e.field, [])
                # The cells as written (the entry's scale is a key such as "tap_the", not the text).
                quantity = e.quantity if e.quantity is not None else _cell_of(e, "quantity")
                rows.append([len(rows) + 1, e.name, quantity, None, _cell_of(e, "location"), _cell_of(e, "scale"),
                             None])
            for s in reading.skipped_rows:
                if s.reason == "missing_name":
                    plan.notes.append(f"Trang “{reading.title}”, dòng {s.row}: không có tên mô hình ({s.text}): "
                                      "không chép.")
    # Sections in the form's order, whatever order the workbook had them in.
    plan.rows = {c: {f: r[f] for f in FIELDS if f in r} for c, r in plan.rows.items()}
    return plan


def _cell_of(entry, column: str) -> object:
    c = entry.columns.get(column)
    return entry.source_row[c] if c is not None and c < len(entry.source_row) else None

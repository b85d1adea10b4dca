"""The summary: match tabs to units, evaluate every unit, count totals by unit type."""

from __future__ import annotations

import datetime as dt
import re

from danvan_sheets.core.checks import NO_FILE, NO_TAB, evaluate
from danvan_sheets.core.messages import message
from danvan_sheets.core.model import (
    FIELDS,
    STATUSES,
    UNIT_TYPES,
    Campaign,
    Problem,
    Report,
    SheetReading,
    Unit,
    UnitVerdict,
)
from danvan_sheets.core.tables import SUMMARY_SHEETS
from danvan_sheets.core.text import key

# Tabs the tool itself writes or lays out: never a unit, never "unknown".
RESERVED_TABS = (*SUMMARY_SHEETS, "Hướng dẫn", "Danh sách đơn vị")
_RESERVED_KEYS = {key(t) for t in RESERVED_TABS}


def is_reserved(title: str) -> bool:
    return key(title) in _RESERVED_KEYS


_TYPE_PREFIX = [
    ("dang_bo_co_so", re.compile(r"^(?:dang bo|db|dbcs)\b")),
    ("chi_bo_co_so", re.compile(r"^(?:chi bo|cb|cbcs)\b")),
    ("doan_the", re.compile(r"^(?:cong doan|doan thanh nien|doan tn|doan tncs|hoi cuu chien binh|hoi ccb|cd|cdcs|hoi "
                            r"phu nu)\b")),
]


def infer_type(name: str) -> str | None:
    k = key(name)
    return next((t for t, p in _TYPE_PREFIX if p.match(k)), None)


def infer_units(readings: list[tuple[object, SheetReading]]) -> list[Unit]:
    """Without a registry, every tab whose name says what kind of unit it is becomes a unit.

    Tabs named like a unit come first; a tab only its "Đơn vị:" line names (a stale
    "Bản sao của …" copy) becomes a unit only when no tab already stands for that unit.
    """
    from danvan_sheets.core.text import clean

    units: list[Unit] = []
    seen: set[str] = set()

    def add(reading: SheetReading, unit_type: str) -> None:
        title = clean(reading.title)
        # The form's "Đơn vị:" line is the unit's full name; a tab title is often a short code.
        name = reading.declared_unit or title
        if key(name) in seen or key(title) in seen:
            return
        seen.update({key(name), key(title)})
        units.append(Unit(code=title, name=name, type=unit_type, tab=reading.title))

    later = []
    for tab, reading in readings:
        if is_reserved(reading.title):
            continue
        prefer = getattr(tab, "prefer_declared_unit", False)
        first = reading.declared_unit if prefer else reading.title
        if first and (t := infer_type(first)):
            add(reading, t)
        else:
            later.append(reading)
    for reading in later:
        second = reading.declared_unit or reading.title
        if second and (t := infer_type(second)):
            add(reading, t)
    return units


def match_tabs(units: list[Unit], readings: list[tuple[object, SheetReading]], prefer_declared: bool = False):
    """-> ({unit code: [reading index, ...]}, [unknown tab titles])."""
    index: dict[str, str] = {}
    for u in units:
        for name in (u.tab, u.code, u.name):
            if name and key(name):
                index.setdefault(key(name), u.code)
    matched: dict[str, list[int]] = {}
    unknown: list[str] = []
    later: list[int] = []
    # A tab's own title wins over the "Đơn vị:" line inside it: a stale copy of a
    # unit's tab ("Bản sao của …") still names that unit on its Đơn vị line.
    for i, (tab, reading) in enumerate(readings):
        if is_reserved(reading.title):
            continue
        prefer = getattr(tab, "prefer_declared_unit", prefer_declared)
        first = reading.declared_unit if prefer else reading.title
        code = index.get(key(first)) if first else None
        if code is None:
            later.append(i)
        else:
            matched.setdefault(code, []).append(i)
    for i in later:
        tab, reading = readings[i]
        prefer = getattr(tab, "prefer_declared_unit", prefer_declared)
        second = reading.title if prefer else reading.declared_unit
        code = index.get(key(second)) if second else None
        if code is None or (code in matched and not prefer):
            unknown.append(reading.title)
        else:
            matched.setdefault(code, []).append(i)
    return matched, unknown


def _totals(verdicts: list[UnitVerdict]) -> dict:
    def block(vs: list[UnitVerdict]) -> dict:
        n = len(vs)
        counts = {s: sum(1 for v in vs if v.status == s) for s in STATUSES}
        return {
            "units": n,
            **counts,
            "percent_dat": round(100.0 * counts["dat"] / n, 1) if n else 0.0,
            "models": sum(v.models for v in vs),
            "by_field": {f: sum(v.by_field[f] for v in vs) for f in FIELDS},
            "problems": sum(len(v.errors) for v in vs),
        }

    return {
        "by_type": {t: block([v for v in verdicts if v.unit.type == t]) for t in UNIT_TYPES},
        "all": block(verdicts),
    }


def build_report(
    units: list[Unit],
    readings: list[tuple[object, SheetReading]],
    campaign: Campaign,
    as_of: dt.date,
    notices: list[str] | None = None,
) -> Report:
    notices = list(notices or [])
    inferred = not units
    if inferred:
        units = infer_units(readings)
        if units:
            notices.append("Không có danh sách đơn vị: đã nhận diện đơn vị theo tên trang tính.")
    matched, unknown = match_tabs(units, readings)
    # A folder of one workbook per unit: a unit missing there sent no file, it has no "tab".
    by_file = bool(readings) and all(getattr(t, "prefer_declared_unit", False) for t, _ in readings)
    verdicts = []
    for u in units:
        idxs = matched.get(u.code, [])
        tab, reading = readings[idxs[0]] if idxs else (None, None)
        url = getattr(tab, "url", None)
        verdict = evaluate(u, reading, campaign, as_of, url, NO_FILE if by_file else NO_TAB)
        for extra in idxs[1:]:
            title = readings[extra][1].title
            unknown.append(title)
            kept = readings[idxs[0]][1].title
            verdict.problems.append(
                Problem("duplicate_tab", "warning", message("duplicate_tab", kept), cell="A1", tab=title)
            )
        verdicts.append(verdict)
    return Report(campaign, verdicts, unknown, _totals(verdicts), as_of, notices, tabs_are_files=by_file,
                  units_inferred=inferred)

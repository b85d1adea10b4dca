"""Every check of the tool, in one place: the checks of one model row, then those of one unit.

Row checks look at a row as the reader parsed it (RowRead) and return Findings: a code
(messages.py holds the Vietnamese text of each), the column it is about, the cell value.
The reader turns a finding into a Problem with its A1 cell. Unit checks look at one
unit's entries against its quota and the mandatory Khối-level models and return the
reasons the unit is not yet đạt. `evaluate` runs them and builds the verdict; it never
changes the reader's entries (the verdict holds its own copies).

| Check | Code | Severity |
|---|---|---|
| field_named | missing_field, invalid_field | error |
| quantity_whole | missing_quantity (warning, counts 1), invalid_quantity | error |
| build_readable, done_readable | missing_period, invalid_period (error); missing_year, outside_year, vague_period
(warning) | |
| done_after_build | completion_before_build | error |
| location_given | missing_location | error |
| scale_known | missing_scale, invalid_scale | error |
| (unit) duplicates | duplicate_model | warning |
| (unit) quota_met, mandatory_models, rows_with_errors | reasons of a chua_dat verdict | |
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from operator import attrgetter

from danvan_sheets.core.messages import message
from danvan_sheets.core.model import (
    FIELDS,
    UNIT_TYPE_LABELS,
    Campaign,
    Entry,
    MandatoryModel,
    Problem,
    SheetReading,
    Unit,
    UnitVerdict,
)
from danvan_sheets.core.periods import PeriodResult
from danvan_sheets.core.text import key


# --- row checks ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One thing wrong with one cell of a row, before the reader knows the cell's A1 name."""

    code: str
    column: str  # column key ("quantity", "done", …)
    value: object = None
    text: str | None = None  # the message, when the check writes its own (periods)


@dataclass(frozen=True)
class RowRead:
    """A model row as the reader parsed it: each present column's value, text and reading."""

    columns: frozenset[str]
    field: str | None  # from the Lĩnh vực column when there is one, else the section above
    field_text: str = ""
    quantity: int | None = 1
    quantity_code: str | None = None
    quantity_value: object = None
    build: PeriodResult | None = None
    build_value: object = None
    done: PeriodResult | None = None
    done_value: object = None
    location: str = ""
    scale: str | None = None
    scale_code: str | None = None
    scale_text: str = ""


RowCheck = Callable[[RowRead], Iterator[Finding]]


def field_named(row: RowRead) -> Iterator[Finding]:
    """The model sits under a section I–IV, or its Lĩnh vực cell names a field."""
    if "field" in row.columns and row.field_text:
        if row.field is None:
            yield Finding("invalid_field", "field", row.field_text)
    elif row.field is None:
        yield Finding("missing_field", "field" if "field" in row.columns else "name")


def quantity_whole(row: RowRead) -> Iterator[Finding]:
    """Số lượng is a positive whole number (blank: counted as 1, with a warning)."""
    if "quantity" in row.columns and row.quantity_code:
        yield Finding(row.quantity_code, "quantity", row.quantity_value)


def _period(result: PeriodResult | None, column: str, value: object) -> Iterator[Finding]:
    if result is not None and result.code:
        yield Finding(result.code, column, value, result.message)


def build_readable(row: RowRead) -> Iterator[Finding]:
    """Thời gian xây dựng reads as months, in the campaign's year."""
    yield from _period(row.build, "build", row.build_value)


def done_readable(row: RowRead) -> Iterator[Finding]:
    """Thời gian hoàn thành reads as months, in the campaign's year."""
    yield from _period(row.done, "done", row.done_value)


def done_after_build(row: RowRead) -> Iterator[Finding]:
    """A model is not finished before it is started."""
    build = row.build.period if row.build else None
    done = row.done.period if row.done else None
    if build and done and done.end < build.start:
        yield Finding("completion_before_build", "done", row.done_value)


def location_given(row: RowRead) -> Iterator[Finding]:
    """Địa điểm triển khai is filled in."""
    if "location" in row.columns and not row.location:
        yield Finding("missing_location", "location")


def scale_known(row: RowRead) -> Iterator[Finding]:
    """Quy mô says cá nhân or tập thể."""
    if "scale" in row.columns and row.scale_code:
        yield Finding(row.scale_code, "scale", row.scale_text or None)


ROW_CHECKS: tuple[RowCheck, ...] = (field_named, quantity_whole, build_readable, done_readable, done_after_build,
                                    location_given, scale_known)


def check_row(row: RowRead) -> list[Finding]:
    return [f for check in ROW_CHECKS for f in check(row)]


# --- mandatory models ---------------------------------------------------------------------------
# Asked for every unit of a run, always of the same few campaign models.
@functools.lru_cache(maxsize=64)
def _needles(model: MandatoryModel) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(key(w) for w in model.all_of), tuple(key(w) for w in model.any_of)


def _has_needles(name_key: str, all_of: tuple[str, ...], any_of: tuple[str, ...]) -> bool:
    # key() text is single-spaced and stripped, so a word is found by plain substring search.
    # Loops, not all()/any() over generators: asked for every entry and every mandatory model.
    for w in all_of:
        if w not in name_key:
            return False
    if not any_of:
        return True
    for w in any_of:  # noqa: SIM110 - see above
        if w in name_key:
            return True
    return False


def matches_mandatory(name: str, model: MandatoryModel) -> bool:
    return _has_needles(key(name), *_needles(model))


def mandatory_in_force(model: MandatoryModel, as_of: dt.date) -> bool:
    return model.effective_from is None or as_of >= model.effective_from


# --- unit checks ------------------------------------------------------------------------------
# Every field of Entry in __init__'s order, read at C speed.
_ENTRY_VALUES = attrgetter(*(f.name for f in fields(Entry)))


def _tagged(e: Entry, mandatory: str | None, duplicate: bool, counted: bool, name_key: str) -> Entry:
    """dataclasses.replace(e, ...) without its per-call work (6 µs an entry, here 1.5)."""
    copy = Entry(*_ENTRY_VALUES(e))
    copy.mandatory, copy.duplicate, copy.counted, copy.name_key = mandatory, duplicate, counted, name_key
    return copy


def tag_entries(entries: list[Entry], campaign: Campaign) -> list[Entry]:
    """Copies of the entries with their mandatory model, whether they repeat a row above, and whether they count."""
    out = []
    counted_keys: set[str] = set()
    seen: set[str] = set()
    models = [(m.key, *_needles(m)) for m in campaign.mandatory]
    for e in entries:
        k = e.name_key or key(e.name)
        mandatory = next((mk for mk, all_of, any_of in models if _has_needles(k, all_of, any_of)), None)
        countable = not e.has_error and (mandatory is None or campaign.mandatory_counts)
        counted = countable and k not in counted_keys
        if counted:
            counted_keys.add(k)
        out.append(_tagged(e, mandatory, k in seen, counted, k))
        seen.add(k)
    return out


def duplicates(entries: list[Entry], tab: str | None) -> list[Problem]:
    """duplicate_model: a name already written on a row above (counted once)."""
    problems = []
    for e in entries:
        if e.duplicate:
            cell = e.cells.get("name")
            problems.append(Problem.at("duplicate_model", "warning", message("duplicate_model", e.name), cell, e.row,
                                       tab, e.name))
    return problems


@dataclass(frozen=True)
class UnitFacts:
    """What the unit checks look at: one unit's tagged entries, problems and counts."""

    unit: Unit
    entries: list[Entry]
    problems: list[Problem]
    models: int
    required: int
    found: dict[str, bool]
    campaign: Campaign
    as_of: dt.date


def quota_met(u: UnitFacts) -> list[str]:
    """At least the quota of the unit's type, counted over rows without error."""
    if u.models >= u.required:
        return []
    kind = UNIT_TYPE_LABELS.get(u.unit.type, u.unit.type)
    return [f"Mới có {u.models}/{u.required} mô hình hợp lệ (chỉ tiêu {kind}: ít nhất {u.required}); "
            f"cần thêm {u.required - u.models}."]


def mandatory_models(u: UnitFacts) -> list[str]:
    """Every mandatory model in force, on a row without error."""
    reasons = []
    for m in u.campaign.mandatory:
        if not mandatory_in_force(m, u.as_of) or u.found[m.key]:
            continue
        bad = [e for e in u.entries if e.mandatory == m.key]
        if bad:
            cells = ", ".join(p.cell for p in u.problems if p.row == bad[0].row and p.severity == "error" and p.cell)
            reasons.append(f"Mô hình bắt buộc “{m.name}” (dòng {bad[0].row}) còn lỗi ở ô {cells}.")
        else:
            reasons.append(f"Chưa đăng ký mô hình bắt buộc “{m.name}”.")
    return reasons


UNIT_CHECKS: tuple[Callable[[UnitFacts], list[str]], ...] = (quota_met, mandatory_models)


def rows_with_errors(u: UnitFacts) -> list[str]:
    """Said only with another reason: the rows that would count once fixed."""
    errors = sorted({e.row for e in u.entries if e.has_error and e.mandatory is None})
    if not errors:
        return []
    shown = ", ".join(map(str, errors[:10])) + ("…" if len(errors) > 10 else "")
    return [f"{len(errors)} dòng có lỗi chưa được tính (dòng {shown})."]


NO_TAB = "Chưa có trang đăng ký của đơn vị trong bảng tính."
NO_FILE = "Chưa có tệp đăng ký của đơn vị trong thư mục."


def evaluate(unit: Unit, reading: SheetReading | None, campaign: Campaign, as_of: dt.date, url: str | None = None,
             missing: str = NO_TAB) -> UnitVerdict:
    required = campaign.quotas.get(unit.type, 0)
    by_field = {f: 0 for f in FIELDS}
    if reading is None:
        return UnitVerdict(
            unit,
            None,
            "chua_dang_ky",
            0,
            required,
            by_field,
            {m.key: False for m in campaign.mandatory},
            [missing],
            [],
            [],
            url,
        )
    entries = tag_entries(reading.entries, campaign)
    problems = list(reading.problems) + duplicates(entries, reading.title)
    problems.sort(key=lambda p: (p.row or 0, _col_index(p.column), p.code))

    for e in entries:
        if e.counted and e.field in by_field:
            by_field[e.field] += (e.quantity or 1) if campaign.count_mode == "quantity" else 1
    models = sum(by_field.values())
    without_error = {e.mandatory for e in entries if e.mandatory is not None and not e.has_error}
    found = {m.key: m.key in without_error for m in campaign.mandatory}
    skipped = list(reading.skipped_rows)
    if not entries:
        reasons = ["Trang đăng ký chưa có mô hình nào."]
        if any(p.code == "missing_header" for p in problems):
            reasons = ["Không đọc được biểu mẫu: thiếu dòng tiêu đề (Stt, Tên mô hình, Số lượng…)."]
        return UnitVerdict(
            unit,
            reading.title,
            "chua_dang_ky",
            0,
            required,
            by_field,
            found,
            reasons,
            entries,
            problems,
            url,
            skipped_rows=skipped,
        )

    facts = UnitFacts(unit, entries, problems, models, required, found, campaign, as_of)
    reasons = [r for check in UNIT_CHECKS for r in check(facts)]
    if reasons:
        reasons += rows_with_errors(facts)
    status = "chua_dat" if reasons else "dat"
    return UnitVerdict(unit, reading.title, status, models, required, by_field, found, reasons, entries, problems, url,
                       skipped_rows=skipped)


def _col_index(col: str | None) -> int:
    n = 0
    for ch in col or "":
        n = n * 26 + ord(ch) - 64
    return n

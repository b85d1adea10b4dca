"""Checks: one unit's reading against its quota and the mandatory Khối-level models."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from danvan_sheets.core.cells import col_letters
from danvan_sheets.core.messages import message
from danvan_sheets.core.model import (
    FIELDS,
    Campaign,
    Entry,
    MandatoryModel,
    Problem,
    SheetReading,
    Unit,
    UnitVerdict,
    UNIT_TYPE_LABELS,
)
from danvan_sheets.core.text import fold, key, keys


@lru_cache(maxsize=256)
def _needles(model: MandatoryModel) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(key(w) for w in model.all_of), tuple(key(w) for w in model.any_of)


def _has_needles(name_key: str, all_of: tuple[str, ...], any_of: tuple[str, ...]) -> bool:
    # key() text is single-spaced and stripped, so a word is found by plain substring search.
    for w in all_of:
        if w not in name_key:
            return False
    if not any_of:
        return True
    for w in any_of:
        if w in name_key:
            return True
    return False


def matches_mandatory(name: str, model: MandatoryModel) -> bool:
    return _has_needles(key(name), *_needles(model))


def mandatory_in_force(model: MandatoryModel, as_of: dt.date) -> bool:
    return model.effective_from is None or as_of >= model.effective_from


def _tag_entries(entries: list[Entry], campaign: Campaign, tab: str | None) -> list[Problem]:
    problems = []
    counted_keys: set[str] = set()
    seen: set[str] = set()
    models = [(m.key, *_needles(m)) for m in campaign.mandatory]
    mandatory_counts = campaign.mandatory_counts
    for e, k in zip(entries, keys([e.name for e in entries])):
        mandatory = None
        for mk, all_of, any_of in models:
            if _has_needles(k, all_of, any_of):
                mandatory = mk
                break
        e.mandatory = mandatory
        if k in seen:
            e.duplicate = True
            cell = e.cells.get("name")
            problems.append(
                Problem("duplicate_model", "warning", message("duplicate_model", e.name), cell=cell, row=e.row,
                        column=cell.rstrip("0123456789") if cell else None, value=e.name, tab=tab)
            )
        seen.add(k)
        countable = not e.has_error and (e.mandatory is None or mandatory_counts)
        e.counted = countable and k not in counted_keys
        if e.counted:
            counted_keys.add(k)
    return problems


NO_TAB = "Chưa có trang đăng ký của đơn vị trong bảng tính."
NO_FILE = "Chưa có tệp đăng ký của đơn vị trong thư mục."


def evaluate(unit: Unit, reading: SheetReading | None, campaign: Campaign, as_of: dt.date, url: str | None = None,
             missing: str = NO_TAB) -> UnitVerdict:
    required = campaign.quotas.get(unit.type, 0)
    zero = {f: 0 for f in FIELDS}
    if reading is None:
        return UnitVerdict(unit, None, "chua_dang_ky", 0, required, zero, {m.key: False for m in campaign.mandatory},
                           [missing], [], [], url)
    problems = list(reading.problems)
    entries = reading.entries
    problems += _tag_entries(entries, campaign, reading.title)
    problems.sort(key=lambda p: (p.row or 0, _col_index(p.column), p.code))

    counted = [e for e in entries if e.counted]
    weight = (lambda e: e.quantity or 1) if campaign.count_mode == "quantity" else (lambda e: 1)
    by_field = dict(zero)
    for e in counted:
        if e.field in by_field:
            by_field[e.field] += weight(e)
    models = sum(by_field.values())

    without_error = {e.mandatory for e in entries if e.mandatory is not None and not e.has_error}
    found = {m.key: m.key in without_error for m in campaign.mandatory}
    if not entries:
        reasons = ["Trang đăng ký chưa có mô hình nào."]
        if any(p.code == "missing_header" for p in problems):
            reasons = ["Không đọc được biểu mẫu: thiếu dòng tiêu đề (Stt, Tên mô hình, Số lượng…)."]
        return UnitVerdict(unit, reading.title, "chua_dang_ky", 0, required, by_field, found, reasons, entries, problems, url,
                           skipped_rows=list(reading.skipped_rows))

    reasons: list[str] = []
    if models < required:
        kind = UNIT_TYPE_LABELS.get(unit.type, unit.type)
        reasons.append(f"Mới có {models}/{required} mô hình hợp lệ (chỉ tiêu {kind}: ít nhất {required}); cần thêm {required - models}.")
    for m in campaign.mandatory:
        if not mandatory_in_force(m, as_of) or found[m.key]:
            continue
        bad = [e for e in entries if e.mandatory == m.key]
        if bad:
            cells = ", ".join(p.cell for p in problems if p.row == bad[0].row and p.severity == "error" and p.cell)
            reasons.append(f"Mô hình bắt buộc “{m.name}” (dòng {bad[0].row}) còn lỗi ở ô {cells}.")
        else:
            reasons.append(f"Chưa đăng ký mô hình bắt buộc “{m.name}”.")
    errors = sorted({e.row for e in entries if e.has_error and e.mandatory is None})
    if errors and reasons:
        reasons.append(f"{len(errors)} dòng có lỗi chưa được tính (dòng {', '.join(map(str, errors[:10]))}{'…' if len(errors) > 10 else ''}).")
    status = "chua_dat" if reasons else "dat"
    return UnitVerdict(unit, reading.title, status, models, required, by_field, found, reasons, entries, problems, url,
                       skipped_rows=list(reading.skipped_rows))


def _col_index(col: str | None) -> int:
    n = 0
    for ch in col or "":
        n = n * 26 + ord(ch) - 64
    return n


__all__ = ["evaluate", "matches_mandatory", "mandatory_in_force", "fold", "col_letters"]

"""The form reader: one tab's grid of cell values -> entries and problems.

Never raises on any grid: every oddity becomes a Problem with its A1 cell.
"""

from __future__ import annotations

import datetime as dt
import re

from functools import lru_cache

from danvan_sheets.core import legacy, sections
from danvan_sheets.core.cells import a1, col_letters, parse_quantity, parse_scale
from danvan_sheets.core.messages import ERROR_CODES, message
from danvan_sheets.core.model import COLUMNS, Entry, Problem, SheetReading
from danvan_sheets.core.periods import parse_period
from danvan_sheets.core.text import cell_text, clean, clean_lines

# Pure functions called for every row; real forms repeat the same values ("Tháng 5/2023",
# "Tập thể", the same rows and columns), so their results are memoised. typed=True keeps
# 1, 1.0 and True apart. The cached PeriodResult objects are only read, never changed.
_a1 = lru_cache(maxsize=1 << 16)(a1)
_parse_period = lru_cache(maxsize=1 << 14, typed=True)(parse_period)

_REQUIRED = ("name", "build", "location", "scale", "done")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\v]")
_DATA = ("quantity", "build", "location", "scale", "done")


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if type(v) is str:
        return clean(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return clean(cell_text(v))


class _Grid:
    """Cells after legacy decoding: `raw` as delivered, `decoded` values, and their clean() text.

    The text of every cell is computed once up front: the row loop asks for the
    same cells several times, and list indexing is the cheapest lookup there is.
    """

    def __init__(self, raw: list[list[object]], decoded: list[list[object]]) -> None:
        self.raw = raw
        self.decoded = decoded
        self.texts = [[_cell_text(v) for v in row] for row in decoded]

    def value(self, r: int, c: int | None) -> object:
        if c is None or r >= len(self.decoded) or c >= len(self.decoded[r]):
            return None
        return self.decoded[r][c]

    def text(self, r: int, c: int | None) -> str:
        if c is None or r >= len(self.texts):
            return ""
        row = self.texts[r]
        return row[c] if c < len(row) else ""


def _rectangular(rows: object) -> list[list[object]]:
    if not isinstance(rows, (list, tuple)):
        return []
    out = []
    for row in rows:
        out.append(list(row) if isinstance(row, (list, tuple)) else [row])
    return out


def _decode_columns(rows: list[list[object]], title: str, problems: list[Problem]) -> tuple[list[list[object]], list[str]]:
    width = max((len(r) for r in rows), default=0)
    decoded = [list(r) for r in rows]
    found: dict[str, str] = {}  # encoding -> first cell converted
    for c in range(width):
        texts = [r[c] for r in rows if c < len(r) and isinstance(r[c], str)]
        enc = legacy.detect_column(texts)
        if enc is None:
            continue
        for ri, r in enumerate(rows):
            if c < len(r) and isinstance(r[c], str):
                new = legacy.decode_cell(r[c], enc)
                if new != r[c]:
                    decoded[ri][c] = new
                    found.setdefault(enc, a1(ri, c))
    for enc, cell in found.items():
        problems.append(
            Problem(
                "legacy_encoding",
                "warning",
                f"Trang này có chữ gõ bằng bảng mã cũ {legacy.ENCODING_LABELS[enc]} (từ ô {cell}); "
                "đã tự chuyển sang Unicode. Lần sau hãy gõ bằng Unicode (Unikey: bảng mã Unicode).",
                cell=cell,
                tab=title,
            )
        )
    return decoded, sorted(found)


def _find_header(g: _Grid) -> tuple[int, dict[str, int], int] | None:
    """(header row, column of each kind, rows the header spans)."""
    for r, row in enumerate(g.decoded):
        kinds: dict[str, int] = {}
        time_parents: list[int] = []
        for c in range(len(row)):
            t = g.text(r, c)
            if not t or len(t) > 80:
                continue
            kind = sections.header_kind(t)
            if kind and kind not in kinds:
                kinds[kind] = c
            elif sections.is_time_parent(t):
                time_parents.append(c)
        if "name" not in kinds or len(kinds) + len(time_parents) < 3:
            continue
        span = 1
        # A two-row header: "Thời gian" over "Xây dựng" | "Hoàn thành".
        if time_parents and r + 1 < len(g.decoded):
            for c in range(len(g.decoded[r + 1])):
                sub = sections.sub_header_kind(g.text(r + 1, c))
                if sub and sub not in kinds:
                    kinds[sub] = c
                    span = 2
        return r, kinds, span
    return None


def read_tab(title: str, rows: object, campaign_year: int) -> SheetReading:
    reading = SheetReading(title=title)
    try:
        _read(reading, _rectangular(rows), campaign_year)
    except Exception:  # noqa: BLE001 - the reader must never stop a run; say what happened
        reading.entries = []
        reading.problems.append(
            Problem("unreadable_tab", "error", message("unreadable_tab"), cell="A1", tab=title)
        )
    return reading


def _read(reading: SheetReading, rows: list[list[object]], year: int) -> None:
    problems = reading.problems
    title = reading.title
    decoded, encodings = _decode_columns(rows, title, problems)
    reading.legacy_encodings = encodings
    g = _Grid(rows, decoded)

    found = _find_header(g)
    scan_to = found[0] if found else min(len(decoded), 15)
    for r in range(scan_to):
        for c in range(len(decoded[r])):
            name = sections.unit_line(g.text(r, c))
            if name is None:
                continue
            if not name:  # "Đơn vị:" with the name in the next cell
                name = next((g.text(r, k) for k in range(c + 1, len(decoded[r])) if g.text(r, k)), "")
            if name and reading.declared_unit is None:
                reading.declared_unit = name
    if not found:
        if any(g.text(r, c) for r in range(len(decoded)) for c in range(len(decoded[r]))):
            problems.append(Problem("missing_header", "error", message("missing_header"), cell="A1", tab=title))
        return
    header, cols, span = found
    reading.header_row = header + 1
    missing_cols = [k for k in _REQUIRED if k not in cols]
    for k in missing_cols:
        problems.append(
            Problem("missing_column", "error", message("missing_column", COLUMNS[k]), cell=a1(header, cols["name"]), row=header + 1, tab=title)
        )
    _read_rows(reading, g, header + span, cols, year, bool(missing_cols))


def _read_rows(reading: SheetReading, g: _Grid, start: int, cols: dict[str, int], year: int, incomplete: bool) -> None:
    current_field: str | None = None
    used = sorted(set(cols.values()))
    for r in range(start, len(g.decoded)):
        row_texts = g.texts[r]
        width = len(row_texts)
        texts = [row_texts[c] if c < width else "" for c in used]
        if not any(texts):
            continue
        stt = g.text(r, cols.get("stt"))
        name_raw = g.value(r, cols["name"])
        name_text = g.text(r, cols["name"])
        if isinstance(name_raw, str) and _LINE_BREAK.search(name_raw):
            name_lines = clean_lines(name_raw)  # a merged "section title + first model" cell
        else:
            name_lines = [name_text] if name_text else []
        first = next((t for t in texts if t), "")
        if sections.is_notes(first) or sections.is_notes(stt):
            break
        # The numbering row's name cell is "(2)": anything longer is not that row.
        if len(name_text) <= 4 and sections.is_numbering_row(texts):
            continue
        if (stt and sections.is_total(stt)) or (name_lines and sections.is_total(name_lines[0])):
            continue

        # Section rows: in the name column, in the Stt column, or both.
        section = None
        name = " ".join(name_lines)
        if name_lines and (found := sections.section_title(name_lines[0])):
            section = found[0]
            name = " ".join(([found[1]] if found[1] else []) + name_lines[1:])
        elif stt and (found := sections.section_title(stt)):
            section = found[0]
        elif stt and (roman := sections.stt_roman(stt)):
            section = roman
        if section:
            current_field = section
            if not name or sections.is_placeholder(name):
                continue
        elif not name or sections.is_placeholder(name):
            # Placeholder rows ("Mô hình….", "…") are silent; numbers without a name are not.
            if _row_has_real_data(g, r, cols):
                reading.problems.append(_problem("missing_name", r, cols["name"], reading.title, name_raw))
            continue
        reading.entries.append(_entry(reading, g, r, cols, name, current_field, year, incomplete))


def _row_has_real_data(g: _Grid, r: int, cols: dict[str, int]) -> bool:
    return any(g.text(r, cols[k]) and not sections.is_placeholder(g.text(r, cols[k])) for k in _DATA if k in cols)


def _problem(code: str, r: int, c: int, tab: str, value: object, severity: str | None = None, text: str | None = None) -> Problem:
    sev = severity or ("error" if code in ERROR_CODES else "warning")
    shown = None if value is None else (value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value))
    return Problem(code, sev, text or message(code, value), cell=_a1(r, c), row=r + 1, column=col_letters(c), value=shown, tab=tab)


def _entry(reading: SheetReading, g: _Grid, r: int, cols: dict[str, int], name: str, field: str | None, year: int, incomplete: bool) -> Entry:
    tab = reading.title
    problems: list[Problem] = []
    raw_row = g.raw[r]
    width = len(raw_row)
    raw = {k: raw_row[c] if c < width else None for k, c in cols.items()}

    if "field" in cols and g.text(r, cols["field"]):
        fv = sections.field_value(g.text(r, cols["field"]))
        if fv is None:
            problems.append(_problem("invalid_field", r, cols["field"], tab, g.text(r, cols["field"])))
        field = fv
    elif field is None:
        problems.append(_problem("missing_field", r, cols.get("field", cols["name"]), tab, None))

    quantity = None
    if "quantity" in cols:
        qv = g.value(r, cols["quantity"])
        quantity, code = parse_quantity(qv)
        if code:
            problems.append(_problem(code, r, cols["quantity"], tab, qv))
    else:
        quantity = 1

    periods = {}
    for key in ("build", "done"):
        if key not in cols:
            periods[key] = None
            continue
        v = g.value(r, cols[key])
        res = _parse_period(v if not isinstance(v, str) else g.text(r, cols[key]), year)
        periods[key] = res.period
        if res.code:
            problems.append(_problem(res.code, r, cols[key], tab, v, text=res.message))
    build, done = periods["build"], periods["done"]
    if build and done and done.end < build.start:
        problems.append(_problem("completion_before_build", r, cols["done"], tab, g.value(r, cols["done"])))

    location = None
    if "location" in cols:
        location = g.text(r, cols["location"]) or None
        if location is None:
            problems.append(_problem("missing_location", r, cols["location"], tab, None))

    scale = None
    if "scale" in cols:
        st = g.text(r, cols["scale"])
        scale, code = parse_scale(st)
        if code:
            problems.append(_problem(code, r, cols["scale"], tab, st or None))

    reading.problems.extend(problems)
    return Entry(
        row=r + 1,
        name=name,
        field=field,
        quantity=quantity,
        build=build,
        done=done,
        location=location,
        scale=scale,
        columns=cols,
        raw=raw,
        has_error=incomplete or any(p.severity == "error" for p in problems),
    )

"""The form reader: one tab's grid of cell values -> entries and problems.

Never raises on any grid: every oddity becomes a Problem with its A1 cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import count, repeat, zip_longest
from operator import itemgetter

from danvan_sheets.core import legacy, sections
from danvan_sheets.core.cells import a1, col_letters, parse_quantity, parse_scale
from danvan_sheets.core.control_chars import control_character_problems
from danvan_sheets.core.messages import ERROR_CODES, message
from danvan_sheets.core.model import COLUMNS, Entry, Problem, SheetReading
from danvan_sheets.core.periods import parse_period
from danvan_sheets.core.text import cell_text, clean, clean_lines

# Pure functions called for every row; real forms repeat the same values ("Tháng 5/2023",
# "Tập thể", the same rows and columns), so their results are memoised. typed=True keeps
# 1, 1.0 and True apart. The cached PeriodResult objects are only read, never changed.
_a1 = lru_cache(maxsize=1 << 16)(a1)


@lru_cache(maxsize=16)
def _period_reader(year: int):
    """parse_period for one campaign year, cached on the cell alone (a one-argument key is cheaper)."""
    return lru_cache(maxsize=1 << 14, typed=True)(lambda value: parse_period(value, year))


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


# typed: True, 1 and 1.0 are equal keys but read differently ("TRUE", "1", "1").
_text_of = lru_cache(maxsize=1 << 16, typed=True)(_cell_text)


def _texts(decoded: list[list[object]]) -> list[list[str]]:
    """The clean() text of every cell."""
    out = []
    for row in decoded:
        try:
            out.append(list(map(_text_of, row)))
        except TypeError:  # an unhashable cell value: nothing to cache
            out.append([_cell_text(v) for v in row])
    return out


def _rectangular(rows: object) -> list[list[object]]:
    """Our own copy of the rows, each a list (rows of different lengths are fine)."""
    if not isinstance(rows, (list, tuple)):
        return []
    return [list(row) if isinstance(row, (list, tuple)) else [row] for row in rows]


def _decode_columns(rows: list[list[object]], title: str, problems: list[Problem]) -> tuple[list[list[object]], list[str]]:
    """-> (rows with legacy-font text decoded, encodings found). Rows are copied only if a cell changes."""
    decoded = rows
    found: dict[str, str] = {}  # encoding -> first cell converted
    for c, column in enumerate(zip_longest(*rows)):
        # Most columns have no cell that reads better decoded: that settles them in one pass.
        try:
            if not any(map(legacy.gains, column)):
                continue
        except TypeError:  # an unhashable cell value: look at the column's text the long way
            pass
        texts = [v for v in column if isinstance(v, str)]
        enc = legacy.detect_column(texts) if texts else None
        if enc is None:
            continue
        for ri, v in enumerate(column):
            if not isinstance(v, str):
                continue
            new = legacy.decode_cell(v, enc)
            if new != v:
                if decoded is rows:
                    decoded = [list(r) for r in rows]
                decoded[ri][c] = new
                if enc not in found:
                    found[enc] = a1(ri, c)
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


def _find_header(texts: list[list[str]]) -> tuple[int, dict[str, int], int] | None:
    """(header row, column of each kind, rows the header spans)."""
    for r, row in enumerate(texts):
        kinds: dict[str, int] = {}
        time_parents: list[int] = []
        for c, t in enumerate(row):
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
        if time_parents and r + 1 < len(texts):
            for c, t in enumerate(texts[r + 1]):
                sub = sections.sub_header_kind(t) if t else None
                if sub and sub not in kinds:
                    kinds[sub] = c
                    span = 2
        return r, kinds, span
    return None


def read_tabs(tabs: Iterable, campaign_year: int) -> list[tuple[object, SheetReading]]:
    """read_tab() for every tab (anything with .title and .rows) -> [(tab, reading)].

    Callers reading a province pause the cyclic collector around it (core.gcpause),
    as pipeline.run does.
    """
    return [(tab, read_tab(tab.title, tab.rows, campaign_year)) for tab in tabs]


def read_tab(title: str, rows: object, campaign_year: int) -> SheetReading:
    reading = SheetReading(title=title)
    try:
        _read(reading, _rectangular(rows), campaign_year)
        reading.problems.extend(control_character_problems(reading))
    except Exception:  # noqa: BLE001 - the reader must never stop a run; say what happened
        reading.entries = []
        reading.problems.append(
            Problem("unreadable_tab", "error", message("unreadable_tab"), cell="A1", tab=title)
        )
    return reading


def _read(reading: SheetReading, rows: list[list[object]], year: int, shortcuts: bool = True) -> None:
    """read_tab()'s work; shortcuts=False reads every row the long way (tests compare the two)."""
    problems = reading.problems
    title = reading.title
    decoded, encodings = _decode_columns(rows, title, problems)
    reading.legacy_encodings = encodings
    texts = _texts(decoded)

    found = _find_header(texts)
    scan_to = found[0] if found else min(len(texts), 15)
    for r in range(scan_to):
        row = texts[r]
        for c, t in enumerate(row):
            name = sections.unit_line(t) if t else None
            if name is None:
                continue
            if not name:  # "Đơn vị:" with the name in the next cell
                name = next((k for k in row[c + 1:] if k), "")
            if name and reading.declared_unit is None:
                reading.declared_unit = name
    if not found:
        if any(any(row) for row in texts):
            problems.append(Problem("missing_header", "error", message("missing_header"), cell="A1", tab=title))
        return
    header, cols, span = found
    reading.header_row = header + 1
    missing_cols = [k for k in _REQUIRED if k not in cols]
    for k in missing_cols:
        problems.append(
            Problem("missing_column", "error", message("missing_column", COLUMNS[k]), cell=a1(header, cols["name"]), row=header + 1, tab=title)
        )
    _Rows(reading, rows, decoded, texts, cols, year, bool(missing_cols), header + span).read(shortcuts)


class _Rows:
    """The rows under the header: sections, placeholders and totals skipped, models read.

    This loop runs for every row of a province, so a tab's column indices are
    worked out once here. The rows are padded to the last column the header names;
    a form without an Stt column gets one more, always empty, to read its Stt from.
    """

    def __init__(self, reading: SheetReading, raw: list[list[object]], decoded: list[list[object]],
                 texts: list[list[str]], cols: dict[str, int], year: int, incomplete: bool, start: int) -> None:
        self.reading, self.raw, self.decoded, self.texts = reading, raw, decoded, texts
        self.cols, self.year, self.incomplete, self.start = cols, year, incomplete, start
        self.tab = reading.title
        blank = max(cols.values()) + 1
        # Only to the form's own columns: one stray cell far to the right (column XFD)
        # must not make every row 16 000 cells long. The always-empty column is there
        # only for a form without an Stt column.
        size = blank if "stt" in cols else blank + 1
        for r in range(start, len(texts)):
            if len(texts[r]) < size:
                texts[r].extend([""] * (size - len(texts[r])))
            if len(decoded[r]) < size:
                decoded[r].extend([None] * (size - len(decoded[r])))
        self.c_name = cols["name"]
        self.c_stt = cols.get("stt", blank)
        used = sorted(set(cols.values()))
        self.pick = itemgetter(*used) if len(used) > 1 else (lambda row, c=used[0]: (row[c],))
        self.c_data = [cols[k] for k in _DATA if k in cols]
        self.layout = tuple(cols.get(k) for k in ("field", "quantity", "build", "done", "location", "scale"))
        self.read_period = _period_reader(year)

    def read(self, shortcuts: bool = True) -> None:
        reading, texts, decoded, c_name, c_stt = self.reading, self.texts, self.decoded, self.c_name, self.c_stt
        pick, entries = self.pick, reading.entries
        current_field: str | None = None
        rows = texts[self.start:]
        # The Stt and name cells of every row are classified a column at a time.
        names = list(map(itemgetter(c_name), rows))
        # Without shortcuts no row counts as plain: every structural test runs on every row.
        plains = map(sections.plainly_a_name, names) if shortcuts else repeat(False)
        stts = list(map(itemgetter(c_stt), rows))
        roles = map(sections.stt_role, stts)
        for r, row, name_text, stt, plain, role in zip(count(self.start), rows, names, stts, plains, roles):
            picked = pick(row)
            if not any(picked):
                continue
            name_raw = decoded[r][c_name]
            stt_notes, stt_total, stt_section = role
            first = next(filter(None, picked), "")
            # Most rows are a model whose name plainly is one, with a plain number in Stt:
            # the structural tests below would all fail on them, so they go straight in.
            # (clean() changes a cell with a line break, so an unchanged one has none.)
            if (shortcuts and plain and not (stt_notes or stt_total or stt_section) and len(name_text) > 4
                    and (first is name_text or first is stt)
                    and not (isinstance(name_raw, str) and name_raw != name_text and _LINE_BREAK.search(name_raw))):
                entries.append(self.entry(r, row, decoded[r], name_text, current_field))
                continue
            if isinstance(name_raw, str) and name_raw != name_text and _LINE_BREAK.search(name_raw):
                name_lines = clean_lines(name_raw)  # a merged "section title + first model" cell
                if plain and name_lines:
                    # plainly_a_name() read the cell as one line; the tests below read its first.
                    plain = sections.plainly_a_name(name_lines[0])
            else:
                name_lines = [name_text] if name_text else []
            if stt_notes or (not (plain and first is name_text) and sections.is_notes(first)):
                break
            # The numbering row's name cell is "(2)": anything longer is not that row.
            if len(name_text) <= 4 and sections.is_numbering_row(list(picked)):
                continue
            if stt_total or (not plain and name_lines and sections.is_total(name_lines[0])):
                continue

            # Section rows: in the name column, in the Stt column, or both.
            section = None
            name = " ".join(name_lines)
            if not plain and name_lines and (found := sections.section_title(name_lines[0])):
                section = found[0]
                name = " ".join(([found[1]] if found[1] else []) + name_lines[1:])
            else:
                section = stt_section
            if section:
                current_field = section
                if not name or (not plain and sections.is_placeholder(name)):
                    continue
            elif not name or (not plain and sections.is_placeholder(name)):
                # Placeholder rows ("Mô hình….", "…") are silent; numbers without a name are not.
                if self.has_real_data(row):
                    reading.problems.append(_problem("missing_name", r, c_name, self.tab, name_raw))
                continue
            entries.append(self.entry(r, row, decoded[r], name, current_field))

    def has_real_data(self, row: list[str]) -> bool:
        return any(row[c] and not sections.is_placeholder(row[c]) for c in self.c_data)

    def entry(self, r: int, row: list[str], values: list[object], name: str, field: str | None) -> Entry:
        tab = self.tab
        c_field, c_qty, c_build, c_done, c_loc, c_scale = self.layout
        problems: list[Problem] = []

        c = c_field
        if c is not None and row[c]:
            fv = sections.field_value(row[c])
            if fv is None:
                problems.append(_problem("invalid_field", r, c, tab, row[c]))
            field = fv
        elif field is None:
            problems.append(_problem("missing_field", r, self.c_name if c_field is None else c_field, tab, None))

        c = c_qty
        if c is not None:
            qv = values[c]
            quantity, code = parse_quantity(qv)
            if code:
                problems.append(_problem(code, r, c, tab, qv))
        else:
            quantity = 1

        build = None if c_build is None else self.period(r, row, values, c_build, problems)
        done = None if c_done is None else self.period(r, row, values, c_done, problems)
        if build and done and done.end < build.start:
            problems.append(_problem("completion_before_build", r, c_done, tab, values[c_done]))

        location = None
        c = c_loc
        if c is not None:
            location = row[c] or None
            if location is None:
                problems.append(_problem("missing_location", r, c, tab, None))

        scale = None
        c = c_scale
        if c is not None:
            scale, code = parse_scale(row[c])
            if code:
                problems.append(_problem(code, r, c, tab, row[c] or None))

        has_error = self.incomplete
        if problems:
            self.reading.problems.extend(problems)
            has_error = has_error or any(p.severity == "error" for p in problems)
        return Entry(r + 1, name, field, quantity, build, done, location, scale, self.cols, self.raw[r], has_error=has_error)

    def period(self, r: int, row: list[str], values: list[object], c: int, problems: list[Problem]):
        v = values[c]
        res = self.read_period(row[c] if isinstance(v, str) else v)
        if res.code:
            problems.append(_problem(res.code, r, c, self.tab, v, text=res.message))
        return res.period


def _problem(code: str, r: int, c: int, tab: str, value: object, severity: str | None = None, text: str | None = None) -> Problem:
    sev = severity or ("error" if code in ERROR_CODES else "warning")
    shown = None if value is None else (value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value))
    return Problem(code, sev, text or message(code, value), cell=_a1(r, c), row=r + 1, column=col_letters(c), value=shown, tab=tab)

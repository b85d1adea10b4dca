"""The form reader: one tab's grid of cell values -> entries and problems.

Never raises on any grid: every oddity becomes a Problem with its A1 cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from itertools import zip_longest

from danvan_sheets.core import legacy, sections
from danvan_sheets.core.cells import a1, col_letters, parse_quantity, parse_scale
from danvan_sheets.core.checks import RowRead, check_row
from danvan_sheets.core.control_chars import control_character_problems
from danvan_sheets.core.keywords import said
from danvan_sheets.core.merges import Anchors, fill_merges
from danvan_sheets.core.messages import ERROR_CODES, message
from danvan_sheets.core.model import COLUMNS, Entry, Problem, Severity, SheetReading, SkippedRow
from danvan_sheets.core.periods import PeriodResult, parse_period
from danvan_sheets.core.text import cell_text, clean, clean_lines, key

_REQUIRED = ("name", "build", "location", "scale", "done")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\v]")
_DATA = ("quantity", "build", "location", "scale", "done", "field")


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if type(v) is str:
        return clean(v)
    if type(v) is int:
        return str(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return clean(cell_text(v))



def _rectangular(rows: object) -> list[list[object]]:
    """Our own copy of the rows, each a list (rows of different lengths are fine)."""
    if not isinstance(rows, (list, tuple)):
        return []
    return [list(row) if isinstance(row, (list, tuple)) else [row] for row in rows]


def _decode_columns(
    rows: list[list[object]], title: str, problems: list[Problem]
) -> tuple[list[list[object]], list[str]]:
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
        column_enc = legacy.detect_column(texts) if texts else None
        for ri, v in enumerate(column):
            if not isinstance(v, str):
                continue
            # A column that voted Unicode can still hold a cell plainly typed in an old font.
            enc = column_enc or legacy.alone(v)
            if enc is None:
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


def _header_kinds(row: list[str]) -> tuple[dict[str, int], list[int]] | None:
    """(column of each kind, columns titled only "Thời gian") when the row is the form's header."""
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
        return None
    return kinds, time_parents


def _find_header(texts: list[list[str]]) -> tuple[int, dict[str, int], int] | None:
    """(header row, column of each kind, rows the header spans)."""
    for r, row in enumerate(texts):
        found = _header_kinds(row)
        if found is None:
            continue
        kinds, time_parents = found
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
    """read_tab() for every tab (anything with .title, .rows and maybe .merges) -> [(tab, reading)]."""
    periods: dict = {}
    return [(tab, read_tab(tab.title, tab.rows, campaign_year, getattr(tab, "merges", ()), periods)) for tab in tabs]


def read_tab(
    title: str, rows: object, campaign_year: int, merges: Iterable = (), periods: dict | None = None
) -> SheetReading:
    """Read one tab. `merges`: Tab.merges, (start_row, end_row, start_col, end_col), 0-based, half-open.

    `periods`: the time cells already read in this run. Every form repeats the same few
    ("Tháng 5/2023", "Quý IV/2023"), and reading one is the costliest step of a row:
    read_tabs shares one dict across a province's tabs (measured: 2,550 models in
    1.3 s without it on the shared test VM, see README). It lives for one call only.
    """
    reading = SheetReading(title=title)
    try:
        grid = _rectangular(rows)
        _read(reading, grid, fill_merges(grid, merges), campaign_year, {} if periods is None else periods)
        reading.problems.extend(control_character_problems(reading))
    except Exception:  # noqa: BLE001 - the reader must never stop a run; say what happened
        reading.entries = []
        reading.skipped_rows = []
        reading.problems.append(
            Problem("unreadable_tab", "error", message("unreadable_tab"), cell="A1", tab=title)
        )
    return reading


def _read(reading: SheetReading, rows: list[list[object]], anchors: Anchors, year: int, periods: dict) -> None:
    problems = reading.problems
    title = reading.title
    decoded, encodings = _decode_columns(rows, title, problems)
    reading.legacy_encodings = encodings
    texts = [[_cell_text(v) for v in row] for row in decoded]

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
            Problem(
                "missing_column",
                "error",
                message("missing_column", COLUMNS[k]),
                cell=a1(header, cols["name"]),
                row=header + 1,
                tab=title,
            )
        )
    _Form(reading, rows, decoded, texts, cols, anchors, year, bool(missing_cols), periods).read(header + span)


_STT_WORDS = re.compile(r"[^\W\d_]{3,}")


class _Form:
    """The rows of one tab, each ending as an entry or as a skipped row with its reason.

    The rows are padded to the last column the header names; a form without an
    Stt column gets one more, always empty, to read its Stt from.
    """

    def __init__(self, reading: SheetReading, raw: list[list[object]], decoded: list[list[object]],
                 texts: list[list[str]], cols: dict[str, int], anchors: Anchors, year: int, incomplete: bool,
                 periods: dict) -> None:
        self.reading, self.raw, self.decoded, self.texts = reading, raw, decoded, texts
        self.cols, self.anchors, self.year, self.incomplete, self.periods = cols, anchors, year, incomplete, periods
        self.tab = reading.title
        blank = max(cols.values()) + 1
        # Only to the form's own columns: one stray cell far to the right (column XFD)
        # must not make every row 16 000 cells long.
        size = blank if "stt" in cols else blank + 1
        for r in range(len(texts)):
            if len(texts[r]) < size:
                texts[r].extend([""] * (size - len(texts[r])))
            if len(decoded[r]) < size:
                decoded[r].extend([None] * (size - len(decoded[r])))
        self.c_name = cols["name"]
        self.c_stt = cols.get("stt", blank)
        self.used = sorted(set(cols.values()))
        self.c_data = [cols[k] for k in _DATA if k in cols]
        self.last: Entry | None = None  # the entry read from the row just above, for a name continued below it

    def skip(self, r: int, reason: str) -> None:
        self.last = None
        # A value merged across the row is said once.
        text = " | ".join(t for c, t in enumerate(self.texts[r]) if t and not self.from_other_column(r, c))
        self.reading.skipped_rows.append(SkippedRow(r + 1, text if len(text) <= 200 else text[:199] + "…", reason))

    def from_other_row(self, r: int, c: int) -> bool:
        """The cell shows a merged value typed on another row."""
        anchor = self.anchors.get((r, c))
        return anchor is not None and anchor[0] != r

    def from_other_column(self, r: int, c: int) -> bool:
        """The cell is covered by a merge that starts in another column: a person reads it as blank."""
        anchor = self.anchors.get((r, c))
        return anchor is not None and anchor[1] != c

    def read(self, start: int) -> None:
        texts, c_name, c_stt = self.texts, self.c_name, self.c_stt
        field: str | None = None
        notes = False
        notes_at = 0  # the note or signature line that started notes mode
        header_to = start  # rows before it belong to a header
        for r, row in enumerate(texts):
            if not any(row):
                self.last = None
                continue
            if r < header_to:  # the title, the "Đơn vị:" line and the header itself
                self.skip(r, "header")
                continue
            if notes and not self.resumes(r):
                self.model_in_notes(r, notes_at)
                self.skip(r, "notes")
                continue
            notes = False
            picked = [row[c] for c in self.used]
            # A row with nothing in the form's columns, or only the continuation of a cell
            # merged down from a row above, holds nothing of its own.
            if not any(t and not self.from_other_row(r, c) for c, t in zip(self.used, picked, strict=True)):
                self.skip(r, "blank")
                continue
            stt = self.own(r, c_stt)
            stt_notes, stt_total, stt_section = sections.stt_role(stt)
            first = next(filter(None, picked))
            # The signature block ("Người lập biểu", "T/M BAN THƯỜNG VỤ", "Yên Bái, ngày …") closes the form; a row
            # with a model's own time or Quy mô is a model named like one ("XÁC NHẬN CỦA CÔNG AN XÃ …", no Stt).
            signature = not stt[:1].isdigit() and sections.is_signature(first) and not self.has_model_data(r)
            if stt_notes or sections.is_notes(first) or signature:
                notes, notes_at = True, r + 1
                self.model_in_notes(r, notes_at)
                self.skip(r, "notes")
                continue
            if not stt[:1].isdigit():
                # The form copied again below (another year's, or the same one twice): its title,
                # "Đơn vị:" line and header are header rows, and the tab gets a warning.
                again = self.header_again(r)
                if again:
                    header_to = r + again
                    field = None
                    self.reading.problems.append(self.problem(
                        "repeated_header", r, c_name, None,
                        f"Dòng {r + 1} lặp lại dòng tên cột: trang này có hơn một biểu mẫu. Các dòng phía dưới vẫn "
                        "được đọc và tính; nếu đó là biểu mẫu năm khác hoặc bản chép thừa, hãy xóa hoặc chuyển "
                        "sang tệp khác."))
                    self.skip(r, "header")
                    continue
                # A row with data of its own is a model, whatever its name says.
                if (sections.is_form_title(first) or sections.unit_line(first) is not None) and not \
                        self.has_own_data(r) and any(
                        self.header_again(n) for n in range(r + 1, min(r + 4, len(texts)))):
                    self.skip(r, "header")
                    continue
            if sections.is_numbering_row(picked):
                self.skip(r, "numbering")
                continue
            name_raw = self.decoded[r][c_name]
            name_text = row[c_name]
            if stt_section and (self.from_other_row(r, c_name) or self.from_other_column(r, c_name)):
                # A name merged down over a section row, or the Stt's "I" merged across the name
                # cell, is not a model of that row.
                name_lines: list[str] = []
            elif isinstance(name_raw, str) and name_raw != name_text and _LINE_BREAK.search(name_raw):
                name_lines = clean_lines(name_raw)  # a merged "section title + first model" cell
            else:
                name_lines = [name_text] if name_text else []
            head = said(name_lines[0]) if name_lines else None
            if stt_total or (head and sections.is_total(head)):
                self.skip(r, "total")
                continue

            # Section rows: in the name column, in the Stt column, or both.
            section = None
            name = " ".join(name_lines)
            if head and (found := sections.section_title(head)):
                section = found[0]
                name = " ".join(([found[1]] if found[1] else []) + name_lines[1:])
            else:
                section = stt_section
            if section:
                field = section
                if not name or sections.is_placeholder(name):
                    self.skip(r, "section")
                    continue
            elif not name or sections.is_placeholder(head if head and name == head.text else name):
                # Placeholder rows ("Mô hình….", "…") are set aside; numbers without a name are an error.
                if self.has_real_data(r, stt):
                    self.reading.problems.append(self.problem("missing_name", r, c_name, self.decoded[r][c_name]))
                    self.skip(r, "missing_name")
                else:
                    self.skip(r, "placeholder")
                continue
            if (prev := self.last) is not None and not section and self.continues(r, name, prev):
                # A name wrapped onto a row of its own: part of the model above, said at the cell.
                prev.name = f"{prev.name} {name}"
                prev.name_key = key(prev.name)
                self.reading.problems.append(self.problem(
                    "name_continued", r, c_name, self.decoded[r][c_name],
                    f"Dòng {r + 1} chỉ có chữ ở cột Tên mô hình, không có Stt và số liệu riêng: đã hiểu là phần tiếp "
                    f"của tên mô hình ở dòng {prev.row} (“{prev.name[:80]}”). Nếu đây là một mô hình riêng, hãy ghi "
                    "Stt và đủ các cột; nếu không, hãy ghi cả tên vào một ô."))
                self.skip(r, "continued")
                self.last = prev
                continue
            self.last = self.entry(r, name, field)
            self.reading.entries.append(self.last)

    def own(self, r: int, c: int) -> str:
        """The text typed in cell (r, c) itself: "" where a merge carries it down from a row above."""
        return self.texts[r][c] if not self.from_other_row(r, c) else ""

    def header_again(self, r: int) -> int:
        """How many rows a repeat of the form's header at row r spans (0: none)."""
        row = self.texts[r]
        if not (row[self.c_name] and sections.header_kind(row[self.c_name]) == "name"):
            return 0
        found = _find_header(self.texts[r:r + 2])
        return found[2] if found and found[0] == 0 else 0

    def resumes(self, r: int) -> bool:
        """Row r, below a notes or signature line, is the form again: a numbered model with its data,
        or a section title. A "Ghi chú" typed between two sections must not swallow the models under it."""
        stt = self.own(r, self.c_stt)
        if stt[:1].isdigit() and self.has_real_data(r, stt):
            return True
        if "stt" not in self.cols and self.has_model_data(r):  # no Stt to number a model with: its data says it
            return True
        name = self.own(r, self.c_name)
        return bool(sections.stt_role(stt)[2] or (name and sections.section_title(name)))

    def has_model_data(self, r: int) -> bool:
        """Row r holds a model's own figures: a time the reader understands, or a Quy mô (cá nhân, tập thể).

        No note or signature line has them, numbered or not: "Nguyễn Văn A" under "Người lập biểu",
        "T/M BAN THƯỜNG VỤ" in the Địa điểm or Quy mô column, the date line "Yên Bái, ngày …" do not count.
        """
        row = self.texts[r]
        for kind in ("build", "done", "scale"):
            c = self.cols.get(kind)
            if c is None or not row[c] or self.from_other_row(r, c) or self.from_other_column(r, c):
                continue
            if sections.is_signature(row[c]) or sections.is_notes(row[c]):
                continue
            if kind == "scale":
                if parse_scale(row[c])[1] is None:
                    return True
                continue
            value = self.decoded[r][c]
            if self.period(row[c] if isinstance(value, str) else value).period is not None:
                return True
        return False

    def model_in_notes(self, r: int, notes_at: int) -> None:
        """Warn at a row set aside as notes that has a model's name with an Stt or a model's data: it may be a
        model typed under (or on) a note or signature line, and the unit would look short without a word."""
        row = self.texts[r]
        c_name = self.c_name
        name = row[c_name] if not (self.from_other_row(r, c_name) or self.from_other_column(r, c_name)) else ""
        stt = self.own(r, self.c_stt)
        if not name:
            return
        where = "là dòng ghi chú hoặc ký tên" if r + 1 == notes_at else \
            f"nằm dưới dòng ghi chú hoặc ký tên (dòng {notes_at})"
        if self.has_model_data(r):
            text = (f"Dòng {r + 1} (“{name[:80]}”) có thời gian hoặc quy mô như một mô hình nhưng không có Stt và "
                    f"{where}: đã hiểu là ghi chú, chưa tính là mô hình. Nếu đây là mô hình, hãy ghi Stt cho dòng "
                    "này và đặt nó trên phần ghi chú, ký tên; nếu không, hãy xóa số liệu ở dòng này.")
        elif stt[:1].isdigit():
            text = (f"Dòng {r + 1} có Stt “{stt}” và tên “{name[:80]}” nhưng {where} và không có số liệu: đã "
                    "hiểu là ghi chú, chưa tính là mô hình. Nếu đây là mô hình, hãy ghi đủ Số lượng, Thời gian, "
                    "Địa điểm, Quy mô; nếu là ghi chú, hãy xóa số ở cột Stt.")
        else:
            return
        self.reading.problems.append(self.problem("model_in_notes", r, c_name, self.decoded[r][c_name], text))

    def continues(self, r: int, name: str, prev: Entry) -> bool:
        """Row r holds only a name, going on from the model of the row above.

        Either the Stt (and any data) is merged down from that model's row, or the name has no
        Stt and no data of its own and goes on in lower case ("… tham gia" / "xây dựng nông thôn mới").
        """
        c_stt = self.c_stt
        if any(self.texts[r][c] and not self.from_other_row(r, c) for c in (c_stt, *self.c_data)):
            return False
        anchor = self.anchors.get((r, c_stt))
        if anchor is not None and anchor[0] == prev.row - 1 and self.texts[r][c_stt]:
            return True
        return name[:1].islower()

    def has_own_data(self, r: int) -> bool:
        """Something typed on row r in a data column (Số lượng … Quy mô, Lĩnh vực), not a placeholder."""
        row = self.texts[r]
        return any(row[c] and not self.from_other_row(r, c) and not sections.is_placeholder(row[c])
                   for c in self.c_data)

    def has_real_data(self, r: int, stt: str) -> bool:
        if self.has_own_data(r):
            return True
        # A name typed into the Stt column.
        return bool(_STT_WORDS.search(stt)) and not sections.is_placeholder(stt)

    def cell(self, r: int, c: int | None) -> tuple[object, str]:
        """(value, text) of a data cell; a cell a merge carries over from another column is blank."""
        if c is None or self.from_other_column(r, c):
            return None, ""
        return self.decoded[r][c], self.texts[r][c]

    def entry(self, r: int, name: str, field: str | None) -> Entry:
        """Parse the row's cells, run the row checks (core.checks) and turn their findings into problems."""
        cols = self.cols
        field_text = self.cell(r, cols.get("field"))[1]
        if field_text:
            field = sections.field_value(field_text)
        quantity_value = self.cell(r, cols.get("quantity"))[0]
        quantity, quantity_code = parse_quantity(quantity_value) if "quantity" in cols else (1, None)
        build_value, build_text = self.cell(r, cols.get("build"))
        done_value, done_text = self.cell(r, cols.get("done"))
        scale_text = self.cell(r, cols.get("scale"))[1]
        scale, scale_code = parse_scale(scale_text)
        row = RowRead(
            frozenset(cols),
            field,
            field_text,
            quantity,
            quantity_code,
            quantity_value,
            self.period(build_text if isinstance(build_value, str) else build_value) if "build" in cols else None,
            build_value,
            self.period(done_text if isinstance(done_value, str) else done_value) if "done" in cols else None,
            done_value,
            self.cell(r, cols.get("location"))[1],
            scale,
            scale_code,
            scale_text,
        )

        problems = [self.problem(f.code, r, cols.get(f.column, self.c_name), f.value, f.text) for f in check_row(row)]
        has_error = self.incomplete
        if problems:
            self.reading.problems.extend(problems)
            has_error = has_error or any(p.severity == "error" for p in problems)
        anchors = self.anchors
        moved = {k: a1(*anchors[(r, c)]) for k, c in cols.items() if (r, c) in anchors} if anchors else None
        return Entry(r + 1, name, row.field, row.quantity, row.build.period if row.build else None,
                     row.done.period if row.done else None, row.location or None, row.scale, cols, self.raw[r],
                     has_error=has_error, moved=moved or None, name_key=key(name))

    def period(self, value: object) -> PeriodResult:
        # Keyed by type too: 1, 1.0 and True are equal keys but read differently.
        k = (type(value), value, self.year)
        try:
            found = self.periods.get(k)
        except TypeError:  # an unhashable cell value
            return parse_period(value, self.year)
        if found is None:
            found = self.periods[k] = parse_period(value, self.year)
        return found

    def problem(self, code: str, r: int, c: int, value: object, text: str | None = None) -> Problem:
        """A problem of row r; a merged value's problem points at the merge's top-left cell."""
        ar, ac = self.anchors.get((r, c), (r, c))
        sev: Severity = "error" if code in ERROR_CODES else "warning"
        shown = (
            None if value is None else (value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value))
        )
        return Problem(code, sev, text or message(code, value), cell=a1(ar, ac), row=r + 1, column=col_letters(ac),
                       value=shown, tab=self.tab)

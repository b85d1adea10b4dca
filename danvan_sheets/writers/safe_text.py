"""Text a unit typed, made safe for every file and sheet we write: one helper for every writer.

Two things a unit's cell can do to what we write, and both stop here:
- run as a formula: text starting with "=" stays text (put_cell, csv_safe, the Google writer
  sends stringValue);
- hold characters the format cannot keep (Word's U+000B line break, stray control codes, a
  lone surrogate): `printable` turns line separators into a line break and drops the rest.
  openpyxl refuses such a cell (IllegalCharacterError) and would stop the Khối's summary.

The reader keeps the text as typed (the history stores it); core/control_chars.py gives the
unit a warning at the cell, so the clerk learns why the summary shows it differently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from danvan_sheets.core.control_chars import LINE_SEPARATORS, UNWRITABLE, UNWRITABLE_RE

FORMULA_STARTS = ("=", "+", "-", "@")
XLSX_CELL_MAX = 32_767  # Excel's limit, in UTF-16 code units; a longer cell makes Excel "repair" the file
GSHEET_CELL_MAX = 50_000  # Google Sheets refuses the whole batch for one longer cell
_MORE = "…"

_TO_LINE_BREAK = {ord(c): "\n" for c in LINE_SEPARATORS + "\r"}
_DROP: dict[int, str | None] = {
    c: None for c in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, *range(0x7F, 0x85), *range(0x86, 0xA0),
                      *range(0xD800, 0xE000), 0xFFFE, 0xFFFF)
}
_TABLE = {**_DROP, **_TO_LINE_BREAK}
_UNWRITABLE_CHAR_RE = re.compile(f"[{UNWRITABLE}]")
_LITERAL_ESCAPE_RE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def _unescape(m: re.Match) -> str:
    return chr(int(m[0][2:6], 16))


def printable(text: str) -> str:
    """`text` as a person expects to see it: line separators are a line break, other control characters gone.

    Handles the real characters and their OOXML escape ("_x000B_"), which openpyxl passes on
    as typed. Tabs and line feeds stay; \\r\\n and \\r become \\n.
    """
    if _UNWRITABLE_CHAR_RE.search(text) is None and ("_x" not in text or UNWRITABLE_RE.search(text) is None):
        return text
    # Escapes first (only those of the characters handled here), so "_x000D_\n" is one line break.
    text = UNWRITABLE_RE.sub(lambda m: _unescape(m) if len(m[0]) > 1 else m[0], text)
    return text.replace("\r\n", "\n").translate(_TABLE)


def one_line(text: str) -> str:
    """printable() for where no line break can go (an e-mail subject): every break and tab a space."""
    return " ".join(printable(text).split())


def capped(text: str, limit: int) -> str:
    """At most `limit` UTF-16 code units (how Excel and Google count), cut with "…" when longer."""
    if len(text) <= limit // 2 or len(text.encode("utf-16-le")) <= 2 * limit:
        return text
    out, used = [], 0
    for ch in text:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit - 1:
            break
        out.append(ch)
    return "".join(out) + _MORE


def safe_value(value: object, limit: int | None = None) -> object:
    """A value ready for any writer: text through printable() (and capped), numbers as they are."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = printable(value if isinstance(value, str) else str(value))
    return capped(text, limit) if limit else text


def safe_tree(value: object) -> object:
    """safe_value() over a JSON document (dicts, lists), keys included."""
    if isinstance(value, dict):
        return {safe_tree(k): safe_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [safe_tree(v) for v in value]
    if isinstance(value, str):
        return printable(value)
    return value


def json_text(doc: object, indent: int | None = None) -> str:
    """A JSON document as UTF-8-safe text, every string through printable() (a lone surrogate could not be printed)."""
    import json

    return json.dumps(safe_tree(doc), ensure_ascii=False, indent=indent, default=str)


def csv_safe(value: object) -> object:
    """CSV has no cell types: a leading quote makes spreadsheets show the text as typed."""
    value = safe_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS + ("\t", "\r")):
        return "'" + value
    return value


def put_cell(ws, row: int, col: int, value: object):
    """An openpyxl cell set to `value`; a str stays a string cell even when it starts with "=".

    openpyxl turns any str starting with "=" into a formula, so a unit's "=Mô hình…" would run.
    Text is made printable and kept within Excel's cell size. A "_x0041_" still in it after
    that is typed text, which Excel would read as the escape of "A": its underscore is escaped.
    """
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = _xlsx_text(printable(value))
        cell.data_type = "s"
    else:
        cell.value = safe_value(value)
    return cell


def _xlsx_text(text: str) -> str:
    """Printable text as stored in the file: within Excel's cell size counting the escapes, "_x" escaped."""
    limit = XLSX_CELL_MAX
    while True:
        cut = capped(text, limit)
        stored = _LITERAL_ESCAPE_RE.sub(lambda m: "_x005F" + m[0], cut) if "_x" in cut else cut
        # Readers (calamine among them) cut the stored form, escapes and all, at the limit.
        over = len(stored.encode("utf-16-le")) // 2 - XLSX_CELL_MAX if len(stored) > XLSX_CELL_MAX // 2 else 0
        if over <= 0:
            return stored
        limit -= over


# --- one unit's rows never stop the others ---------------------------------------------------

@dataclass(frozen=True)
class WriteFailure:
    """A row a writer could not write: whose it was and which cell, for the message and exit 3."""

    unit: str
    cell: str
    where: str  # the summary tab or file part the row belonged to
    reason: str

    def message(self) -> str:
        at = f" (ô {self.cell})" if self.cell else ""
        return (f"Không ghi được một dòng của đơn vị “{one_line(self.unit)}”{at} vào “{self.where}”: {self.reason}. "
                "Các đơn vị khác vẫn được ghi; hãy kiểm tra ô này trên trang của đơn vị rồi tổng hợp lại.")


def describe(exc: BaseException) -> str:
    return f"lỗi không lường trước ({type(exc).__name__})"


def isolated_rows(
    rows: Iterable[list],
    write: Callable[[int, list], None],
    owner: Callable[[int, list], tuple[str, str]],
    where: str,
    failures: list[WriteFailure] | None,
    on_failure: Callable[[int, list, WriteFailure], None] | None = None,
) -> None:
    """write(i, row) for each row; a row that raises is recorded (its unit and cell) and the rest go on.

    `owner(i, row)` -> (unit name, cell on the unit's tab or "") for the message; `on_failure`
    puts something in the failed row's place.
    """
    for i, row in enumerate(rows):
        try:
            write(i, row)
        except Exception as exc:  # noqa: BLE001 - one unit's odd data must not stop the Khối's summary
            try:
                unit, cell = owner(i, row)
            except Exception:  # noqa: BLE001
                unit, cell = "?", ""
            failure = WriteFailure(unit, cell, where, describe(exc))
            if failures is not None:
                failures.append(failure)
            if on_failure is not None:
                on_failure(i, row, failure)


def safe_str(value: object) -> str:
    """A value as printable text, whatever it is (even one whose str() fails)."""
    try:
        return printable(value if isinstance(value, str) else str(value))
    except Exception:  # noqa: BLE001
        return "?"


def table_owner(header: list[str]) -> Callable[[int, list], tuple[str, str]]:
    """For a summary table: a row's unit (its "Đơn vị" column) and cell ("Ô" or "Ô cần sửa")."""
    unit_col = header.index("Đơn vị") if "Đơn vị" in header else None
    cell_col = next((header.index(h) for h in ("Ô", "Ô cần sửa") if h in header), None)

    def owner(i: int, row: list) -> tuple[str, str]:
        unit = row[unit_col] if unit_col is not None and unit_col < len(row) else (row[0] if row else "?")
        cell = row[cell_col] if cell_col is not None and cell_col < len(row) else ""
        return safe_str(unit), safe_str(cell or "")

    return owner


def failure_row(row: list, unit: str, failure: WriteFailure, unit_col: int = 1) -> list:
    """What stands in for a row that could not be written: its number, its unit, and why."""
    width = max(len(row), unit_col + 2)
    out: list = [""] * width
    if row and isinstance(row[0], int) and not isinstance(row[0], bool):
        out[0] = row[0]
    out[unit_col] = capped(unit, XLSX_CELL_MAX)
    out[-1] = failure.message()
    return out


def safe_rows(rows: Iterable[list], owner: Callable[[int, list], tuple[str, str]], where: str,
              limit: int, failures: list[WriteFailure] | None, unit_col: int = 1) -> list[list]:
    """Every value of every row through safe_value(); a row that fails becomes failure_row() and is recorded."""
    out = []
    for i, row in enumerate(rows):
        try:
            out.append([safe_value(v, limit) for v in row])
        except Exception as exc:  # noqa: BLE001 - one unit's odd data must not stop the Khối's summary
            unit, cell = owner(i, row)
            failure = WriteFailure(unit, cell, where, describe(exc))
            if failures is not None:
                failures.append(failure)
            out.append(failure_row(list(row), unit, failure, unit_col))
    return out


def safe_table(table, limit: int, failures: list[WriteFailure] | None = None):
    """A summary Table (core/tables.py) with every value safe to write; rows that fail stand in as failure_row()."""
    from dataclasses import replace

    owner = table_owner(table.header)
    unit_col = table.header.index("Đơn vị") if "Đơn vị" in table.header else 1
    return replace(
        table,
        caption=safe_str(table.caption),
        header=[safe_str(h) for h in table.header],
        rows=safe_rows(table.rows, owner, table.title, limit, failures, unit_col),
        row_status=list(table.row_status),
        blocks=[
            (
                safe_str(caption),
                [safe_str(h) for h in header],
                safe_rows(rows, lambda i, row: (safe_str(row[0]) if row else "?", ""), table.title, limit, failures, 0),
            )
            for caption, header, rows in table.blocks
        ],
    )


def table_failures(report, compiled_at) -> list[WriteFailure]:
    """The rows of the summary tables that the Google writer replaces by a failure line (same check, same order)."""
    from danvan_sheets.core.tables import all_tables

    failures: list[WriteFailure] = []
    for table in all_tables(report, compiled_at):
        safe_table(table, GSHEET_CELL_MAX, failures)
    return failures

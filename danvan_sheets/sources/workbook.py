"""Reading one spreadsheet file (.xlsx, .xlsm, .xls, .ods) through python-calamine.

calamine parses in Rust and only looks at cells that hold a value, so a far formatted
empty cell (XFD1048576) or a sheet's <dimension> costs nothing. Its cells are made to
look like what the rest of the tool has always had from openpyxl: no "" (None instead),
whole numbers as int (1, not 1.0, in the history), dates as datetime.datetime.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from danvan_sheets.errors import ConfigError, SourceError, os_reason
from danvan_sheets.grid import Grid, Merge, clip_merges

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Past 2**53 a float no longer holds every whole number: keep it as the float it is.
_EXACT = float(2**53)


def shown_name(path: Path | str) -> str:
    """A file name as text that is always valid and keeps every byte.

    A Windows zip unpacked on Linux gives names that are not UTF-8; Python holds their
    bytes as lone surrogates, which SQLite, JSON and xlsx refuse. The bytes that are not
    UTF-8 are written as \\xNN instead, so the name is still the same file to a person.
    """
    name = Path(path).name if not isinstance(path, str) else path
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


@dataclass
class Sheet:
    title: str
    rows: Grid
    merges: list[Merge] = field(default_factory=list)


def _cell(v: Any) -> Any:
    t = type(v)
    if t is str:
        return v or None
    if t is float:
        return int(v) if v.is_integer() and -_EXACT <= v <= _EXACT else v
    if t is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


def clean_rows(raw: list[list[Any]]) -> Grid:
    """calamine's rows as the tool's grid: cleaned cells, trailing blanks and blank rows trimmed."""
    out: Grid = []
    for row in raw:
        end = len(row)
        while end and (row[end - 1] == "" or row[end - 1] is None):
            end -= 1
        out.append([_cell(v) for v in row[:end]] if end else [])
    while out and not out[-1]:
        out.pop()
    return out


def _not_readable(p: Path) -> str:
    return (f"{shown_name(str(p))} không phải tệp Excel (.xlsx, .xls) hay LibreOffice (.ods) đọc được (hỏng, hoặc là "
            "loại tệp khác). Hãy mở bằng Excel rồi “Lưu thành” dạng Sổ làm việc Excel (.xlsx).")


class Book:
    """An open workbook; close() when done (or use it in a with-block)."""

    def __init__(self, path: Path, wb: Any) -> None:
        self.path = path
        self._wb = wb
        self._ods_merges: dict[str, list[Merge]] | None = None

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._wb.close()

    @property
    def titles(self) -> list[str]:
        """Worksheets only: chart and macro sheets hold no form."""
        from python_calamine import SheetTypeEnum

        return [m.name for m in self._wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]

    def sheet(self, title: str) -> Sheet:
        from python_calamine import CalamineError

        try:
            ws = self._wb.get_sheet_by_name(title)
            rows = clean_rows(ws.to_python(skip_empty_area=False))
            spans = ws.merged_cell_ranges
        except CalamineError:
            raise SourceError(f"Trang “{title}” của {shown_name(self.path.name)} bị hỏng, không đọc được. "
                              "Hãy mở tệp bằng Excel, lưu lại rồi chạy lại.") from None
        # calamine lists merges for xlsx and xls only (None for ods), each as inclusive corners.
        merges = self._ods(title) if spans is None else [(r0, r1 + 1, c0, c1 + 1) for (r0, c0), (r1, c1) in spans]
        return Sheet(title, rows, clip_merges(merges, rows))

    def sheets(self) -> Iterator[Sheet]:
        for title in self.titles:
            yield self.sheet(title)

    def _ods(self, title: str) -> list[Merge]:
        if self._ods_merges is None:
            self._ods_merges = ods_merges(self.path) if self.path.suffix.lower() == ".ods" else {}
        return self._ods_merges.get(title, [])


def open_book(path: str | Path) -> Book:
    """The workbook at `path`, or a SourceError saying in Vietnamese why it cannot be read."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    p = Path(path)
    if p.is_dir():
        # A folder given as xlsx: is a usage mistake, with its fix in the message.
        raise ConfigError(f"{shown_name(str(p))} là thư mục; hãy dùng nguồn dir:{p}.")
    try:
        # Opened here rather than by name in calamine: a name that is not valid UTF-8 cannot
        # cross into Rust, and the bytes tell calamine the format whatever the extension.
        with open(p, "rb") as f:
            wb = CalamineWorkbook.from_filelike(f)
    except FileNotFoundError:
        raise SourceError(f"Không tìm thấy tệp {shown_name(str(p))}.") from None
    except OSError as exc:
        raise SourceError(f"Không mở được {shown_name(str(p))}: {os_reason(exc)}.") from None
    except PasswordError:
        raise SourceError(_protected(p)) from None
    except (CalamineError, ValueError, TypeError):
        raise SourceError(_protected(p) if _is_encrypted(p) else _not_readable(p)) from None
    return Book(p, wb)


def _protected(p: Path) -> str:
    return (f"{shown_name(str(p))} được đặt mật khẩu nên không đọc được. Hãy xin đơn vị gửi lại bản không đặt mật "
            "khẩu (trong Excel: Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu rồi lưu).")


_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def _is_encrypted(p: Path) -> bool:
    """A password-protected .xlsx is not a zip but an OLE container holding an EncryptionInfo
    stream (MS-OFFCRYPTO); calamine, handed the bytes, only says it cannot tell the format."""
    try:
        with open(p, "rb") as f:
            if f.read(8) != _OLE_MAGIC:
                return False
            return "EncryptionInfo".encode("utf-16-le") in f.read(64 << 20)
    except OSError:
        return False


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def ods_merges(path: Path) -> dict[str, list[Merge]]:
    """Merged ranges of every table of an .ods file, which calamine does not list.

    A merge is a cell with number-rows/columns-spanned; repeated rows and cells
    (number-rows/columns-repeated) advance the position without being spelled out.
    """
    import xml.etree.ElementTree as ET
    import zipfile

    out: dict[str, list[Merge]] = {}
    try:
        with zipfile.ZipFile(path) as z, z.open("content.xml") as content:
            table: list[Merge] | None = None
            row = col = 0
            for event, el in ET.iterparse(content, events=("start", "end")):
                tag = el.tag
                if tag == f"{_TABLE}table":
                    if event == "start":
                        table = out.setdefault(el.get(f"{_TABLE}name", ""), [])
                        row = 0
                    else:
                        table = None
                        el.clear()
                elif tag == f"{_TABLE}table-row" and table is not None:
                    if event == "start":
                        col = 0
                    else:
                        row += int(el.get(f"{_TABLE}number-rows-repeated", "1"))
                        el.clear()
                elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell") and table is not None:
                    if event == "start":
                        rows = int(el.get(f"{_TABLE}number-rows-spanned", "1"))
                        cols = int(el.get(f"{_TABLE}number-columns-spanned", "1"))
                        if rows > 1 or cols > 1:
                            table.append((row, row + rows, col, col + cols))
                    else:
                        col += int(el.get(f"{_TABLE}number-columns-repeated", "1"))
                        el.clear()
    except (OSError, KeyError, ValueError, ET.ParseError, zipfile.BadZipFile):
        # The values were read; only the merges are lost, which the reader then reports per cell.
        return out
    return out

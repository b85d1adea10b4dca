"""One workbook, a tab per unit (e.g. the shared Google Sheet downloaded as .xlsx, or an .xls/.ods)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from danvan_sheets.grid import Tab
from danvan_sheets.sources.base import LocalSource, SourceData
from danvan_sheets.sources.workbook import SPREADSHEET_SUFFIXES, open_book, shown_name


@dataclass(frozen=True)
class XlsxSource(LocalSource):
    kind: ClassVar[str] = "xlsx"
    example: ClassVar[str] = "xlsx:TỆP.xlsx"

    @classmethod
    def looks_like(cls, text: str) -> bool:
        return text.lower().endswith(SPREADSHEET_SUFFIXES)

    def read(self, settings) -> SourceData:
        return read_workbook(self.target)

    def output_clash(self, out: str) -> str | None:
        if Path(out).expanduser().resolve() == self.path():
            return f"--out {out} chính là tệp nguồn: ghi vào đó sẽ xóa mất bản đăng ký. Hãy chọn tên tệp khác."
        return None


def read_workbook(path: str | Path) -> SourceData:
    """Every worksheet of the workbook, with its merged ranges."""
    origin = shown_name(Path(path))
    with open_book(path) as book:
        return SourceData([Tab(title=s.title, rows=s.rows, origin=origin, merges=s.merges) for s in book.sheets()])

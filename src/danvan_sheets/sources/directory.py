"""A folder of one workbook per unit, as units send them by e-mail or Zalo."""

from __future__ import annotations

from pathlib import Path

from danvan_sheets.errors import SourceError
from danvan_sheets.grid import Tab
from danvan_sheets.sources import SourceData
from danvan_sheets.sources.xlsx import open_workbook, sheet_rows


def _pick_sheet(wb):
    """The sheet the unit filled: the active one if it has anything, else the first that does."""
    sheets = [wb.active] + [ws for ws in wb.worksheets if ws is not wb.active]
    for ws in sheets:
        if ws is None:
            continue
        rows = sheet_rows(ws)
        if rows:
            return rows
    return []


def read_directory(path: str | Path) -> SourceData:
    folder = Path(path)
    if not folder.is_dir():
        raise SourceError(f"Không tìm thấy thư mục {folder}.")
    notices: list[str] = []
    tabs: list[Tab] = []
    # Only the folder itself: an archive subfolder ("cu/") holds last week's copies, which must
    # not compete with the files units sent now.
    entries = sorted(folder.iterdir())
    subfolders = [p.name for p in entries if p.is_dir() and not p.name.startswith(".")]
    if subfolders:
        notices.append(f"Không đọc các thư mục con ({', '.join(subfolders)}): chỉ đọc các tệp .xlsx nằm ngay trong {folder}.")
    files = [p for p in entries if p.is_file() and not p.name.startswith(("~$", "."))]
    for f in files:
        suffix = f.suffix.lower()
        if suffix == ".xls":
            notices.append(f"Bỏ qua {f.name}: tệp Excel cũ (.xls); hãy lưu lại dạng .xlsx.")
            continue
        if suffix not in (".xlsx", ".xlsm"):
            continue
        try:
            wb = open_workbook(f)
            try:
                rows = _pick_sheet(wb)
            finally:
                wb.close()
        except SourceError as exc:
            # One damaged attachment must not stop the whole compilation.
            notices.append(f"Bỏ qua {f.name}: {exc}")
            continue
        tabs.append(Tab(title=f.stem, rows=rows, origin=f.name, prefer_declared_unit=True))
    if not tabs and not notices:
        raise SourceError(f"Thư mục {folder} không có tệp .xlsx nào.")
    return SourceData(tabs, notices)

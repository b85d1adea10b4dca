"""A folder of one workbook per unit, as units send them by e-mail or Zalo."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

from danvan_sheets.errors import SourceError
from danvan_sheets.grid import Tab
from danvan_sheets.sources.base import LocalSource, SourceData
from danvan_sheets.sources.parallel import run_shares, worker_count
from danvan_sheets.sources.xlsx import open_workbook, sheet_rows

_SHARED_WORKBOOK_SHEETS = 4


@dataclass(frozen=True)
class DirSource(LocalSource):
    kind: ClassVar[str] = "dir"
    example: ClassVar[str] = "dir:THƯ_MỤC"

    @classmethod
    def looks_like(cls, text: str) -> bool:
        return Path(text).is_dir()

    def read(self, settings) -> SourceData:
        return read_directory(self.target)

    def output_clash(self, out: str) -> str | None:
        if self.path() in Path(out).expanduser().resolve().parents:
            return (f"--out {out} nằm trong thư mục nguồn {self.target}: lần sau tệp đó sẽ bị đọc như một bản đăng ký. "
                    "Hãy ghi ra thư mục khác.")
        return None


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


def read_directory(path: str | Path, workers: int | None = None) -> SourceData:
    """Every workbook directly in the folder; `workers` forces the number of processes (tests)."""
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
    n = workers if workers is not None else worker_count(len(files))
    shares = run_shares(partial(_read_share, files), n, fallback=workers is None) if n > 1 else None
    if shares is None:
        shares = [_read_share(files, 0, 1)]
    for _i, tab, notice in sorted((r for share in shares for r in share), key=lambda r: r[0]):
        if notice:
            notices.append(notice)
        if tab is not None:
            tabs.append(tab)
    if not tabs and not notices:
        raise SourceError(f"Thư mục {folder} không có tệp .xlsx nào.")
    return SourceData(tabs, notices)


def _read_share(files: list[Path], k: int, n: int) -> list[tuple[int, Tab | None, str | None]]:
    """Worker k of n: (index, tab, notice) for every n-th file from the k-th."""
    out: list[tuple[int, Tab | None, str | None]] = []
    for i in range(k, len(files), n):
        f = files[i]
        suffix = f.suffix.lower()
        if suffix == ".xls":
            out.append((i, None, f"Bỏ qua {f.name}: tệp Excel cũ (.xls); hãy lưu lại dạng .xlsx."))
            continue
        if suffix not in (".xlsx", ".xlsm"):
            continue
        try:
            wb = open_workbook(f)
            try:
                rows = _pick_sheet(wb)
                sheets = len(wb.worksheets)
            finally:
                wb.close()
        except SourceError as exc:
            # One damaged attachment must not stop the whole compilation.
            out.append((i, None, f"Bỏ qua {f.name}: {exc}"))
            continue
        # A unit's file has its form and perhaps a spare sheet; many sheets is the Khối's shared workbook.
        notice = (f"Tệp {f.name} có {sheets} trang, nhưng nguồn dir: coi mỗi tệp là bản đăng ký của một đơn vị "
                  f"và chỉ đọc một trang. Nếu đây là bảng tính chung của cả Khối, hãy dùng --source xlsx:{f}"
                  if sheets >= _SHARED_WORKBOOK_SHEETS else None)
        out.append((i, Tab(title=f.stem, rows=rows, origin=f.name, prefer_declared_unit=True), notice))
    return out

"""One workbook, a tab per unit (e.g. the shared Google Sheet downloaded as .xlsx)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

from danvan_sheets.errors import ConfigError, SourceError, os_reason
from danvan_sheets.grid import Tab
from danvan_sheets.sources.base import LocalSource, SourceData


@dataclass(frozen=True)
class XlsxSource(LocalSource):
    kind: ClassVar[str] = "xlsx"
    example: ClassVar[str] = "xlsx:TỆP.xlsx"

    @classmethod
    def looks_like(cls, text: str) -> bool:
        return text.lower().endswith((".xlsx", ".xlsm"))

    def read(self, settings) -> SourceData:
        return read_workbook(self.target)

    def output_clash(self, out: str) -> str | None:
        if Path(out).expanduser().resolve() == self.path():
            return f"--out {out} chính là tệp nguồn: ghi vào đó sẽ xóa mất bản đăng ký. Hãy chọn tên tệp khác."
        return None


def _trimmed(rows) -> list[list[object]]:
    out: list[list[object]] = []
    for row in rows:
        cells = list(row)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _not_xlsx(p: Path) -> str:
    return (f"{p} không phải tệp Excel .xlsx đọc được (hỏng, hoặc là loại tệp khác). "
            "Hãy mở bằng Excel rồi “Lưu thành” dạng Sổ làm việc Excel (.xlsx).")


def open_workbook(path: str | Path):
    # Imported here so `danvan --help` stays instant.
    import openpyxl

    p = Path(path)
    if not p.exists():
        raise SourceError(f"Không tìm thấy tệp {p}.")
    if p.is_dir():
        # A folder given as xlsx: is a usage mistake, with its fix in the message.
        raise ConfigError(f"{p} là thư mục; hãy dùng nguồn dir:{p}.")
    if p.suffix.lower() == ".xls":
        raise SourceError(f"{p} là tệp Excel cũ (.xls). Hãy mở bằng Excel và lưu lại dạng .xlsx.")
    try:
        # read_only streams rows; data_only gives what a person sees, not formulas.
        return openpyxl.load_workbook(p, read_only=True, data_only=True)
    except OSError as exc:
        raise SourceError(f"Không mở được {p}: {os_reason(exc)}.") from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError):
        raise SourceError(_not_xlsx(p)) from None
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
        raise SourceError(_not_xlsx(p)) from None


def sheet_rows(ws) -> list[list[object]]:
    try:
        return _trimmed(ws.iter_rows(values_only=True))
    except Exception:  # noqa: BLE001 - a damaged sheet part
        raise SourceError(f"Trang “{ws.title}” bị hỏng, không đọc được. Hãy mở tệp bằng Excel, lưu lại rồi chạy lại.") from None


def _sheet_count(path: str | Path) -> int:
    """Roughly how many sheets the workbook has, without parsing it (0 if unknown).

    Only used to decide whether to read in parallel: the workers enumerate the
    sheets themselves, so a miscount costs time, never a sheet.
    """
    try:
        with zipfile.ZipFile(path) as z:
            return z.read("xl/workbook.xml").count(b"<sheet ")
    except Exception:  # noqa: BLE001 - anything odd: read it here, where errors get their messages
        return 0


def _read_share(path: str, k: int, n: int) -> list[tuple[int, str, object]]:
    """Worker k of n: (index, title, rows) of every n-th sheet from the k-th.

    A damaged sheet ends the share with (index, title, SourceError): the caller
    raises the first one in sheet order, as reading them one by one would.
    """
    wb = open_workbook(path)
    out: list[tuple[int, str, object]] = []
    try:
        for i, ws in enumerate(wb.worksheets):
            if i % n != k:
                continue
            try:
                out.append((i, ws.title, sheet_rows(ws)))
            except SourceError as exc:
                out.append((i, ws.title, exc))
                break
    finally:
        wb.close()
    return out


def read_workbook(path: str | Path, workers: int | None = None) -> SourceData:
    """Every sheet of the workbook; `workers` forces the number of processes (tests)."""
    from danvan_sheets.sources.parallel import run_shares, worker_count

    n = workers if workers is not None else worker_count(_sheet_count(path))
    shares = run_shares(partial(_read_share, str(path)), n, fallback=workers is None) if n > 1 and Path(path).is_file() else None
    if shares is None:
        shares = [_read_share(str(path), 0, 1)]
    sheets = sorted((s for share in shares for s in share), key=lambda s: s[0])
    for _i, _title, rows in sheets:
        if isinstance(rows, SourceError):
            raise rows
    return SourceData([Tab(title=title, rows=rows, origin=Path(path).name) for _i, title, rows in sheets])

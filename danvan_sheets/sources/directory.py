"""A folder of one file per unit, as units send them by e-mail or Zalo.

Every file directly in the folder is read or named in a notice: spreadsheets (.xlsx,
.xlsm, .xls, .ods), Word files (.docx, the form's table), and anything else (a PDF, a
photo) is named as not readable. When a unit sent several files, the newest is read
and the others are named as set aside.
"""

from __future__ import annotations

import datetime as dt
import errno
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from danvan_sheets.errors import SourceError, os_reason
from danvan_sheets.grid import Tab
from danvan_sheets.sources.base import LocalSource, SourceData, declared_unit, has_form_header
from danvan_sheets.sources.workbook import SPREADSHEET_SUFFIXES, open_book, shown_name

_SHARED_WORKBOOK_SHEETS = 4
WORD_SUFFIXES = (".docx",)
READABLE = SPREADSHEET_SUFFIXES + WORD_SUFFIXES
# What people add to a file's name when they send it again: "(2)", "- bản sửa", "copy", "v2".
# A bare "sửa"/"mới" is left alone: "Công ty Sữa", "Khu đô thị mới" are names.
_COPY_MARK = re.compile(r"(?:\(\s*\d+\s*\)|[\s_-]*(?:ban sua(?: lai)?|sua lai|ban moi|moi nhat|copy|ban sao|final|"
                        r"v\s?\d+|lan\s?\d+))\s*$")


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


@dataclass
class _Sent:
    """One file a unit sent, read."""

    path: Path
    name: str  # shown_name(path)
    mtime: float
    tabs: list[Tab]
    notices: list[str] = field(default_factory=list)


def _list(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except FileNotFoundError:
        raise SourceError(f"Không tìm thấy thư mục {shown_name(str(folder))}.") from None
    except NotADirectoryError:
        raise SourceError(f"{shown_name(str(folder))} không phải thư mục.") from None
    except PermissionError:
        raise SourceError(f"Không có quyền đọc thư mục {shown_name(str(folder))}. Hãy cấp quyền đọc thư mục cho "
                          "tài khoản đang chạy lệnh (hoặc chép các tệp sang một thư mục khác) rồi chạy lại.") from None
    except OSError as exc:
        raise SourceError(f"Không đọc được thư mục {shown_name(str(folder))}: {os_reason(exc)}.") from None


def read_directory(path: str | Path) -> SourceData:
    """Every unit's file directly in the folder, and a notice for every file not read."""
    folder = Path(path)
    if not folder.is_dir() and folder.exists():
        raise SourceError(f"{shown_name(str(folder))} không phải thư mục.")
    entries = _list(folder)
    notices: list[str] = []
    sent: list[_Sent] = []
    # Only the folder itself: an archive subfolder ("cu/") holds last week's copies, which must
    # not compete with the files units sent now.
    subfolders = [shown_name(p) for p in entries if p.is_dir() and not p.name.startswith(".")]
    if subfolders:
        notices.append(f"Không đọc các thư mục con ({', '.join(subfolders)}): chỉ đọc các tệp nằm ngay trong "
                       f"{shown_name(str(folder))}.")
    for p in entries:
        name = shown_name(p)
        # Hidden files are the system's (.DS_Store), never a unit's.
        if p.name.startswith("."):
            continue
        if p.is_symlink() and not p.exists():
            notices.append(f"Bỏ qua {name}: {_broken_link(p)}.")
            continue
        if p.is_dir():
            continue
        if p.name.startswith("~$"):
            notices.append(f"Bỏ qua {name}: tệp tạm Excel/Word tạo ra khi tệp “{name[2:]}” đang mở. "
                           "Nếu bản đăng ký chưa được lưu, hãy lưu và đóng tệp rồi chạy lại.")
            continue
        if not p.is_file():
            notices.append(f"Bỏ qua {name}: không phải tệp thường.")
            continue
        if p.suffix.lower() not in READABLE:
            notices.append(f"Bỏ qua tệp {name}: không đọc được loại tệp này (chỉ đọc tệp Excel .xlsx, .xls, "
                           "LibreOffice .ods và Word .docx). Hãy xin đơn vị gửi lại biểu mẫu dạng Excel hoặc Word.")
            continue
        try:
            sent.append(_read_file(p))
        except SourceError as exc:
            # One damaged attachment must not stop the whole compilation.
            notices.append(f"Bỏ qua tệp {name}: {exc}")
    tabs: list[Tab] = []
    for group in _by_unit(sent):
        group.sort(key=lambda s: (s.mtime, s.name))
        newest = group[-1]
        if len(group) > 1:
            notices.append(_several_files(newest, group[:-1]))
        notices.extend(newest.notices)
        tabs.extend(newest.tabs)
    tabs.sort(key=lambda t: t.origin)
    if not tabs and not notices:
        raise SourceError(f"Thư mục {shown_name(str(folder))} không có tệp đăng ký nào (.xlsx, .xls, .ods, .docx).")
    return SourceData(tabs, notices)


def _broken_link(p: Path) -> str:
    try:
        p.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "liên kết (shortcut) trỏ vòng vào chính nó, không dẫn tới tệp nào"
    try:
        target = f" “{shown_name(str(p.readlink()))}”"
    except OSError:
        target = ""
    return f"liên kết (shortcut) trỏ tới{target} không còn tồn tại"


def _read_file(p: Path) -> _Sent:
    name = shown_name(p)
    stem = shown_name(p.stem)
    mtime = p.stat().st_mtime
    if p.suffix.lower() in WORD_SUFFIXES:
        from danvan_sheets.sources.word import read_word_tables

        tables = read_word_tables(p)
        if not tables:
            raise SourceError("không có bảng nào có dòng tiêu đề của biểu mẫu (Stt, Tên mô hình, Số lượng…).")
        tabs = [Tab(title=stem if len(tables) == 1 else f"{stem} (bảng {i})", rows=rows, origin=name,
                    prefer_declared_unit=True, merges=merges) for i, (rows, merges) in enumerate(tables, 1)]
        return _Sent(p, name, mtime, tabs)
    with open_book(p) as book:
        titles = book.titles
        sheet = None
        first_filled = None
        # The unit's form: the first sheet with the form's header, else the first with anything.
        for title in titles:
            s = book.sheet(title)
            if has_form_header(s.rows):
                sheet = s
                break
            if first_filled is None and s.rows:
                first_filled = s
        sheet = sheet or first_filled
    notices = []
    # A unit's file has its form and perhaps a spare sheet; many sheets is the Khối's shared workbook.
    if len(titles) >= _SHARED_WORKBOOK_SHEETS:
        notices.append(f"Tệp {name} có {len(titles)} trang, nhưng nguồn dir: coi mỗi tệp là bản đăng ký của một "
                       "đơn vị và chỉ đọc một trang. Nếu đây là bảng tính chung của cả Khối, hãy dùng "
                       f"--source xlsx:{shown_name(str(p))}")
    tab = Tab(title=stem, rows=sheet.rows if sheet else [], origin=name, prefer_declared_unit=True,
              merges=sheet.merges if sheet else [])
    return _Sent(p, name, mtime, [tab], notices)


def _base_name(stem: str) -> str:
    from danvan_sheets.core.text import fold, key

    text = fold(stem)
    while (shorter := _COPY_MARK.sub("", text).strip(" _-")) != text and shorter:
        text = shorter
    return key(text)


def _by_unit(sent: list[_Sent]) -> list[list[_Sent]]:
    """Files of the same unit together: the same name but for "(2)"/"bản sửa", or the same "Đơn vị:" line."""
    from danvan_sheets.core.text import key

    parent = list(range(len(sent)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for i, s in enumerate(sent):
        names = [f"file:{_base_name(s.path.stem)}"]
        if len(s.tabs) == 1 and (unit := declared_unit(s.tabs[0].rows)):
            names.append(f"unit:{key(unit)}")
        for n in names:
            if n in seen:
                parent[root(i)] = root(seen[n])
            else:
                seen[n] = i
    groups: dict[int, list[_Sent]] = {}
    for i, s in enumerate(sent):
        groups.setdefault(root(i), []).append(s)
    return list(groups.values())


def _several_files(taken: _Sent, set_aside: list[_Sent]) -> str:
    def when(s: _Sent) -> str:
        return dt.datetime.fromtimestamp(s.mtime).strftime("%H:%M %d/%m/%Y")

    others = ", ".join(f"“{s.name}” (lưu lúc {when(s)})" for s in set_aside)
    return (f"Đơn vị gửi nhiều tệp: đọc tệp mới nhất “{taken.name}” (lưu lúc {when(taken)}), "
            f"bỏ qua {'tệp' if len(set_aside) == 1 else 'các tệp'} cũ hơn {others}. "
            "Nếu tệp cũ mới là bản đúng, hãy chuyển các tệp không dùng ra khỏi thư mục.")

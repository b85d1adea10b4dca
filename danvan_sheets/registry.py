"""The units registry CSV: ma_don_vi,ten_don_vi,loai_don_vi,email[,tab][,gia_han_den], or the same in Vietnamese."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from danvan_sheets.addresses import address_problem, checked_addresses
from danvan_sheets.core.model import Unit
from danvan_sheets.core.text import clean, key
from danvan_sheets.errors import ConfigError, os_reason

REQUIRED = ("ma_don_vi", "ten_don_vi", "loai_don_vi", "email")
_TYPES = {
    "dang bo co so": "dang_bo_co_so",
    "dang bo": "dang_bo_co_so",
    "chi bo co so": "chi_bo_co_so",
    "chi bo": "chi_bo_co_so",
    "doan the khoi": "doan_the",
    "doan the": "doan_the",
    "dang_bo_co_so": "dang_bo_co_so",
    "chi_bo_co_so": "chi_bo_co_so",
    "doan_the": "doan_the",
}
_TYPES = {key(k): v for k, v in _TYPES.items()}
# Column titles as an Excel user types them, matched by key() (any case, with or without
# diacritics, "_" or spaces): "Mã đơn vị" is ma_don_vi, "Trang" the tab column.
_HEADERS = {
    "ma_don_vi": ("ma_don_vi", "Mã đơn vị", "Mã ĐV", "Mã"),
    "ten_don_vi": ("ten_don_vi", "Tên đơn vị", "Tên ĐV", "Đơn vị"),
    "loai_don_vi": ("loai_don_vi", "Loại đơn vị", "Loại ĐV", "Loại"),
    "email": ("email", "E-mail", "Thư điện tử", "Địa chỉ email"),
    "tab": ("tab", "Trang", "Tên trang", "Trang tính"),
    "gia_han_den": ("gia_han_den", "Gia hạn đến", "Gia hạn", "Được sửa đến"),
}
_HEADER_KEYS = {key(title): column for column, titles in _HEADERS.items() for title in titles}
_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_day(text: str) -> dt.date | None:
    """2023-05-10, or day first as written in Vietnam (10/05/2023, 10/5/2023, 10-05-2023, 10.05.2023)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    if m := _DATE.fullmatch(text):
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None


_FIRST_LINE = f"{','.join(REQUIRED)} (hoặc {','.join(_HEADERS[c][1] for c in REQUIRED)})"


def parse_units(text: str, source: str = "danh sách đơn vị") -> list[Unit]:
    """Parse the CSV text; every bad line is reported together, naming its line number."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    # Excel on a Vietnamese-locale Windows saves "CSV" with semicolons.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [_HEADER_KEYS.get(key(h), clean(h).lower()) for h in next(reader)]
    except StopIteration:
        raise ConfigError(
            f"{source}: tệp trống. Dòng đầu phải là: {_FIRST_LINE}, có thể thêm cột tab (Trang)."
        ) from None
    except csv.Error:
        raise ConfigError(f"{source}: không đọc được CSV (dấu ngoặc kép hoặc dòng bị hỏng). Hãy mở bằng Excel và lưu "
                          "lại dạng “CSV UTF-8”.") from None
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        raise ConfigError(
            f"{source}: thiếu cột {', '.join(missing)}. Dòng đầu phải là: {_FIRST_LINE}, có thể thêm cột tab (Trang)."
        )
    pos = {h: header.index(h) for h in header}
    units: list[Unit] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    try:
        rows = list(enumerate(reader, start=2))
    except csv.Error:
        raise ConfigError(f"{source}: không đọc được CSV (dấu ngoặc kép hoặc dòng bị hỏng). Hãy mở bằng Excel và lưu "
                          "lại dạng “CSV UTF-8”.") from None
    for line, row in rows:
        if not any(clean(c) for c in row):
            continue
        code, name, kind, email, tab, until_text = (
            clean(row[pos[h]]) if h in pos and pos[h] < len(row) else ""
            for h in ("ma_don_vi", "ten_don_vi", "loai_don_vi", "email", "tab", "gia_han_den"))
        unit_type = _TYPES.get(key(kind))
        if not code:
            errors.append(f"dòng {line}: thiếu ma_don_vi.")
        if not name:
            errors.append(f"dòng {line}: thiếu ten_don_vi.")
        if unit_type is None:
            errors.append(
                f"dòng {line}: loai_don_vi “{kind}” không hợp lệ; hãy ghi Đảng bộ cơ sở, Chi bộ cơ sở "
                "hoặc Đoàn thể khối."
            )
        who = f" ({code}{', ' + name if name else ''})" if code else (f" ({name})" if name else "")
        if email:
            # One address or a list separated by "," or ";", each checked (README, "Danh sách đơn vị").
            email, wrong = checked_addresses(email)
            errors += [f"dòng {line}{who}, cột email: {problem}." for problem in wrong]
        if "tab" in pos and "@" in tab and not address_problem(tab):
            # "a@x.vn, b@y.vn" unquoted in a comma CSV: the second address slid into the tab column.
            errors.append(f"dòng {line}{who}: cột tab là một địa chỉ email (“{tab}”); ô email có nhiều địa chỉ "
                          "thì hãy đặt trong ngoặc kép hoặc ngăn cách bằng dấu chấm phẩy.")
        extra = [clean(c) for c in row[len(header):] if clean(c)]
        if extra:
            # Cells beyond the header are read by no column: say so rather than drop them.
            errors.append(f"dòng {line}{who}: có {len(row)} ô, nhiều hơn {len(header)} cột của dòng tiêu đề "
                          f"(thừa “{extra[0]}”); ô email có nhiều địa chỉ thì hãy đặt trong ngoặc kép hoặc ngăn "
                          "cách bằng dấu chấm phẩy.")
        until = parse_day(until_text) if until_text else None
        if until_text and until is None:
            errors.append(f"dòng {line}, cột Gia hạn đến: “{until_text}” không phải ngày; hãy ghi dạng 10/05/2023 "
                          "(ngày/tháng/năm) hoặc 2023-05-10, hoặc để trống.")
        if code and key(code) in seen:
            errors.append(f"dòng {line}: ma_don_vi “{code}” trùng với dòng {seen[key(code)]}.")
        if code:
            seen.setdefault(key(code), line)
        if code and name and unit_type:
            units.append(Unit(code=code, name=name, type=unit_type, email=email, tab=tab, extended_until=until))
    if errors:
        raise ConfigError(f"{source} có lỗi:\n  - " + "\n  - ".join(errors))
    if not units:
        raise ConfigError(f"{source} chưa có đơn vị nào: dưới dòng tiêu đề, mỗi dòng ghi một đơn vị.")
    return units


def load_units(path: str | Path) -> list[Unit]:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"Không mở được danh sách đơn vị {p}: {os_reason(exc)}.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: tệp không phải UTF-8. Hãy lưu lại dạng “CSV UTF-8”.") from None
    return parse_units(text, str(p))

"""Reading the form's two time columns as spans of months.

People write these many ways: "Tháng 5/2023", "T5/2023", "05/2023", "Quý II/2023",
"Quí 2/2023", "Q2/2023", "6 tháng đầu năm 2023", "Cuối năm 2023", "Hết năm 2023", "Năm 2023",
"Tháng 4 - 6/2023", "Thường xuyên", a date, a date serial number. Everything becomes a
Period of (year, month) ends. The README's period table lists every form.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from danvan_sheets.core.model import Period
from danvan_sheets.core.text import fold

# Google and Excel count days from 1899-12-30 (Excel's 1900 leap-year bug included).
_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000  # 1954 .. 2119: any other number is not a date

HINT = "Hãy ghi theo tháng hoặc quý, ví dụ: Tháng 5/2023, Quý II/2023, 6 tháng đầu năm 2023, Năm 2023."

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass
class PeriodResult:
    period: Period | None
    code: str | None = None  # missing_period | invalid_period | missing_year | outside_year | vague_period
    message: str | None = None

    @property
    def is_error(self) -> bool:
        return self.code in ("missing_period", "invalid_period")


@dataclass
class _Part:
    kind: str  # month | quarter | year | half | span
    a: int
    b: int
    year: int | None


def serial_to_date(serial: float) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(serial))


def _month_part(m: int, year: int | None) -> _Part | None:
    return _Part("month", m, m, year) if 1 <= m <= 12 else None


def _quarter_part(q: int, year: int | None) -> _Part | None:
    return _Part("quarter", 3 * q - 2, 3 * q, year) if 1 <= q <= 4 else None


_YEAR = r"(?:\s*(?:/|-|nam|\.)?\s*(\d{4}))?"
_RE_MONTH = re.compile(r"^(?:thang|th|t)\s*\.?\s*(\d{1,2})" + _YEAR + "$")
_RE_QUARTER = re.compile(r"^(?:quy|qui|q)\s*\.?\s*(iv|i{1,3}|[1-4])" + _YEAR + "$")
_RE_BARE = re.compile(r"^(iv|i{1,3}|\d{1,2})" + r"(?:\s*(?:/|nam)\s*(\d{4}))?$")
_RE_YEAR = re.compile(r"^(?:nam|ca nam)?\s*(\d{4})$")
_RE_WHOLE = re.compile(r"^ca nam(?:\s*(\d{4}))?$")
# "Đầu năm" is Quý I, "Cuối năm" Quý IV, "Giữa năm" June-July, "Hết năm" ("Đến hết năm") December.
_RE_PART_OF_YEAR = re.compile(r"^(dau|giua|cuoi|het)\s*nam(?:\s*(\d{4}))?$")
_PART_OF_YEAR = {"dau": (1, 3), "giua": (6, 7), "cuoi": (10, 12), "het": (12, 12)}
# Work that goes on all year ("Thường xuyên"): the campaign year, with a warning to write the months.
_RE_ONGOING = re.compile(r"^(?:thuong xuyen|lien tuc|quanh nam)(?:\s*(?:trong\s*)?(?:nam\s*)?(\d{4}))?$")
_RE_HALF = re.compile(r"^(\d{1,2}|nua)\s*thang\s*(dau|cuoi)\s*(?:nam)?\s*(\d{4})?$|^nua\s*(dau|cuoi)\s*nam\s*(\d{4})?$")
_RE_DMY = re.compile(r"\b(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})\b")
_RE_YMD = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_RE_NGAY = re.compile(r"\bngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})\b")
_RE_BLANK_TEMPLATE = re.compile(r"\bngay\s+thang\s+nam\b")
_RE_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_RE_LIST = re.compile(r"\s*(?:,|;|\bva\b|&|\+)\s*")
_RE_SPAN = re.compile(r"\s*(?:-|\bden\b|\btoi\b|~)\s*")
_LEADING = re.compile(r"^(?:tu|trong|giai doan|khoang|vao|bat dau|bat dau tu|du kien|truoc|cham nhat|han)\s+")


def _parse_part(text: str, prev_kind: str | None) -> _Part | None:
    text = _LEADING.sub("", text.strip(" .")).strip()
    if not text:
        return None
    if m := _RE_MONTH.match(text):
        return _month_part(int(m[1]), int(m[2]) if m[2] else None)
    if m := _RE_QUARTER.match(text):
        q = _ROMAN.get(m[1]) or int(m[1])
        return _quarter_part(q, int(m[2]) if m[2] else None)
    if m := _RE_HALF.match(text):
        if m[4]:
            n, side, year = 6, m[4], m[5]
        else:
            n = 6 if m[1] == "nua" else int(m[1])
            side, year = m[2], m[3]
        if not 1 <= n <= 12:
            return None
        a, b = (1, n) if side == "dau" else (13 - n, 12)
        return _Part("half", a, b, int(year) if year else None)
    if m := _RE_PART_OF_YEAR.match(text):
        a, b = _PART_OF_YEAR[m[1]]
        return _Part("half", a, b, int(m[2]) if m[2] else None)
    if m := _RE_WHOLE.match(text):
        return _Part("year", 1, 12, int(m[1]) if m[1] else None)
    if m := _RE_YEAR.match(text):
        return _Part("year", 1, 12, int(m[1]))
    if m := _RE_BARE.match(text):
        # "Tháng 4 - 6/2023", "Quý I - II/2023": a bare number takes the kind before it.
        token, year = m[1], int(m[2]) if m[2] else None
        if token in _ROMAN:
            return _quarter_part(_ROMAN[token], year) if prev_kind in (None, "quarter") else None
        n = int(token)
        if prev_kind == "quarter":
            return _quarter_part(n, year)
        return _month_part(n, year)
    return None


def _result(parts: list[_Part], campaign_year: int) -> PeriodResult:
    # A year written once at the end applies to the parts before it ("Tháng 4 - 6/2023").
    missing = all(p.year is None for p in parts)
    following: int | None = None
    for p in reversed(parts):
        if p.year is None:
            p.year = following
        following = p.year if p.year is not None else following
    last: int | None = None
    for p in parts:
        if p.year is None:
            p.year = last
        last = p.year
    years = [campaign_year if p.year is None else p.year for p in parts]
    # "Tháng 11 - 2/2024" means Nov 2023 to Feb 2024.
    for i in range(len(parts) - 1):
        if (years[i], parts[i].a) > (years[i + 1], parts[i + 1].b) and years[i] == years[i + 1]:
            years[i] -= 1
    start = min((y, p.a) for y, p in zip(years, parts, strict=True))
    end = max((y, p.b) for y, p in zip(years, parts, strict=True))
    period = Period(start, end)
    if not all(1900 <= y <= 2100 for y in years):
        return PeriodResult(None, "invalid_period", f"Năm không hợp lệ. {HINT}")
    if missing:
        return PeriodResult(
            period,
            "missing_year",
            f"Chưa ghi năm, đã hiểu là năm {campaign_year}. Nên ghi rõ năm, ví dụ: Tháng 5/{campaign_year}.",
        )
    if not period.overlaps_year(campaign_year):
        return PeriodResult(
            period,
            "outside_year",
            f"Thời gian {period.label()} nằm ngoài năm {campaign_year} của đợt đăng ký; kiểm tra lại năm.",
        )
    return PeriodResult(period)


def _from_date(d: dt.date, campaign_year: int) -> PeriodResult:
    return _result([_Part("month", d.month, d.month, d.year)], campaign_year)


def parse_period(value: object, campaign_year: int) -> PeriodResult:
    """Never raises: anything unreadable is an invalid_period result."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return PeriodResult(None, "missing_period", f"Chưa ghi thời gian. {HINT}")
    if isinstance(value, dt.datetime):
        return _from_date(value.date(), campaign_year)
    if isinstance(value, dt.date):
        return _from_date(value, campaign_year)
    if isinstance(value, bool):
        return PeriodResult(None, "invalid_period", f"Thời gian không đọc được. {HINT}")
    if isinstance(value, (int, float)):
        return _from_number(value, campaign_year)
    text = fold(str(value))
    if _RE_NUMBER.fullmatch(text):
        return _from_number(float(text), campaign_year)
    if _RE_BLANK_TEMPLATE.search(text):
        return PeriodResult(None, "invalid_period", f"Mới ghi mẫu “ngày tháng năm”, chưa điền tháng. {HINT}")
    text = _RE_NGAY.sub(lambda m: _month_token(m[2], m[3]), text)
    text = _RE_DMY.sub(lambda m: _month_token(m[3], m[4], m[1]), text)
    text = _RE_YMD.sub(lambda m: _month_token(m[2], m[1], m[3]), text)
    if m := _RE_ONGOING.match(text.strip(" .")):
        year = int(m[1]) if m[1] else campaign_year
        result = _result([_Part("year", 1, 12, year)], campaign_year)
        if result.code:
            return result
        return PeriodResult(
            result.period,
            "vague_period",
            f"“{str(value).strip()[:40]}” được hiểu là cả năm {year}. Nên ghi rõ tháng hoặc quý, ví dụ: Quý II/{year}.",
        )
    if "?" in text:
        return PeriodResult(None, "invalid_period", f"Thời gian không đọc được: “{str(value).strip()[:60]}”. {HINT}")
    chunks = [c for c in _RE_LIST.split(text) if c.strip()]
    parts: list[_Part] = []
    for chunk in chunks:
        prev_kind: str | None = None
        for piece in _RE_SPAN.split(chunk):
            if not piece.strip():
                continue
            part = _parse_part(piece, prev_kind)
            if part is None:
                return PeriodResult(
                    None, "invalid_period", f"Thời gian không đọc được: “{str(value).strip()[:60]}”. {HINT}"
                )
            if part.kind == "year" and parts and parts[-1].kind != "year" and parts[-1].year is None:
                # "T5-2023", "Quý 3 - 2023", "Tháng 5, 2023": the dash or comma sets the year
                # apart from its month; it is not a span from May to the whole of 2023.
                parts[-1].year = part.year
                continue
            parts.append(part)
            prev_kind = part.kind
    if not parts:
        return PeriodResult(None, "invalid_period", f"Thời gian không đọc được. {HINT}")
    return _result(parts, campaign_year)


def _month_token(month: str, year: str, day: str | None = None) -> str:
    m, d = int(month), int(day) if day else 1
    if not 1 <= m <= 12 or not 1 <= d <= 31:
        return "?"
    return f"thang {m}/{year}"


def _from_number(v: float, campaign_year: int) -> PeriodResult:
    if v != v or v in (float("inf"), float("-inf")):
        return PeriodResult(None, "invalid_period", f"Thời gian không đọc được. {HINT}")
    if float(v).is_integer() and 1 <= v <= 12:
        return _result([_Part("month", int(v), int(v), None)], campaign_year)
    if float(v).is_integer() and 1900 <= v <= 2100:
        return _result([_Part("year", 1, 12, int(v))], campaign_year)
    if _SERIAL_MIN <= v <= _SERIAL_MAX:
        return _from_date(serial_to_date(v), campaign_year)
    return PeriodResult(None, "invalid_period", f"Số {v:g} không phải là thời gian. {HINT}")

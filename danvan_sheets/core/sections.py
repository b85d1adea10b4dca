"""Recognising the form's structural rows: header titles, sections I-IV, placeholders, totals."""

from __future__ import annotations

import re
from functools import lru_cache

from danvan_sheets.core.text import first_word_fold, fold

_FIELD_ALTS = [
    ("xay_dung_he_thong_chinh_tri", r"xay dung (?:dang va |dang, )?(?:he thong chinh tri|htct)|xay dung dang|he thong chinh tri|xdhtct|xd\s*-?\s*htct|xdd"),
    ("quoc_phong_an_ninh", r"quoc phong\s*-?\s*an ninh|quoc phong|an ninh|qpan|qp\s*-\s*an"),
    ("van_hoa_xa_hoi", r"van hoa\s*-?\s*xa hoi|van hoa|xa hoi|vhxh|vh\s*-\s*xh"),
    ("kinh_te", r"(?:phat trien\s+)?kinh te|kt"),
]
_FIELD_RE = "|".join(f"(?P<{k}>{alt})" for k, alt in _FIELD_ALTS)
_ROMAN_RE = r"iv|i{1,3}"
_ROMAN_FIELD = {"i": "kinh_te", "ii": "van_hoa_xa_hoi", "iii": "quoc_phong_an_ninh", "iv": "xay_dung_he_thong_chinh_tri"}

_TITLE = re.compile(
    rf"^(?:(?:phan|muc)\s+)?(?:(?P<roman>{_ROMAN_RE})\s*[.):\-]?\s+)?(?:(?:ve|trong|tren)\s+)?"
    rf"(?P<lv>linh vuc\s*:?\s*)?(?:{_FIELD_RE})(?![a-z])(?P<rest>.*)$"
)
_STT_ROMAN = re.compile(rf"^(?:(?:phan|muc)\s+)?(?P<roman>{_ROMAN_RE})\s*[.):]?$")
_FIELD_ONLY = re.compile(rf"^(?:linh vuc\s*:?\s*)?(?:{_FIELD_RE})\s*$")


def _field_from(match: re.Match) -> str:
    return next(k for k, _ in _FIELD_ALTS if match.group(k))


@lru_cache(maxsize=1 << 16)
def section_title(text: str) -> tuple[str, str] | None:
    """(field, rest) when `text` opens with a section title; rest is what follows it.

    A title needs "Lĩnh vực" or a roman numeral before the field, or nothing
    after it: "Vận động ... phát triển kinh tế" and "An ninh trật tự ..." stay models.
    `text` must be clean()ed: fold() keeps its length, so `rest` is cut from it.
    """
    folded = fold(text)
    m = _TITLE.match(folded)
    if not m:
        return None
    rest_start = m.start("rest")
    rest = text[rest_start:].strip(" :.-–—")
    if rest.startswith("(") and rest.endswith(")"):
        rest = ""
    if not (m.group("lv") or m.group("roman")) and rest:
        return None
    return _field_from(m), rest


@lru_cache(maxsize=1 << 16)
def field_value(text: str) -> str | None:
    """The field named in a `Lĩnh vực` column cell ("Kinh tế", "VHXH", "II", …)."""
    folded = fold(text).strip(" .:")
    if m := _FIELD_ONLY.match(folded):
        return _field_from(m)
    if m := _STT_ROMAN.match(folded):
        return _ROMAN_FIELD[m.group("roman")]
    if (found := section_title(text)) and not found[1]:
        return found[0]
    return None


@lru_cache(maxsize=1 << 16)
def stt_roman(text: str) -> str | None:
    m = _STT_ROMAN.match(fold(text))
    return _ROMAN_FIELD[m.group("roman")] if m else None


@lru_cache(maxsize=1 << 14)
def stt_role(text: str) -> tuple[bool, bool, str | None]:
    """(notes line, total, section field) for a Stt cell: one lookup per row for all three."""
    if not text:
        return False, False, None
    found = section_title(text)
    return is_notes(text), is_total(text), found[0] if found else stt_roman(text)


_PLACEHOLDER = re.compile(r"^(?:(?:ten\s+)?(?:mo hinh|dien hinh)\s*)?[.…_·\-\s]*(?:\(.*\))?$")


@lru_cache(maxsize=1 << 16)
def is_placeholder(text: str) -> bool:
    folded = fold(text)
    return bool(folded) and bool(_PLACEHOLDER.match(folded))


_TOTAL = re.compile(r"^(?:tong so|tong cong|tong|cong)\b")
_NOTES = re.compile(r"^(?:\*\s*)?ghi chu\b")
_NUMBERING = re.compile(r"^\(\s*\d{1,2}\s*\)$")


@lru_cache(maxsize=1 << 16)
def is_total(text: str) -> bool:
    return bool(_TOTAL.match(fold(text)))


@lru_cache(maxsize=1 << 16)
def is_notes(text: str) -> bool:
    return bool(_NOTES.match(fold(text)))


# Every first word (folded) that a notes line, a total, a placeholder or a section title
# can open with, read off the patterns above; anything else is a model name. Most rows
# are models with unique names, and this spares them folding the whole name.
_STRUCTURAL_START = re.compile(
    r"^(?:[*.…_·\-(]|tong|cong|xd|qp|vh|kt"
    r"|(?:ghi|ten|mo|dien|phan|muc|ve|trong|tren|linh|xay|he|quoc|an|van|xa|phat|kinh|iv|i{1,3})(?![a-z]))"
)


@lru_cache(maxsize=1 << 14)
def _structural_word(word: str) -> bool:
    return bool(_STRUCTURAL_START.match(word))


# First words a field's name opens with ("Xây dựng…", "Văn hóa…", "An ninh…"). Only a
# section title can open with them, never notes, a total or a placeholder; model names
# open with them all the time ("Xây dựng cơ quan…", "Vận động…"), so one test settles it.
_FIELD_FIRST_WORDS = frozenset({"xay", "he", "quoc", "an", "van", "xa", "phat", "kinh"})


def plainly_a_name(text: str) -> bool:
    """True when clean()ed `text` cannot be notes, a total, a placeholder or a section title."""
    if not text:
        return False
    word = first_word_fold(text)
    if not _structural_word(word):
        return True
    return word in _FIELD_FIRST_WORDS and section_title(text) is None


def is_numbering_row(values: list[str]) -> bool:
    """The form's "(1) (2) … (7)" row, or the same as bare 1 2 3 … 7."""
    cells = [v for v in values if v]
    if len(cells) < 3:
        return False
    if all(_NUMBERING.match(v) for v in cells):
        return True
    if all(v.isdigit() for v in cells):
        nums = [int(v) for v in cells]
        return nums == list(range(nums[0], nums[0] + len(nums))) and nums[0] in (0, 1)
    return False


# Header titles, folded. Order matters: the first pattern a cell matches wins.
_HEADER = [
    ("stt", re.compile(r"^(?:stt|tt|so tt|so thu tu|thu tu)$")),
    ("build", re.compile(r"^thoi gian\s*(?:xay dung|bat dau|trien khai|thuc hien)|^(?:tg|t/g)\s*xay dung")),
    ("done", re.compile(r"^thoi gian\s*(?:hoan thanh|ket thuc)|^(?:tg|t/g)\s*hoan thanh")),
    ("name", re.compile(r"^(?:ten\s+)?(?:cac\s+)?(?:mo hinh|dien hinh)(?:\s*,\s*dien hinh)?(?:\s*dan van kheo)?$|^ten mo hinh")),
    ("quantity", re.compile(r"^so luong")),
    ("location", re.compile(r"^dia diem")),
    ("scale", re.compile(r"^quy mo")),
    ("field", re.compile(r"^linh vuc$")),
]
_SUB_BUILD = re.compile(r"^(?:xay dung|bat dau)$")
_SUB_DONE = re.compile(r"^(?:hoan thanh|ket thuc)$")
_TIME_PARENT = re.compile(r"^thoi gian$")


@lru_cache(maxsize=1 << 16)
def header_kind(text: str) -> str | None:
    folded = re.sub(r"\(\s*\d+\s*\)", "", fold(text)).strip(" :.*")
    for kind, pattern in _HEADER:
        if pattern.search(folded):
            return kind
    return None


def sub_header_kind(text: str) -> str | None:
    folded = fold(text).strip(" :.")
    if _SUB_BUILD.match(folded):
        return "build"
    if _SUB_DONE.match(folded):
        return "done"
    return None


def is_time_parent(text: str) -> bool:
    return bool(_TIME_PARENT.match(fold(text).strip(" :.")))


_UNIT_LINE = re.compile(r"^(?:ten\s+)?(?:don vi|to chuc co so dang|chi, dang bo|chi bo, dang bo)\s*:\s*")


def unit_line(text: str) -> str | None:
    """The unit named on the form's "Đơn vị: …" line ("" if the line is there but empty)."""
    folded = fold(text)
    m = _UNIT_LINE.match(folded)
    if not m:
        return None
    return text[m.end():].strip(" .…")

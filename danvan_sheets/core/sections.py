"""Recognising the form's structural rows: header titles, sections I-IV, placeholders, totals, notes.

Every keyword is written here with its diacritics and matched through keywords.Words:
a cell with diacritics must spell the keyword with the same ones ("Công đoàn…" is a
model, "Cộng" a total), a cell typed without any is compared folded.
"""

from __future__ import annotations

import functools
import re

from danvan_sheets.core.keywords import Said, Words, said
from danvan_sheets.core.text import clean

# "Quốc phòng - an ninh", "Quốc phòng, an ninh", "Quốc phòng và an ninh".
_AND = r"(?:\s*[-,&]\s*|\s+và\s+|\s*)"
_FIELD_ALTS = [
    ("xay_dung_he_thong_chinh_tri",
     r"xây dựng (?:đảng và |đảng, )?(?:hệ thống chính trị|htct)|xây dựng đảng|hệ thống chính "
     r"trị|xdhtct|xd\s*-?\s*htct|xdđ"),
    ("quoc_phong_an_ninh", rf"quốc phòng{_AND}an ninh|quốc phòng|an ninh|qpan|qp\s*-\s*an"),
    ("van_hoa_xa_hoi", rf"văn hóa{_AND}xã hội|văn hóa|xã hội|vhxh|vh\s*-\s*xh"),
    ("kinh_te", r"(?:phát triển\s+)?kinh tế|kt"),
]
_FIELD_RE = "|".join(f"(?P<{k}>{alt})" for k, alt in _FIELD_ALTS)
_ROMAN_RE = r"iv|i{1,3}"
_ROMAN_FIELD = {
    "i": "kinh_te",
    "ii": "van_hoa_xa_hoi",
    "iii": "quoc_phong_an_ninh",
    "iv": "xay_dung_he_thong_chinh_tri",
}
_NOT_LETTER = r"(?![^\W\d_])"

# "1. Lĩnh vực kinh tế" numbers the sections like the models; "Mô hình thuộc lĩnh vực …" and
# "II. Mô hình về văn hóa - xã hội" say the field in a sentence (without "Lĩnh vực" or a roman
# numeral, "Mô hình phát triển kinh tế" is a model).
_TITLE = Words(
    rf"(?:(?:phần|mục)\s+)?(?:(?P<roman>{_ROMAN_RE})\s*[.):\-]?\s+|\d{{1,2}}\s*[.):\-]\s*)?"
    rf"(?P<mh>(?:các\s+)?mô hình\s+(?:(?:thuộc|trong|trên|về)\s+)?)?(?:(?:về|trong|trên)\s+)?"
    rf"(?P<lv>lĩnh vực\s*:?\s*)?(?:{_FIELD_RE}){_NOT_LETTER}(?P<rest>.*)"
)
# What a title may say after the field besides a model: how many models it holds ("gồm 02 mô hình").
_COUNT = Words(r"(?:(?:gồm|có|với)\s*)?\d{1,3}\s*(?:mô hình|mh)")
_STT_ROMAN = Words(rf"(?:(?:phần|mục)\s+)?(?P<roman>{_ROMAN_RE})\s*[.):]?")
_FIELD_ONLY = Words(rf"(?:lĩnh vực\s*:?\s*)?(?:{_FIELD_RE})\s*")


def _field_from(match: re.Match) -> str:
    return next(k for k, _ in _FIELD_ALTS if match.group(k))


def section_title(text: str | Said) -> tuple[str, str] | None:
    """(field, rest) when `text` opens with a section title; rest is what follows it.

    A title needs "Lĩnh vực" or a roman numeral before the field, or nothing
    after it: "Vận động ... phát triển kinh tế" and "An ninh trật tự ..." stay models.
    """
    cell = said(text)
    m = _TITLE.fullmatch(cell)
    if not m:
        return None
    rest = cell.text[m.start("rest"):].strip(" :.-–—")
    if (rest.startswith("(") and rest.endswith(")")) or _COUNT.fullmatch(rest):
        rest = ""
    if not (m.group("lv") or m.group("roman")) and (rest or m.group("mh")):
        return None  # "Mô hình (về) kinh tế…" alone is a model's name; after "II." or before "Lĩnh vực" a title
    return _field_from(m), rest


def field_value(text: str) -> str | None:
    """The field named in a `Lĩnh vực` column cell ("Kinh tế", "VHXH", "II", …)."""
    stripped = clean(text).strip(" .:")
    if m := _FIELD_ONLY.fullmatch(stripped):
        return _field_from(m)
    if m := _STT_ROMAN.fullmatch(stripped):
        return _ROMAN_FIELD[m.group("roman")]
    if (found := section_title(text)) and not found[1]:
        return found[0]
    return None


def stt_roman(text: str | Said) -> str | None:
    m = _STT_ROMAN.fullmatch(said(text))
    return _ROMAN_FIELD[m.group("roman")] if m else None


def stt_role(text: str) -> tuple[bool, bool, str | None]:
    """(notes line, total, section field) for a Stt cell."""
    if not text or text.isdigit():
        return False, False, None
    cell = said(text)
    found = section_title(cell)
    return is_notes(cell), is_total(cell), found[0] if found else stt_roman(cell)


_PLACEHOLDER = Words(r"(?:(?:tên\s+)?(?:mô hình|điển hình)\s*)?[.…_·\-\s]*(?:\(.*\))?")


def is_placeholder(text: str | Said) -> bool:
    cell = said(text)
    return bool(cell.text) and bool(_PLACEHOLDER.fullmatch(cell))


# The whole cell must read as a total: "Tổng số", "Tổng cộng: 5", "Cộng (I+II+III+IV)",
# "Tổng số mô hình", a section's subtotal "Cộng mục I", "Tổng số mô hình đăng ký", "Tổng cộng
# toàn đơn vị". A model that only opens with the word ("Tổng vệ sinh…", "Cộng đồng…",
# "Tổng kết…") is a model.
_TOTAL = Words(
    r"(?:tổng số|tổng cộng|tổng|cộng)"
    r"(?:\s+(?:số\s+)?(?:các\s+)?(?:mô hình|lĩnh vực|mục|phần)(?:\s+(?:đã\s+)?đăng ký)?)?"
    r"(?:\s+(?:toàn|cả)\s+(?:đơn vị|cơ quan|đảng bộ|chi bộ|khối))?"
    r"\s*[:.=]?\s*[\d\s()+\-.,:/ivx]*(?:\s*mô hình)?"
)
# "Ghi chú" alone, or followed by ":" / "-" / "(2) …"; "Lưu ý:" likewise. "Ghi chép …" is a model.
_NOTES = Words(r"(?:\*\s*)?(?:ghi chú|lưu ý)\s*(?:[:.\-(]|$)")
_NUMBERING = re.compile(r"^\(\s*\d{1,2}\s*\)$")


# The signature block under the table: "Người lập biểu", "Nơi nhận: …", "(Đã ký)", the date line
# "Yên Bái, ngày 20 tháng 4 năm 2023" (with its place: a bare date is a time cell), "T/M BAN THƯỜNG
# VỤ"; and, written in capitals as on every official paper, "BÍ THƯ", "THỦ TRƯỞNG ĐƠN VỊ", "XÁC
# NHẬN CỦA CẤP ỦY". The whole cell must be one: "Bí thư chi bộ gương mẫu" is a model.
_SIGNATURE = Words(
    r"nơi nhận\s*:.*|người (?:lập(?: biểu| bảng)?|tổng hợp)|\(\s*(?:đã ký|ký\b[^)]*)\)"
    r"|(?:t/m|k/t|t/l|q/)\s*\S.*"
    r"|[^\d,]{1,40},\s*ngày\s*[\d.…_ ]*\s*tháng\s*[\d.…_ ]*\s*năm\s*\d{0,4}[\s.…_]*"
)
_SIGNATURE_CAPS = Words(
    r"(?:tm|kt|tl)\.\s*\S.*|(?:phó\s+)?(?:bí thư|chủ tịch|trưởng ban)|thủ trưởng(?: cơ quan| đơn vị)?"
    r"|xác nhận(?: của .*)?|lãnh đạo (?:cơ quan|đơn vị)"
)


def is_signature(text: str | Said) -> bool:
    """A line of the signature block that closes the form (see _SIGNATURE)."""
    cell = said(text)
    return bool(_SIGNATURE.fullmatch(cell)) or (cell.text.isupper() and bool(_SIGNATURE_CAPS.fullmatch(cell)))


# The form's own title, "ĐĂNG KÝ XÂY DỰNG MỚI CÁC MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2023", written in capitals.
_FORM_TITLE = Words(r"(?:bảng\s+|biểu\s+)?(?:đăng ký|danh sách|tổng hợp)\b.*(?:mô hình|dân vận khéo).*")


def is_form_title(text: str | Said) -> bool:
    cell = said(text)
    return cell.text.isupper() and bool(_FORM_TITLE.fullmatch(cell))


def is_total(text: str | Said) -> bool:
    return bool(_TOTAL.fullmatch(text))


def is_notes(text: str | Said) -> bool:
    return bool(_NOTES.match(text))


def is_numbering_row(values: list[str]) -> bool:
    """The form's "(1) (2) … (7)" row, or the same as bare 1 2 3 … 7."""
    cells = [v for v in values if v]
    if len(cells) < 3:
        return False
    if cells[-1][:1] != "(" and not cells[-1].isdigit():  # a model row: its name is neither
        return False
    if all(_NUMBERING.match(v) for v in cells):
        return True
    if all(v.isdigit() for v in cells):
        nums = [int(v) for v in cells]
        return nums == list(range(nums[0], nums[0] + len(nums))) and nums[0] in (0, 1)
    return False


# Header titles. Order matters: the first pattern a cell matches wins.
_HEADER = [
    ("stt", Words(r"(?:stt|tt|số tt|số thứ tự|thứ tự)$")),
    ("build", Words(r"thời gian\s*(?:xây dựng|bắt đầu|triển khai|thực hiện)|(?:tg|t/g)\s*xây dựng")),
    ("done", Words(r"thời gian\s*(?:hoàn thành|kết thúc)|(?:tg|t/g)\s*hoàn thành")),
    (
        "name",
        Words(r"(?:tên\s+)?(?:các\s+)?(?:mô hình|điển hình)(?:\s*,\s*điển hình)?(?:\s*dân vận khéo)?$|tên mô hình"),
    ),
    ("quantity", Words(r"số lượng")),
    ("location", Words(r"địa điểm")),
    ("scale", Words(r"quy mô")),
    ("field", Words(r"lĩnh vực$")),
]
_SUB_BUILD = Words(r"(?:xây dựng|bắt đầu)")
_SUB_DONE = Words(r"(?:hoàn thành|kết thúc)")
_TIME_PARENT = Words(r"thời gian")
_COLUMN_NUMBER = re.compile(r"\(\s*\d+\s*\)")


# Every form in a folder repeats the same header titles, and the sources test them too when
# choosing a sheet: on a 2,000-file folder this memo saves 0.2-0.4 s of CPU (measured 2026-12-05).
@functools.lru_cache(maxsize=1024)
def header_kind(text: str) -> str | None:
    bare = Said(clean(_COLUMN_NUMBER.sub("", text)).strip(" :.*"))
    for kind, pattern in _HEADER:
        if pattern.match(bare):
            return kind
    return None


def sub_header_kind(text: str) -> str | None:
    bare = clean(text).strip(" :.")
    if _SUB_BUILD.fullmatch(bare):
        return "build"
    if _SUB_DONE.fullmatch(bare):
        return "done"
    return None


def is_time_parent(text: str) -> bool:
    return bool(_TIME_PARENT.fullmatch(clean(text).strip(" :.")))


_UNIT_LINE = Words(r"(?:tên\s+)?(?:đơn vị|tổ chức cơ sở đảng|chi, đảng bộ|chi bộ, đảng bộ)\s*:\s*")


def unit_line(text: str) -> str | None:
    """The unit named on the form's "Đơn vị: …" line ("" if the line is there but empty)."""
    text = clean(text)
    m = _UNIT_LINE.match(text)
    if not m:
        return None
    return text[m.end():].strip(" .…")


# Every keyword above, for the tests that check a model named after one is still a model.
KEYWORDS = (
    "Tổng số", "Tổng cộng", "Tổng", "Cộng", "Ghi chú", "Lưu ý", "Mô hình", "Tên mô hình", "Điển hình", "Phần", "Mục",
    "Về", "Trong", "Trên", "Lĩnh vực", "Xây dựng Đảng", "Xây dựng", "Hệ thống chính trị", "Quốc phòng", "An ninh",
    "Văn hóa", "Xã hội", "Phát triển", "Kinh tế", "Đơn vị", "Tổ chức cơ sở đảng", "Thời gian", "Số lượng", "Địa điểm",
    "Quy mô", "Stt", "Thứ tự", "Hoàn thành", "Bắt đầu", "Kết thúc", "Nơi nhận", "Người lập biểu", "Bí thư",
    "Chủ tịch", "Trưởng ban", "Thủ trưởng", "Xác nhận", "Lãnh đạo đơn vị", "Đăng ký",
)

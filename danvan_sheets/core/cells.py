"""Reading single cells: A1 names, Số lượng, Quy mô."""

from __future__ import annotations

import re

from danvan_sheets.core.text import cell_text, fold


def col_letters(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def a1(row: int, col: int) -> str:
    return f"{col_letters(col)}{row + 1}"


# "01", "1.0", "1 mô hình", "02 (hai)": the number, maybe the word for it in brackets.
_QTY = re.compile(r"^0*(\d{1,6})(?:[.,]0+)?(?:\s*(?:mo hinh|mh))?(?:\s*\(\s*([a-z ]+?)\s*\))?$")
_NUMBER_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}


def parse_quantity(value: object) -> tuple[int | None, str | None]:
    """(quantity, problem code). Blank counts 1 with a warning, as the form's Tổng số would."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1, "missing_quantity"
    if isinstance(value, bool):
        return None, "invalid_quantity"
    if isinstance(value, (int, float)):
        if value == value and float(value).is_integer() and 0 < value < 1_000_000:
            return int(value), None
        return None, "invalid_quantity"
    m = _QTY.match(fold(cell_text(value)))
    # The word in brackets must say the same number: "02 (ba)" is a question for the unit. A number
    # written only in words ("hai") stays invalid: the unit is asked for the figure.
    if m and int(m[1]) > 0 and (m[2] is None or _NUMBER_WORDS.get(m[2]) == int(m[1])):
        return int(m[1]), None
    return None, "invalid_quantity"


def parse_scale(text: str) -> tuple[str | None, str | None]:
    folded = fold(text)
    if not folded:
        return None, "missing_scale"
    person, group = folded.find("ca nhan"), folded.find("tap the")
    if person < 0 and group < 0:
        return None, "invalid_scale"
    # "Tập thể, cá nhân": the first one written.
    return ("ca_nhan" if group < 0 or 0 <= person < group else "tap_the"), None

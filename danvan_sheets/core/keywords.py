"""Matching the form's structural words as the cell writes them.

A cell written with diacritics is matched with diacritics: "Công đoàn" is not "Cộng"
(a total row), "Tông" is not "Tổng", "Múc" is not "Mục". Folding every cell to plain
letters made those the same word and dropped real models. Only a cell typed with no
diacritic at all ("Tong so", "Ghi chu") is matched against the folded keywords.

Old and new tone placement ("hoá"/"hóa", "uý"/"úy") are the same word: both sides are
compared in the old placement.
"""

from __future__ import annotations

import re
import unicodedata

from danvan_sheets.core.text import clean, fold

_SAME_CHARS = {
    "Ð": "đ", "ð": "đ", "„": '"', "“": '"', "”": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
    "–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-",
}
_SAME = str.maketrans(_SAME_CHARS)
# str.translate looks up every character of non-ASCII text one by one (~6 µs for a model's
# name); a character class finds the few cells that hold one of these at C speed.
_HAS_SAME = re.compile(f"[{''.join(_SAME_CHARS)}]")
# The old tone placement puts the mark on the second vowel of oa, oe, uy with no final
# consonant ("hoá", "khoẻ", "thuỷ"), the new one on the first ("hóa", "khỏe", "thủy"):
# both are written as the old one here.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_NEW_TO_OLD = {
    unicodedata.normalize("NFC", first + tone) + second: first + unicodedata.normalize("NFC", second + tone)
    for first, second in (("o", "a"), ("o", "e"), ("u", "y"))
    for tone in _TONES
}
_NEW_PLACEMENT = re.compile("|".join(_NEW_TO_OLD))
_MARKED_LETTER = re.compile(r"(?![\x00-\x7f])[^\W\d_]")


def has_marks(text: str) -> bool:
    """True when the text holds a letter beyond ASCII: a Vietnamese diacritic, or đ."""
    return not text.isascii() and _MARKED_LETTER.search(text) is not None


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # Character for character ("İ".lower() is two), so indices stay valid.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def as_written(text: str) -> str:
    """clean()ed text lower-cased with its diacritics kept, in one tone placement; same length."""
    text = _lower(text)
    if _HAS_SAME.search(text):
        text = text.translate(_SAME)
    return _NEW_PLACEMENT.sub(lambda m: _NEW_TO_OLD[m.group(0)], text)


class Words:
    """A regex written with full diacritics, in lower case, matched as the cell is written.

    Indices of a match are indices into clean(text): both readings keep its length.
    """

    def __init__(self, pattern: str) -> None:
        # Only the letters beyond ASCII are rewritten: regex syntax (?P<name>, \s) stays as it is.
        marked = _NEW_PLACEMENT.sub(lambda m: _NEW_TO_OLD[m.group(0)], pattern)
        plain = "".join(c if c.isascii() else fold(c) for c in pattern)
        self.marked = re.compile(marked.translate(_SAME))
        self.plain = re.compile(plain)

    def _prepared(self, text: str | Said) -> tuple[re.Pattern, str]:
        said = text if isinstance(text, Said) else Said(text)
        return (self.marked if said.marked else self.plain), said.form

    def match(self, text: str | Said) -> re.Match | None:
        pattern, prepared = self._prepared(text)
        return pattern.match(prepared)

    def fullmatch(self, text: str | Said) -> re.Match | None:
        pattern, prepared = self._prepared(text)
        return pattern.fullmatch(prepared)


class Said:
    """A cell's text made ready once for every keyword test of a row: clean(), and the form to match.

    Indices into `form` are indices into `text` (both keep its length).
    """

    __slots__ = ("text", "marked", "form")

    def __init__(self, text: str) -> None:
        self.text = text = clean(text)
        if text.isascii():  # Stt numbers, "Tong so", "x": no mark to keep, fold() is lower()
            self.marked, self.form = False, text.lower()
        else:
            self.marked = has_marks(text)
            self.form = as_written(text) if self.marked else fold(text)


def said(text: str | Said) -> Said:
    return text if isinstance(text, Said) else Said(text)

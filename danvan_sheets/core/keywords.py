"""Matching the form's structural words as the cell writes them.

A cell written with diacritics is matched with diacritics: "Công đoàn" is not "Cộng"
(a total row), "Tông" is not "Tổng", "Múc" is not "Mục". Folding every cell to plain
letters made those the same word and dropped real models. Only a cell typed with no
diacritic at all ("Tong so", "Ghi chu") is matched against the folded keywords.

Old and new tone placement ("hoá"/"hóa", "uý"/"úy") are the same word: both sides are
compared with each syllable's tone mark moved to its last vowel.
"""

from __future__ import annotations

import re
import unicodedata

from danvan_sheets.core.text import clean, fold

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = frozenset("aăâeêioôơuưy")
_SAME = str.maketrans({
    "Ð": "đ", "ð": "đ", "„": '"', "“": '"', "”": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
    "–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-",
})
_LETTERS = re.compile(r"[^\W\d_]+")


def has_marks(text: str) -> bool:
    """True when the text holds a letter beyond ASCII: a Vietnamese diacritic, or đ."""
    return any(c.isalpha() and not c.isascii() for c in text)


def _tone_last(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    last = max((i for i, c in enumerate(bare) if c in _VOWELS), default=-1)
    if last < 0:
        return word
    out = bare[:last] + unicodedata.normalize("NFC", bare[last] + tones[0]) + bare[last + 1:]
    return out if len(out) == len(word) else word


def _lower(text: str) -> str:
    # Character for character (str.lower() turns "İ" into two), so indices stay valid.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def as_written(text: str) -> str:
    """clean()ed text lower-cased with its diacritics kept, in one tone placement; same length."""
    return _LETTERS.sub(lambda m: _tone_last(m.group(0)), _lower(text).translate(_SAME))


class Words:
    """A regex written with full diacritics, in lower case, matched as the cell is written.

    Indices of a match are indices into clean(text): both readings keep its length.
    """

    def __init__(self, pattern: str) -> None:
        # Only the letters beyond ASCII are rewritten: regex syntax (?P<name>, \s) stays as it is.
        marked = _LETTERS.sub(lambda m: _tone_last(m.group(0)) if not m.group(0).isascii() else m.group(0), pattern)
        plain = "".join(c if c.isascii() else fold(c) for c in pattern)
        self.marked = re.compile(marked.translate(_SAME))
        self.plain = re.compile(plain)

    def _prepared(self, text: str) -> tuple[re.Pattern, str]:
        text = clean(text)
        if has_marks(text):
            return self.marked, as_written(text)
        return self.plain, fold(text)

    def match(self, text: str) -> re.Match | None:
        pattern, prepared = self._prepared(text)
        return pattern.match(prepared)

    def fullmatch(self, text: str) -> re.Match | None:
        pattern, prepared = self._prepared(text)
        return pattern.fullmatch(prepared)

"""Text clean-up and diacritics-insensitive folding for Vietnamese cell text."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"„": '"', "“": '"', "”": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"})

# Invisible characters offices paste inside words, dropped. U+00AD (soft hyphen) is here
# only for text already decoded: in TCVN3 it is the letter ư, so legacy decoding must
# run before clean().
_INVISIBLE_RE = re.compile("[\u200c\u200d\u2060\ufeff\u00ad]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\v]+")


def _unified(text: str) -> str:
    """NFC, invisible characters dropped, U+200B made a space; line breaks and spaces kept."""
    if text.isascii():
        return text
    # Invisible characters go first: one between a letter and its mark ("A\u00ad\u0301")
    # would otherwise keep them apart through NFC.
    text = unicodedata.normalize("NFC", _INVISIBLE_RE.sub("", text))
    # U+200B (zero-width space) is a word break pasted from web pages and chat apps
    # ("phong\u200btục" is "phong tục"), but not isspace().
    return text.replace("\u200b", " ")


def clean(text: str) -> str:
    """NFC, invisible characters dropped, every run of whitespace collapsed to one space."""
    # str(): a str subclass (numpy.str_) comes back as plain str.
    text = str(text)
    # Most cells are clean already. Every whitespace character but " ", and every invisible
    # one, is unprintable, so a clean cell is cheap to recognise.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " " \
            and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        return text
    return " ".join(_unified(text).split())


def clean_lines(text: str) -> list[str]:
    """clean() per line, dropping empty lines; keeps the line breaks a merged cell relies on."""
    lines = _LINE_BREAKS.split(_unified(str(text)))
    return [ln for ln in (" ".join(ln.split()) for ln in lines) if ln]


def _fold_char(ch: str) -> str:
    if ch in "đĐÐð":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base.lower()) == 1 else ch.lower()[:1] or ch


class _FoldTable(dict):
    """str.translate table filled on first sight of a character: quotes, dashes, then _fold_char.

    One character for one character, so fold() keeps the length of clean() text.
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code).translate(_QUOTES).translate(_DASHES)
        out = "".join(_fold_char(c) for c in ch)
        self[code] = out
        return out


_FOLD = _FoldTable()

# The characters with no decomposition that fold() still turns into ASCII: đ, quotes, dashes.
_UNDECOMPOSED = "đĐðÐ„“”‟«»‘’‚–—−‐‑"
_HAS_UNDECOMPOSED = re.compile(f"[{_UNDECOMPOSED}]")


def fold(text: str) -> str:
    """Lower case, no diacritics, quotes and dashes unified, spaces collapsed.

    Character for character on clean()ed text, so an index into the folded
    string is an index into the clean one (the section splitter relies on it).
    """
    text = clean(text)
    if text.isascii():
        return text.lower()
    if len(text) < 24:  # a Quy mô or a time cell: the table is quicker than the detour below
        return text.translate(_FOLD)
    # str.translate looks every character up one by one: ~6 µs for a model's name, and every
    # name is folded. Vietnamese letters decompose (NFD) to an ASCII letter and marks, so
    # dropping what is not ASCII folds them at C speed. That is the same as the table when no
    # character is lost or gained: no character's NFD holds two ASCII characters (checked over
    # every code point in tests/test_core_text.py), so equal lengths mean each gave exactly one.
    plain = text
    if _HAS_UNDECOMPOSED.search(text):
        for ch in _UNDECOMPOSED:
            if ch in plain:
                plain = plain.replace(ch, _FOLD[ord(ch)])
    ascii_ = unicodedata.normalize("NFD", plain).encode("ascii", "ignore")
    if len(ascii_) == len(text):
        return ascii_.decode("ascii").lower()
    return text.translate(_FOLD)


_KEY_WORD = re.compile(r"[0-9a-z]+")


def key(text: str) -> str:
    """fold() with punctuation dropped: for matching names and tab titles."""
    return " ".join(_KEY_WORD.findall(fold(text)))


def cell_text(value: object) -> str:
    """The text of a cell as a person would read it, without interpretation."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

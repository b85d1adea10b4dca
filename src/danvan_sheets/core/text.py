"""Text clean-up and diacritics-insensitive folding for Vietnamese cell text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters Python's str.split() does not treat as space but offices paste anyway.
# U+00AD (soft hyphen) is here only for text already decoded: in TCVN3 it is the letter ư,
# so legacy decoding must run before clean().
_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200d\u2060\ufeff\u00ad"), None)
# U+200B (zero-width space) is a word break pasted from web pages and chat apps: it
# separates words ("phong\u200btục" is "phong tục"), so it counts as a space, not as nothing.
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b]+")
_QUOTES = str.maketrans({"„": '"', "“": '"', "”": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"})


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """NFC, invisible characters dropped, every run of whitespace collapsed to one space."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1 << 16)
def _clean_lines(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    lines = re.split(r"[\r\n\u2028\u2029\v]+", text)
    return tuple(ln for ln in (_SPACES.sub(" ", ln).strip() for ln in lines) if ln)


def clean_lines(text: str) -> list[str]:
    """clean() per line, dropping empty lines; keeps the line breaks a merged cell relies on."""
    return list(_clean_lines(text))


def _fold_char(ch: str) -> str:
    if ch in "đĐÐð":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base.lower()) == 1 else ch.lower()[:1] or ch


class _FoldTable(dict):
    """str.translate table filled on first sight of a character: quotes, dashes, then _fold_char.

    The same character-for-character mapping as applying _QUOTES, _DASHES and
    _fold_char in turn, done in C by str.translate (fold was the core's hot spot).
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code).translate(_QUOTES).translate(_DASHES)
        out = "".join(_fold_char(c) for c in ch)
        self[code] = out
        return out


_FOLD = _FoldTable()


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, no diacritics, quotes and dashes unified, spaces collapsed.

    Character for character on clean()ed text, so an index into the folded
    string is an index into the clean one (the section splitter relies on it).
    """
    return clean(text).translate(_FOLD)


_KEY_JUNK = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """fold() with punctuation dropped: for matching names and tab titles."""
    return _KEY_JUNK.sub(" ", fold(text)).strip()


def cell_text(value: object) -> str:
    """The text of a cell as a person would read it, without interpretation."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

"""Text clean-up and diacritics-insensitive folding for Vietnamese cell text."""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans({"„": '"', "“": '"', "”": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"})

# Invisible characters offices paste inside words, dropped. U+00AD (soft hyphen) is here
# only for text already decoded: in TCVN3 it is the letter ư, so legacy decoding must
# run before clean().
_INVISIBLE_RE = re.compile("[\u200c\u200d\u2060\ufeff\u00ad]")


def _unified(text: str) -> str:
    """NFC, invisible characters dropped, U+200B made a space; line breaks and spaces kept."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text)
    # U+200B (zero-width space) is a word break pasted from web pages and chat apps
    # ("phong\u200btục" is "phong tục"), but not isspace().
    return text.replace("\u200b", " ") if "\u200b" in text else text


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """NFC, invisible characters dropped, every run of whitespace collapsed to one space."""
    # Most cells are already clean: NFC, and single spaces only. Every whitespace
    # character but " " and every invisible one is unprintable, so that is cheap to see.
    if type(text) is not str:  # a str subclass (numpy.str_): hand back plain str, as split/join did
        text = str(text)
    nfc = text if text.isascii() else unicodedata.normalize("NFC", text)
    if nfc.isprintable() and "  " not in nfc and nfc[:1] != " " and nfc[-1:] != " ":
        return nfc
    # str.split() and re's \s agree on what whitespace is (both use str.isspace), and
    # split/join runs in C where a regex substitution or str.translate over non-ASCII
    # text costs microseconds per cell.
    return " ".join(_unified(nfc).split())


@lru_cache(maxsize=1 << 16)
def _clean_lines(text: str) -> tuple[str, ...]:
    lines = re.split(r"[\r\n\u2028\u2029\v]+", _unified(text))
    return tuple(ln for ln in (" ".join(ln.split()) for ln in lines) if ln)


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
def _fold_word(word: str) -> str:
    return word.lower() if word.isascii() else word.translate(_FOLD)


# --- fold() and key() through a one-byte code: the text of these forms is ASCII and the
# Vietnamese alphabet with its quotes and dashes, 249 characters in all. Each maps to one
# byte with a charmap codec, and a 256-byte table folds them, all in C: str.translate looks
# every non-ASCII character up in a Python dict, and even word by word (the words repeat)
# splitting a unique model name costs more than this whole path. Text with any other
# character takes the general path below; both give the same string
# (tests/test_core_fast_paths.py).
_VIET_LETTERS = "ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"


def _one_byte_code() -> tuple[dict, str, bytes, bytes]:
    # ASCII keeps its own byte, except the control characters 0x01-0x1F, which clean()
    # keeps but no form has: their bytes carry the non-ASCII characters instead.
    ascii_chars = ["\x00"] + [chr(i) for i in range(0x20, 0x80)]
    others = list(dict.fromkeys(_VIET_LETTERS + _VIET_LETTERS.upper() + "Ðð„“”‟«»‘’‚–—−‐‑…·"))
    others = [c for c in others if not c.isascii()]
    free = [b for b in range(256) if b not in {ord(c) for c in ascii_chars}]
    table = ["\ufffe"] * 256  # U+FFFE: "no character" to charmap_build and charmap_decode
    for c in ascii_chars:
        table[ord(c)] = c
    assert len(others) <= len(free)
    for b, c in zip(free, others):
        table[b] = c
    decoding = "".join(table)
    code = {c: b for b, c in enumerate(table) if c != "\ufffe"}
    fold_bytes = bytearray(range(256))
    key_bytes = bytearray(b" " * 256)
    for c, b in code.items():
        folded = c.translate(_FOLD)
        fold_bytes[b] = code[folded]
        if len(folded) == 1 and folded.isascii() and (folded.isdigit() or "a" <= folded <= "z"):
            key_bytes[b] = ord(folded)
    return codecs.charmap_build(decoding), decoding, bytes(fold_bytes), bytes(key_bytes)


_CODE, _DECODING, _FOLD_BYTES, _KEY_BYTES = _one_byte_code()
_KEYS_BYTES = b"\x00" + _KEY_BYTES[1:]  # keys(): "\x00" stays the separator


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, no diacritics, quotes and dashes unified, spaces collapsed.

    Character for character on clean()ed text, so an index into the folded
    string is an index into the clean one (the section splitter relies on it).
    """
    text = clean(text)
    if text.isascii():
        return text.lower()
    try:
        coded = codecs.charmap_encode(text, "strict", _CODE)[0]
    except UnicodeEncodeError:
        # Word by word: the words of these forms repeat endlessly, so each is folded once.
        # The table maps " " to itself and every character to exactly one, so this is the
        # same string as folding it whole.
        return " ".join(map(_fold_word, text.split(" ")))
    return codecs.charmap_decode(coded.translate(_FOLD_BYTES), "strict", _DECODING)[0]


_KEY_JUNK = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=1 << 16)
def _key_word(word: str) -> str:
    return _KEY_JUNK.sub(" ", _fold_word(word)).strip()


def _single_spaced(coded: bytes) -> bytes:
    while b"  " in coded:
        coded = coded.replace(b"  ", b" ")
    return coded


def _coded_key(coded: bytes) -> str:
    return _single_spaced(coded.translate(_KEY_BYTES)).strip(b" ").decode("ascii")


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """fold() with punctuation dropped: for matching names and tab titles."""
    # Text written only in the one-byte code needs no clean(): it is NFC already, holds
    # no invisible character, and its only whitespace is " ", which is junk here anyway.
    # (Not text.encode("ascii"): the control characters' bytes carry other letters.)
    try:
        return _coded_key(codecs.charmap_encode(text, "strict", _CODE)[0])
    except UnicodeEncodeError:
        pass
    text = clean(text)
    try:
        return _coded_key(codecs.charmap_encode(text, "strict", _CODE)[0])
    except UnicodeEncodeError:
        # Word by word like fold(): a space is junk too, so junk runs that span words
        # collapse the same way once the empty words are dropped.
        return " ".join(filter(None, map(_key_word, text.split(" "))))


def keys(texts: list[str]) -> list[str]:
    """[key(t) for t in texts], a list at a time: a unit's model names are keyed together."""
    # One encode, translate and decode for all of them, the names kept apart by "\x00",
    # which no name holds (checked) and whose byte the key table otherwise makes junk.
    joined = "\x00".join(texts)
    if len(texts) < 2 or joined.count("\x00") != len(texts) - 1:
        return list(map(key, texts))
    try:
        coded = codecs.charmap_encode(joined, "strict", _CODE)[0]
    except UnicodeEncodeError:
        return list(map(key, texts))
    coded = _single_spaced(coded.translate(_KEYS_BYTES))
    coded = coded.replace(b" \x00", b"\x00").replace(b"\x00 ", b"\x00").strip(b" ")
    return coded.decode("ascii").split("\x00")


def first_word_fold(text: str) -> str:
    """fold() of the first word of clean()ed text, without folding the rest."""
    end = text.find(" ")  # not split(): that would copy the rest of a long name too
    return _fold_word(text if end < 0 else text[:end])


def cell_text(value: object) -> str:
    """The text of a cell as a person would read it, without interpretation."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

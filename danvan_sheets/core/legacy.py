"""Legacy Vietnamese font encodings (TCVN3/ABC and VNI-Windows) back to Unicode.

Text typed in a .VnTime (TCVN3) or VNI-Times font reaches us as the Latin-1 /
CP1252 characters those fonts drew over: "Kinh tÕ" is "Kinh tế", "Daân vaän"
is "Dân vận". The tables are ours rather than a dependency: the one library
that has them (viparse) is a whole document loader and also collapses spaces,
and we need detection per column of a grid, not per document.

Detection is per column (short cells such as "Kinh tÕ" are ambiguous alone),
then each cell of a legacy column is converted only when its decoded reading
scores better than its reading as Unicode, so genuine Unicode typed into the
same column ("Cá nhân" from a dropdown) is never touched.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache, lru_cache
from itertools import accumulate, compress, count, islice, repeat
from operator import ge, sub

# --- TCVN3 (ABC). Read off glibc's TCVN5712-1 for the bytes TCVN3 itself uses:
# 0xA1-0xAE base letters, the rest lower-case toned vowels. TCVN3 has no
# upper-case toned letters: headings in .VnTimeH decode to lower case.
_TCVN3_BYTES = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
# A byte reaches us as the character Windows-1252 (or Latin-1) shows for it.
TCVN3 = {bytes([b]).decode("latin-1"): u for b, u in _TCVN3_BYTES.items()}

# --- VNI-Windows: a base letter followed by a mark character.
_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_CIRC = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(seq: str, out: str) -> None:
        table[seq] = _nfc(out)
        # Marks typed with Caps Lock come out as the upper-case mark character.
        up = seq[0] + seq[1:].upper()
        table.setdefault(up, _nfc(out))
        table.setdefault(seq.upper(), _nfc(out).upper())

    for base in "aeiouy":
        for mark, tone in _TONES.items():
            add(base + mark, base + tone)
    for base in "aeo":
        for mark, tone in _CIRC.items():
            add(base + mark, base + "\u0302" + tone)
    for mark, tone in _BREVE.items():
        add("a" + mark, "a\u0306" + tone)
    # ơ and ư are single characters, followed by their tone mark.
    for single, letter in (("ô", "ơ"), ("ö", "ư")):
        table[single] = letter
        table[single.upper()] = letter.upper()
        for mark, tone in _TONES.items():
            add(single + mark, letter + tone)
    # i and ỵ-family have single-character forms.
    singles = {"í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ñ": "đ"}
    for ch, letter in singles.items():
        table[ch] = letter
        table[ch.upper()] = letter.upper()
    return table


VNI = _vni_table()

ENCODINGS = {"tcvn3": TCVN3, "vni": VNI}
_NAMES = tuple(ENCODINGS)
ENCODING_LABELS = {"tcvn3": "TCVN3 (ABC, phông .VnTime)", "vni": "VNI-Windows (phông VNI-Times)"}


@cache
def _pattern(name: str) -> re.Pattern:
    # One alternation, longest sequence first, so the regex engine does the left-to-right scan.
    seqs = sorted(ENCODINGS[name], key=len, reverse=True)
    return re.compile("|".join(re.escape(q) for q in seqs))


def _decoder(encoding: str):
    table, pattern = ENCODINGS[encoding], _pattern(encoding)

    # One cache per encoding keyed by the word alone: a str key is the cache's fast path.
    @lru_cache(maxsize=1 << 16)
    def decode_word(word: str) -> str:
        return _nfc(pattern.sub(lambda m: table[m.group(0)], word))

    return decode_word


_WORD_DECODERS = {name: _decoder(name) for name in ENCODINGS}


# TCVN3 replaces single characters, all of them Latin-1: as a charmap codec over the text's
# Latin-1 bytes it is decoded whole, in C.
_TCVN3_CHARMAP = "".join(TCVN3.get(chr(b), chr(b)) for b in range(256))


def decode(text: str, encoding: str) -> str:
    """Replace legacy sequences, longest first, in one left-to-right pass.

    Word by word: no sequence holds a space and NFC never composes across one, so
    this is the same text, while the words repeat and the cells mostly do not.
    """
    if encoding == "tcvn3":
        try:
            return _nfc(codecs.charmap_decode(text.encode("latin-1"), "strict", _TCVN3_CHARMAP)[0])
        except UnicodeEncodeError:  # a character beyond Latin-1 is in the text: word by word
            pass
    return " ".join(map(_WORD_DECODERS[encoding], text.split(" ")))


@cache
def _inverse(name: str) -> dict[str, str]:
    inv: dict[str, str] = {}
    # Prefer the lower-case mark: that is what a VNI keyboard types without Caps Lock.
    items = sorted(ENCODINGS[name].items(), key=lambda kv: (len(kv[0]), kv[0][1:] != kv[0][1:].lower(), kv[0]))
    for seq, letter in items:
        inv.setdefault(letter, seq)
    return inv


def encode(text: str, encoding: str) -> str:
    """Unicode -> how the legacy font's text reads as Unicode (for tests and demo data).

    TCVN3 has no upper-case toned letters, so those are lower-cased first, as the
    .VnTimeH font did.
    """
    inv = _inverse(encoding)
    out = []
    for ch in _nfc(text):
        if ch in inv:
            out.append(inv[ch])
        elif ch.lower() in inv and encoding == "tcvn3":
            out.append(inv[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


# --- Plausibility: how Vietnamese a reading looks, syllable by syllable.
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
_NUCLEUS = (
    r"(?:uyê|iê|yê|uô|ươ|ưa|ia|ua|oa|oă|oe|uâ|uê|uy|uơ|oo|ôô|a|ă|â|e|ê|i|y|o|ô|ơ|u|ư)"
)
_CODA = r"(?:ch|ng|nh|c|m|n|p|t|i|y|o|u)?"
_SYLLABLE = re.compile(f"^{_ONSET}{_NUCLEUS}{_CODA}$")
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_SPLIT = re.compile(r"[\s,.;:()\[\]\"'!?/\\+&*=<>|\-–—_~#%0-9]+")

# Syllables that fill these forms. A tie between two plausible readings of a
# short cell is settled by which one reads as words people actually write.
_COMMON = set(
    """
    mô hình dân vận khéo xây dựng đảng bộ chi cơ sở quan đơn vị doanh nghiệp tỉnh khối tuyên truyền
    giáo thực hiện phát triển kinh tế văn hóa hoá xã hội quốc phòng an ninh hệ thống chính trị tháng
    quý năm đầu cuối cá nhân tập thể ban bộ phận công đoàn thanh niên hội cựu chiến binh phụ nữ cán viên
    người lao động chuyển đổi số hạnh phúc lãnh đạo lĩnh vực tên lượng thời gian điểm triển khai quy
    hoàn thành stt tổng ghi chú và của cho các những trong với có là được để một hai ba bốn sáu bảy
    tám mười không đã sẽ đến từ theo về trên dưới tại giữa sau trước mới cũ tốt đẹp sạch xanh an toàn
    gia đình trường học sinh y tế bệnh dân tộc thôn bản xã phường huyện thành phố nông thôn môi
    phong trào thi đua tiêu chí nâng cao chất hiệu quả cải cách hành thủ tục giảm nghèo hỗ trợ vay
    vốn kinh doanh sản xuất du lịch giao thông camera trật tự phòng chống ma túy tuý tệ nạn rác thải
    nhựa bảo vệ tổ quốc lòng thế trận cải tạo tập quán lạc hậu vệ sinh câu lạc thể dục thao nghệ
    nhân ái đoàn kết sáng tạo hội nhập thân thiện phục vụ chính quyền điển hình dìu dắt quần chúng
    cấp ủy ủy uỷ kế hoạch chương trình nghị quyết chỉ thị học tập làm theo tư tưởng đạo đức phong cách
    hồ minh ứng dụng nghệ thông tin điện tử mạng số hóa hoá dịch vụ công trực tuyến đối thoại tiếp
    tòa toà án sở thuế cục kho bạc ngân hàng điện lực bưu chính viễn thông bia sông tiền đường hoa cờ
    kiểu mẫu nâng bước em đồn biên con nuôi ngư rừng cây giống lúa chè quế tre măng nước nhà ở
    hòa hoà hóa hoá khóa khoá xóa xoá tòa toà toàn thuỷ thủy quà hoạ họa
    """.split()  # noqa: SIM905 -- a few hundred words read as text; as a list literal they would not be
)


@lru_cache(maxsize=1 << 15)
def _token_score(token: str) -> int:
    if token.isascii():
        return 0
    if any(c.islower() for c in token[:-1]) and any(
        not c.isascii() and c.isupper() and token[i - 1].islower() for i, c in enumerate(token) if i
    ):
        return -3  # "tÕ": an upper-case accented letter inside a lower-case word
    low = token.lower()
    nfd = unicodedata.normalize("NFD", low)
    tones = sum(nfd.count(m) for m in _TONE_MARKS)
    bare = _nfc("".join(c for c in nfd if c not in _TONE_MARKS))
    if tones > 1 or not _SYLLABLE.match(bare):
        return -3
    return 3 if low in _COMMON else 1


@lru_cache(maxsize=1 << 16)
def _word_score(word: str) -> int:
    return sum(_token_score(t) for t in _SPLIT.split(word) if t)


@lru_cache(maxsize=1 << 16)
def _word_readings(word: str) -> tuple[int, ...]:
    return (_word_score(word), *(_word_score(decode_word(word)) for decode_word in _WORD_DECODERS.values()))


@lru_cache(maxsize=1 << 15)
def readings(text: str) -> tuple[int, ...]:
    """(score as typed, score of each ENCODINGS decoding), summed word by word.

    A score is higher the more the text reads like Vietnamese written in Unicode. A
    space always splits tokens, so the sum over words is the sum over tokens.
    """
    return tuple(map(sum, zip(*map(_word_readings, text.split(" ")), strict=True)))


# Beyond Latin-1 only real Unicode Vietnamese (or decomposed marks) has these.
_UNICODE_ONLY = re.compile("[ăđơưĂĐƠƯĩũĨŨ\u0300-\u036f\u1ea0-\u1ef9]")
_LEGACY_CHARS = re.compile("[\u0080-\u00ff]")


def _looks_legacy(text: str) -> bool:
    return bool(_LEGACY_CHARS.search(text)) and not _UNICODE_ONLY.search(text)


could_be_legacy = lru_cache(maxsize=1 << 16)(_looks_legacy)


@lru_cache(maxsize=1 << 16)
def gains(value: object) -> bool:
    """Whether some legacy decoding of a cell reads better than the cell as typed (False for non-text).

    Takes any hashable cell value, so a reader can map it over a whole column as delivered.
    """
    # _looks_legacy, not could_be_legacy: a second cache entry per unique cell buys nothing here.
    if not isinstance(value, str) or not _looks_legacy(value):
        return False
    typed, *decoded = readings(value)
    return max(decoded) > typed


def detect_column(texts: list[str]) -> str | None:
    """The legacy encoding a column of cells was typed in, or None for Unicode."""
    # Exact shortcut, and the common case: when no cell reads better decoded, no running
    # total of a decoding can ever lead the text as typed, wherever the column is decided.
    if not any(map(gains, texts)):
        return None
    scored = list(map(readings, filter(could_be_legacy, texts)))  # not empty: a cell gains
    # Running totals of each reading down the column. A long column decides early: once
    # one reading leads every other by a wide margin, the rest cannot turn it around in
    # practice (cells are still checked one by one when decoded).
    sums = [list(accumulate(col)) for col in zip(*scored, strict=True)]
    at = _decided_at(sums)
    as_typed, *decoded = (s[at] for s in sums)
    best = max(range(len(decoded)), key=decoded.__getitem__)
    if decoded[best] <= as_typed:
        return None
    # Stray symbols alone ("×", "½" beside Unicode words) are no old-font text: some cell must hold a word
    # only decoding makes Vietnamese.
    name = _NAMES[best]
    return name if any(_is_evidence(t, name) for text in texts for t in _SPLIT.split(text)) else None


_DECIDED_AFTER = 24
_DECIDED_MARGIN = 60


def _decided_at(sums: list[list[int]]) -> int:
    """The first cell, from the _DECIDED_AFTER-th on, where one reading leads by _DECIDED_MARGIN; else the last."""
    last = len(sums[0]) - 1
    start = _DECIDED_AFTER - 1
    if last < start:
        return last
    # The leader's margin at each cell is max over readings j of min over others k of
    # (j - k). Built from map/min/max so the whole column is scanned in C, not in a
    # Python loop per cell: this runs for every column of every tab.
    leads = []
    for j, pj in enumerate(sums):
        gaps = [map(sub, islice(pj, start, None), islice(pk, start, None)) for k, pk in enumerate(sums) if k != j]
        leads.append(map(min, *gaps) if len(gaps) > 1 else gaps[0])
    margins = map(max, *leads)
    return next(compress(count(start), map(ge, margins, repeat(_DECIDED_MARGIN))), last)


def alone(text: str) -> str | None:
    """The encoding a cell was plainly typed in whatever its column says, or None.

    A column vote can be lost by one old-font cell among Unicode ones ("Th¸ng 11/2023" under
    three "Tháng 12/2023": Unicode "á" is also a TCVN3 byte, so each Unicode cell votes a
    little for TCVN3 and a lot for itself). Such a cell does not read as Vietnamese as typed
    (a negative score: "Th¸ng" is no syllable) and exactly one decoding reads it as plausible
    Vietnamese: that is unambiguous alone. Short cells that both encodings read ("Kinh tÕ"
    versus its VNI reading) stay with the column.
    """
    if not could_be_legacy(text):
        return None
    typed, *decoded = readings(text)
    best = max(decoded)
    if typed >= 0 or best <= 0 or decoded.count(best) > 1:
        return None
    name = _NAMES[decoded.index(best)]
    # The evidence must be a word: letters with an old-font character among them ("Th¸ng", "tÕ")
    # that decoding makes (better) Vietnamese. A stray symbol next to Unicode words ("Tân Bình ½",
    # "3×4m") is no such evidence: decoding it would also turn "Tân" into "Tõn".
    return name if any(map(_is_evidence, _SPLIT.split(text), repeat(name))) else None


def _is_evidence(token: str, encoding: str) -> bool:
    """A word of letters and old-font characters that reads better decoded ("Th¸ng", "bé" for "bộ")."""
    if token.isascii() or not any(c.isascii() and c.isalpha() for c in token):
        return False
    decoded = _token_score(decode(token, encoding))
    return decoded > 0 and decoded > _token_score(token)


def decode_cell(text: str, encoding: str | None) -> str:
    """Decode one cell of a column detected as `encoding`, only where that reads better."""
    if encoding is None or not could_be_legacy(text):
        return text
    scores = readings(text)
    if scores[1 + _NAMES.index(encoding)] > scores[0]:
        return decode(text, encoding)
    return text

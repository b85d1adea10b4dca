"""The core's fast paths read exactly like the plain definitions they replace.

clean(), fold(), key(), the legacy decoder and scorer work word by word or skip
work (issue 6's throughput); each is checked here against the one-line
definition, on text built from the characters real forms contain.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from danvan_sheets.core import legacy, reader, sections, text
from danvan_sheets.core.model import SheetReading
from tests.helpers_forms import HEADER, REAL_TEXTS, YEAR

# --- the plain definitions --------------------------------------------------------------------
_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b]+")


def ref_clean(s: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", s).translate(_INVISIBLE)).strip()


def ref_clean_lines(s: str) -> list[str]:
    lines = re.split(r"[\r\n\u2028\u2029\v]+", unicodedata.normalize("NFC", s).translate(_INVISIBLE))
    return [ln for ln in (_SPACES.sub(" ", ln).strip() for ln in lines) if ln]


def ref_fold(s: str) -> str:
    return ref_clean(s).translate(text._FOLD)


def ref_key(s: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", ref_fold(s)).strip()


def ref_decode(s: str, enc: str) -> str:
    table = legacy.ENCODINGS[enc]
    pattern = re.compile("|".join(re.escape(q) for q in sorted(table, key=len, reverse=True)))
    return unicodedata.normalize("NFC", pattern.sub(lambda m: table[m.group(0)], s))


def ref_score(s: str) -> int:
    return sum(legacy._token_score(t) for t in legacy._SPLIT.split(s) if t)


def ref_detect(texts: list[str]) -> str | None:
    totals = {None: 0, **{name: 0 for name in legacy.ENCODINGS}}
    seen = 0
    for t in texts:
        if not legacy.could_be_legacy(t):
            continue
        seen += 1
        totals[None] += ref_score(t)
        for name in legacy.ENCODINGS:
            totals[name] += ref_score(ref_decode(t, name))
        ranked = sorted(totals.values(), reverse=True)
        if seen >= 24 and ranked[0] - ranked[1] >= 60:
            break
    if not seen:
        return None
    best = max(legacy.ENCODINGS, key=lambda name: totals[name])
    return best if totals[best] > totals[None] else None


# --- text as forms contain it -----------------------------------------------------------------
_VIET = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_ALPHABET = (
    _VIET + _VIET.upper() + "0123456789 .,;:()-–—/…_·*+&\"'“”‘’«»"
    + "\u00a0\u200b\u200c\u200d\u2060\ufeff\u00ad\u2007\u202f\t\n\r\v\u2028"
    + "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"  # decomposed marks
    + "".join(chr(c) for c in range(0xa1, 0x100))  # what TCVN3/VNI text reads as
    + "ÐðİıßﬁẞΩ한글"
    + "\x85\x1c\x1f\x0c\x01\u1680\u2000\u205f\u3000\u2029"  # other whitespace and controls
)
texts = st.text(alphabet=_ALPHABET, max_size=40)
encoded = st.builds(lambda s, enc: legacy.encode(s, enc), st.text(alphabet=_VIET + _VIET.upper() + " ,.", max_size=30),
                    st.sampled_from(sorted(legacy.ENCODINGS)))


@hsettings(max_examples=400, deadline=None)
@given(texts)
def test_clean_fold_key_match_their_definitions(s):
    assert text.clean(s) == ref_clean(s)
    assert text.clean_lines(s) == ref_clean_lines(s)
    assert text.fold(s) == ref_fold(s)
    assert text.key(s) == ref_key(s)
    assert len(text.fold(s)) == len(text.clean(s))  # the section splitter cuts by index


@hsettings(max_examples=300, deadline=None)
@given(st.one_of(texts, encoded), st.sampled_from(sorted(legacy.ENCODINGS)))
def test_legacy_decode_and_score_match_their_definitions(s, enc):
    assert legacy.decode(s, enc) == ref_decode(s, enc)
    assert legacy.readings(s) == (ref_score(s), *(ref_score(ref_decode(s, e)) for e in legacy.ENCODINGS))


@hsettings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(encoded, texts, st.sampled_from(["Tháng 5/2023", "Cá nhân", "Tập thể", "Quý II/2023"])),
                max_size=70))
def test_column_detection_matches_the_cell_by_cell_loop(column):
    assert legacy.detect_column(column) == ref_detect(column)


def test_long_columns_decide_where_the_loop_did():
    # 30 TCVN3 names decide by the 24th cell; a Unicode tail cannot turn that around.
    names = [legacy.encode(f"Cải tạo phong tục tập quán lạc hậu {i}", "tcvn3") for i in range(30)]
    assert legacy.detect_column(names) == ref_detect(names) == "tcvn3"
    mixed = names[:10] + ["Tháng 5/2023"] * 60
    assert legacy.detect_column(mixed) == ref_detect(mixed)


_STRUCTURAL = ["Tổng", "Tổng số", "Cộng", "Ghi chú", "*Ghi chú", "Mô hình", "Tên", "Điển hình", "Phần", "Mục", "I", "II.",
               "IV)", "III -", "Về", "Trong", "Trên", "Lĩnh vực", "Lĩnh vực:", "Xây dựng", "Đảng", "Hệ thống", "chính trị",
               "XDHTCT", "XD-HTCT", "XDĐ", "Quốc phòng", "An ninh", "QPAN", "QP-AN", "Văn hóa", "Xã hội", "VHXH", "VH-XH",
               "Phát triển", "Kinh tế", "KT", "KT:", "…", "...", "(", ")", "-", "–", "_", "·", "Cải", "Vận", "động", "Móc",
               "khóa", "Chi", "bộ", "số", "5", "(2)", "Dân", "vận", "khéo", "dựng", "động", "hóa", "hội", "ninh",
               "phòng", "phòng-an", "triển", "tế", "thống", "chính", "cơ", "quan", "đảng,", "HTCT", "Xã,", "Xây", "Văn",
               "Quốc", "Phát", "Hệ", "tốt"]


@hsettings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_STRUCTURAL), min_size=1, max_size=6))
def test_plain_names_are_never_structural_rows(words):
    t = text.clean(" ".join(words))
    if sections.plainly_a_name(t):
        assert not sections.is_notes(t)
        assert not sections.is_total(t)
        assert sections.section_title(t) is None
        assert not sections.is_placeholder(t)


def ref_decided_at(scored: list[tuple[int, ...]]) -> int:
    totals = [0] * len(scored[0])
    for i, r in enumerate(scored):
        totals = [a + b for a, b in zip(totals, r)]
        ranked = sorted(totals, reverse=True)
        if i + 1 >= 24 and ranked[0] - ranked[1] >= 60:
            return i
    return len(scored) - 1


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.tuples(*[st.integers(-12, 12)] * 3),
                          st.tuples(st.integers(-12, 3), st.integers(0, 12), st.integers(-12, 3))), min_size=1, max_size=60))
@example([(0, 3, 0)] * 30)  # decided by the 20th cell: the first chance is the 24th
@example([(0, 0, 0)] * 23 + [(0, 60, 0)] + [(9, 0, 0)] * 10)  # decided exactly at the 24th
@example([(1, 0, 0)] * 20 + [(0, 0, 0)] * 40 + [(0, 0, 61)])  # never by a margin: the last cell
def test_early_decision_stops_at_the_same_cell_as_the_loop(scored):
    from itertools import accumulate

    sums = [list(accumulate(col)) for col in zip(*scored)]
    assert legacy._decided_at(sums) == ref_decided_at(scored)


# --- fold() and key() through the one-byte code ------------------------------------------------
_CODED = "".join(c for c in text._DECODING if c != "\ufffe")
coded_texts = st.text(alphabet=_CODED, max_size=40)


def test_every_character_of_the_one_byte_code_folds_as_defined():
    for c in _CODED:
        for s in (c, f"A{c}b", f"{c} {c}x", f"đ{c}{c}Đ"):
            assert text.fold(s) == ref_fold(s), repr(s)
            assert text.key(s) == ref_key(s), repr(s)


_BEYOND = ["", "ß", "한", "\u0303", "ﬁ", "\x01", "\x1b", "\x1f", "\u00a0", "\u200b", "\u00ad"]


@hsettings(max_examples=400, deadline=None)
@given(coded_texts, st.sampled_from(_BEYOND))
def test_coded_text_and_text_beyond_the_code_fold_the_same(s, beyond):
    for t in (s, s + beyond, beyond + s):
        assert text.fold(t) == ref_fold(t)
        assert text.key(t) == ref_key(t)
        assert len(text.fold(t)) == len(text.clean(t))


def test_ascii_control_characters_are_not_read_as_the_letters_their_bytes_carry():
    for i in range(0x20):
        s = f"a{chr(i)}b"
        assert (text.fold(s), text.key(s)) == (ref_fold(s), ref_key(s)), repr(s)


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(coded_texts, texts, st.sampled_from(["", " ", "-", "\x00", "a\x00b", " x "])), max_size=12))
def test_keys_of_a_list_are_the_keys_of_its_items(items):
    assert text.keys(items) == [ref_key(t) for t in items]


def test_clean_text_stays_as_it_is_and_the_rest_is_still_collapsed():
    for s in ("Dân vận khéo", "Tháng 5/2023", "a b", ""):
        assert text.clean(s) == s
    for s in (" Dân vận", "Dân  vận", "Dân vận ", "Dân\u00a0vận", "Dân\u200bvận", "Da\u0302n", "x\x85y", "x\u3000y"):
        assert text.clean(s) == ref_clean(s)


def test_str_subclasses_read_as_plain_str():
    numpy = __import__("numpy")
    assert type(text.clean(numpy.str_("Dân vận"))) is str
    assert legacy.gains(numpy.str_(legacy.encode("Cải tạo phong tục tập quán lạc hậu", "tcvn3"))) is True


def test_gains_is_false_for_anything_but_legacy_looking_text():
    for v in (None, 1, 1.0, True, "Dân vận", "Tháng 5/2023", "Cá nhân"):
        assert legacy.gains(v) is False
    assert legacy.gains(legacy.encode("Cải tạo phong tục tập quán lạc hậu", "tcvn3")) is True


# --- the reader's shortcut for plain model rows --------------------------------------------------
_STT = st.one_of(st.none(), st.integers(0, 30), st.sampled_from(["1.", "2", "I", "II.", "IV", "Tổng", "Tổng số", "Ghi chú",
                                                                    "(1)", "", " ", "a", "III. Lĩnh vực quốc phòng - an ninh"]))
# Names that open like a field, alone, as a title line over a model, or as a model themselves.
_FIELD_LIKE = ["Kinh tế\nMô hình trồng lúa chất lượng cao", "Xây dựng Đảng\nChi bộ bốn tốt", "An ninh\nCamera an ninh",
               "Văn hóa - xã hội\nThôn văn hóa kiểu mẫu", "Xây dựng cơ quan sạch đẹp", "Vận động nhân dân lắp camera",
               "Xã bình yên", "Quốc phòng - an ninh", "Kinh tế tập thể", "Văn hóa", "Hệ thống chính trị", "Phát triển kinh tế"]
_NAME = st.one_of(st.sampled_from(REAL_TEXTS + _FIELD_LIKE + ["Mô hình….", "…", "Tổng số", "Ghi chú", "(2)", "Kinh tế",
                                                "I. Lĩnh vực kinh tế", "Lĩnh vực văn hóa - xã hội\nThôn văn hóa kiểu mẫu",
                                                "Dân  vận", " Chi bộ số", "1", ""]),
                  st.sampled_from(REAL_TEXTS).map(lambda s: legacy.encode(s, "tcvn3")), st.none(), st.integers(1, 9))
_DATA = st.one_of(st.none(), st.sampled_from(["Tháng 5/2023", "Quý II/2023", "Cá nhân", "Tập thể", "Phòng Tổng hợp", "hai", " ",
                                              "(3)", "Tháng 12/2023", "Ghi chú"]), st.integers(0, 3))
_ROW = st.tuples(_STT, _NAME, _DATA, _DATA, _DATA, _DATA, _DATA).map(list)


@hsettings(max_examples=300, deadline=None)
@given(st.lists(_ROW, max_size=25), st.booleans())
def test_the_plain_model_row_shortcut_reads_like_the_long_way(body, legacy_names):
    # The long way runs every structural test on every row: no row is taken as plainly a name.
    rows = [["Đơn vị: Chi bộ Sở Tư pháp"], [h for h in HEADER], *body]
    if legacy_names:
        rows += [[i + 1, legacy.encode(name, "vni"), 1, "Tháng 5/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023"]
                 for i, name in enumerate(REAL_TEXTS[:30])]

    def read(shortcuts: bool) -> SheetReading:
        reading = SheetReading(title="Tab")
        reader._read(reading, reader._rectangular(rows), YEAR, shortcuts)
        return reading

    fast, slow = read(True), read(False)
    assert [(e.row, e.to_dict(), e.has_error, e.raw) for e in fast.entries] == \
        [(e.row, e.to_dict(), e.has_error, e.raw) for e in slow.entries]
    assert [(p.row, p.to_dict()) for p in fast.problems] == [(p.row, p.to_dict()) for p in slow.problems]


def test_a_title_line_over_a_model_still_opens_its_section():
    # Read as one line, "Kinh tế Mô hình trồng lúa…" is no title; its first line is.
    for cell, field, name in (("Kinh tế\nMô hình trồng lúa chất lượng cao", "kinh_te", "Mô hình trồng lúa chất lượng cao"),
                              ("Xây dựng Đảng\nChi bộ bốn tốt", "xay_dung_he_thong_chinh_tri", "Chi bộ bốn tốt")):
        rows = [HEADER, [None, cell, 1, "Tháng 5/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023"],
                [2, "Xây dựng cơ quan sạch đẹp", 1, "Tháng 5/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023"]]
        reading = reader.read_tab("Tab", rows, YEAR)
        assert [(e.name, e.field) for e in reading.entries] == [(name, field), ("Xây dựng cơ quan sạch đẹp", field)]
        assert reading.problems == []


def test_odd_cell_objects_read_as_before():
    pandas = __import__("pandas")
    numpy = __import__("numpy")
    row = [1, pandas.NA, 1, "Tháng 5/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023"]
    reading = reader.read_tab("Tab", [HEADER, row], YEAR)
    assert [e.name for e in reading.entries] == ["<NA>"]
    assert [p.code for p in reading.problems] == ["missing_field"]
    names = [numpy.str_(legacy.encode(f"Cải tạo phong tục tập quán lạc hậu {i}", "tcvn3")) for i in range(5)]
    rows = [HEADER] + [[i + 1, n, 1, numpy.str_("Tháng 5/2023"), "Toàn cơ quan", "Tập thể", "Quý IV/2023"] for i, n in enumerate(names)]
    reading = reader.read_tab("Tab", rows, YEAR)
    assert [e.name for e in reading.entries][0] == "Cải tạo phong tục tập quán lạc hậu 0"
    assert "legacy_encoding" in [p.code for p in reading.problems]
    # A period in a str subclass is read from its clean() text, as a str one is: the message
    # quotes "sắp tới" with a plain space, not the cell's no-break space.
    rows = [HEADER, [1, "Chi bộ số", 1, numpy.str_("sắp\u00a0tới"), "Toàn cơ quan", "Tập thể", "Quý IV/2023"]]
    bad = [p for p in reader.read_tab("Tab", rows, YEAR).problems if p.code == "invalid_period"]
    assert len(bad) == 1 and "“sắp tới”" in bad[0].message

"""Text as offices type it: NFD, odd spaces, TCVN3/VNI fonts, formula-looking names."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata

import openpyxl
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from danvan_sheets.core import legacy
from danvan_sheets.core.reader import read_tab
from danvan_sheets.core.summary import build_report
from danvan_sheets.core.text import clean, fold, key
from danvan_sheets.writers.machine import to_csv, to_json
from danvan_sheets.writers.xlsx_summary import write_summary_xlsx
from tests.helpers_forms import AS_OF, HEADER, REAL_NAMES, REAL_TEXTS, YEAR, campaign, model, unit

H = [h.strip() for h in HEADER]
NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


def _one(grid, title="x"):
    r = read_tab(title, grid, YEAR)
    assert len(r.entries) == 1, r.problems
    return r, r.entries[0]


def test_decomposed_text_is_read_as_nfc():
    name = "Cải tạo phong tục tập quán lạc hậu"
    grid = [[NFD(h) for h in H], ["I", NFD("Lĩnh vực văn hóa - xã hội")],
            [1, NFD(name), 1, NFD("Tháng 5/2023"), NFD("Phòng Tổng hợp"), NFD("Tập thể"), NFD("Quý IV/2023")]]
    r, e = _one(grid)
    assert NFD(name) != name  # the input really is decomposed
    assert e.name == name and unicodedata.is_normalized("NFC", e.name)
    assert e.field == "van_hoa_xa_hoi" and e.location == "Phòng Tổng hợp" and e.scale == "tap_the"
    assert e.done.to_dict() == {"from": "2023-10", "to": "2023-12"}
    assert r.problems == []


def test_nbsp_zero_width_and_doubled_spaces_collapsed():
    grid = [
        H,
        ["I", "Kinh\u00a0tế"],
        [
            1,
            "  Cải\u00a0tạo  phong\u200btục\ttập  quán\u00a0 ",
            " 1 ",
            "Tháng\u00a05/2023",
            "\u200bPhòng   Tổng\u00a0hợp ",
            "Tập\u00a0thể",
            "Tháng 12/2023\u200b",
        ],
    ]
    r, e = _one(grid)
    # A zero-width space between two words separates them, like any space.
    assert e.name == "Cải tạo phong tục tập quán"
    assert e.location == "Phòng Tổng hợp"
    assert (e.quantity, e.scale, e.field) == (1, "tap_the", "kinh_te")
    assert r.problems == []


def test_clean_drops_invisible_marks_inside_words():
    assert clean("Ph\ufeffòng\u00ad ban") == "Phòng ban"
    assert clean("a\u200b\u200bb") == "a b"
    assert clean(" \u00a0\u2007 ") == ""


def test_fold_and_key_are_diacritics_and_case_insensitive():
    assert fold("ĐẢNG BỘ Cục Thuế") == "dang bo cuc thue"
    assert key("Chi bộ, Công ty „Bia“ SG–Sông Tiền") == key("chi bo cong ty bia sg song tien")
    assert key(NFD("Đoàn Khối")) == key("ÐOÀN   KHỐI")  # eth typed for Đ


def test_tcvn3_tab_decoded_with_one_warning():
    enc = lambda s: legacy.encode(s, "tcvn3")  # noqa: E731
    names = [
        "Cải tạo phong tục tập quán lạc hậu",
        "Vận động nhân dân lắp đặt camera an ninh",
        "Chi bộ 5 tốt, đảng viên 5 tốt",
    ]
    grid = [[enc("Đơn vị: Đảng bộ Cục Thuế")], [enc(h) for h in H], ["I", enc("Lĩnh vực phát triển kinh tế")]]
    grid += [
        [i, enc(n), 1, enc("Tháng 5/2023"), enc("Phòng Tổng hợp"), enc("Tập thể"), enc("Quý IV/2023")]
        for i, n in enumerate(names, 1)
    ]
    assert grid[1][1] == "Tªn m« h×nh"  # what .VnTime text looks like read as Unicode
    r = read_tab("Cục Thuế", grid, YEAR)
    assert [e.name for e in r.entries] == names
    assert all(e.location == "Phòng Tổng hợp" and e.scale == "tap_the" and e.field == "kinh_te" for e in r.entries)
    assert r.declared_unit.lower() == "đảng bộ cục thuế"  # .VnTimeH capitals decode to lower case
    legacy_warnings = [p for p in r.problems if p.code == "legacy_encoding"]
    assert len(legacy_warnings) == 1 and legacy_warnings[0].severity == "warning"
    assert "TCVN3" in legacy_warnings[0].message and "Unicode" in legacy_warnings[0].message
    assert [p.code for p in r.problems] == ["legacy_encoding"]
    assert r.legacy_encodings == ["tcvn3"]


def test_vni_column_next_to_unicode_scale_column():
    names = [
        "Cải tạo vệ sinh môi trường nông thôn",
        "Móc khoá an ninh",
        "Dân vận khéo trong vùng đồng bào dân tộc thiểu số",
    ]
    scales = ["Cá nhân", "Tập thể", "Cá nhân"]
    grid = [H, ["I", "Kinh tế"]]
    grid += [[i, legacy.encode(n, "vni"), 1, "5/2023", legacy.encode("Phòng Tổng hợp", "vni"), s, "12/2023"]
             for i, (n, s) in enumerate(zip(names, scales, strict=True), 1)]
    assert grid[2][1].startswith("Caûi taïo")
    r = read_tab("x", grid, YEAR)
    assert [e.name for e in r.entries] == names
    assert [e.scale for e in r.entries] == ["ca_nhan", "tap_the", "ca_nhan"]
    assert all(e.location == "Phòng Tổng hợp" for e in r.entries)
    assert [(p.code, p.cell) for p in r.problems] == [("legacy_encoding", "B3")]


def test_unicode_column_beside_tcvn3_column_is_never_corrupted():
    # Cá nhân / Tập thể picked from a dropdown (Unicode) next to names typed in .VnTime.
    names = ["Chính quyền thân thiện vì nhân dân phục vụ", "Xã bình yên, gia đình hòa thuận", "Camera an ninh"]
    grid = [H, ["I", "Kinh tế"]]
    grid += [[i, legacy.encode(n, "tcvn3"), 1, "5/2023", "Văn phòng", s, "12/2023"]
             for i, (n, s) in enumerate(zip(names, ["Cá nhân", "Cá nhân", "Tập thể"], strict=True), 1)]
    r = read_tab("x", grid, YEAR)
    assert [e.name.lower() for e in r.entries] == [n.lower() for n in names]
    assert [e.scale for e in r.entries] == ["ca_nhan", "ca_nhan", "tap_the"]
    assert [e.location for e in r.entries] == ["Văn phòng"] * 3
    assert sum(p.code == "legacy_encoding" for p in r.problems) == 1


def test_unicode_only_tab_has_no_legacy_warning():
    grid = [H, ["I", "Kinh tế"]] + [model(i, n) for i, n in enumerate(REAL_NAMES, 1)]
    r = read_tab("x", grid, YEAR)
    assert [e.name for e in r.entries] == REAL_NAMES
    assert "legacy_encoding" not in [p.code for p in r.problems]


texts = st.lists(st.sampled_from(REAL_TEXTS), min_size=1, max_size=6)


@hsettings(max_examples=80, deadline=None)
@given(texts)
def test_detection_never_touches_real_unicode(column):
    assert legacy.detect_column(column) is None
    assert legacy.detect_column([NFD(t) for t in column]) is None


@hsettings(max_examples=80, deadline=None)
@given(texts, st.sampled_from(["tcvn3", "vni"]))
def test_detection_finds_the_legacy_font_and_decodes_back(column, encoding):
    encoded = [legacy.encode(t, encoding) for t in column]
    found = legacy.detect_column(encoded)
    if encoded == column:  # nothing Vietnamese-specific in the sample (e.g. "Camera an ninh")
        assert found is None
        return
    assert found == encoding
    decoded = [legacy.decode_cell(t, found) for t in encoded]
    # TCVN3 capitals came from a separate font and decode to lower case.
    assert [d.casefold() for d in decoded] == [t.casefold() for t in column]
    if encoding == "vni":
        assert decoded == column


@hsettings(max_examples=80, deadline=None)
@given(st.sampled_from(REAL_TEXTS), st.sampled_from(["tcvn3", "vni"]))
def test_a_cell_decoded_alone_is_never_real_unicode_nor_the_wrong_font(text, encoding):
    assert legacy.alone(text) is None and legacy.alone(NFD(text)) is None
    encoded = legacy.encode(text, encoding)
    found = legacy.alone(encoded)
    if found is not None:
        assert found == encoding
        assert legacy.decode_cell(encoded, found).casefold() == text.casefold()


def test_one_old_font_cell_among_unicode_ones_is_still_decoded():
    """A clerk pastes one row from an old .VnTime file under rows typed in Unicode: the column's
    vote goes to Unicode ("Tháng" is also readable as TCVN3), yet "Th¸ng 11/2023" is plainly TCVN3."""
    old = [3, legacy.encode("Lãnh đạo thực hiện chuyển đổi số", "tcvn3"), 1, legacy.encode("Tháng 4/2023", "tcvn3"),
           "Văn phòng", "Tập thể", legacy.encode("Tháng 11/2023", "tcvn3")]
    assert old[6] == "Th¸ng 11/2023"
    grid = [H, ["I", "Kinh tế"],
            [1, "Cơ quan thân thiện", 1, "Tháng 4/2023", "Văn phòng", "Tập thể", "Tháng 12/2023"],
            [2, "Camera an ninh", 1, "Tháng 5/2023", "Cổng cơ quan", "Tập thể", "Tháng 12/2023"],
            old,
            [4, "Thư viện số", 1, "Tháng 6/2023", "Văn phòng", "Tập thể", "Tháng 12/2023"],
            [5, "Vườn cây", 1, "Tháng 6/2023", "Văn phòng", "Tập thể", "Tháng 12/2023"]]
    assert legacy.detect_column([row[6] for row in grid[2:]]) is None  # the column alone votes Unicode
    r = read_tab("x", grid, YEAR)
    pasted = r.entries[2]
    assert pasted.name.lower() == "lãnh đạo thực hiện chuyển đổi số"
    assert pasted.done is not None and (pasted.done.start, pasted.done.end) == ((2023, 11), (2023, 11))
    assert not [p for p in r.problems if p.row == 5 and p.severity == "error"], r.problems
    assert [e.done.start for e in r.entries if e is not pasted] == [(2023, 12)] * 4
    assert [p.code for p in r.problems] == ["legacy_encoding"]


@pytest.mark.parametrize("text", ["Tân Bình ½", "×", "·", "3×4m Tân", "Cà phê ½ ly", "Lê Thị Hà ©"])
def test_a_stray_symbol_beside_unicode_words_is_no_old_font_text(text):
    """Latin-1 symbols are TCVN3 bytes too ("½" would read "ẵ"), but no word around them says old font."""
    assert legacy.alone(text) is None
    assert legacy.detect_column([text]) is None and legacy.detect_column([text, "Tập thể", "Cá nhân"]) is None
    grid = [H, ["I", "Kinh tế"], [1, "Cơ quan thân thiện", 1, "Tháng 4/2023", text, "Tập thể", "Tháng 12/2023"]]
    r = read_tab("x", grid, YEAR)
    assert r.entries[0].location == text and "legacy_encoding" not in [p.code for p in r.problems]


def test_forcing_tcvn3_onto_unicode_would_corrupt_it():
    # Why detection matters: decoding real Unicode as TCVN3 breaks it.
    assert legacy.decode("chính", "tcvn3") != "chính"
    assert legacy.decode_cell("chính", "tcvn3") == "chính"


FORMULAS = ["=SUM(A1:A9)", "+84 hỗ trợ hội viên", "-Vận động ngư dân", "@Camera an ninh"]


def _formula_report():
    grid = [H, ["I", "Kinh tế"]] + [model(i, n) for i, n in enumerate(FORMULAS, 1)] + [model(9, FORMULAS[0])]
    readings = [(None, read_tab("=Chi bộ", grid, YEAR))]
    u = unit(code="=Chi bộ", name="=HYPERLINK(\"x\")", type_="chi_bo_co_so")
    return build_report([u], readings, campaign(), AS_OF)


def test_formula_looking_names_stay_text_in_entries_and_json():
    report = _formula_report()
    v = report.units[0]
    assert [e.name for e in v.entries] == FORMULAS + [FORMULAS[0]]
    data = json.loads(to_json(report))
    assert [e["name"] for e in data["units"][0]["entries"]] == FORMULAS + [FORMULAS[0]]
    assert data["units"][0]["name"] == "=HYPERLINK(\"x\")"


def test_formula_looking_names_stay_text_in_summary_workbook(tmp_path):
    report = _formula_report()
    out = write_summary_xlsx(report, tmp_path / "tong-hop.xlsx", dt.datetime(2023, 5, 2, 8, 0))
    wb = openpyxl.load_workbook(out)
    cells = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value[:1] in "=+-@"
    ]
    values = {c.value for c in cells}
    assert "=HYPERLINK(\"x\")" in values  # unit name in Tổng hợp and Cần bổ sung
    assert FORMULAS[0] in values  # duplicate row's value in Lỗi nhập liệu
    assert cells and all(c.data_type == "s" for c in cells)


def test_formula_looking_names_escaped_in_csv():
    text = to_csv(_formula_report(), dt.datetime(2023, 5, 2, 8, 0))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Stt", "Đơn vị", "Loại"]
    assert rows[1][1] == "'=HYPERLINK(\"x\")"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


# Kept from the old fast-path tests as behaviour: the section splitter cuts a title off a
# name by index, so folding and the diacritics-kept matching form must keep clean()'s length.
_FORM_CHARS = ("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
               "AĂÂĐÊÔƠƯÁÀẢÃẠÓÒỎÕỌÚÙỦŨỤÝỲ0123456789 .,;:()-–—/…_·*+&\"'“”‘’«»\u00a0\u200b\u00adÐðİß\u0301\u0323\n\t")


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=_FORM_CHARS, max_size=40))
def test_clean_is_idempotent_and_fold_and_matching_keep_its_length(s):
    from danvan_sheets.core.keywords import as_written

    c = clean(s)
    assert clean(c) == c
    assert "  " not in c and c == c.strip()
    assert len(fold(s)) == len(c) and len(as_written(c)) == len(c)
    assert key(s) == " ".join(re.sub(r"[^0-9a-z]+", " ", fold(s)).split())


def test_an_invisible_character_between_a_letter_and_its_mark_does_not_keep_them_apart():
    assert clean("A\u00ad\u0301") == "Á" == clean(clean("A\u00ad\u0301"))


def test_no_character_decomposes_to_two_ascii_characters():
    # fold() folds non-ASCII text by dropping what NFD leaves beyond ASCII, and trusts that
    # result only when its length equals the text's: that is sound only while no character's
    # NFD holds two ASCII characters (one could then hide a character that gave none).
    import sys
    import unicodedata

    two = [hex(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF
           and sum(ch.isascii() for ch in unicodedata.normalize("NFD", chr(i))) > 1]
    assert two == []


@hsettings(max_examples=400, deadline=None)
@given(st.text(alphabet=_FORM_CHARS + "ǅǈĳŉſẛǰÅΩ가각ｑｇ\U0001d400\u0f73\u0344", max_size=40) | st.text(max_size=20))
def test_fold_equals_the_character_table(s):
    from danvan_sheets.core.text import _FOLD

    assert fold(s) == clean(s).translate(_FOLD)

"""No model is lost silently: every non-empty row is an entry or a skipped row with its reason.

Structural rows are recognised with the diacritics the cell is written with: "Công đoàn…"
is a model, "Cộng" is a total (issue 12).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from danvan_sheets.core import sections
from danvan_sheets.core.checks import evaluate
from danvan_sheets.core.model import SKIP_REASONS
from danvan_sheets.core.reader import read_tab
from danvan_sheets.core.text import clean, fold
from tests.helpers_forms import (
    AS_OF,
    HEADER,
    NOTES,
    NUMBERING,
    REAL_NAMES,
    SECTIONS,
    TITLE,
    TOTAL,
    YEAR,
    campaign,
    model,
    unit,
)

H = [h.strip() for h in HEADER]


def read(grid):
    return read_tab("Tab", grid, YEAR)


def test_trade_union_models_are_models_and_total_rows_are_totals():
    grid = [H, ["I", "Lĩnh vực phát triển kinh tế"], model(1, "Công đoàn cơ sở vững mạnh gắn với sản xuất"),
            model(2, "Công an thân thiện vì nhân dân phục vụ"), model(3, "Cộng đồng dân cư văn minh"),
            model(4, "Tổng vệ sinh môi trường hằng tháng"), model(5, "Tông đơ cắt tóc miễn phí cho thương binh"),
            [None, "Cộng", 5], [None, "Tổng số:", 5], ["Tổng cộng (I+II+III+IV)", None, 5], [None, "TỔNG SỐ", 5],
            [None, "Tong so", 5], [None, "cong", 5]]
    r = read(grid)
    assert [e.name for e in r.entries] == [
        "Công đoàn cơ sở vững mạnh gắn với sản xuất",
        "Công an thân thiện vì nhân dân phục vụ",
        "Cộng đồng dân cư văn minh",
        "Tổng vệ sinh môi trường hằng tháng",
        "Tông đơ cắt tóc miễn phí cho thương binh",
    ]
    assert [(s.row, s.reason) for s in r.skipped_rows] == [(1, "header"), (2, "section")] + [
        (n, "total") for n in range(8, 14)
    ]
    assert r.problems == []


def test_subtotals_and_totals_as_clerks_word_them_are_totals_and_their_lookalikes_models():
    totals = ["Cộng mục I", "Tổng mục II:", "Cộng phần III", "Cộng lĩnh vực IV", "Tổng số mô hình đăng ký",
              "Tổng số mô hình đã đăng ký: 5", "Tổng cộng toàn đơn vị", "TỔNG CỘNG CẢ CƠ QUAN", "Cong muc I"]
    models = ["Tổng mục tiêu an toàn lao động", "Tổng kết kinh nghiệm dân vận", "Công mục I",
              "Tổng phần thưởng học tập", "Cộng đồng đăng ký hiến máu"]
    grid = [H, ["I", "Lĩnh vực phát triển kinh tế"]]
    grid += [model(i, name) for i, name in enumerate(models, 1)] + [[None, t, 3] for t in totals]
    r = read(grid)
    assert [e.name for e in r.entries] == models
    assert [s.reason for s in r.skipped_rows] == ["header", "section"] + ["total"] * len(totals)


# Each keyword list of the reader, the keyword as written, a word that folds to the same
# letters but is another word, and the keyword typed with no diacritics at all.
COLLISIONS = [
    (sections.is_total, "Cộng", "Công", "Cong"),
    (sections.is_total, "Tổng", "Tông", "Tong"),
    (sections.is_total, "Tổng số", "Tông sô", "Tong so"),
    (sections.is_total, "Tổng cộng", "Tống công", "Tong cong"),
    (sections.is_notes, "Ghi chú:", "Ghi chữ:", "Ghi chu:"),
    (sections.is_notes, "Lưu ý:", "Lựu ý:", "Luu y:"),
    (lambda t: sections.section_title(t) is not None, "Mục I. Kinh tế", "Múc I. Kinh tế", "Muc I. Kinh te"),
    (lambda t: sections.section_title(t) is not None, "Phần II. Văn hóa", "Phân II. Văn hóa", "Phan II. Van hoa"),
    (lambda t: sections.section_title(t) is not None, "Về kinh tế", "Vệ kinh tế", "Ve kinh te"),
    (lambda t: sections.section_title(t) is not None, "Lĩnh vực an ninh", "Linh vực ăn ninh", "Linh vuc an ninh"),
    (lambda t: sections.section_title(t) is not None, "Văn hóa - xã hội", "Vân hoa - xa hội", "Van hoa - xa hoi"),
    (lambda t: sections.section_title(t) is not None, "Kinh tế", "Kính tê", "Kinh te"),
    (lambda t: sections.section_title(t) is not None, "Quốc phòng", "Quốc phong", "Quoc phong"),
    (lambda t: sections.section_title(t) is not None, "Xây dựng Đảng", "Xây dựng đằng", "Xay dung Dang"),
    (lambda t: sections.section_title(t) is not None, "Hệ thống chính trị", "Hệ thông chính trì", "He thong chinh tri"),
    (sections.is_placeholder, "Mô hình….", "Mổ hình….", "Mo hinh...."),
    (sections.is_placeholder, "Điển hình…", "Điện hình…", "Dien hinh..."),
    (lambda t: sections.field_value(t) is not None, "Xã hội", "Xà hội", "Xa hoi"),
    (lambda t: sections.header_kind(t) == "quantity", "Số lượng", "Sờ lượng", "So luong"),
    (lambda t: sections.header_kind(t) == "location", "Địa điểm", "Dĩa điểm", "Dia diem"),
    (lambda t: sections.header_kind(t) == "scale", "Quy mô", "Quỳ mô", "Quy mo"),
    (lambda t: sections.header_kind(t) == "stt", "Thứ tự", "Thư tư", "Thu tu"),
    (lambda t: sections.header_kind(t) == "build", "Thời gian xây dựng", "Thơi gian xây dựng", "Thoi gian xay dung"),
    (
        lambda t: sections.header_kind(t) == "done",
        "Thời gian hoàn thành",
        "Thời gian hoàn thanh",
        "Thoi gian hoan thanh",
    ),
    (lambda t: sections.header_kind(t) == "name", "Tên mô hình", "Tến mô hình", "Ten mo hinh"),
    (lambda t: sections.sub_header_kind(t) == "done", "Kết thúc", "Kết thuc", "Ket thuc"),
    (lambda t: sections.unit_line(t) is not None, "Đơn vị: Chi bộ A", "Đơn vì: Chi bộ A", "Don vi: Chi bo A"),
]


def test_every_keyword_is_matched_with_its_diacritics_and_folded_only_when_typed_without():
    for recognise, keyword, other_word, plain in COLLISIONS:
        assert fold(other_word) == fold(keyword) or fold(other_word).replace(" ", "") == fold(keyword).replace(" ", "")
        assert recognise(keyword), keyword
        assert recognise(keyword.upper()), keyword.upper()
        assert not recognise(other_word), other_word
        assert recognise(plain), plain


def test_old_and_new_tone_placement_are_the_same_word():
    assert sections.section_title("Lĩnh vực văn hoá - xã hội") == ("van_hoa_xa_hoi", "")
    assert sections.section_title("Lĩnh vực văn hóa - xã hội") == ("van_hoa_xa_hoi", "")
    assert sections.section_title("LĨNH VỰC VĂN HOÁ – XÃ HỘI") == ("van_hoa_xa_hoi", "")


def test_a_cell_typed_without_any_diacritic_is_read_folded():
    grid = [
        ["Stt", "Ten mo hinh", "So luong", "Thoi gian xay dung", "Dia diem", "Quy mo", "Thoi gian hoan thanh"],
        ["I", "Linh vuc kinh te"],
        model(1, "Cong doan co so vung manh"),
        [None, "Tong so", 1],
        ["Ghi chu:"],
        [None, "Mo hinh"],
    ]
    r = read(grid)
    assert [(e.name, e.field) for e in r.entries] == [("Cong doan co so vung manh", "kinh_te")]
    assert [s.reason for s in r.skipped_rows] == ["header", "section", "total", "notes", "notes"]


def test_every_non_empty_row_is_an_entry_or_skipped_with_its_reason():
    grid = [
        [TITLE],
        ["Đơn vị: Chi bộ A"],
        H,
        NUMBERING,
        TOTAL,
        ["I", "Lĩnh vực phát triển kinh tế"],
        model(1, "Vay vốn"),
        [2, "Mô hình…."],
        ["…", "…"],
        [None, None, None, None, None, None, None, None, "ghi bên lề"],
        [3, None, 2, "5/2023"],
        *NOTES,
        [None, "Mô hình dưới ghi chú", 1, "5/2023", "A", "Tập thể", "12/2023"],
    ]
    r = read(grid)
    assert [e.row for e in r.entries] == [7]
    assert [(s.row, s.reason) for s in r.skipped_rows] == [
        (1, "header"), (2, "header"), (3, "header"), (4, "numbering"), (5, "total"), (6, "section"), (8, "placeholder"),
        (9, "placeholder"), (10, "blank"), (11, "missing_name"), *[(n, "notes") for n in range(12, 19)]]
    assert r.skipped_rows[1].text == "Đơn vị: Chi bộ A"
    assert r.skipped_rows[4].text == "Tổng số"
    assert r.skipped_rows[8].text == "ghi bên lề"
    assert r.skipped_rows[9].text == "3 | 2 | 5/2023"
    # The row under the notes has a model's times and Quy mô but no Stt: set aside, and said.
    assert [(p.code, p.cell) for p in r.problems] == [("missing_name", "B11"), ("model_in_notes", "B18")]


def test_skipped_rows_are_in_the_json_output():
    grid = [H, ["I", "Kinh tế"], model(1, "Vay vốn"), [None, "Tổng cộng", 1]]
    v = evaluate(unit(), read(grid), campaign(), AS_OF)
    out = v.to_dict()
    assert out["skipped_rows"] == [{"row": 1, "text": " | ".join(" ".join(h.split()) for h in H), "reason": "header"},
                                   {"row": 2, "text": "I | Kinh tế", "reason": "section"},
                                   {"row": 4, "text": "Tổng cộng | 1", "reason": "total"}]
    assert evaluate(unit(), None, campaign(), AS_OF).to_dict()["skipped_rows"] == []


# --- the property: forms built from real-looking model names -------------------------------------
PREFIXES = list(sections.KEYWORDS) + [fold(k) for k in sections.KEYWORDS] + [
    "Công", "Công đoàn", "Cong doan", "Tông", "Múc", "Vệ", "Phân", "Ghi chép", "Trống", "Kinh", "Quốc", "Xã", "Văn",
    "Công an", "Tổng kết", "Cộng đồng", "Đoàn thanh niên", "Hội", "Chi bộ", "Đảng bộ", "I", "V", "X"]
CONTINUATIONS = [n for n in REAL_NAMES if n[0].isalpha()] + [fold(n) for n in REAL_NAMES if n[0].isalpha()]
# Names clerks write that open with a word of the signature block or the form's title.
CLERK_NAMES = ["Xác nhận của công an xã trong ngày", "Xác nhận của một cửa trả kết quả tại nhà",
               "Xác nhận hồ sơ trực tuyến", "Người tốt việc tốt",
               "Người cao tuổi làm kinh tế giỏi", "Lãnh đạo đơn vị gương mẫu đi đầu", "Đăng ký kết hôn trực tuyến",
               "Đăng ký tham gia mô hình tự quản", "Danh sách hộ nghèo được giúp đỡ", "Tổng hợp ý kiến cử tri qua Zalo"]
names = st.builds(
    # Some clerks type every name in capitals ("XÁC NHẬN CỦA CÔNG AN XÃ TRONG NGÀY").
    lambda name, caps: name.upper() if caps else name,
    st.one_of(
        st.sampled_from(REAL_NAMES),
        st.sampled_from(CLERK_NAMES),
        st.builds(lambda p, c: f"{p} {c[0].lower()}{c[1:]}", st.sampled_from(PREFIXES), st.sampled_from(CONTINUATIONS)),
    ),
    st.integers(0, 2).map(lambda n: n == 0),
)
model_rows = st.builds(
    lambda name, qty, build, scale: ["stt", name, qty, build, "Văn phòng", scale, "Quý IV/2023"],
    names,
    st.sampled_from([1, 2, "01", None]),
    st.sampled_from(["Tháng 5/2023", "Quý II/2023", "6 tháng đầu năm 2023"]),
    st.sampled_from(["Tập thể", "Cá nhân"]),
)


LINES_BETWEEN = [[None, "Ghi chú: mô hình dưới làm chung với Đoàn Thanh niên"], ["Lưu ý", "xem mô hình dưới"],
                 [None, "Người tổng hợp"], [None, "T/M BAN THƯỜNG VỤ"], [None, "Yên Bái, ngày 20 tháng 4 năm 2023"]]


@st.composite
def forms(draw):
    grid = [[TITLE], ["Đơn vị: Chi bộ A"], list(HEADER)]
    if draw(st.booleans()):
        grid.append(list(NUMBERING))
    if draw(st.booleans()):
        grid.append(list(TOTAL))
    model_at = []
    for roman, title in SECTIONS.values():
        grid.append([roman, title] if draw(st.booleans()) else [f"{roman.strip()}. {title}"])
        for i, row in enumerate(draw(st.lists(model_rows, max_size=5))):
            between = draw(st.integers(0, 4)) == 0
            if between:  # a note or a signature-like line typed between rows
                grid.append(list(draw(st.sampled_from(LINES_BETWEEN))))
            model_at.append((len(grid) + 1, row[1]))
            # Stt left blank by some clerks; under a note only a numbered row is the form again.
            grid.append([i + 1 if between or draw(st.integers(0, 3)) else None, *row[1:]])
        if draw(st.booleans()):
            grid.append([None, "Mô hình….", " ", " "])
    if draw(st.booleans()):
        grid += [list(r) for r in NOTES]
    return grid, model_at


@hsettings(max_examples=200, deadline=None)
@given(forms())
def test_every_model_row_of_a_real_looking_form_comes_back_as_an_entry(form):
    grid, model_at = form
    r = read(grid)
    assert [e.row for e in r.entries] == [row for row, _ in model_at]
    assert [e.name for e in r.entries] == [clean(name) for _, name in model_at]
    accounted = sorted([e.row for e in r.entries] + [s.row for s in r.skipped_rows])
    non_empty = [i + 1 for i, row in enumerate(grid) if any(str(c).strip() for c in row if c is not None)]
    assert accounted == non_empty
    assert {s.reason for s in r.skipped_rows} <= set(SKIP_REASONS)


# --- forms as clerks fill them (adversarial trial) -----------------------------------------------
def _rows(r):
    return [(e.row, e.name, e.field) for e in r.entries], [(s.row, s.reason) for s in r.skipped_rows]


def test_section_titles_numbered_or_worded_as_a_sentence_are_sections_and_set_the_field():
    grid = [H, [None, "1. Lĩnh vực kinh tế"], model(1, "Vận động nông dân trồng cây"),
            [None, "II- Quốc phòng, an ninh"], model(1, "Camera an ninh"),
            [None, "Mô hình thuộc lĩnh vực xây dựng hệ thống chính trị"], model(1, "Chi bộ số"),
            ["II", "Lĩnh vực văn hóa - xã hội: có 01 mô hình", 1], model(1, "Thư viện xanh"),
            # Lookalikes stay models.
            model(2, "Mô hình phát triển kinh tế"), model(3, "1. Kinh tế số")]
    entries, skipped = _rows(read(grid))
    assert entries == [(3, "Vận động nông dân trồng cây", "kinh_te"), (5, "Camera an ninh", "quoc_phong_an_ninh"),
                       (7, "Chi bộ số", "xay_dung_he_thong_chinh_tri"), (9, "Thư viện xanh", "van_hoa_xa_hoi"),
                       (10, "Mô hình phát triển kinh tế", "van_hoa_xa_hoi"), (11, "1. Kinh tế số", "van_hoa_xa_hoi")]
    assert skipped == [(1, "header"), (2, "section"), (4, "section"), (6, "section"), (8, "section")]


def test_the_signature_block_under_the_table_is_never_a_model():
    grid = [H, ["I", "Kinh tế"], model(1, "Vườn rau sạch"),
            [None, None, None, None, "Yên Bái, ngày 20 tháng 4 năm 2023"],
            [None, "Người lập biểu", None, None, "T/M BAN THƯỜNG VỤ"],
            [None, None, None, None, "BÍ THƯ"], [None, None, None, None, "(Đã ký)"],
            [None, "Nguyễn Văn A", None, None, "Trần Thị B"], [None, "Nơi nhận:\n- Như trên;\n- Lưu VP."]]
    r = read(grid)
    assert [e.name for e in r.entries] == ["Vườn rau sạch"]
    assert [s.reason for s in r.skipped_rows] == ["header", "section"] + ["notes"] * 6
    assert r.problems == []


def test_signature_lookalikes_and_a_bare_date_stay_what_they_are():
    grid = [H, ["I", "Kinh tế"], model(1, "Bí thư chi bộ gương mẫu"), model(2, "Người lập biểu mẫu điện tử"),
            model(3, "Nơi nhận hàng cứu trợ"), model(4, "Xác nhận thông tin cư trú"), model(5, "Bí thư"),
            [None, None, None, "ngày 16 tháng 4 năm 2023"], model(6, "Quỹ khuyến học")]
    r = read(grid)
    assert [e.row for e in r.entries] == [3, 4, 5, 6, 7, 9]
    assert [(s.row, s.reason) for s in r.skipped_rows][-1] == (8, "missing_name")


def test_a_name_wrapped_onto_the_next_row_is_one_model_with_a_warning():
    merged_down = [(6, 8, c, c + 1) for c in (0, 2, 3, 4, 5, 6)]  # Stt and data of row 7 merged over row 8
    grid = [H, ["I", "Kinh tế"], model(1, "Vận động đoàn viên tham gia"), [None, "xây dựng nông thôn mới"],
            model(2, "Tủ sách pháp luật"), [None, "Quỹ khuyến học"],
            model(3, "Lãnh đạo thực hiện chuyển đổi"), [None, "Số trong chi bộ"]]
    r = read_tab("Tab", grid, YEAR, merged_down)
    assert [(e.row, e.name) for e in r.entries] == [
        (3, "Vận động đoàn viên tham gia xây dựng nông thôn mới"), (5, "Tủ sách pháp luật"),
        # An upper-case line with nothing of its own may be a model of its own: read as one, with its errors.
        (6, "Quỹ khuyến học"), (7, "Lãnh đạo thực hiện chuyển đổi Số trong chi bộ")]
    assert [(s.row, s.reason) for s in r.skipped_rows][2:] == [(4, "continued"), (8, "continued")]
    warned = [(p.cell, p.severity) for p in r.problems if p.code == "name_continued"]
    assert warned == [("B4", "warning"), ("B8", "warning")]
    verdict = evaluate(unit(), r, campaign(), AS_OF)
    assert [e.mandatory for e in verdict.entries if e.row == 7] == ["chuyen_doi_so"]
    assert sum(e.counted for e in verdict.entries) == 2  # rows 3 and 5; row 6 has no data, row 7 is mandatory


def test_the_form_copied_twice_on_one_tab_says_so_and_its_title_and_header_are_header_rows():
    grid = [[TITLE], ["Đơn vị: Chi bộ A"], H, NUMBERING, ["I", "Kinh tế"], model(1, "Mô hình năm nay"), [],
            ["ĐĂNG KÝ XÂY DỰNG MỚI CÁC MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2022"], ["Đơn vị: Chi bộ A"],
            ["Stt", "Tên mô hình", "Số lượng", "Thời gian", None, "Địa điểm", "Quy mô"],
            [None, None, None, "Xây dựng", "Hoàn thành"], ["I", "Kinh tế"],
            model(1, "Mô hình năm trước", build="Tháng 5/2022", done="Tháng 12/2022")]
    r = read(grid)
    assert [e.row for e in r.entries] == [6, 13]
    assert [(s.row, s.reason) for s in r.skipped_rows][5:] == [
        (8, "header"), (9, "header"), (10, "header"), (11, "header"), (12, "section")]
    again = [p for p in r.problems if p.code == "repeated_header"]
    assert [(p.cell, p.severity) for p in again] == [("B10", "warning")]
    assert not any(p.code == "missing_name" for p in r.problems)


@pytest.mark.parametrize("between", [
    ["", "Ghi chú: mô hình này làm chung với Đoàn Thanh niên"],
    ["Ghi chú", "Mô hình trên làm chung với Công đoàn"],
    ["", "Người tổng hợp"],
    ["", "T/M BAN THƯỜNG VỤ"],
], ids=["note-in-name", "note-in-stt", "signature", "signature-caps"])
def test_a_note_or_signature_line_between_sections_never_swallows_the_models_below(between):
    """Everything below a "Ghi chú" or a signature line used to be notes: the unit looked short, silently."""
    grid = [H, ["I", "Kinh tế"], model(1, "Hũ gạo tình thương"), between, model(2, "Camera an ninh"),
            ["II", "Văn hóa - xã hội"], model(1, "Thư viện xanh"),
            ["", "Ghi chú:"], ["", "1. Đơn vị gửi về trước ngày 25/4/2023."], ["", "Người lập biểu"],
            ["", "Nguyễn Văn An"]]
    r = read_tab("x", grid, 2023)
    assert [(e.name, e.field) for e in r.entries] == [
        ("Hũ gạo tình thương", "kinh_te"), ("Camera an ninh", "kinh_te"), ("Thư viện xanh", "van_hoa_xa_hoi")]
    assert [(s.row, s.reason) for s in r.skipped_rows if s.row > 2] == [
        (4, "notes"), (6, "section"), (8, "notes"), (9, "notes"), (10, "notes"), (11, "notes")]


# --- models that looked like notes, a signature or a title (silent-loss trial) -------------------
@pytest.mark.parametrize("name", ["XÁC NHẬN CỦA CÔNG AN XÃ TRONG NGÀY", "LÃNH ĐẠO ĐƠN VỊ", "BÍ THƯ", "NGƯỜI TỔNG HỢP",
                                  "T/M chi đoàn thanh niên tình nguyện"])
def test_a_model_without_stt_named_like_a_signature_line_but_with_its_own_data_is_a_model(name):
    """It was a notes row with no word, and so was every model without an Stt below it."""
    grid = [H, ["I", "Kinh tế"], model(1, "Vườn rau sạch"), model(None, name), model(None, "Hũ gạo tình thương")]
    r = read(grid)
    assert [(e.row, e.name) for e in r.entries] == [(3, "Vườn rau sạch"), (4, name), (5, "Hũ gạo tình thương")]
    assert r.problems == []
    # A form with no Stt column at all.
    no_stt = [H[1:], ["Lĩnh vực kinh tế"], model(1, name)[1:], model(1, "Hũ gạo tình thương")[1:]]
    assert [e.name for e in read(no_stt).entries] == [name, "Hũ gạo tình thương"]


SIGNATURE_BLOCK = [[None, None, None, None, "Yên Bái, ngày 20 tháng 4 năm 2023"],
                   [None, "Người lập biểu", None, None, "T/M BAN THƯỜNG VỤ"], [None, None, None, None, "BÍ THƯ"],
                   [None, "Nguyễn Văn A", None, None, "Trần Thị B"]]


@pytest.mark.parametrize("above", [[[None, "Ghi chú: mô hình dưới làm chung với Đoàn Thanh niên"]], SIGNATURE_BLOCK,
                                   [["Ghi chú", "(2): Tên mô hình"], [None, "(3): Số lượng (1,2,3…)"]]],
                         ids=["ghi-chu", "signature-block", "seed-notes"])
def test_a_model_typed_below_a_note_or_the_signature_block_is_never_set_aside_without_a_word(above):
    grid = [H, ["I", "Kinh tế"], model(1, "Vườn rau sạch"), *above,
            model(None, "Hũ gạo tình thương"),  # its times and Quy mô, no Stt
            [4, "Quỹ khuyến học"],  # numbered, nothing filled in yet
            [None, "Trần Văn C"]]  # a name only: a signer as much as a model, left as notes
    n = len(above) + 3
    r = read(grid)
    assert [e.name for e in r.entries] == ["Vườn rau sạch"]
    assert [(s.row, s.reason) for s in r.skipped_rows][2:] == [(k, "notes") for k in range(4, n + 4)]
    warned = [p for p in r.problems if p.code == "model_in_notes"]
    assert [(p.cell, p.severity) for p in warned] == [(f"B{n + 1}", "warning"), (f"B{n + 2}", "warning")]
    assert "nằm dưới dòng ghi chú hoặc ký tên (dòng 4)" in warned[0].message
    assert "hãy ghi Stt" in warned[0].message and "Stt “4”" in warned[1].message
    assert [p.code for p in r.problems] == ["model_in_notes", "model_in_notes"]


def test_a_form_without_an_stt_column_goes_on_after_a_note_at_the_next_row_with_a_models_data():
    grid = [H[1:], ["Lĩnh vực kinh tế"], model(1, "Vườn rau sạch")[1:], ["Ghi chú: làm chung với Đoàn Thanh niên"],
            model(1, "Hũ gạo tình thương")[1:], model(1, "Quỹ khuyến học")[1:], ["Người lập biểu", None, None,
                                                                               "T/M BAN THƯỜNG VỤ"], ["Nguyễn Văn A"]]
    r = read(grid)
    assert [e.row for e in r.entries] == [3, 5, 6]
    assert [(s.row, s.reason) for s in r.skipped_rows][2:] == [(4, "notes"), (7, "notes"), (8, "notes")]
    assert r.problems == []


def test_a_note_line_with_a_models_data_is_said():
    grid = [H, ["I", "Kinh tế"], model(1, "Vườn rau sạch"), model(None, "Lưu ý: an toàn giao thông cho học sinh")]
    r = read(grid)
    assert [e.row for e in r.entries] == [3]
    assert [(p.code, p.cell) for p in r.problems] == [("model_in_notes", "B4")]
    assert "là dòng ghi chú hoặc ký tên" in r.problems[0].message


def test_a_model_with_data_above_a_second_copy_of_the_form_is_a_model_even_named_like_its_title():
    """A name like the form's title ("ĐĂNG KÝ … MÔ HÌNH …") or "Đơn vị: …" just above a repeated header was a
    header row with no word; with data of its own it is a model. The real title, alone on its row, stays a header."""
    for name in ["ĐĂNG KÝ THAM GIA MÔ HÌNH TỰ QUẢN", "Đơn vị: tổ tự quản kiểu mẫu"]:
        grid = [[TITLE], H, ["I", "Kinh tế"], model(1, "Vườn rau sạch"), model(None, name), [],
                ["ĐĂNG KÝ XÂY DỰNG MỚI CÁC MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2022"], H, ["I", "Kinh tế"],
                model(1, "Mô hình năm trước", build="Tháng 5/2022", done="Tháng 12/2022")]
        r = read(grid)
        assert [(e.row, e.name) for e in r.entries] == [(4, "Vườn rau sạch"), (5, name), (10, "Mô hình năm trước")]
        assert [(s.row, s.reason) for s in r.skipped_rows][3:] == [(7, "header"), (8, "header"), (9, "section")]
        assert [p.code for p in r.problems if p.severity == "error"] == []


def test_a_roman_numbered_title_worded_mo_hinh_ve_a_field_is_a_section():
    grid = [H, [None, "I. MÔ HÌNH VỀ KINH TẾ"], model(1, "Hũ gạo tình thương"),
            [None, "II. Mô hình về văn hóa - xã hội"], model(1, "Thư viện xanh"),
            # Without the roman numeral these are models' names, as they always were.
            model(2, "Mô hình về văn hóa xã hội ở khu dân cư"), model(3, "1. Mô hình về kinh tế số")]
    entries, skipped = _rows(read(grid))
    assert entries == [(3, "Hũ gạo tình thương", "kinh_te"), (5, "Thư viện xanh", "van_hoa_xa_hoi"),
                       (6, "Mô hình về văn hóa xã hội ở khu dân cư", "van_hoa_xa_hoi"),
                       (7, "1. Mô hình về kinh tế số", "van_hoa_xa_hoi")]
    assert skipped == [(1, "header"), (2, "section"), (4, "section")]

"""Every layout the issue lists, read by read_tab(title, rows, campaign_year)."""

from __future__ import annotations

from danvan_sheets.core.reader import read_tab
from tests.helpers_forms import HEADER, NUMBERING, TOTAL, YEAR, model, row_of, seed_form

KT, VH, QP, XD = "kinh_te", "van_hoa_xa_hoi", "quoc_phong_an_ninh", "xay_dung_he_thong_chinh_tri"
H = [h.strip() for h in HEADER]


def codes(reading):
    return [p.code for p in reading.problems]


def test_seed_form_to_the_letter():
    rows = {
        KT: [
            model(
                1,
                "Vận động, hỗ trợ hội viên và nhân dân vay vốn phát triển kinh tế",
                1,
                "Tháng 5/2023",
                "Phòng Tổng hợp",
                "Tập thể",
                "Tháng 12/2023",
            )
        ],
        VH: [
            model(1, "Cải tạo vệ sinh môi trường nông thôn", 2, "Quý II/2023", "Các chi bộ", "Cá nhân", "Quý IV/2023")
        ],
        QP: [model(1, "Camera an ninh", 1, "T5/2023", "Tổ bảo vệ", "tập thể", "12/2023")],
        XD: [
            model(
                1,
                "Chi bộ 5 tốt, đảng viên 5 tốt",
                "01",
                "6 tháng đầu năm 2023",
                "Chi bộ",
                "Tập thể",
                "6 tháng cuối năm 2023",
            )
        ],
    }
    grid = seed_form("Đảng bộ Cục Thuế", rows)
    # A row with data below the Ghi chú notes and no Stt is not counted, but it is said (model_in_notes).
    grid.append([None, "Mô hình ghi dưới phần ghi chú", 1, "5/2023", "Phòng", "Tập thể", "12/2023"])
    r = read_tab("Cục Thuế", grid, YEAR)

    assert r.declared_unit == "Đảng bộ Cục Thuế"
    assert r.header_row == row_of(grid, "Số lượng")
    assert [(e.field, e.name) for e in r.entries] == [
        (KT, "Vận động, hỗ trợ hội viên và nhân dân vay vốn phát triển kinh tế"),
        (VH, "Cải tạo vệ sinh môi trường nông thôn"),
        (QP, "Camera an ninh"),
        (XD, "Chi bộ 5 tốt, đảng viên 5 tốt"),
    ]
    kt, vh, qp, xd = r.entries
    assert kt.row == row_of(grid, "vay vốn") and kt.cells["name"] == f"B{kt.row}"
    assert (kt.quantity, kt.location, kt.scale) == (1, "Phòng Tổng hợp", "tap_the")
    assert kt.build.to_dict() == {"from": "2023-05", "to": "2023-05"}
    assert vh.quantity == 2 and vh.scale == "ca_nhan"
    assert vh.build.to_dict() == {"from": "2023-04", "to": "2023-06"}
    assert vh.done.to_dict() == {"from": "2023-10", "to": "2023-12"}
    assert xd.quantity == 1
    assert xd.build.to_dict() == {"from": "2023-01", "to": "2023-06"}
    assert xd.done.to_dict() == {"from": "2023-07", "to": "2023-12"}
    # Placeholders, numbering, Tổng số, notes: all silent; the row under the notes is not.
    assert [(p.code, p.severity, p.row) for p in r.problems] == [("model_in_notes", "warning", len(grid))]


def test_seed_form_empty_template_has_no_entries_and_no_problems():
    r = read_tab("Trống", seed_form("Chi bộ Bia", {}), YEAR)
    assert r.entries == []
    assert r.problems == []
    assert r.declared_unit == "Chi bộ Bia"


def test_form_offset_to_another_row_and_column():
    base = seed_form(None, {KT: [model(1, "Camera an ninh")], XD: [model(1, "Chi bộ số")]})
    shifted = [[None] * 4] * 5 + [[None, None, None] + list(r) for r in base]
    r = read_tab("Lệch", shifted, YEAR)
    assert [(e.field, e.name) for e in r.entries] == [(KT, "Camera an ninh"), (XD, "Chi bộ số")]
    e = r.entries[0]
    assert e.cells["name"] == f"E{row_of(shifted, 'Camera an ninh')}"
    assert e.cells["quantity"].startswith("F") and e.cells["done"].startswith("J")
    assert r.problems == []


def test_section_rows_in_capitals():
    grid = [
        H,
        ["I", "LĨNH VỰC PHÁT TRIỂN KINH TẾ"],
        model(1, "Vay vốn phát triển"),
        ["II.", "LĨNH VỰC VĂN HÓA - XÃ HỘI"],
        model(1, "Thôn văn hóa"),
        ["III", "LĨNH VỰC QUỐC PHÒNG - AN NINH"],
        model(1, "Móc khoá an ninh"),
        ["IV", "LĨNH VỰC XÂY DỰNG HỆ THỐNG CHÍNH TRỊ"],
        model(1, "Chi bộ số"),
    ]
    r = read_tab("Hoa", grid, YEAR)
    assert [e.field for e in r.entries] == [KT, VH, QP, XD]
    assert r.problems == []


def test_section_only_in_stt_column():
    grid = [
        H,
        ["I"],
        model(1, "Vay vốn phát triển"),
        ["II"],
        model(1, "Thôn văn hóa"),
        ["Lĩnh vực quốc phòng - an ninh"],
        model(1, "Camera an ninh"),
        ["IV. Xây dựng hệ thống chính trị"],
        model(1, "Chi bộ số"),
    ]
    r = read_tab("Stt", grid, YEAR)
    assert [(e.field, e.name) for e in r.entries] == [
        (KT, "Vay vốn phát triển"),
        (VH, "Thôn văn hóa"),
        (QP, "Camera an ninh"),
        (XD, "Chi bộ số"),
    ]
    assert r.problems == []


def test_section_roman_in_stt_and_title_in_name_column():
    grid = [
        H,
        ["I", "Lĩnh vực phát triển kinh tế"],
        model(1, "Vay vốn"),
        ["III", "Lĩnh vực quốc phòng - an ninh"],
        model(1, "2 phòng, 3 giữ"),
    ]
    r = read_tab("x", grid, YEAR)
    assert [(e.field, e.name) for e in r.entries] == [(KT, "Vay vốn"), (QP, "2 phòng, 3 giữ")]


def test_section_only_in_name_column():
    grid = [
        H,
        [None, "Lĩnh vực quốc phòng - an ninh"],
        model(1, "Camera an ninh"),
        [None, "Kinh tế"],
        model(1, "Vay vốn"),
        [None, "Văn hóa - xã hội"],
        model(1, "Thôn văn hóa"),
    ]
    r = read_tab("x", grid, YEAR)
    assert [(e.field, e.name) for e in r.entries] == [(QP, "Camera an ninh"), (KT, "Vay vốn"), (VH, "Thôn văn hóa")]


def test_model_names_that_mention_a_field_are_not_sections():
    grid = [H, ["I", "Kinh tế"], model(1, "Vận động, hỗ trợ hội viên và nhân dân vay vốn phát triển kinh tế"),
            model(2, "An ninh trật tự khu dân cư")]
    r = read_tab("x", grid, YEAR)
    assert [(e.field, e.name) for e in r.entries] == [
        (KT, "Vận động, hỗ trợ hội viên và nhân dân vay vốn phát triển kinh tế"),
        (KT, "An ninh trật tự khu dân cư"),
    ]


def test_section_title_merged_with_first_model_in_one_cell():
    # The seed's own quirk: "Lĩnh vực văn hóa - xã hội\n \tMô hình…." in one cell — here with a real model.
    grid = [
        H,
        NUMBERING,
        ["I", "Lĩnh vực phát triển kinh tế"],
        model(1, "Vay vốn"),
        [
            "II",
            "Lĩnh vực văn hóa - xã hội\n \tCải tạo phong tục tập quán lạc hậu",
            2,
            "Quý II/2023",
            "Các chi bộ",
            "Cá nhân",
            "Quý IV/2023",
        ],
        model(2, "Thôn văn hóa"),
    ]
    r = read_tab("x", grid, YEAR)
    assert [(e.field, e.name) for e in r.entries] == [
        (KT, "Vay vốn"),
        (VH, "Cải tạo phong tục tập quán lạc hậu"),
        (VH, "Thôn văn hóa"),
    ]
    merged = r.entries[1]
    assert merged.row == 5 and merged.cells["name"] == "B5"
    assert (merged.quantity, merged.location, merged.scale) == (2, "Các chi bộ", "ca_nhan")
    assert merged.build.to_dict() == {"from": "2023-04", "to": "2023-06"}
    assert r.problems == []


def test_no_numbering_and_no_total_row():
    grid = [
        ["Đơn vị: Chi bộ Bia"],
        H,
        ["I", "Kinh tế"],
        model(1, "Vay vốn"),
        ["II", "Văn hóa - xã hội"],
        model(1, "Thôn văn hóa"),
    ]
    r = read_tab("x", grid, YEAR)
    assert [(e.row, e.field) for e in r.entries] == [(4, KT), (6, VH)]
    assert r.problems == []


def test_numbering_and_total_rows_are_not_models():
    grid = [H, NUMBERING, TOTAL, [None, "Tổng cộng", 3], ["I", "Kinh tế"], model(1, "Vay vốn")]
    r = read_tab("x", grid, YEAR)
    assert [e.name for e in r.entries] == ["Vay vốn"]
    assert r.problems == []


def test_flat_table_with_field_column():
    head = [
        "Stt",
        "Lĩnh vực",
        "Tên mô hình",
        "Số lượng",
        "Thời gian xây dựng",
        "Địa điểm",
        "Quy mô",
        "Thời gian hoàn thành",
    ]
    def row(n, field, name):
        return [n, field, name, 1, "5/2023", "Phòng A", "Tập thể", "12/2023"]

    grid = [
        head,
        row(1, "Kinh tế", "Vay vốn"),
        row(2, "VHXH", "Thôn văn hóa"),
        row(3, "Quốc phòng - an ninh", "Camera an ninh"),
        row(4, "XDHTCT", "Chi bộ số"),
        row(5, "Linh tinh", "Mô hình lạ"),
    ]
    r = read_tab("flat", grid, YEAR)
    assert [(e.field, e.name) for e in r.entries] == [
        (KT, "Vay vốn"),
        (VH, "Thôn văn hóa"),
        (QP, "Camera an ninh"),
        (XD, "Chi bộ số"),
        (None, "Mô hình lạ"),
    ]
    assert r.entries[0].cells["name"] == "C2"
    assert [(p.code, p.cell) for p in r.problems] == [("invalid_field", "B6")]


def test_header_found_by_title_in_capitals():
    grid = [
        [
            "STT",
            "TÊN MÔ HÌNH",
            "SỐ LƯỢNG",
            "THỜI GIAN XÂY DỰNG",
            "ĐỊA ĐIỂM TRIỂN KHAI",
            "QUY MÔ THỰC HIỆN",
            "THỜI GIAN HOÀN THÀNH",
        ],
        ["I", "Kinh tế"],
        model(1, "Vay vốn"),
    ]
    r = read_tab("x", grid, YEAR)
    assert r.header_row == 1 and [e.name for e in r.entries] == ["Vay vốn"]
    assert r.problems == []


def test_header_found_without_diacritics_and_in_another_order():
    grid = [
        [
            "Ten mo hinh",
            "Stt",
            "so luong",
            "dia diem trien khai",
            "Thoi gian xay dung",
            "Thoi gian hoan thanh",
            "quy mo thuc hien",
        ],
        ["Lĩnh vực kinh tế", "I"],
        ["Vay vốn", 1, 3, "Phòng A", "5/2023", "12/2023", "Cá nhân"],
    ]
    r = read_tab("x", grid, YEAR)
    assert len(r.entries) == 1
    e = r.entries[0]
    assert (e.name, e.field, e.quantity, e.location, e.scale) == ("Vay vốn", KT, 3, "Phòng A", "ca_nhan")
    assert e.done.to_dict() == {"from": "2023-12", "to": "2023-12"}


def test_two_row_header_time_over_build_and_done():
    grid = [["Stt", "Tên mô hình", "Số lượng", "Thời gian", None, "Địa điểm triển khai", "Quy mô thực hiện"],
            [None, None, None, "Xây dựng", "Hoàn thành", None, None],
            ["I", "Kinh tế"], [1, "Vay vốn", 1, "Tháng 3/2023", "Quý IV/2023", "Phòng A", "Tập thể"]]
    r = read_tab("x", grid, YEAR)
    assert len(r.entries) == 1
    e = r.entries[0]
    assert e.row == 4 and e.build.to_dict() == {"from": "2023-03", "to": "2023-03"}
    assert e.done.to_dict() == {"from": "2023-10", "to": "2023-12"}
    assert r.problems == []


def test_tab_without_header_is_missing_header():
    r = read_tab("Ghi chép", [["Danh sách cán bộ"], ["Nguyễn Văn A", "Phó bí thư"], [1, 2, 3]], YEAR)
    assert r.entries == []
    assert [(p.code, p.severity, p.cell) for p in r.problems] == [("missing_header", "error", "A1")]


def test_completely_empty_tab_has_no_problem():
    assert read_tab("Trống", [], YEAR).problems == []
    assert read_tab("Trống", [[None, ""], []], YEAR).problems == []


def test_placeholders_in_all_forms_are_silent():
    grid = [
        H,
        ["I", "Kinh tế"],
        [1, "Mô hình…."],
        [2, "Mô hình...."],
        ["…", "…"],
        ["...", "..."],
        [3, "Mô hình ......", " ", " "],
        model(4, "Vay vốn"),
    ]
    r = read_tab("x", grid, YEAR)
    assert [e.name for e in r.entries] == ["Vay vốn"]
    assert r.problems == []

"""The units CSV and matching tabs to units."""

from __future__ import annotations

import unicodedata

import pytest

from danvan_sheets.core.reader import read_tab
from danvan_sheets.core.summary import build_report, match_tabs
from danvan_sheets.errors import ConfigError
from danvan_sheets.registry import load_units, parse_units
from tests.helpers_forms import AS_OF, MANDATORY_CDS, MANDATORY_HP, UNITS_CSV, YEAR, campaign, model, seed_form, unit


def test_units_csv_with_tab_column():
    units = parse_units(UNITS_CSV)
    assert [(u.code, u.type, u.tab) for u in units] == [
        ("DB-THUE", "dang_bo_co_so", ""),
        ("CB-BIA", "chi_bo_co_so", "Chi bộ Bia Sông Tiền"),
        ("DT-DOAN", "doan_the", "Đoàn Khối"),
    ]
    assert units[1].name == "Chi bộ Công ty CPTM Bia SG- Sông Tiền" and units[0].email == "vp.thue@example.vn"


def test_units_csv_with_bom_from_excel(tmp_path):
    p = tmp_path / "don-vi.csv"
    p.write_bytes(b"\xef\xbb\xbf" + UNITS_CSV.encode("utf-8"))
    units = load_units(p)
    assert [u.code for u in units] == ["DB-THUE", "CB-BIA", "DT-DOAN"]
    assert "\ufeff" not in units[0].code


def test_units_csv_without_bom_and_without_tab_column(tmp_path):
    p = tmp_path / "don-vi.csv"
    p.write_text(
        "ma_don_vi,ten_don_vi,loai_don_vi,email\nDB1,Đảng bộ Cục Thuế,Đảng bộ cơ sở,a@b.vn\n", encoding="utf-8"
    )
    (u,) = load_units(p)
    assert (u.code, u.name, u.type, u.tab) == ("DB1", "Đảng bộ Cục Thuế", "dang_bo_co_so", "")


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("Đảng bộ cơ sở", "dang_bo_co_so"),
        ("ĐẢNG BỘ CƠ SỞ", "dang_bo_co_so"),
        ("  dang   bo co so ", "dang_bo_co_so"),
        (unicodedata.normalize("NFD", "Đảng bộ cơ sở"), "dang_bo_co_so"),
        ("Chi bộ cơ sở", "chi_bo_co_so"),
        ("chi\u00a0bo co so", "chi_bo_co_so"),
        ("Đoàn thể khối", "doan_the"),
        ("Đoàn thể", "doan_the"),
        ("ĐOÀN THỂ", "doan_the"),
    ],
)
def test_unit_type_variants(kind, expected):
    (u,) = parse_units(f"ma_don_vi,ten_don_vi,loai_don_vi,email\nX1,Tên,{kind},a@b.vn\n")
    assert u.type == expected


def test_bad_unit_type_names_the_line():
    text = "ma_don_vi,ten_don_vi,loai_don_vi,email\nA,Đảng bộ A,Đảng bộ cơ sở,a@b.vn\nB,Hội B,Hội quần chúng,b@b.vn\n"
    with pytest.raises(ConfigError) as exc:
        parse_units(text)
    msg = str(exc.value)
    assert "dòng 3" in msg and "Hội quần chúng" in msg and "loai_don_vi" in msg


def test_missing_header_column_is_config_error():
    with pytest.raises(ConfigError, match="ten_don_vi"):
        parse_units("ma_don_vi,loai_don_vi,email\nA,Chi bộ cơ sở,a@b.vn\n")


def test_non_utf8_units_file(tmp_path):
    p = tmp_path / "u.csv"
    p.write_bytes("ma_don_vi,ten_don_vi,loai_don_vi,email\nA,Đảng bộ,Đảng bộ cơ sở,\n".encode("utf-16"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_units(p)


def _readings(*titles):
    grid = seed_form(None, {"kinh_te": [model(1, "Vay vốn"), model(2, "Camera an ninh")],
                            "xay_dung_he_thong_chinh_tri": [model(1, MANDATORY_CDS), model(2, MANDATORY_HP)]})
    return [(None, read_tab(t, grid, YEAR)) for t in titles]


@pytest.mark.parametrize("title", [
    "DB-THUE", "db-thue", "Đảng bộ Cục Thuế", "ĐẢNG BỘ CỤC THUẾ", "Dang bo Cuc Thue", "Đảng\u00a0bộ  Cục Thuế ",
    unicodedata.normalize("NFD", "Đảng bộ Cục Thuế"),
])
def test_tab_matches_by_code_or_name_insensitively(title):
    matched, unknown = match_tabs([unit("DB-THUE", "Đảng bộ Cục Thuế")], _readings(title))
    assert matched == {"DB-THUE": [0]} and unknown == []


def test_tab_matches_by_tab_value():
    u = unit("DT-DOAN", "Đoàn TNCS Hồ Chí Minh Khối Cơ quan và Doanh nghiệp tỉnh", "doan_the", tab="Đoàn Khối")
    matched, unknown = match_tabs([u], _readings("doan khoi"))
    assert matched == {"DT-DOAN": [0]} and unknown == []


def test_unknown_tabs_never_stop_the_run_and_reserved_tabs_are_not_unknown():
    units = [unit("DB-THUE", "Đảng bộ Cục Thuế"), unit("CB-BIA", "Chi bộ Bia", "chi_bo_co_so")]
    readings = _readings(
        "Đảng bộ Cục Thuế",
        "Sheet1",
        "Tổng hợp",
        "Hướng dẫn",
        "TONG HOP",
        "Cần bổ sung",
        "Lỗi nhập liệu",
        "Danh sách đơn vị",
    )
    report = build_report(units, readings, campaign(), AS_OF)
    assert report.unknown_tabs == ["Sheet1"]
    assert [v.status for v in report.units] == ["dat", "chua_dang_ky"]
    assert report.units[1].tab is None


def test_second_tab_for_same_unit_is_warned():
    report = build_report([unit()], _readings("DB-THUE", "Đảng bộ Cục Thuế"), campaign(), AS_OF)
    v = report.units[0]
    assert v.tab == "DB-THUE"
    assert [p.code for p in v.problems] == ["duplicate_tab"]
    assert report.unknown_tabs == ["Đảng bộ Cục Thuế"]


@pytest.mark.parametrize("first_line", [
    "Mã đơn vị,Tên đơn vị,Loại đơn vị,Email,Trang",
    "MÃ ĐƠN VỊ,TÊN ĐƠN VỊ,LOẠI ĐƠN VỊ,EMAIL,TRANG",
    "ma don vi,ten don vi,loai don vi,email,trang",
    unicodedata.normalize("NFD", "Mã đơn vị,Tên đơn vị,Loại đơn vị,E-mail,Tên trang"),
    " Mã  đơn\u00a0vị , Tên đơn vị,Loại đơn vị ,Email,Trang",
])
def test_units_csv_with_the_vietnamese_headers_an_excel_user_types(first_line):
    units = parse_units(
        first_line + "\nDB1,Đảng bộ Cục Thuế,Đảng bộ cơ sở,a@b.vn,Cục Thuế\nCB1,Chi bộ Bia,Chi bộ cơ sở,,\n"
    )
    assert [(u.code, u.name, u.type, u.email, u.tab) for u in units] == [
        ("DB1", "Đảng bộ Cục Thuế", "dang_bo_co_so", "a@b.vn", "Cục Thuế"),
        ("CB1", "Chi bộ Bia", "chi_bo_co_so", "", ""),
    ]


def test_units_csv_saved_with_semicolons_by_a_vietnamese_excel(tmp_path):
    p = tmp_path / "don-vi.csv"
    p.write_bytes(b"\xef\xbb\xbf" + "Mã đơn vị;Tên đơn vị;Loại đơn vị;Email;Trang\nDB1;Đảng bộ Sở NN, PTNT;Đảng bộ cơ "
                                    "sở;a@b.vn;\n".encode())
    (u,) = load_units(p)
    assert (u.code, u.name, u.type) == ("DB1", "Đảng bộ Sở NN, PTNT", "dang_bo_co_so")


def test_a_missing_column_is_named_both_ways():
    with pytest.raises(ConfigError) as exc:
        parse_units("Mã đơn vị,Loại đơn vị,Email\nA,Chi bộ cơ sở,a@b.vn\n")
    assert "thiếu cột ten_don_vi" in str(exc.value) and "Tên đơn vị" in str(exc.value)

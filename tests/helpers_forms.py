"""Building registration forms in memory (and on disk) the way the seed lays them out.

The seed's form (end of seed/000_712ca8d434552bf2.txt): a title, an optional
"Đơn vị:" line, the header, the (1)…(7) numbering row, the Tổng số row,
sections I–IV with their titles, model rows with placeholders, then Ghi chú
notes. `seed_form` reproduces it with real model rows filled in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from danvan_sheets.config import Settings, parse_settings
from danvan_sheets.core.model import Campaign, MandatoryModel, Unit

YEAR = 2023
AS_OF = dt.date(2023, 5, 2)

TITLE = "ĐĂNG KÝ XÂY DỰNG MỚI CÁC MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2023"
# The seed's header, including its stray trailing spaces and line breaks.
HEADER = [
    "Stt",
    "Tên mô hình ",
    "Số lượng",
    "Thời gian xây dựng",
    "Địa điểm \ntriển khai ",
    "Quy mô thực hiện",
    "Thời gian\nhoàn thành",
]
NUMBERING = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"]
TOTAL = [" ", "Tổng số", " ", " ", " ", " ", " "]
SECTIONS = {
    "kinh_te": ("I ", "Lĩnh vực phát triển kinh tế"),
    "van_hoa_xa_hoi": ("II", "Lĩnh vực văn hóa - xã hội"),
    "quoc_phong_an_ninh": ("III", "Lĩnh vực quốc phòng - an ninh"),
    "xay_dung_he_thong_chinh_tri": ("IV", "Lĩnh vực xây dựng hệ thống chính trị"),
}
NOTES = [
    ["Ghi chú", "(2): Tên mô hình (Trên từng lĩnh vực sau: KT; VHXH, QPAN, XDHTCT)"],
    [None, "(3): Số lượng (1,2,3…)"],
    [None, "(4): Thời gian xây dựng (tháng, quý)"],
    [None, "(5): Địa điểm triển khai (phòng, ban, bộ phận…)"],
    [None, "(6): Quy mô thực hiện (Cá nhân, tập thể)"],
    [None, "(7): Thời gian hoàn thành (tháng, quý)"],
]

# Real model names (domain-vi.md) and the two Khối-level models (seed section II).
REAL_NAMES = [
    "Cảnh sát thân thiện vì nhân dân phục vụ",
    "2 phòng, 3 giữ",
    "Vận động nhân dân lắp đặt camera an ninh",
    "Móc khoá an ninh",
    "Camera an ninh",
    "thôn văn hóa",
    "Cải tạo phong tục tập quán lạc hậu",
    "Cải tạo vệ sinh môi trường nông thôn",
    "Vận động, hỗ trợ hội viên và nhân dân vay vốn phát triển kinh tế",
    "Chính quyền thân thiện vì nhân dân phục vụ",
    "Dân vận khéo trong vùng đồng bào dân tộc thiểu số",
    "Xã bình yên, gia đình hòa thuận",
    "Dân vận khéo 1+10",
    "Dân vận số",
    "Chi bộ số",
    "tuyến đường hoa và đường cờ hoa kiểu mẫu",
    "Chi bộ 5 tốt, đảng viên 5 tốt",
    "Cán bộ, đảng viên dìu dắt quần chúng và cấp dưới",
    "Nâng bước em đến trường và con nuôi đồn biên phòng",
    "Vận động ngư dân giảm thiểu sử dụng rác thải nhựa đại dương",
    "Lãnh đạo thực hiện chuyển đổi số trong Đảng bộ Khối CQ&DN tỉnh",
    "Tuyên truyền, áp dụng thực hiện bộ tiêu chí cơ quan, đơn vị, doanh nghiệp hạnh phúc",
]
REAL_UNITS = [
    "Đảng bộ Cơ quan Tỉnh đoàn",
    "Đảng bộ Tòa án Nhân dân tỉnh",
    "Đảng bộ Sở VH-TT&DL",
    "Đảng bộ Sở NN& PTNT",
    "Đảng bộ Cục Thuế",
    "Chi bộ Công ty CPTM Bia SG- Sông Tiền",
    "Đoàn TNCS Hồ Chí Minh Khối Cơ quan và Doanh nghiệp tỉnh",
    "CĐCS Sở Tư Pháp tỉnh",
]
REAL_TEXTS = REAL_NAMES + REAL_UNITS + [
    "Phòng Tổng hợp", "Văn phòng Đảng ủy", "Toàn cơ quan", "Các chi bộ trực thuộc", "Ban Tuyên giáo",
    "Tháng 5/2023", "Quý II/2023", "6 tháng đầu năm 2023", "Cá nhân", "Tập thể",
    "Lĩnh vực phát triển kinh tế", "Lĩnh vực văn hóa - xã hội", "Lĩnh vực quốc phòng - an ninh",
    "Lĩnh vực xây dựng hệ thống chính trị",
]

MANDATORY_CDS = "Lãnh đạo thực hiện chuyển đổi số trong chi bộ"
MANDATORY_HP = "Tuyên truyền, áp dụng bộ tiêu chí cơ quan, đơn vị, doanh nghiệp hạnh phúc"


def model(
    stt: object,
    name: object,
    quantity: object = 1,
    build: object = "Tháng 5/2023",
    location: object = "Văn phòng Đảng ủy",
    scale: object = "Tập thể",
    done: object = "Tháng 12/2023",
) -> list[object]:
    """One model row in the seed's column order."""
    return [stt, name, quantity, build, location, scale, done]


def seed_form(
    unit_name: str | None, rows_by_field: dict[str, list[list[object]]], *, with_placeholders: bool = True
) -> list[list[object]]:
    """The seed's form to the letter, with `rows_by_field` filled in under sections I–IV.

    Model rows are those from `model()`. The seed's own quirk is kept: the
    title of section II and its first row share one cell ("…xã hội\\n Mô hình….").
    """
    grid: list[list[object]] = [[TITLE]]
    if unit_name is not None:
        grid.append([f"Đơn vị: {unit_name}"])
    grid += [[None] * 7, HEADER, NUMBERING, TOTAL]
    for field, (roman, title) in SECTIONS.items():
        models = rows_by_field.get(field, [])
        if field == "van_hoa_xa_hoi" and with_placeholders and not models:
            grid.append([roman, title + "\n \tMô hình….", " ", " ", " ", " ", " "])
        else:
            grid.append([roman, title, " ", " ", " ", " ", " "])
        grid += [list(r) for r in models]
        if with_placeholders:
            grid += [[len(models) + 1, "Mô hình….", " ", " ", " ", " ", " "], ["…", "…", " ", " ", " ", " ", " "]]
    grid += [list(r) for r in NOTES]
    return grid


def row_of(grid: list[list[object]], name: str) -> int:
    """1-based sheet row of the first row whose name cell contains `name`."""
    for i, r in enumerate(grid):
        if any(isinstance(c, str) and name in c for c in r):
            return i + 1
    raise AssertionError(f"{name!r} not in grid")


def settings(**campaign_overrides) -> Settings:
    """The seed's 2023 plan as a Settings object, built in memory (no file)."""
    data = {
        "campaign": {"year": 2023, "deadline": dt.date(2023, 4, 25), "count": "quantity",
                     "mandatory_counts_toward_minimum": False, **campaign_overrides},
        "quota": {"dang_bo_co_so": 2, "chi_bo_co_so": 1, "doan_the": 2},
        "mandatory": [
            {"key": "chuyen_doi_so", "name": "Lãnh đạo thực hiện chuyển đổi số", "keywords": ["chuyển đổi số"]},
            {"key": "co_quan_hanh_phuc", "name": "Cơ quan, đơn vị, doanh nghiệp hạnh phúc", "keywords": ["hạnh phúc"],
             "any_keywords": ["cơ quan", "đơn vị", "doanh nghiệp"]},
        ],
    }
    return parse_settings(data)


def campaign(**overrides) -> Campaign:
    return settings(**overrides).campaign


def campaign_with(mandatory: tuple[MandatoryModel, ...] | None = None, **kw) -> Campaign:
    base = campaign()
    from dataclasses import replace

    return replace(base, **({"mandatory": mandatory} if mandatory is not None else {}), **kw)


def unit(code: str = "DB-THUE", name: str = "Đảng bộ Cục Thuế", type_: str = "dang_bo_co_so", tab: str = "") -> Unit:
    return Unit(code=code, name=name, type=type_, email="vp@example.vn", tab=tab)


def write_xlsx(path: Path, tabs: dict[str, list[list[object]]]) -> Path:
    """One workbook, one tab per entry, cells written as given (text stays text)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in tabs.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    continue
                cell = ws.cell(row=r, column=c, value=v)
                if isinstance(v, str):
                    cell.data_type = "s"  # "=…" typed as text, as a unit's text cell would be
    wb.save(path)
    return path


UNITS_CSV = (
    "ma_don_vi,ten_don_vi,loai_don_vi,email,tab\n"
    "DB-THUE,Đảng bộ Cục Thuế,Đảng bộ cơ sở,vp.thue@example.vn,\n"
    "CB-BIA,Chi bộ Công ty CPTM Bia SG- Sông Tiền,Chi bộ cơ sở,cb.bia@example.vn,Chi bộ Bia Sông Tiền\n"
    "DT-DOAN,Đoàn TNCS Hồ Chí Minh Khối,Đoàn thể khối,doan@example.vn,Đoàn Khối\n"
)


# The smallest campaign config the CLI tests write to disk (one mandatory model); tests append
# their own sections ([retry], [cron] …) to it.
CAMPAIGN_TOML = """\
[campaign]
title = "Dân vận khéo"
year = 2023
deadline = 2023-04-25

[quota]
dang_bo_co_so = 2
chi_bo_co_so = 1
doan_the = 2

[[mandatory]]
key = "chuyen_doi_so"
name = "Lãnh đạo thực hiện chuyển đổi số"
keywords = ["chuyển đổi số"]
"""

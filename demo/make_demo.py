"""Generate the bundled demo data: demo/dang-ky-2023.xlsx and demo/don-vi.csv.

Run from the repository root:

    PYTHONPATH=. python demo/make_demo.py

Deterministic: no randomness, and the xlsx is re-zipped with fixed timestamps,
so two runs give byte-identical files. Every unit's tab shows a few of the
ways real registration forms come back (see demo/README.md for the list and
the verdict each unit is meant to get).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import unicodedata
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
try:
    from danvan_sheets.core.legacy import encode
except ImportError:  # run without PYTHONPATH=. or an installed package
    sys.path.insert(0, str(HERE.parent))
    from danvan_sheets.core.legacy import encode
# The seed's notes under "Ghi chú": the same text `danvan init` lays out.
from danvan_sheets.google.layout import NOTES as GHI_CHU  # noqa: E402

XLSX = HERE / "dang-ky-2023.xlsx"
CSV = HERE / "don-vi.csv"
FIXED_TIME = dt.datetime(2023, 4, 24, 8, 30, 0)

NBSP = "\u00a0"
ZWSP = "\u200b"

# ---------------------------------------------------------------------------
# Units (don-vi.csv). tab is set only where the tab title is a short form.
# ---------------------------------------------------------------------------
UNITS = [
    # code, name, loai_don_vi (typed variously on purpose), email, tab
    ("DB-CUCTHUE", "Đảng bộ Cục Thuế", "Đảng bộ cơ sở", "vanphong.cucthue@example.vn", ""),
    ("DB-VHTTDL", "Đảng bộ Sở VH-TT&DL", "Đảng bộ cơ sở", "dangbo.sovhttdl@example.vn", ""),
    ("DB-NNPTNT", "Đảng bộ Sở NN& PTNT", "dang bo co so", "vanphong.sonnptnt@example.vn", ""),
    ("DB-TOAAN", "Đảng bộ Tòa án Nhân dân tỉnh", "Đảng bộ cơ sở", "dangbo.toaan@example.vn", ""),
    ("DB-TINHDOAN", "Đảng bộ Cơ quan Tỉnh đoàn", "Đảng bộ cơ sở ", "vanphong.tinhdoan@example.vn", ""),
    ("DB-KHOBAC", "Đảng bộ Kho bạc Nhà nước tỉnh", "ĐẢNG BỘ CƠ SỞ", "dangbo.khobac@example.vn", ""),
    ("DB-DIENLUC", "Đảng bộ Công ty Điện lực tỉnh", "Đảng bộ cơ sở", "tochuc.dienluc@example.vn", ""),
    ("CB-BIASG", "Chi bộ Công ty CPTM Bia SG- Sông Tiền", "Chi bộ cơ sở", "chibo.biasg@example.vn", "CB Bia SG- Sông Tiền"),
    ("CB-TUPHAP", "Chi bộ Sở Tư pháp", "chi bo co so", "vanphong.sotuphap@example.vn", ""),
    ("CB-NHCSXH", "Chi bộ Ngân hàng CSXH tỉnh", "Chi bộ cơ sở", "chibo.nhcsxh@example.vn", ""),
    ("CB-TRUONGCT", "Chi bộ Trường Chính trị tỉnh", "Chi bộ cơ sở", "vanphong.truongchinhtri@example.vn", ""),
    ("CB-BUUDIEN", "Chi bộ Bưu điện tỉnh", "Chi bo co so", "chibo.buudien@example.vn", ""),
    ("CB-LMHTX", "Chi bộ Liên minh Hợp tác xã tỉnh", "Chi bộ cơ sở", "vanphong.lmhtx@example.vn", ""),
    ("DT-CDVC", "Công đoàn Viên chức tỉnh", "Đoàn thể khối", "congdoanvienchuc@example.vn", ""),
    ("DT-DOANTN", "Đoàn Thanh niên Khối", "Đoàn thể", "doanthanhnien.khoi@example.vn", "Đoàn TN Khối"),
    ("DT-CCB", "Hội Cựu chiến binh Khối", "đoàn thể khối", "hoiccb.khoi@example.vn", ""),
]

# ---------------------------------------------------------------------------
# The form, as the 2023 plan (seed) prints it.
# ---------------------------------------------------------------------------
TITLE = "ĐĂNG KÝ XÂY DỰNG MỚI CÁC MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2023"
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
ROMAN = ["I", "II", "III", "IV"]
SEED_TITLES = [
    "Lĩnh vực phát triển kinh tế",
    "Lĩnh vực văn hóa - xã hội",
    "Lĩnh vực quốc phòng - an ninh",
    "Lĩnh vực xây dựng hệ thống chính trị",
]
CAPS_TITLES = [
    "LĨNH VỰC KINH TẾ",
    "LĨNH VỰC VĂN HÓA - XÃ HỘI",
    "LĨNH VỰC QUỐC PHÒNG - AN NINH",
    "LĨNH VỰC XÂY DỰNG HỆ THỐNG CHÍNH TRỊ",
]
PLACEHOLDER = "Mô hình…."
ELLIPSIS = "…"
WIDTHS = [6, 52, 10, 18, 28, 16, 18]

# The two Khối-level models, as the plan words them.
M_CDS = "Lãnh đạo thực hiện chuyển đổi số trong Đảng bộ Khối CQ&DN tỉnh"
M_HP = "Tuyên truyền, áp dụng thực hiện bộ tiêu chí cơ quan, đơn vị, doanh nghiệp hạnh phúc"

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
BOLD = Font(bold=True)


def M(name, qty, build, loc, scale, done):
    """One model row: (Tên mô hình, Số lượng, Thời gian xây dựng, Địa điểm, Quy mô, Thời gian hoàn thành)."""
    return (name, qty, build, loc, scale, done)


def put(ws, row, col, value, *, text=None, box=True, align=WRAP, font=None):
    """Write one cell; `text` transforms strings (legacy font, NFD). '=...' stays a string."""
    if isinstance(value, str) and text is not None:
        value = text(value)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # typed text that happens to start with "=", not a formula
    if isinstance(value, dt.datetime):
        cell.number_format = "dd/mm/yyyy"
    if box:
        cell.border = BOX
    cell.alignment = align
    if font is not None:
        cell.font = font
    return cell


def set_widths(ws, left, widths=WIDTHS):
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(left + i)].width = w


def form_tab(
    wb,
    tab_title,
    unit_name,
    sections,
    *,
    top=1,
    left=1,
    pre=(),
    don_vi=True,
    numbering=True,
    total="sum",
    style="seed",
    titles=SEED_TITLES,
    quirk=None,
    leftover=(),
    ghi_chu=True,
    signature=None,
    text=None,
    name_text=None,
    merge_title=(),
    merge_down=(),
):
    """A tab laid out like the seed's registration form.

    sections: four lists of model rows (M(...)); an empty list gets the seed's
      placeholder rows "Mô hình….", "Mô hình….", "…".
    style: how section rows are written
      "seed"       Stt "I", title in the name column (the plan's own way)
      "caps_merge" "I. LĨNH VỰC KINH TẾ" in the Stt cell, merged across the row
      "caps_stt"   "I. LĨNH VỰC KINH TẾ" in the Stt cell only
      "name_only"  Stt blank, the whole title in the name column
    quirk: index of a section whose title and first model share one cell,
      separated by a newline, with the model's other cells on that row (seed quirk).
    leftover: indexes of filled sections that keep a trailing "…" placeholder row.
    text: applied to every string in the tab (TCVN3, NFD); name_text: only to
      the name column's strings below the header (VNI names column).
    merge_title: indexes of sections whose title cell is merged across the row (seed style).
    merge_down: indexes of sections whose models share one Địa điểm, Quy mô and Thời gian
      hoàn thành, typed on the first model and merged down over the others.
    """
    ws = wb.create_sheet(tab_title)
    ncol = len(HEADER)
    last_col = left + ncol - 1
    names = name_text or text
    r = top
    for line in pre:
        put(ws, r, left, line, text=text, box=False, font=BOLD, align=Alignment(vertical="center"))
        r += 1
    # Title and "Đơn vị:" line, merged across the form.
    put(ws, r, left, TITLE, text=text, box=False, font=Font(bold=True, size=13), align=CENTER)
    ws.merge_cells(start_row=r, start_column=left, end_row=r, end_column=last_col)
    ws.row_dimensions[r].height = 22
    r += 1
    if don_vi:
        line = don_vi if isinstance(don_vi, str) else f"Đơn vị: {unit_name}"
        put(ws, r, left, line, text=text, box=False, font=Font(italic=True, bold=True), align=CENTER)
        ws.merge_cells(start_row=r, start_column=left, end_row=r, end_column=last_col)
        r += 1
    r += 1  # a blank row before the table, as in the seed
    header_row = r
    for i, h in enumerate(HEADER):
        put(ws, r, left + i, h, text=text, font=BOLD, align=CENTER)
    ws.row_dimensions[r].height = 32
    r += 1
    if numbering:
        for i, h in enumerate(NUMBERING):
            put(ws, r, left + i, h, text=text, align=CENTER, font=Font(italic=True))
        r += 1
    total_row = None
    if total is not None:
        total_row = r
        for i in range(ncol):
            put(ws, r, left + i, " " if i not in (1, 2) else None)
        put(ws, r, left + 1, "Tổng số", text=text, font=BOLD, align=CENTER)
        r += 1
    first_data = r
    for s, rows in enumerate(sections):
        roman, title = ROMAN[s], titles[s]
        rows = list(rows)
        quirk_row = rows.pop(0) if quirk == s and rows else None
        # Section row.
        if style in ("caps_merge", "caps_stt"):
            put(ws, r, left, f"{roman}. {title}", text=text, font=BOLD, align=Alignment(vertical="center"))
            for i in range(1, ncol):
                put(ws, r, left + i, None)
            if style == "caps_merge":
                ws.merge_cells(start_row=r, start_column=left, end_row=r, end_column=last_col)
        elif style == "name_only":
            put(ws, r, left, None)
            put(ws, r, left + 1, title, text=names, font=BOLD)
            for i in range(2, ncol):
                put(ws, r, left + i, None)
        else:
            put(ws, r, left, roman + (" " if s == 0 else ""), text=text, font=BOLD, align=CENTER)
            if quirk_row is not None:
                put(ws, r, left + 1, f"{title}\n{quirk_row[0]}", text=names, font=BOLD)
                for i, v in enumerate(quirk_row[1:]):
                    put(ws, r, left + 2 + i, v, text=text, align=CENTER if i == 0 else WRAP)
                ws.row_dimensions[r].height = 32
            else:
                put(ws, r, left + 1, title, text=names, font=BOLD)
                for i in range(2, ncol):
                    put(ws, r, left + i, " ")
                if s in merge_title:
                    ws.merge_cells(start_row=r, start_column=left + 1, end_row=r, end_column=last_col)
        r += 1
        if not rows and quirk_row is None:
            for n, name in (("1", PLACEHOLDER), ("2", PLACEHOLDER), (ELLIPSIS, ELLIPSIS)):
                put(ws, r, left, n, align=CENTER)
                put(ws, r, left + 1, name, text=names)
                for i in range(2, ncol):
                    put(ws, r, left + i, " ")
                r += 1
            continue
        start_no = 2 if quirk_row is not None else 1
        first_model = r
        for n, row in enumerate(rows, start=start_no):
            put(ws, r, left, n, align=CENTER)
            put(ws, r, left + 1, row[0], text=names)
            for i, v in enumerate(row[1:]):
                put(ws, r, left + 2 + i, v, text=text, align=CENTER if i == 0 else WRAP)
            r += 1
        if s in merge_down and r - first_model > 1:
            for col in (left + 4, left + 5, left + 6):  # Địa điểm, Quy mô, Thời gian hoàn thành
                ws.merge_cells(start_row=first_model, start_column=col, end_row=r - 1, end_column=col)
        if s in leftover:
            put(ws, r, left, ELLIPSIS, align=CENTER)
            put(ws, r, left + 1, ELLIPSIS)
            for i in range(2, ncol):
                put(ws, r, left + i, " ")
            r += 1
    last_data = r - 1
    if total_row is not None:
        qty_col = get_column_letter(left + 2)
        value = f"=SUM({qty_col}{first_data}:{qty_col}{last_data})" if total == "sum" else total
        c = ws.cell(row=total_row, column=left + 2)
        c.value = value
        c.font = BOLD
        c.alignment = CENTER
    if ghi_chu:
        r += 1
        put(ws, r, left, "Ghi chú", text=text, box=False, font=Font(bold=True, italic=True))
        for k, note in enumerate(GHI_CHU):
            put(ws, r + k, left + 1, note, text=text, box=False, align=Alignment(vertical="center"))
        r += len(GHI_CHU)
    if signature:
        r += 1
        for k, line in enumerate(signature):
            put(ws, r + k, left + 4, line, text=text, box=False, align=CENTER, font=BOLD if k < 2 else None)
            ws.merge_cells(start_row=r + k, start_column=left + 4, end_row=r + k, end_column=last_col)
    set_widths(ws, left)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=left)
    ws.page_setup.orientation = "landscape"
    return ws


def flat_tab(wb, tab_title, unit_name, rows):
    """A flat table with a Lĩnh vực column instead of section rows."""
    ws = wb.create_sheet(tab_title)
    header = ["Stt", "Lĩnh vực", "Tên mô hình", "Số lượng", "Thời gian xây dựng",
              "Địa điểm triển khai", "Quy mô thực hiện", "Thời gian hoàn thành"]
    put(ws, 1, 1, TITLE, box=False, font=Font(bold=True, size=13), align=CENTER)
    ws.merge_cells("A1:H1")
    put(ws, 2, 1, f"Đơn vị: {unit_name}", box=False, font=Font(italic=True, bold=True), align=CENTER)
    ws.merge_cells("A2:H2")
    for i, h in enumerate(header):
        put(ws, 4, 1 + i, h, font=BOLD, align=CENTER)
    ws.row_dimensions[4].height = 32
    for n, (field, row) in enumerate(rows, start=1):
        r = 4 + n
        put(ws, r, 1, n, align=CENTER)
        put(ws, r, 2, field)
        put(ws, r, 3, row[0])
        for i, v in enumerate(row[1:]):
            put(ws, r, 4 + i, v, align=CENTER if i == 0 else WRAP)
    set_widths(ws, 1, [6, 20, 52, 10, 18, 28, 16, 18])
    ws.auto_filter.ref = f"A4:H{4 + len(rows)}"
    ws.freeze_panes = "A5"
    return ws


def tcvn3(s):
    return encode(s, "tcvn3")


def vni(s):
    return encode(s, "vni")


def nfd(s):
    return unicodedata.normalize("NFD", s)


def guide_tab(wb):
    ws = wb.create_sheet("Hướng dẫn")
    lines = [
        ("HƯỚNG DẪN ĐĂNG KÝ MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2023", True),
        ("(Kèm theo Kế hoạch của Ban Thường vụ Đảng ủy Khối cơ quan và doanh nghiệp tỉnh)", False),
        ("", False),
        ("1. Mỗi chi, đảng bộ cơ sở, đoàn thể khối điền vào trang tính mang tên đơn vị mình; không đổi tên trang tính.", False),
        ("2. Ghi mô hình theo từng lĩnh vực: KT; VHXH; QPAN; XDHTCT. Mỗi mô hình một dòng.", False),
        ("3. 100% đơn vị triển khai 02 mô hình cấp Đảng ủy Khối: “Lãnh đạo thực hiện chuyển đổi số trong Đảng bộ Khối "
         "cơ quan và doanh nghiệp tỉnh” và “Tuyên truyền, áp dụng thực hiện bộ tiêu chí cơ quan, đơn vị, doanh nghiệp hạnh phúc”.", False),
        ("4. Đảng bộ cơ sở và đoàn thể khối đăng ký ít nhất 02 mô hình; Chi bộ cơ sở đăng ký ít nhất 01 mô hình.", False),
        ("5. Thời gian xây dựng, thời gian hoàn thành ghi theo tháng hoặc quý, ví dụ: Tháng 5/2023, Quý II/2023.", False),
        ("6. Quy mô thực hiện ghi: Cá nhân hoặc Tập thể.", False),
        ("7. Gửi về Đảng ủy Khối (qua Ban Tuyên giáo) trước ngày 25/4/2023.", False),
        ("", False),
        ("Mọi vướng mắc liên hệ Ban Tuyên giáo Đảng ủy Khối.", False),
    ]
    for i, (line, bold) in enumerate(lines, start=1):
        c = ws.cell(row=i, column=1, value=line or None)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.font = Font(bold=bold, size=13 if i == 1 else 11)
    ws.column_dimensions["A"].width = 110
    return ws


# ---------------------------------------------------------------------------
# The units' tabs. Comments say what each one is meant to test.
# ---------------------------------------------------------------------------
SIGN_DB = ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "(Đã ký)", "Nguyễn Văn Hùng"]
SIGN_CB = ["T/M CHI ỦY", "BÍ THƯ", "(Đã ký)", "Trần Thị Thu Hà"]


def build_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    guide_tab(wb)

    # DB-CUCTHUE: the seed's form to the letter; tab titled with the unit code;
    # Tổng số as =SUM; the seed's quirk (section II title + first model in one cell);
    # a real date cell; "01". Own: 3. Verdict: đạt.
    form_tab(
        wb, "DB-CUCTHUE", "Đảng bộ Cục Thuế",
        [
            [M("Vận động, hỗ trợ doanh nghiệp sử dụng hóa đơn điện tử", 1, "Tháng 5/2023",
               "Phòng Tuyên truyền và Hỗ trợ người nộp thuế", "Tập thể", "Tháng 12/2023")],
            [M("Mô hình “Cơ quan văn hóa, xanh – sạch – đẹp”", 1, "Quý II/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023"),
             M(M_HP, 1, dt.datetime(2023, 6, 1), "Các phòng, ban, bộ phận", "Tập thể", "6 tháng cuối năm 2023")],
            [],
            [M(M_CDS, 1, "T5/2023", "Toàn cơ quan", "Tập thể", "T12/2023"),
             M("Dân vận khéo trong cải cách thủ tục hành chính thuế", "01", "Q3/2023",
               "Phòng Kê khai và Kế toán thuế", "Tập thể, cá nhân", "Quý IV/2023")],
        ],
        quirk=1, leftover=(0,), signature=SIGN_DB,
    )

    # DB-VHTTDL: header at row 6, column B; no numbering row; section rows in
    # CAPITALS merged across; doubled and trailing spaces; tab title with a doubled
    # and a trailing space; Tổng số typed as a number. Own: 3. Verdict: đạt.
    form_tab(
        wb, "Đảng bộ  Sở VH-TT&DL ", "Đảng bộ Sở VH-TT&DL",
        [
            [M("Phát triển du lịch  xanh, bản sắc gắn với bảo tồn di tích ", 1, "Tháng 4 - 6/2023",
               "Phòng Quản lý du lịch", "Tập thể", "Tháng 12/2023")],
            [M("Xây dựng câu lạc bộ văn nghệ quần chúng tại thôn văn hóa", 2, "Quý 2 năm 2023",
               "Phòng Quản lý văn hóa ", "Tập thể, cá nhân", "Quý 4 năm 2023"),
             M("Xây dựng cơ quan hạnh phúc", 1, "6 tháng đầu năm 2023", "Toàn cơ quan", "tập thể", "Năm 2023")],
            [],
            [M("Chuyển đổi số trong chi bộ", 1, "Tháng 5/2023", "Văn phòng Sở", "Tập thể", "tháng 09 năm 2023")],
        ],
        top=2, left=2, pre=["ĐẢNG BỘ SỞ VH-TT&DL"], don_vi="Đơn vị:  Đảng bộ Sở VH-TT&DL ",
        numbering=False, total=5, style="caps_merge", titles=CAPS_TITLES, ghi_chu=False,
    )

    # DB-NNPTNT: the whole tab typed in TCVN3 (.VnTime), header included; tab title
    # in lower case. No model "hạnh phúc"; one own row has no Thời gian hoàn thành.
    # Own: 2. Verdict: chưa đạt (missing the "hạnh phúc" model).
    form_tab(
        wb, "đảng bộ sở nn& ptnt", "Đảng bộ Sở NN& PTNT",
        [
            [M("Vận động, hỗ trợ hội viên và nhân dân vay vốn phát triển kinh tế", 1, "Tháng 5/2023",
               "Phòng Kế hoạch - Tài chính", "Tập thể", "Tháng 11/2023"),
             M("Hỗ trợ nông dân liên kết sản xuất chè theo chuỗi giá trị", 1, "Quý II/2023",
               "Chi cục Trồng trọt và Bảo vệ thực vật", "Tập thể", "Quý IV/2023")],
            [M("Cải tạo vệ sinh môi trường nông thôn", 1, "Tháng 3/2023", "Chi cục Phát triển nông thôn", "Tập thể", None)],
            [],
            [M(M_CDS, 1, "Quý II/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023")],
        ],
        total=4, text=tcvn3, signature=SIGN_DB,
    )

    # DB-TOAAN: names column typed in VNI; section titles only in the name column;
    # tab title with a no-break space. The "chuyển đổi số" row has no Địa điểm.
    # Own: 3. Verdict: chưa đạt (mandatory model row with an error).
    form_tab(
        wb, f"Đảng bộ Tòa án{NBSP}Nhân dân tỉnh", "Đảng bộ Tòa án Nhân dân tỉnh",
        [
            [],
            [M(M_HP, 1, "Quý III/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023")],
            [M("Cán bộ Tòa án thân thiện vì nhân dân phục vụ", 1, "Tháng 4/2023",
               "Phòng Tổ chức - Hành chính", "Cá nhân", "Tháng 12/2023")],
            [M(M_CDS, 1, "05/2023", None, "Tập thể", "12/2023"),
             M("Nâng cao chất lượng tiếp công dân, đối thoại với người dân", 2, "Quý II/2023",
               "Văn phòng", "Tập thể", "Quý IV/2023")],
        ],
        style="name_only", titles=[f"{ROMAN[i]}. {t}" for i, t in enumerate(SEED_TITLES)],
        name_text=vni, total="sum",
    )

    # DB-TINHDOAN: whole tab (and its title) in decomposed Unicode (NFD); one model
    # name repeated in two sections; "chuyen doi so trong chi bo" without diacritics.
    # Own: 2 (the repeat is not counted). Verdict: đạt.
    form_tab(
        wb, nfd("Đảng bộ Cơ quan Tỉnh đoàn"), "Đảng bộ Cơ quan Tỉnh đoàn",
        [
            [],
            [M("Nâng bước em đến trường", 1, "T5/2023", "Các phòng, ban, bộ phận", "Tập thể", "T12/2023"),
             M("Xây dựng cơ quan hạnh phúc", 1, "Tháng 6/2023", "Toàn cơ quan", "Tập thể", "Tháng 12/2023")],
            [M("Thanh niên tình nguyện vận động nhân dân lắp đặt camera an ninh", 1, "Q3/2023",
               "Ban Tổ chức - Kiểm tra", "Cá nhân", "Q4/2023")],
            [M("chuyen doi so trong chi bo", 1, "Quý II/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023"),
             M("Nâng bước em đến trường", 1, "Tháng 9/2023", "Các phòng, ban, bộ phận", "Tập thể", "Tháng 12/2023")],
        ],
        text=nfd, total="sum", signature=SIGN_DB,
    )

    # DB-KHOBAC: tab title in capitals; no numbering row, no Tổng số row, no "Đơn vị:"
    # line; "1.0"; "Quý III" without a year (a warning, still counted);
    # "Sắp tới" (unreadable: error). Own: 1. Verdict: chưa đạt (1 of 2).
    form_tab(
        wb, "ĐẢNG BỘ KHO BẠC NHÀ NƯỚC TỈNH", "Đảng bộ Kho bạc Nhà nước tỉnh",
        [
            [M("Dân vận khéo trong kiểm soát chi ngân sách nhà nước", "1.0", "Quý III",
               "Phòng Kiểm soát chi", "Tập thể", "Quý IV/2023")],
            [M(M_HP, 1, "Quý II/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023")],
            [],
            [M("Cán bộ, đảng viên dìu dắt quần chúng và cấp dưới", 1, "Sắp tới",
               "Các phòng, ban, bộ phận", "Cá nhân", "Tháng 12/2023"),
             M(M_CDS, 1, "Tháng 4/2023", "Toàn cơ quan", "Tập thể", "Tháng 12/2023")],
        ],
        don_vi=False, numbering=False, total=None,
    )

    # DB-DIENLUC: a flat table with a Lĩnh vực column; a date serial (45061 =
    # 15/05/2023) in a General cell; "- " before a name; a build time in 2022
    # (outside the year: a warning, still counted). Own: 4. Verdict: đạt.
    flat_tab(
        wb, "Đảng bộ Công ty Điện lực tỉnh", "Đảng bộ Công ty Điện lực tỉnh",
        [
            ("Kinh tế", M("Vận động khách hàng sử dụng điện an toàn, tiết kiệm, hiệu quả", 1, 45061,
                          "Phòng Kinh doanh", "Tập thể", "Tháng 12/2023")),
            ("VHXH", M("Thắp sáng đường quê", 2, "Quý II/2023", "Các Điện lực trực thuộc", "Tập thể",
                       "6 tháng cuối năm 2023")),
            ("Quốc phòng - an ninh", M("- Xây dựng tổ tự quản bảo vệ an ninh trật tự tại trạm biến áp", 1,
                                       "Tháng 3/2022", "Phân xưởng Vận hành lưới điện", "Tập thể", "Tháng 12/2023")),
            ("XDHTCT", M(M_CDS, 1, "Năm 2023", "Toàn Công ty", "Tập thể", "Năm 2023")),
            ("VHXH", M(M_HP, 1, "Quý 2 năm 2023", "Toàn Công ty", "Tập thể", "Quý IV/2023")),
        ],
    )

    # CB-BIASG: tab title is a short form (set in don-vi.csv); a name starting
    # with "=" stored as text; a zero-width space inside "Chuyển đổi số"; Tổng số
    # typed as 3 although the rows add up to 4. Own: 2. Verdict: đạt.
    form_tab(
        wb, "CB Bia SG- Sông Tiền", "Chi bộ Công ty CPTM Bia SG- Sông Tiền",
        [
            [M('=Mô hình "Dân vận khéo" 1+10', 1, "Tháng 5/2023", "Phòng Tổ chức - Hành chính", "Tập thể",
               "Tháng 12/2023")],
            [M("Xây dựng doanh nghiệp hạnh phúc", 1, "Quý III/2023", "Toàn Công ty", "Tập thể", "Quý IV/2023")],
            [M("Vận động người lao động “Đã uống rượu, bia – không lái xe”", 1, "Tháng 6/2023",
               "Các phòng, ban, bộ phận", "Cá nhân", "Tháng 12/2023")],
            [M(f"Chuyển đổi số{ZWSP} trong chi bộ", 1, "Tháng 5/2023", "Chi bộ", "Tập thể", "Tháng 12/2023")],
        ],
        total=3, leftover=(1, 2), signature=SIGN_CB,
    )

    # CB-TUPHAP: header at row 5; section rows "I. LĨNH VỰC ..." in the Stt cell only;
    # its only own model has Số lượng "x". Own: 0. Verdict: chưa đạt (0 of 1).
    sotuphap = [
        [],
        [M("Tuyên truyền, phổ biến pháp luật cho đồng bào dân tộc thiểu số", "x", "Tháng 6/2023",
           "Phòng Phổ biến, giáo dục pháp luật", "Tập thể", "Tháng 11/2023"),
         M(M_HP, 1, "Quý II/2023", "Toàn cơ quan", "Tập thể", "Quý IV/2023")],
        [],
        [M(M_CDS, 1, "Tháng 5/2023", "Toàn cơ quan", "Tập thể", "Tháng 12/2023")],
    ]
    form_tab(
        wb, "Chi bộ Sở Tư pháp", "Chi bộ Sở Tư pháp", sotuphap,
        top=2, style="caps_stt", titles=CAPS_TITLES, total="sum", signature=SIGN_CB,
    )
    # A copy of that tab (an older draft, Số lượng 1 and one more model) that
    # matches no unit: it must not be read as Chi bộ Sở Tư pháp's registration.
    draft = [list(s) for s in sotuphap]
    draft[1][0] = M("Tuyên truyền, phổ biến pháp luật cho đồng bào dân tộc thiểu số", 1, "Tháng 6/2023",
                    "Phòng Phổ biến, giáo dục pháp luật", "Tập thể", "Tháng 11/2023")
    draft[3].append(M("Chi bộ 5 tốt, đảng viên 5 tốt", 1, "Quý II/2023", "Chi bộ", "Tập thể", "Quý IV/2023"))
    form_tab(
        wb, "Bản sao của Chi bộ Sở Tư pháp", "Chi bộ Sở Tư pháp", draft,
        top=2, style="caps_stt", titles=CAPS_TITLES, total="sum",
    )

    # CB-NHCSXH: only the empty template (placeholders, nothing filled).
    # Verdict: chưa đăng ký (no model rows).
    form_tab(wb, "Chi bộ Ngân hàng CSXH tỉnh", "Chi bộ Ngân hàng CSXH tỉnh", [[], [], [], []], total=" ")

    # CB-TRUONGCT: header at row 7, column C; no numbering, no Tổng số; section titles
    # only in the name column, section IV worded as in the plan's body; no
    # "chuyển đổi số" model; one own row with Số lượng blank, one finishing before it
    # starts. Own: 1. Verdict: chưa đạt (missing the "chuyển đổi số" model).
    form_tab(
        wb, "Chi bộ Trường Chính trị tỉnh", "Chi bộ Trường Chính trị tỉnh",
        [
            [],
            [M("Xây dựng cơ quan hạnh phúc", 1, "Tháng 4/2023", "Toàn trường", "Tập thể", "Tháng 12/2023"),
             M("Nâng cao chất lượng giảng dạy gắn với thực tiễn cơ sở", 1, "Quý II/2023",
               "Các khoa, phòng", "Tập thể", "Quý IV/2023")],
            [],
            [M("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", None, "Năm 2023",
               "Các khoa, phòng", "Cá nhân", "Năm 2023"),
             M("Chi bộ 5 tốt, đảng viên 5 tốt", 1, "Tháng 10/2023", "Chi bộ", "Tập thể, cá nhân", "Tháng 6/2023")],
        ],
        top=2, left=3, pre=["ĐẢNG ỦY KHỐI CQ&DN TỈNH", "CHI BỘ TRƯỜNG CHÍNH TRỊ TỈNH"],
        numbering=False, total=None, style="name_only",
        titles=["Lĩnh vực phát triển kinh tế", "Lĩnh vực văn hóa - xã hội", "Lĩnh vực quốc phòng - an ninh",
                "Lĩnh vực xây dựng Đảng và hệ thống chính trị"],
    )

    # CB-BUUDIEN: merged cells. Section I's title is merged across the row; its two models
    # share one Địa điểm, Quy mô and Thời gian hoàn thành, typed once and merged down over
    # both. "+ " before a name; "Năm 2023"; "Tháng 4 - 6/2023". Own: 2. Verdict: đạt.
    form_tab(
        wb, "Chi bộ Bưu điện tỉnh", "Chi bộ Bưu điện tỉnh",
        [
            [M("+ Bưu điện đồng hành hỗ trợ người dân nộp hồ sơ dịch vụ công trực tuyến", 1, "Tháng 4 - 6/2023",
               "Các bưu cục", "Tập thể", "Tháng 12/2023"),
             M("Bưu điện văn hóa xã phục vụ người dân đọc sách, báo", 1, "Quý II/2023", None, None, None)],
            [M(M_HP, 1, "Năm 2023", "Toàn đơn vị", "Tập thể", "Năm 2023")],
            [],
            [M("Chuyển đổi số trong chi bộ", 1, "Quý II/2023", "Chi bộ", "Tập thể", "Quý IV/2023")],
        ],
        total="sum", signature=SIGN_CB, merge_title=(0,), merge_down=(0,),
    )

    # DT-CCB: the seed's layout; no-break spaces inside cells; Số lượng 2.
    # Own: 3. Verdict: đạt.
    form_tab(
        wb, "Hội Cựu chiến binh Khối", "Hội Cựu chiến binh Khối",
        [
            [M("Cựu chiến binh giúp nhau phát triển kinh tế", 2, f"Tháng{NBSP}5/2023",
               f"Các chi hội{NBSP}trực thuộc", "Tập thể", "Tháng 12/2023")],
            [M("Xây dựng cơ quan, đơn vị hạnh phúc", 1, "Quý II/2023", "Toàn Hội", "Tập thể", "Quý IV/2023")],
            [M("Mô hình “2 phòng, 3 giữ”", 1, "Quý 2 năm 2023", "Các chi hội trực thuộc", f"Tập{NBSP}thể",
               "Quý 4 năm 2023")],
            [M("Ứng dụng chuyển đổi số trong sinh hoạt chi hội", 1, "Tháng 6/2023", "Các chi hội trực thuộc",
               "Tập thể", "Tháng 12/2023")],
        ],
        total="sum",
    )

    # DT-CDVC: tab title in odd case; a model named "Công đoàn …" (not the total row "Cộng");
    # Tổng số =SUM; the "hạnh phúc" row has Quy mô
    # "Toàn thể" (invalid). Own: 3. Verdict: chưa đạt (mandatory model row with an error).
    form_tab(
        wb, "Công đoàn viên chức Tỉnh", "Công đoàn Viên chức tỉnh",
        [
            [M("Vận động đoàn viên tham gia khởi nghiệp, phát triển kinh tế hộ gia đình", 1, "Tháng 5/2023",
               "Các công đoàn cơ sở trực thuộc", "Tập thể", "Tháng 12/2023")],
            [M("Công đoàn cơ sở chăm lo mái ấm cho đoàn viên khó khăn", 1, "Quý II/2023", "Các công đoàn cơ sở trực thuộc",
               "Tập thể", "Quý IV/2023"),
             M(M_HP, 1, "Quý II/2023", "Toàn cơ quan", "Toàn thể", "Quý IV/2023")],
            [],
            [M(M_CDS, 1, "Tháng 6/2023", "Văn phòng", "Tập thể", "Tháng 12/2023"),
             M("Nâng cao chất lượng đối thoại giữa người đứng đầu với đoàn viên", 1, "Q3/2023",
               "Ban Thường vụ", "Tập thể", "Q4/2023")],
        ],
        total="sum", signature=["T/M BAN THƯỜNG VỤ", "CHỦ TỊCH", "(Đã ký)", "Lê Thị Minh Phương"],
    )

    # DT-DOANTN: tab title is a short form (set in don-vi.csv); header at row 6,
    # column B; Stt "I" with the title in capitals; trailing spaces; one own row
    # with Quy mô blank. Own: 2. Verdict: đạt.
    form_tab(
        wb, "Đoàn TN Khối", "Đoàn Thanh niên Khối",
        [
            [M("Thanh niên tình nguyện hỗ trợ người dân thực hiện dịch vụ công trực tuyến", 1, "Tháng 4/2023",
               "Các chi đoàn trực thuộc ", "Tập thể", "Tháng 10/2023")],
            [M("Hiến máu tình nguyện – giọt máu hồng", 1, "Quý II/2023", "Các chi đoàn trực thuộc",
               "Cá nhân", "Quý IV/2023"),
             M("Vận động đoàn viên giảm thiểu rác thải nhựa", 1, "Tháng 6/2023", "Toàn Đoàn Khối", None,
               "Tháng 12/2023"),
             M("Xây dựng cơ quan hạnh phúc", 1, "Tháng 5/2023", "Toàn cơ quan ", "Tập thể", "Tháng 12/2023")],
            [],
            [M("Tuổi trẻ Khối tiên phong chuyển đổi số", 1, "Quý II/2023", "Các chi đoàn trực thuộc",
               "Tập thể", "Quý IV/2023")],
        ],
        top=2, left=2, pre=["ĐOÀN TNCS HỒ CHÍ MINH KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH"],
        numbering=True, total=None, titles=CAPS_TITLES, ghi_chu=False,
    )

    # CB-LMHTX has no tab at all. Verdict: chưa đăng ký.

    wb.properties.creator = "Ban Tuyên giáo Đảng ủy Khối"
    wb.properties.title = "Đăng ký mô hình Dân vận khéo năm 2023"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def save_deterministic(wb: Workbook, path: Path) -> None:
    """Save, then re-zip with fixed timestamps so the file is byte-identical run to run."""
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


def write_units(path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["ma_don_vi", "ten_don_vi", "loai_don_vi", "email", "tab"])
        w.writerows(UNITS)


def main() -> None:
    save_deterministic(build_workbook(), XLSX)
    write_units(CSV)
    print(f"wrote {XLSX.relative_to(HERE.parent)} and {CSV.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()

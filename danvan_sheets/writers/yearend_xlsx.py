"""Year-end workbooks: the blank result forms sent to the units, and the year-end report.

Print-ready like the registration export: Times New Roman, A4 landscape, header rows repeated
on every page, "Trang x/y" in the footer. Unit text always lands as text (safe_text.put_cell).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from danvan_sheets.core.model import (
    FIELD_LABELS,
    FIELD_SHORT,
    FIELDS,
    UNIT_TYPE_LABELS,
    UNIT_TYPES,
    Report,
    UnitVerdict,
)
from danvan_sheets.core.results import (
    COUNT_KEYS,
    COUNT_LABELS,
    HEADER_DONE,
    HEADER_FIELD,
    HEADER_FIGURES,
    HEADER_NAME,
    HEADER_PROGRESS,
    HEADER_STT,
    HEADER_TOTAL,
    HEADER_WORDS,
    PROGRESS_LABELS,
    ReviewSettings,
    YearReview,
    criterion_header,
    registered_models,
)
from danvan_sheets.errors import SourceError
from danvan_sheets.writers.print_xlsx import print_setup, put, save_workbook, styles
from danvan_sheets.writers.safe_text import one_line

TITLE_ROWS = 3
HEADER_ROW = 4  # the header, then the (1)…(n) numbering row; both repeat on every printed page
UNIT_COLUMNS = 7  # Stt … Kết quả bằng số liệu: the unit's part; the criteria and Tổng điểm are the staff's


def form_title(title: str, year: int) -> str:
    return f"BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH “{title.upper()}” NĂM {year}"


def form_header(review: ReviewSettings) -> list[str]:
    return [HEADER_STT, HEADER_NAME, HEADER_FIELD, HEADER_DONE, HEADER_PROGRESS, HEADER_WORDS, HEADER_FIGURES,
            *(criterion_header(c) for c in review.criteria), HEADER_TOTAL]


def _title(ws, row: int, text: str, font, width: int, align) -> None:
    put(ws, row, 1, text, font, align)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


# --- the blank result form ----------------------------------------------------------------------

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
BLANK_ROWS = 3  # a unit with nothing registered still gets lines to write on


def tab_title(v: UnitVerdict, taken: set[str]) -> str:
    """The unit's name when it fits Excel's 31 characters (without the characters Excel refuses), else
    its code: either matches the unit, and the "Đơn vị:" line inside the tab names it in full anyway."""
    # one_line: a name pasted from Word may hold control characters, which neither a sheet title nor a file name can.
    name = _BAD_TITLE.sub("-", one_line(v.unit.name)).strip(" '")
    base = name if 0 < len(name) <= 31 else v.unit.code
    title, n = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def write_result_form(ws, v: UnitVerdict, review: ReviewSettings, title: str, year: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    s = styles()
    header = form_header(review)
    width = len(header)
    _title(ws, 1, form_title(title, year), s["title"], width, s["center"])
    put(ws, 2, 1, f"Đơn vị: {v.unit.name}", s["bold"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    _title(ws, 3, f"(Đơn vị ghi các cột ({UNIT_COLUMNS - 2})–({UNIT_COLUMNS}); các cột chấm điểm "
                  f"({UNIT_COLUMNS + 1})–({width}) do Ban Tuyên giáo Đảng ủy Khối ghi. Giữ nguyên tên mô hình "
                  "đã đăng ký.)", s["sub"], width, s["center"])
    widths = [6, 44, 14, 16, 16, 44, 24] + [13] * len(review.criteria) + [10]
    for c, (h, w) in enumerate(zip(header, widths, strict=True), start=1):
        staff = s["staff"] if c > UNIT_COLUMNS else None
        put(ws, HEADER_ROW, c, h, s["bold"], s["center"], s["border"], staff)
        put(ws, HEADER_ROW + 1, c, f"({c})", s["sub"], s["center"], s["border"], staff)
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.row_dimensions[HEADER_ROW].height = 64
    models = registered_models(v.entries)
    r = HEADER_ROW + 2
    lines = [[i, e.name, FIELD_SHORT.get(e.field or "", ""), e.done.label() if e.done else ""]
             for i, e in enumerate(models, start=1)] or [["", "", "", ""] for _ in range(BLANK_ROWS)]
    first = r
    for values in lines:
        for c in range(1, width + 1):
            value = values[c - 1] if c <= len(values) else None
            put(ws, r, c, value, s["body"], s["wrap"] if c in (2, 6, 7) else s["center"], s["border"],
                 s["staff"] if c > UNIT_COLUMNS else None)
        r += 1
    # A drop-down for Tiến độ: the three words the reader expects, typed the same way by every unit.
    dv = DataValidation(type="list", formula1='"' + ",".join(PROGRESS_LABELS.values()) + '"', allow_blank=True,
                        showErrorMessage=False)
    ws.add_data_validation(dv)
    dv.add(f"E{first}:E{r + 20}")
    r += 1
    put(ws, r, 1, "Ghi chú", s["bold"])
    notes = [f"(5): Tiến độ: {', '.join(PROGRESS_LABELS.values())}.",
             "(6): Kết quả đạt được: nêu ngắn gọn việc đã làm, chuyển biến, lợi ích mang lại.",
             "(7): Kết quả bằng số liệu: số người tham gia, số tiền, số việc, số hộ được giúp…",
             "Mô hình đăng ký thêm trong năm: ghi thêm dòng; tên phải trùng tên đã đăng ký."]
    for i, text in enumerate(notes):
        put(ws, r + i, 2, text, s["sub"])
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 2, column=3)
    print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW + 1}")


def write_result_templates(report: Report, review: ReviewSettings, out: str | Path) -> Path:
    """One workbook, a tab per unit, each pre-filled with the unit's registered models."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for v in report.units:
        write_result_form(wb.create_sheet(tab_title(v, taken)), v, review, report.campaign.title, report.campaign.year)
    if not report.units:
        raise SourceError("Không có đơn vị nào để lập biểu báo cáo kết quả. Hãy chỉ ra danh sách đơn vị (--units).")
    return save_workbook(wb, out, ".cuoi-nam-")


def write_result_template_files(report: Report, review: ReviewSettings, folder: str | Path) -> list[Path]:
    """A file per unit (for units that send their forms by e-mail or Zalo: the dir: source)."""
    from openpyxl import Workbook

    paths = []
    taken: set[str] = set()
    for v in report.units:
        wb = Workbook()
        name = tab_title(v, taken)
        write_result_form(wb.active, v, review, report.campaign.title, report.campaign.year)
        wb.active.title = "Báo cáo kết quả"
        paths.append(save_workbook(wb, Path(folder) / f"{name}.xlsx", ".cuoi-nam-"))
    return paths


# --- the year-end report ------------------------------------------------------------------------

SHEET_COUNTS = "Tổng hợp cuối năm"
SHEET_RECOGNISED = "Mô hình được công nhận"
SHEET_UNITS = "Theo đơn vị"
# Rows of the counts sheet, for the charts (and the tests) to point at.
COUNTS_TYPE_HEADER = 4
FIELD_TABLE_TITLE = 11
FIELD_TABLE_HEADER = 12


def _field_rows() -> range:
    return range(FIELD_TABLE_HEADER + 1, FIELD_TABLE_HEADER + 1 + len(FIELDS))


def write_counts(ws, year: YearReview, title: str, compiled_at: dt.datetime) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    s = styles()
    r = year.review
    width = 1 + len(COUNT_KEYS)
    _title(
        ws, 1, f"TỔNG HỢP KẾT QUẢ THỰC HIỆN MÔ HÌNH “{title.upper()}” NĂM {year.year}", s["title"], width, s["center"]
    )
    crit = "; ".join(f"{c.name} {c.points:g}" for c in r.criteria)
    _title(ws, 2, f"Chấm theo thang {r.total_points:g} điểm ({crit}); công nhận mô hình đạt từ {r.pass_mark:g} điểm. "
                  f"Số liệu lúc {compiled_at:%H:%M} ngày {compiled_at:%d/%m/%Y}.", s["sub"], width, s["center"])
    header = ["Loại đơn vị", *(COUNT_LABELS[k] for k in COUNT_KEYS)]
    for c, h in enumerate(header, start=1):
        put(ws, COUNTS_TYPE_HEADER, c, h, s["bold"], s["center"], s["border"])
        ws.column_dimensions[get_column_letter(c)].width = 30 if c == 1 else 14
    blocks = [(UNIT_TYPE_LABELS[t], year.totals["by_type"][t]) for t in UNIT_TYPES] + [
        ("Toàn Khối", year.totals["all"])
    ]
    for i, (label, b) in enumerate(blocks):
        row = COUNTS_TYPE_HEADER + 1 + i
        font = s["bold"] if label == "Toàn Khối" else s["body"]
        for c, v in enumerate([label, *(b[k]["all"] for k in COUNT_KEYS)], start=1):
            put(ws, row, c, v, font, s["wrap"] if c == 1 else s["center"], s["border"])
    a = year.totals["all"]
    put(ws, COUNTS_TYPE_HEADER + 5, 1, f"Số đơn vị: {a['units']} (đã báo cáo đủ {a['du']}, cần bổ sung "
                                        f"{a['can_bo_sung']}, chưa báo cáo {a['chua_bao_cao']}).", s["sub"])
    put(ws, FIELD_TABLE_TITLE, 1, "Theo lĩnh vực", s["bold"])
    for c, h in enumerate(["Lĩnh vực", *(COUNT_LABELS[k] for k in COUNT_KEYS)], start=1):
        put(ws, FIELD_TABLE_HEADER, c, h, s["bold"], s["center"], s["border"])
    for row, f in zip(_field_rows(), FIELDS, strict=True):
        label = FIELD_LABELS[f].removeprefix("Lĩnh vực ").capitalize()
        for c, v in enumerate([label, *(a[k]["by_field"][f] for k in COUNT_KEYS)], start=1):
            put(ws, row, c, v, s["body"], s["wrap"] if c == 1 else s["center"], s["border"])
    # A chart per field: its models registered → implemented → completed → recognised, side by side.
    anchor_row = _field_rows()[-1] + 3
    for i, row in enumerate(_field_rows()):
        chart = BarChart()
        chart.type = "col"
        chart.title = ws.cell(row=row, column=1).value
        chart.y_axis.title = "Mô hình"
        chart.add_data(Reference(ws, min_col=2, max_col=width, min_row=row), from_rows=True, titles_from_data=False)
        chart.set_categories(Reference(ws, min_col=2, max_col=width, min_row=FIELD_TABLE_HEADER))
        chart.legend = None
        chart.height, chart.width = 7, 12
        ws.add_chart(chart, f"{'A' if i % 2 == 0 else 'E'}{anchor_row + (i // 2) * 16}")
    print_setup(ws, None)


def write_recognised(ws, year: YearReview, title: str) -> None:
    s = styles()
    r = year.review
    header = ["Stt", "Tên mô hình", "Đơn vị", "Loại đơn vị", "Lĩnh vực", "Tiến độ", "Kết quả bằng số liệu", "Tổng điểm"]
    width = len(header)
    _title(ws, 1, f"DANH SÁCH MÔ HÌNH “{title.upper()}” NĂM {year.year} ĐƯỢC CÔNG NHẬN", s["title"], width, s["center"])
    _title(
        ws, 2, f"(Đạt từ {r.pass_mark:g}/{r.total_points:g} điểm; đề nghị khen thưởng)", s["sub"], width, s["center"]
    )
    for c, (h, w) in enumerate(zip(header, [6, 48, 32, 16, 18, 16, 30, 10], strict=True), start=1):
        from openpyxl.utils import get_column_letter

        put(ws, HEADER_ROW, c, h, s["bold"], s["center"], s["border"])
        ws.column_dimensions[get_column_letter(c)].width = w
    row = HEADER_ROW + 1
    for i, m in enumerate(year.recognised(), start=1):
        values = [
            i,
            m.name,
            m.unit.name,
            UNIT_TYPE_LABELS.get(m.unit.type, m.unit.type),
            FIELD_SHORT.get(m.field or "", ""),
            PROGRESS_LABELS.get(m.progress or "", ""),
            m.result.figures if m.result else "",
            m.total,
        ]
        for c, v in enumerate(values, start=1):
            put(ws, row, c, v, s["body"], s["wrap"] if c in (2, 3, 7) else s["center"], s["border"])
        row += 1
    put(ws, row + 1, 2, f"Tổng số: {row - HEADER_ROW - 1} mô hình", s["bold"])
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")


def write_units(ws, year: YearReview) -> None:
    from danvan_sheets.core.results import UNIT_STATUS_LABELS

    s = styles()
    header = ["Stt", "Đơn vị", "Loại đơn vị", *(COUNT_LABELS[k] for k in COUNT_KEYS), "Trạng thái", "Cần bổ sung"]
    _title(ws, 1, f"KẾT QUẢ BÁO CÁO CỦA TỪNG ĐƠN VỊ NĂM {year.year}", s["title"], len(header), s["center"])
    for c, (h, w) in enumerate(zip(header, [6, 36, 16, *([12] * len(COUNT_KEYS)), 16, 60], strict=True), start=1):
        from openpyxl.utils import get_column_letter

        put(ws, HEADER_ROW, c, h, s["bold"], s["center"], s["border"])
        ws.column_dimensions[get_column_letter(c)].width = w
    for i, u in enumerate(year.units, start=1):
        b = _unit_counts(u, year.review)
        values = [i, u.unit.name, UNIT_TYPE_LABELS.get(u.unit.type, u.unit.type), *(b[k] for k in COUNT_KEYS),
                  UNIT_STATUS_LABELS[u.status], " ".join(u.reasons)]
        for c, v in enumerate(values, start=1):
            put(ws, HEADER_ROW + i, c, v, s["body"], s["wrap"] if c in (2, len(header)) else s["center"], s["border"])
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")


def _unit_counts(u, review: ReviewSettings) -> dict[str, int]:
    from danvan_sheets.core.results import count_block

    b = count_block([u], review)
    return {k: b[k]["all"] for k in COUNT_KEYS}


def write_yearend_xlsx(year: YearReview, title: str, out: str | Path, compiled_at: dt.datetime) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_COUNTS
    write_counts(ws, year, title, compiled_at)
    write_recognised(wb.create_sheet(SHEET_RECOGNISED), year, title)
    write_units(wb.create_sheet(SHEET_UNITS), year)
    return save_workbook(wb, out, ".cuoi-nam-")

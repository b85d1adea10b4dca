"""The registration form laid out as a Google tab, as batchUpdate requests (no I/O here).

Row 1 title with the year, row 2 "Đơn vị:", row 4 header, row 5 (1)…(7), row 6
Tổng số (=SUM over Số lượng), sections I–IV with placeholder rows, then Ghi chú.
"""

from __future__ import annotations

from danvan_sheets.addresses import split_addresses
from danvan_sheets.core.model import FIELD_LABELS, FIELDS, FORM_HEADER, ROMAN, UNIT_TYPE_LABELS, Campaign, Unit
from danvan_sheets.core.periods import HINT
from danvan_sheets.core.tables import mandatory_label

HEADER = FORM_HEADER
WIDTHS = [50, 360, 80, 150, 220, 130, 150]
PLACEHOLDER_ROWS = 3
HEADER_ROWS = 6  # title … Tổng số: the staff's, protected from the units
NOTES = [
    "(2): Tên mô hình (Trên từng lĩnh vực sau: KT; VHXH, QPAN, XDHTCT)",
    "(3): Số lượng (1,2,3…)",
    "(4): Thời gian xây dựng (tháng, quý)",
    "(5): Địa điểm triển khai (phòng, ban, bộ phận…)",
    "(6): Quy mô thực hiện (Cá nhân, tập thể)",
    "(7): Thời gian hoàn thành (tháng, quý)",
]
SCALE_CHOICES = ["Cá nhân", "Tập thể"]
TIME_HINT = "Ghi theo tháng hoặc quý. " + HINT.split(", ví dụ: ")[-1].rstrip(".").join(["Ví dụ: ", "."])


def form_rows(unit: Unit, campaign: Campaign,
              carried: dict[str, list[list[object]]] | None = None) -> tuple[list[list[object]], dict]:
    """The form's cells, plus where things are: {"first_data": row index, "last_data": row index}.

    `carried`: field -> rows (7 cells) the unit keeps from last year (“duy trì”), written under
    their section before its placeholder rows, which go on numbering after them.
    """
    rows: list[list[object]] = [
        [f"ĐĂNG KÝ XÂY DỰNG MỚI CÁC MÔ HÌNH “{campaign.title.upper()}” NĂM {campaign.year}"],
        [f"Đơn vị: {unit.name}"],
        [],
        list(HEADER),
        [f"({i})" for i in range(1, 8)],
        ["", "Tổng số", None],
    ]
    first = len(rows)
    for field in FIELDS:
        rows.append([ROMAN[field], FIELD_LABELS[field]])
        kept = (carried or {}).get(field, [])
        rows += [list(r) for r in kept]
        for i in range(len(kept) + 1, len(kept) + PLACEHOLDER_ROWS + 1):
            rows.append([i, "Mô hình…."])
    last = len(rows) - 1
    rows.append([])
    rows.append(["Ghi chú", NOTES[0]])
    rows += [["", n] for n in NOTES[1:]]
    # Tổng số sums Số lượng like the paper form; inserted rows inside the range extend it.
    rows[5][2] = f"=SUM(C{first + 1}:C{last + 1})"
    return rows, {"first_data": first, "last_data": last}


def _cell(v: object, bold: bool = False, center: bool = False, wrap: bool = True) -> dict:
    value: dict[str, object]
    if isinstance(v, str) and v.startswith("="):
        value = {"formulaValue": v}
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        value = {"numberValue": v}
    else:
        value = {"stringValue": "" if v is None else str(v)}
    fmt: dict = {"wrapStrategy": "WRAP" if wrap else "OVERFLOW_CELL", "verticalAlignment": "MIDDLE"}
    if bold:
        fmt["textFormat"] = {"bold": True}
    if center:
        fmt["horizontalAlignment"] = "CENTER"
    return {"userEnteredValue": value, "userEnteredFormat": fmt}


def unit_tab_requests(sheet_id: int, unit: Unit, campaign: Campaign, index: int | None = None,
                      carried: dict[str, list[list[object]]] | None = None) -> list[dict]:
    """addSheet plus everything the form needs, for a tab that does not exist yet (see form_rows)."""
    rows, where = form_rows(unit, campaign, carried)
    first, last = where["first_data"], where["last_data"]
    cell_rows = []
    for ri, r in enumerate(rows):
        is_section = ri >= first and ri <= last and r and r[0] in ROMAN.values()
        bold = bool(ri in (0, 1, 3, 5) or is_section or (r and r[0] == "Ghi chú"))
        center = ri in (0, 3, 4)
        cell_rows.append({"values": [_cell(v, bold=bold, center=center, wrap=ri not in (0, 1)) for v in r]})
    props: dict = {"sheetId": sheet_id, "title": unit.tab or unit.name,
                   "gridProperties": {"rowCount": max(len(rows) + 20, 60), "columnCount": 8, "frozenRowCount": 5}}
    if index is not None:
        props["index"] = index
    reqs: list[dict] = [
        {"addSheet": {"properties": props}},
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": cell_rows,
                "fields": "userEnteredValue,userEnteredFormat",
            }
        },
        {
            "mergeCells": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": 0,
                    "endRowIndex": 1,
                    "startColumnIndex": 0,
                    "endColumnIndex": 7,
                },
                "mergeType": "MERGE_ALL",
            }
        },
        {
            "mergeCells": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": 1,
                    "endRowIndex": 2,
                    "startColumnIndex": 0,
                    "endColumnIndex": 7,
                },
                "mergeType": "MERGE_ALL",
            }
        },
        # Quy mô: a dropdown; not strict, so an old value typed differently is flagged by check, not refused.
        {
            "setDataValidation": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": first,
                    "endRowIndex": last + 1,
                    "startColumnIndex": 5,
                    "endColumnIndex": 6,
                },
                "rule": {
                    "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in SCALE_CHOICES]},
                    "inputMessage": "Chọn Cá nhân hoặc Tập thể.",
                    "strict": False,
                    "showCustomUi": True,
                },
            }
        },
    ]
    for col in (3, 6):
        # The Sheets API has no bare input hint: a never-failing custom formula carries the message.
        letter = "DG"[0 if col == 3 else 1]
        reqs.append(
            {
                "setDataValidation": {
                    "range": {
                        "sheetId": sheet_id,
                        "startRowIndex": first,
                        "endRowIndex": last + 1,
                        "startColumnIndex": col,
                        "endColumnIndex": col + 1,
                    },
                    "rule": {
                        "condition": {
                            "type": "CUSTOM_FORMULA",
                            "values": [{"userEnteredValue": f"=LEN({letter}{first + 1})>=0"}],
                        },
                        "inputMessage": TIME_HINT,
                        "strict": False,
                    },
                }
            }
        )
    for ci, w in enumerate(WIDTHS):
        reqs.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": ci, "endIndex": ci + 1},
            "properties": {"pixelSize": w}, "fields": "pixelSize"}})
    return reqs


def protection_descriptions(unit: Unit) -> tuple[str, str]:
    return (f"Trang của {unit.name}: chỉ đơn vị và Ban Tuyên giáo được sửa",
            f"Tiêu đề biểu mẫu của {unit.name}: chỉ Ban Tuyên giáo được sửa")


def locked_description(unit: Unit) -> str:
    """The unit tab's protection once `init --lock-after-deadline` (or aggregate) turned it staff-only."""
    return f"Trang của {unit.name}: đã khóa sau hạn đăng ký, chỉ Ban Tuyên giáo được sửa"


def unit_protection_requests(sheet_id: int, unit: Unit, staff: list[str], existing: set[str],
                             head_end: int = HEADER_ROWS) -> list[dict]:
    """The unit's tab editable by the unit and the staff; its first `head_end` rows (the title
    above the form's header) by the staff only, no such lock when head_end is 0."""
    tab_desc, head_desc = protection_descriptions(unit)
    reqs = []
    unit_editors = sorted({*staff, *split_addresses(unit.email)})  # the registry cell may list several
    # A tab locked after the deadline keeps its one protection: init never adds a unit-editable second one.
    if tab_desc not in existing and locked_description(unit) not in existing:
        reqs.append({"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": sheet_id}, "description": tab_desc, "warningOnly": False,
            "editors": {"users": unit_editors}}}})
    if head_desc not in existing and head_end > 0:
        reqs.append({"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": head_end}, "description": head_desc,
            "warningOnly": False, "editors": {"users": sorted(set(staff))}}}})
    return reqs


def staff_protection_request(sheet_id: int, title: str, staff: list[str]) -> dict:
    return {"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": sheet_id}, "description": staff_description(title), "warningOnly": False,
        "editors": {"users": sorted(set(staff))}}}}


def staff_description(title: str) -> str:
    return f"Trang “{title}”: chỉ Ban Tuyên giáo được sửa"


def guide_rows(campaign: Campaign) -> list[list[object]]:
    c = campaign
    rows: list[list[object]] = [
        [f"HƯỚNG DẪN ĐĂNG KÝ MÔ HÌNH “{c.title.upper()}” NĂM {c.year}"],
        [],
        [f"Hạn gửi đăng ký: ngày {c.deadline:%d/%m/%Y}. Mỗi đơn vị điền vào trang mang tên đơn vị mình, không sửa "
         "trang của đơn vị khác."],
        ["Chỉ tiêu (số mô hình tối thiểu, không kể hai mô hình bắt buộc cấp Khối):"],
    ]
    for t, label in UNIT_TYPE_LABELS.items():
        rows.append([f"  • {label}: ít nhất {c.quotas.get(t, 0):02d} mô hình, điển hình."])
    rows.append(["Mọi chi, đảng bộ cơ sở và đoàn thể khối triển khai hai mô hình cấp Đảng ủy Khối:"])
    for m in c.mandatory:
        when = f" (bắt buộc từ ngày {m.effective_from:%d/%m/%Y})" if m.effective_from else ""
        rows.append([f"  • {mandatory_label(m.key, m.name)}: “{m.name}”{when}."])
    rows += [
        [],
        ["Cách điền:"],
        ["  • Ghi mỗi mô hình một dòng, dưới đúng mục I–IV (kinh tế; văn hóa - xã hội; quốc phòng - an ninh; xây dựng "
         "hệ thống chính trị)."],
        ["  • Số lượng: một số nguyên dương (1, 2, 3…)."],
        [f"  • Thời gian xây dựng, thời gian hoàn thành: {TIME_HINT}"],
        ["  • Địa điểm triển khai: phòng, ban, bộ phận…; Quy mô thực hiện: chọn Cá nhân hoặc Tập thể."],
        ["  • Gõ chữ bằng Unicode (Unikey: bảng mã Unicode); không dùng phông .VnTime hay VNI."],
        ["  • Không sửa các dòng tiêu đề (đã khóa) và các trang Tổng hợp, Cần bổ sung, Lỗi nhập liệu."],
    ]
    return rows


def guide_requests(sheet_id: int, campaign: Campaign) -> list[dict]:
    rows = guide_rows(campaign)
    return [
        {
            "addSheet": {
                "properties": {
                    "sheetId": sheet_id,
                    "title": "Hướng dẫn",
                    "index": 0,
                    "gridProperties": {"rowCount": max(len(rows) + 10, 40), "columnCount": 4},
                }
            }
        },
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": [{"values": [_cell(v, bold=ri == 0, wrap=False) for v in r]} for ri, r in enumerate(rows)],
                "fields": "userEnteredValue,userEnteredFormat",
            }
        },
        {
            "updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                "properties": {"pixelSize": 900},
                "fields": "pixelSize",
            }
        },
    ]

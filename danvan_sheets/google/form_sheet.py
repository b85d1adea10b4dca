"""`danvan init --form-sheet`: a responses tab whose header is what `gsheet:MÃ#responses` reads.

A Google Form linked to a spreadsheet writes its answers into a tab it creates itself,
headed by the form's question titles. Laying the tab out first says exactly which
questions the Form must ask, in which order and under which titles (the same header
the reader finds), and gives the staff a place to type answers that came on paper,
with the same dropdowns the Form has.
"""

from __future__ import annotations

from danvan_sheets.core.model import FIELD_LABELS, FIELDS, SCALE_LABELS, Unit
from danvan_sheets.sources.form import HEADER, find_header

FORM_TAB = "Câu trả lời biểu mẫu"
_ROWS = 2000

# What each question is in the Form, for the printed instructions (Vietnamese UI names).
QUESTIONS = {
    "Đơn vị": "Menu thả xuống, bắt buộc: tên các đơn vị, đúng như danh sách đơn vị",
    "Lĩnh vực": "Trắc nghiệm, bắt buộc: " + "; ".join(FIELD_LABELS[f] for f in FIELDS),
    "Tên mô hình": "Câu trả lời ngắn, bắt buộc",
    "Số lượng": "Câu trả lời ngắn (số), mặc định 1",
    "Thời gian xây dựng": "Câu trả lời ngắn, ví dụ “Tháng 5/2023”, “Quý II/2023”",
    "Địa điểm triển khai": "Câu trả lời ngắn, bắt buộc",
    "Quy mô thực hiện": "Trắc nghiệm, bắt buộc: " + "; ".join(SCALE_LABELS.values()),
    "Thời gian hoàn thành": "Câu trả lời ngắn, ví dụ “Tháng 12/2023”",
}


def has_form_tab(metadata: dict, values: dict[str, list[list[object]]]) -> str | None:
    """The title of a tab already headed like a responses sheet, if any."""
    for s in metadata.get("sheets", []):
        title = s["properties"]["title"]
        if find_header(values.get(title, [])) is not None:
            return title
    return None


def _dropdown(sheet_id: int, col: int, choices: list[str], message: str) -> dict:
    # Not strict: a unit name typed on paper a little differently is reported by check, not refused.
    return {
        "setDataValidation": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": 1,
                "endRowIndex": _ROWS,
                "startColumnIndex": col,
                "endColumnIndex": col + 1,
            },
            "rule": {
                "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in choices]},
                "inputMessage": message,
                "strict": False,
                "showCustomUi": True,
            },
        }
    }


def form_tab_requests(sheet_id: int, units: list[Unit]) -> list[dict]:
    """addSheet with the header, frozen and bold, a date-time first column, and the Form's dropdowns."""
    header = [
        {
            "userEnteredValue": {"stringValue": h},
            "userEnteredFormat": {"textFormat": {"bold": True}, "wrapStrategy": "WRAP"},
        }
        for h in HEADER
    ]
    return [
        {
            "addSheet": {
                "properties": {
                    "sheetId": sheet_id,
                    "title": FORM_TAB,
                    "gridProperties": {"rowCount": _ROWS, "columnCount": len(HEADER), "frozenRowCount": 1},
                }
            }
        },
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": [{"values": header}],
                "fields": "userEnteredValue,userEnteredFormat",
            }
        },
        {
            "repeatCell": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": 1,
                    "endRowIndex": _ROWS,
                    "startColumnIndex": 0,
                    "endColumnIndex": 1,
                },
                "cell": {
                    "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME", "pattern": "dd/MM/yyyy HH:mm:ss"}}
                },
                "fields": "userEnteredFormat.numberFormat",
            }
        },
        _dropdown(sheet_id, HEADER.index("Đơn vị"), [u.name for u in units], "Chọn tên đơn vị."),
        _dropdown(sheet_id, HEADER.index("Lĩnh vực"), [FIELD_LABELS[f] for f in FIELDS], "Chọn lĩnh vực."),
        _dropdown(
            sheet_id, HEADER.index("Quy mô thực hiện"), list(SCALE_LABELS.values()), "Chọn Cá nhân hoặc Tập thể."
        ),
    ]


def instructions() -> list[str]:
    """What to do in Google Forms, printed by init."""
    lines = ["Tạo Google Biểu mẫu với các câu hỏi theo đúng thứ tự và đúng tên dưới đây (tên câu hỏi thành tên cột):"]
    lines += [f"  {i}. {q} — {QUESTIONS[q]}" for i, q in enumerate(HEADER[1:], start=1)]
    lines.append(
        "Rồi trong biểu mẫu: Câu trả lời → Liên kết với Trang tính → Chọn bảng tính hiện có → bảng tính này. "
        "Google thêm một trang câu trả lời có cùng hàng tiêu đề; kiểm tra bằng "
        "danvan check --source gsheet:MÃ#responses."
    )
    return lines


def plan_form_sheet(
    client, key: str, metadata: dict, units: list[Unit], result, drop_default_sheet: bool = False
) -> list[dict]:
    """The requests that add the responses tab, or none when a tab is already headed like one (never touched)."""
    from danvan_sheets.sources.gsheet import batch_read

    titles = [s["properties"]["title"] for s in metadata.get("sheets", [])]
    existing = has_form_tab(metadata, batch_read(client, key, titles))
    if existing is None and FORM_TAB in titles:
        existing = FORM_TAB  # a tab of that name holds something else: left as it is
    if existing is not None:
        result.kept_tabs.append(existing)
        return []
    used = {s["properties"].get("sheetId", 0) for s in metadata.get("sheets", [])}
    sheet_id = next(i for i in range(2_000_001, 2_000_001 + len(used) + 1) if i not in used)
    reqs = form_tab_requests(sheet_id, units)
    result.added_tabs.append(FORM_TAB)
    if drop_default_sheet:
        # A spreadsheet just created comes with an empty "Sheet1" (sheetId 0).
        reqs += [
            {"deleteSheet": {"sheetId": 0}}
            for s in metadata.get("sheets", [])
            if s["properties"].get("sheetId", 0) == 0 and s["properties"]["title"] in ("Sheet1", "Trang tính1")
        ]
    return reqs

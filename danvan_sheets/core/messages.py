"""Vietnamese messages for every problem code: say what is wrong and what to write instead."""

from __future__ import annotations

import re

SCALE_HINT = "Hãy ghi “Cá nhân” hoặc “Tập thể”."
QTY_HINT = "Hãy ghi một số nguyên dương: 1, 2, 3…"
FIELD_HINT = "kinh tế; văn hóa - xã hội; quốc phòng - an ninh; xây dựng hệ thống chính trị"


def _short(value: object) -> str:
    if isinstance(value, bool):  # a checkbox cell: say it as the sheet shows it
        return "TRUE" if value else "FALSE"
    text = "" if value is None else str(value).strip()
    return text if len(text) <= 60 else text[:57] + "…"


MESSAGES = {
    "missing_quantity": lambda v: f"Chưa ghi số lượng, tạm tính là 1. {QTY_HINT}",
    "invalid_quantity": lambda v: f"Số lượng “{_short(v)}” không hợp lệ. {QTY_HINT}",
    "missing_location": lambda v: "Chưa ghi địa điểm triển khai. Hãy ghi nơi triển khai: phòng, ban, bộ phận…",
    "missing_scale": lambda v: f"Chưa ghi quy mô thực hiện. {SCALE_HINT}",
    "invalid_scale": lambda v: f"Quy mô “{_short(v)}” không hợp lệ. {SCALE_HINT}",
    "missing_name": lambda v: "Dòng có số liệu nhưng chưa có tên mô hình. Hãy ghi tên mô hình vào ô này.",
    "missing_field": lambda v: (
        f"Mô hình chưa thuộc lĩnh vực nào. Hãy đặt mô hình dưới một trong các mục I–IV ({FIELD_HINT})."
    ),
    "invalid_field": lambda v: f"Lĩnh vực “{_short(v)}” không rõ. Hãy ghi một trong: {FIELD_HINT}.",
    "missing_header": lambda v: (
        "Không tìm thấy dòng tiêu đề của biểu mẫu (Stt, Tên mô hình, Số lượng, Thời gian xây dựng…). "
        "Hãy giữ nguyên dòng tiêu đề theo mẫu."
    ),
    "missing_column": lambda v: (
        f"Biểu mẫu thiếu cột “{v}”. Hãy thêm lại cột này theo mẫu, các dòng mô hình chưa được tính."
    ),
    "duplicate_model": lambda v: f"Mô hình “{_short(v)}” đã ghi ở dòng trên; chỉ tính một lần. Hãy xóa dòng trùng.",
    "completion_before_build": lambda v: (
        "Thời gian hoàn thành sớm hơn thời gian bắt đầu xây dựng. Hãy kiểm tra lại tháng, quý, năm."
    ),
    "unreadable_tab": lambda v: (
        "Không đọc được trang này. Hãy kiểm tra lại biểu mẫu: giữ đúng dòng tiêu đề và các cột theo mẫu."
    ),
    "name_continued": lambda v: (
        "Dòng này chỉ có chữ ở cột Tên mô hình: đã hiểu là phần tiếp của tên mô hình ở dòng trên. "
        "Nếu đây là một mô hình riêng, hãy ghi Stt và đủ các cột."
    ),
    "model_in_notes": lambda v: (
        "Dòng nằm trong phần ghi chú, ký tên nhưng có tên và Stt hoặc số liệu như một mô hình: đã hiểu là ghi "
        "chú, chưa tính. Nếu đây là mô hình, hãy ghi Stt và đủ các cột, đặt trên phần ghi chú; nếu không, hãy xóa "
        "Stt, số liệu."
    ),
    "repeated_header": lambda v: (
        "Dòng tên cột lặp lại: trang này có hơn một biểu mẫu. "
        "Nếu đó là biểu mẫu năm khác, hãy xóa hoặc chuyển sang tệp khác."
    ),
    "duplicate_tab": lambda v: f"Đơn vị có nhiều hơn một trang tính; chỉ đọc trang “{v}”. Hãy xóa các trang thừa.",
}


def message(code: str, value: object = None) -> str:
    return MESSAGES[code](value)


# Codes documented in the README; periods.py writes its own messages for these.
PERIOD_CODES = ("missing_period", "invalid_period", "missing_year", "outside_year", "vague_period")
ERROR_CODES = {
    "invalid_quantity", "missing_location", "missing_scale", "invalid_scale", "missing_name",
    "missing_field", "invalid_field", "missing_header", "missing_column", "completion_before_build",
    "missing_period", "invalid_period", "unreadable_tab",
}


_PLAIN_ARG = re.compile(r"[\w.@:/+-]+")


def cli_arg(value: str) -> str:
    """`value` as it must be typed in a command the user copies: quoted if it holds spaces."""
    return value if _PLAIN_ARG.fullmatch(value) else '"' + value.replace('"', '\\"') + '"'

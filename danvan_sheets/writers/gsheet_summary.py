"""The three summary tabs written into the spreadsheet in one atomic spreadsheets:batchUpdate.

Google applies a batch all or nothing, so readers see the old summary or the new one,
never half. Values go as stringValue/numberValue only, never formulaValue, so text a
unit typed ("=HYPERLINK(…)") cannot run as a formula here. Nothing is sent when the
summary on the sheet already says the same thing.
"""

from __future__ import annotations

from danvan_sheets.core.tables import SUMMARY_SHEETS, TIME_MARK, Table, summary_title, table_grid
from danvan_sheets.writers.safe_text import GSHEET_CELL_MAX, WriteFailure, safe_table

_FIRST_ID = 710_000_001
_HEADER_BG = {"red": 0.85, "green": 0.88, "blue": 0.95}
STATUS_BG = {
    "dat": {"red": 0.78, "green": 0.94, "blue": 0.81},
    "chua_dat": {"red": 1.0, "green": 0.92, "blue": 0.61},
    "chua_dang_ky": {"red": 1.0, "green": 0.78, "blue": 0.81},
}
_WIDE = {
    "Đơn vị": 260,
    "Ghi chú": 420,
    "Cần bổ sung": 420,
    "Nội dung cần sửa": 480,
    "Giá trị": 200,
    "Trang tính": 220,
    "Email": 220,
}


def _value(v: object) -> dict:
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, (int, float)):
        return {"numberValue": v}
    return {"stringValue": "" if v is None else str(v)}


def _norm_row(row: list) -> list:
    out = []
    for v in row:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        out.append("" if v is None else v)
    while out and out[-1] == "":
        out.pop()
    return out


def _norm(grid: list[list]) -> list[list]:
    rows = [_norm_row(r) for r in grid]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _without_time(rows: list[list]) -> list[list]:
    """Row 1 minus its "— cập nhật lúc …" tail: a new title or deadline is a change, a new time is not."""
    if rows and rows[0] and isinstance(rows[0][0], str):
        return [[rows[0][0].split(TIME_MARK)[0]], *rows[1:]]
    return rows


def unchanged(current: list[list] | None, grid: list[list]) -> bool:
    """Same content apart from the compile time in the caption."""
    if current is None:
        return False
    return _without_time(_norm(current)) == _without_time(_norm(grid))


def _row_data(table: Table, grid: list[list]) -> list[dict]:
    width = max(len(r) for r in grid)
    status_by_row = {3 + i: s for i, s in enumerate(table.row_status)}
    rows = []
    for ri, r in enumerate(grid):
        cells = []
        for ci in range(width):
            v = r[ci] if ci < len(r) else None
            fmt: dict = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
            if ri == 0:
                fmt["textFormat"] = {"bold": True, "fontSize": 12}
                fmt["wrapStrategy"] = "OVERFLOW_CELL"
            elif ri == 2:
                fmt.update(textFormat={"bold": True}, backgroundColor=_HEADER_BG, horizontalAlignment="CENTER")
            elif (status := status_by_row.get(ri)) in STATUS_BG:
                fmt["backgroundColor"] = STATUS_BG[status]
            cells.append({"userEnteredValue": _value(v), "userEnteredFormat": fmt})
        rows.append({"values": cells})
    return rows


def summary_requests(tables: list[Table], sheets: dict[str, dict], current: dict[str, list[list]],
                     failures: list[WriteFailure] | None = None) -> list[dict]:
    """The batchUpdate body's requests, or [] when every summary tab is already up to date.

    `sheets`: title -> sheet properties from the metadata; `current`: title -> values read.
    Text goes through the writers' one safe-text helper (a control character or a cell over
    Google's size limit would make Google refuse the whole batch); a unit's row that still
    cannot be made into cells is replaced by a line naming its unit and cell, and added to `failures`.
    """
    tables = [safe_table(t, GSHEET_CELL_MAX, failures) for t in tables]
    grids = {t.title: table_grid(t) for t in tables}
    if all(t.title in sheets and unchanged(current.get(t.title), grids[t.title]) for t in tables):
        return []
    used = {p.get("sheetId", 0) for p in sheets.values()}
    next_id = _FIRST_ID
    requests: list[dict] = []
    for table in tables:
        grid = grids[table.title]
        need_rows, need_cols = len(grid) + 20, max(max(len(r) for r in grid), 10)
        props = sheets.get(table.title)
        if props is None:
            while next_id in used:
                next_id += 1
            sheet_id = next_id
            used.add(sheet_id)
            requests.append({"addSheet": {"properties": {
                "sheetId": sheet_id, "title": table.title,
                "gridProperties": {"rowCount": max(need_rows, 100), "columnCount": need_cols, "frozenRowCount": 3},
                "tabColor": {"red": 0.2, "green": 0.4, "blue": 0.8},
            }}})
        else:
            sheet_id = props.get("sheetId", 0)
            grid_props = props.get("gridProperties", {})
            rows, cols = grid_props.get("rowCount", 1000), grid_props.get("columnCount", 26)
            if rows < need_rows or cols < need_cols:
                requests.append(
                    {
                        "updateSheetProperties": {
                            "properties": {
                                "sheetId": sheet_id,
                                "gridProperties": {
                                    "rowCount": max(rows, need_rows),
                                    "columnCount": max(cols, need_cols),
                                },
                            },
                            "fields": "gridProperties.rowCount,gridProperties.columnCount",
                        }
                    }
                )
            # Clear the old summary first: the new one may be shorter.
            requests.append(
                {
                    "repeatCell": {
                        "range": {"sheetId": sheet_id},
                        "cell": {},
                        "fields": "userEnteredValue,userEnteredFormat",
                    }
                }
            )
            requests.append({"updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 3}},
                "fields": "gridProperties.frozenRowCount",
            }})
        requests.append({"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": _row_data(table, grid),
            "fields": "userEnteredValue,userEnteredFormat",
        }})
        for ci, h in enumerate(table.header):
            requests.append({"updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": ci, "endIndex": ci + 1},
                "properties": {"pixelSize": _WIDE.get(h, 90 if ci else 50)},
                "fields": "pixelSize",
            }})
    return requests


def write_summary(client, key: str, metadata: dict, current: dict[str, list[list]], tables: list[Table],
                  failures: list[WriteFailure] | None = None) -> bool:
    """Send the summary in one batchUpdate; False when there was nothing to change."""
    # Keyed by our canonical title: a summary tab retyped "TỔNG HỢP" is rewritten, not duplicated.
    sheets = {summary_title(s["properties"]["title"]) or s["properties"]["title"]: s["properties"]
              for s in metadata.get("sheets", [])}
    requests = summary_requests(tables, sheets, current, failures)
    if not requests:
        return False
    client.http_client.batch_update(key, {"requests": requests})
    return True


__all__ = ["write_summary", "summary_requests", "unchanged", "SUMMARY_SHEETS"]

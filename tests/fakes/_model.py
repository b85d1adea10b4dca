"""In-memory state of the fake: spreadsheets, sheets, cells; reading and writing values."""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from ._a1 import Bounds, RangeError, format_range, index_to_col, parse_cells, quote_title, split_sheet
from ._cells import Cell, evaluate, parse_raw, parse_user_entered, render

STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 501: "NOT_IMPLEMENTED",
    502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}
DEFAULT_MESSAGES = {
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Resource has been exhausted (e.g. check quota).",
    500: "Internal error encountered.",
    502: "The service is currently unavailable.",
    503: "The service is currently unavailable.",
    504: "The service is currently unavailable.",
}
VALUE_RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_RENDER_OPTIONS = ("SERIAL_NUMBER", "FORMATTED_STRING")


class ApiError(Exception):
    """Becomes a Google-style `{"error": {"code", "message", "status"}}` response."""

    def __init__(self, code: int, message: str | None = None, details: list | None = None):
        super().__init__(message)
        self.code = code
        self.message = message or DEFAULT_MESSAGES.get(code, "Request failed.")
        self.details = details

    def body(self) -> dict:
        err = {"code": self.code, "message": self.message, "status": STATUS_BY_CODE.get(self.code, "UNKNOWN")}
        if self.details:
            err["details"] = self.details
        return {"error": err}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def now_rfc3339() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int = 0
    row_count: int = 1000
    col_count: int = 26
    frozen_rows: int = 0
    frozen_cols: int = 0
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # 0-based (row, col)
    data_validation: dict[tuple[int, int], dict] = field(default_factory=dict)
    column_widths: dict[int, int] = field(default_factory=dict)  # 0-based column -> pixels
    row_heights: dict[int, int] = field(default_factory=dict)
    hidden_columns: set[int] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)
    merges: list[dict] = field(default_factory=list)  # GridRange dicts with sheetId
    conditional_formats: list[dict] = field(default_factory=list)
    borders: list[dict] = field(default_factory=list)
    basic_filter: dict | None = None
    extra_properties: dict = field(default_factory=dict)  # tabColor, hidden, rightToLeft ...
    extra_grid_properties: dict = field(default_factory=dict)  # hideGridlines ...

    def properties_json(self) -> dict:
        grid = {"rowCount": self.row_count, "columnCount": self.col_count}
        # frozen counts only appear when > 0 (WorksheetTest.test_freeze).
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        grid.update(self.extra_grid_properties)
        props = {"sheetId": self.sheet_id, "title": self.title, "index": self.index, "sheetType": "GRID",
                 "gridProperties": grid}
        props.update(copy.deepcopy(self.extra_properties))
        return props

    def cell(self, row: int, col: int) -> Cell:
        return self.cells.setdefault((row, col), Cell())

    def drop_outside_grid(self) -> None:
        inside = lambda key: key[0] < self.row_count and key[1] < self.col_count  # noqa: E731
        self.cells = {k: v for k, v in self.cells.items() if inside(k)}
        self.data_validation = {k: v for k, v in self.data_validation.items() if inside(k)}
        self.merges = [m for m in self.merges if m["endRowIndex"] <= self.row_count
                       and m["endColumnIndex"] <= self.col_count]


@dataclass
class Spreadsheet:
    id: str
    title: str
    sheets: list[Sheet]
    locale: str = "vi_VN"
    time_zone: str = "Asia/Ho_Chi_Minh"
    protected_ranges: list[dict] = field(default_factory=list)
    named_ranges: list[dict] = field(default_factory=list)
    permissions: list[dict] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    created_time: str = field(default_factory=now_rfc3339)
    modified_time: str = field(default_factory=now_rfc3339)
    extra_properties: dict = field(default_factory=dict)

    # ------------------------------------------------------------ lookup
    def sheet_by_title(self, title: str) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        lowered = title.lower()  # Google matches sheet names case-insensitively
        return next((s for s in self.sheets if s.title.lower() == lowered), None)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.index = i

    def touch(self) -> None:
        self.modified_time = now_rfc3339()

    # ------------------------------------------------------------ ranges
    def resolve(self, a1: str) -> tuple[Sheet, Bounds]:
        """Sheet and raw bounds of an A1 range; unknown tab -> 400 "Unable to parse range"."""
        try:
            title, cells = split_sheet(a1)
            if title is None:
                by_name = self.sheet_by_title(a1.strip())
                if by_name is not None:
                    return by_name, Bounds()
                return self.sheets[0], parse_cells(cells)
            sheet = self.sheet_by_title(title)
            if sheet is None:
                raise RangeError(a1)
            return sheet, (Bounds() if cells is None else parse_cells(cells))
        except RangeError:
            raise bad_request(f"Unable to parse range: {a1}") from None

    def read_bounds(self, a1: str) -> tuple[Sheet, int, int, int, int]:
        """Clip a read range to the grid (unbounded ends run to the last row/column)."""
        sheet, b = self.resolve(a1)
        r0, c0 = b.r0 or 0, b.c0 or 0
        r1 = min(sheet.row_count if b.r1 is None else b.r1, sheet.row_count)
        c1 = min(sheet.col_count if b.c1 is None else b.c1, sheet.col_count)
        if r0 >= sheet.row_count or c0 >= sheet.col_count:
            raise bad_request(grid_limit_message(sheet, a1))
        return sheet, r0, r1, c0, c1

    def effective(self, sheet: Sheet, row: int, col: int, visiting: frozenset = frozenset()) -> Any:
        cell = sheet.cells.get((row, col))
        if cell is None:
            return None
        if cell.formula is None:
            return cell.value
        key = (sheet.sheet_id, row, col)
        if key in visiting:
            return "#REF!"
        return evaluate(cell.formula, lambda ref: self._ref_values(sheet, ref, visiting | {key}))

    def _ref_values(self, sheet: Sheet, ref: str, visiting: frozenset) -> list[Any]:
        target_title, cells = split_sheet(ref)
        target = sheet if target_title is None else self.sheet_by_title(target_title)
        if target is None or cells is None:
            return ["#REF!"]
        b = parse_cells(cells)
        r0, c0 = b.r0 or 0, b.c0 or 0
        r1 = min(target.row_count if b.r1 is None else b.r1, target.row_count)
        c1 = min(target.col_count if b.c1 is None else b.c1, target.col_count)
        keys = sorted(k for k in target.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1)
        if not keys and (r1 - r0) * (c1 - c0) == 1:
            return [None]
        return [self.effective(target, r, c, visiting) for r, c in keys]

    # ------------------------------------------------------------ values
    def read_values(self, a1: str, params: dict) -> dict:
        """A ValueRange exactly as values.get returns it."""
        sheet, r0, r1, c0, c1 = self.read_bounds(a1)
        major = params.get("majorDimension") or "ROWS"
        grid = self.rendered_grid(sheet, r0, r1, c0, c1, params)
        if major == "COLUMNS":
            grid = [list(col) for col in zip(*grid, strict=False)] if grid else []
        values = trim(grid)
        out = {"range": format_range(sheet.title, r0, r1, c0, c1), "majorDimension": major}
        if values:  # an empty range has no "values" key at all (test_get_all_values_date_time_render_options)
            out["values"] = values
        return out

    def rendered_grid(self, sheet: Sheet, r0: int, r1: int, c0: int, c1: int, params: dict) -> list[list]:
        value_render = params.get("valueRenderOption") or "FORMATTED_VALUE"
        date_render = params.get("dateTimeRenderOption") or "SERIAL_NUMBER"
        check_render_options(value_render, date_render)
        present = [(k, c) for k, c in sheet.cells.items() if r0 <= k[0] < r1 and c0 <= k[1] < c1]
        if not present:
            return []
        max_row = max(k[0] for k, _ in present)
        max_col = max(k[1] for k, _ in present)
        grid = [[""] * (max_col - c0 + 1) for _ in range(max_row - r0 + 1)]
        for (r, c), cell in present:
            eff = self.effective(sheet, r, c)
            grid[r - r0][c - c0] = render(cell, eff, value_render, date_render)
        return grid

    def write_values(self, a1: str, values: Any, input_option: str | None, major: str | None,
                     *, grow: bool = False, field_name: str = "data.values") -> dict:
        """values.update semantics; returns an UpdateValuesResponse (without spreadsheetId)."""
        check_input_option(input_option)
        rows = check_values(values, field_name)
        if major == "COLUMNS":
            width = max((len(r) for r in rows), default=0)
            rows = [[r[i] if i < len(r) else None for r in rows] for i in range(width)]
        sheet, b = self.resolve(a1)
        r0, c0 = b.r0 or 0, b.c0 or 0
        height, width = len(rows), max((len(r) for r in rows), default=0)
        if height == 0 or width == 0:
            end_r = b.r1 if b.r1 is not None else r0 + 1
            end_c = b.c1 if b.c1 is not None else c0 + 1
            return {"updatedRange": format_range(sheet.title, r0, min(end_r, sheet.row_count) or 1,
                                                 c0, min(end_c, sheet.col_count) or 1)}
        check_fits(a1, b, r0, c0, height, width)
        if grow:
            sheet.row_count = max(sheet.row_count, r0 + height)
            sheet.col_count = max(sheet.col_count, c0 + width)
        if r0 + height > sheet.row_count or c0 + width > sheet.col_count:
            raise bad_request(grid_limit_message(sheet, format_range(sheet.title, r0, r0 + height, c0, c0 + width)))
        parse = parse_user_entered if input_option == "USER_ENTERED" else parse_raw
        for i, row in enumerate(rows):
            for j, raw in enumerate(row):
                if raw is None:  # JSON null leaves the cell as it is
                    continue
                self.store_value(sheet, r0 + i, c0 + j, parse(raw))
        self.touch()
        return {
            "updatedRange": format_range(sheet.title, r0, r0 + height, c0, c0 + width),
            "updatedRows": height, "updatedColumns": width,
            "updatedCells": sum(len(r) for r in rows),
        }

    @staticmethod
    def store_value(sheet: Sheet, row: int, col: int, parsed: Cell) -> None:
        cell = sheet.cell(row, col)
        cell.value, cell.formula = parsed.value, parsed.formula
        if parsed.format.get("numberFormat"):
            cell.format["numberFormat"] = parsed.format["numberFormat"]
        elif cell.is_date and not isinstance(parsed.value, (int, float)):
            cell.format.pop("numberFormat", None)
        if cell.is_blank() and not cell.note and not cell.format:
            del sheet.cells[(row, col)]

    def clear_values(self, a1: str) -> str:
        sheet, r0, r1, c0, c1 = self.read_bounds(a1)
        for key in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
            cell = sheet.cells[key]
            cell.value, cell.formula = None, None
            if not cell.note and not cell.format:
                del sheet.cells[key]
        self.touch()
        return format_range(sheet.title, r0, r1, c0, c1)

    def append_values(self, a1: str, values: Any, input_option: str | None, major: str | None,
                      insert_option: str | None) -> dict:
        """values.append: find the table at the range, write below it, grow the sheet."""
        check_input_option(input_option)
        rows = check_values(values, "data.values")
        sheet, b = self.resolve(a1)
        r0, c0 = b.r0 or 0, b.c0 or 0
        single = b.r1 is not None and b.c1 is not None and b.r1 - r0 == 1 and b.c1 - c0 == 1
        c1 = sheet.col_count if (b.c1 is None or single) else b.c1
        # The "table" starts at the range's first row and runs down contiguous non-blank rows;
        # gspread's insert_rows relies on a blank first row being written in place.
        filled = {k[0] for k, cell in sheet.cells.items()
                  if k[0] >= r0 and c0 <= k[1] < c1 and not cell.is_blank()}
        start = r0
        while start in filled:
            start += 1
        out = {}
        if start > r0:
            table_c1 = max(k[1] for k, cell in sheet.cells.items()
                           if r0 <= k[0] < start and c0 <= k[1] < c1 and not cell.is_blank()) + 1
            out["tableRange"] = format_range(sheet.title, r0, start, c0, table_c1)
        if insert_option == "INSERT_ROWS" and start < sheet.row_count:
            shift_rows_or_cols(sheet, "ROWS", start, len(rows))
        target = f"{quote_title(sheet.title)}!{index_to_col(c0)}{start + 1}"
        out["updates"] = self.write_values(target, rows, input_option, major, grow=True)
        return out

    # ------------------------------------------------------------ metadata
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.id}/edit"

    def metadata(self, with_grid: bool = False, ranges: list[str] | None = None) -> dict:
        """spreadsheets.get, key order and optional keys as in the recordings."""
        wanted = self._sheets_for_ranges(ranges)
        sheets = []
        for sheet in self.sheets:
            if wanted is not None and sheet.sheet_id not in wanted:
                continue
            sheets.append(self._sheet_json(sheet, with_grid, (wanted or {}).get(sheet.sheet_id)))
        out = {"spreadsheetId": self.id, "properties": self.properties_json(), "sheets": sheets}
        if self.named_ranges:
            out["namedRanges"] = [proto3(copy.deepcopy(n)) for n in self.named_ranges]
        out["spreadsheetUrl"] = self.url()
        return out

    def properties_json(self) -> dict:
        props = {"title": self.title, "locale": self.locale, "autoRecalc": "ON_CHANGE", "timeZone": self.time_zone}
        props.update(copy.deepcopy(self.extra_properties))
        return props

    def _sheets_for_ranges(self, ranges: list[str] | None) -> dict | None:
        if not ranges:
            return None
        wanted: dict[int, list] = {}
        for a1 in ranges:
            sheet, r0, r1, c0, c1 = self.read_bounds(a1)
            wanted.setdefault(sheet.sheet_id, []).append((r0, r1, c0, c1))
        return wanted

    def _sheet_json(self, sheet: Sheet, with_grid: bool, boxes: list | None) -> dict:
        out: dict[str, Any] = {"properties": sheet.properties_json()}
        if with_grid:
            boxes = boxes or [(0, sheet.row_count, 0, sheet.col_count)]
            out["data"] = [self._grid_data(sheet, *box) for box in boxes]
        if sheet.conditional_formats:
            out["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
        mine = [p for p in self.protected_ranges if p["range"].get("sheetId", 0) == sheet.sheet_id]
        if mine:
            out["protectedRanges"] = [proto3(copy.deepcopy(p)) for p in mine]
        if sheet.basic_filter:
            out["basicFilter"] = proto3(copy.deepcopy(sheet.basic_filter))
        if sheet.merges:
            out["merges"] = [proto3(copy.deepcopy(m)) for m in sheet.merges]
        return out

    def _grid_data(self, sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> dict:
        data: dict[str, Any] = {}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        keys = [k for k in set(sheet.cells) | set(sheet.data_validation)
                if r0 <= k[0] < r1 and c0 <= k[1] < c1]
        if keys:
            last_row = max(k[0] for k in keys)
            rows = []
            for r in range(r0, last_row + 1):
                cols = [k[1] for k in keys if k[0] == r]
                values = [self.cell_data(sheet, r, c) for c in range(c0, max(cols) + 1)] if cols else []
                rows.append({"values": values} if values else {})
            data["rowData"] = rows
        data["rowMetadata"] = [{"pixelSize": sheet.row_heights.get(r, 21)} for r in range(r0, r1)]
        data["columnMetadata"] = [{"pixelSize": sheet.column_widths.get(c, 100)} for c in range(c0, c1)]
        return data

    def cell_data(self, sheet: Sheet, r: int, c: int) -> dict:
        from ._cells import extended_value, format_value

        cell = sheet.cells.get((r, c))
        out: dict[str, Any] = {}
        if cell is not None:
            eff = self.effective(sheet, r, c)
            if cell.formula is not None:
                out["userEnteredValue"] = {"formulaValue": cell.formula}
            elif cell.value not in (None, ""):
                out["userEnteredValue"] = extended_value(cell.value)
            if eff not in (None, ""):
                out["effectiveValue"] = extended_value(eff)
                out["formattedValue"] = format_value(cell, eff)
            if cell.format:
                out["userEnteredFormat"] = with_color_styles(cell.format)
            if cell.note:
                out["note"] = cell.note
        if (r, c) in sheet.data_validation:
            out["dataValidation"] = copy.deepcopy(sheet.data_validation[(r, c)])
        return out


# ---------------------------------------------------------------- helpers

# Colour fields of a CellFormat and their *Style twins (WorksheetTest.test_format): Google reads a
# colour back under both names, e.g. backgroundColor {...} and backgroundColorStyle {"rgbColor": {...}}.
_COLOR_TWINS = (("backgroundColor", "backgroundColorStyle"), ("foregroundColor", "foregroundColorStyle"),
                ("color", "colorStyle"))


def with_color_styles(fmt: dict) -> dict:
    """A stored userEnteredFormat as Google returns it: each RGB colour also under its *Style name
    (and a colour sent only as an rgbColor style also as the plain colour); borders' colours too."""
    out = copy.deepcopy(fmt)

    def twin(obj: dict) -> None:
        for plain, style in _COLOR_TWINS:
            if plain in obj and style not in obj:
                obj[style] = {"rgbColor": copy.deepcopy(obj[plain])}
            elif style in obj and plain not in obj and "rgbColor" in (obj[style] or {}):
                obj[plain] = copy.deepcopy(obj[style]["rgbColor"])

    twin(out)
    if isinstance(out.get("textFormat"), dict):
        twin(out["textFormat"])
    for side in (out.get("borders") or {}).values():
        if isinstance(side, dict):
            twin(side)
    return out

def trim(grid: list[list]) -> list[list]:
    """Google trims trailing blank cells per row and trailing blank rows; inner blank rows are []."""
    rows = []
    for row in grid:
        end = len(row)
        while end and row[end - 1] == "":
            end -= 1
        rows.append(row[:end])
    while rows and not rows[-1]:
        rows.pop()
    return rows


def proto3(obj: Any) -> Any:
    """Drop what proto3 JSON leaves out: nulls, false, empty lists, and sheetId 0.

    The addProtectedRange reply in the recordings omits `sheetId` 0, `description`,
    `warningOnly: false`, and empty editor lists (WorksheetTest.test_add_protected_range_normal).
    """
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if value is None or value is False or value == []:
                continue
            if key == "sheetId" and value == 0:
                continue
            out[key] = proto3(value)
        return out
    if isinstance(obj, list):
        return [proto3(v) for v in obj]
    return obj


def grid_limit_message(sheet: Sheet, a1: str) -> str:
    cells = a1.split("!")[-1]
    return (f"Range ('{sheet.title}'!{cells}) exceeds grid limits. "
            f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}")


def check_render_options(value_render: str, date_render: str) -> None:
    if value_render not in VALUE_RENDER_OPTIONS:
        raise bad_request(f"Invalid value at 'value_render_option' (type.googleapis.com/"
                          f"google.apps.sheets.v4.ValueRenderOption), \"{value_render}\"")
    if date_render not in DATE_RENDER_OPTIONS:
        raise bad_request(f"Invalid value at 'date_time_render_option' (type.googleapis.com/"
                          f"google.apps.sheets.v4.DateTimeRenderOption), \"{date_render}\"")


def check_input_option(option: str | None) -> None:
    if not option:
        raise bad_request("'valueInputOption' is required but not specified")
    if option not in ("RAW", "USER_ENTERED"):
        raise bad_request(f"Invalid value at 'value_input_option' (type.googleapis.com/"
                          f"google.apps.sheets.v4.ValueInputOption), \"{option}\"")


def check_values(values: Any, field_name: str) -> list[list]:
    """Reject non-list `values` the way Google does (WorksheetTest.test_add_validation, 400)."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise _list_value_error(field_name, values)
    for i, row in enumerate(values):
        if not isinstance(row, list):
            raise _list_value_error(f"{field_name}[{i}]", row)
    return values


def _list_value_error(field_name: str, value: Any) -> ApiError:
    message = (f"Invalid value at '{field_name}' (type.googleapis.com/google.protobuf.ListValue), "
               f"{json.dumps(value, ensure_ascii=False)}")
    details = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field_name, "description": message}]}]
    return ApiError(400, message, details)


def check_fits(a1: str, b: Bounds, r0: int, c0: int, height: int, width: int) -> None:
    single = b.r1 is not None and b.c1 is not None and b.r1 - r0 == 1 and b.c1 - c0 == 1
    if single:  # a single-cell range is just the start point
        return
    if b.r1 is not None and r0 + height > b.r1:
        raise bad_request(f"Requested writing within range [{a1}], but tried writing to row [{r0 + height}]")
    if b.c1 is not None and c0 + width > b.c1:
        raise bad_request(f"Requested writing within range [{a1}], but tried writing to column "
                          f"[{index_to_col(c0 + width - 1)}]")


def shift_rows_or_cols(sheet: Sheet, dimension: str, start: int, count: int) -> None:
    """Insert (count > 0) or delete (count < 0) rows/columns at `start`, moving what follows."""
    axis = 0 if dimension == "ROWS" else 1

    def move(key: tuple[int, int]) -> tuple[int, int] | None:
        pos = key[axis]
        if pos < start:
            return key
        if count < 0 and pos < start - count:
            return None
        moved = list(key)
        moved[axis] = pos + count
        return (moved[0], moved[1])

    sheet.cells = _remap(sheet.cells, move)
    sheet.data_validation = _remap(sheet.data_validation, move)
    sizes = sheet.row_heights if axis == 0 else sheet.column_widths
    remapped = {}
    for pos, size in sizes.items():
        new = move((pos, pos))
        if new is not None:
            remapped[new[axis]] = size
    sizes.clear()
    sizes.update(remapped)
    if axis == 0:
        sheet.row_count += count
    else:
        sheet.col_count += count
    sheet.merges = [m for m in (shift_grid_range(m, dimension, start, count) for m in sheet.merges) if m]


def _remap(mapping: dict, move) -> dict:
    out = {}
    for key, value in mapping.items():
        new = move(key)
        if new is not None:
            out[new] = value
    return out


def shift_grid_range(gr: dict, dimension: str, start: int, count: int) -> dict | None:
    lo, hi = ("startRowIndex", "endRowIndex") if dimension == "ROWS" else ("startColumnIndex", "endColumnIndex")
    if lo not in gr or hi not in gr:
        return gr
    a, b = gr[lo], gr[hi]
    if count > 0:
        if a >= start:
            a += count
        if b > start:
            b += count
    else:
        gone_end = start - count
        a = a if a < start else max(start, a + count if a >= gone_end else start)
        b = b if b <= start else (b + count if b >= gone_end else start)
        if b <= a:
            return None
    return {**gr, lo: a, hi: b}

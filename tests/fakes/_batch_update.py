"""spreadsheets.batchUpdate for the fake: one function per request kind.

Each handler gets (book, body, ctx) and returns the reply dict or None (reply `{}`).
The caller runs them against a deep copy, so a failing request leaves nothing applied.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ._cells import from_extended_value
from ._model import Sheet, Spreadsheet, proto3, shift_rows_or_cols


class RequestError(Exception):
    """Becomes `Invalid requests[i].kind: message`."""


class Context:
    def __init__(self, new_id: Callable[[], int], caller: str | None = None):
        self.new_id = new_id
        self.caller = caller  # the account the request comes from (FakeGoogle.caller_email)


# ---------------------------------------------------------------- field masks

def parse_mask(mask: str) -> list[list[str]]:
    """`a.b,c(d,e/f)` -> [["a","b"], ["c","d"], ["c","e","f"]]; `*` -> [["*"]]."""
    paths, _ = _parse_list(mask.replace(" ", ""), 0, [])
    return paths


def _parse_list(text: str, i: int, prefix: list[str]) -> tuple[list[list[str]], int]:
    paths: list[list[str]] = []
    while i < len(text):
        j = i
        while j < len(text) and text[j] not in ",()":
            j += 1
        path = prefix + [p for p in text[i:j].replace("/", ".").split(".") if p]
        if j < len(text) and text[j] == "(":
            sub, j = _parse_list(text, j + 1, path)
            paths.extend(sub)
            j += 1  # past ")"
        elif text[i:j]:
            paths.append(path)
        if j < len(text) and text[j] == ")":
            return paths, j
        i = j + 1  # past ","
    return paths, i


def filter_fields(obj: Any, mask: str | None) -> Any:
    """Apply a response `fields` mask (used for spreadsheets.get and Drive)."""
    if not mask:
        return obj
    tree: dict = {}
    for path in parse_mask(mask):
        if path == ["*"]:
            return obj
        node = tree
        for part in path:
            node = node.setdefault(part, {})
    return _filter(obj, tree)


def _filter(obj: Any, tree: dict) -> Any:
    if not tree:
        return obj
    if isinstance(obj, list):
        return [_filter(v, tree) for v in obj]
    if isinstance(obj, dict):
        return {k: _filter(v, tree[k]) for k, v in obj.items() if k in tree}
    return obj


def _get(obj: dict, path: list[str]) -> Any:
    for part in path:
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def _set(obj: dict, path: list[str], value: Any) -> None:
    for part in path[:-1]:
        obj = obj.setdefault(part, {})
    if value is None:
        obj.pop(path[-1], None)
    else:
        obj[path[-1]] = copy.deepcopy(value)


def _mask_paths(fields: str | None, source: dict) -> list[list[str]]:
    if not fields:
        raise RequestError("At least one field must be updated, but none were specified.")
    paths = parse_mask(fields)
    if paths == [["*"]]:
        return [[k] for k in source]
    return paths


# ---------------------------------------------------------------- grid ranges

def sheet_for(book: Spreadsheet, sheet_id: Any) -> Sheet:
    sheet = book.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise RequestError(f"No grid with id: {sheet_id or 0}")
    return sheet


def grid_bounds(book: Spreadsheet, gr: dict | None) -> tuple[Sheet, int, int, int, int]:
    gr = gr or {}
    sheet = sheet_for(book, gr.get("sheetId"))
    r0, c0 = gr.get("startRowIndex", 0), gr.get("startColumnIndex", 0)
    r1, c1 = gr.get("endRowIndex", sheet.row_count), gr.get("endColumnIndex", sheet.col_count)
    if r0 < 0 or c0 < 0 or r1 < r0 or c1 < c0:
        raise RequestError("Invalid range: start index must be less than or equal to end index.")
    if r1 > sheet.row_count or c1 > sheet.col_count:
        raise RequestError(_limit(sheet, r1, c1))
    return sheet, r0, r1, c0, c1


def _limit(sheet: Sheet, r1: int, c1: int) -> str:
    from ._a1 import index_to_col

    return (f"Range ('{sheet.title}'!{index_to_col(max(c1, 1) - 1)}{max(r1, 1)}) exceeds grid limits. "
            f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}")


def _normalized_range(book: Spreadsheet, gr: dict | None) -> dict:
    gr = dict(gr or {})
    gr["sheetId"] = sheet_for(book, gr.get("sheetId")).sheet_id
    return gr


# ---------------------------------------------------------------- sheets

def add_sheet(book: Spreadsheet, body: dict, ctx: Context) -> dict:
    props = copy.deepcopy(body.get("properties") or {})
    title = props.get("title") or _default_title(book)
    _check_title_free(book, title)
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = ctx.new_id()
    elif book.sheet_by_id(int(sheet_id)) is not None:
        raise RequestError(f"A sheet with the id {sheet_id} already exists. Please enter another id.")
    grid = props.get("gridProperties") or {}
    sheet = Sheet(sheet_id=int(sheet_id), title=title,
                  row_count=grid.get("rowCount", 1000), col_count=grid.get("columnCount", 26),
                  frozen_rows=grid.get("frozenRowCount", 0), frozen_cols=grid.get("frozenColumnCount", 0))
    _keep_extra(sheet, props)
    index = min(max(int(props.get("index", len(book.sheets))), 0), len(book.sheets))
    book.sheets.insert(index, sheet)
    book.reindex()
    return {"addSheet": {"properties": sheet.properties_json()}}


def _default_title(book: Spreadsheet) -> str:
    n = len(book.sheets) + 1
    while book.sheet_by_title(f"Sheet{n}") is not None:
        n += 1
    return f"Sheet{n}"


def _check_title_free(book: Spreadsheet, title: str, ignore: Sheet | None = None) -> None:
    existing = book.sheet_by_title(title)
    if existing is not None and existing is not ignore:
        raise RequestError(f'A sheet with the name "{title}" already exists. Please enter another name.')


def _keep_extra(sheet: Sheet, props: dict) -> None:
    for key in ("tabColor", "tabColorStyle", "hidden", "rightToLeft"):
        if key in props:
            sheet.extra_properties[key] = props[key]
    grid = props.get("gridProperties") or {}
    for key in ("hideGridlines", "rowGroupControlAfter", "columnGroupControlAfter"):
        if key in grid:
            sheet.extra_grid_properties[key] = grid[key]


def delete_sheet(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet = sheet_for(book, body.get("sheetId"))
    if len(book.sheets) == 1:
        raise RequestError("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.protected_ranges = [p for p in book.protected_ranges
                             if p["range"].get("sheetId", 0) != sheet.sheet_id]
    book.reindex()


def duplicate_sheet(book: Spreadsheet, body: dict, ctx: Context) -> dict:
    source = sheet_for(book, body.get("sourceSheetId"))
    copy_ = copy.deepcopy(source)
    copy_.sheet_id = int(body.get("newSheetId") or ctx.new_id())
    copy_.title = body.get("newSheetName") or f"Copy of {source.title}"
    _check_title_free(book, copy_.title)
    for merge in copy_.merges:
        merge["sheetId"] = copy_.sheet_id
    index = min(int(body.get("insertSheetIndex", source.index + 1)), len(book.sheets))
    book.sheets.insert(index, copy_)
    book.reindex()
    return {"duplicateSheet": {"properties": copy_.properties_json()}}


_SHEET_FIELDS = {
    ("title",), ("index",), ("gridProperties",), ("gridProperties", "rowCount"),
    ("gridProperties", "columnCount"), ("gridProperties", "frozenRowCount"),
    ("gridProperties", "frozenColumnCount"), ("gridProperties", "hideGridlines"),
    ("tabColor",), ("tabColorStyle",), ("hidden",), ("rightToLeft",), ("sheetType",),
}


def update_sheet_properties(book: Spreadsheet, body: dict, ctx: Context) -> None:
    props = body.get("properties") or {}
    sheet = sheet_for(book, props.get("sheetId"))
    for path in _mask_paths(body.get("fields"), props):
        top = tuple(path[:2]) if path[0] == "gridProperties" else (path[0],)
        if top not in _SHEET_FIELDS and path[0] not in ("tabColor", "tabColorStyle"):
            raise RequestError(f"Invalid field mask path: {'.'.join(path)}")
        if path == ["sheetId"]:
            continue
        if path == ["gridProperties"]:
            for key in (props.get("gridProperties") or {}):
                _set_sheet_prop(book, sheet, ["gridProperties", key], props)
        else:
            _set_sheet_prop(book, sheet, path, props)
    sheet.drop_outside_grid()


def _set_sheet_prop(book: Spreadsheet, sheet: Sheet, path: list[str], props: dict) -> None:
    value = _get(props, path)
    key = path[-1]
    if path == ["title"]:
        if not value:
            raise RequestError("Sheet title cannot be empty.")
        _check_title_free(book, value, ignore=sheet)
        sheet.title = value
    elif path == ["index"]:
        _move_sheet(book, sheet, int(value or 0))
    elif key == "rowCount":
        sheet.row_count = _positive(value, "rowCount")
    elif key == "columnCount":
        sheet.col_count = _positive(value, "columnCount")
    elif key == "frozenRowCount":
        sheet.frozen_rows = int(value or 0)
    elif key == "frozenColumnCount":
        sheet.frozen_cols = int(value or 0)
    elif path[0] == "gridProperties":
        _set(sheet.extra_grid_properties, path[1:], value)
    else:
        _set(sheet.extra_properties, path, value)


def _positive(value: Any, name: str) -> int:
    if not value or int(value) < 1:
        raise RequestError(f"Invalid {name}: {value}. It must be positive.")
    return int(value)


def _move_sheet(book: Spreadsheet, sheet: Sheet, index: int) -> None:
    # Google counts the target index "before the move": to put S1 after S2 you send 2.
    old = book.sheets.index(sheet)
    book.sheets.remove(sheet)
    new = index - 1 if index > old else index
    book.sheets.insert(min(max(new, 0), len(book.sheets)), sheet)
    book.reindex()


def update_spreadsheet_properties(book: Spreadsheet, body: dict, ctx: Context) -> None:
    props = body.get("properties") or {}
    for path in _mask_paths(body.get("fields"), props):
        value = _get(props, path)
        if path == ["title"]:
            book.title = value or book.title
        elif path == ["locale"]:
            book.locale = value
        elif path == ["timeZone"]:
            book.time_zone = value
        else:
            _set(book.extra_properties, path, value)


def append_dimension(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet = sheet_for(book, body.get("sheetId"))
    length = int(body.get("length", 0))
    if length < 1:
        raise RequestError("length must be greater than 0")
    if body.get("dimension") == "COLUMNS":
        sheet.col_count += length
    else:
        sheet.row_count += length


def insert_dimension(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet, start, end, dimension = _dimension_range(book, body.get("range"), allow_end=True)
    shift_rows_or_cols(sheet, dimension, start, end - start)
    _shift_protected(book, sheet, dimension, start, end - start)


def delete_dimension(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet, start, end, dimension = _dimension_range(book, body.get("range"))
    total = sheet.row_count if dimension == "ROWS" else sheet.col_count
    if start == 0 and end >= total:
        what = "rows" if dimension == "ROWS" else "columns"
        raise RequestError(f"You can't delete all the {what} on the sheet.")
    shift_rows_or_cols(sheet, dimension, start, start - end)
    _shift_protected(book, sheet, dimension, start, start - end)


def _shift_protected(book: Spreadsheet, sheet: Sheet, dimension: str, start: int, count: int) -> None:
    from ._model import shift_grid_range

    kept = []
    for p in book.protected_ranges:
        if p["range"].get("sheetId", 0) == sheet.sheet_id:
            moved = shift_grid_range(p["range"], dimension, start, count)
            if moved is None:
                continue
            p["range"] = moved
        kept.append(p)
    book.protected_ranges = kept


def _dimension_range(book: Spreadsheet, dr: dict | None, allow_end: bool = False):
    dr = dr or {}
    sheet = sheet_for(book, dr.get("sheetId"))
    dimension = dr.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise RequestError("dimension must be ROWS or COLUMNS")
    total = sheet.row_count if dimension == "ROWS" else sheet.col_count
    start = int(dr.get("startIndex", 0))
    end = int(dr.get("endIndex", total))
    if start < 0 or end <= start or start > total or (end > total and not allow_end):
        raise RequestError(f"Invalid dimension range: [{start}, {end}) on a sheet with {total} {dimension.lower()}")
    return sheet, start, end, dimension


def update_dimension_properties(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet, start, end, dimension = _dimension_range(book, body.get("range"))
    props = body.get("properties") or {}
    sizes = sheet.column_widths if dimension == "COLUMNS" else sheet.row_heights
    hidden = sheet.hidden_columns if dimension == "COLUMNS" else sheet.hidden_rows
    for path in _mask_paths(body.get("fields"), props):
        for pos in range(start, end):
            if path == ["pixelSize"]:
                sizes[pos] = int(props.get("pixelSize", 0))
            elif path == ["hiddenByUser"]:
                (hidden.add if props.get("hiddenByUser") else hidden.discard)(pos)


def auto_resize_dimensions(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet, start, end, dimension = _dimension_range(book, body.get("dimensions"))
    from ._cells import format_value

    for pos in range(start, end):
        if dimension == "COLUMNS":
            texts = [format_value(c, book.effective(sheet, r, pos)) for (r, col), c in sheet.cells.items()
                     if col == pos]
            sheet.column_widths[pos] = max([7 * len(t) + 10 for t in texts] or [100])
        else:
            sheet.row_heights[pos] = 21


# ---------------------------------------------------------------- cells

def _cell_paths(fields: str | None) -> list[list[str]]:
    if not fields:
        raise RequestError("At least one field must be updated, but none were specified.")
    paths = parse_mask(fields)
    if paths == [["*"]]:
        return [["userEnteredValue"], ["userEnteredFormat"], ["note"], ["dataValidation"]]
    for path in paths:
        if path[0] not in ("userEnteredValue", "userEnteredFormat", "note", "dataValidation",
                           "textFormatRuns", "pivotTable", "effectiveFormat"):
            raise RequestError(f"Invalid field mask path: {'.'.join(path)}")
    return paths


def apply_cell_data(book: Spreadsheet, sheet: Sheet, row: int, col: int, data: dict,
                    paths: list[list[str]]) -> None:
    cell = sheet.cell(row, col)
    for path in paths:
        head = path[0]
        if head == "userEnteredValue":
            parsed = from_extended_value(data.get("userEnteredValue") or {})
            cell.value, cell.formula = parsed.value, parsed.formula
        elif head == "userEnteredFormat":
            if len(path) == 1:
                cell.format = copy.deepcopy(data.get("userEnteredFormat") or {})
            else:
                _set(cell.format, path[1:], _get(data.get("userEnteredFormat") or {}, path[1:]))
        elif head == "note":
            cell.note = data.get("note") or None
        elif head == "dataValidation":
            _set_validation(sheet, row, col, data.get("dataValidation"))
    if cell.is_blank() and not cell.note and not cell.format:
        del sheet.cells[(row, col)]


def _set_validation(sheet: Sheet, row: int, col: int, rule: dict | None) -> None:
    if rule:
        sheet.data_validation[(row, col)] = copy.deepcopy(rule)
    else:
        sheet.data_validation.pop((row, col), None)


def update_cells(book: Spreadsheet, body: dict, ctx: Context) -> None:
    rows = body.get("rows") or []
    paths = _cell_paths(body.get("fields"))
    if "range" in body:
        sheet, r0, r1, c0, c1 = grid_bounds(book, body["range"])
        clear_rest = True
    else:
        start = body.get("start") or {}
        sheet = sheet_for(book, start.get("sheetId"))
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        r1 = r0 + len(rows)
        c1 = c0 + max((len(r.get("values") or []) for r in rows), default=0)
        clear_rest = False
    if r1 > sheet.row_count or c1 > sheet.col_count:
        raise RequestError(_limit(sheet, r1, c1))
    for i in range(r1 - r0):
        values = (rows[i].get("values") or []) if i < len(rows) else []
        if i >= len(rows) and not clear_rest:
            break
        if len(values) > c1 - c0:
            raise RequestError("The number of cells in the row exceeds the number of columns in the range.")
        for j in range(c1 - c0):
            if j < len(values):
                apply_cell_data(book, sheet, r0 + i, c0 + j, values[j] or {}, paths)
            elif clear_rest:  # cells in `range` not covered by `rows` are cleared
                apply_cell_data(book, sheet, r0 + i, c0 + j, {}, paths)


def repeat_cell(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet, r0, r1, c0, c1 = grid_bounds(book, body.get("range"))
    paths = _cell_paths(body.get("fields"))
    data = body.get("cell") or {}
    for r in range(r0, r1):
        for c in range(c0, c1):
            apply_cell_data(book, sheet, r, c, data, paths)


def set_data_validation(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet, r0, r1, c0, c1 = grid_bounds(book, body.get("range"))
    rule = body.get("rule")
    if rule is not None and not (rule.get("condition") or {}).get("type"):
        raise RequestError("Invalid dataValidation: a condition type is required.")
    for r in range(r0, r1):
        for c in range(c0, c1):
            _set_validation(sheet, r, c, rule)


def update_borders(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet, *_ = grid_bounds(book, body.get("range"))
    sheet.borders.append(copy.deepcopy(body))


def merge_cells(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet, r0, r1, c0, c1 = grid_bounds(book, body.get("range"))
    kind = body.get("mergeType", "MERGE_ALL")
    if kind == "MERGE_ALL":
        boxes = [(r0, r1, c0, c1)]
    elif kind == "MERGE_COLUMNS":
        boxes = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    elif kind == "MERGE_ROWS":
        boxes = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    else:
        raise RequestError(f"Invalid mergeType: {kind}")
    for box in boxes:
        if (box[1] - box[0]) * (box[3] - box[2]) > 1:
            _merge_box(sheet, *box)


def _overlaps(m: dict, r0: int, r1: int, c0: int, c1: int) -> bool:
    return (m["startRowIndex"] < r1 and r0 < m["endRowIndex"]
            and m["startColumnIndex"] < c1 and c0 < m["endColumnIndex"])


def _merge_box(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> None:
    if any(_overlaps(m, r0, r1, c0, c1) for m in sheet.merges):
        raise RequestError("You must select all cells in a merged range to merge or unmerge them.")
    # Merging keeps only the top-left value (WorksheetTest.test_batch_merged_cells).
    for key in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1 and k != (r0, c0)]:
        cell = sheet.cells[key]
        cell.value, cell.formula = None, None
        if cell.is_blank() and not cell.note and not cell.format:
            del sheet.cells[key]
    sheet.merges.append({"sheetId": sheet.sheet_id, "startRowIndex": r0, "endRowIndex": r1,
                         "startColumnIndex": c0, "endColumnIndex": c1})


def unmerge_cells(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet, r0, r1, c0, c1 = grid_bounds(book, body.get("range"))
    keep = []
    for m in sheet.merges:
        if not _overlaps(m, r0, r1, c0, c1):
            keep.append(m)
            continue
        inside = (r0 <= m["startRowIndex"] and m["endRowIndex"] <= r1
                  and c0 <= m["startColumnIndex"] and m["endColumnIndex"] <= c1)
        if not inside:
            raise RequestError("You must select all cells in a merged range to merge or unmerge them.")
    sheet.merges = keep


def add_conditional_format_rule(book: Spreadsheet, body: dict, ctx: Context) -> None:
    rule = copy.deepcopy(body.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges or not (rule.get("booleanRule") or rule.get("gradientRule")):
        raise RequestError("A conditional format rule needs ranges and a booleanRule or gradientRule.")
    sheet, *_ = grid_bounds(book, ranges[0])
    rule["ranges"] = [proto3(_normalized_range(book, r)) for r in ranges]
    index = int(body.get("index", len(sheet.conditional_formats)))
    sheet.conditional_formats.insert(min(index, len(sheet.conditional_formats)), rule)


def delete_conditional_format_rule(book: Spreadsheet, body: dict, ctx: Context) -> dict:
    sheet = sheet_for(book, body.get("sheetId"))
    index = int(body.get("index", 0))
    if not 0 <= index < len(sheet.conditional_formats):
        raise RequestError(f"No conditional format on sheet {sheet.sheet_id} at index {index}")
    return {"deleteConditionalFormatRule": {"rule": sheet.conditional_formats.pop(index)}}


def set_basic_filter(book: Spreadsheet, body: dict, ctx: Context) -> None:
    flt = copy.deepcopy(body.get("filter") or {})
    sheet, *_ = grid_bounds(book, flt.get("range"))
    flt["range"] = _normalized_range(book, flt.get("range"))
    sheet.basic_filter = flt


def clear_basic_filter(book: Spreadsheet, body: dict, ctx: Context) -> None:
    sheet_for(book, body.get("sheetId")).basic_filter = None


# ---------------------------------------------------------------- protection, names

def add_protected_range(book: Spreadsheet, body: dict, ctx: Context) -> dict:
    given = copy.deepcopy(body.get("protectedRange") or {})
    grid_bounds(book, given.get("range"))
    pid = given.get("protectedRangeId")
    if pid is None:
        pid = ctx.new_id()
    elif any(p["protectedRangeId"] == pid for p in book.protected_ranges):
        raise RequestError(f"A protected range with ID {pid} already exists.")
    editors = given.get("editors") or {}
    if given.get("warningOnly") and (editors.get("users") or editors.get("groups")):
        raise RequestError("Cannot set editors on a warning-only protected range.")
    stored = {"protectedRangeId": int(pid), "range": _normalized_range(book, given.get("range"))}
    for key in ("namedRangeId", "description", "warningOnly", "unprotectedRanges"):
        if given.get(key) is not None:
            stored[key] = given[key]
    stored["requestingUserCanEdit"] = True  # computed by Google, whatever the request says
    stored["editors"] = {"users": list(editors.get("users") or []),
                         "groups": list(editors.get("groups") or [])}
    if "domainUsersCanEdit" in editors:
        stored["editors"]["domainUsersCanEdit"] = editors["domainUsersCanEdit"]
    reply = proto3(copy.deepcopy(stored))  # the reply lists the editors as sent (recorded: `"editors": {}`)
    _keep_caller(stored, ctx)
    book.protected_ranges.append(stored)
    return {"addProtectedRange": {"protectedRange": reply}}


def _protected(book: Spreadsheet, pid: Any) -> dict:
    for p in book.protected_ranges:
        if p["protectedRangeId"] == pid:
            return p
    raise RequestError(f"No protected range with id: {pid}")


def _keep_caller(stored: dict, ctx: Context) -> None:
    """Google keeps the requesting account among a range's editors whatever the request lists: the
    recorded addProtectedRange sent `"users": []` and the sheet then listed the service account
    (WorksheetTest.test_add_protected_range_normal). A warning-only range has no editors."""
    users = stored["editors"]["users"]
    if ctx.caller and not stored.get("warningOnly") and ctx.caller.lower() not in {u.lower() for u in users}:
        users.append(ctx.caller)


def update_protected_range(book: Spreadsheet, body: dict, ctx: Context) -> None:
    given = body.get("protectedRange") or {}
    if "protectedRangeId" not in given:
        raise RequestError("protectedRangeId is required.")
    stored = _protected(book, given.get("protectedRangeId"))
    for path in _mask_paths(body.get("fields"), given):
        if path == ["protectedRangeId"]:
            continue
        value = _get(given, path)
        if path == ["range"]:
            grid_bounds(book, value)
            value = _normalized_range(book, value)
        _set(stored, path, value)
    stored.setdefault("editors", {}).setdefault("users", [])
    stored["editors"].setdefault("groups", [])
    editors = stored["editors"]
    if stored.get("warningOnly") and (editors["users"] or editors["groups"] or editors.get("domainUsersCanEdit")):
        raise RequestError("Cannot set editors on a warning-only protected range.")
    _keep_caller(stored, ctx)


def delete_protected_range(book: Spreadsheet, body: dict, ctx: Context) -> None:
    stored = _protected(book, body.get("protectedRangeId"))
    book.protected_ranges.remove(stored)


def add_named_range(book: Spreadsheet, body: dict, ctx: Context) -> dict:
    named = copy.deepcopy(body.get("namedRange") or {})
    if not named.get("name"):
        raise RequestError("A named range needs a name.")
    if any(n["name"].lower() == named["name"].lower() for n in book.named_ranges):
        raise RequestError(f'A named range with the name "{named["name"]}" already exists.')
    grid_bounds(book, named.get("range"))
    named["range"] = _normalized_range(book, named.get("range"))
    named.setdefault("namedRangeId", str(ctx.new_id()))
    book.named_ranges.append(named)
    return {"addNamedRange": {"namedRange": proto3(copy.deepcopy(named))}}


def delete_named_range(book: Spreadsheet, body: dict, ctx: Context) -> None:
    before = len(book.named_ranges)
    book.named_ranges = [n for n in book.named_ranges if n["namedRangeId"] != body.get("namedRangeId")]
    if len(book.named_ranges) == before:
        raise RequestError(f"No named range with id: {body.get('namedRangeId')}")


HANDLERS: dict[str, Callable[[Spreadsheet, dict, Context], dict | None]] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "duplicateSheet": duplicate_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "autoResizeDimensions": auto_resize_dimensions,
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "setDataValidation": set_data_validation,
    "updateBorders": update_borders,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "addConditionalFormatRule": add_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "addNamedRange": add_named_range,
    "deleteNamedRange": delete_named_range,
}


class BatchError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def run_batch(book: Spreadsheet, requests: list, ctx: Context) -> list[dict]:
    """Apply all requests to `book` in order (the caller passes a copy); return the replies."""
    if not isinstance(requests, list):
        raise BatchError(f"Invalid value at 'requests' (type.googleapis.com/google.apps.sheets.v4.Request), "
                         f"{requests!r}")
    replies = []
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise BatchError(f"Invalid requests[{i}]: exactly one kind of request must be set.")
        (kind, body), = request.items()
        handler = HANDLERS.get(kind)
        if handler is None:
            raise BatchError(f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': "
                             "Cannot find field.")
        try:
            reply = handler(book, body or {}, ctx)
        except RequestError as err:
            raise BatchError(f"Invalid requests[{i}].{kind}: {err}") from None
        except (TypeError, ValueError, KeyError, AttributeError) as err:
            raise BatchError(f"Invalid requests[{i}].{kind}: {err}") from None
        replies.append(reply or {})
    return replies

"""The field names a spreadsheets.get `fields` mask may use (Sheets API v4 reference).

Google refuses a mask naming a field that does not exist with 400 INVALID_ARGUMENT, so a typo in
a mask the tool sends (google/notes.py METADATA_WITH_NOTES) would fail every aggregate on real
Google. The fake refuses it the same way. Only the objects down to a cell are spelled out; below a
name marked ANY (formats, colours, protected ranges…) any sub-path is accepted.
"""

from __future__ import annotations

from ._batch_update import parse_mask
from ._model import ApiError

ANY = None  # any sub-path accepted
LEAF: dict = {}  # a scalar: no sub-path

_CELL = {name: ANY for name in (
    "userEnteredValue", "effectiveValue", "userEnteredFormat", "effectiveFormat", "textFormatRuns",
    "dataValidation", "pivotTable", "dataSourceTable", "dataSourceFormula", "chipRuns")}
_CELL.update(formattedValue=LEAF, hyperlink=LEAF, note=LEAF)
_GRID = {"startRow": LEAF, "startColumn": LEAF, "rowData": {"values": _CELL}, "rowMetadata": ANY,
         "columnMetadata": ANY}
_SHEET_PROPERTIES = {"sheetId": LEAF, "title": LEAF, "index": LEAF, "sheetType": LEAF, "gridProperties": ANY,
                     "hidden": LEAF, "tabColor": ANY, "tabColorStyle": ANY, "rightToLeft": LEAF,
                     "dataSourceSheetProperties": ANY}
_SHEET = {"properties": _SHEET_PROPERTIES, "data": _GRID, **{name: ANY for name in (
    "merges", "conditionalFormats", "filterViews", "protectedRanges", "basicFilter", "charts", "bandedRanges",
    "developerMetadata", "rowGroups", "columnGroups", "slicers", "tables")}}
_SPREADSHEET_PROPERTIES = {"title": LEAF, "locale": LEAF, "autoRecalc": LEAF, "timeZone": LEAF,
                           "defaultFormat": ANY, "iterativeCalculationSettings": ANY, "spreadsheetTheme": ANY,
                           "importFunctionsExternalUrlAccessAllowed": LEAF}
SPREADSHEET = {"spreadsheetId": LEAF, "properties": _SPREADSHEET_PROPERTIES, "sheets": _SHEET,
               "namedRanges": {"namedRangeId": LEAF, "name": LEAF, "range": ANY}, "spreadsheetUrl": LEAF,
               "developerMetadata": ANY, "dataSources": ANY, "dataSourceSchedules": ANY}


def unknown_paths(mask: str, schema: dict = SPREADSHEET) -> list[str]:
    """The paths of `mask` that name no field, dotted as Google writes them."""
    bad = []
    for path in parse_mask(mask):
        node: dict | None = schema
        for i, part in enumerate(path):
            if node is ANY or part == "*":
                break
            if part not in node:
                bad.append(".".join(path[: i + 1]))
                break
            node = node[part]
    return bad


def check_spreadsheet_mask(mask: str | None) -> None:
    """400 as Google answers a spreadsheets.get whose `fields` names an unknown field."""
    if not mask:
        return
    bad = unknown_paths(mask)
    if bad:
        raise ApiError(400, "Request contains an invalid argument.", details=[{
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": "fields", "description": "Error expanding 'fields' parameter. Cannot find "
                                 f"matching fields for path '{bad[0]}'."}]}])

"""Keeping text a unit typed from ever running as a formula in what we write."""

FORMULA_STARTS = ("=", "+", "-", "@")


def csv_safe(value: object) -> object:
    """CSV has no cell types: a leading quote makes spreadsheets show the text as typed."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS + ("\t", "\r")):
        return "'" + value
    return value


def put_cell(ws, row: int, col: int, value: object):
    """An openpyxl cell set to `value`; a str stays a string cell even when it starts with "=".

    openpyxl turns any str starting with "=" into a formula, so a unit's "=Mô hình…" would run.
    """
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell

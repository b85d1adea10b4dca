"""Keeping text a unit typed from ever running as a formula in what we write."""

FORMULA_STARTS = ("=", "+", "-", "@")


def csv_safe(value: object) -> object:
    """CSV has no cell types: a leading quote makes spreadsheets show the text as typed."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS + ("\t", "\r")):
        return "'" + value
    return value

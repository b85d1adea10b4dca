"""Cell values for the fake Sheets API: input parsing, formulas, rendering."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._a1 import RangeError, col_to_index, parse_cells, split_sheet

EPOCH = dt.datetime(1899, 12, 30)  # Google/Lotus serial day 0
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_PERCENT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)%$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# vi_VN is day-first: 15/05/2023 and 15/5/2023 are both 15 May 2023.
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
DEFAULT_DATE_PATTERN = "d/m/yyyy"


@dataclass
class Cell:
    value: Any = None  # str | int | float | bool | None (None = empty)
    formula: str | None = None
    note: str | None = None
    format: dict = field(default_factory=dict)  # userEnteredFormat, stored loosely

    @property
    def is_date(self) -> bool:
        return self.format.get("numberFormat", {}).get("type") in ("DATE", "DATE_TIME", "TIME")

    def is_blank(self) -> bool:
        return self.value in (None, "") and self.formula is None


def to_serial(moment: dt.date | dt.datetime) -> float:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime(moment.year, moment.month, moment.day)
    delta = moment - EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(serial: float) -> dt.datetime:
    return EPOCH + dt.timedelta(days=float(serial))


def tidy_number(x: float) -> int | float:
    """Google's JSON writes 2, not 2.0 (WorksheetTest.test_get_all_values_date_time_render_options)."""
    if isinstance(x, bool):
        return x
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x


def _pattern(day: str, month: str) -> str:
    padded = day.startswith("0") or month.startswith("0")
    return "dd/mm/yyyy" if padded else DEFAULT_DATE_PATTERN


def parse_user_entered(raw: Any) -> Cell:
    """What typing `raw` into a vi_VN sheet produces (valueInputOption=USER_ENTERED)."""
    if not isinstance(raw, str):
        return parse_raw(raw)
    text = raw.strip()
    if raw.startswith("=") and len(raw) > 1:
        return Cell(formula=raw)
    if raw.startswith("'"):
        return Cell(value=raw[1:])
    if text.upper() in ("TRUE", "FALSE"):
        return Cell(value=text.upper() == "TRUE")
    if _NUMBER.match(text):
        return Cell(value=tidy_number(float(text)))
    if _PERCENT.match(text):
        return Cell(
            value=tidy_number(float(text[:-1]) / 100),
            format={"numberFormat": {"type": "PERCENT", "pattern": "0%"}},
        )
    return _parse_date(text) or Cell(value=raw)


def _parse_date(text: str) -> Cell | None:
    iso, dmy = _ISO_DATE.match(text), _DMY.match(text)
    try:
        if iso:
            y, m, d = (int(g) for g in iso.groups())
            # Google keeps the entered layout: "2020-01-01" renders back as "2020-01-01".
            return _date_cell(dt.datetime(y, m, d), "DATE", "yyyy-mm-dd")
        if dmy:
            d, m, y, hh, mm, ss = dmy.groups()
            moment = dt.datetime(int(y), int(m), int(d))
            if hh is None:
                return _date_cell(moment, "DATE", _pattern(d, m))
            moment += dt.timedelta(hours=int(hh), minutes=int(mm), seconds=int(ss or 0))
            return _date_cell(moment, "DATE_TIME", _pattern(d, m) + " H:mm:ss")
    except ValueError:
        return None
    return None


def _date_cell(moment: dt.datetime, kind: str, pattern: str) -> Cell:
    fmt = {"numberFormat": {"type": kind, "pattern": pattern}}
    return Cell(value=tidy_number(to_serial(moment)), format=fmt)


def parse_raw(raw: Any) -> Cell:
    """valueInputOption=RAW: strings stay strings (even "=1+1"), numbers stay numbers."""
    if isinstance(raw, bool) or raw is None:
        return Cell(value=raw)
    if isinstance(raw, (int, float)):
        return Cell(value=tidy_number(raw))
    if isinstance(raw, dt.datetime):
        return _date_cell(raw, "DATE_TIME", DEFAULT_DATE_PATTERN + " H:mm:ss")
    if isinstance(raw, dt.date):
        return _date_cell(dt.datetime(raw.year, raw.month, raw.day), "DATE", DEFAULT_DATE_PATTERN)
    return Cell(value=str(raw))


def from_extended_value(ev: dict) -> Cell:
    """An ExtendedValue from updateCells (`{"stringValue": ...}` etc.)."""
    if "formulaValue" in ev:
        return Cell(formula=ev["formulaValue"])
    if "numberValue" in ev:
        return Cell(value=tidy_number(ev["numberValue"]))
    if "boolValue" in ev:
        return Cell(value=bool(ev["boolValue"]))
    if "stringValue" in ev:
        return Cell(value=ev["stringValue"])
    if "errorValue" in ev:
        return Cell(value=ev["errorValue"].get("message", "#ERROR!"))
    return Cell()


def extended_value(value: Any) -> dict:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": value}


# ---------------------------------------------------------------- formulas

class FormulaError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)|(?P<str>\"(?:[^\"]|\"\")*\")"
    r"|(?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?\$?[A-Za-z]{1,3}\$?\d*(?::\$?[A-Za-z]{1,3}\$?\d*)?(?![\w(]))"
    r"|(?P<name>[A-Za-z_][\w.]*)|(?P<op>[-+*/^&(),;]|<=|>=|<>|[<>=]))"
)

Resolver = Callable[[str], list[Any]]  # A1 range text -> flat list of cell values


class _Parser:
    """Tiny recursive-descent evaluator: numbers, strings, refs, + - * / ^ &, SUM()."""

    def __init__(self, text: str, resolve: Resolver):
        self.tokens = self._tokenize(text)
        self.pos = 0
        self.resolve = resolve

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        out, i = [], 0
        while i < len(text):
            if text[i].isspace():
                i += 1
                continue
            m = _TOKEN.match(text, i)
            if not m or m.end() == i:
                raise FormulaError("#ERROR!")
            kind = m.lastgroup
            value = m.group(kind)
            if kind == "ref" and not re.search(r"\d|:", value.split("!")[-1]):
                kind = "name"  # a bare word like SUM is a function name, not column SUM
            out.append((kind, value))
            i = m.end()
        return out

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise FormulaError("#ERROR!")
        self.pos += 1
        return tok

    def run(self) -> Any:
        value = self.concat()
        if self.peek() is not None:
            raise FormulaError("#ERROR!")
        return value

    def concat(self) -> Any:
        value = self.additive()
        while self.peek() == ("op", "&"):
            self.take()
            value = _text(value) + _text(self.additive())
        return value

    def additive(self) -> Any:
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            rhs = _num(self.term())
            value = _num(value) + rhs if op == "+" else _num(value) - rhs
        return value

    def term(self) -> Any:
        value = self.power()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            rhs = _num(self.power())
            if op == "/" and rhs == 0:
                raise FormulaError("#DIV/0!")
            value = _num(value) * rhs if op == "*" else _num(value) / rhs
        return value

    def power(self) -> Any:
        value = self.unary()
        while self.peek() == ("op", "^"):
            self.take()
            value = _num(value) ** _num(self.unary())
        return value

    def unary(self) -> Any:
        if self.peek() in (("op", "-"), ("op", "+")):
            sign = -1 if self.take()[1] == "-" else 1
            return sign * _num(self.unary())
        return self.atom()

    def atom(self) -> Any:
        kind, value = self.take()
        if kind == "num":
            return float(value)
        if kind == "str":
            return value[1:-1].replace('""', '"')
        if kind == "ref":
            cells = self.resolve(value)
            return cells[0] if cells else None
        if kind == "name":
            return self.call(value.upper())
        if (kind, value) == ("op", "("):
            inner = self.concat()
            if self.take() != ("op", ")"):
                raise FormulaError("#ERROR!")
            return inner
        raise FormulaError("#ERROR!")

    def call(self, name: str) -> Any:
        if name in ("TRUE", "FALSE") and self.peek() != ("op", "("):
            return name == "TRUE"
        if name != "SUM" or self.take() != ("op", "("):
            raise FormulaError("#NAME?")
        total = 0.0
        while self.peek() != ("op", ")"):
            tok = self.peek()
            if tok and tok[0] == "ref":
                self.take()
                total += sum(v for v in self.resolve(tok[1]) if _is_number(v))
            else:
                total += _num(self.concat())
            if self.peek() in (("op", ","), ("op", ";")):
                self.take()
        self.take()
        return total


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _num(v: Any) -> float:
    if v is None or v == "":
        return 0.0
    if isinstance(v, bool):
        return float(v)
    if _is_number(v):
        return float(v)
    if isinstance(v, str) and v.startswith("#"):
        raise FormulaError(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        raise FormulaError("#VALUE!") from None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if _is_number(v):
        return format_general(v)
    return str(v)


def evaluate(formula: str, resolve: Resolver) -> Any:
    """Evaluate `=...`; errors come back as Google's error strings like "#NAME?"."""
    try:
        result = _Parser(formula[1:], resolve).run()
    except FormulaError as err:
        return err.code
    except RecursionError:
        return "#REF!"
    if isinstance(result, float):
        if math.isinf(result) or math.isnan(result):
            return "#NUM!"
        return tidy_number(result)
    return "" if result is None else result


def split_ref(ref: str) -> tuple[str | None, Any]:
    title, cells = split_sheet(ref)
    if cells is None:
        raise RangeError(ref)
    return title, parse_cells(cells)


# ---------------------------------------------------------------- rendering

def format_general(x: int | float) -> str:
    """Google's automatic number format: 2 -> "2", 0.12 -> "0.12", 1/3 -> "0.3333333333"."""
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x)) if abs(x) < 1e15 else f"{x:.2E}"
    text = f"{x:.10f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def format_date(serial: float, pattern: str) -> str:
    moment = from_serial(serial)
    tokens = re.findall(r"yyyy|yy|dd|d|mm|m|HH|H|hh|h|ss|s|MM|M|[^a-zA-Z]+|[a-zA-Z]+", pattern)
    out, prev = [], None
    for tok in tokens:
        # "mm" right after an hour token means minutes, otherwise months.
        out.append(_date_token(tok, moment, prev in ("HH", "H", "hh", "h")))
        if tok[0].isalpha():
            prev = tok
    return "".join(out)


def _date_token(tok: str, t: dt.datetime, after_hour: bool) -> str:
    if tok in ("mm", "m") and after_hour:
        return f"{t.minute:02d}" if tok == "mm" else str(t.minute)
    table = {
        "yyyy": f"{t.year:04d}", "yy": f"{t.year % 100:02d}",
        "dd": f"{t.day:02d}", "d": str(t.day),
        "mm": f"{t.month:02d}", "m": str(t.month), "MM": f"{t.month:02d}", "M": str(t.month),
        "HH": f"{t.hour:02d}", "H": str(t.hour), "hh": f"{(t.hour % 12) or 12:02d}",
        "h": str((t.hour % 12) or 12), "ss": f"{t.second:02d}", "s": str(t.second),
    }
    return table.get(tok, tok)


def render(cell: Cell | None, effective: Any, value_render: str, date_render: str) -> Any:
    """One cell under valueRenderOption / dateTimeRenderOption."""
    if cell is None or (effective in (None, "") and cell.formula is None):
        return ""
    if value_render == "FORMULA" and cell.formula is not None:
        return cell.formula
    if value_render == "FORMATTED_VALUE":
        return format_value(cell, effective)
    if cell.is_date and _is_number(effective) and date_render == "FORMATTED_STRING":
        return format_value(cell, effective)
    return tidy_number(effective) if _is_number(effective) else effective


def format_value(cell: Cell, effective: Any) -> str:
    if isinstance(effective, bool):
        return "TRUE" if effective else "FALSE"
    if _is_number(effective):
        fmt = cell.format.get("numberFormat", {})
        if cell.is_date:
            return format_date(effective, fmt.get("pattern") or DEFAULT_DATE_PATTERN)
        if fmt.get("type") == "PERCENT":
            return format_general(round(effective * 100, 10)) + "%"
        return format_general(effective)
    return "" if effective is None else str(effective)


__all__ = [
    "Cell", "RangeError", "col_to_index", "evaluate", "extended_value", "from_extended_value",
    "parse_raw", "parse_user_entered", "render", "split_ref", "to_serial", "from_serial",
    "tidy_number", "format_value",
]

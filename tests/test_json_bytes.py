"""orjson writes the history's rows and `check --format json`: the bytes must be json's own.

The history addresses every stored row by the hash of its JSON, so a writer that changed one
byte would make an unchanged row look edited; scripts reading `check --format json` compare
outputs. Each test compares with the standard json module, written out here, not the code's.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from danvan_sheets.history import store
from danvan_sheets.writers.machine import _dumps

SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=store._default)


def compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _all_characters() -> list[str]:
    """Every code point but the surrogates, in strings of 4,096."""
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    return ["".join(map(chr, points[i:i + 4096])) for i in range(0, len(points), 4096)]


def test_every_character_is_written_as_json_writes_it():
    for text in _all_characters():
        assert _dumps([text]) == compact([text])
        assert store.dumps({text: text}, odd_floats=False) == SORTED.encode({text: text})


class Name(str):
    pass


class Amount(float):
    pass


@dataclass
class Cell:
    value: int


ODD = [1e-05, -3.2e-07, 5e-324, float("nan"), float("inf"), float("-inf")]
VALUES = [None, True, False, 0, -1, 2**63 - 1, -(2**63), 2**64, -(2**70), 0.0, -0.0, 1.5, 0.1, 1e-4, 123456.789,
          1e15 + 0.5, 1e16, 1e300, dt.date(2023, 5, 2), dt.datetime(2023, 5, 2, 7, 30, 1, 5), dt.time(23, 59),
          dt.datetime(2023, 5, 2, tzinfo=dt.UTC), "Mô hình “Dân vận khéo”", "\x00\x1f\x7f\u2028\ud800",
          Name("Tên"), Amount(2.5), (1, "a"), [], {}, decimal.Decimal("1.10"), Cell(3), {"b": [1, {"a": None}]}]


def test_history_rows_are_written_as_json_writes_them():
    for v in VALUES + ODD:
        doc = {"cells": {"name": v, "done": v}, "row": [v, v]}
        assert store.dumps(doc) == SORTED.encode(doc), v
        if v not in ODD:  # what _unit_rows hands orjson
            assert store.dumps(doc, odd_floats=False) == SORTED.encode(doc), v


def test_keys_that_are_not_text_go_through_json():
    assert store.dumps({1: "a", 2: "b"}, odd_floats=False) == SORTED.encode({1: "a", 2: "b"}) == '{"1":"a","2":"b"}'


def test_a_cell_with_a_tiny_float_is_stored_as_json_writes_it():
    """orjson writes 1e-05 as 0.00001: _unit_rows sees it in the row and lets json write it."""
    from danvan_sheets.core.model import Entry

    class Verdict:
        tab = "T"
        entries = [Entry(3, "Mô hình", "kinh_te", 1, None, None, "Xã A", "tap_the", {"name": 1, "scale": 2},
                         [1, "Mô hình", 1e-05, dt.date(2023, 5, 1)])]

    class Tab:
        rows = [[], [], [1, "Mô hình", 1e-05, dt.date(2023, 5, 1), None, ""]]

    (row, _key, raw, parsed), = store._unit_rows(Verdict(), {"T": Tab()})
    assert raw == SORTED.encode({"cells": {"name": "Mô hình", "scale": 1e-05},
                                 "row": [1, "Mô hình", 1e-05, dt.date(2023, 5, 1)]})
    assert '"scale":1e-05' in raw and '{"$date":"2023-05-01"}' in raw
    assert json.loads(parsed)["name"] == "Mô hình"


def test_check_json_is_written_as_json_writes_it():
    plain = [v for v in VALUES if not isinstance(v, (dt.date, dt.time, Cell, decimal.Decimal))]
    doc = {"units": [{"name": v, "models": 3, "percent": 66.7} for v in plain]}
    assert _dumps(doc) == compact(doc)


def test_a_messy_khoi_is_stored_and_printed_as_json_writes_it():
    """The benchmark generator's forms (legacy fonts, NFD, every period form, errors, dates)."""
    from benchmarks.generate import dataset
    from danvan_sheets.config import load_settings
    from danvan_sheets.core.model import Unit
    from danvan_sheets.grid import Tab
    from danvan_sheets.pipeline import report_from_data
    from danvan_sheets.sources import SourceData
    from danvan_sheets.writers.machine import to_json

    ds = dataset(12, 15, seed=3)
    units = [Unit(u.code, u.name, "dang_bo_co_so", u.email, u.tab) for u in ds.units]
    data = SourceData([Tab(title, grid) for title, grid in ds.grids])
    report = report_from_data(data, units, load_settings(None), dt.date(2023, 4, 20))
    assert to_json(report) == compact(report.to_dict())
    tabs = {t.title: t for t in data.tabs}
    stored = [row for v in report.units for row in store._unit_rows(v, tabs)]
    assert len(stored) >= 12 * 15
    for (n, _key, raw, parsed), e in zip(stored, [e for v in report.units for e in v.entries], strict=True):
        assert n == e.row
        assert raw == SORTED.encode(json.loads(raw, object_hook=store._decode_hook))
        assert parsed == SORTED.encode(json.loads(parsed))


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text() | st.floats(min_value=1e-4, max_value=1e300)
                    | st.floats(max_value=-1e-4, min_value=-1e300) | st.just(0.0) | st.dates(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20))
def test_trees_without_odd_floats_go_through_orjson_alike(tree):
    assert store.dumps(tree, odd_floats=False) == SORTED.encode(tree)

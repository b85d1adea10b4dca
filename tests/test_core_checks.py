"""The checks in one place (issue 13): small named row and unit checks; evaluate leaves the reading alone."""

from __future__ import annotations

import copy
from pathlib import Path

from danvan_sheets.core import checks
from danvan_sheets.core.checks import RowRead, check_row, evaluate
from danvan_sheets.core.messages import ERROR_CODES, MESSAGES, PERIOD_CODES
from danvan_sheets.core.periods import parse_period
from danvan_sheets.core.reader import read_tab
from tests.helpers_forms import AS_OF, HEADER, MANDATORY_CDS, YEAR, campaign, model, unit

ALL = frozenset({"field", "quantity", "build", "done", "location", "scale"})
GOOD = RowRead(
    ALL,
    "kinh_te",
    quantity=1,
    build=parse_period("Tháng 5/2023", YEAR),
    done=parse_period("Quý IV/2023", YEAR),
    location="Phòng A",
    scale="tap_the",
)


def codes(row: RowRead) -> list[tuple[str, str]]:
    return [(f.code, f.column) for f in check_row(row)]


def test_a_good_row_passes_every_row_check():
    assert codes(GOOD) == []


def test_each_row_check_finds_its_own_problem():
    from dataclasses import replace

    assert codes(replace(GOOD, field=None)) == [("missing_field", "field")]
    assert codes(replace(GOOD, columns=ALL - {"field"}, field=None)) == [("missing_field", "name")]
    assert codes(replace(GOOD, field=None, field_text="Linh tinh")) == [("invalid_field", "field")]
    assert codes(replace(GOOD, quantity=None, quantity_code="invalid_quantity", quantity_value="x")) == [
        ("invalid_quantity", "quantity")
    ]
    assert codes(replace(GOOD, build=parse_period("Sắp tới", YEAR))) == [("invalid_period", "build")]
    assert codes(replace(GOOD, done=parse_period("Thường xuyên", YEAR))) == [("vague_period", "done")]
    assert codes(replace(GOOD, done=parse_period("Quý I/2023", YEAR))) == [("completion_before_build", "done")]
    assert codes(replace(GOOD, location="")) == [("missing_location", "location")]
    assert codes(replace(GOOD, scale=None, scale_code="invalid_scale", scale_text="Toàn thể")) == [
        ("invalid_scale", "scale")
    ]
    # A column the form does not have is not checked.
    assert codes(replace(GOOD, columns=ALL - {"location"}, location="")) == []


def test_every_code_a_check_can_give_has_a_message_and_a_line_in_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for code in [*MESSAGES, *PERIOD_CODES]:
        assert f"`{code}`" in readme, code
        assert code in (checks.__doc__ or "") or code in (
            "missing_name",
            "missing_header",
            "missing_column",
            "legacy_encoding",
            "duplicate_tab",
            "unreadable_tab",
            "name_continued",
            "repeated_header",
            "model_in_notes",
        ), code
    assert set(MESSAGES) | set(PERIOD_CODES) >= ERROR_CODES


def test_evaluate_does_not_change_the_readers_entries():
    grid = [HEADER, ["I", "Kinh tế"], model(1, "Vay vốn"), model(2, "Vay vốn"), model(3, MANDATORY_CDS)]
    reading = read_tab("x", grid, YEAR)
    before = copy.deepcopy(reading)
    first = evaluate(unit(), reading, campaign(), AS_OF)
    assert [(e.counted, e.duplicate, e.mandatory) for e in first.entries] == [
        (True, False, None), (False, True, None), (False, False, "chuyen_doi_so")]
    assert reading == before
    assert all(not e.counted and e.mandatory is None for e in reading.entries)
    # The same reading judged under another campaign is judged afresh.
    second = evaluate(unit(), reading, campaign(mandatory_counts_toward_minimum=True), AS_OF)
    assert [e.counted for e in second.entries] == [True, False, True]
    assert [e.counted for e in first.entries] == [True, False, False]


def test_the_unit_checks_give_the_reasons_in_order():
    grid = [HEADER, ["I", "Kinh tế"], model(1, "Vay vốn", location=None)]
    v = evaluate(unit(), read_tab("x", grid, YEAR), campaign(), AS_OF)
    assert v.status == "chua_dat"
    assert [r.split(" ")[0] for r in v.reasons] == ["Mới", "Chưa", "Chưa", "1"]
    assert (checks.quota_met, checks.mandatory_models) == checks.UNIT_CHECKS


def test_tagging_copies_every_field_of_an_entry_and_sets_only_its_own():
    """tag_entries copies entries field by field (quicker than dataclasses.replace): a field added
    to Entry later must be carried over too, and the reader's entry must stay as it was."""
    import dataclasses
    import datetime as dt

    from danvan_sheets.core.model import Entry, Period

    values = {"row": 7, "name": "Mô hình", "field": "kinh_te", "quantity": 2, "build": Period((2023, 1), (2023, 2)),
              "done": Period((2023, 5), (2023, 5)), "location": "Xã A", "scale": "tap_the", "columns": {"name": 1},
              "source_row": [1, "Mô hình", dt.date(2023, 5, 1)], "mandatory": "old", "duplicate": True,
              "has_error": False, "counted": False, "moved": {"name": "B6"}, "name_key": "mo hinh"}
    assert set(values) == {f.name for f in dataclasses.fields(Entry)}, "a new Entry field: add it here"
    e = Entry(**values)
    before = dataclasses.asdict(e)
    (tagged,) = checks.tag_entries([e], campaign())
    assert dataclasses.asdict(e) == before
    got = dataclasses.asdict(tagged)
    for name in ("mandatory", "duplicate", "counted"):
        del got[name], before[name]
    assert got == before
    assert (tagged.mandatory, tagged.duplicate, tagged.counted) == (None, False, True)

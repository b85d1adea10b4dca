"""Every way the two time columns are written, and their problem codes."""

from __future__ import annotations

import datetime as dt

import pytest

from danvan_sheets.core.periods import parse_period
from danvan_sheets.core.reader import read_tab
from tests.helpers_forms import HEADER, YEAR, model

H = [h.strip() for h in HEADER]


@pytest.mark.parametrize(
    "value, start, end",
    [
        ("Tháng 5/2023", "2023-05", "2023-05"),
        ("T5/2023", "2023-05", "2023-05"),
        ("5/2023", "2023-05", "2023-05"),
        ("05/2023", "2023-05", "2023-05"),
        ("tháng 09 năm 2023", "2023-09", "2023-09"),
        ("THÁNG 9 NĂM 2023", "2023-09", "2023-09"),
        ("Quý II/2023", "2023-04", "2023-06"),
        ("Quý 2 năm 2023", "2023-04", "2023-06"),
        ("Q2/2023", "2023-04", "2023-06"),
        ("quý IV năm 2023", "2023-10", "2023-12"),
        ("6 tháng đầu năm 2023", "2023-01", "2023-06"),
        ("6 tháng cuối năm 2023", "2023-07", "2023-12"),
        ("Năm 2023", "2023-01", "2023-12"),
        ("Tháng 4 - 6/2023", "2023-04", "2023-06"),
        ("Tháng 4 – 6/2023", "2023-04", "2023-06"),
        ("Quý I - II/2023", "2023-01", "2023-06"),
        ("Từ tháng 5 đến tháng 12/2023", "2023-05", "2023-12"),
        ("ngày 16 tháng 4 năm 2023", "2023-04", "2023-04"),
        ("20/04/2023", "2023-04", "2023-04"),
        ("16/2/2023", "2023-02", "2023-02"),
        ("Tháng 11 - 2/2024", "2023-11", "2024-02"),
        # The dash or comma before a year belongs to the month, not a span to the whole year.
        ("T5-2023", "2023-05", "2023-05"),
        ("Tháng 6 – 2023", "2023-06", "2023-06"),
        ("Quý 3-2023", "2023-07", "2023-09"),
        ("Tháng 5, 2023", "2023-05", "2023-05"),
        ("giai đoạn 2023 – 2025", "2023-01", "2025-12"),
        (dt.datetime(2023, 5, 17, 0, 0), "2023-05", "2023-05"),
        (dt.date(2023, 3, 1), "2023-03", "2023-03"),
        (45061, "2023-05", "2023-05"),  # 2023-05-15 as a date serial (days since 1899-12-30)
        (45061.0, "2023-05", "2023-05"),
        ("45061", "2023-05", "2023-05"),
    ],
)
def test_period_forms(value, start, end):
    r = parse_period(value, YEAR)
    assert r.code is None, r.message
    assert r.period.to_dict() == {"from": start, "to": end}


def test_serial_number_is_days_since_1899_12_30():
    assert dt.date(1899, 12, 30) + dt.timedelta(days=45061) == dt.date(2023, 5, 15)


@pytest.mark.parametrize(
    "value, start, end",
    [
        ("Tháng 5", "2023-05", "2023-05"),
        ("Quý II", "2023-04", "2023-06"),
        ("6 tháng đầu năm", "2023-01", "2023-06"),
        ("Tháng 4 - 6", "2023-04", "2023-06"),
    ],
)
def test_no_year_means_campaign_year_with_warning(value, start, end):
    r = parse_period(value, YEAR)
    assert r.code == "missing_year" and not r.is_error
    assert r.period.to_dict() == {"from": start, "to": end}
    assert "2023" in r.message


@pytest.mark.parametrize("value", ["Tháng 5/2024", "Năm 2022", dt.datetime(2021, 1, 4), 44197])
def test_outside_campaign_year_is_warning(value):
    r = parse_period(value, YEAR)
    assert r.code == "outside_year" and not r.is_error and r.period is not None


def test_span_overlapping_the_year_is_not_outside():
    assert parse_period("Tháng 11/2022 - 2/2023", YEAR).code is None


@pytest.mark.parametrize("value", ["abc", "Sắp tới", "Tháng 13/2023", "Quý 5/2023", "0/2023", "ngày tháng năm 2023",
                                   True, float("nan"), float("inf"), -3, 12.5, "Tháng ?/2023", "tháng 5/23"])
def test_invalid_period(value):
    r = parse_period(value, YEAR)
    assert r.code == "invalid_period" and r.is_error and r.period is None
    assert "Tháng 5/2023" in r.message  # says what to write


@pytest.mark.parametrize("value", [None, "", "   ", "\u00a0"])
def test_missing_period(value):
    r = parse_period(value, YEAR)
    assert r.code == "missing_period" and r.is_error


def _read(build, done):
    r = read_tab("x", [H, ["I", "Kinh tế"], model(1, "Vay vốn", build=build, done=done)], YEAR)
    return r, r.entries[0]


def test_period_problems_in_the_reader_carry_their_cell():
    r, e = _read("Tháng 5", "Năm 2024")
    assert [(p.code, p.severity, p.cell) for p in r.problems] == [
        ("missing_year", "warning", "D3"),
        ("outside_year", "warning", "G3"),
    ]
    assert not e.has_error
    r, e = _read(None, "xyz")
    assert [(p.code, p.severity, p.cell) for p in r.problems] == [
        ("missing_period", "error", "D3"),
        ("invalid_period", "error", "G3"),
    ]
    assert e.has_error and e.build is None and e.done is None


def test_completion_before_build_is_on_completion_cell():
    r, e = _read("Tháng 9/2023", "Quý II/2023")
    assert [(p.code, p.severity, p.cell) for p in r.problems] == [("completion_before_build", "error", "G3")]
    assert e.has_error


def test_completion_in_same_month_or_overlapping_is_fine():
    for build, done in [
        ("Tháng 5/2023", "Tháng 5/2023"),
        ("Quý II/2023", "Tháng 5/2023"),
        ("Năm 2023", "Tháng 12/2023"),
    ]:
        r, e = _read(build, done)
        assert r.problems == [], (build, done)


def test_date_cells_in_reader():
    r, e = _read(dt.datetime(2023, 4, 20), 45275)  # 45275 = 2023-12-15
    assert e.build.to_dict() == {"from": "2023-04", "to": "2023-04"}
    assert e.done.to_dict() == {"from": "2023-12", "to": "2023-12"}
    assert r.problems == []


@pytest.mark.parametrize(
    "value, start, end",
    [
        ("Quí II/2023", "2023-04", "2023-06"),
        ("Quí 3 năm 2023", "2023-07", "2023-09"),
        ("quí IV/2023", "2023-10", "2023-12"),
        ("Đầu năm 2023", "2023-01", "2023-03"),
        ("Cuối năm 2023", "2023-10", "2023-12"),
        ("Giữa năm 2023", "2023-06", "2023-07"),
        ("Hết năm 2023", "2023-12", "2023-12"),
        ("Đến hết năm 2023", "2023-12", "2023-12"),
        ("Từ tháng 5 đến hết năm 2023", "2023-05", "2023-12"),
        # A deadline: the month it falls in.
        ("Trước 30/6/2023", "2023-06", "2023-06"),
        ("Chậm nhất tháng 6/2023", "2023-06", "2023-06"),
        ("Hạn 30/6/2023", "2023-06", "2023-06"),
        ("Từ đầu năm đến cuối năm 2023", "2023-01", "2023-12"),
        ("cuoi nam 2023", "2023-10", "2023-12"),
    ],
)
def test_the_ways_people_write_parts_of_the_year(value, start, end):
    r = parse_period(value, YEAR)
    assert r.code is None, r.message
    assert r.period.to_dict() == {"from": start, "to": end}


@pytest.mark.parametrize(
    "value", ["Thường xuyên", "thường xuyên.", "Thuong xuyen", "Thường xuyên năm 2023", "Quanh năm"]
)
def test_ongoing_work_is_the_campaign_year_with_a_warning(value):
    r = parse_period(value, YEAR)
    assert r.code == "vague_period" and not r.is_error
    assert r.period.to_dict() == {"from": "2023-01", "to": "2023-12"}
    assert "cả năm 2023" in r.message and "Quý II/2023" in r.message


def test_a_whole_year_without_its_year_is_the_campaign_year_with_a_warning():
    r = parse_period("Cả năm", YEAR)
    assert r.code == "missing_year" and not r.is_error
    assert r.period.to_dict() == {"from": "2023-01", "to": "2023-12"}
    assert parse_period("Cuối năm", YEAR).code == "missing_year"


def test_ongoing_work_in_another_year_is_outside_the_year():
    assert parse_period("Thường xuyên năm 2022", YEAR).code == "outside_year"


def test_a_vague_period_is_a_warning_in_the_reader_and_the_row_counts():
    r, e = _read("Thường xuyên", "Cuối năm 2023")
    assert [(p.code, p.severity, p.cell) for p in r.problems] == [("vague_period", "warning", "D3")]
    assert not e.has_error and e.done.to_dict() == {"from": "2023-10", "to": "2023-12"}

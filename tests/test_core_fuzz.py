"""No grid makes the reader (or the whole core) raise."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from danvan_sheets.core import legacy
from danvan_sheets.core.reader import read_tab
from danvan_sheets.core.summary import build_report
from danvan_sheets.core.tables import all_tables
from tests.helpers_forms import AS_OF, HEADER, NUMBERING, REAL_TEXTS, TOTAL, YEAR, campaign, unit

FORM_WORDS = (
    REAL_TEXTS
    + HEADER
    + NUMBERING
    + TOTAL
    + [
        "I",
        "II",
        "III",
        "IV",
        "Mô hình….",
        "…",
        "...",
        "Ghi chú",
        "Tổng số",
        "Đơn vị:",
        "Lĩnh vực",
        "Thời gian",
        "Xây dựng",
        "Hoàn thành",
        "01",
        "1.0",
        "Quý V/2023",
        "Tháng 4 - 6/2023",
        "ngày tháng năm",
        "=SUM(A1)",
        "\u00a0",
        "\u200b",
        "\u00ad",
    ]
)

text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=50, max_size=300),
    st.sampled_from(FORM_WORDS),
    st.sampled_from(REAL_TEXTS).map(lambda s: legacy.encode(s, "tcvn3")),
    st.sampled_from(REAL_TEXTS).map(lambda s: legacy.encode(s, "vni")),
)
cell = st.one_of(
    st.none(),
    text,
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    st.dates(),
)
ragged = st.lists(st.lists(cell, max_size=10), max_size=25)
model_row = st.lists(cell, min_size=0, max_size=9)


@st.composite
def form_grids(draw):
    """A grid with a real header somewhere, so the fuzz reaches row parsing."""
    top = draw(st.lists(st.lists(cell, max_size=5), max_size=3))
    offset = draw(st.integers(0, 3))
    head = [h.strip() for h in HEADER]
    if draw(st.booleans()):
        head = head[:1] + ["Lĩnh vực"] + head[1:]
    body = draw(st.lists(model_row, max_size=20))
    return top + [[None] * offset + head] + [[None] * offset + r for r in body]


FUZZ = hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _no_crash(reading):
    assert [p for p in reading.problems if p.code == "unreadable_tab"] == []
    for p in reading.problems:
        assert p.severity in ("error", "warning") and p.message and p.cell
    for e in reading.entries:
        e.to_dict()


@FUZZ
@given(ragged)
def test_read_tab_never_raises_on_arbitrary_grids(rows):
    _no_crash(read_tab("Tab", rows, YEAR))


@FUZZ
@given(form_grids())
def test_read_tab_never_raises_on_grids_with_a_header(rows):
    reading = read_tab("Tab", rows, YEAR)
    _no_crash(reading)
    assert reading.header_row is not None


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["DB1", "Đảng bộ Cục Thuế", "Sheet1", "Tổng hợp", "CB1"]), st.one_of(ragged, form_grids())
        ),
        max_size=4,
    )
)
def test_whole_core_never_raises(tabs):
    readings = [(None, read_tab(title, rows, YEAR)) for title, rows in tabs]
    units = [unit("DB1", "Đảng bộ Cục Thuế"), unit("CB1", "Chi bộ Bia", "chi_bo_co_so")]
    report = build_report(units, readings, campaign(), AS_OF)
    report.to_dict()
    all_tables(report, dt.datetime(2023, 5, 2))
    for v in report.units:
        assert v.status in ("dat", "chua_dat", "chua_dang_ky")
        assert sum(v.by_field.values()) == v.models
    # Without a registry the core infers units from tab names; that must not raise either.
    build_report([], readings, campaign(), AS_OF).to_dict()


def test_non_list_inputs_do_not_raise():
    for rows in (None, "abc", 5, [None, 3, "x"], [(1, 2), ["a"]]):
        _no_crash(read_tab("Tab", rows, YEAR))


merges = st.lists(
    st.tuples(st.integers(-2, 30), st.integers(-2, 30), st.integers(-2, 12), st.integers(-2, 12)), max_size=6
)


@FUZZ
@given(form_grids(), merges)
def test_read_tab_never_raises_with_any_merges(rows, ranges):
    _no_crash(read_tab("Tab", rows, YEAR, ranges))

"""Issue 18: the history skips a unit whose tab is unchanged (a fingerprint of its grid)."""

from __future__ import annotations

import datetime as dt
import sqlite3

from danvan_sheets.config import parse_settings
from danvan_sheets.history import record_run, timeline
from tests.helpers_forms import model
from tests.test_history_store import FULL, report_of, settings_for

TABLES = ("rows", "contents", "content_rows", "unit_snapshots")


def counts(db) -> dict[str, int]:
    with sqlite3.connect(db) as c:
        return {t: c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_an_unchanged_tab_stores_nothing_new_and_is_not_encoded_again(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    r1, d1 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    first = record_run(db, r1, d1, dt.datetime(2023, 4, 20, 9, 0), "xlsx:a.xlsx")
    before = counts(db)
    # A new read of the same tab (new objects, equal cells), as the next cron run gets it.
    r2, d2 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    second = record_run(db, r2, d2, dt.datetime(2023, 4, 20, 10, 0), "xlsx:a.xlsx")
    assert (first.reused, second.reused) == (0, 1)  # Cục Thuế's rows taken as stored; Bia has no tab
    assert second.changed == 0 and counts(db) == before

    # A change is still stored: one edited model is one new row, one new content, one snapshot.
    edited = {
        **FULL,
        "kinh_te": [model(1, "Vận động doanh nghiệp dùng hóa đơn điện tử", quantity=2), FULL["kinh_te"][1]],
    }
    r3, d3 = report_of(s, {"Đảng bộ Cục Thuế": edited})
    third = record_run(db, r3, d3, dt.datetime(2023, 4, 20, 11, 0), "xlsx:a.xlsx")
    after = counts(db)
    assert third.reused == 0 and third.changed == 1
    assert after["rows"] == before["rows"] + 1 and after["contents"] == before["contents"] + 1
    assert after["unit_snapshots"] == before["unit_snapshots"] + 1
    assert timeline(db, "DB-THUE").events[-1].edited == ["Vận động doanh nghiệp dùng hóa đơn điện tử"]
    # And going back to the first grid is recognised as a change too (fingerprints are per last snapshot).
    r4, d4 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    assert record_run(db, r4, d4, dt.datetime(2023, 4, 20, 12, 0), "xlsx:a.xlsx").changed == 1


def test_a_change_outside_the_models_adds_no_snapshot_and_is_then_skipped(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    r1, d1 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    record_run(db, r1, d1, dt.datetime(2023, 4, 20, 9, 0))
    r2, d2 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    d2.tabs[0].rows[0] = [d2.tabs[0].rows[0][0] + " (bản cập nhật)"]  # the title line, not a model
    before = counts(db)
    second = record_run(db, r2, d2, dt.datetime(2023, 4, 20, 10, 0))
    assert second.reused == 0 and second.changed == 0 and counts(db) == before
    assert len(timeline(db, "DB-THUE").events) == 1
    r3, d3 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    d3.tabs[0].rows[0] = list(d2.tabs[0].rows[0])
    assert record_run(db, r3, d3, dt.datetime(2023, 4, 20, 11, 0)).reused == 1


def test_new_campaign_rules_read_an_unchanged_tab_again(tmp_path):
    """The stored rows say which models are mandatory: new keywords must not reuse last run's reading."""
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    r1, d1 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    record_run(db, r1, d1, dt.datetime(2023, 4, 20, 9, 0))
    raw = {**s.raw, "mandatory": [{"key": "hoa_don", "name": "Hóa đơn điện tử", "keywords": ["hóa đơn"]}]}
    s2 = parse_settings(raw)
    r2, d2 = report_of(s2, {"Đảng bộ Cục Thuế": FULL})
    second = record_run(db, r2, d2, dt.datetime(2023, 4, 20, 10, 0))
    assert second.reused == 0 and second.changed == 1
    with sqlite3.connect(db) as c:
        assert (
            c.execute('SELECT COUNT(*) FROM rows WHERE parsed_json LIKE \'%"mandatory":"hoa_don"%\'').fetchone()[0] == 1
        )

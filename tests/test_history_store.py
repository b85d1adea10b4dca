"""The SQLite history: dedup, timeline, lost rows, lateness, restore points, crash and concurrency safety."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from danvan_sheets.config import parse_settings
from danvan_sheets.core.model import Unit
from danvan_sheets.errors import ConfigError
from danvan_sheets.grid import Tab
from danvan_sheets.history import (
    compare,
    extra_reasons,
    parse_when,
    record_and_compare,
    record_run,
    snapshot_at,
    timeline,
)
from danvan_sheets.pipeline import report_from_data
from danvan_sheets.sources import SourceData
from tests.helpers_forms import MANDATORY_CDS, MANDATORY_HP, model, seed_form

REPO = Path(__file__).resolve().parents[1]
UNITS = [Unit("DB-THUE", "Đảng bộ Cục Thuế", "dang_bo_co_so", "vp.thue@example.vn"),
         Unit("CB-BIA", "Chi bộ Công ty Bia", "chi_bo_co_so", "cb.bia@example.vn")]
FULL = {
    "kinh_te": [model(1, "Vận động doanh nghiệp dùng hóa đơn điện tử"), model(2, MANDATORY_CDS)],
    "van_hoa_xa_hoi": [model(1, "Cơ quan văn hóa, xanh – sạch – đẹp"), model(2, MANDATORY_HP)],
}


def settings_for(db: Path, grace: int = 0):
    return parse_settings({
        "campaign": {"year": 2023, "deadline": dt.date(2023, 4, 25), "grace_days": grace},
        "quota": {"dang_bo_co_so": 2, "chi_bo_co_so": 1, "doan_the": 2},
        "mandatory": [
            {"key": "chuyen_doi_so", "name": "Lãnh đạo thực hiện chuyển đổi số", "keywords": ["chuyển đổi số"]},
            {"key": "co_quan_hanh_phuc", "name": "Cơ quan, đơn vị, doanh nghiệp hạnh phúc", "keywords": ["hạnh phúc"],
             "any_keywords": ["cơ quan", "đơn vị", "doanh nghiệp"]},
        ],
        "history": {"path": str(db)},
    })


def report_of(settings, rows_by_unit: dict[str, dict], as_of=dt.date(2023, 4, 20)):
    tabs = [Tab(name, seed_form(name, rows)) for name, rows in rows_by_unit.items()]
    data = SourceData(tabs)
    return report_from_data(data, UNITS, settings, as_of), data


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as c:
        return c.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_second_identical_run_adds_no_content(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    report, data = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    first = record_run(db, report, data, dt.datetime(2023, 4, 20, 9, 0), "xlsx:a.xlsx")
    rows_after_first = count(db, "rows")
    second = record_run(db, report, data, dt.datetime(2023, 4, 20, 10, 0), "xlsx:a.xlsx")
    assert (first.changed, second.changed) == (2, 0)
    assert count(db, "rows") == rows_after_first == 4
    assert count(db, "unit_snapshots") == 2 and count(db, "runs") == 2
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_raw_cells_and_parsed_values_are_kept(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    rows = {"kinh_te": [model(1, "Mô hình A", quantity="01", build=dt.datetime(2023, 5, 1))]}
    report, data = report_of(s, {"Đảng bộ Cục Thuế": rows})
    record_run(db, report, data, dt.datetime(2023, 4, 20, 9, 0))
    state = snapshot_at(db, "DB-THUE", dt.datetime(2023, 4, 21))
    (row,) = state.rows
    assert row.raw["cells"]["quantity"] == "01"
    assert row.raw["cells"]["build"] == dt.datetime(2023, 5, 1)  # the date cell survives the JSON round trip
    assert row.raw["row"][1] == "Mô hình A"
    assert row.parsed["quantity"] == 1 and row.parsed["build"] == {"from": "2023-05", "to": "2023-05"}


def test_deleted_rows_are_reported_and_still_retrievable(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    before, data1 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    record_and_compare(s, before, data1, dt.datetime(2023, 4, 20, 9, 0))
    fewer = {"kinh_te": FULL["kinh_te"], "van_hoa_xa_hoi": [FULL["van_hoa_xa_hoi"][1]]}
    after, data2 = report_of(s, {"Đảng bộ Cục Thuế": fewer})
    found = record_and_compare(s, after, data2, dt.datetime(2023, 4, 21, 9, 0))

    lost = found.units["DB-THUE"].disappeared
    assert [d.name for d in lost] == ["Cơ quan văn hóa, xanh – sạch – đẹp"]
    assert lost[0].field == "van_hoa_xa_hoi" and lost[0].noticed_at == dt.datetime(2023, 4, 21, 9, 0)
    (reason,) = [r for r in extra_reasons(found)["DB-THUE"] if "bị xóa" in r]
    assert "1 mô hình đã bị xóa" in reason and "danvan restore DB-THUE --at \"2023-04-20 09:00:00\"" in reason

    old = snapshot_at(db, "DB-THUE", lost[0].restore_at)
    assert "Cơ quan văn hóa, xanh – sạch – đẹp" in [r.name for r in old.rows]
    now = snapshot_at(db, "DB-THUE", dt.datetime(2023, 4, 22))
    assert "Cơ quan văn hóa, xanh – sạch – đẹp" not in [r.name for r in now.rows]


def test_a_tab_that_is_gone_says_so_and_how_to_get_it_back_without_calling_its_rows_deleted(tmp_path):
    """No tab in a run's source is not the unit deleting its rows: the source may be a copy or a few units' files."""
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    r1, d1 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    record_and_compare(s, r1, d1, dt.datetime(2023, 4, 20, 9, 0))
    r2, d2 = report_of(s, {})
    found = record_and_compare(s, r2, d2, dt.datetime(2023, 4, 21, 9, 0))
    assert r2.units[0].status == "chua_dang_ky"
    h = found.units["DB-THUE"]
    assert h.disappeared == [] and h.tab_gone is not None and h.tab_gone.run_at == dt.datetime(2023, 4, 20, 9, 0)
    (reason,) = extra_reasons(found)["DB-THUE"]
    assert "không thấy trang của đơn vị" in reason
    assert "(trang “Đảng bộ Cục Thuế”, 4 dòng đăng ký, 2 mô hình được tính)" in reason
    assert 'danvan restore DB-THUE --at "2023-04-20 09:00:00"' in reason
    # What restore gives back at any later time is the tab as last seen, never an empty form.
    later = snapshot_at(db, "DB-THUE", dt.datetime(2023, 4, 22))
    assert later.snapshot.run_at == dt.datetime(2023, 4, 20, 9, 0) and len(later.rows) == 4


def test_a_tab_whose_rows_all_had_errors_is_still_missed_when_it_is_gone(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    r1, d1 = report_of(s, {"Đảng bộ Cục Thuế": {"kinh_te": [model(1, "Mô hình A", quantity="hai")]}})
    assert r1.units[0].models == 0
    record_and_compare(s, r1, d1, dt.datetime(2023, 4, 20, 9, 0))
    r2, d2 = report_of(s, {})
    (reason,) = extra_reasons(record_and_compare(s, r2, d2, dt.datetime(2023, 4, 21, 9, 0)))["DB-THUE"]
    assert "1 dòng đăng ký, 0 mô hình được tính" in reason


def test_a_run_without_the_tab_leaves_no_false_deletion_in_the_timeline(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    for day, tabs in ((20, {"Đảng bộ Cục Thuế": FULL}), (21, {}), (22, {"Đảng bộ Cục Thuế": FULL})):
        r, d = report_of(s, tabs)
        found = record_and_compare(s, r, d, dt.datetime(2023, 4, day, 9, 0))
        assert found.units["DB-THUE"].disappeared == []
    assert "DB-THUE" not in extra_reasons(found)  # the tab is back: nothing to say
    events = timeline(db, "DB-THUE").events
    assert [e.tab for e in events] == ["Đảng bộ Cục Thuế", None, "Đảng bộ Cục Thuế"]
    assert [(len(e.added), e.removed) for e in events] == [(4, []), (0, []), (0, [])]
    # The lateness still counts the run that saw no tab: đạt on the 20th, so on time.
    assert found.units["DB-THUE"].on_time == "Đúng hạn"


def test_an_edited_cell_is_not_a_lost_row(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    r1, d1 = report_of(
        s, {"Đảng bộ Cục Thuế": {"kinh_te": [model(1, "Mô hình A", location=None), model(2, MANDATORY_CDS)]}}
    )
    record_and_compare(s, r1, d1, dt.datetime(2023, 4, 20, 9, 0))
    r2, d2 = report_of(s, {"Đảng bộ Cục Thuế": {"kinh_te": [model(1, "Mô hình A"), model(2, MANDATORY_CDS)]}})
    found = record_and_compare(s, r2, d2, dt.datetime(2023, 4, 21, 9, 0))
    assert found.units["DB-THUE"].disappeared == []
    tl = timeline(db, "dang bo cuc thue")  # name, diacritics-insensitive
    assert [e.edited for e in tl.events] == [[], ["Mô hình A"]]


def test_lateness_against_deadline_and_grace(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db, grace=3)
    partial = {"kinh_te": [model(1, "Mô hình A")]}
    r1, d1 = report_of(
        s,
        {
            "Đảng bộ Cục Thuế": partial,
            "Chi bộ Công ty Bia": {
                "kinh_te": [model(1, "Mô hình B"), model(2, MANDATORY_CDS)],
                "van_hoa_xa_hoi": [model(1, MANDATORY_HP)],
            },
        },
    )
    f1 = record_and_compare(s, r1, d1, dt.datetime(2023, 4, 20, 9, 0))
    assert f1.units["CB-BIA"].on_time == "Đúng hạn"
    assert f1.units["DB-THUE"].on_time == ""  # not met yet, deadline not passed

    # Met on 27/04: after the deadline (25/04) but inside 3 grace days -> on time.
    r2, d2 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    f2 = record_and_compare(s, r2, d2, dt.datetime(2023, 4, 28, 23, 0))
    assert f2.units["DB-THUE"].on_time == "Đúng hạn"
    assert f2.units["DB-THUE"].lateness.met_at == dt.datetime(2023, 4, 28, 23, 0)


def test_met_after_grace_is_late_and_unmet_after_grace_is_late(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db, grace=1)
    # Lateness is judged on the report's as-of date, here the day of each run.
    r1, d1 = report_of(s, {"Đảng bộ Cục Thuế": {"kinh_te": [model(1, "Mô hình A")]}}, as_of=dt.date(2023, 4, 27))
    f1 = record_and_compare(s, r1, d1, dt.datetime(2023, 4, 27, 8, 0))
    assert f1.units["DB-THUE"].on_time == "Trễ hạn" and f1.units["DB-THUE"].lateness.met_at is None
    assert "Đã quá hạn 26/04/2023 mà chưa đạt" in " ".join(extra_reasons(f1)["DB-THUE"])
    r2, d2 = report_of(s, {"Đảng bộ Cục Thuế": FULL}, as_of=dt.date(2023, 4, 30))
    f2 = record_and_compare(s, r2, d2, dt.datetime(2023, 4, 30, 8, 0))
    assert f2.units["DB-THUE"].on_time == "Trễ hạn" and f2.units["DB-THUE"].lateness.met_at.day == 30
    # Once met, a later slip does not change when it first met its quota.
    r3, d3 = report_of(s, {"Đảng bộ Cục Thuế": {"kinh_te": [model(1, "Mô hình A")]}})
    f3 = record_and_compare(s, r3, d3, dt.datetime(2023, 5, 2, 8, 0))
    assert f3.units["DB-THUE"].lateness.met_at == dt.datetime(2023, 4, 30, 8, 0)


def test_already_dat_when_first_seen_after_the_deadline_is_unknown_not_late(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    r, d = report_of(s, {"Đảng bộ Cục Thuế": FULL}, as_of=dt.date(2023, 6, 1))
    f = record_and_compare(s, r, d, dt.datetime(2023, 6, 1, 8, 0))
    assert f.units["DB-THUE"].lateness.key == "chua_ro" and f.units["DB-THUE"].on_time == "Chưa rõ"
    assert "DB-THUE" not in extra_reasons(f)


def test_timeline_lists_changes_in_order(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    for when, rows in [(dt.datetime(2023, 4, 18, 8, 0), {"kinh_te": [model(1, "Mô hình A")]}),
                       (dt.datetime(2023, 4, 19, 8, 0), {"kinh_te": [model(1, "Mô hình A")]}),
                       (dt.datetime(2023, 4, 20, 8, 0), FULL)]:
        r, d = report_of(s, {"Đảng bộ Cục Thuế": rows})
        record_run(db, r, d, when)
    tl = timeline(db, "DB-THUE")
    assert [e.run_at.day for e in tl.events] == [18, 20]  # the unchanged run added nothing
    assert tl.last_seen == dt.datetime(2023, 4, 20, 8, 0)
    assert [e.status for e in tl.events] == ["chua_dat", "dat"]
    assert tl.events[0].added == ["Mô hình A"]
    assert len(tl.events[1].added) == 4 and tl.events[1].removed == ["Mô hình A"]
    assert timeline(db, "không có") is None
    assert snapshot_at(db, "DB-THUE", dt.datetime(2023, 4, 17)) is None
    assert len(snapshot_at(db, "DB-THUE", parse_when("2023-04-19")).rows) == 1


def test_status_change_without_edit_is_recorded_but_loses_nothing(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    r1, d1 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    record_and_compare(s, r1, d1, dt.datetime(2023, 4, 20, 9, 0))
    s2 = parse_settings({**s.raw, "quota": {"dang_bo_co_so": 5, "chi_bo_co_so": 1, "doan_the": 2}})
    r2, d2 = report_of(s2, {"Đảng bộ Cục Thuế": FULL})
    f2 = record_and_compare(s2, r2, d2, dt.datetime(2023, 4, 21, 9, 0))
    assert f2.run.changed == 1 and f2.units["DB-THUE"].disappeared == []
    assert [e.status for e in timeline(db, "DB-THUE").events] == ["dat", "chua_dat"]


@pytest.mark.parametrize("text, expected", [
    ("2023-04-25", dt.datetime(2023, 4, 25, 23, 59, 59)),
    ("2023-04-25 14:30", dt.datetime(2023, 4, 25, 14, 30, 59)),
    ("2023-04-25 14:30:05", dt.datetime(2023, 4, 25, 14, 30, 5)),
    ("2023-04-25T14:30", dt.datetime(2023, 4, 25, 14, 30, 59)),
    ("2023-04-25T14:30:05", dt.datetime(2023, 4, 25, 14, 30, 5)),
    ("25/04/2023", dt.datetime(2023, 4, 25, 23, 59, 59)),
])
def test_parse_when(text, expected):
    assert parse_when(text) == expected


@pytest.mark.parametrize("text", ["", "hôm qua", "2023-13-01", "2023-02-30 10:00"])
def test_parse_when_rejects_in_vietnamese(text):
    with pytest.raises(ConfigError, match="không hợp lệ"):
        parse_when(text)


# --- crash and concurrency -------------------------------------------------------------------

_CHILD = r"""
import datetime as dt, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.test_history_store import settings_for, report_of, FULL
from danvan_sheets.history import record_run

db, marker, release = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
s = settings_for(db)
r, d = report_of(s, {{"Đảng bộ Cục Thuế": FULL, "Chi bộ Công ty Bia": FULL}})

def hold():
    marker.write_text("inside")
    while not release.exists():
        time.sleep(0.01)

record_run(db, r, d, dt.datetime(2023, 4, 20, 9, 0), "child", during_write=hold)
print("done")
"""


def _start_child(tmp_path: Path, db: Path):
    script = tmp_path / "child.py"
    script.write_text(_CHILD.format(repo=str(REPO)), encoding="utf-8")
    marker, release = tmp_path / "marker", tmp_path / "release"
    proc = subprocess.Popen([sys.executable, str(script), str(db), str(marker), str(release)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not marker.exists():  # the child is now inside its write transaction
        if proc.poll() is not None:
            pytest.fail(f"child exited early: {proc.stderr.read()}")
        threading.Event().wait(0.01)
    return proc, release


def test_a_run_killed_mid_write_leaves_the_database_consistent(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    r, d = report_of(s, {"Đảng bộ Cục Thuế": {"kinh_te": [model(1, "Mô hình A")]}})
    record_run(db, r, d, dt.datetime(2023, 4, 19, 9, 0))
    before = {t: count(db, t) for t in ("runs", "rows", "unit_snapshots", "content_rows")}

    proc, _release = _start_child(tmp_path, db)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert {t: count(db, t) for t in before} == before  # nothing of the killed run remains

    r2, d2 = report_of(s, {"Đảng bộ Cục Thuế": FULL})
    rec = record_run(db, r2, d2, dt.datetime(2023, 4, 20, 10, 0))
    assert rec.changed == 1 and count(db, "runs") == 2  # only Cục Thuế changed
    assert len(snapshot_at(db, "DB-THUE", dt.datetime(2023, 4, 21)).rows) == 4


def test_a_second_run_waits_for_the_first_instead_of_failing(tmp_path):
    db = tmp_path / "h.sqlite"
    s = settings_for(db)
    record_run(db, *report_of(s, {}), dt.datetime(2023, 4, 19, 9, 0))  # schema exists before the race
    proc, release = _start_child(tmp_path, db)
    r, d = report_of(s, {"Đảng bộ Cục Thuế": {"kinh_te": [model(1, "Mô hình A")]}})
    results, errors = [], []

    def second():
        try:
            results.append(compare(db, r, record_run(db, r, d, dt.datetime(2023, 4, 20, 9, 30), "person"), 0))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=second)
    t.start()
    release.write_text("go")
    out, err = proc.communicate()
    t.join()
    assert proc.returncode == 0, err
    assert out.strip() == "done" and not errors and len(results) == 1
    with sqlite3.connect(db) as c:
        assert sorted(x for (x,) in c.execute("SELECT source FROM runs")) == ["", "child", "person"]
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

"""History of every pull (SQLite): what each unit had, when it met its quota, what it deleted.

The lead wires `record_and_compare` into `check` and `aggregate`; the rest is
for `danvan history`, `danvan restore` and `danvan remind`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from danvan_sheets.campaign.key import CampaignKey, campaign_key, campaign_of
from danvan_sheets.history import store
from danvan_sheets.history.findings import COLUMNS, HistoryFindings, UnitHistory, extra_reasons
from danvan_sheets.history.store import RunRecord, record_run
from danvan_sheets.history.timeline import (
    disappeared_of,
    due_date,
    lateness_of,
    parse_when,
    previous_content,
    snapshot_at,
    timeline,
)



def db_path(settings) -> Path:
    """`[history] path` (relative to the configuration file), else history.sqlite in the data folder."""
    return settings.files.history


def grace_days(settings) -> int:
    return settings.grace_days


def compare(path: str | Path, report, run: RunRecord, grace: int) -> HistoryFindings:
    """Lateness and lost rows of every unit in `report`, as of the recorded `run`."""
    due = due_date(report.campaign, grace)
    units: dict[str, UnitHistory] = {}
    with store.opened(path) as conn:
        for v in report.units:
            # Only this run's campaign: last year's runs, or a test copy's, say nothing about this sheet.
            snaps = [s for s in store.unit_snapshots(conn, v.unit.code, run.campaign_id) if s.run_id <= run.id]
            # Judged on the report's as-of date, so `--as-of` looks at the campaign on that day.
            h = UnitHistory(v.unit.code, lateness_of(snaps, due, report.as_of))
            # Only runs that found the unit's tab say what is on it: a run of a source without the
            # tab (a copy, a folder of a few units' files, a tab renamed away) is not a deletion.
            tabbed = [s for s in snaps if s.tab]
            prev, first_cur = previous_content(tabbed)
            if prev is not None and first_cur is not None:
                h.disappeared = disappeared_of(store.content_rows(conn, prev.hash), store.content_rows(conn, first_cur.hash),
                                               first_cur.run_at, prev.run_at)
            if snaps and not snaps[-1].tab and tabbed:
                rows = len(store.content_rows(conn, tabbed[-1].hash))
                if rows:  # rows with errors count too: they are what the unit typed
                    h.tab_gone, h.tab_gone_rows = tabbed[-1], rows
            units[v.unit.code] = h
    return HistoryFindings(run, units, tabs_are_files=report.tabs_are_files)


def record_and_compare(settings, report, data, run_at: dt.datetime, source: Any = "") -> HistoryFindings:
    """Store this run (only what changed) and say, per unit, Đúng hạn/Trễ hạn and which rows vanished.

    The run belongs to the campaign of the report's year and `source` (a Source or a spec as written).
    """
    path = db_path(settings)
    run = record_run(path, report, data, run_at, source)
    return compare(path, report, run, grace_days(settings))


__all__ = [
    "COLUMNS", "CampaignKey", "campaign_key", "campaign_of", "HistoryFindings", "RunRecord", "UnitHistory", "compare", "db_path",
    "extra_reasons", "grace_days", "parse_when", "record_and_compare", "record_run", "snapshot_at", "timeline",
]

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
from danvan_sheets.history.findings import COLUMNS, HistoryFindings, UnitHistory, damaged_notice, extra_reasons
from danvan_sheets.history.store import RunRecord, record_run
from danvan_sheets.history.timeline import (
    Lateness,
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
    """Lateness and lost rows of every unit in `report`, as of the recorded `run`.

    A unit whose stored history has a damaged row gets no finding at all (a guess from the
    rest could call a row deleted that is not): it is named in `findings.damaged` instead.
    """
    due = due_date(report.campaign, grace)
    units: dict[str, UnitHistory] = {}
    damaged: list[store.Damage] = []
    skipped: list[str] = []
    with store.opened(path) as conn:
        for v in report.units:
            try:
                units[v.unit.code] = _unit_history(conn, v, run, due, report.as_of)
            except store.DamagedHistory as exc:
                damaged.extend(exc.damages)
                skipped.append(v.unit.code)
                # Blank, not absent: the summary's Thời hạn column stays empty for it, not guessed.
                units[v.unit.code] = UnitHistory(v.unit.code, Lateness(None, None, due))
    return HistoryFindings(run, units, tabs_are_files=report.tabs_are_files,
                           damaged=list(dict.fromkeys(damaged)), skipped=skipped)


def _unit_history(conn, v, run: RunRecord, due: dt.date, as_of: dt.date) -> UnitHistory:
    # Only this run's campaign: last year's runs, or a test copy's, say nothing about this sheet.
    snaps = [s for s in store.unit_snapshots(conn, v.unit.code, run.campaign_id) if s.run_id <= run.id]
    # Judged on the report's as-of date, so `--as-of` looks at the campaign on that day.
    h = UnitHistory(v.unit.code, lateness_of(snaps, due, as_of))
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
    return h


def record_and_compare(settings, report, data, run_at: dt.datetime, source: Any = "") -> HistoryFindings:
    """Store this run (only what changed) and say, per unit, Đúng hạn/Trễ hạn and which rows vanished.

    The run belongs to the campaign of the report's year and `source` (a Source or a spec as written).
    """
    path = db_path(settings)
    run = record_run(path, report, data, run_at, source)
    findings = compare(path, report, run, grace_days(settings))
    if findings.damaged:
        # Like a history that cannot be opened: said, and the verdicts stand on what was read.
        report.notices.append(damaged_notice(findings, path))
    return findings


def record_lock_changes(settings, source: Any, changes: list, at: dt.datetime) -> None:
    """Store what a lock run changed: [(Unit, "locked" | "reopened", last editing day)], in the
    campaign of the configuration's year and `source`, like the runs."""
    from danvan_sheets.errors import DanvanError, SourceError

    records = [store.LockRecord(u.code, u.name, action, at, due) for u, action, due in changes]
    try:
        store.record_locks(db_path(settings), campaign_key(settings.campaign.year, source), records)
    except DanvanError as exc:
        # The sheet has already changed: say that first, then why the record is missing.
        raise SourceError(f"Đã đổi vùng khóa trên bảng tính, nhưng không ghi được vào lịch sử: {exc}") from None


__all__ = [
    "COLUMNS",
    "CampaignKey",
    "campaign_key",
    "campaign_of",
    "HistoryFindings",
    "RunRecord",
    "UnitHistory",
    "compare",
    "db_path",
    "extra_reasons",
    "grace_days",
    "parse_when",
    "record_and_compare",
    "record_lock_changes",
    "record_run",
    "snapshot_at",
    "timeline",
]

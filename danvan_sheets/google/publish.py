"""aggregate's Google step: the summary into the spreadsheet it was read from, and the notes on
the units' problem cells, in one spreadsheets:batchUpdate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from danvan_sheets.core.model import Report
from danvan_sheets.core.tables import all_tables, summary_title
from danvan_sheets.errors import SourceError
from danvan_sheets.google.lock import LockPlan
from danvan_sheets.sources import SourceData

if TYPE_CHECKING:
    from danvan_sheets.google.notes import NotePlan

WHAT = "ghi trang tổng hợp"


@dataclass(frozen=True)
class LockAsked:
    """[google] lock_after_deadline for this run: units edit through `due` (or their extension)."""

    due: dt.date
    staff: tuple[str, ...]


@dataclass
class Published:
    summary: bool = False  # the summary tabs were (re)written
    notes_written: int = 0
    notes_removed: int = 0
    lock: LockPlan | None = None  # what the lock after the deadline planned and sent

    def __bool__(self) -> bool:
        return self.summary or bool(self.notes_written or self.notes_removed) or bool(self.lock and self.lock.requests)


def publish_summary(data: SourceData, report: Report, compiled_at: dt.datetime, notes: bool = False,
                    lock: LockAsked | None = None, clear_notes: bool = False) -> Published:
    """Write what changed; nothing is sent when the sheet already says it all.

    notes: also bring our notes on the units' problem cells up to date (google/notes.py), in the
    same single write request. clear_notes (notes turned off for good, [google] notes = false):
    remove the notes we wrote earlier instead, in that same request; they say they vanish once
    the cell is fixed, and with notes off no run would ever remove them. lock: also turn the
    units' tabs staff-only once their editing days are over (google/lock.py), in that same request.
    """
    import gspread

    from danvan_sheets.google.errors import is_google_failure, translate
    from danvan_sheets.sources.gsheet import fetch_metadata

    pulled, client = data.extra["pulled"], data.extra["client"]
    identity, session = data.extra["identity"], data.extra["session"]
    current = {summary_title(t.title): t.rows for t in pulled.tabs if summary_title(t.title)}
    tables = all_tables(report, compiled_at)
    metadata = pulled.metadata
    note_plan = _note_plan(pulled, report, clear=clear_notes and not notes) if notes or clear_notes else None
    note_reqs = note_plan.requests if note_plan is not None else []
    plan = _lock_plan(pulled, metadata, report, lock, identity.email) if lock else None
    for attempt in (1, 2):
        try:
            out = _write(client, pulled.key, metadata, current, tables, note_reqs + (plan.requests if plan else []))
            out.lock = plan
            if note_plan is not None:
                # Counted by what each request does to our block: taking it out of a note that keeps
                # a clerk's reply still writes a note, but is a removal.
                out.notes_written, out.notes_removed = note_plan.written, note_plan.removed
            return out
        except gspread.exceptions.APIError as exc:
            # A retried batch whose first try did land: its addSheet now collides.
            # Re-read the tab list once and write over the tabs that exist.
            if attempt == 1 and getattr(exc.response, "status_code", None) == 400 and "already exists" in str(exc):
                try:
                    metadata = fetch_metadata(client, pulled.key)
                except Exception as again:  # noqa: BLE001
                    raise translate(again, WHAT, identity.email, session.stats.last_tries) from None
                current = {}
                if plan is not None and lock is not None:
                    # The first try landed, lock included: plan again from the sheet as it is now,
                    # keeping what the first plan changed to report and record.
                    again_plan = _lock_plan(pulled, metadata, report, lock, identity.email)
                    plan.requests = again_plan.requests
                continue
            raise translate(exc, WHAT, identity.email, session.stats.last_tries) from None
        except Exception as exc:  # noqa: BLE001 - requests and google-auth (token) failures
            if is_google_failure(exc):
                raise translate(exc, WHAT, identity.email, session.stats.last_tries, write=True) from None
            raise
    raise SourceError("Không ghi được trang tổng hợp.")


def _note_plan(pulled, report: Report, clear: bool = False) -> NotePlan:
    from danvan_sheets.google.notes import note_requests, parse_notes, wanted_notes

    unit_ids = {t.title: t.sheet_id or 0 for t in pulled.tabs if not summary_title(t.title)}
    wanted = {} if clear else wanted_notes(report, unit_ids)
    return note_requests(parse_notes(pulled.metadata), wanted, set(unit_ids.values()))


def _lock_plan(pulled, metadata: dict, report: Report, lock: LockAsked, caller: str | None) -> LockPlan:
    from danvan_sheets.google.lock import plan_lock

    ids = {t.title: t.sheet_id or 0 for t in pulled.tabs}
    tabs = {v.unit.code: ids[v.tab] for v in report.units if v.tab in ids}
    return plan_lock(metadata, tabs, [v.unit for v in report.units], list(lock.staff), caller, report.as_of, lock.due)


def _write(client, key: str, metadata: dict, current: dict, tables, extra: list[dict]) -> Published:
    """`extra`: the notes' updateCells and the lock's protected-range requests, sent with the summary."""
    from danvan_sheets.writers.gsheet_summary import summary_requests

    # Keyed by our canonical title: a summary tab retyped "TỔNG HỢP" is rewritten, not duplicated.
    sheets = {summary_title(s["properties"]["title"]) or s["properties"]["title"]: s["properties"]
              for s in metadata.get("sheets", [])}
    requests = summary_requests(tables, sheets, current)
    out = Published(summary=bool(requests))
    if requests or extra:
        # Google applies a batch all or nothing: the summary, the notes and the lock land together or not at all.
        client.http_client.batch_update(key, {"requests": requests + extra})
    return out

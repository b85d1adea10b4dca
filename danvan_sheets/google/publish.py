"""aggregate's Google step: the summary into the spreadsheet it was read from."""

from __future__ import annotations

import datetime as dt

from danvan_sheets.core.model import Report
from danvan_sheets.core.tables import all_tables, summary_title
from danvan_sheets.errors import SourceError
from danvan_sheets.sources import SourceData


def publish_summary(data: SourceData, report: Report, compiled_at: dt.datetime) -> bool:
    """True when written, False when the sheet already held this summary."""
    import gspread

    from danvan_sheets.google.errors import translate
    from danvan_sheets.sources.gsheet import fetch_metadata
    from danvan_sheets.writers.gsheet_summary import write_summary

    pulled, client = data.extra["pulled"], data.extra["client"]
    identity, session = data.extra["identity"], data.extra["session"]
    current = {summary_title(t.title): t.rows for t in pulled.tabs if summary_title(t.title)}
    tables = all_tables(report, compiled_at)
    metadata = pulled.metadata
    for attempt in (1, 2):
        try:
            return write_summary(client, pulled.key, metadata, current, tables)
        except gspread.exceptions.APIError as exc:
            # A retried batch whose first try did land: its addSheet now collides.
            # Re-read the tab list once and write over the tabs that exist.
            if attempt == 1 and getattr(exc.response, "status_code", None) == 400 and "already exists" in str(exc):
                try:
                    metadata = fetch_metadata(client, pulled.key)
                except Exception as again:  # noqa: BLE001
                    raise translate(again, "ghi trang tổng hợp", identity.email, session.stats.last_tries) from None
                current = {}
                continue
            raise translate(exc, "ghi trang tổng hợp", identity.email, session.stats.last_tries) from None
        except Exception as exc:  # noqa: BLE001 - requests and google-auth (token) failures
            from danvan_sheets.google.errors import is_google_failure

            if is_google_failure(exc):
                raise translate(exc, "ghi trang tổng hợp", identity.email, session.stats.last_tries) from None
            raise
    raise SourceError("Không ghi được trang tổng hợp.")

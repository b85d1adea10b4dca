"""The shared Google spreadsheet, a tab per unit: one metadata request plus one batch read,
whatever the number of tabs. Writing the summary back is google/publish.py's job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from danvan_sheets.grid import Merge, Tab, clip_merges
from danvan_sheets.sources.base import SourceData, SpecSource

SHEETS_URL = "https://sheets.googleapis.com/v4/spreadsheets"


def quote_title(title: str) -> str:
    """A1 sheet reference: always quoted, an inner ' doubled."""
    return "'" + title.replace("'", "''") + "'"


def tab_url(key: str, sheet_id: int) -> str:
    return f"https://docs.google.com/spreadsheets/d/{key}/edit#gid={sheet_id}"


@dataclass
class Pulled:
    key: str
    metadata: dict
    tabs: list[Tab]

    def sheet_ids(self) -> dict[str, int]:
        return {s["properties"]["title"]: s["properties"].get("sheetId", 0) for s in self.metadata.get("sheets", [])}


def fetch_metadata(client, key: str, fields: str | None = None) -> dict:
    """spreadsheets.get without cell values; `fields`, a response mask, in place of the default."""
    return client.http_client.fetch_sheet_metadata(key, params={"fields": fields} if fields else None)


def batch_read(client, key: str, titles: list[str]) -> dict[str, list[list[object]]]:
    """All tabs in one POST values:batchGetByDataFilter.

    A GET values:batchGet carries every range in its URL; Vietnamese titles triple in
    length once percent-encoded, so a few hundred tabs pass the front end's URL limit
    (HTTP 414, an HTML page). The POST form carries the ranges in its body instead.
    """
    if not titles:
        return {}
    body = {
        "dataFilters": [{"a1Range": quote_title(t)} for t in titles],
        # Numbers stay numbers and dates arrive as serial numbers for the reader.
        "valueRenderOption": "UNFORMATTED_VALUE",
        "dateTimeRenderOption": "SERIAL_NUMBER",
        "majorDimension": "ROWS",
    }
    url = f"{SHEETS_URL}/{key}/values:batchGetByDataFilter"
    data = client.http_client.request("post", url, json=body).json()
    by_range = {quote_title(t): t for t in titles}
    out: dict[str, list[list[object]]] = {}
    for i, matched in enumerate(data.get("valueRanges", [])):
        filters = matched.get("dataFilters") or []
        a1 = filters[0].get("a1Range") if filters else None
        title = by_range.get(a1) if a1 else (titles[i] if i < len(titles) else None)
        if title is None:
            continue
        # An empty range has no "values" key at all.
        out[title] = matched.get("valueRange", {}).get("values", [])
    return out


def pull(client, key: str) -> Pulled:
    """Every grid tab's values, the summary tabs too, so the writer can tell whether anything
    changed without another request."""
    from danvan_sheets.google.notes import METADATA_WITH_NOTES

    # The notes ride along (no values): aggregate keeps its notes up to date without a read of its own.
    meta = fetch_metadata(client, key, METADATA_WITH_NOTES)
    sheets = [s["properties"] for s in meta.get("sheets", []) if s["properties"].get("sheetType", "GRID") == "GRID"]
    titles = [p["title"] for p in sheets]
    values = batch_read(client, key, titles)
    merges = {s["properties"].get("sheetId", 0): s.get("merges", []) for s in meta.get("sheets", [])}
    tabs = []
    for p in sheets:
        rows = values.get(p["title"], [])
        sheet_id = p.get("sheetId", 0)
        tabs.append(Tab(title=p["title"], rows=rows, url=tab_url(key, sheet_id), sheet_id=sheet_id,
                        merges=grid_merges(merges.get(sheet_id, []), rows)))
    return Pulled(key, meta, tabs)


def grid_merges(ranges: list[dict], rows: list[list[object]]) -> list[Merge]:
    """A sheet's `merges` (GridRange: 0-based, half-open) as Tab.merges.

    They come with the metadata the pull asks for anyway: no request of their own. Like
    every proto3 field, an index of 0 may be left out (sheetId 0 always is), and a range
    open to the sheet's edge has no end index.
    """
    edge = 1 << 31
    return clip_merges([(g.get("startRowIndex", 0), g.get("endRowIndex", edge),
                         g.get("startColumnIndex", 0), g.get("endColumnIndex", edge)) for g in ranges], rows)


def pull_spreadsheet(id_or_url: str, settings) -> SourceData:
    """The gsheet: source for check/aggregate: returns unit tabs (summary tabs left out of the reading)."""
    from danvan_sheets.google.client import open_client, spreadsheet_id
    from danvan_sheets.google.errors import translate

    key = spreadsheet_id(id_or_url)
    client, identity, session = open_client(settings)
    try:
        pulled = pull(client, key)
    except Exception as exc:  # noqa: BLE001 - gspread APIError or a requests failure
        if _is_google_failure(exc):
            raise translate(exc, "đọc dữ liệu", identity.email, session.stats.last_tries) from None
        raise
    from danvan_sheets.core.tables import summary_title

    data = SourceData([t for t in pulled.tabs if not summary_title(t.title)], list(identity.warnings),
                      session.stats.sent)
    data.extra = {"pulled": pulled, "client": client, "identity": identity, "session": session}
    return data


def _is_google_failure(exc: Exception) -> bool:
    # google-auth failures too (token refresh): see errors.is_google_failure.
    from danvan_sheets.google.errors import is_google_failure

    return is_google_failure(exc)


@dataclass(frozen=True)
class GoogleSheetSource(SpecSource):
    """`gsheet:MÃ_HOẶC_ĐƯỜNG_DẪN`: a tab per unit; `target` is the spreadsheet's key or URL."""

    kind: ClassVar[str] = "gsheet"
    example: ClassVar[str] = "gsheet:MÃ_HOẶC_ĐƯỜNG_DẪN"
    local: ClassVar[bool] = False
    publishes: ClassVar[bool] = True

    @classmethod
    def looks_like(cls, text: str) -> bool:
        return "docs.google.com/spreadsheets" in text

    def read(self, settings) -> SourceData:
        return pull_spreadsheet(self.target, settings)

    def key(self) -> str:
        from danvan_sheets.google.client import spreadsheet_id

        return f"{self.kind}:{spreadsheet_id(self.target)}{self.suffix}"

    def output_clash(self, out: str) -> str | None:
        return None

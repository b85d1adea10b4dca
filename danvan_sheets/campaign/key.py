"""Which campaign a run belongs to: (year from the configuration, the source however it is written).

The source part is the source's own `key()`: ./data/dk.xlsx and its absolute path, a
folder with or without its slash, a spreadsheet's key or its URL are one source, the
same rule the unattended run uses to recognise the scheduled source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from danvan_sheets.errors import DanvanError


@dataclass(frozen=True, order=True)
class CampaignKey:
    year: int
    source: str  # the normalised source, e.g. "gsheet:1AbC…" or "xlsx:/home/tuyen-giao/dang-ky.xlsx"

    def __str__(self) -> str:
        return f"năm {self.year}, nguồn {self.source or '(không rõ)'}"


def source_key(source: Any) -> str:
    """The normalised form of a source: a parsed Source (anything with `key()`) or a spec as written.

    A spec that does not parse (an empty one, a kind this version does not know) keys as its
    stripped text, so such runs still form one campaign of their own and never join another.
    """
    if hasattr(source, "key"):
        try:
            return str(source.key())
        except DanvanError:
            return str(source).strip()
    text = str(source or "").strip()
    if not text:
        return ""
    from danvan_sheets.sources import parse_spec

    try:
        return parse_spec(text).key()
    except DanvanError:
        return text


def campaign_key(year: int, source: Any) -> CampaignKey:
    """The campaign of a run of `year`'s campaign reading `source` (a Source or a spec string)."""
    return CampaignKey(int(year), source_key(source))


def campaign_of(settings, source: Any = None) -> CampaignKey:
    """The campaign a run with these settings belongs to; `source` defaults to `[source] spec`."""
    return campaign_key(settings.campaign.year, source if source not in (None, "") else settings.source.spec)

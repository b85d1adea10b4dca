"""Sources: where the units' tabs come from, registered by kind in SOURCES.

Adding a source is one new module in this folder (a class following base.Source)
and one line in SOURCES; parse_spec and every question about a source's kind
(does aggregate need --out? where does the summary go?) go through the class.
"""

from __future__ import annotations

from danvan_sheets.errors import ConfigError
from danvan_sheets.sources.base import LocalSource, Source, SourceData
from danvan_sheets.sources.directory import DirSource
from danvan_sheets.sources.form import SUFFIX as FORM_SUFFIX
from danvan_sheets.sources.form import FormResponsesSource
from danvan_sheets.sources.gsheet import GoogleSheetSource
from danvan_sheets.sources.xlsx import XlsxSource

__all__ = ["SOURCES", "LocalSource", "Source", "SourceData", "SourceSpec", "parse_spec"]

SOURCES: dict[str, type[Source]] = {
    "xlsx": XlsxSource,
    "dir": DirSource,
    "gsheet": GoogleSheetSource,
}

# The name the rest of the code uses for a parsed --source.
SourceSpec = Source


def parse_spec(spec: str, sources: dict[str, type[Source]] | None = None) -> Source:
    """`kind:target` as a Source; `sources` replaces the registry (tests)."""
    sources = SOURCES if sources is None else sources
    kind, sep, target = (spec or "").partition(":")
    source = sources.get(kind.strip().lower())
    if not sep or source is None or not target.strip():
        examples = ", ".join(s.example for s in sources.values())
        raise ConfigError(f"Nguồn “{spec}” không hợp lệ. Hãy ghi một trong: {examples}.{_guess(spec, sources)}")
    target = target.strip()
    if source is GoogleSheetSource and target.lower().endswith(FORM_SUFFIX):
        # The same spreadsheet read as a Google Form's responses (sources/form.py).
        return FormResponsesSource(target[: -len(FORM_SUFFIX)].strip())
    return source(target)  # type: ignore[call-arg]


def _guess(spec: str, sources: dict[str, type[Source]]) -> str:
    """What the person probably meant, for the error message."""
    text = (spec or "").strip()
    if not text:
        return ""
    # A mistyped kind ("xls:", "excel:") is dropped from the suggestion; a single letter
    # before ":" is a Windows drive (C:\...), part of the path.
    kind, sep, rest = text.partition(":")
    if (sep and len(kind) > 1 and kind.lower() not in sources and "/" not in kind and "\\" not in kind
            and not rest.startswith("//")):
        text = rest.strip()
    for name, source in sources.items():
        if source.looks_like(text):
            return f" Có phải ý bạn là {name}:{text}?"
    return ""

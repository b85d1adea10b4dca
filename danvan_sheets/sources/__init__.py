"""Sources: where the units' tabs come from, registered by kind in SOURCES.

Adding a source is one new module in this folder (a class following base.Source)
and one line in SOURCES; parse_spec and every question about a source's kind
(does aggregate need --out? where does the summary go?) go through the class.
Two sources may share a kind when one is told apart by the end of its target
(`suffix`, e.g. "gsheet:MÃ#responses" is the Form's responses of a Google sheet):
the registry key is then kind + suffix.
"""

from __future__ import annotations

from danvan_sheets.errors import ConfigError
from danvan_sheets.sources.base import LocalSource, Source, SourceData
from danvan_sheets.sources.directory import DirSource
from danvan_sheets.sources.form import FormResponsesSource
from danvan_sheets.sources.gsheet import GoogleSheetSource
from danvan_sheets.sources.xlsx import XlsxSource

__all__ = ["SOURCES", "LocalSource", "Source", "SourceData", "SourceSpec", "parse_spec"]

SOURCES: dict[str, type[Source]] = {
    "xlsx": XlsxSource,
    "dir": DirSource,
    "gsheet": GoogleSheetSource,
    "gsheet#responses": FormResponsesSource,
}

# The name the rest of the code uses for a parsed --source.
SourceSpec = Source


def parse_spec(spec: str, sources: dict[str, type[Source]] | None = None) -> Source:
    """`kind:target` as a Source; `sources` replaces the registry (tests)."""
    sources = SOURCES if sources is None else sources
    kind, sep, target = (spec or "").partition(":")
    kind, target = kind.strip().lower(), target.strip()
    # Of the sources of this kind, the one whose suffix ends the target (longest first), else the plain one.
    same_kind = sorted((s for s in sources.values() if s.kind == kind), key=lambda s: -len(s.suffix))
    source = next((s for s in same_kind if target.lower().endswith(s.suffix)), None)
    if source is not None and source.suffix:
        target = target[: -len(source.suffix)].strip()
    if not sep or source is None or not target:
        examples = ", ".join(s.example for s in sources.values())
        raise ConfigError(f"Nguồn “{spec}” không hợp lệ. Hãy ghi một trong: {examples}.{_guess(spec, sources)}")
    return source(target)  # type: ignore[call-arg]


def _guess(spec: str, sources: dict[str, type[Source]]) -> str:
    """What the person probably meant, for the error message."""
    text = (spec or "").strip()
    if not text:
        return ""
    # A mistyped kind ("xls:", "excel:") is dropped from the suggestion; a single letter
    # before ":" is a Windows drive (C:\...), part of the path.
    kind, sep, rest = text.partition(":")
    kinds = {s.kind for s in sources.values()}
    if (sep and len(kind) > 1 and kind.lower() not in kinds and "/" not in kind and "\\" not in kind
            and not rest.startswith("//")):
        text = rest.strip()
    for source in sources.values():
        if source.looks_like(text):
            return f" Có phải ý bạn là {source.kind}:{text}?"
    return ""

"""Sources: where the units' tabs come from. Each returns grids of cell values (grid.Tab)."""

from __future__ import annotations

from dataclasses import dataclass, field

from danvan_sheets.errors import ConfigError
from danvan_sheets.grid import Tab


@dataclass
class SourceData:
    tabs: list[Tab]
    notices: list[str] = field(default_factory=list)
    # Requests made, for the log line and the benchmarks (Google only).
    requests: int = 0
    # Edge-specific leftovers the writers may reuse (the Google client and metadata).
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SourceSpec:
    kind: str  # xlsx | dir | gsheet
    target: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}"


KINDS = ("xlsx", "dir", "gsheet")


def parse_spec(spec: str) -> SourceSpec:
    kind, sep, target = (spec or "").partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in KINDS or not target.strip():
        raise ConfigError(
            f"Nguồn “{spec}” không hợp lệ. Hãy ghi một trong: xlsx:TỆP.xlsx, dir:THƯ_MỤC, gsheet:MÃ_HOẶC_ĐƯỜNG_DẪN.{_guess(spec)}"
        )
    return SourceSpec(kind, target.strip())


def _guess(spec: str) -> str:
    """What the person probably meant, for the error message."""
    from pathlib import Path

    text = (spec or "").strip()
    if not text:
        return ""
    # A mistyped kind ("xls:", "excel:") is dropped from the suggestion; a single letter
    # before ":" is a Windows drive (C:\...), part of the path.
    kind, sep, rest = text.partition(":")
    if sep and len(kind) > 1 and kind.lower() not in KINDS and "/" not in kind and "\\" not in kind and not rest.startswith("//"):
        text = rest.strip()
    if "docs.google.com/spreadsheets" in text:
        return f" Có phải ý bạn là gsheet:{text}?"
    if text.lower().endswith((".xlsx", ".xlsm")):
        return f" Có phải ý bạn là xlsx:{text}?"
    if Path(text).is_dir():
        return f" Có phải ý bạn là dir:{text}?"
    return ""


def read_local(spec: SourceSpec) -> SourceData:
    if spec.kind == "xlsx":
        from danvan_sheets.sources.xlsx import read_workbook

        return read_workbook(spec.target)
    if spec.kind == "dir":
        from danvan_sheets.sources.directory import read_directory

        return read_directory(spec.target)
    raise ConfigError(f"Nguồn {spec} không phải tệp trên máy.")

"""What every source is: a spec the user writes (`kind:target`) that reads into tabs.

A source reads the units' tabs (grid.Tab, each with its merged ranges) and says, in
notices, what it set aside (a file it could not read, a second copy of a unit's file).
Writing back (the Google summary tabs) is not a source's job: it lives in google/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from danvan_sheets.grid import Tab

if TYPE_CHECKING:
    from danvan_sheets.config import Settings


@dataclass
class SourceData:
    tabs: list[Tab]
    notices: list[str] = field(default_factory=list)
    # Requests made, for the log line and the benchmarks (Google only).
    requests: int = 0
    # Edge-specific leftovers the writers may reuse (the Google client and metadata).
    extra: dict[str, Any] = field(default_factory=dict)


class Source(Protocol):
    """A parsed --source: `kind:target`, registered by kind in sources/__init__.py."""

    kind: ClassVar[str]
    # How the user writes one, for the message when a spec does not parse.
    example: ClassVar[str]
    # Set apart from another source of the same kind by how its target ends ("#responses"), or "".
    # parse_spec removes it: `target` never carries it, `__str__` puts it back.
    suffix: ClassVar[str]
    # A file or folder on this machine: aggregate then needs --out, and --out must not land on it.
    local: ClassVar[bool]
    # A Google spreadsheet the tool lays out (init, doctor) and writes the summary tabs back into.
    publishes: ClassVar[bool]

    @property
    def target(self) -> str:
        """What follows `kind:` (a path, a key or URL)."""
        ...

    @classmethod
    def looks_like(cls, text: str) -> bool:
        """True when `text`, written without its kind, is probably one of these (for “Có phải ý bạn là …?”)."""
        ...

    def read(self, settings: Settings) -> SourceData:
        """Every tab, with its merges, and notices about whatever was set aside."""
        ...

    def key(self) -> str:
        """The same source however it is written (relative or absolute path, a key or its URL)."""
        ...

    def output_clash(self, out: str) -> str | None:
        """Why writing the summary to the file `out` would damage the source, or None."""
        ...


@dataclass(frozen=True)
class SpecSource:
    """What the registered sources share: a target, written back as the user wrote it (`kind:target`)."""

    target: str
    kind: ClassVar[str] = ""
    example: ClassVar[str] = ""
    suffix: ClassVar[str] = ""
    local: ClassVar[bool] = True
    publishes: ClassVar[bool] = False

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}{self.suffix}"


@dataclass(frozen=True)
class LocalSource(SpecSource):
    """Shared behaviour of the sources that are a path on this machine."""

    def path(self) -> Path:
        return Path(self.target).expanduser().resolve()

    def key(self) -> str:
        return f"{self.kind}:{self.path()}"

    def output_clash(self, out: str) -> str | None:
        return None


def has_form_header(rows: list[list[Any]], scan: int = 40) -> bool:
    """True when one of the first rows is the form's header (Tên mô hình and two more of its titles).

    The same test the reader applies, for choosing which sheet or Word table is the form.
    """
    from danvan_sheets.core.sections import header_kind, is_time_parent

    for row in rows[:scan]:
        kinds = set()
        parents = 0
        for v in row:
            if not isinstance(v, str) or not v.strip() or len(v) > 80:
                continue
            kind = header_kind(v)
            if kind:
                kinds.add(kind)
            elif is_time_parent(v):
                parents += 1
        if "name" in kinds and len(kinds) + parents >= 3:
            return True
    return False


def declared_unit(rows: list[list[Any]], scan: int = 12) -> str | None:
    """The unit a form names on its "Đơn vị: …" line, if any."""
    from danvan_sheets.core.sections import unit_line

    for row in rows[:scan]:
        for v in row:
            if isinstance(v, str) and (name := unit_line(v)):
                return name
    return None

"""Writing an output file so that readers see the old one or the new one, never half of either."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from danvan_sheets.atomic import replace_atomically
from danvan_sheets.errors import SourceError, os_reason


def save_atomic(out: str | Path, write: Callable[[str], None], prefix: str = ".danvan-") -> Path:
    """`write(tmp_path)` fills a temporary file beside `out`, which is then renamed over it."""
    try:
        return replace_atomically(out, lambda tmp: write(str(tmp)), prefix=prefix)
    except OSError as exc:
        raise SourceError(f"Không ghi được tệp {out}: {os_reason(exc)}.") from None

"""Writing a file so that readers see the old one or the new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from danvan_sheets.errors import SourceError, os_reason


def save_atomic(out: str | Path, write: Callable[[str], None], prefix: str = ".danvan-") -> Path:
    """`write(tmp_path)` fills a temporary file beside `out`, which is then renamed over it."""
    out = Path(out)
    tmp: str | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=out.suffix or ".tmp", dir=out.parent)
        os.close(fd)
        # mkstemp makes the file private (0600); what we write is for sharing, like any saved file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        write(tmp)
        os.replace(tmp, out)
        tmp = None
    except OSError as exc:
        raise SourceError(f"Không ghi được tệp {out}: {os_reason(exc)}.") from None
    finally:
        if tmp is not None:  # a failed or interrupted save leaves nothing behind
            Path(tmp).unlink(missing_ok=True)
    return out

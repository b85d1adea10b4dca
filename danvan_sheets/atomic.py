"""The one way the package replaces a file: readers see the old file or the new one, never half of either.

A temporary file is filled beside the target (same folder, so the rename cannot cross disks),
flushed to disk, then renamed over the target with os.replace, which is atomic on Linux and on
Windows alike. Permissions use only calls both systems have (no os.fchmod, missing on Windows
before Python 3.13): a private file (a token) keeps mkstemp's owner-only mode; a shared file
(a summary) gets the usual mode from the umask. On Windows the mode bits are ignored and the
file inherits the folder's access list (the user's own profile for the data folder).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def replace_atomically(out: str | Path, write: Callable[[Path], object], *, private: bool = False,
                       prefix: str = ".danvan-") -> Path:
    """`write(tmp)` fills a temporary file beside `out`, which then replaces `out`. OSError on failure,
    with nothing left behind (no temporary file, the old `out` untouched)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=out.suffix or ".tmp", dir=out.parent)
    tmp = Path(name)
    try:
        os.close(fd)
        # mkstemp's file is owner-only (0600) already: right for a secret; anything else is for sharing.
        os.chmod(tmp, 0o600 if private else 0o666 & ~_umask())
        write(tmp)
        _flush_to_disk(tmp)
        os.replace(tmp, out)
    except BaseException as exc:
        _close_what_the_writer_left_open(exc)
        tmp.unlink(missing_ok=True)
        raise
    return out


def _close_what_the_writer_left_open(exc: BaseException) -> None:
    """A writer that failed half-way (openpyxl on a full disk) leaves its ZipFile open, held by the
    frames of `exc`. Close it now: Windows cannot delete a file that is still open, and left to
    the garbage collector its close fails again on the full disk and Python prints "Exception
    ignored in ZipFile.__del__" with a traceback after our own message. That second failure is the
    same full disk, already reported through `exc`, so it is not shown."""
    import gc
    import sys
    import traceback

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        traceback.clear_frames(exc.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = hook


def write_atomic(out: str | Path, data: bytes | str, *, private: bool = False) -> Path:
    """Replace `out` with `data` (str is written as UTF-8)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return replace_atomically(out, lambda tmp: tmp.write_bytes(raw), private=private)


def _flush_to_disk(path: Path) -> None:
    """So a power cut after the rename cannot leave an empty file where the old one was."""
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())

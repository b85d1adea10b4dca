"""Run `danvan` in a child process after breaking something on purpose, so the test process itself
is never patched:

    python -m tests.fakes.inject [--no-posix] [--full FOLDER] [--bug] -- ARGS…

--no-posix   `import fcntl` fails and os.fchmod is gone, as on Windows (before Python 3.13)
--full F     every write to a file under F fails with ENOSPC, as on a full disk (creating and
             renaming still work, as they do on a full disk for small files)
--bug        the pipeline raises RuntimeError("lỗi giả"), as a bug would

ARGS are danvan's arguments, or `-c CODE` to run Python code instead.
"""

from __future__ import annotations

import builtins
import errno
import importlib.abc
import io
import os
import sys


class _NoFcntl(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "fcntl":
            raise ModuleNotFoundError("No module named 'fcntl'", name="fcntl")
        return None


def no_posix() -> None:
    sys.modules.pop("fcntl", None)
    sys.meta_path.insert(0, _NoFcntl())
    if hasattr(os, "fchmod"):
        del os.fchmod


class _FullFile:
    """A real open file whose writes fail as they do on a full disk."""

    def __init__(self, f):
        self._f = f

    def write(self, data):
        if not data:
            return 0
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __iter__(self):
        return iter(self._f)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


def full_disk(folder: str) -> None:
    import logging

    root = os.path.realpath(folder)
    real_open = io.open

    def fake_open(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        if isinstance(file, (str, os.PathLike)) and any(c in mode for c in "wax+"):
            path = os.path.realpath(os.fspath(file))
            if path == root or path.startswith(root + os.sep):
                return _FullFile(f)
        return f

    builtins.open = io.open = fake_open
    logging.FileHandler._builtin_open = staticmethod(fake_open)


def bug() -> None:
    import danvan_sheets.pipeline as pipeline

    def run(*args, **kwargs):
        raise RuntimeError("lỗi giả")

    pipeline.run = run


def main(argv: list[str]) -> None:
    split = argv.index("--")
    opts, rest = argv[:split], argv[split + 1:]
    if "--no-posix" in opts:
        no_posix()
    if "--full" in opts:
        full_disk(opts[opts.index("--full") + 1])
    if "--bug" in opts:
        bug()
    if rest[:1] == ["-c"]:
        exec(compile(rest[1], "<inject>", "exec"), {"__name__": "__main__"})
        return
    from danvan_sheets.cli import main as danvan

    sys.argv = ["danvan", *rest]
    danvan()


if __name__ == "__main__":
    main(sys.argv[1:])

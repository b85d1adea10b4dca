"""The run log: one timestamped line per run, in a file that rotates (1 MB, 5 old files kept).

A log that cannot be written (a full disk, a removed folder) must not print Python's
"--- Logging error ---" traceback on the terminal of a cron job: the handler remembers the
first failure instead, and the job says it once, in Vietnamese.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import time
from pathlib import Path

LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5


class _QuietRotatingHandler(logging.handlers.RotatingFileHandler):
    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        self.failure: OSError | None = None

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        import sys

        err = sys.exc_info()[1]
        if self.failure is None and isinstance(err, OSError):
            self.failure = err
        elif self.failure is None:
            super().handleError(record)

    def close(self) -> None:
        try:
            super().close()
        except OSError as err:  # flushing what is left on a full disk
            self.failure = self.failure or err


class RunLog:
    """A run log file, or nowhere (path None). `failure` is the first error writing it, if any."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._handler: _QuietRotatingHandler | None = None
        self._logger: logging.Logger | None = None
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _QuietRotatingHandler(path)  # OSError here: the caller says it cannot log
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S"))
        # A private logger per run: two runs in one process (the tests) never share handlers.
        logger = logging.getLogger(f"danvan_sheets.runs.{os.getpid()}.{id(self)}.{time.monotonic_ns()}")
        logger.setLevel(logging.INFO)
        logger.propagate = False
        logger.addHandler(handler)
        self._handler, self._logger = handler, logger

    @property
    def failure(self) -> OSError | None:
        return self._handler.failure if self._handler is not None else None

    def write(self, text: str) -> None:
        if self._logger is not None:
            self._logger.info(text)

    def close(self) -> None:
        if self._logger is None or self._handler is None:
            return
        self._handler.close()
        self._logger.removeHandler(self._handler)
        logging.Logger.manager.loggerDict.pop(self._logger.name, None)
        self._logger = None

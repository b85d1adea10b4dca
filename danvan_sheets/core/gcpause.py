"""Pausing Python's cyclic garbage collector around bulk work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, then restore it as it was.

    Reading a province allocates millions of small objects (cells, texts, entries)
    that hold no reference cycles, so the collector finds nothing, yet its passes,
    triggered every few hundred allocations, cost about a tenth of a large run.
    Reference counting still frees everything as usual; only cycles wait until
    the collector is back on. Nested pauses leave it to the outermost.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def gc_resumed() -> Iterator[None]:
    """Inside a pause, run the block with the collector on: for work that makes cycles.

    An open openpyxl workbook is a reference cycle (its sheets point back to it);
    a folder of 2 000 workbooks read with the collector off would stay in memory.
    """
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()

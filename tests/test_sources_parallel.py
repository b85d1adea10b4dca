"""Large workbooks and folders are read by worker processes: the same grids, in the same order."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from danvan_sheets.core import legacy
from danvan_sheets.errors import SourceError
from danvan_sheets.sources import parallel
from danvan_sheets.sources.directory import read_directory
from danvan_sheets.sources.xlsx import _sheet_count, read_workbook
from tests.helpers_forms import HEADER


def _sheet_rows(i: int) -> list[list[object]]:
    rows = [[f"Đơn vị: Đảng bộ Sở {i}"], list(HEADER), ["I", "Lĩnh vực phát triển kinh tế"]]
    for k in range(i % 5):
        rows.append([k + 1, legacy.encode(f"Mô hình số {k} của đơn vị {i}", "tcvn3") if i % 3 == 0 else f"Mô hình {k}",
                     1.0 if k % 2 else 2, dt.datetime(2023, 5, 1 + k), "Phòng Tổng hợp", "Tập thể", f"Quý {1 + k % 4}/2023",
                     None, ""])  # trailing blanks the reader trims
    return rows


def _workbook(path, n: int) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i in range(n):
        ws = wb.create_sheet(f"Đơn vị {i:02d}")
        for row in _sheet_rows(i):
            ws.append(row)
    wb.save(path)


def _grids(data) -> list[tuple[str, str, list]]:
    return [(t.title, t.origin, t.rows) for t in data.tabs]


def _whoami(k: int, n: int) -> list[tuple[int, int, int]]:
    return [(k, n, os.getpid())]


def test_workers_are_separate_processes_and_keep_the_share_order():
    shares = parallel.run_shares(_whoami, 3)
    assert [(k, n) for (k, n, _pid), in shares] == [(0, 3), (1, 3), (2, 3)]
    pids = {pid for (_k, _n, pid), in shares}
    assert os.getpid() not in pids  # nothing ran here (a quick share may leave its worker free for the next)


def test_workbook_read_by_workers_equals_reading_it_here(tmp_path):
    book = tmp_path / "dang-ky.xlsx"
    _workbook(book, 11)
    assert _sheet_count(book) == 11
    here = read_workbook(book, workers=1)
    assert [t.title for t in here.tabs] == [f"Đơn vị {i:02d}" for i in range(11)]
    assert here.tabs[4].rows[-1][-1] == "Quý 4/2023"  # trailing blanks trimmed
    for n in (2, 3, 11):
        assert _grids(read_workbook(book, workers=n)) == _grids(here)


def test_folder_read_by_workers_keeps_files_order_and_notices(tmp_path):
    folder = tmp_path / "thu"
    folder.mkdir()
    for i in range(7):
        wb = openpyxl.Workbook()
        for row in _sheet_rows(i):
            wb.active.append(row)
        wb.save(folder / f"don-vi-{i}.xlsx")
    (folder / "cu.xls").write_bytes(b"old")
    (folder / "hong.xlsx").write_bytes(b"PK\x03\x04 not really")
    here = read_directory(folder, workers=1)
    assert len(here.tabs) == 7 and len(here.notices) == 2
    there = read_directory(folder, workers=3)
    assert _grids(there) == _grids(here)
    assert there.notices == here.notices


def test_a_damaged_sheet_in_a_worker_is_the_same_user_error(tmp_path):
    book = tmp_path / "dang-ky.xlsx"
    _workbook(book, 4)
    _damage(book, 3)
    with pytest.raises(SourceError) as here:
        read_workbook(book, workers=1)
    with pytest.raises(SourceError) as there:
        read_workbook(book, workers=2)
    assert str(there.value) == str(here.value) and "hỏng" in str(there.value)


def _rewrite_sheets(book, sheets: tuple[int, ...], change) -> None:
    """Replace the XML of the given sheets (1-based part numbers) with change(xml)."""
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for i in sheets:
        parts[f"xl/worksheets/sheet{i}.xml"] = change(parts[f"xl/worksheets/sheet{i}.xml"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    book.write_bytes(buf.getvalue())


def _damage(book, *sheets: int) -> None:
    _rewrite_sheets(book, sheets, lambda xml: b"<worksheet><sheetData><row><c t='n'><v>x")


def _truncate_rows(book, *sheets: int) -> None:
    """Cut sheets off in the middle of their rows: the workbook opens, those sheets fail when read."""
    def cut(xml: bytes) -> bytes:
        assert b"<dimension" in xml  # what lets openpyxl open the book without reading the rows
        return xml[: xml.index(b'<row r="3"')]
    _rewrite_sheets(book, sheets, cut)


def test_the_first_damaged_sheet_is_named_whichever_worker_read_it(tmp_path):
    book = tmp_path / "dang-ky.xlsx"
    _workbook(book, 6)
    _truncate_rows(book, 4, 5)  # the 4th and 5th sheets: "Đơn vị 03" and "Đơn vị 04"
    with pytest.raises(SourceError, match="Đơn vị 03") as here:
        read_workbook(book, workers=1)
    for n in (2, 3, 4):  # 03 and 04 land in different workers; 04's may finish first
        with pytest.raises(SourceError) as there:
            read_workbook(book, workers=n)
        assert str(there.value) == str(here.value)


def test_worker_count_only_when_it_pays_and_is_safe(monkeypatch):
    monkeypatch.delenv("DANVAN_WORKERS", raising=False)
    small, big = parallel.MIN_SHEETS - 1, 500
    assert parallel.worker_count(small, cpus=8) == 1
    assert parallel.worker_count(big, cpus=1) == 1
    if parallel.can_fork():
        assert parallel.worker_count(big, cpus=2) == 2
        assert parallel.worker_count(big, cpus=64) == parallel.MAX_WORKERS
        monkeypatch.setenv("DANVAN_WORKERS", "3")
        assert parallel.worker_count(small, cpus=1) == 3
        assert parallel.worker_count(2, cpus=1) == 2
        monkeypatch.setenv("DANVAN_WORKERS", "1")
        assert parallel.worker_count(big, cpus=8) == 1
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:  # another thread is running: fork would copy its locks, so no workers, whatever was asked
        assert not parallel.can_fork()
        assert parallel.worker_count(big, cpus=8) == 1
        monkeypatch.setenv("DANVAN_WORKERS", "3")
        assert parallel.worker_count(big, cpus=8) == 1
    finally:
        stop.set()
        t.join()


def test_unknown_or_broken_files_count_no_sheets(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    assert _sheet_count(tmp_path / "x.xlsx") == 0
    assert _sheet_count(tmp_path / "missing.xlsx") == 0


def _sleeper(folder: str, k: int, n: int) -> list:
    Path(folder, f"w{k}").write_text(str(os.getpid()))
    time.sleep(60)
    return []


_CHILD = r"""
import sys
from functools import partial
from pathlib import Path
sys.path.insert(0, {repo!r})
from danvan_sheets.runs.lock import RunLock
from danvan_sheets.sources import parallel
from tests.test_sources_parallel import _sleeper

held = RunLock(Path(sys.argv[1]))  # kept: a lock object that is dropped lets its lock go
assert held.acquire()
parallel.run_shares(partial(_sleeper, sys.argv[2]), 2)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state  # a zombie no one has reaped yet is gone all the same


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are only forked on Linux")
def test_workers_die_with_a_killed_parent_and_free_the_cron_lock(tmp_path):
    from danvan_sheets.runs.lock import RunLock

    lock, pids = tmp_path / "tong-hop.lock", tmp_path / "pids"
    pids.mkdir()
    script = tmp_path / "child.py"
    script.write_text(_CHILD.format(repo=str(Path(__file__).resolve().parents[1])), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(lock), str(pids)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(list(pids.iterdir())) < 2:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "workers never started"
        time.sleep(0.02)
    workers = [int(p.read_text()) for p in pids.iterdir()]
    assert not RunLock(lock).acquire()  # held by the parent, and by the workers' inherited copy
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)
    taken = RunLock(lock)
    assert taken.acquire()  # the next cron run is not turned away as "busy"
    taken.release()

"""Issue 20: a malformed history row (a run time that is not ISO 8601, JSON that does not parse)
never stops check/aggregate, and `history`/`restore` say which row is damaged, without a traceback."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from danvan_sheets.cli import cli

REPO = Path(__file__).resolve().parents[1]
SOURCE = ["--source", f"xlsx:{REPO / 'demo' / 'dang-ky-2023.xlsx'}", "--units", str(REPO / "demo" / "don-vi.csv")]


def _edit_cuc_thue(path: Path) -> None:
    """Cục Thuế renames its last model: the next check compares with the stored rows."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["DB-CUCTHUE"]
    (cell,) = [c for c in ws["B"] if c.value == "Dân vận khéo trong cải cách thủ tục hành chính thuế"]
    cell.value = "Mô hình đổi tên"
    wb.save(path)


def _config(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "h.sqlite"
    cfg = tmp_path / "c.toml"
    base = (REPO / "config" / "danvan.toml").read_text(encoding="utf-8")
    cfg.write_text(base + f'\n[history]\npath = "{db}"\n', encoding="utf-8")
    return cfg, db


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _command(name: str, tmp_path: Path, cfg: Path, source: list[str] = SOURCE) -> list[str]:
    extra = ["--out", str(tmp_path / "tong-hop.xlsx")] if name == "aggregate" else []
    return [name, *source, "--config", str(cfg), "--as-of", "2023-05-02", *extra]


def _clean(res) -> None:
    assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit), res.output


@pytest.mark.parametrize("command", ["check", "aggregate"])
@pytest.mark.parametrize("table, column, value, named", [
    ("runs", "run_at", "hôm qua lúc 9 giờ", "bảng runs, dòng 1, cột run_at (giá trị “hôm qua lúc 9 giờ”)"),
    ("rows", "raw_json", "{không phải JSON", "cột raw_json (giá trị “{không phải JSON”)"),
    ("rows", "parsed_json", '{"build": {"$date": "ngày 5"}}', "cột parsed_json"),
])
def test_a_damaged_row_becomes_a_notice_and_the_check_goes_on(tmp_path, command, table, column, value, named):
    cfg, db = _config(tmp_path)
    book = tmp_path / "dang-ky.xlsx"
    shutil.copy(REPO / "demo" / "dang-ky-2023.xlsx", book)
    source = ["--source", f"xlsx:{book}", "--units", SOURCE[3]]
    first = _run(*_command(command, tmp_path, cfg, source))
    assert first.exit_code in (0, 1) and "dữ liệu hỏng" not in first.output, first.output
    with sqlite3.connect(db) as c:
        # A row Cục Thuế's stored content holds: read when its edited tab is compared with it.
        target = "id = 1" if table == "runs" else (
            "hash = (SELECT cr.row_hash FROM content_rows cr JOIN unit_snapshots s ON s.hash = cr.content_hash "
            "WHERE s.unit = 'DB-CUCTHUE' LIMIT 1)")
        assert c.execute(f"UPDATE {table} SET {column} = ? WHERE {target}", (value,)).rowcount == 1
    _edit_cuc_thue(book)
    (tmp_path / "tong-hop.xlsx").unlink(missing_ok=True)
    again = _run(*_command(command, tmp_path, cfg, source))
    _clean(again)
    assert again.exit_code == first.exit_code, again.output
    assert "có dữ liệu hỏng" in again.output and named in again.output
    assert "Lần này không xét thời hạn và mô hình bị xóa của" in again.output
    if command == "aggregate":
        assert (tmp_path / "tong-hop.xlsx").is_file()


def test_history_shows_what_it_can_and_names_the_damaged_run(tmp_path):
    cfg, db = _config(tmp_path)
    assert _run(*_command("check", tmp_path, cfg)).exit_code == 1
    assert _run(*_command("check", tmp_path, cfg)).exit_code == 1
    with sqlite3.connect(db) as c:
        c.execute("UPDATE runs SET run_at = '25/04/2023 9h' WHERE id = 1")
    every = _run("history", "--config", str(cfg))
    _clean(every)
    assert every.exit_code == 3
    assert "bảng runs, dòng 1, cột run_at (giá trị “25/04/2023 9h”)" in every.output
    one = _run("history", "DB-CUCTHUE", "--config", str(cfg))
    _clean(one)
    assert one.exit_code == 3 and "Lịch sử đăng ký của Đảng bộ Cục Thuế" in one.output
    assert "bảng runs, dòng 1, cột run_at" in one.output


def test_restore_names_a_damaged_row_it_needs_and_ignores_one_it_does_not(tmp_path):
    cfg, db = _config(tmp_path)
    assert _run(*_command("check", tmp_path, cfg)).exit_code == 1
    with sqlite3.connect(db) as c:
        (h,) = c.execute(
            "SELECT r.hash FROM rows r JOIN content_rows cr ON cr.row_hash = r.hash "
            "JOIN unit_snapshots s ON s.hash = cr.content_hash WHERE s.unit = 'DB-CUCTHUE' LIMIT 1"
        ).fetchone()
        c.execute("UPDATE rows SET raw_json = '[1, 2' WHERE hash = ?", (h,))
        shared = c.execute("SELECT COUNT(DISTINCT s.unit) FROM unit_snapshots s JOIN content_rows cr ON "
                           "cr.content_hash = s.hash "
                           "WHERE cr.row_hash = ?", (h,)).fetchone()[0]
    assert shared == 1
    bad = _run("restore", "DB-CUCTHUE", "--at", "2099-01-01", "--out", str(tmp_path / "a.xlsx"), "--config", str(cfg))
    _clean(bad)
    assert bad.exit_code == 3 and f"bảng rows, dòng {h[:12]}, cột raw_json (giá trị “[1, 2”)" in bad.output
    assert not (tmp_path / "a.xlsx").exists()
    fine = _run("restore", "DB-VHTTDL", "--at", "2099-01-01", "--out", str(tmp_path / "b.xlsx"), "--config", str(cfg))
    assert fine.exit_code == 0 and (tmp_path / "b.xlsx").is_file(), fine.output


def test_restore_refuses_when_a_damaged_run_may_be_the_state_asked_for(tmp_path):
    cfg, db = _config(tmp_path)
    assert _run(*_command("check", tmp_path, cfg)).exit_code == 1
    with sqlite3.connect(db) as c:
        c.execute("UPDATE runs SET run_at = 'x' WHERE id = 1")
    res = _run("restore", "DB-CUCTHUE", "--at", "2099-01-01", "--out", str(tmp_path / "a.xlsx"), "--config", str(cfg))
    _clean(res)
    assert res.exit_code == 3 and "bảng runs, dòng 1, cột run_at (giá trị “x”)" in res.output

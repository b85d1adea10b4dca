"""Unattended runs when things break: a bug, a full disk, no POSIX calls. Each case runs `danvan` in a
child process with the fault injected there (tests/fakes/inject.py), never in the test process."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "demo" / "dang-ky-2023.xlsx"
UNITS = REPO / "demo" / "don-vi.csv"
CONFIG = REPO / "config" / "danvan.toml"


def danvan(tmp_path: Path, *args: str, faults: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess:
    """`danvan ARGS` from an unrelated folder, with `faults` injected, its data in tmp_path/du-lieu."""
    child = {k: v for k, v in os.environ.items() if k not in ("DANVAN_DEBUG", "DANVAN_CONFIG")}
    child.update(PYTHONPATH=str(REPO), DANVAN_DATA_DIR=str(tmp_path / "du-lieu"), **env)
    return subprocess.run([sys.executable, "-m", "tests.fakes.inject", *faults, "--", *args], cwd=tmp_path,
                          env=child, capture_output=True, text=True, timeout=120)


def aggregate_args(out: Path, *more: str) -> list[str]:
    return ["aggregate", "--config", str(CONFIG), "--source", f"xlsx:{DEMO}", "--units", str(UNITS), "--out", str(out),
            *more]


def log_lines(tmp_path: Path) -> list[str]:
    log = tmp_path / "du-lieu" / "cron" / "tong-hop.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


# --- a bug ---------------------------------------------------------------------------------------

def test_a_bug_ends_with_exit_3_in_the_process_and_in_the_run_log(tmp_path):
    res = danvan(tmp_path, *aggregate_args(tmp_path / "x.xlsx", "--quiet"), faults=("--bug",))
    assert res.returncode == 3
    assert "Lỗi không lường trước (RuntimeError)" in res.stderr and "--verbose" in res.stderr
    assert "Traceback" not in res.stderr
    (line,) = log_lines(tmp_path)
    assert "tổng hợp lỗi" in line and "mã_thoát=3" in line and "lỗi không lường trước: RuntimeError" in line


@pytest.mark.parametrize("how", ["--verbose at the end", "--verbose first", "DANVAN_DEBUG=1"])
def test_verbose_or_danvan_debug_prints_the_traceback_for_a_bug_report(tmp_path, how):
    args = aggregate_args(tmp_path / "x.xlsx")
    env = {}
    if how == "--verbose at the end":
        args = [*args, "--verbose"]
    elif how == "--verbose first":
        args = ["--verbose", *args]
    else:
        env["DANVAN_DEBUG"] = "1"
    res = danvan(tmp_path, *args, faults=("--bug",), **env)
    assert res.returncode == 3
    assert "Traceback (most recent call last)" in res.stderr and "RuntimeError: lỗi giả" in res.stderr
    assert "Hãy gửi toàn bộ nội dung trên" in res.stderr
    assert "mã_thoát=3" in log_lines(tmp_path)[-1]


# --- a full disk ----------------------------------------------------------------------------------

def test_a_full_data_folder_is_said_in_vietnamese_without_logging_tracebacks(tmp_path):
    (tmp_path / "du-lieu").mkdir()
    out = tmp_path / "ket-qua" / "tong-hop.xlsx"
    res = danvan(tmp_path, *aggregate_args(out, "--quiet"), faults=("--full", str(tmp_path / "du-lieu")))
    assert "Logging error" not in res.stderr and "Traceback" not in res.stderr
    assert "không lường trước" not in res.stderr
    assert f"Cảnh báo: không ghi được nhật ký chạy {tmp_path / 'du-lieu' / 'cron' / 'tong-hop.log'}: ổ đĩa đã đầy." \
        in res.stderr
    assert f"không ghi được tệp trạng thái {tmp_path / 'du-lieu' / 'danvan-state.json'}: ổ đĩa đã đầy" in res.stderr
    # The summary itself went elsewhere and is whole: the run did its job and says what it could not keep.
    assert res.returncode == 0 and out.is_file()


def test_out_on_a_full_disk_fails_with_exit_3_and_no_zipfile_traceback(tmp_path):
    folder = tmp_path / "ket-qua"
    folder.mkdir()
    (folder / "tong-hop.xlsx").write_bytes(b"old summary")
    res = danvan(tmp_path, *aggregate_args(folder / "tong-hop.xlsx"), faults=("--full", str(folder)))
    assert res.returncode == 3
    assert f"Lỗi: Không ghi được tệp {folder / 'tong-hop.xlsx'}: ổ đĩa đã đầy." in res.stderr
    assert "Exception ignored" not in res.stderr and "Traceback" not in res.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["tong-hop.xlsx"]  # no temporary file left behind
    assert (folder / "tong-hop.xlsx").read_bytes() == b"old summary"  # the old file is untouched
    assert "mã_thoát=3" in log_lines(tmp_path)[-1]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full is a Linux device")
def test_the_run_log_on_dev_full_is_a_warning_not_a_traceback(tmp_path):
    res = danvan(tmp_path, *aggregate_args(tmp_path / "x.xlsx", "--quiet", "--log-file", "/dev/full"))
    assert res.returncode == 0
    assert "Cảnh báo: không ghi được nhật ký chạy /dev/full: ổ đĩa đã đầy." in res.stderr
    assert "Logging error" not in res.stderr and "Traceback" not in res.stderr


# --- without POSIX-only calls (as on Windows) -----------------------------------------------------

def test_the_main_commands_run_without_fcntl_or_fchmod(tmp_path):
    nix = ("--no-posix",)
    probe = danvan(tmp_path, "-c", "import os, importlib.util\n"
                   "assert not hasattr(os, 'fchmod')\n"
                   "try:\n    import fcntl\nexcept ModuleNotFoundError:\n    print('no fcntl')\n", faults=nix)
    assert probe.stdout.strip() == "no fcntl", probe.stderr

    res = danvan(tmp_path, "check", "--config", str(CONFIG), "--source", f"xlsx:{DEMO}", "--units", str(UNITS),
                 faults=nix)
    assert res.returncode == 1 and "Traceback" not in res.stderr and "không lường trước" not in res.stderr

    out = tmp_path / "tong-hop.xlsx"
    res = danvan(tmp_path, *aggregate_args(out), faults=nix)
    assert res.returncode == 0, res.stderr
    assert out.is_file() and "tổng hợp xong" in log_lines(tmp_path)[-1]
    assert (tmp_path / "du-lieu" / "danvan-state.json").is_file()
    assert (tmp_path / "du-lieu" / "history.sqlite").is_file()

    # The lock still keeps two runs apart without fcntl.
    res = danvan(tmp_path, "-c", f"""
from danvan_sheets.runs.lock import RunLock
held = RunLock({str(tmp_path / 'du-lieu' / 'danvan-aggregate.lock')!r})
assert held.acquire('gsheet:lich')
import subprocess, sys, os
proc = subprocess.run([sys.executable, '-m', 'tests.fakes.inject', '--no-posix', '--', *{aggregate_args(out)!r}],
                      capture_output=True, text=True, env=os.environ)
print(proc.returncode)
print(proc.stderr)
""", faults=nix)
    assert res.stdout.splitlines()[0] == "3", res.stderr
    assert "đang có lần tổng hợp khác chạy" in res.stdout

    res = danvan(tmp_path, "config", "init", str(tmp_path / "cau-hinh.toml"), faults=nix)
    assert res.returncode == 0 and (tmp_path / "cau-hinh.toml").is_file()
    for command in (["history", "--config", str(CONFIG)], ["doctor", "--config", str(CONFIG)]):
        res = danvan(tmp_path, *command, faults=nix)
        assert "Traceback" not in res.stderr and "không lường trước" not in res.stderr, (command, res.stderr)


def test_secret_files_are_private_without_fchmod(tmp_path):
    """What `danvan login` does with the token: written through the one atomic helper, owner-only."""
    token = tmp_path / "cfg" / "token.json"
    res = danvan(tmp_path, "-c", f"""
import os
os.umask(0)
from danvan_sheets.atomic import write_atomic
write_atomic({str(token)!r}, '{{"refresh_token": "x"}}', private=True)
""", faults=("--no-posix",))
    assert res.returncode == 0, res.stderr
    assert token.read_text(encoding="utf-8") == '{"refresh_token": "x"}'
    if os.name == "posix":
        assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert "fchmod" not in (REPO / "danvan_sheets" / "google" / "auth.py").read_text(encoding="utf-8")


def test_the_no_posix_runs_print_nothing_but_their_own_messages(tmp_path):
    """filelock's fallback warning ("only soft file lock is available") must not reach a cron mail."""
    res = danvan(tmp_path, *aggregate_args(tmp_path / "x.xlsx", "--quiet"), faults=("--no-posix",))
    assert res.returncode == 0 and res.stderr == "" and res.stdout == ""

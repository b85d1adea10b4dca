"""`danvan aggregate` left alone under cron: lock, run log, last-success marker, failure counter, alert.

Real processes and real files: two `python -m danvan_sheets aggregate` subprocesses race for the
flock, a run is SIGKILLed mid-write, the fake Google fails in every way the Google issue lists.
Nothing here is timed: the tests wait for events (a request reaching the fake, a lock being held)
and use SIGSTOP/SIGCONT to hold a run still where a race would otherwise decide the outcome.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from danvan_sheets.cli import cli
from danvan_sheets.core.tables import SUMMARY_SHEETS
from danvan_sheets.runs.job import BUSY_TEXT
from danvan_sheets.runs.lock import RunLock
from danvan_sheets.runs.state import last_success_text, read_state
from tests.helpers_forms import CAMPAIGN_TOML, model, seed_form, write_xlsx

REPO = Path(__file__).resolve().parents[1]

CONFIG = CAMPAIGN_TOML + """

[retry]
max_tries = 3
max_seconds = 20
base_delay = 0.01

[google]
timeout = {timeout}
{google}

[cron]
lock_file = "{tmp}/state/aggregate.lock"
state_file = "{tmp}/state/state.json"
{cron}
{extra}
"""

UNITS = [
    ("DB-THUE", "Đảng bộ Cục Thuế", "Đảng bộ cơ sở"),
    ("CB-TUPHAP", "Chi bộ Sở Tư pháp", "Chi bộ cơ sở"),
    ("DT-CCB", "Hội Cựu chiến binh Khối", "Đoàn thể khối"),
]

KERNEL_WAIT = 30  # seconds: an upper bound for events to happen, never asserted on


def tabs(extra_model: bool = False) -> dict[str, list[list[object]]]:
    out = {}
    for i, (_code, name, _kind) in enumerate(UNITS):
        rows = [model(1, "Lãnh đạo thực hiện chuyển đổi số trong chi bộ")]
        if i == 0:
            rows.append(model(2, "Cơ quan thân thiện vì nhân dân phục vụ"))
        if extra_model and i == 1:
            rows.append(model(2, "Phòng một cửa thân thiện"))
        out[name] = seed_form(name, {"kinh_te": rows})
    return out


class Env:
    def __init__(self, tmp: Path, *, timeout: float = 5, google: str = "", cron: str = "", extra: str = "") -> None:
        self.tmp = tmp
        self.config = tmp / "danvan.toml"
        self.config.write_text(
            CONFIG.format(tmp=tmp, timeout=timeout, google=google, cron=cron, extra=extra), encoding="utf-8"
        )
        self.units = tmp / "don-vi.csv"
        self.units.write_text("ma_don_vi,ten_don_vi,loai_don_vi,email,tab\n" + "".join(
            f"{c},{n},{k},{c.lower()}@example.vn,\n" for c, n, k in UNITS), encoding="utf-8")
        self.log = tmp / "logs" / "tong-hop.log"
        self.state_file = tmp / "state" / "state.json"
        self.lock_file = tmp / "state" / "aggregate.lock"
        self.xlsx = write_xlsx(tmp / "dang-ky.xlsx", tabs())
        self.out = tmp / "out" / "tong-hop.xlsx"

    def args(self, source: str, *more: str) -> list[str]:
        return ["aggregate", "--source", source, "--units", str(self.units), "--config", str(self.config),
                "--as-of", "2023-05-02", "--quiet", "--log-file", str(self.log), *more]

    def xlsx_args(self, *more: str) -> list[str]:
        return self.args(f"xlsx:{self.xlsx}", "--out", str(self.out), *more)

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    def state(self) -> dict:
        return read_state(self.state_file)

    def settings(self):
        from danvan_sheets.config import load_settings

        return load_settings(self.config)


def child_env(fake=None, **more) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SHEETS_EMULATOR_HOST", "GOOGLE_APPLICATION_CREDENTIALS")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    if fake is not None:
        env["SHEETS_EMULATOR_HOST"] = fake.host
    env.update(more)
    return env


def spawn(env: Env, args: list[str], fake=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "danvan_sheets", *args], cwd=env.tmp, env=child_env(fake),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def invoke(args: list[str], fake=None, **env):
    if fake is not None:
        env["SHEETS_EMULATOR_HOST"] = fake.host
    env.setdefault("GOOGLE_APPLICATION_CREDENTIALS", None)
    return CliRunner().invoke(cli, args, env=env)


def wait_for(predicate, what: str):
    """Poll until `predicate()`; the bound only stops a broken test from hanging."""
    end = time.monotonic() + KERNEL_WAIT
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def lock_is_held(path: Path) -> bool:
    if not path.exists():
        return False
    probe = RunLock(path)
    if probe.acquire():
        probe.release()
        return False
    return True


def lock_pid(path: Path) -> int | None:
    """Who holds the lock: the run writes its pid beside the lock once it holds it.
    Read, never probed with the lock here, so the test cannot steal the lock from a run."""
    holder = RunLock(path).holder()
    return holder.pid if holder is not None else None


def gsheet(fake, extra_model: bool = False) -> str:
    key = fake.create_spreadsheet("Đăng ký 2023", [n for _c, n, _k in UNITS])
    for title, rows in tabs(extra_model).items():
        fake.set_values(key, title, rows)
    return key


def summary_of(fake, key) -> dict[str, list[list]]:
    return {t: fake.get_values(key, t) for t in SUMMARY_SHEETS if t in fake.tabs(key)}


def assert_whole(summary: dict[str, list[list]]) -> None:
    """All three tabs, each with its caption and header, and one Tổng hợp row per unit."""
    assert set(summary) == set(SUMMARY_SHEETS)
    for rows in summary.values():
        assert rows and rows[0] and len(rows) >= 3
    names = {n for _c, n, _k in UNITS}
    listed = {c for row in summary[SUMMARY_SHEETS[0]] for c in row if c in names}
    assert listed == names


def read_xlsx_summary(path: Path) -> dict[str, list[tuple]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def success_lines(env: Env) -> list[str]:
    return [line for line in env.log_lines() if "tổng hợp xong" in line]


def busy_lines(env: Env) -> list[str]:
    return [line for line in env.log_lines() if BUSY_TEXT in line]


# --- the log line and the marker ----------------------------------------------------------------

def test_one_timestamped_line_per_run_and_the_marker(tmp_path):
    env = Env(tmp_path)
    result = invoke(env.xlsx_args())
    assert result.exit_code == 0, result.output
    assert result.output == ""  # --quiet: nothing on stdout when all is well
    (line,) = env.log_lines()
    assert line[:19].replace("-", "").replace(":", "").replace(" ", "").isdigit()  # 2026-12-01 14:30:00
    for part in ("tổng hợp xong", "đơn_vị=3", "cần_bổ_sung=", "yêu_cầu=0", "thời_gian=", "mã_thoát=0"):
        assert part in line
    state = env.state()
    assert state["failures"] == 0 and state["last_success"]["units"] == 3
    text = last_success_text(env.settings())
    assert text.startswith("Lần tổng hợp thành công gần nhất: ") and "(3 đơn vị, " in text and "cần bổ sung)." in text
    assert not [p for p in env.state_file.parent.iterdir() if p.name.startswith(".danvan-state-")]  # no temp left


def test_strict_exit_1_is_still_a_success(tmp_path):
    env = Env(tmp_path)
    result = invoke(env.xlsx_args("--strict"))
    assert result.exit_code == 1
    assert "mã_thoát=1" in env.log_lines()[-1] and "tổng hợp xong" in env.log_lines()[-1]
    assert env.state()["failures"] == 0


def test_log_file_from_config_and_rotation(tmp_path):
    env = Env(tmp_path, cron=f'log_file = "{tmp_path}/cfg.log"')
    args = [a for a in env.xlsx_args() if a not in ("--log-file", str(env.log))]
    for _ in range(3):
        assert invoke(args).exit_code == 0
    assert len((tmp_path / "cfg.log").read_text(encoding="utf-8").splitlines()) == 3


def test_damaged_state_file_does_not_stop_the_run(tmp_path):
    env = Env(tmp_path)
    env.state_file.parent.mkdir(parents=True)
    env.state_file.write_bytes(b"\x00{not json")
    assert invoke(env.xlsx_args()).exit_code == 0
    assert env.state()["failures"] == 0


def test_failure_counts_and_marker_stays(tmp_path):
    env = Env(tmp_path)
    assert invoke(env.xlsx_args()).exit_code == 0
    marker = env.state()["last_success"]
    env.xlsx.write_bytes(b"PK\x03\x04 not really a workbook")
    for n in (1, 2):
        result = invoke(env.xlsx_args())
        assert result.exit_code == 3 and "Lỗi: " in result.output and "Traceback" not in result.output
        assert env.state()["failures"] == n and env.state()["last_success"] == marker
    assert "mã_thoát=3" in env.log_lines()[-1] and "tổng hợp lỗi" in env.log_lines()[-1]
    text = last_success_text(env.settings())
    assert "Sau đó có 2 lần tổng hợp lỗi liên tiếp" in text
    write_xlsx(env.xlsx, tabs())
    assert invoke(env.xlsx_args()).exit_code == 0
    assert env.state()["failures"] == 0 and "last_failure" not in env.state()


def test_runs_by_hand_on_another_source_leave_the_schedule_alone(tmp_path):
    """With [source] spec set, only runs of that source move the marker and the failure count."""
    env = Env(tmp_path, extra=f'[source]\nspec = "xlsx:{tmp_path}/dang-ky.xlsx"\n')
    assert invoke(env.xlsx_args()).exit_code == 0  # the scheduled source, named the same way as the spec
    marker = env.state()["last_success"]
    other = write_xlsx(tmp_path / "ban-sao.xlsx", tabs(extra_model=True))
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    for source in (f"xlsx:{broken}", f"xlsx:{broken}", f"xlsx:{broken}", f"xlsx:{other}"):
        invoke(env.args(source, "--out", str(tmp_path / "out" / "thu.xlsx")))
    assert env.state()["failures"] == 0 and env.state()["last_success"] == marker
    assert len(env.log_lines()) == 5  # every run is still logged, with its source
    assert f"xlsx:{broken}" in env.log_lines()[1]
    env.xlsx.write_bytes(b"PK\x03\x04 not really a workbook")  # now the scheduled source itself fails
    assert invoke(env.xlsx_args()).exit_code == 3
    assert env.state()["failures"] == 1


@pytest.mark.parametrize("spec, given", [
    ("xlsx:data/dk.xlsx", "xlsx:./data/dk.xlsx"),
    ("xlsx:data/dk.xlsx", "xlsx:{cfg}/data/dk.xlsx"),  # relative to the configuration file's folder
    ("dir:thu-muc", "dir:thu-muc/"),
    ("gsheet:1AbCdEfGhIjKlMnOpQrStUv", "gsheet:https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUv/edit#gid=0"),
])
def test_the_scheduled_source_however_it_is_written(tmp_path, spec, given, monkeypatch):
    from danvan_sheets.runs.job import UnattendedRun

    env = Env(tmp_path, extra=f'[source]\nspec = "{spec}"\n')
    job = UnattendedRun(None)
    job.settings, job.source = env.settings(), given.format(cfg=tmp_path)
    if "{cfg}" not in given and not given.startswith("gsheet:"):  # typed by hand, from the configuration's folder
        monkeypatch.chdir(tmp_path)
    assert job._is_the_scheduled_source()
    job.source = "xlsx:data/khac.xlsx"
    assert not job._is_the_scheduled_source()


def test_ctrl_c_is_logged_but_never_counted_as_a_failure(tmp_path):
    from danvan_sheets.runs.job import UnattendedRun

    env = Env(tmp_path)
    assert invoke(env.xlsx_args()).exit_code == 0
    with pytest.raises(KeyboardInterrupt), UnattendedRun(str(env.log)) as job:
        job.begin(env.settings(), f"xlsx:{env.xlsx}")
        raise KeyboardInterrupt
    assert "mã_thoát=130" in env.log_lines()[-1]
    assert env.state()["failures"] == 0


def test_config_error_is_logged_exit_2(tmp_path):
    env = Env(tmp_path, cron="alert_after_failures = -1")
    result = invoke(env.xlsx_args())
    assert result.exit_code == 2 and "cron.alert_after_failures" in result.output
    assert "mã_thoát=2" in env.log_lines()[-1]


def test_a_configuration_that_does_not_load_is_still_logged_in_the_default_log(tmp_path):
    env = Env(tmp_path, cron="alert_after_failures = -1")
    args = [a for a in env.xlsx_args() if a not in ("--log-file", str(env.log))]
    assert invoke(args).exit_code == 2
    default_log = Path(os.environ["DANVAN_DATA_DIR"]) / "cron" / "tong-hop.log"
    (line,) = default_log.read_text(encoding="utf-8").splitlines()
    assert "mã_thoát=2" in line and "cron.alert_after_failures" in line


def test_a_mail_setting_that_cannot_work_never_stops_the_aggregation_and_the_alert_says_why(tmp_path, smtp_server):
    env = Env(tmp_path, cron='alert_after_failures = 1\nalert_to = ["btg@example.vn"]',
              extra=f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_server.port}\nsecurity = "none"\nca_file = '
                    f'"{tmp_path}/khong-co.pem"\n')
    assert invoke(env.xlsx_args()).exit_code == 0  # the summary is written whatever the mail settings say
    env.xlsx.write_bytes(b"PK\x03\x04 not really a workbook")
    assert invoke(env.xlsx_args()).exit_code == 3
    assert smtp_server.messages == []
    assert any("không gửi được thư cảnh báo" in line and "không có tệp chứng chỉ" in line for line in env.log_lines())


@pytest.mark.parametrize("cron, key", [
    ('alert_to = ["không-phải-email"]', "cron.alert_to"),
    ("alert_after_failures = true", "cron.alert_after_failures"),
    ("log_file = 3", "cron.log_file"),
    ('nonsense = "x"', "cron.nonsense"),
])
def test_bad_cron_keys_are_named(tmp_path, cron, key):
    env = Env(tmp_path, cron=cron)
    result = invoke(env.xlsx_args())
    assert result.exit_code == 2 and key in result.output and "Traceback" not in result.output


# --- two runs at once ---------------------------------------------------------------------------

def test_second_scheduled_run_while_the_lock_is_held_exits_0_and_says_so(tmp_path, fake_google):
    env = Env(tmp_path)
    key = gsheet(fake_google)
    with RunLock(env.lock_file) as held:
        assert held.acquire("gsheet:lich")
        proc = spawn(env, env.args(f"gsheet:{key}"), fake_google)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out == "" and err == ""  # quiet: the other run is writing the same summary
    (line,) = env.log_lines()
    assert BUSY_TEXT in line and f"tiến trình {os.getpid()}" in line and "nguồn gsheet:lich" in line
    assert not fake_google.requests  # it did nothing
    assert env.state() == {}  # and counted neither a success nor a failure


@pytest.mark.parametrize("quiet", [True, False])
def test_a_run_asked_for_a_file_while_the_lock_is_held_says_why_and_exits_3(tmp_path, quiet):
    """A person's `aggregate --out X.xlsx` while the scheduled run holds the lock: X.xlsx is not written,
    so the run must not end with 0 and say nothing."""
    env = Env(tmp_path)
    args = env.xlsx_args() if quiet else [a for a in env.xlsx_args() if a != "--quiet"]
    with RunLock(env.lock_file) as held:
        assert held.acquire("gsheet:lich")
        proc = spawn(env, args)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    assert f"Chưa ghi {env.out}: đang có lần tổng hợp khác chạy (bắt đầu lúc" in err
    assert f"tiến trình {os.getpid()}" in err and "Hãy chạy lại" in err and "Traceback" not in err
    assert not env.out.exists()
    (line,) = env.log_lines()
    assert BUSY_TEXT in line
    assert env.state() == {}  # not a failure of the scheduled aggregation either


def test_two_runs_started_at_once_exactly_one_works(tmp_path, fake_google):
    env = Env(tmp_path)
    key = gsheet(fake_google)
    fake_google.delay(1.0, times=1)  # the first request, whichever run sends it
    a = spawn(env, env.args(f"gsheet:{key}"), fake_google)
    b = spawn(env, env.args(f"gsheet:{key}"), fake_google)
    # The run that got the lock has reached Google; hold it there until the other one has decided.
    wait_for(lambda: fake_google.requests, "a request at the fake")
    holder = next(p for p in (a, b) if lock_pid(env.lock_file) == p.pid)  # it writes its pid once it holds the lock
    holder.send_signal(signal.SIGSTOP)
    other = b if holder is a else a
    try:
        _out, err = other.communicate(timeout=60)
    finally:
        holder.send_signal(signal.SIGCONT)
    _hout, herr = holder.communicate(timeout=60)
    assert (holder.returncode, other.returncode) == (0, 0), (herr, err)
    assert len(success_lines(env)) == 1 and len(busy_lines(env)) == 1
    assert sum(1 for r in fake_google.requests if r.path.endswith(":batchUpdate")) == 1
    assert_whole(summary_of(fake_google, key))


# --- a run killed in the middle -----------------------------------------------------------------

def test_run_killed_during_the_google_write_next_run_completes(tmp_path, fake_google):
    env = Env(tmp_path)
    key = gsheet(fake_google)
    assert invoke(env.args(f"gsheet:{key}"), fake_google).exit_code == 0
    before = summary_of(fake_google, key)
    assert_whole(before)
    fake_google.set_values(key, UNITS[1][1], tabs(extra_model=True)[UNITS[1][1]])  # so the next run writes
    fake_google.delay(1.0, times=1, match=r"POST .*:batchUpdate")
    proc = spawn(env, env.args(f"gsheet:{key}"), fake_google)
    wait_for(lambda: any(r.path.endswith(":batchUpdate") for r in fake_google.requests), "the batchUpdate")
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    update = next(r for r in fake_google.requests if r.path.endswith(":batchUpdate"))
    wait_for(lambda: update.status is not None, "the fake to finish the orphaned batch")
    assert_whole(summary_of(fake_google, key))  # Google's batch is all or nothing
    assert env.lock_file.exists() and not lock_is_held(env.lock_file)  # flock died with the process
    result = invoke(env.args(f"gsheet:{key}"), fake_google)
    assert result.exit_code == 0, result.output
    assert "tổng hợp xong" in env.log_lines()[-1] and not busy_lines(env)
    after = summary_of(fake_google, key)
    assert_whole(after)
    assert after != before  # the new registrations are in
    assert env.state()["failures"] == 0


def test_run_killed_while_holding_the_lock_on_xlsx(tmp_path):
    env = Env(tmp_path)
    assert invoke(env.xlsx_args()).exit_code == 0
    before = read_xlsx_summary(env.out)
    big = tabs(extra_model=True)
    # Slow enough to catch it mid-run: 10,000 more whole model rows a tab, read and stored. (Numbered
    # rows with data below the form's Ghi chú block are models the reader counts; rows with errors
    # would make a 120,000-row Lỗi nhập liệu tab, whose styling alone takes openpyxl over a minute.)
    for name in list(big):
        big[name] = big[name] + [model(i, f"Mô hình bổ sung số {i}") for i in range(2, 10_002)]
    write_xlsx(env.xlsx, big)
    proc = spawn(env, env.xlsx_args())
    wait_for(lambda: lock_pid(env.lock_file) == proc.pid, "the run to take the lock")
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert read_xlsx_summary(env.out) == before  # the old summary, whole
    assert not lock_is_held(env.lock_file)
    result = invoke(env.xlsx_args())
    assert result.exit_code == 0, result.output
    assert "tổng hợp xong" in env.log_lines()[-1]
    after = read_xlsx_summary(env.out)
    assert set(after) == set(SUMMARY_SHEETS) and after != before


# --- Google failing in every way ----------------------------------------------------------------

FAULT_TIMEOUT = 0.5  # seconds per Google call in the failing run; the "timeout" fault waits 4x as long

FAULTS = {
    "429": lambda f, m: f.fail(429, times=None, match=m, retry_after=0),
    "500": lambda f, m: f.fail(500, times=None, match=m),
    "502": lambda f, m: f.fail(502, times=None, match=m),
    "503": lambda f, m: f.fail(503, times=None, match=m),
    "504": lambda f, m: f.fail(504, times=None, match=m),
    "timeout": lambda f, m: f.delay(FAULT_TIMEOUT * 4, times=None, match=m),
    "dropped": lambda f, m: f.drop(times=None, match=m),
}


@pytest.mark.parametrize("where", ["every request", "the write"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_google_failing_forever(tmp_path, fake_google, fault, where):
    env = Env(tmp_path)  # the good run keeps the default timeout: a loaded CI machine must not fail it
    key = gsheet(fake_google)
    assert invoke(env.args(f"gsheet:{key}"), fake_google).exit_code == 0
    Env(tmp_path, timeout=FAULT_TIMEOUT)  # the same files, a short timeout for the failing run
    before = summary_of(fake_google, key)
    marker = env.state()["last_success"]
    fake_google.set_values(key, UNITS[1][1], tabs(extra_model=True)[UNITS[1][1]])
    fake_google.reset_log()
    FAULTS[fault](fake_google, None if where == "every request" else r"POST .*:batchUpdate")

    result = invoke(env.args(f"gsheet:{key}"), fake_google)

    assert result.exit_code == 3, result.output
    assert result.output.startswith("Lỗi: ") and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    # Bounded: max_tries = 3 for the failing call, and nothing after it.
    sent = len(fake_google.requests)
    assert sent == (3 if where == "every request" else 2 + 3)
    fake_google.clear_faults()
    assert summary_of(fake_google, key) == before
    state = env.state()
    assert state["failures"] == 1 and state["last_success"] == marker
    line = env.log_lines()[-1]
    assert "tổng hợp lỗi" in line and "mã_thoát=3" in line
    if where == "the write":
        assert "đơn_vị=3" in line and f"yêu_cầu={sent}" in line


# --- the staff alert ----------------------------------------------------------------------------

class _Inbox:
    def __init__(self) -> None:
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = _Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        inbox.logins.append(auth_data.login)
        ok = auth_data.login == b"canbo" and auth_data.password == b"S3cret-SMTP-pw!"
        return AuthResult(success=ok)

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False)
    controller.start()
    inbox.port = port
    try:
        yield inbox
    finally:
        controller.stop()


SMTP_PASSWORD = "S3cret-SMTP-pw!"


def alert_env(tmp_path, port, after=2) -> Env:
    return Env(tmp_path, cron=f'alert_after_failures = {after}\nalert_to = ["bantuyengiao@example.vn"]',
               extra=f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nuser = "canbo"\n'
                     f'password_env = "DANVAN_TEST_SMTP_PASSWORD"\nfrom_addr = "danvan@example.vn"\ntimeout = 10\n')


def test_alert_once_after_n_failures_and_reset_on_success(tmp_path, fake_google, smtp_server):
    env = alert_env(tmp_path, smtp_server.port)
    key = gsheet(fake_google)
    args = env.args(f"gsheet:{key}")
    run = lambda: invoke(args, fake_google, DANVAN_TEST_SMTP_PASSWORD=SMTP_PASSWORD)  # noqa: E731
    outputs = []

    fake_google.fail(500, times=None)
    for n, mails in ((1, 0), (2, 1), (3, 1), (4, 1)):
        result = run()
        outputs.append(result.output)
        assert result.exit_code == 3
        assert env.state()["failures"] == n
        assert len(smtp_server.messages) == mails, n
    (to, msg), = smtp_server.messages
    assert to == ["bantuyengiao@example.vn"]
    assert "lỗi 2 lần liên tiếp" in msg["Subject"]
    body = msg.get_content()
    assert "Máy chủ Google đang lỗi" in body and "danvan doctor" in body
    assert any("đã gửi thư cảnh báo" in line for line in env.log_lines())

    fake_google.clear_faults()
    assert run().exit_code == 0
    assert env.state()["failures"] == 0 and env.state()["alerted"] is False

    fake_google.fail(503, times=None)
    run(), run()
    assert len(smtp_server.messages) == 2  # a new run of failures, a new (single) alert
    assert smtp_server.logins and set(smtp_server.logins) == {b"canbo"}

    everything = "\n".join(outputs) + env.log.read_text(encoding="utf-8") + env.state_file.read_text(encoding="utf-8")
    assert SMTP_PASSWORD not in everything


def test_alert_that_cannot_be_sent_is_logged_and_retried_next_failure(tmp_path, fake_google, smtp_server):
    env = alert_env(tmp_path, smtp_server.port, after=1)
    key = gsheet(fake_google)
    fake_google.fail(500, times=None)
    result = invoke(env.args(f"gsheet:{key}"), fake_google, DANVAN_TEST_SMTP_PASSWORD="wrong-password-xyz")
    assert result.exit_code == 3  # the run's own error, not the mailer's
    assert "không gửi được thư cảnh báo" in env.log_lines()[-1]
    assert "wrong-password-xyz" not in env.log.read_text(encoding="utf-8") + result.output
    assert not smtp_server.messages
    invoke(env.args(f"gsheet:{key}"), fake_google, DANVAN_TEST_SMTP_PASSWORD=SMTP_PASSWORD)
    assert len(smtp_server.messages) == 1


# --- doctor -------------------------------------------------------------------------------------

def test_doctor_reports_the_last_success(tmp_path, fake_google):
    env = Env(tmp_path)
    key = gsheet(fake_google)
    result = invoke(["doctor", "--source", f"gsheet:{key}", "--config", str(env.config)], fake_google)
    assert "Lần tổng hợp thành công gần nhất" not in result.output
    assert invoke(env.args(f"gsheet:{key}"), fake_google).exit_code == 0
    result = invoke(
        ["doctor", "--source", f"gsheet:{key}", "--config", str(env.config), "--units", str(env.units)], fake_google
    )
    assert result.exit_code == 0, result.output
    assert "Lần tổng hợp thành công gần nhất:" in result.output and "(3 đơn vị," in result.output


# --- the cron script and the crontab ------------------------------------------------------------

def test_cron_script_runs_quietly_from_the_project_folder(tmp_path):
    root = tmp_path / "project"
    (root / "scripts").mkdir(parents=True)
    (root / "config").mkdir()
    (root / ".venv" / "bin").mkdir(parents=True)
    script = root / "scripts" / "cron-aggregate.sh"
    script.write_bytes((REPO / "scripts" / "cron-aggregate.sh").read_bytes())
    danvan = root / ".venv" / "bin" / "danvan"
    danvan.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m danvan_sheets "$@"\n', encoding="utf-8")
    danvan.chmod(0o755)
    env = Env(tmp_path)
    config = env.config.read_text(encoding="utf-8") + f'\n[source]\nspec = "xlsx:{env.xlsx}"\nunits = "{env.units}"\n'
    (root / "config" / "danvan.toml").write_text(config, encoding="utf-8")
    cron_env = child_env(HOME=str(tmp_path), PATH="/usr/bin:/bin")
    cron_env.pop("DANVAN_CONFIG", None)
    # A bare cron environment: no data folder set, so the log lands in the user's data folder.
    for name in ("DANVAN_DATA_DIR", "XDG_DATA_HOME"):
        cron_env.pop(name, None)
    proc = subprocess.run(["bash", str(script), "--out", "out/tong-hop.xlsx"], cwd="/", env=cron_env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
    log = tmp_path / ".local" / "share" / "danvan-sheets" / "cron" / "tong-hop.log"
    assert "tổng hợp xong" in log.read_text(encoding="utf-8")
    assert not (root / "data").exists()  # nothing left in the folder the script ran from
    assert (root / "out" / "tong-hop.xlsx").is_file()  # relative to the project folder


def test_cron_script_without_venv_says_what_to_do(tmp_path):
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "cron-aggregate.sh"
    script.write_bytes((REPO / "scripts" / "cron-aggregate.sh").read_bytes())
    proc = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Chưa cài công cụ" in proc.stderr


def test_crontab_example_lines_are_valid():
    lines = [ln for ln in (REPO / "config" / "crontab.example").read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    jobs = [ln.split(None, 5) for ln in lines if "=" not in ln.split()[0]]
    assert jobs[0][:5] == ["*/30", "7-17", "*", "*", "1-5"]
    assert len(jobs) == 2 and all(j[5].endswith("scripts/cron-aggregate.sh") for j in jobs)
    minute, hour, day, month, _dow = jobs[1][:5]
    assert minute.isdigit() and hour.isdigit() and day.isdigit() and month.isdigit()


def test_default_lock_and_state_live_in_the_data_dir(tmp_path, monkeypatch):
    """Without [cron] paths: next to the history, in DANVAN_DATA_DIR (else the per-user data folder)."""
    env = Env(tmp_path)
    text = env.config.read_text(encoding="utf-8")
    env.config.write_text(
        "\n".join(ln for ln in text.splitlines() if not ln.startswith(("lock_file", "state_file"))), encoding="utf-8"
    )
    monkeypatch.setenv("DANVAN_DATA_DIR", str(tmp_path / "dd"))
    assert invoke(env.xlsx_args()).exit_code == 0
    assert (tmp_path / "dd" / "danvan-state.json").is_file() and (tmp_path / "dd" / "danvan-aggregate.lock").is_file()
    assert "Lần tổng hợp thành công gần nhất" in last_success_text(env.settings())


def test_history_survives_a_killed_run(tmp_path, fake_google, monkeypatch):
    """The history (SQLite) written during a run killed mid-write still opens and holds every earlier run."""
    import sqlite3

    data = tmp_path / "dd"
    monkeypatch.setenv("DANVAN_DATA_DIR", str(data))
    env = Env(tmp_path)
    key = gsheet(fake_google)
    assert invoke(env.args(f"gsheet:{key}"), fake_google).exit_code == 0
    fake_google.set_values(key, UNITS[1][1], tabs(extra_model=True)[UNITS[1][1]])
    fake_google.delay(1.0, times=1, match=r"POST .*:batchUpdate")
    proc = spawn(env, env.args(f"gsheet:{key}"), fake_google)  # inherits DANVAN_DATA_DIR
    wait_for(lambda: any(r.path.endswith(":batchUpdate") for r in fake_google.requests), "the batchUpdate")
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    db = data / "history.sqlite"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        after_kill = conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    assert after_kill >= 1
    assert invoke(env.args(f"gsheet:{key}"), fake_google).exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] >= after_kill  # nothing lost

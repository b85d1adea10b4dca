"""Reminders against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner

from danvan_sheets.cli import cli
from danvan_sheets.writers.email import body_for, days_left_text
from tests.helpers_forms import MANDATORY_CDS, model, seed_form, write_xlsx
from tests.test_history_store import report_of, settings_for

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "S3cret-Pa55-zq81"
VI_PASSWORD = "mật-khẩu-rất-bí-mật-42"


class Collector:
    def __init__(self, refuse: set[str] = frozenset()):
        self.refuse = set(refuse)
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Hộp thư không tồn tại".encode().decode("ascii", "ignore") or "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    servers = []

    def start(refuse=(), password: str | None = None):
        handler = Collector(set(refuse))
        kwargs = {}
        if password is not None:
            def auth(server, session, envelope, mechanism, auth_data):
                return AuthResult(
                    success=auth_data.login == b"bantuyengiao" and auth_data.password == password.encode()
                )
            kwargs = {"authenticator": auth, "auth_require_tls": False}
        ctl = Controller(handler, hostname="127.0.0.1", port=_free_port(), **kwargs)
        ctl.start()
        servers.append(ctl)
        return ctl, handler

    yield start
    for ctl in servers:
        ctl.stop()


UNITS_CSV = (
    "ma_don_vi,ten_don_vi,loai_don_vi,email,tab\n"
    "DB-THUE,Đảng bộ Cục Thuế,Đảng bộ cơ sở,vp.thue@example.vn,\n"
    "CB-BIA,Chi bộ Công ty Bia,Chi bộ cơ sở,cb.bia@example.vn,\n"
    "DT-DOAN,Đoàn Thanh niên Khối,Đoàn thể khối,doan@example.vn,\n"
    "DB-OK,Đảng bộ Kho bạc,Đảng bộ cơ sở,khobac@example.vn,\n"
)


def _setup(tmp_path: Path, port: int, extra: str = "") -> dict[str, str]:
    ok = {"kinh_te": [model(1, "Mô hình A"), model(2, MANDATORY_CDS)],
          "van_hoa_xa_hoi": [model(1, "Mô hình B"), model(2, "Tuyên truyền bộ tiêu chí cơ quan hạnh phúc")]}
    write_xlsx(tmp_path / "dk.xlsx", {
        "Đảng bộ Cục Thuế": seed_form("Đảng bộ Cục Thuế", {"kinh_te": [model(1, "Mô hình A", quantity="hai")]}),
        "Chi bộ Công ty Bia": seed_form("Chi bộ Công ty Bia", {"kinh_te": [model(1, "Mô hình C", location=None)]}),
        "Đảng bộ Kho bạc": seed_form("Đảng bộ Kho bạc", ok),
    })
    (tmp_path / "dv.csv").write_text(UNITS_CSV, encoding="utf-8")
    base = (REPO / "config" / "danvan.toml").read_text(encoding="utf-8")
    (tmp_path / "c.toml").write_text(
        base + f'\n[history]\npath = "{tmp_path / "h.sqlite"}"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nfrom_addr = "Ban Tuyên giáo '
        '<btg@example.vn>"\ntimeout = 10\n'
        + extra, encoding="utf-8")
    return {"args": ["--source", f"xlsx:{tmp_path / 'dk.xlsx'}", "--units", str(tmp_path / "dv.csv"),
                     "--config", str(tmp_path / "c.toml"), "--as-of", "2023-04-20"]}


def _run(args, env=None):
    return CliRunner().invoke(cli, ["remind", *args], env=env or {}, catch_exceptions=False)


def _subject(msg) -> str:
    return str(make_header(decode_header(msg["Subject"])))


def test_sends_one_vietnamese_email_per_flagged_unit(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    s = _setup(tmp_path, ctl.port)
    res = _run(s["args"])
    assert res.exit_code == 0, res.output
    by_to = {tos[0]: msg for tos, msg in handler.messages}
    assert sorted(by_to) == ["cb.bia@example.vn", "doan@example.vn", "vp.thue@example.vn"]  # Kho bạc is đạt
    msg = by_to["vp.thue@example.vn"]
    assert msg["To"] == "vp.thue@example.vn"
    assert str(msg["From"]) == "Ban Tuyên giáo <btg@example.vn>"
    assert _subject(msg) == "Đôn đốc đăng ký mô hình “Dân vận khéo” năm 2023 — Đảng bộ Cục Thuế"
    raw = msg.as_bytes()
    assert b"=?utf-8?" in raw.lower() and "Đôn".encode() not in raw.split(b"\n\n", 1)[0]  # encoded words, not raw bytes
    body = msg.get_content()
    assert msg.get_content_charset() == "utf-8"
    assert "Kính gửi: Đảng bộ Cục Thuế," in body
    assert "Chưa đăng ký mô hình bắt buộc “Lãnh đạo thực hiện chuyển đổi số" in body
    (cell_line,) = [line for line in body.splitlines() if line.strip().startswith("- Ô C")]
    assert "Số lượng “hai” không hợp lệ" in cell_line and cell_line.count("“hai”") == 1  # the value said once
    assert "Hạn đăng ký: 25/04/2023 (còn 5 ngày)." in body
    assert "trang tính “Đảng bộ Cục Thuế”" in body
    doan = by_to["doan@example.vn"].get_content()
    assert "Chưa đăng ký" in doan and "chưa có trang đăng ký" in doan
    assert "Đã gửi 3 thư, 0 thư không gửi được" in res.output


def test_refused_recipient_is_reported_and_the_others_still_go(tmp_path, smtp_server):
    ctl, handler = smtp_server(refuse={"cb.bia@example.vn"})
    s = _setup(tmp_path, ctl.port)
    res = _run(s["args"])
    assert res.exit_code == 3
    assert sorted(t[0] for t, _ in handler.messages) == ["doan@example.vn", "vp.thue@example.vn"]
    line = next(x for x in res.output.splitlines() if "cb.bia@example.vn" in x)
    assert "KHÔNG GỬI ĐƯỢC" in line and "550" in line
    # The failed one is not recorded as reminded: the next run tries it again, the others wait.
    res2 = _run(s["args"])
    assert res2.exit_code == 3
    assert [t[0] for t, _ in handler.messages[2:]] == []  # still refused, nothing re-sent to the others
    assert res2.output.count(": bỏ qua: đã nhắc lúc") == 2


def test_a_unit_without_email_is_a_registry_gap_exit_2_and_the_others_still_go(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    s = _setup(tmp_path, ctl.port)
    (tmp_path / "dv.csv").write_text(UNITS_CSV.replace("cb.bia@example.vn", ""), encoding="utf-8")
    res = _run(s["args"])
    assert res.exit_code == 2
    assert sorted(t[0] for t, _ in handler.messages) == ["doan@example.vn", "vp.thue@example.vn"]
    line = next(x for x in res.output.splitlines() if "Chi bộ Công ty Bia" in x)
    assert "THIẾU EMAIL" in line
    assert "1 đơn vị chưa có email" in res.output


def test_not_sent_twice_within_the_interval(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    s = _setup(tmp_path, ctl.port)
    assert _run(s["args"]).exit_code == 0
    second = _run(s["args"])
    assert second.exit_code == 0 and len(handler.messages) == 3
    assert "bỏ qua 3 đơn vị" in second.output and "đã nhắc lúc" in second.output


def test_interval_zero_sends_again(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    s = _setup(tmp_path, ctl.port, "[remind]\ninterval_hours = 0\n")
    _run(s["args"])
    _run(s["args"])
    assert len(handler.messages) == 6


def test_status_filter(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    s = _setup(tmp_path, ctl.port)
    assert _run([*s["args"], "--status", "chua_dang_ky"]).exit_code == 0
    assert [t[0] for t, _ in handler.messages] == ["doan@example.vn"]
    bad = _run([*s["args"], "--status", "dat"])
    assert bad.exit_code == 2 and "--status" in bad.output


def test_dry_run_prints_and_sends_nothing(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    s = _setup(tmp_path, ctl.port)
    res = _run([*s["args"], "--dry-run"])
    assert res.exit_code == 0
    assert handler.messages == []
    assert "Tiêu đề: Đôn đốc đăng ký mô hình “Dân vận khéo” năm 2023 — Chi bộ Công ty Bia" in res.output
    assert "không gửi thư nào; 3 thư sẽ được gửi" in res.output
    assert not (tmp_path / "h.sqlite").exists()
    assert _run(s["args"]).exit_code == 0 and len(handler.messages) == 3  # a dry run never counts as reminded


def _with_login(cfg, timeout: int) -> None:
    """The test config, with an SMTP login whose password comes from DV_SMTP_PW."""
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            "timeout = 10\n", f'timeout = {timeout}\nuser = "bantuyengiao"\npassword_env = "DV_SMTP_PW"\n'
        ),
        encoding="utf-8",
    )


def test_login_with_password_from_env(tmp_path, smtp_server):
    ctl, handler = smtp_server(password=PASSWORD)
    s = _setup(tmp_path, ctl.port)
    _with_login(tmp_path / "c.toml", timeout=10)
    res = _run(s["args"], env={"DV_SMTP_PW": PASSWORD})
    assert res.exit_code == 0, res.output
    assert len(handler.messages) == 3
    for suffix in ("", "-wal", "-shm"):  # forget the reminders just sent
        (tmp_path / f"h.sqlite{suffix}").unlink(missing_ok=True)
    missing = _run(s["args"], env={"DV_SMTP_PW": ""})
    assert missing.exit_code == 2 and "DV_SMTP_PW" in missing.output


def test_wrong_password_is_reported_without_revealing_it(tmp_path, smtp_server):
    ctl, handler = smtp_server(password="khác")
    s = _setup(tmp_path, ctl.port)
    # aiosmtpd goes quiet after a refused login; a short timeout keeps the test quick (nothing asserts on time).
    _with_login(tmp_path / "c.toml", timeout=1)
    res = CliRunner().invoke(cli, ["remind", *s["args"]], env={"DV_SMTP_PW": PASSWORD})
    assert res.exit_code == 3 and handler.messages == []
    assert "đăng nhập máy chủ thư thất bại" in res.output
    assert PASSWORD not in res.output and PASSWORD not in (res.stderr if res.stderr_bytes is not None else "")


def test_non_ascii_password_is_explained_without_revealing_it(tmp_path, smtp_server):
    ctl, handler = smtp_server(password=VI_PASSWORD)
    s = _setup(tmp_path, ctl.port)
    _with_login(tmp_path / "c.toml", timeout=10)
    res = CliRunner().invoke(cli, ["remind", *s["args"]], env={"DV_SMTP_PW": VI_PASSWORD})
    assert res.exit_code == 3 and handler.messages == []
    assert "ngoài ASCII" in res.output and VI_PASSWORD not in res.output


def test_password_in_config_file_is_refused(tmp_path, smtp_server):
    ctl, _ = smtp_server()
    s = _setup(tmp_path, ctl.port)
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("timeout = 10\n", f'timeout = 10\npassword = "{PASSWORD}"\n'),
        encoding="utf-8",
    )
    res = _run(s["args"])
    assert res.exit_code == 2 and "password_env" in res.output and PASSWORD not in res.output


def test_server_down_fails_every_unit_with_exit_3(tmp_path):
    s = _setup(tmp_path, _free_port())
    res = _run(s["args"])
    assert res.exit_code == 3
    assert res.output.count("máy chủ thư từ chối kết nối") == 3


def test_days_left_wording():
    d = dt.date(2023, 4, 25)
    assert days_left_text(d, dt.date(2023, 4, 20)) == "còn 5 ngày"
    assert days_left_text(d, d) == "hôm nay là hạn cuối"
    assert days_left_text(d, dt.date(2023, 5, 5)) == "đã quá hạn 10 ngày"


def test_body_has_the_tab_link_when_there_is_one(tmp_path):
    s = settings_for(tmp_path / "h.sqlite")
    report, _ = report_of(s, {"Đảng bộ Cục Thuế": {"kinh_te": [model(1, "Mô hình A")]}}, as_of=dt.date(2023, 5, 1))
    v = report.units[0]
    v.tab_url = "https://docs.google.com/spreadsheets/d/abc/edit#gid=12"
    body = body_for(v, report.campaign, report.as_of)
    assert "Trang đăng ký của đơn vị: https://docs.google.com/spreadsheets/d/abc/edit#gid=12" in body
    assert "(đã quá hạn 6 ngày)" in body


def test_a_cell_value_the_message_does_not_quote_is_given_after_it(tmp_path):
    s = settings_for(tmp_path / "h.sqlite")
    row = model(1, "Mô hình A", build="Tháng 10/2023", done="Tháng 6/2023")
    report, _ = report_of(s, {"Đảng bộ Cục Thuế": {"kinh_te": [row]}}, as_of=dt.date(2023, 4, 20))
    body = body_for(report.units[0], report.campaign, report.as_of)
    (line,) = [ln for ln in body.splitlines() if "sớm hơn thời gian bắt đầu" in ln]
    assert line.endswith("Đang ghi: “Tháng 6/2023”.")

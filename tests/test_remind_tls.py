"""`danvan remind` over encrypted SMTP, as real mail servers want it: STARTTLS (the default) and SSL.

A real aiosmtpd server on 127.0.0.1 with a certificate from a CA made for the test; the
client verifies it exactly as it verifies smtp.gmail.com, through [smtp] ca_file.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from danvan_sheets.writers.email import _describe
from tests.test_remind import PASSWORD, UNITS_CSV, Collector, _free_port, _run, _setup, _with_login


def _over_tls(server) -> bool:
    # Asked of the connection itself: aiosmtpd fills session.ssl only after STARTTLS, not on an SSL port.
    return server.transport.get_extra_info("ssl_object") is not None


class TlsCollector(Collector):
    """Also records whether each message and each login came over an encrypted connection."""

    def __init__(self) -> None:
        super().__init__()
        self.encrypted: list[bool] = []
        self.login_encrypted: list[bool] = []
        self.greetings = 0  # one EHLO per connection

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.encrypted.append(_over_tls(server))
        return await super().handle_DATA(server, session, envelope)


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) as PEM files; the server is 127.0.0.1."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA nội bộ Đảng ủy Khối (thử)")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.khoi.example.vn")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@pytest.fixture
def tls_server(tmp_path):
    """start(mode) -> (controller, handler, CA file); mode "starttls", "ssl" or "plain". Logins need TLS."""
    ca, cert, key = _certificates(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    servers = []

    def start(mode: str, bind: str = "127.0.0.1"):
        handler = TlsCollector()

        def auth(server, session, envelope, mechanism, auth_data):
            handler.login_encrypted.append(_over_tls(server))
            return AuthResult(success=auth_data.login == b"bantuyengiao" and auth_data.password == PASSWORD.encode())

        if mode == "plain":  # no TLS at all: neither STARTTLS nor a login is offered
            kwargs = {"enable_SMTPUTF8": False}
        elif mode == "starttls":
            # auth_require_tls stays on (aiosmtpd's default): a password is only taken after STARTTLS.
            kwargs = {"tls_context": server_context, "require_starttls": True}
        else:
            # aiosmtpd counts only STARTTLS as TLS for auth_require_tls, not a connection that was
            # encrypted from the start; login_encrypted below checks the login really was.
            kwargs = {"ssl_context": server_context, "server_hostname": "127.0.0.1", "auth_require_tls": False}
        ctl = Controller(handler, hostname=bind, port=_free_port(), authenticator=auth, **kwargs)
        ctl.start()
        servers.append(ctl)
        return ctl, handler, ca

    yield start
    for ctl in servers:
        ctl.stop()


def _secure(cfg: Path, security: str, ca: Path | None) -> None:
    text = cfg.read_text(encoding="utf-8").replace('security = "none"\n', f'security = "{security}"\n')
    if ca is not None:
        text = text.replace("timeout = 10\n", f'timeout = 10\nca_file = "{ca}"\n')
    cfg.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_reminders_go_encrypted_and_the_password_only_over_tls(tmp_path, tls_server, security):
    ctl, handler, ca = tls_server(security)
    s = _setup(tmp_path, ctl.port)
    _with_login(tmp_path / "c.toml", timeout=10)
    _secure(tmp_path / "c.toml", security, ca)
    res = _run(s["args"], env={"DV_SMTP_PW": PASSWORD})
    assert res.exit_code == 0, res.output
    assert len(handler.messages) == 3 and handler.encrypted == [True, True, True]
    assert handler.login_encrypted == [True]  # one login for the batch, after TLS was up


def test_an_untrusted_certificate_is_refused_and_says_what_to_do(tmp_path, tls_server):
    ctl, handler, _ca = tls_server("starttls")
    s = _setup(tmp_path, ctl.port)
    _with_login(tmp_path / "c.toml", timeout=10)
    _secure(tmp_path / "c.toml", "starttls", None)  # the system's CAs do not know the test CA
    res = _run(s["args"], env={"DV_SMTP_PW": PASSWORD})
    assert res.exit_code == 3
    assert res.output.count("chứng chỉ của máy chủ thư không được tin cậy") == 3
    assert "[smtp] ca_file" in res.output and PASSWORD not in res.output
    assert handler.messages == [] and handler.login_encrypted == []  # the password never left


def test_a_missing_ca_file_is_a_configuration_error(tmp_path, tls_server):
    ctl, handler, _ca = tls_server("starttls")
    s = _setup(tmp_path, ctl.port)
    _secure(tmp_path / "c.toml", "starttls", tmp_path / "khong-co.pem")
    res = _run(s["args"])
    assert res.exit_code == 2 and "smtp.ca_file" in res.output and "không có tệp chứng chỉ" in res.output
    assert "khong-co.pem" in res.output and handler.messages == []


def test_a_login_over_plain_text_to_a_server_that_wants_tls_says_which_setting_to_change(tmp_path, tls_server):
    ctl, handler, _ca = tls_server("starttls")
    s = _setup(tmp_path, ctl.port)
    _with_login(tmp_path / "c.toml", timeout=10)  # security stays "none"
    res = _run(s["args"], env={"DV_SMTP_PW": PASSWORD})
    assert res.exit_code == 3
    assert res.output.count("máy chủ thư không cho đăng nhập trên kết nối này (kiểm tra [smtp] security") == 3
    assert "lỗi hệ thống" not in res.output and PASSWORD not in res.output
    assert handler.messages == [] and handler.login_encrypted == []


def test_a_ca_file_that_is_not_a_certificate_is_a_configuration_error(tmp_path, tls_server):
    ctl, handler, _ca = tls_server("starttls")
    s = _setup(tmp_path, ctl.port)
    (tmp_path / "hong.pem").write_text("không phải chứng chỉ", encoding="utf-8")
    _secure(tmp_path / "c.toml", "starttls", tmp_path / "hong.pem")
    res = _run(s["args"])
    assert res.exit_code == 2 and "smtp.ca_file" in res.output and "PEM" in res.output
    assert handler.messages == []


def test_ca_file_under_the_home_folder(tmp_path, tls_server, monkeypatch):
    ctl, handler, ca = tls_server("starttls")
    monkeypatch.setenv("HOME", str(ca.parent))
    s = _setup(tmp_path, ctl.port)
    _with_login(tmp_path / "c.toml", timeout=10)
    _secure(tmp_path / "c.toml", "starttls", Path("~") / ca.name)
    res = _run(s["args"], env={"DV_SMTP_PW": PASSWORD, "HOME": str(ca.parent)})
    assert res.exit_code == 0, res.output
    assert handler.encrypted == [True, True, True]


def test_a_certificate_for_another_name_says_to_check_the_host(tmp_path, tls_server):
    ctl, handler, ca = tls_server("starttls")
    s = _setup(tmp_path, ctl.port)
    _with_login(tmp_path / "c.toml", timeout=10)
    _secure(tmp_path / "c.toml", "starttls", ca)
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace('host = "127.0.0.1"', 'host = "localhost"'), encoding="utf-8"
    )
    res = _run(s["args"], env={"DV_SMTP_PW": PASSWORD})  # the certificate names 127.0.0.1 only
    assert res.exit_code == 3
    assert res.output.count("tên máy chủ không khớp chứng chỉ") == 3 and "ca_file" not in res.output
    assert handler.login_encrypted == []


def test_starttls_asked_of_a_server_without_it_says_which_setting_to_change(tmp_path, tls_server):
    ctl, handler, _ca = tls_server("plain")
    s = _setup(tmp_path, ctl.port)
    _secure(tmp_path / "c.toml", "starttls", None)
    res = _run(s["args"])
    assert res.exit_code == 3
    assert res.output.count("máy chủ thư không hỗ trợ STARTTLS ở cổng này") == 3
    assert handler.messages == []


def test_an_address_with_diacritics_fails_alone_on_a_server_without_smtputf8(tmp_path, tls_server):
    ctl, handler, _ca = tls_server("plain")
    s = _setup(tmp_path, ctl.port)
    (tmp_path / "dv.csv").write_text(UNITS_CSV.replace("vp.thue@example.vn", "vp.thuế@example.vn"), encoding="utf-8")
    res = _run(s["args"])
    assert res.exit_code == 3
    assert "vp.thuế@example.vn" in res.output and "không nhận địa chỉ có chữ có dấu" in res.output
    assert sorted(to for tos, _ in handler.messages for to in tos) == ["cb.bia@example.vn", "doan@example.vn"]
    assert handler.greetings == 1  # refused for that message only: the same connection went on


def test_any_other_protocol_error_is_named_not_an_empty_os_error():
    text = _describe(smtplib.SMTPException("Server not connected"))
    assert text == "lỗi giao thức thư (Server not connected)"


def test_a_mail_server_name_that_does_not_resolve_is_said_in_words():
    text = _describe(socket.gaierror(-2, "Name or service not known"))
    assert "không tìm thấy máy chủ thư" in text and "[smtp] host" in text and "-2" not in text


def test_a_certificate_that_does_not_name_the_ip_address_written_in_host(tmp_path, tls_server):
    """The certificate names 127.0.0.1 only; the server listens on 127.0.0.2, and [smtp] host says so."""
    ctl, handler, ca = tls_server("starttls", bind="127.0.0.2")
    s = _setup(tmp_path, ctl.port)
    _with_login(tmp_path / "c.toml", timeout=10)
    _secure(tmp_path / "c.toml", "starttls", ca)
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace('host = "127.0.0.1"', 'host = "127.0.0.2"'), encoding="utf-8"
    )
    res = _run(s["args"], env={"DV_SMTP_PW": PASSWORD})
    assert res.exit_code == 3 and res.output.count("không ghi địa chỉ IP") == 3
    assert handler.login_encrypted == []  # the password never left

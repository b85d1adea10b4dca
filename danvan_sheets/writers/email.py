"""Reminder e-mails to flagged units: what each lacks, the deadline, the link; sent over SMTP."""

from __future__ import annotations

import datetime as dt
import io
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from danvan_sheets.addresses import split_addresses
from danvan_sheets.config import (
    REMIND_SUBJECT_FIELDS,
    SMTP_DEFAULT_PORTS,
    SMTP_SECURITY,
    RemindSettings,
    SmtpSettings,
)
from danvan_sheets.core.model import COLUMNS, STATUS_LABELS, UNIT_TYPE_LABELS, Campaign, UnitVerdict
from danvan_sheets.errors import ConfigError
from danvan_sheets.writers.safe_text import one_line, printable

# The defaults live with the settings (config.py); named here for the callers of this module.
SECURITY = SMTP_SECURITY
DEFAULT_PORTS = SMTP_DEFAULT_PORTS
DEFAULT_SUBJECT = RemindSettings.subject
DEFAULT_SIGNATURE = RemindSettings.signature
SUBJECT_FIELDS = REMIND_SUBJECT_FIELDS
MAX_CELLS = 30  # beyond this the e-mail stops being read; the rest are counted


def smtp_settings(smtp: SmtpSettings | None) -> SmtpSettings:
    """[smtp] as loaded (defaults when absent), with its CA file checked and ~ expanded."""
    smtp = smtp or SmtpSettings()
    return replace(smtp, ca_file=_checked_ca_file(smtp.ca_file)) if smtp.ca_file else smtp


def _checked_ca_file(name: str) -> str:
    """The CA file's path with ~ expanded, once it is known to load as PEM.

    Checked here, by the mail commands, not when the configuration loads: a CA file that
    moved must stop the reminders, not the scheduled aggregation."""
    from danvan_sheets.errors import os_reason

    path = Path(name).expanduser()
    where = "Cấu hình sai ở khóa `smtp.ca_file`"
    if not path.is_file():
        raise ConfigError(f"{where}: không có tệp chứng chỉ {name} (cần tệp PEM của chứng chỉ gốc).")
    try:
        ssl.create_default_context(cafile=str(path))
    except ssl.SSLError:
        raise ConfigError(f"{where}: tệp {name} không phải chứng chỉ dạng PEM (bắt đầu bằng -----BEGIN "
                          "CERTIFICATE-----).") from None
    except OSError as exc:
        raise ConfigError(f"{where}: không đọc được tệp {name} ({os_reason(exc)}).") from None
    return str(path)


# --- composing -------------------------------------------------------------------------------

def days_left_text(deadline: dt.date, today: dt.date) -> str:
    n = (deadline - today).days
    if n > 0:
        return f"còn {n} ngày"
    if n == 0:
        return "hôm nay là hạn cuối"
    return f"đã quá hạn {-n} ngày"


def subject_for(template: str, verdict: UnitVerdict, campaign: Campaign) -> str:
    return template.format(unit=verdict.unit.name, year=campaign.year, title=campaign.title,
                           status=STATUS_LABELS[verdict.status])


# A staff command inside a reason ("Bản cũ vẫn còn: danvan restore DB-X --at …"): the clerk cannot
# run it, so the clerk's copy says what the clerk can do instead; the staff's copy keeps it.
STAFF_COMMAND = re.compile(r"\bdanvan [a-z][a-z-]*")
CLERK_INSTEAD = ("Nếu xóa nhầm, hãy nhập lại vào trang của đơn vị, hoặc đề nghị Ban Tuyên giáo gửi lại bản cũ "
                 "(Ban Tuyên giáo vẫn lưu) để chép lại.")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def clerk_text(reason: str) -> str:
    """`reason` without its sentences that hold a staff command, CLERK_INSTEAD said once in their place."""
    if STAFF_COMMAND.search(reason) is None:
        return reason
    kept = [s for s in _SENTENCE_END.split(reason) if STAFF_COMMAND.search(s) is None]
    return " ".join([*kept, CLERK_INSTEAD])


def body_for(verdict: UnitVerdict, campaign: Campaign, today: dt.date, signature: str = DEFAULT_SIGNATURE,
             staff: bool = False) -> str:
    """The reminder's text: for the unit's clerk (what to fix, where), or with the staff's commands (`staff`)."""
    v = verdict
    kind = UNIT_TYPE_LABELS.get(v.unit.type, v.unit.type)
    lines = [
        f"Kính gửi: {v.unit.name},",
        "",
        f"Ban Tuyên giáo Đảng ủy Khối đề nghị đơn vị hoàn thiện đăng ký xây dựng mô hình “{campaign.title}” "
        f"năm {campaign.year}.",
        "",
        f"Tình trạng hiện nay: {STATUS_LABELS[v.status]}. Số mô hình hợp lệ: {v.models} "
        f"(chỉ tiêu {kind}: ít nhất {v.required} mô hình).",
    ]
    if v.reasons:
        lines += ["", "Đơn vị cần bổ sung:", *(f"  - {r if staff else clerk_text(r)}" for r in v.reasons)]
    errors = [p for p in v.errors if p.cell]
    if errors:
        where = f" trên trang “{v.tab}”" if v.tab else ""
        lines += ["", f"Các ô cần sửa{where}:"]
        for p in errors[:MAX_CELLS]:
            col = f" (cột {COLUMNS.get(p.column, p.column)})" if p.column and p.column in COLUMNS else ""
            # Most messages already quote the cell ("không đọc được: “Thường xuyên”"): say it once.
            typed = f" Đang ghi: “{p.value}”." if p.value and f"“{p.value}”" not in p.message else ""
            lines.append(f"  - Ô {p.cell}{col}: {p.message}{typed}")
        if len(errors) > MAX_CELLS:
            lines.append(f"  … và {len(errors) - MAX_CELLS} ô khác.")
    lines += ["", f"Hạn đăng ký: {campaign.deadline:%d/%m/%Y} ({days_left_text(campaign.deadline, today)})."]
    if v.tab_url:
        lines.append(f"Trang đăng ký của đơn vị: {v.tab_url}")
    elif v.tab:
        lines.append(f"Trang đăng ký của đơn vị: trang tính “{v.tab}” trong bảng tính chung.")
    else:
        lines.append("Đơn vị chưa có trang đăng ký: hãy điền biểu mẫu trong trang tính mang tên đơn vị.")
    lines += ["", "Trân trọng,", signature, ""]
    return "\n".join(lines)


def encoded_header(text: str) -> str:
    """`text` as RFC 2047 encoded words, folded, for Message.set_raw.

    The email package's own folding (policy.default, up to Python 3.12 at least) writes the
    space before a word that starts a new encoded word as folding white space, which readers
    drop: a long Vietnamese subject read back as "Tổngcông". email.header.Header keeps every
    space inside an encoded word, each word within RFC 2047's 75 characters.
    """
    from email.header import Header

    if text.isascii() and "=?" not in text and len(text) <= 60:
        return text
    return Header(text, "utf-8", header_name="Subject").encode(linesep="\n")


@dataclass
class Reminder:
    code: str
    name: str
    to: str  # one address, or several separated by ", " (the registry's e-mail cell, checked)
    subject: str
    body: str  # what the unit's clerk reads: no staff command
    staff_body: str = ""  # the staff's copy of the same message, commands kept ("" when the same as body)

    def message(self, from_addr: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = from_addr
        msg["To"] = self.to
        msg.set_raw("Subject", encoded_header(self.subject))
        msg["Date"] = formatdate(localtime=True)
        domain = parseaddr(from_addr)[1].rpartition("@")[2] or None
        msg["Message-ID"] = make_msgid(domain=domain)
        msg.set_content(self.body, charset="utf-8")
        return msg


def compose(verdict: UnitVerdict, campaign: Campaign, today: dt.date, subject_template: str = DEFAULT_SUBJECT,
            signature: str = DEFAULT_SIGNATURE) -> Reminder:
    # A unit's text pasted from Word can hold control characters: the subject is one line, the body plain text.
    clerk = printable(body_for(verdict, campaign, today, signature))
    staff = printable(body_for(verdict, campaign, today, signature, staff=True))
    return Reminder(verdict.unit.code, verdict.unit.name, verdict.unit.email.strip(),
                    one_line(subject_for(subject_template, verdict, campaign)), clerk, "" if staff == clerk else staff)


def reminders_for(report, settings, statuses: Iterable[str]) -> list[Reminder]:
    """One reminder per unit of the report whose status is in `statuses`, in the report's order."""
    wanted = set(statuses)
    return [compose(v, report.campaign, report.as_of, settings.remind.subject, settings.remind.signature)
            for v in report.units if v.status in wanted]


def staff_copy(reminders: list[tuple[Reminder, str]], to: str, what: str, title: str, year: int) -> Reminder:
    """One message to the staff: each (reminder, what became of it) of this run, the staff's commands kept.

    `what`: the kind of reminder, as in "Bản lưu {what}" ("thư đôn đốc đăng ký mô hình").
    """
    lines = [f"Bản lưu {what} “{title}” năm {year} gửi {len(reminders)} đơn vị trong lần chạy này.",
             "Thư gửi đơn vị chỉ ghi việc cán bộ văn phòng của đơn vị làm được; bản lưu này giữ nguyên các lệnh "
             "của công cụ dành cho Ban Tuyên giáo.", ""]
    for i, (r, state) in enumerate(reminders, 1):
        lines += [f"=== {i}/{len(reminders)}. {r.name} <{r.to or 'chưa có email'}>: {state} ===",
                  f"Tiêu đề: {r.subject}", "", (r.staff_body or r.body).rstrip(), ""]
    subject = f"Bản lưu {what} “{title}” năm {year} — {len(reminders)} đơn vị"
    return Reminder("", "Ban Tuyên giáo", to, one_line(subject), printable("\n".join(lines)))


# --- sending ---------------------------------------------------------------------------------

@dataclass
class SendResult:
    code: str
    to: str
    ok: bool
    error: str = ""


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text


class MailSetupError(smtplib.SMTPException):
    """Connecting worked but the server refuses what [smtp] asks of it; the message says which setting to change."""


_UNTRUSTED = ("chứng chỉ của máy chủ thư không được tin cậy; nếu máy chủ dùng chứng chỉ nội bộ của cơ quan, "
              "ghi tệp chứng chỉ gốc vào [smtp] ca_file")
_WRONG_NAME = ("tên máy chủ không khớp chứng chỉ của máy chủ thư (kiểm tra [smtp] host: ghi đúng tên máy chủ thư, "
               "ví dụ smtp.gmail.com, không ghi địa chỉ IP)")
# OpenSSL's X509_V_ERR_* codes: its own wording is English.
_CERT_PROBLEMS = {
    18: _UNTRUSTED,  # self-signed leaf
    19: _UNTRUSTED,  # self-signed certificate in the chain
    20: _UNTRUSTED,  # issuer not among the trusted CAs
    21: _UNTRUSTED,  # cannot verify the first certificate
    9: "chứng chỉ của máy chủ thư chưa đến ngày có hiệu lực (kiểm tra ngày giờ của máy này)",
    10: "chứng chỉ của máy chủ thư đã hết hạn; hãy báo người quản lý máy chủ thư",
    62: _WRONG_NAME,  # host name mismatch
    64: _WRONG_NAME,  # IP address mismatch: [smtp] host written as an address the certificate does not name
}


def _describe(exc: BaseException) -> str:
    if isinstance(exc, UnicodeEncodeError):
        # smtplib only sends ASCII credentials; its own message would quote the password.
        return ("tên đăng nhập hoặc mật khẩu thư có ký tự ngoài ASCII (chữ có dấu) nên không đăng nhập được; "
                "hãy dùng mật khẩu ứng dụng chỉ gồm chữ không dấu, số và ký hiệu")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{who} ({code} {resp.decode('utf-8', 'replace') if isinstance(resp, bytes) else resp})"
            for who, (code, resp) in exc.recipients.items())
        # send_whole sends to every address of the unit or to none: say so when there were others.
        return f"máy chủ từ chối địa chỉ nhận {refused}" + (
            "; thư không được gửi tới địa chỉ nào của đơn vị" if isinstance(exc, UnitRefused) and exc.of > 1 else ""
        )
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"đăng nhập máy chủ thư thất bại ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPResponseException):
        err = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"máy chủ thư báo lỗi {exc.smtp_code} {err}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "máy chủ thư ngắt kết nối"
    if isinstance(exc, MailSetupError):
        return str(exc)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        # Raised by send_whole only for an address with diacritics on a server without SMTPUTF8
        # (open_smtp turns the STARTTLS and AUTH cases into MailSetupError).
        return "máy chủ thư không nhận địa chỉ có chữ có dấu (không hỗ trợ SMTPUTF8); hãy dùng địa chỉ email không dấu"
    if isinstance(exc, smtplib.SMTPException):
        # SMTPException is an OSError without an errno: the OS wording below would be empty.
        return f"lỗi giao thức thư ({exc})"
    if isinstance(exc, TimeoutError):
        return "hết thời gian chờ máy chủ thư"
    if isinstance(exc, ssl.SSLCertVerificationError):
        # Other codes keep OpenSSL's own (English) reason, for whoever runs the mail server.
        return _CERT_PROBLEMS.get(
            exc.verify_code, f"chứng chỉ của máy chủ thư không hợp lệ (mã {exc.verify_code}: {exc.verify_message})"
        )
    if isinstance(exc, ssl.SSLError):
        return "lỗi mã hóa SSL/TLS với máy chủ thư (kiểm tra [smtp] security và port)"
    if isinstance(exc, socket.gaierror):
        # The name did not resolve: no network, or a mistyped host. Its errno (-2, -3) means nothing to a clerk.
        return "không tìm thấy máy chủ thư theo tên đã ghi (kiểm tra kết nối mạng và [smtp] host)"
    if isinstance(exc, OSError):
        from danvan_sheets.errors import os_reason

        if getattr(exc, "errno", None) in (111, 61):  # ECONNREFUSED on Linux / macOS
            return "máy chủ thư từ chối kết nối (kiểm tra [smtp] host và port)"
        return f"không kết nối được máy chủ thư ({os_reason(exc)})"
    return "lỗi gửi thư"


class UnitRefused(smtplib.SMTPRecipientsRefused):
    """Some of a unit's addresses refused: the message went to none of them (send_whole)."""

    def __init__(self, recipients: dict, of: int):
        super().__init__(recipients)
        self.of = of


def send_whole(conn: smtplib.SMTP, msg: EmailMessage, from_addr: str, to_addrs: list[str]) -> None:
    """The message to every address, or to none: any recipient refused and the transaction is reset.

    smtplib.sendmail delivers to the accepted recipients when only some are refused, which
    would half-deliver a unit with two addresses; this is its transaction, stopped before DATA.
    """
    conn.ehlo_or_helo_if_needed()
    international = not all(a.isascii() for a in (from_addr, *to_addrs))
    options: list[str] = []
    with io.BytesIO() as buf:
        if international:
            if not conn.has_extn("smtputf8"):
                raise smtplib.SMTPNotSupportedError("an address needs SMTPUTF8, which the server does not offer")
            policy = msg.policy.clone(utf8=True)  # type: ignore[call-arg]  # an EmailPolicy: EmailMessage's
            BytesGenerator(buf, policy=policy).flatten(msg, linesep="\r\n")
            options = ["SMTPUTF8", "BODY=8BITMIME"]
        else:
            BytesGenerator(buf).flatten(msg, linesep="\r\n")
        data = buf.getvalue()
    if conn.does_esmtp and conn.has_extn("size"):
        options.append(f"size={len(data)}")
    code, resp = conn.mail(from_addr, options)
    if code != 250:
        if code == 421:
            conn.close()
        else:
            conn.rset()
        raise smtplib.SMTPSenderRefused(code, resp, from_addr)
    refused = {}
    for a in to_addrs:
        code, resp = conn.rcpt(a)
        if code not in (250, 251):
            refused[a] = (code, resp)
        if code == 421:
            conn.close()
            break
    if refused:
        if code != 421:
            conn.rset()
        raise UnitRefused(refused, len(to_addrs))
    code, resp = conn.data(data)
    if code != 250:
        if code == 421:
            conn.close()
        else:
            conn.rset()
        raise smtplib.SMTPDataError(code, resp)


def open_smtp(cfg: SmtpSettings, password: str | None) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=cfg.ca_file or None)
    if cfg.security == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
    else:
        conn = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
    try:
        if cfg.security == "starttls":
            try:
                conn.starttls(context=context)
            except smtplib.SMTPNotSupportedError:
                raise MailSetupError("máy chủ thư không hỗ trợ STARTTLS ở cổng này (kiểm tra [smtp] security và port: "
                                     "cổng 587 dùng \"starttls\", cổng 465 dùng \"ssl\")") from None
        if cfg.user:
            try:
                conn.login(cfg.user, password or "")
            except smtplib.SMTPServerDisconnected:
                # Servers often hang up after refusing credentials; say what actually went wrong.
                raise smtplib.SMTPAuthenticationError(535, b"connection closed during login") from None
            except smtplib.SMTPNotSupportedError:
                # No AUTH offered: many servers offer it only on an encrypted connection.
                raise MailSetupError(
                    "máy chủ thư không cho đăng nhập trên kết nối này (kiểm tra [smtp] security: "
                    'máy chủ thường cần "starttls" với cổng 587 hoặc "ssl" với cổng 465)'
                ) from None
    except BaseException:
        conn.close()
        raise
    return conn


def send_all(
    reminders: Iterable[Reminder],
    cfg: SmtpSettings,
    password: str | None,
    on_sent: Callable[[Reminder], None] | None = None,
    opener: Callable[[SmtpSettings, str | None], smtplib.SMTP] = open_smtp,
) -> list[SendResult]:
    """Send each reminder; one that fails is reported and the others still go.

    One connection for the batch. When connecting itself fails, the rest are
    reported failed with the same reason instead of each waiting for its own timeout.
    """
    results: list[SendResult] = []
    conn = None
    broken: str | None = None
    for r in reminders:
        if broken is not None:
            results.append(SendResult(r.code, r.to, False, broken))
            continue
        if conn is None:
            try:
                conn = opener(cfg, password)
            except (smtplib.SMTPException, OSError, UnicodeEncodeError) as exc:
                broken = _scrub(_describe(exc), password)
                results.append(SendResult(r.code, r.to, False, broken))
                continue
        try:
            send_whole(conn, r.message(cfg.from_addr), parseaddr(cfg.from_addr)[1], split_addresses(r.to))
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException, smtplib.SMTPNotSupportedError) as exc:
            # The server refused this message only: reset and go on with the same connection.
            results.append(SendResult(r.code, r.to, False, _scrub(_describe(exc), password)))
            try:
                conn.rset()
            except (smtplib.SMTPException, OSError):
                _close(conn)
                conn = None
            continue
        except (smtplib.SMTPException, OSError) as exc:
            # The connection dropped mid-message: the next reminder reconnects.
            results.append(SendResult(r.code, r.to, False, _scrub(_describe(exc), password)))
            _close(conn)
            conn = None
            continue
        results.append(SendResult(r.code, r.to, True))
        if on_sent is not None:
            on_sent(r)
    _close(conn)
    return results


def _close(conn) -> None:
    if conn is None:
        return
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()

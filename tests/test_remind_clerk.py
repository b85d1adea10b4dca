"""What the units get: clerk-only reminders (no staff command), the staff's copy, Zalo text, a registry
e-mail cell with several addresses, and long Vietnamese subjects read back whole. Real SMTP on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import random
import re
from pathlib import Path

from click.testing import CliRunner

from danvan_sheets.cli import cli
from danvan_sheets.writers.email import CLERK_INSTEAD, STAFF_COMMAND, Reminder, clerk_text
from danvan_sheets.writers.zalo import END
from tests import test_remind
from tests.helpers_forms import MANDATORY_CDS, model, seed_form, write_xlsx
from tests.test_remind import UNITS_CSV, _setup

smtp_server = test_remind.smtp_server  # the real SMTP server fixture (aiosmtpd on 127.0.0.1)

STAFF = "luu.btg@example.vn"
COMMAND = re.compile(r"\bdanvan [a-z]")
THUE, BIA, DOAN = "Đảng bộ Cục Thuế", "Chi bộ Công ty Bia", "Đoàn Thanh niên Khối"


def _cli(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)


OK = {"kinh_te": [model(1, "Mô hình A"), model(2, MANDATORY_CDS)],
      "van_hoa_xa_hoi": [model(1, "Mô hình B"), model(2, "Tuyên truyền bộ tiêu chí cơ quan hạnh phúc")]}


def _forms(tmp_path: Path, thue: list, bia: bool) -> None:
    tabs = {THUE: seed_form(THUE, {"kinh_te": thue}), "Đảng bộ Kho bạc": seed_form("Đảng bộ Kho bạc", OK)}
    if bia:
        tabs[BIA] = seed_form(BIA, {"kinh_te": [model(1, "Mô hình C", location=None)]})
    write_xlsx(tmp_path / "dk.xlsx", tabs)


def _deleted_and_gone(tmp_path: Path, port: int, extra: str = "") -> list[str]:
    """A first read with two models for Cục Thuế and a tab for Bia; now one model is deleted, Bia's tab gone."""
    s = _setup(tmp_path, port, extra)
    _forms(tmp_path, [model(1, "Mô hình A", quantity="hai"), model(2, "Mô hình bị xóa X")], bia=True)
    assert _cli("check", *s["args"]).exit_code == 1
    _forms(tmp_path, [model(1, "Mô hình A", quantity="hai")], bia=False)
    return s["args"]


# --- issue 15: the clerk gets what the clerk can do, the staff's copy keeps the commands ---------------

def test_clerk_text_drops_the_sentence_with_the_command_and_says_what_to_do():
    assert clerk_text("Thiếu 1 mô hình.") == "Thiếu 1 mô hình."
    reason = ("2 mô hình đã bị xóa khỏi trang tính (phát hiện lúc 09:00 ngày 20/04/2023): “A. B”; “C”. "
              "Bản cũ vẫn còn: danvan restore DB-X --at \"2023-04-19 08:00:00\" --out khoi-phuc.xlsx")
    text = clerk_text(reason)
    assert STAFF_COMMAND.search(text) is None and "khoi-phuc" not in text
    assert text.startswith("2 mô hình đã bị xóa khỏi trang tính (phát hiện lúc 09:00 ngày 20/04/2023): “A. B”; “C”.")
    assert text.endswith(CLERK_INSTEAD)


def test_reminders_hold_no_staff_command_and_the_staff_copy_keeps_them(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    args = _deleted_and_gone(tmp_path, ctl.port, f'[remind]\nstaff_emails = ["{STAFF}"]\n')
    res = _cli("remind", *args)
    assert res.exit_code == 0, res.output
    by_to = {tuple(tos): msg for tos, msg in handler.messages}
    assert set(by_to) == {("vp.thue@example.vn",), ("cb.bia@example.vn",), ("doan@example.vn",), (STAFF,)}
    thue = by_to[("vp.thue@example.vn",)].get_content()
    bia = by_to[("cb.bia@example.vn",)].get_content()
    assert "1 mô hình đã bị xóa khỏi trang tính" in thue and "“Mô hình bị xóa X”" in thue
    assert "Chưa có trang đăng ký" in bia
    for unit_mail in (thue, bia, by_to[("doan@example.vn",)].get_content()):
        assert COMMAND.search(unit_mail) is None, unit_mail
    assert CLERK_INSTEAD in thue
    assert "Ô C" in thue  # the cell to fix is still there
    copy = by_to[(STAFF,)]
    assert str(copy["Subject"]) == "Bản lưu thư đôn đốc đăng ký mô hình “Dân vận khéo” năm 2023 — 3 đơn vị"
    text = copy.get_content()
    assert "Bản cũ vẫn còn: danvan restore DB-THUE --at" in text and CLERK_INSTEAD not in text
    for name in (THUE, BIA, DOAN):
        assert f". {name} <" in text
    assert f"- Bản lưu gửi Ban Tuyên giáo <{STAFF}>: đã gửi" in res.output
    # The copy is no reminder: the units wait out the interval, the staff gets no second copy of nothing.
    again = _cli("remind", *args)
    assert again.exit_code == 0 and len(handler.messages) == 4 and "bỏ qua 3 đơn vị" in again.output


def test_staff_copy_goes_to_the_google_staff_when_remind_names_none_and_a_failed_copy_is_exit_3(tmp_path, smtp_server):
    ctl, handler = smtp_server(refuse={STAFF})
    args = _deleted_and_gone(tmp_path, ctl.port, f'[google]\nstaff_emails = ["{STAFF}"]\n')
    res = _cli("remind", *args)
    assert res.exit_code == 3
    assert len(handler.messages) == 3  # the units' mails went; the copy was refused and said so
    line = next(x for x in res.output.splitlines() if x.startswith("- Bản lưu gửi Ban Tuyên giáo"))
    assert "KHÔNG GỬI ĐƯỢC" in line and STAFF in line


def test_dry_run_shows_the_clerk_text_and_who_gets_the_copy(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    args = _deleted_and_gone(tmp_path, ctl.port, f'[remind]\nstaff_emails = ["{STAFF}"]\n')
    res = _cli("remind", *args, "--dry-run")
    assert res.exit_code == 0 and not handler.messages
    assert COMMAND.search(res.output) is None
    assert f"Bản lưu (giữ lệnh của công cụ) sẽ gửi tới {STAFF}." in res.output


# --- issue 16: the same reminders as Zalo text ----------------------------------------------------------

BLOCK = re.compile(r"^=== (\d+)/(\d+)\. (.+) ===$", re.M)


def _blocks(text: str) -> dict[str, str]:
    heads = list(BLOCK.finditer(text))
    out = {}
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else text.index(END.format(n=len(heads)))
        out[m[3]] = text[m.end():end]
        assert int(m[1]) == i + 1 and int(m[2]) == len(heads)
    return out


def test_zalo_text_one_block_per_flagged_unit_and_no_email_sent(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    (tmp_path / "dv.csv").write_text(UNITS_CSV.replace("doan@example.vn", ""), encoding="utf-8")
    args = _deleted_and_gone(tmp_path, ctl.port, f'[remind]\nstaff_emails = ["{STAFF}"]\n')
    (tmp_path / "dv.csv").write_text(UNITS_CSV.replace("doan@example.vn", ""), encoding="utf-8")
    res = _cli("remind", *args, "--zalo")
    assert res.exit_code == 0, res.output
    assert not handler.messages
    blocks = _blocks(res.output)
    assert list(blocks) == [THUE, BIA, DOAN]  # the unit without e-mail too: Zalo is how it is reached
    thue = blocks[THUE]
    assert thue.lstrip("\n").startswith("Đôn đốc đăng ký mô hình “Dân vận khéo” năm 2023 — Đảng bộ Cục Thuế\n")
    assert "Kính gửi: Đảng bộ Cục Thuế," in thue and "Số lượng “hai” không hợp lệ" in thue
    assert re.search(r"\n  - Ô C\d+: Số lượng “hai” không hợp lệ", thue)
    assert "“Mô hình bị xóa X”" in thue and CLERK_INSTEAD in thue
    assert "chưa có trang đăng ký" in blocks[DOAN]
    assert COMMAND.search(res.output) is None
    for mark in ("**", "__", "```", "\n#", "](", "<http"):
        assert mark not in res.output
    # Nothing counted as reminded: the e-mails still go afterwards.
    (tmp_path / "dv.csv").write_text(UNITS_CSV, encoding="utf-8")
    assert _cli("remind", *args).exit_code == 0 and len(handler.messages) == 4


def test_zalo_out_writes_the_same_text_to_a_file(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    args = _deleted_and_gone(tmp_path, ctl.port)
    shown = _cli("remind", *args, "--zalo").output
    out = tmp_path / "zalo" / "nhac.txt"
    out.parent.mkdir()
    res = _cli("remind", *args, "--zalo-out", str(out))
    assert res.exit_code == 0 and not handler.messages
    assert "Đã ghi 3 tin nhắn Zalo" in res.output and str(out) in res.output
    assert out.read_text(encoding="utf-8") == shown
    folder = tmp_path / "thu-muc.txt"
    folder.mkdir()
    bad = _cli("remind", *args, "--zalo-out", str(folder))  # a folder: cannot be written as a file
    assert bad.exit_code == 3 and "Không ghi được tệp" in bad.output and "Traceback" not in bad.output
    before = (tmp_path / "dk.xlsx").read_bytes()
    for wrong in (tmp_path / "dk.xlsx", tmp_path / "zalo.xlsx"):  # never over the registrations, always a .txt
        res = _cli("remind", *args, "--zalo-out", str(wrong))
        assert res.exit_code == 2 and ".txt" in res.output and "Traceback" not in res.output
    assert (tmp_path / "dk.xlsx").read_bytes() == before and not (tmp_path / "zalo.xlsx").exists()
    only = _cli("remind", *args, "--zalo", "--status", "chua_dang_ky")
    assert list(_blocks(only.output)) == [BIA, DOAN]


def test_zalo_when_no_unit_is_flagged(tmp_path):
    s = _setup(tmp_path, 1)
    write_xlsx(tmp_path / "dk.xlsx", {"Đảng bộ Kho bạc": seed_form("Đảng bộ Kho bạc", OK)})
    header, *rows = UNITS_CSV.splitlines()
    (tmp_path / "dv.csv").write_text(f"{header}\n{rows[3]}\n", encoding="utf-8")
    res = _cli("remind", *s["args"], "--zalo")
    assert res.exit_code == 0 and "Không có đơn vị nào cần nhắc." in res.output


# --- issue 20: a registry e-mail cell with two addresses -------------------------------------------------

def _two(tmp_path: Path, cell: str) -> None:
    (tmp_path / "dv.csv").write_text(UNITS_CSV.replace("vp.thue@example.vn", cell), encoding="utf-8")


def test_two_addresses_both_receive_the_one_message(tmp_path, smtp_server):
    for sep in (",", ";"):
        ctl, handler = smtp_server()
        (tmp_path / sep).mkdir()
        s = _setup(tmp_path / sep, ctl.port)
        _two(tmp_path / sep, f'"vp.thue@example.vn{sep} bithu.thue@example.vn"')
        res = _cli("remind", *s["args"])
        assert res.exit_code == 0, res.output
        (tos, msg), = [(t, m) for t, m in handler.messages if "vp.thue@example.vn" in t]
        assert tos == ["vp.thue@example.vn", "bithu.thue@example.vn"]
        assert [a.addr_spec for a in msg["To"].addresses] == tos
        assert "- Đảng bộ Cục Thuế <vp.thue@example.vn, bithu.thue@example.vn>: đã gửi" in res.output


def test_one_address_refused_by_the_server_means_none_gets_it(tmp_path, smtp_server):
    ctl, handler = smtp_server(refuse={"bithu.thue@example.vn"})
    s = _setup(tmp_path, ctl.port)
    _two(tmp_path, '"vp.thue@example.vn, bithu.thue@example.vn"')
    res = _cli("remind", *s["args"])
    assert res.exit_code == 3
    assert all("vp.thue@example.vn" not in tos for tos, _ in handler.messages) and len(handler.messages) == 2
    line = next(x for x in res.output.splitlines() if x.startswith(f"- {THUE}"))
    assert "KHÔNG GỬI ĐƯỢC" in line and "bithu.thue@example.vn (550" in line
    assert "thư không được gửi tới địa chỉ nào của đơn vị" in line
    assert _cli("remind", *s["args"]).output.count("KHÔNG GỬI ĐƯỢC") == 1  # not recorded: tried again


def test_an_invalid_address_is_a_registry_error_naming_unit_row_and_column(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    s = _setup(tmp_path, ctl.port)
    _two(tmp_path, '"vp.thue@example.vn; bi thu@@example"')
    res = CliRunner().invoke(cli, ["remind", *s["args"]], env={})
    assert res.exit_code == 2 and isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output and not handler.messages
    assert ("dòng 2 (DB-THUE, Đảng bộ Cục Thuế), cột email: “bi thu@@example” không phải địa chỉ email "
            "(dạng ten@co-quan.vn; nhiều địa chỉ thì ngăn cách bằng dấu phẩy hoặc dấu chấm phẩy).") in res.output
    # The same cell without quotes in a comma CSV: the second address would be lost to the next column.
    _two(tmp_path, "vp.thue@example.vn, bithu.thue@example.vn")
    res = _cli("remind", *s["args"])
    assert res.exit_code == 2 and not handler.messages
    assert "dòng 2 (DB-THUE, Đảng bộ Cục Thuế): cột tab là một địa chỉ email (“bithu.thue@example.vn”)" in res.output
    unquoted = "ma_don_vi,ten_don_vi,loai_don_vi,email\nDB-THUE,Đảng bộ Cục Thuế,Đảng bộ cơ sở,a@x.vn, b@y.vn\n"
    (tmp_path / "dv.csv").write_text(unquoted, encoding="utf-8")
    res = _cli("remind", *s["args"])
    assert res.exit_code == 2 and "có 5 ô, nhiều hơn 4 cột của dòng tiêu đề (thừa “b@y.vn”)" in res.output


def test_two_addresses_share_the_google_tab_with_each(tmp_path):
    from danvan_sheets.core.model import Unit
    from danvan_sheets.google.layout import unit_protection_requests

    unit = Unit(code="X", name="X", type="chi_bo_co_so", email="a@example.vn, b@example.vn")
    (tab, _head) = unit_protection_requests(7, unit, ["btg@example.vn"], set())
    assert tab["addProtectedRange"]["protectedRange"]["editors"]["users"] == [
        "a@example.vn", "b@example.vn", "btg@example.vn"]


# --- a long Vietnamese subject reads back whole ----------------------------------------------------------

def test_a_long_subject_reads_back_with_every_space(tmp_path, smtp_server):
    ctl, handler = smtp_server()
    s = _setup(tmp_path, ctl.port)
    long_name = "Đảng bộ Tổng công ty Đầu tư và Phát triển Hạ tầng Khu công nghiệp tỉnh Yên Bái"
    (tmp_path / "dv.csv").write_text(UNITS_CSV.replace("Đoàn Thanh niên Khối", long_name), encoding="utf-8")
    assert _cli("remind", *s["args"]).exit_code == 0
    (msg,) = [m for tos, m in handler.messages if tos == ["doan@example.vn"]]
    assert str(msg["Subject"]) == f"Đôn đốc đăng ký mô hình “Dân vận khéo” năm 2023 — {long_name}"
    raw = msg.as_bytes()  # folded, each line within the 78 RFC 5322 asks for
    assert max(len(line) for line in raw.split(b"\n\n", 1)[0].splitlines()) <= 78


def test_subjects_of_any_length_and_words_survive_the_round_trip():
    words = ["Đôn", "đốc", "đăng", "ký", "mô", "hình", "“Dân", "vận", "khéo”", "năm", "2023", "—", "Đảng", "bộ",
             "Tổng", "công", "ty", "Đầu", "tư", "và", "Phát", "triển", "Hạ", "tầng", "a", "b", "(x)", "=?utf-8?q?x?="]
    rnd = random.Random(20)
    for _ in range(300):
        subject = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 60)))
        raw = Reminder("X", "X", "a@example.vn", subject, "x").message("Ban Tuyên giáo <btg@example.vn>").as_bytes()
        back = email.message_from_bytes(raw, policy=email.policy.default)
        assert str(back["Subject"]) == subject

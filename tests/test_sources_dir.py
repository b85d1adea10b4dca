"""The files units really send, in a dir: folder (issue 12), and the broken ones (issue 20):
every file is read or named in a notice; nothing crashes, hangs or is reported as success."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from danvan_sheets.cli import cli
from danvan_sheets.cli.base import run_main
from danvan_sheets.sources.directory import read_directory
from tests.helpers_files import write_docx, write_ods, write_xls
from tests.helpers_forms import HEADER, MANDATORY_CDS, MANDATORY_HP, UNITS_CSV, model, seed_form, write_xlsx

CONFIG = str(Path(__file__).resolve().parents[1] / "config" / "danvan.toml")
XD = "xay_dung_he_thong_chinh_tri"
CRASH = ("Traceback", "không lường trước", "Exception")


def form(unit: str, *names: str) -> list[list[object]]:
    return seed_form(unit, {"kinh_te": [model(i, n) for i, n in enumerate(names, 1)],
                            XD: [model(1, MANDATORY_CDS), model(2, MANDATORY_HP)]})


def table_of(rows: list[list[object]]) -> list[list[object]]:
    """The form from its header down, as a Word table of 7 columns."""
    return [list(r) + [None] * (7 - len(r)) for r in rows[rows.index(HEADER):]]


@pytest.fixture
def units(tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_text(UNITS_CSV, encoding="utf-8")
    return path


def run(capsys, *args):
    code = run_main(cli, [str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out + out.err


def check_json(capsys, folder, units):
    code, text = run(capsys, "check", "--source", f"dir:{folder}", "--units", units, "--config", CONFIG,
                     "--format", "json")
    assert not any(c in text for c in CRASH), text
    text.encode("utf-8")  # valid UTF-8 on the way out: no lone surrogate
    return code, json.loads(text[text.index("{"):])


def models_of(report, code):
    return {u["code"]: u["models"] for u in report["units"]}[code]


# ---------------------------------------------------------------- the files units send


def test_a_word_file_is_read_with_its_unit_from_the_line_above(tmp_path, capsys, units):
    folder = tmp_path / "thu"
    folder.mkdir()
    rows = form("x", "Vay vốn", "Camera an ninh")
    write_docx(folder / "bao cao.docx", ["ĐẢNG ỦY KHỐI", "Đơn vị: Đảng bộ Cục Thuế", "ĐĂNG KÝ XÂY DỰNG MÔ HÌNH",
                                         (table_of(rows), []), "Nơi nhận: …"])
    code, report = check_json(capsys, folder, units)
    assert models_of(report, "DB-THUE") == 2 and report["notices"] == []


def test_every_form_table_of_a_word_file_is_a_tab(tmp_path):
    folder = tmp_path / "thu"
    folder.mkdir()
    other = [["Họ tên", "Chức vụ"], ["Nguyễn Văn A", "Bí thư"]]  # not the form: left out
    write_docx(folder / "hai don vi.docx", ["Đơn vị: Đảng bộ Cục Thuế", (table_of(form("x", "Vay vốn")), []),
                                            (other, []),
                                            "Đơn vị: Đoàn TNCS Hồ Chí Minh Khối", (table_of(form("y", "Tủ sách")), [])])
    data = read_directory(folder)
    assert [t.title for t in data.tabs] == ["hai don vi (bảng 1)", "hai don vi (bảng 2)"]
    assert [t.rows[0] for t in data.tabs] == [["Đơn vị: Đảng bộ Cục Thuế"], ["Đơn vị: Đoàn TNCS Hồ Chí Minh Khối"]]


def test_a_word_file_without_the_form_is_named(tmp_path):
    write_docx(tmp_path / "cong van.docx", ["Kính gửi Ban Tuyên giáo", ([["a", "b"]], [])])
    data = read_directory(tmp_path)
    assert data.tabs == []
    assert len(data.notices) == 1 and "cong van.docx" in data.notices[0] and "Tên mô hình" in data.notices[0]


@pytest.mark.parametrize("writer, suffix", [(write_xls, ".xls"), (write_ods, ".ods")])
def test_old_excel_and_libreoffice_files_are_read(tmp_path, capsys, units, writer, suffix):
    folder = tmp_path / "thu"
    folder.mkdir()
    writer(folder / f"cuc-thue{suffix}", {"Sheet1": (form("Đảng bộ Cục Thuế", "Vay vốn", "Camera an ninh"), [])})
    code, report = check_json(capsys, folder, units)
    # Exit 1: the other two units sent nothing.
    assert code == 1 and models_of(report, "DB-THUE") == 2 and report["notices"] == []


def test_of_several_files_from_a_unit_the_newest_is_read_and_the_others_named(tmp_path, capsys, units):
    folder = tmp_path / "thu"
    folder.mkdir()
    old = write_xlsx(folder / "Tai chinh (2) - ban sua.xlsx", {"S": form("Đảng bộ Cục Thuế", "Vay vốn")})
    new = write_xlsx(folder / "Tai chinh (1).xlsx", {"S": form("Đảng bộ Cục Thuế", "Vay vốn", "Camera", "Tủ sách")})
    # The name says (2), but (1) was saved last: the time decides, as the person sending would.
    os.utime(old, (1_680_000_000, 1_680_000_000))
    os.utime(new, (1_690_000_000, 1_690_000_000))
    # Same unit on its "Đơn vị:" line, under another name altogether.
    other = write_xlsx(folder / "dang ky cuc thue.xlsx", {"S": form("Đảng bộ Cục Thuế", "Vay vốn")})
    os.utime(other, (1_685_000_000, 1_685_000_000))
    code, report = check_json(capsys, folder, units)
    assert models_of(report, "DB-THUE") == 3
    assert len(report["notices"]) == 1
    notice = report["notices"][0]
    assert "đọc tệp mới nhất “Tai chinh (1).xlsx”" in notice
    assert "“Tai chinh (2) - ban sua.xlsx”" in notice and "“dang ky cuc thue.xlsx”" in notice
    assert "trang" not in notice.replace("trang tính", "")  # in words about files, not tabs


def test_similar_names_of_different_units_are_not_taken_for_copies(tmp_path):
    write_xlsx(tmp_path / "Cong ty Sua.xlsx", {"S": form("Chi bộ Công ty Sữa", "Vay vốn")})
    write_xlsx(tmp_path / "Cong ty.xlsx", {"S": form("Chi bộ Công ty", "Vay vốn")})
    data = read_directory(tmp_path)
    assert len(data.tabs) == 2 and data.notices == []


def test_a_pdf_a_photo_and_an_open_file_are_each_named(tmp_path, capsys, units):
    folder = tmp_path / "thu"
    folder.mkdir()
    write_xlsx(folder / "cuc-thue.xlsx", {"S": form("Đảng bộ Cục Thuế", "Vay vốn")})
    (folder / "Bia Song Tien.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "anh chup.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / "~$cuc-thue.xlsx").write_bytes(b"lock")
    (folder / ".DS_Store").write_bytes(b"")
    code, report = check_json(capsys, folder, units)
    assert code == 1 and models_of(report, "DB-THUE") == 1
    notices = report["notices"]
    assert len(notices) == 3
    assert any("Bia Song Tien.pdf" in n and "không đọc được loại tệp" in n for n in notices)
    assert any("anh chup.jpg" in n for n in notices)
    assert any("~$cuc-thue.xlsx" in n and "đang mở" in n for n in notices)


# ---------------------------------------------------------------- broken input (issue 20)


def test_a_far_formatted_empty_cell_costs_nothing(tmp_path, capsys, units):
    """openpyxl padded every row to 16,384 columns here: 411 s for a 38 KB workbook."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    path = write_xlsx(tmp_path / "dang-ky.xlsx", {"DB-THUE": form("Đảng bộ Cục Thuế", "Vay vốn")})
    wb = load_workbook(path)
    wb["DB-THUE"]["XFD1048576"].font = Font(bold=True)
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        assert b'<dimension ref="A1:XFD1048576"/>' in z.read("xl/worksheets/sheet1.xml")
    started = time.perf_counter()
    code, text = run(capsys, "check", "--source", f"xlsx:{path}", "--units", units, "--config", CONFIG)
    assert time.perf_counter() - started < 2
    assert code == 1 and not any(c in text for c in CRASH)
    assert "Đảng bộ Cục Thuế" in text


def _calamine_column(path: Path, sheet: str, col: int) -> list:
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [r[col] for r in rows if len(r) > col]


def _bytes_name(folder: Path, raw: bytes, source: Path) -> Path:
    """Move `source` to a name that is not valid UTF-8 (a Windows zip unpacked on Linux)."""
    target = os.fsencode(folder) + b"/" + raw
    try:
        os.rename(source, target)
    except (OSError, UnicodeError) as exc:  # macOS and Windows refuse such names: nothing to test there
        pytest.skip(f"this file system refuses names that are not UTF-8: {exc}")
    return Path(os.fsdecode(target))


def test_a_unit_file_whose_name_is_not_utf8_is_read(tmp_path, capsys, units):
    folder = tmp_path / "thu"
    folder.mkdir()
    src = write_xlsx(tmp_path / "a.xlsx", {"S": form("Đảng bộ Cục Thuế", "Vay vốn", "Camera")})
    _bytes_name(folder, b"C\xE5c Thu\xEA.xlsx", src)  # "Cục Thuế" in a Windows code page
    code, report = check_json(capsys, folder, units)
    assert code == 1 and models_of(report, "DB-THUE") == 2  # 1: the other units sent nothing
    out = tmp_path / "tong-hop.xlsx"
    code, text = run(capsys, "aggregate", "--source", f"dir:{folder}", "--units", units, "--config", CONFIG,
                     "--out", out)
    assert code == 0 and not any(c in text for c in CRASH), text  # aggregate: 0 unless --strict
    assert f"Đã ghi tổng hợp vào {out}" in text
    text.encode("utf-8")
    assert "Đảng bộ Cục Thuế" in _calamine_column(out, "Tổng hợp", 1)


def test_an_unknown_file_whose_name_is_not_utf8_is_shown_losslessly(tmp_path, capsys, units):
    folder = tmp_path / "thu"
    folder.mkdir()
    write_xlsx(folder / "cuc-thue.xlsx", {"S": form("Đảng bộ Cục Thuế", "Vay vốn")})
    src = write_xlsx(tmp_path / "a.xlsx", {"S": form("Đơn vị lạ", "Vay vốn")})
    _bytes_name(folder, b"L\xE1 \xFF.xlsx", src)
    code, report = check_json(capsys, folder, units)
    assert report["unknown_tabs"] == ["L\\xe1 \\xff"]  # every byte kept, as text
    out = tmp_path / "tong-hop.xlsx"
    code, text = run(capsys, "aggregate", "--source", f"dir:{folder}", "--units", units, "--config", CONFIG,
                     "--out", out)
    assert code == 0 and not any(c in text for c in CRASH), text
    assert f"Đã ghi tổng hợp vào {out}" in text
    # The console names the file as the JSON does, every byte kept as text and printable as UTF-8.
    text.encode("utf-8")
    assert "L\\xe1 \\xff" in text and "không khớp đơn vị nào" in text
    with zipfile.ZipFile(out) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    xml.decode("utf-8")
    assert b"&#55" not in xml and b"&#56" not in xml and b"L\\xe1 \\xff" in xml


def test_a_password_protected_workbook_says_so(tmp_path, capsys, units):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", {"DB-THUE": form("Đảng bộ Cục Thuế", "Vay vốn")})
    folder = tmp_path / "thu"
    folder.mkdir()
    locked = folder / "cuc-thue.xlsx"
    with open(plain, "rb") as src, open(locked, "wb") as dst:
        OOXMLFile(src).encrypt("matkhau", dst)
    code, text = run(capsys, "check", "--source", f"xlsx:{locked}", "--units", units, "--config", CONFIG)
    assert code == 3 and "đặt mật khẩu" in text and not any(c in text for c in CRASH)
    code, report = check_json(capsys, folder, units)
    assert code == 1 and len(report["notices"]) == 1
    assert "cuc-thue.xlsx" in report["notices"][0] and "đặt mật khẩu" in report["notices"][0]


def _without_root_bypass():
    """In the child: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so root too obeys file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl")


@pytest.mark.skipif(sys.platform == "win32", reason="folder modes are POSIX; Windows ACLs are another test")
def test_an_unreadable_folder_is_a_source_error_in_vietnamese(tmp_path, units):
    folder = tmp_path / "thu"
    folder.mkdir()
    write_xlsx(folder / "cuc-thue.xlsx", {"S": form("Đảng bộ Cục Thuế", "Vay vốn")})
    folder.chmod(0)
    try:
        proc = subprocess.run([sys.executable, "-m", "danvan_sheets", "check", "--source", f"dir:{folder}",
                               "--units", str(units), "--config", CONFIG], capture_output=True, timeout=120,
                              preexec_fn=_without_root_bypass if os.geteuid() == 0 else None)
    finally:
        folder.chmod(0o755)
    text = (proc.stdout + proc.stderr).decode("utf-8")
    assert proc.returncode == 3, text
    assert "Không có quyền đọc thư mục" in text and not any(c in text for c in CRASH)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need a privilege on Windows")
def test_dangling_and_looping_links_are_named(tmp_path, capsys, units):
    folder = tmp_path / "thu"
    folder.mkdir()
    write_xlsx(folder / "cuc-thue.xlsx", {"S": form("Đảng bộ Cục Thuế", "Vay vốn")})
    (folder / "Bia.xlsx").symlink_to(tmp_path / "da-xoa.xlsx")
    (folder / "vong-a.xlsx").symlink_to(folder / "vong-b.xlsx")
    (folder / "vong-b.xlsx").symlink_to(folder / "vong-a.xlsx")
    code, report = check_json(capsys, folder, units)
    assert code == 1 and models_of(report, "DB-THUE") == 1
    notices = sorted(report["notices"])
    assert len(notices) == 3
    assert "Bia.xlsx" in notices[0] and "không còn tồn tại" in notices[0] and "da-xoa.xlsx" in notices[0]
    assert all("trỏ vòng" in n for n in notices[1:])

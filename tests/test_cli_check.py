"""`danvan check` and `danvan aggregate` through click's CliRunner and the real entry point."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from danvan_sheets.cli import cli
from danvan_sheets.cli.base import run_main
from tests.helpers_forms import MANDATORY_CDS, MANDATORY_HP, UNITS_CSV, model, seed_form, write_xlsx

CONFIG = str(Path(__file__).resolve().parents[1] / "config" / "danvan.toml")
AS_OF = ["--as-of", "2023-05-02"]
XD = "xay_dung_he_thong_chinh_tri"


def good_form(unit_name, *names):
    return seed_form(unit_name, {"kinh_te": [model(i, n) for i, n in enumerate(names, 1)],
                                 XD: [model(1, MANDATORY_CDS), model(2, MANDATORY_HP)]})


@pytest.fixture
def files(tmp_path):
    """A workbook of three units (one dat, one short with an error, one missing) plus the registry."""
    book = write_xlsx(tmp_path / "dang-ky.xlsx", {
        "DB-THUE": good_form("Đảng bộ Cục Thuế", "Vay vốn phát triển kinh tế", "Camera an ninh"),
        "Chi bộ Bia Sông Tiền": seed_form("Chi bộ Bia", {
            "kinh_te": [model(1, "=SUM(A1:A3)", quantity="hai"), model(2, "Thôn văn hóa", location=None)]}),
        "Sheet1": [["ghi chép"]],
        "Hướng dẫn": [["Cách điền biểu mẫu"]],
    })
    units = tmp_path / "don-vi.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    return tmp_path, book, units


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def check_args(source, units=None, *extra):
    args = ["check", "--source", source, "--config", CONFIG, *AS_OF]
    if units:
        args += ["--units", str(units)]
    return [*args, *extra]


def test_check_exit_0_when_every_unit_dat(tmp_path):
    book = write_xlsx(tmp_path / "a.xlsx", {"DB-THUE": good_form("Đảng bộ Cục Thuế", "Vay vốn", "Camera an ninh")})
    units = tmp_path / "u.csv"
    units.write_text(
        "ma_don_vi,ten_don_vi,loai_don_vi,email\nDB-THUE,Đảng bộ Cục Thuế,Đảng bộ cơ sở,a@b.vn\n", encoding="utf-8"
    )
    res = invoke(*check_args(f"xlsx:{book}", units))
    assert res.exit_code == 0, res.output
    assert "Tổng: 1 đơn vị — đạt 1, chưa đạt 0, chưa đăng ký 0" in " ".join(res.output.split())


def test_check_exit_1_when_any_flagged(files):
    _, book, units = files
    res = invoke(*check_args(f"xlsx:{book}", units))
    assert res.exit_code == 1, res.output
    assert "đạt 1, chưa đạt 1, chưa đăng ký 1" in " ".join(res.output.split())
    assert "Trang “Sheet1” không khớp" in res.output
    assert "Hướng dẫn" not in res.output  # a reserved tab is not "unknown"


def test_check_json_shape(files):
    _, book, units = files
    res = invoke(*check_args(f"xlsx:{book}", units, "--format", "json"))
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert data["campaign"]["year"] == 2023 and data["campaign"]["deadline"] == "2023-04-25"
    assert data["unknown_tabs"] == ["Sheet1"]
    assert isinstance(data["totals"], dict)
    by_code = {u["code"]: u for u in data["units"]}
    assert list(by_code) == ["DB-THUE", "CB-BIA", "DT-DOAN"]
    for u in data["units"]:
        assert {
            "code",
            "name",
            "type",
            "tab",
            "status",
            "models",
            "required",
            "by_field",
            "mandatory",
            "reasons",
            "entries",
            "problems",
        } <= set(u)
        assert u["type"] in ("dang_bo_co_so", "chi_bo_co_so", "doan_the")
        assert u["status"] in ("dat", "chua_dat", "chua_dang_ky")
        assert isinstance(u["models"], int) and isinstance(u["required"], int)
        assert set(u["by_field"]) == {"kinh_te", "van_hoa_xa_hoi", "quoc_phong_an_ninh", "xay_dung_he_thong_chinh_tri"}
        assert sum(u["by_field"].values()) == u["models"]
        assert set(u["mandatory"]) == {"chuyen_doi_so", "co_quan_hanh_phuc"}
        assert all(isinstance(x, bool) for x in u["mandatory"].values())
        assert all(isinstance(r, str) for r in u["reasons"])
    thue, bia, doan = by_code["DB-THUE"], by_code["CB-BIA"], by_code["DT-DOAN"]
    assert (thue["status"], thue["models"], thue["required"], thue["tab"]) == ("dat", 2, 2, "DB-THUE")
    assert (doan["status"], doan["tab"], doan["entries"]) == ("chua_dang_ky", None, [])
    assert bia["status"] == "chua_dat" and bia["required"] == 1 and bia["reasons"]
    e = thue["entries"][0]
    assert set(e) >= {"row", "field", "name", "quantity", "build", "done", "location", "scale", "mandatory", "counted"}
    assert (e["field"], e["name"], e["quantity"], e["scale"], e["mandatory"], e["counted"]) == (
        "kinh_te",
        "Vay vốn phát triển kinh tế",
        1,
        "tap_the",
        None,
        True,
    )
    assert e["build"] == {"from": "2023-05", "to": "2023-05"} and e["done"] == {"from": "2023-12", "to": "2023-12"}
    assert [x["mandatory"] for x in thue["entries"]] == [None, None, "chuyen_doi_so", "co_quan_hanh_phuc"]
    for x in thue["entries"]:
        for k in ("build", "done"):
            assert all(re.fullmatch(r"\d{4}-\d{2}", v) for v in x[k].values())
    bad = bia["entries"][0]
    assert bad["name"] == "=SUM(A1:A3)" and bad["quantity"] is None and bad["counted"] is False  # unreadable -> null
    assert bia["entries"][1]["location"] is None
    probs = {(p["cell"], p["code"]): p for p in bia["problems"]}
    row = bad["row"]
    assert probs[(f"C{row}", "invalid_quantity")]["severity"] == "error"
    assert (f"E{row + 1}", "missing_location") in probs
    assert all(set(p) >= {"cell", "severity", "code", "message"} for p in bia["problems"])


def test_as_of_takes_the_vietnamese_day_first_form_too(files):
    _, book, units = files
    iso = json.loads(invoke(*check_args(f"xlsx:{book}", units, "--format", "json")).output)
    args = [a if a != "2023-05-02" else "02/05/2023" for a in check_args(f"xlsx:{book}", units, "--format", "json")]
    assert "02/05/2023" in args
    vn = json.loads(invoke(*args).output)
    assert vn["campaign"]["as_of"] == iso["campaign"]["as_of"] == "2023-05-02"


def test_check_csv(files):
    _, book, units = files
    res = invoke(*check_args(f"xlsx:{book}", units, "--format", "csv"))
    assert res.exit_code == 1
    rows = list(csv.reader(io.StringIO(res.output)))
    assert rows[0][:3] == ["Stt", "Đơn vị", "Loại"] and "Trạng thái" in rows[0]
    status = rows[0].index("Trạng thái")
    assert [(r[1], r[status]) for r in rows[1:]] == [
        ("Đảng bộ Cục Thuế", "Đạt"),
        ("Chi bộ Công ty CPTM Bia SG- Sông Tiền", "Chưa đạt"),
        ("Đoàn TNCS Hồ Chí Minh Khối", "Chưa đăng ký"),
    ]
    assert rows[1][rows[0].index("Tổng")] == "2"


def test_check_without_registry_infers_units_from_tab_names(files):
    _, book, _ = files
    res = invoke(*check_args(f"xlsx:{book}", None, "--format", "json"))
    data = json.loads(res.output)
    # "DB-THUE" says nothing, but its "Đơn vị:" line does; "Sheet1" is neither.
    assert [(u["tab"], u["name"], u["type"]) for u in data["units"]] == [
        ("DB-THUE", "Đảng bộ Cục Thuế", "dang_bo_co_so"), ("Chi bộ Bia Sông Tiền", "Chi bộ Bia", "chi_bo_co_so")]


@pytest.mark.parametrize("args", [
    ["check", "--source", "bad-spec", "--config", CONFIG],
    ["check", "--source", "ftp:x.xlsx", "--config", CONFIG],
    ["check", "--config", CONFIG],  # no --source and none in the config
    ["check", "--source", "xlsx:a.xlsx", "--config", CONFIG, "--as-of", "2023-13-01"],
    ["check", "--source", "xlsx:a.xlsx", "--config", CONFIG, "--format", "pdf"],
    ["check", "--bogus"],
])
def test_usage_errors_exit_2(args):
    res = invoke(*args)
    assert res.exit_code == 2, res.output
    assert res.output.strip()


def test_bad_config_exit_2_names_the_key(tmp_path, files):
    _, book, _ = files
    bad = tmp_path / "bad.toml"
    bad.write_text("[campaign]\nyear = 2023\ndeadline = \"25/4\"\n", encoding="utf-8")
    res = invoke("check", "--source", f"xlsx:{book}", "--config", str(bad))
    assert res.exit_code == 2
    assert "campaign.deadline" in res.output


def test_bad_units_csv_exit_2(tmp_path, files):
    _, book, _ = files
    units = tmp_path / "bad.csv"
    units.write_text("ma_don_vi,ten_don_vi,loai_don_vi,email\nX,Hội X,Hội,a@b.vn\n", encoding="utf-8")
    res = invoke(*check_args(f"xlsx:{book}", units))
    assert res.exit_code == 2 and "dòng 2" in res.output


def test_missing_xlsx_exit_3(tmp_path):
    res = invoke(*check_args(f"xlsx:{tmp_path / 'khong-co.xlsx'}"))
    assert res.exit_code == 3 and "Không tìm thấy" in res.output


def test_not_an_xlsx_exit_3(tmp_path):
    fake = tmp_path / "dang-ky.xlsx"
    fake.write_text("ma_don_vi,ten_don_vi\n", encoding="utf-8")
    res = invoke(*check_args(f"xlsx:{fake}"))
    assert res.exit_code == 3 and ".xlsx" in res.output


def test_run_main_returns_exit_codes(files, capsys):
    tmp, book, units = files
    assert run_main(cli, check_args(f"xlsx:{book}", units, "--format", "json")) == 1
    assert json.loads(capsys.readouterr().out)["unknown_tabs"] == ["Sheet1"]
    assert run_main(cli, ["check", "--bogus"]) == 2
    assert "Không có tùy chọn --bogus" in capsys.readouterr().err
    assert run_main(cli, ["check", "--source", "nope", "--config", CONFIG]) == 2
    assert run_main(cli, check_args(f"xlsx:{tmp / 'none.xlsx'}")) == 3
    assert "Không tìm thấy" in capsys.readouterr().err
    ok = write_xlsx(tmp / "ok.xlsx", {"DB-THUE": good_form("Đảng bộ Cục Thuế", "Vay vốn", "Camera an ninh")})
    one = tmp / "one.csv"
    one.write_text(
        "ma_don_vi,ten_don_vi,loai_don_vi,email\nDB-THUE,Đảng bộ Cục Thuế,Đảng bộ cơ sở,\n", encoding="utf-8"
    )
    assert run_main(cli, check_args(f"xlsx:{ok}", one)) == 0


def _sheet_rows(ws):
    return [[c for c in row] for row in ws.iter_rows(values_only=True)]


def test_aggregate_writes_the_workbook_and_leaves_input_alone(files):
    tmp, book, units = files
    before = (book.read_bytes(), book.stat().st_mtime_ns)
    out = tmp / "out" / "tong-hop.xlsx"
    res = invoke(
        "aggregate", "--source", f"xlsx:{book}", "--units", str(units), "--config", CONFIG, *AS_OF, "--out", str(out)
    )
    assert res.exit_code == 0, res.output
    assert (book.read_bytes(), book.stat().st_mtime_ns) == before
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Tổng hợp", "Cần bổ sung", "Lỗi nhập liệu"]

    rows = _sheet_rows(wb["Tổng hợp"])
    head = rows[2]
    assert head == ["Stt", "Đơn vị", "Loại", "KT", "VHXH", "QPAN", "XDHTCT", "Tổng", "Chỉ tiêu",
                    "MH chuyển đổi số", "MH cơ quan hạnh phúc", "Số lỗi", "Trạng thái",
                    "Thời hạn", "Mô hình bị xóa", "Ghi chú"]
    units_rows = {r[1]: dict(zip(head, r, strict=False)) for r in rows[3:6]}
    thue = units_rows["Đảng bộ Cục Thuế"]
    assert (
        thue["KT"],
        thue["Tổng"],
        thue["Chỉ tiêu"],
        thue["MH chuyển đổi số"],
        thue["Số lỗi"],
        thue["Trạng thái"],
    ) == (2, 2, 2, "có", 0, "Đạt")
    bia = units_rows["Chi bộ Công ty CPTM Bia SG- Sông Tiền"]
    assert (bia["Tổng"], bia["Chỉ tiêu"], bia["Số lỗi"], bia["Trạng thái"]) == (0, 1, 2, "Chưa đạt")
    assert bia["Ghi chú"]
    assert units_rows["Đoàn TNCS Hồ Chí Minh Khối"]["Trạng thái"] == "Chưa đăng ký"
    # Totals by unit type below the table.
    # The block starts in column B (column A is the narrow Stt column).
    start = next(i for i, r in enumerate(rows) if len(r) > 1 and r[1] == "Loại đơn vị")
    tot_head = rows[start][1:]
    totals = {r[1]: dict(zip(tot_head, r[1:], strict=False)) for r in rows[start + 1:start + 5]}
    assert set(totals) == {"Đảng bộ cơ sở", "Chi bộ cơ sở", "Đoàn thể khối", "Toàn Khối"}
    assert (totals["Đảng bộ cơ sở"]["Số đơn vị"], totals["Đảng bộ cơ sở"]["Đạt"], totals["Đảng bộ cơ sở"]["% đạt"]) == (
        1,
        1,
        100.0,
    )
    assert (
        totals["Toàn Khối"]["Số đơn vị"],
        totals["Toàn Khối"]["Đạt"],
        totals["Toàn Khối"]["KT"],
        totals["Toàn Khối"]["Tổng mô hình"],
    ) == (3, 1, 2, 2)
    assert "% đạt" in tot_head

    todo = _sheet_rows(wb["Cần bổ sung"])
    flagged = [r[1] for r in todo[3:] if r[1]]
    assert set(flagged) == {"Chi bộ Công ty CPTM Bia SG- Sông Tiền", "Đoàn TNCS Hồ Chí Minh Khối"}
    assert all(r[4] for r in todo[3:] if r[1])  # what each lacks

    probs = _sheet_rows(wb["Lỗi nhập liệu"])
    ph = probs[2]
    assert ph[:6] == ["Stt", "Đơn vị", "Trang tính", "Ô", "Cột", "Giá trị"] and "Nội dung cần sửa" in ph
    errs = [dict(zip(ph, r, strict=False)) for r in probs[3:] if r[0] is not None]
    qty = next(r for r in errs if r["Mã lỗi"] == "invalid_quantity")
    assert qty["Đơn vị"] == "Chi bộ Công ty CPTM Bia SG- Sông Tiền" and qty["Trang tính"] == "Chi bộ Bia Sông Tiền"
    assert (
        re.fullmatch(r"C\d+", qty["Ô"])
        and qty["Cột"] == "C"
        and qty["Giá trị"] == "hai"
        and "số nguyên" in qty["Nội dung cần sửa"]
    )
    assert any(r["Mã lỗi"] == "missing_location" for r in errs)


def test_aggregate_formula_looking_name_is_text_in_workbook(tmp_path):
    book = write_xlsx(
        tmp_path / "a.xlsx", {"DB-THUE": seed_form("x", {"kinh_te": [model(1, "=1+1"), model(2, "=1+1")]})}
    )
    units = tmp_path / "u.csv"
    units.write_text(
        "ma_don_vi,ten_don_vi,loai_don_vi,email\nDB-THUE,=cmd|' /C calc'!A0,Đảng bộ cơ sở,\n", encoding="utf-8"
    )
    out = tmp_path / "o.xlsx"
    res = invoke(
        "aggregate",
        "--source",
        f"xlsx:{book}",
        "--units",
        str(units),
        "--config",
        CONFIG,
        *AS_OF,
        "--out",
        str(out),
        "-q",
    )
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    found = [
        c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert {c.value for c in found} == {"=cmd|' /C calc'!A0", "=1+1"}
    assert all(c.data_type == "s" for c in found)


def test_aggregate_strict_and_missing_out(files):
    _, book, units = files
    base = ["aggregate", "--source", f"xlsx:{book}", "--units", str(units), "--config", CONFIG, *AS_OF]
    assert invoke(*base).exit_code == 2
    out = files[0] / "s.xlsx"
    assert invoke(*base, "--out", str(out), "--strict", "-q").exit_code == 1
    assert invoke(*base, "--source", f"xlsx:{files[0] / 'none.xlsx'}", "--out", str(out)).exit_code == 3


def test_dir_source_unit_from_don_vi_line_else_file_name(tmp_path):
    folder = tmp_path / "thu"
    folder.mkdir()
    # File name says nothing; the form's "Đơn vị:" line names the unit.
    write_xlsx(
        folder / "dang ky DVK 2023 (1).xlsx", {"Sheet1": good_form("Đảng bộ Cục Thuế", "Vay vốn", "Camera an ninh")}
    )
    # No "Đơn vị:" line: the file name is the unit's code.
    write_xlsx(folder / "CB-BIA.xlsx", {"Biểu mẫu": good_form(None, "Thôn văn hóa")})
    (folder / "ghi-chu.txt").write_text("không phải biểu mẫu", encoding="utf-8")
    units = tmp_path / "u.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    res = invoke(*check_args(f"dir:{folder}", units, "--format", "json"))
    assert res.exit_code == 1  # DT-DOAN sent nothing
    data = json.loads(res.output)
    by_code = {u["code"]: u for u in data["units"]}
    assert by_code["DB-THUE"]["status"] == "dat" and by_code["DB-THUE"]["tab"] == "dang ky DVK 2023 (1)"
    assert by_code["CB-BIA"]["status"] == "dat" and by_code["CB-BIA"]["tab"] == "CB-BIA"
    assert by_code["DT-DOAN"]["status"] == "chua_dang_ky"
    assert data["unknown_tabs"] == []


def test_dir_source_missing_folder_exit_3(tmp_path):
    assert invoke(*check_args(f"dir:{tmp_path / 'none'}")).exit_code == 3


@pytest.mark.parametrize("command", [[], ["check"], ["aggregate"]])
def test_help_on_every_command(command):
    res = invoke(*command, "-h")
    assert res.exit_code == 0
    assert "Cách dùng" in res.output and "Ví dụ" in res.output


def _every_command() -> list[list[str]]:
    import click

    from danvan_sheets.cli import cli as group

    def walk(cmd, path):
        yield path
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from walk(sub, [*path, name])

    return [p for p in walk(group, []) if p]


@pytest.mark.parametrize("command", _every_command(), ids=" ".join)
def test_help_ends_with_an_example(command):
    res = invoke(*command, "-h")
    assert res.exit_code == 0
    lines = [ln.strip() for ln in res.output.strip().splitlines()]
    tail = lines[lines.index("Ví dụ:"):]
    starts = [ln for ln in tail[1:] if ln.startswith("danvan")]  # the rest continue a long line
    assert tail[1:] and tail[1] in starts and all(ln.startswith("danvan " + " ".join(command)) for ln in starts), tail
    # After the options (and a group's list of commands): the last thing read is a line to copy.
    last_listing = max(i for i, ln in enumerate(lines) if ln.startswith("-h, --help") or ln == "Lệnh:")
    assert lines.index("Ví dụ:") > last_listing


def test_the_command_list_says_each_command_whole():
    from danvan_sheets.cli import cli as group

    res = invoke("-h")
    listing = res.output[res.output.index("Lệnh:"):res.output.index("Ví dụ:")]
    lines = [ln for ln in listing.splitlines()[1:] if ln.strip()]
    assert len(lines) == len(group.commands) and not [ln for ln in lines if ln.rstrip().endswith("...")]
    assert "130 bị dừng bằng Ctrl-C" in " ".join(res.output.split())

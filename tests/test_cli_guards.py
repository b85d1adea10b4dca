"""Mistakes a clerk makes at the command line: each gets a Vietnamese message, the right exit code,
and never costs data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from danvan_sheets.cli import cli
from danvan_sheets.cli.base import run_main
from danvan_sheets.config import load_settings
from danvan_sheets.pipeline import report_from_data
from danvan_sheets.sources.directory import read_directory
from danvan_sheets.writers.console import render_table
from tests.helpers_forms import MANDATORY_CDS, MANDATORY_HP, UNITS_CSV, model, seed_form, write_xlsx

CONFIG = str(Path(__file__).resolve().parents[1] / "config" / "danvan.toml")
XD = "xay_dung_he_thong_chinh_tri"
ENGLISH = ("requires an argument", "is not one of", "No such", "Error:", "Traceback", "Usage:")


def good_form(unit_name, *names):
    return seed_form(unit_name, {"kinh_te": [model(i, n) for i, n in enumerate(names, 1)],
                                 XD: [model(1, MANDATORY_CDS), model(2, MANDATORY_HP)]})


@pytest.fixture
def book(tmp_path):
    path = write_xlsx(
        tmp_path / "dang-ky.xlsx", {"DB-THUE": good_form("Đảng bộ Cục Thuế", "Vay vốn", "Camera an ninh")}
    )
    units = tmp_path / "don-vi.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    return path, units


def invoke(*args):
    return CliRunner().invoke(cli, ["--help"] if not args else list(args), catch_exceptions=False)


def run(capsys, *args):
    code = run_main(cli, list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_aggregate_refuses_to_write_over_its_own_source(book):
    path, units = book
    before = path.read_bytes()
    res = invoke("aggregate", "--source", f"xlsx:{path}", "--units", str(units), "--config", CONFIG, "--out", str(path))
    assert res.exit_code == 2
    assert "chính là tệp nguồn" in res.output
    assert path.read_bytes() == before


def test_export_refuses_to_write_over_its_own_source(book):
    path, units = book
    before = path.read_bytes()
    res = invoke("export", "--source", f"xlsx:{path}", "--units", str(units), "--config", CONFIG, "--out", str(path))
    assert res.exit_code == 2 and "chính là tệp nguồn" in res.output
    assert path.read_bytes() == before


def test_aggregate_refuses_an_output_inside_the_folder_it_reads(tmp_path, book):
    path, units = book
    folder = tmp_path / "thu"
    folder.mkdir()
    (folder / "thue.xlsx").write_bytes(path.read_bytes())
    res = invoke("aggregate", "--source", f"dir:{folder}", "--units", str(units), "--config", CONFIG,
                 "--out", str(folder / "tong-hop.xlsx"))
    assert res.exit_code == 2 and "nằm trong thư mục nguồn" in res.output
    assert sorted(p.name for p in folder.iterdir()) == ["thue.xlsx"]


def test_aggregate_wants_an_xlsx_name(tmp_path, book):
    path, units = book
    res = invoke("aggregate", "--source", f"xlsx:{path}", "--units", str(units), "--config", CONFIG,
                 "--out", str(tmp_path / "tong-hop.csv"))
    assert res.exit_code == 2 and "phải có đuôi .xlsx" in res.output
    assert not (tmp_path / "tong-hop.csv").exists()


@pytest.mark.parametrize("args, expected", [
    (["check", "--sourse", "xlsx:a.xlsx"], "Có phải ý bạn là --source?"),
    (["chek"], "Có phải ý bạn là “check”?"),
    (["aggregate", "--source", "xlsx:a.xlsx", "--out"], "Tùy chọn --out cần một giá trị"),
    (["check", "--source", "xlsx:a.xlsx", "--format", "xml"], "hãy chọn một trong: table, json, csv"),
    (["check", "--source", "dang-ky.xlsx"], "Có phải ý bạn là xlsx:dang-ky.xlsx?"),
    (["check", "--source", "xls:dang-ky.xlsx"], "Có phải ý bạn là xlsx:dang-ky.xlsx?"),  # not xlsx:xls:…
    (["restore", "--at", "2023-04-20", "--out", "k.xlsx"], "Thiếu ĐƠN_VỊ."),
    (["check", "--source", f"xlsx:{Path(__file__).resolve().parent}"], "hãy dùng nguồn dir:"),
    (["check", "--source", "xlsx:a.xlsx", "--as-of", "2023-13-01"], "hoặc 02/05/2023 (ngày/tháng/năm)"),
    (["check", "--source", "xlsx:a.xlsx", "--out", "t.xlsx"], "hãy dùng danvan aggregate ... --out TỆP.xlsx"),
])
def test_usage_mistakes_are_explained_in_vietnamese(capsys, args, expected):
    # --config goes first: a trailing option would become the missing --out's value.
    code, text = run(capsys, args[0], "--config", CONFIG, *args[1:]) if args[0] != "chek" else run(capsys, *args)
    assert code == 2
    assert expected in text
    assert not any(word in text for word in ENGLISH), text


def test_missing_files_are_explained_in_vietnamese(capsys, tmp_path, book):
    path, _units = book
    code, text = run(
        capsys, "check", "--source", f"xlsx:{path}", "--units", str(tmp_path / "khong.csv"), "--config", CONFIG
    )
    assert code == 2 and "không có tệp hay thư mục này" in text and "No such file" not in text
    code, text = run(capsys, "check", "--source", f"xlsx:{tmp_path / 'khong.xlsx'}", "--config", CONFIG)
    assert code == 3 and "Không tìm thấy tệp" in text
    code, text = run(capsys, "check", "--source", f"xlsx:{tmp_path / 'don-vi.csv'}", "--config", CONFIG)
    assert code == 3 and "không phải tệp Excel" in text and "Exception" not in text


def test_semicolon_registry_from_vietnamese_excel_is_read(tmp_path, book, capsys):
    path, _ = book
    units = tmp_path / "don-vi-cham-phay.csv"
    units.write_text("ma_don_vi;ten_don_vi;loai_don_vi;email\nDB-THUE;Đảng bộ Cục Thuế;Đảng bộ cơ sở;thue@example.vn\n",
                     encoding="utf-8-sig")
    code, text = run(capsys, "check", "--source", f"xlsx:{path}", "--units", str(units), "--config", CONFIG,
                     "--format", "csv", "--as-of", "2023-05-02")
    assert code == 0, text
    assert "Đảng bộ Cục Thuế,Đảng bộ cơ sở,2,0,0,0,2,2,có,có,0,Đạt" in text


def test_registry_with_a_header_only_is_a_configuration_error(tmp_path, book, capsys):
    path, _ = book
    units = tmp_path / "trong.csv"
    units.write_text("ma_don_vi,ten_don_vi,loai_don_vi,email\n", encoding="utf-8")
    code, text = run(capsys, "check", "--source", f"xlsx:{path}", "--units", str(units), "--config", CONFIG)
    assert code == 2 and "chưa có đơn vị nào" in text


def test_without_registry_a_stale_copy_is_not_a_second_unit(tmp_path, capsys):
    real = good_form("Chi bộ Sở Tư pháp", "Tủ sách pháp luật")
    stale = good_form("Chi bộ Sở Tư pháp", "Bản nháp cũ", "Bản nháp khác")
    path = write_xlsx(tmp_path / "dk.xlsx", {"Bản sao của Chi bộ Sở Tư pháp": stale, "Chi bộ Sở Tư pháp": real})
    code, text = run(capsys, "check", "--source", f"xlsx:{path}", "--config", CONFIG, "--format", "json")
    import json

    data = json.loads(text[text.index("{"):])
    assert [(u["name"], u["tab"]) for u in data["units"]] == [("Chi bộ Sở Tư pháp", "Chi bộ Sở Tư pháp")]
    assert data["units"][0]["models"] == 1
    assert data["unknown_tabs"] == ["Bản sao của Chi bộ Sở Tư pháp"]


def test_a_unit_missing_from_a_folder_sent_no_file(tmp_path):
    folder = tmp_path / "thu"
    folder.mkdir()
    write_xlsx(folder / "thue.xlsx", {"Sheet1": good_form("Đảng bộ Cục Thuế", "Vay vốn", "Camera")})
    from danvan_sheets.registry import parse_units

    units = parse_units(UNITS_CSV)
    report = report_from_data(read_directory(folder), units, load_settings(CONFIG), dt.date(2023, 5, 2))
    missing = [v for v in report.units if v.tab is None]
    assert missing and all(v.reasons == ["Chưa có tệp đăng ký của đơn vị trong thư mục."] for v in missing)


def test_a_folder_report_speaks_of_files_and_writes_percent_the_vietnamese_way(tmp_path):
    from danvan_sheets.core.tables import summary_table
    from danvan_sheets.registry import parse_units

    folder = tmp_path / "thu"
    folder.mkdir()
    write_xlsx(folder / "thue.xlsx", {"Sheet1": good_form("Đảng bộ Cục Thuế", "Vay vốn", "Camera")})
    write_xlsx(folder / "la.xlsx", {"Sheet1": good_form("Đảng bộ Không Có Trong Danh Sách", "Vay vốn")})
    report = report_from_data(
        read_directory(folder), parse_units(UNITS_CSV), load_settings(CONFIG), dt.date(2023, 5, 2)
    )
    console = Console(width=120, record=True, force_terminal=False)
    render_table(report, console)
    text = console.export_text()
    assert "Tệp “la” không khớp đơn vị nào" in text and "Trang “la”" not in text
    pct = f"{report.totals['all']['percent_dat']:.1f}".replace(".", ",")
    assert "," in pct and f"({pct}% đạt)" in text
    titles = [title for title, _head, _rows in summary_table(report, dt.datetime(2023, 5, 2)).blocks]
    assert any(t.startswith("Tệp không khớp") for t in titles)


def test_an_80_column_terminal_still_shows_every_status(book):
    path, units = book
    from danvan_sheets.pipeline import run as pipeline_run

    result = pipeline_run(f"xlsx:{path}", str(units), load_settings(CONFIG), dt.date(2023, 5, 2), history=False)
    console = Console(width=80, record=True, force_terminal=False)
    render_table(result.report, console)
    lines = console.export_text().splitlines()
    assert all(len(line) <= 80 for line in lines)
    table_rows = [ln for ln in lines if ln.lstrip().startswith(("1 ", "2 ", "3 "))]
    assert table_rows and all(("Đạt" in ln) or ("Chưa" in ln) for ln in table_rows)


def test_danvan_alone_shows_the_help_once(capsys):
    code = run_main(cli, [])
    out = capsys.readouterr()
    assert code == 0 and out.err == ""
    assert out.out.count("Cách dùng") == 1 and "Lỗi" not in out.out


def test_restore_wants_an_xlsx_name(capsys, tmp_path):
    code, text = run(
        capsys, "restore", "DB-THUE", "--at", "2023-04-20", "--out", str(tmp_path / "kp.csv"), "--config", CONFIG
    )
    assert code == 2 and "phải có đuôi .xlsx" in text
    assert not (tmp_path / "kp.csv").exists()


def test_a_shared_workbook_dropped_into_a_folder_is_pointed_out(tmp_path):
    folder = tmp_path / "thu"
    folder.mkdir()
    write_xlsx(folder / "dang-ky.xlsx", {f"DB-{i}": good_form(f"Đảng bộ {i}", "Vay vốn") for i in range(5)})
    write_xlsx(folder / "cuc-thue.xlsx", {"DB-THUE": good_form("Đảng bộ Cục Thuế", "Vay vốn")})
    data = read_directory(folder)
    assert [t.title for t in data.tabs] == ["cuc-thue", "dang-ky"]
    assert len(data.notices) == 1
    assert "dang-ky.xlsx có 5 trang" in data.notices[0] and f"xlsx:{folder / 'dang-ky.xlsx'}" in data.notices[0]


def test_commands_to_copy_quote_names_with_spaces():
    from danvan_sheets.core.messages import cli_arg

    assert cli_arg("DB-CUCTHUE") == "DB-CUCTHUE"
    assert cli_arg("Đoàn TN Khối") == '"Đoàn TN Khối"'
    assert cli_arg("Chi bộ “A” \"B\"") == '"Chi bộ “A” \\"B\\""'


def test_without_a_registry_nothing_goes_into_the_history(capsys, book):
    import os

    path, units = book
    db = Path(os.environ["DANVAN_DATA_DIR"]) / "history.sqlite"
    code, text = run(capsys, "check", "--source", f"xlsx:{path}", "--config", CONFIG)
    assert code == 0 and "Không ghi lịch sử khi chưa có danh sách đơn vị" in text
    assert not db.exists()
    code, text = run(capsys, "check", "--source", f"xlsx:{path}", "--units", str(units), "--config", CONFIG)
    assert code == 1 and "Không ghi lịch sử" not in text  # the registry's other units have no tab
    assert db.exists()


@pytest.mark.parametrize("args, said", [
    (["campaign", "new", "abc"], "“abc” không hợp lệ cho NĂM."),  # the argument as the usage line names it
    (["rollup", "--threshold", "200"], "“200” không dùng được cho --threshold: phải từ 50 đến 100."),
    # Not a number: click's "'abc' is not a valid float range." was quoted back half-translated.
    (["rollup", "--threshold", "abc"], "“abc” không hợp lệ cho --threshold: phải từ 50 đến 100."),
    (["rollup", "--threshold", "1234567"], "“1234567” không dùng được cho --threshold"),  # as typed, not 1.23457e+06
    (["rollup", "--threshold", "nan"], "“nan” không hợp lệ cho --threshold: phải từ 50 đến 100."),  # not a silent no-op
])
def test_a_bad_value_is_named_as_the_help_names_it(capsys, args, said):
    code = run_main(cli, args)
    text = capsys.readouterr().err
    assert code == 2 and said in text, text
    assert not any(e in text for e in ENGLISH)

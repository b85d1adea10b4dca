"""`danvan history` and `danvan restore` on a recorded history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from danvan_sheets.cli import cli
from danvan_sheets.core import legacy
from danvan_sheets.history import record_run
from tests.helpers_forms import MANDATORY_CDS, model
from tests.test_history_store import FULL, report_of, settings_for

REPO = Path(__file__).resolve().parents[1]


def _config(tmp_path: Path) -> Path:
    cfg = tmp_path / "c.toml"
    base = (REPO / "config" / "danvan.toml").read_text(encoding="utf-8")
    cfg.write_text(base + f'\n[history]\npath = "{tmp_path / "h.sqlite"}"\n', encoding="utf-8")
    return cfg


def _record(tmp_path: Path):
    s = settings_for(tmp_path / "h.sqlite")
    legacy_name = legacy.encode("Cải tạo vệ sinh môi trường", "tcvn3")
    first = {
        **FULL,
        "quoc_phong_an_ninh": [
            model(1, legacy_name, build="Quý II/2023"),
            model(2, "Móc khoá an ninh", quantity="hai"),
        ],
    }
    r, d = report_of(s, {"Đảng bộ Cục Thuế": first})
    record_run(tmp_path / "h.sqlite", r, d, dt.datetime(2023, 4, 20, 9, 15, 30))
    r, d = report_of(s, {"Đảng bộ Cục Thuế": {"kinh_te": [model(1, MANDATORY_CDS)]}})
    record_run(tmp_path / "h.sqlite", r, d, dt.datetime(2023, 4, 22, 14, 0))


def test_history_of_one_unit_and_of_all(tmp_path):
    _record(tmp_path)
    cfg = _config(tmp_path)
    res = CliRunner().invoke(cli, ["history", "dang bo cuc thue", "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "Lịch sử đăng ký của Đảng bộ Cục Thuế (DB-THUE), đợt năm 2023, nguồn (không rõ):" in res.output
    assert "20/04/2023 09:15: Đạt" in res.output and "22/04/2023 14:00: Chưa đạt, 0/2 mô hình" in res.output
    assert "Xóa: “Vận động doanh nghiệp dùng hóa đơn điện tử”" in res.output
    all_units = CliRunner().invoke(cli, ["history", "--config", str(cfg)])
    assert all_units.exit_code == 0 and "Đảng bộ Cục Thuế (DB-THUE): Chưa đạt" in all_units.output
    assert "Chi bộ Công ty Bia (CB-BIA): Chưa đăng ký" in all_units.output
    unknown = CliRunner().invoke(cli, ["history", "XYZ", "--config", str(cfg)])
    assert unknown.exit_code == 2 and "Không có đơn vị “XYZ”" in unknown.output


def test_history_without_database_is_a_config_error(tmp_path):
    res = CliRunner().invoke(cli, ["history", "--config", str(_config(tmp_path))])
    assert res.exit_code == 2 and "Chưa có lịch sử" in res.output


def test_restore_writes_the_form_as_it_was(tmp_path):
    _record(tmp_path)
    out = tmp_path / "khoi-phuc.xlsx"
    res = CliRunner().invoke(
        cli, ["restore", "DB-THUE", "--at", "2023-04-20 09:15", "--out", str(out), "--config", str(_config(tmp_path))]
    )
    assert res.exit_code == 0, res.output
    assert "Đã ghi 6 dòng đăng ký của Đảng bộ Cục Thuế (lúc 20/04/2023 09:15)" in res.output
    ws = load_workbook(out).active
    rows = [[c.value for c in r] for r in ws.iter_rows(max_col=7)]
    assert rows[0][0].endswith("NĂM 2023") and rows[1][0] == "Đơn vị: Đảng bộ Cục Thuế"
    assert rows[3][0] == "Stt" and rows[4][0] == "(1)" and rows[5][1] == "Tổng số"
    assert [r[0] for r in rows if r[0] in ("I", "II", "III", "IV")] == ["I", "II", "III", "IV"]
    names = [r[1] for r in rows[6:] if r[0] not in ("I", "II", "III", "IV")]
    assert "Cải tạo vệ sinh môi trường" in names  # typed in TCVN3, restored as Unicode
    bad = next(r for r in rows if r[1] == "Móc khoá an ninh")
    assert bad[2] == "hai"  # what the unit typed, even where it was wrong
    qp = next(r for r in rows if r[1] == "Cải tạo vệ sinh môi trường")
    assert qp[3] == "Quý II/2023"
    assert ws.page_setup.orientation == "landscape"


def test_restore_before_the_first_run_and_bad_time(tmp_path):
    _record(tmp_path)
    cfg = str(_config(tmp_path))
    early = CliRunner().invoke(
        cli, ["restore", "DB-THUE", "--at", "2023-04-19", "--out", str(tmp_path / "x.xlsx"), "--config", cfg]
    )
    assert early.exit_code == 2 and "không có đăng ký nào" in early.output
    bad = CliRunner().invoke(
        cli, ["restore", "DB-THUE", "--at", "hôm qua", "--out", str(tmp_path / "x.xlsx"), "--config", cfg]
    )
    assert bad.exit_code == 2 and "không hợp lệ" in bad.output
    later = CliRunner().invoke(
        cli, ["restore", "DB-THUE", "--at", "2023-04-23", "--out", str(tmp_path / "y.xlsx"), "--config", cfg]
    )
    assert later.exit_code == 0 and "Đã ghi 1 dòng" in later.output


def test_restore_splits_a_cell_that_held_a_section_title_and_its_first_model(tmp_path):
    s = settings_for(tmp_path / "h.sqlite")
    merged = model("II", "II. Lĩnh vực văn hóa - xã hội\nMô hình “Cơ quan văn hóa, xanh – sạch – đẹp”")
    r, d = report_of(s, {"Đảng bộ Cục Thuế": {**FULL, "van_hoa_xa_hoi": [merged, model(2, "Nâng bước em đến trường")]}})
    names = [e.name for e in r.units[0].entries]
    assert "Mô hình “Cơ quan văn hóa, xanh – sạch – đẹp”" in names  # the reader took the model out of the cell
    record_run(tmp_path / "h.sqlite", r, d, dt.datetime(2023, 4, 20, 9, 0))
    out = tmp_path / "k.xlsx"
    res = CliRunner().invoke(
        cli, ["restore", "DB-THUE", "--at", "2023-04-20", "--out", str(out), "--config", str(_config(tmp_path))]
    )
    assert res.exit_code == 0, res.output
    rows = [[c.value for c in row] for row in load_workbook(out).active.iter_rows(max_col=7)]
    assert sum(1 for row in rows if "Lĩnh vực văn hóa - xã hội" in str(row[1])) == 1  # one heading, the form's own
    at = next(i for i, row in enumerate(rows) if row[0] == "II")
    assert [row[:2] for row in rows[at + 1:at + 3]] == [
        [1, "Mô hình “Cơ quan văn hóa, xanh – sạch – đẹp”"], [2, "Nâng bước em đến trường"]]


def test_restore_force_never_overwrites_the_registrations(tmp_path):
    """--force replaces an old restored file, never the workbook the --source names (exit 2, untouched)."""
    _record(tmp_path)
    sheet = tmp_path / "dang-ky-2023.xlsx"
    sheet.write_bytes(b"PK the Khoi's registrations")
    res = CliRunner().invoke(cli, ["restore", "DB-THUE", "--at", "2023-04-20", "--out", str(sheet), "--force",
                                   "--source", f"xlsx:{sheet}", "--config", str(_config(tmp_path))])
    assert res.exit_code == 2 and "chính là tệp nguồn" in res.output, res.output
    assert "Traceback" not in res.output
    assert sheet.read_bytes() == b"PK the Khoi's registrations"

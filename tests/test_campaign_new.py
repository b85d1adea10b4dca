"""Issue 15, “a new year in one command”: `danvan campaign new 2024`."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from danvan_sheets.cli import cli
from danvan_sheets.config import load_settings
from danvan_sheets.history import record_run
from danvan_sheets.pipeline import report_from_data
from danvan_sheets.sources import parse_spec
from tests.helpers_forms import MANDATORY_CDS, model
from tests.test_history_store import UNITS, report_of, settings_for

REPO = Path(__file__).resolve().parents[1]


def this_year(tmp_path: Path, extra: str = "") -> Path:
    base = (REPO / "config" / "danvan.toml").read_text(encoding="utf-8")
    base = base.replace("# effective_from = 2023-06-01", "effective_from = 2023-06-01")
    cfg = tmp_path / "cau-hinh" / "danvan.toml"
    cfg.parent.mkdir()
    cfg.write_text(base + extra, encoding="utf-8")
    return cfg


def run(*args: str, input: str | None = None):
    res = CliRunner().invoke(cli, list(args), input=input)
    assert "Traceback" not in res.output
    return res


def test_yes_writes_next_year_beside_this_one_keeping_comments(tmp_path):
    cfg = this_year(tmp_path, '\n[source]\nspec = "gsheet:1AbCdEfGhIjKlMnOp2023"  # bảng tính năm nay\n')
    res = run("campaign", "new", "2024", "--config", str(cfg), "--yes")
    assert res.exit_code == 0, res.output
    new = cfg.with_name("danvan-2024.toml")
    text = new.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["campaign"]["year"] == 2024 and data["campaign"]["deadline"] == dt.date(2024, 4, 25)
    assert data["mandatory"][1]["effective_from"] == dt.date(2024, 6, 1)
    assert data["quota"] == {"dang_bo_co_so": 2, "chi_bo_co_so": 1, "doan_the": 2}
    assert [m["key"] for m in data["mandatory"]] == ["chuyen_doi_so", "co_quan_hanh_phuc"]
    # Last year's sheet is not this year's source: kept as a comment until `init` makes the new one.
    assert "spec" not in data["source"]
    assert '# spec = "gsheet:1AbCdEfGhIjKlMnOp2023"' in text and "nguồn năm 2023" in text
    assert "# Hạn gửi đăng ký về Ban Tuyên giáo (mục III.2 của Kế hoạch)." in text  # comments kept
    s = load_settings(new)
    assert s.campaign.year == 2024 and s.campaign.deadline == dt.date(2024, 4, 25)
    assert f"Đã ghi cấu hình năm 2024: {new}" in res.output
    assert "Việc tiếp theo:" in res.output and f"danvan init --config {new} --create" in res.output
    assert "Ghi mã bảng tính mới vào [source] spec" in res.output


def test_never_overwrites_without_force(tmp_path):
    cfg = this_year(tmp_path)
    new = cfg.with_name("danvan-2024.toml")
    new.write_text("# sửa tay\n", encoding="utf-8")
    res = run("campaign", "new", "2024", "--config", str(cfg), "--yes")
    assert res.exit_code == 2 and f"Tệp {new} đã có" in res.output and "--force" in res.output
    assert new.read_text(encoding="utf-8") == "# sửa tay\n"
    forced = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--force")
    assert forced.exit_code == 0 and tomllib.loads(new.read_text(encoding="utf-8"))["campaign"]["year"] == 2024


def test_questions_in_vietnamese_change_deadline_quotas_and_mandatory_models(tmp_path):
    cfg = this_year(tmp_path)
    out = tmp_path / "nam-moi.toml"
    answers = "2024-05-10\n\n2\n\nkhông\ncó\n"  # deadline, 3 quotas (Chi bộ 1 -> 2), drop the first mandatory model
    res = run("campaign", "new", "2024", "--config", str(cfg), "--out", str(out), input=answers)
    assert res.exit_code == 0, res.output
    assert (
        "Hạn đăng ký năm 2024 [2024-04-25]" in res.output
        and "Giữ mô hình bắt buộc “Lãnh đạo thực hiện chuyển đổi số" in res.output
    )
    text = out.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["campaign"]["deadline"] == dt.date(2024, 5, 10) and data["quota"]["chi_bo_co_so"] == 2
    assert [m["key"] for m in data["mandatory"]] == ["co_quan_hanh_phuc"]
    # The dropped item went with its own lines only; the next section's comments stayed.
    assert "# Nguồn dữ liệu mặc định" in text and "Lãnh đạo thực hiện chuyển đổi số" not in text
    assert "Mô hình bắt buộc bỏ: “Lãnh đạo thực hiện chuyển đổi số" in res.output
    assert "Lưu ý: tệp mới ở thư mục khác" in res.output  # relative paths would be read from elsewhere


def test_unattended_without_yes_is_a_usage_error_and_flags_do_the_questions_work(tmp_path):
    cfg = this_year(tmp_path)
    new = cfg.with_name("danvan-2024.toml")
    res = run("campaign", "new", "2024", "--config", str(cfg), input="")
    assert res.exit_code == 2 and "Khi chạy tự động, hãy thêm --yes" in res.output and not new.exists()
    bad = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--deadline", "2023-04-30")
    assert bad.exit_code == 2 and "không thuộc năm 2024" in bad.output and not new.exists()
    older = run("campaign", "new", "2022", "--config", str(cfg), "--yes")
    assert older.exit_code == 2 and "phải sau năm của cấu hình hiện tại (2023)" in older.output
    wrong = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--quota", "chibo=2")
    assert wrong.exit_code == 2 and "--quota “chibo=2” không hợp lệ" in wrong.output
    unknown = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--drop-mandatory", "xyz")
    assert unknown.exit_code == 2 and "Không có mô hình bắt buộc mã “xyz”" in unknown.output
    ok = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--deadline", "30/04/2024",
             "--quota", "doan_the=3", "--drop-mandatory", "co_quan_hanh_phuc", "--source", "gsheet:1ZzYyXxWwVvUuTt2024")
    assert ok.exit_code == 0, ok.output
    data = tomllib.loads(new.read_text(encoding="utf-8"))
    assert data["campaign"]["deadline"] == dt.date(2024, 4, 30) and data["quota"]["doan_the"] == 3
    assert [m["key"] for m in data["mandatory"]] == ["chuyen_doi_so"]
    assert data["source"]["spec"] == "gsheet:1ZzYyXxWwVvUuTt2024"
    assert "danvan init --config" in ok.output and "--create" not in ok.output


def test_carry_writes_the_continuing_models_into_next_years_forms(tmp_path):
    db = tmp_path / "h.sqlite"
    cfg = this_year(tmp_path, f'\n[history]\npath = "{db}"\n')
    s = settings_for(db)
    rows = {
        "kinh_te": [
            model(
                1, "Duy trì mô hình vận động doanh nghiệp dùng hóa đơn điện tử", quantity=2, location="Phòng Tổng hợp"
            ),
            model(2, MANDATORY_CDS),
        ],
        "van_hoa_xa_hoi": [
            model(1, "Nâng bước em đến trường", done="Duy trì sang năm sau"),
            model(2, "Cơ quan văn hóa, xanh – sạch – đẹp"),
        ],
    }
    r, d = report_of(s, {"Đảng bộ Cục Thuế": rows, "Chi bộ Công ty Bia": {"kinh_te": [model(1, "Mô hình mới")]}})
    record_run(db, r, d, dt.datetime(2023, 11, 20, 9, 0), "xlsx:dang-ky-2023.xlsx")
    carry = tmp_path / "duy-tri-2024.xlsx"
    res = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--carry", str(carry))
    assert res.exit_code == 0, res.output
    assert f"Đã ghi 2 mô hình “duy trì” của 1 đơn vị vào {carry}" in res.output
    wb = load_workbook(carry)
    assert wb.sheetnames == ["Đảng bộ Cục Thuế"]
    grid = [[c.value for c in row] for row in wb["Đảng bộ Cục Thuế"].iter_rows(max_col=7)]
    assert grid[0][0].endswith("NĂM 2024") and grid[1][0] == "Đơn vị: Đảng bộ Cục Thuế"
    carried = {row[1]: row for row in grid if row[1] in (
        "Duy trì mô hình vận động doanh nghiệp dùng hóa đơn điện tử", "Nâng bước em đến trường")}
    assert len(carried) == 2
    first = carried["Duy trì mô hình vận động doanh nghiệp dùng hóa đơn điện tử"]
    assert first[0] == 1 and first[2] == 2 and first[4] == "Phòng Tổng hợp" and first[3] is None and first[6] is None
    assert not any(row[1] in (MANDATORY_CDS, "Cơ quan văn hóa, xanh – sạch – đẹp", "Mô hình mới") for row in grid)

    # The carried workbook is a registration source of the new year as it stands.
    new = load_settings(cfg.with_name("danvan-2024.toml"))
    data = parse_spec(f"xlsx:{carry}").read(new)
    report = report_from_data(data, UNITS, new, dt.date(2024, 3, 1))
    thue = next(v for v in report.units if v.unit.code == "DB-THUE")
    assert sorted(e.name for e in thue.entries) == ["Duy trì mô hình vận động doanh nghiệp dùng hóa đơn điện tử",
                                                     "Nâng bước em đến trường"]
    again = run(
        "campaign",
        "new",
        "2024",
        "--config",
        str(cfg),
        "--yes",
        "--out",
        str(tmp_path / "x.toml"),
        "--carry",
        str(carry),
    )
    assert again.exit_code == 2 and f"Tệp {carry} đã có" in again.output


def test_carry_without_history_says_what_to_do(tmp_path):
    cfg = this_year(tmp_path, f'\n[history]\npath = "{tmp_path / "none.sqlite"}"\n')
    res = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--carry", str(tmp_path / "c.xlsx"))
    assert res.exit_code == 2 and "Chưa có lịch sử" in res.output and "danvan check" in res.output
    assert not cfg.with_name("danvan-2024.toml").exists()  # nothing half done


def test_help_ends_with_an_example():
    res = run("campaign", "new", "--help")
    assert res.exit_code == 0 and "Ví dụ:" in res.output and "danvan campaign new 2024" in res.output


def test_carry_from_picks_this_years_source_when_the_history_has_two(tmp_path):
    db = tmp_path / "h.sqlite"
    cfg = this_year(tmp_path, f'\n[history]\npath = "{db}"\n')
    s = settings_for(db)
    for spec, name in (("xlsx:dang-ky-2023.xlsx", "Duy trì mô hình thật"),
                       ("xlsx:ban-sao.xlsx", "Duy trì mô hình thử")):
        r, d = report_of(s, {"Đảng bộ Cục Thuế": {"kinh_te": [model(1, name)]}})
        record_run(db, r, d, dt.datetime(2023, 11, 20, 9, 0), spec)
    carry = tmp_path / "duy-tri-2024.xlsx"
    asked = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--carry", str(carry))
    assert asked.exit_code == 2 and "Lịch sử có 2 đợt năm 2023" in asked.output and "--carry-from" in asked.output
    assert not carry.exists() and not cfg.with_name("danvan-2024.toml").exists()  # nothing half done
    picked = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--carry", str(carry),
                 "--carry-from", "xlsx:dang-ky-2023.xlsx")
    assert picked.exit_code == 0, picked.output
    names = [c.value for c in load_workbook(carry)["Đảng bộ Cục Thuế"]["B"]]
    assert "Duy trì mô hình thật" in names and "Duy trì mô hình thử" not in names
    alone = run("campaign", "new", "2025", "--config", str(cfg), "--yes", "--carry-from", "xlsx:a.xlsx")
    assert alone.exit_code == 2 and "--carry-from chỉ dùng cùng --carry" in alone.output


def test_force_never_overwrites_this_years_config_or_registrations(tmp_path):
    cfg = this_year(tmp_path)
    before = cfg.read_bytes()
    res = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--out", str(cfg), "--force")
    assert res.exit_code == 2 and "chính là cấu hình năm nay" in res.output
    assert cfg.read_bytes() == before

    sheet = tmp_path / "dang-ky-2023.xlsx"
    sheet.write_bytes(b"PK registrations")
    res = run("campaign", "new", "2024", "--config", str(cfg), "--yes", "--force", "--carry", str(sheet),
              "--carry-from", f"xlsx:{sheet}")
    assert res.exit_code == 2 and "chính là tệp nguồn" in res.output, res.output
    assert sheet.read_bytes() == b"PK registrations"
    assert not cfg.with_name("danvan-2024.toml").exists()  # nothing half done


def test_from_the_packaged_default_the_new_year_goes_to_the_users_config_folder(tmp_path):
    """Not into site-packages: lost on an upgrade, and read-only on a Windows install."""
    import os
    import subprocess
    import sys

    from danvan_sheets.config import packaged_config_path

    env = {k: v for k, v in os.environ.items() if k not in ("DANVAN_CONFIG",)}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "xdg"), DANVAN_DATA_DIR=str(tmp_path / "data"),
               PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""))
    work = tmp_path / "work"
    work.mkdir()

    def child(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=work, env=env, capture_output=True, text=True,
                              encoding="utf-8", timeout=120)

    where = Path(child("-c", "from danvan_sheets.config import user_config_path; print(user_config_path())")
                 .stdout.strip()).parent
    proc = child("-m", "danvan_sheets", "campaign", "new", "2024", "--yes")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    new = where / "danvan-2024.toml"
    assert f"Đã ghi cấu hình năm 2024: {new}" in proc.stdout
    assert tomllib.loads(new.read_text(encoding="utf-8"))["campaign"]["year"] == 2024
    assert not (packaged_config_path().parent / "danvan-2024.toml").exists()


def test_this_years_number_again_is_told_as_the_year_not_as_an_out_never_given(tmp_path):
    """danvan-2023.toml named after its year: `campaign new 2023` would default to the same file."""
    cfg = this_year(tmp_path)
    named = cfg.rename(cfg.with_name("danvan-2023.toml"))
    before = named.read_bytes()
    res = run("campaign", "new", "2023", "--config", str(named))  # asked before any question
    assert res.exit_code == 2, res.output
    assert "Năm mới (2023) phải sau năm của cấu hình hiện tại (2023)." in res.output
    assert "--out" not in res.output and "Hạn đăng ký năm" not in res.output
    assert named.read_bytes() == before

"""`danvan rollup`: a Khối workbook, a district folder and a district's Google sheet compiled into one
province; a source that fails; the [rollup] config; the summary workbook and the export read back."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from danvan_sheets.cli import cli
from danvan_sheets.core.rollup import SHEET_DUPLICATES, SHEET_PROBLEMS, SHEET_PROVINCE, SHEET_SOURCES
from danvan_sheets.writers.rollup_files import SHEET_COUNTS, SHEET_FORM
from tests.helpers_forms import CAMPAIGN_TOML, MANDATORY_CDS, model, seed_form, write_xlsx

SHARED = "Hũ gạo tình thương"  # registered in all three sources, spelt three ways

KHOI_UNITS = (
    "ma_don_vi,ten_don_vi,loai_don_vi,email\n"
    "DB-THUE,Đảng bộ Cục Thuế,Đảng bộ cơ sở,thue@example.vn\n"
    "CB-TUPHAP,Chi bộ Sở Tư pháp,Chi bộ cơ sở,tuphap@example.vn\n"
)
HUYEN_UNITS = (
    "ma_don_vi,ten_don_vi,loai_don_vi,email\n"
    "CB-XA1,Chi bộ xã Yên Thế,Chi bộ cơ sở,xa1@example.vn\n"
    "CB-XA2,Chi bộ xã Tân Lĩnh,Chi bộ cơ sở,xa2@example.vn\n"
)
GSHEET_UNITS = (
    "ma_don_vi,ten_don_vi,loai_don_vi,email\nDB-TTYT,Đảng bộ Trung tâm Y tế huyện,Đảng bộ cơ sở,ttyt@example.vn\n"
)


def _form(unit_name, *names, field="kinh_te"):
    return seed_form(unit_name, {field: [model(i + 1, n) for i, n in enumerate(names)]})


@pytest.fixture
def province(tmp_path, fake_google):
    """Three sources: a Khối workbook, a district folder (one file per unit), a district Google sheet."""
    khoi = write_xlsx(
        tmp_path / "khoi.xlsx",
        {
            "Đảng bộ Cục Thuế": _form("Đảng bộ Cục Thuế", SHARED, "Cải cách thủ tục hành chính thuế", MANDATORY_CDS),
            "Chi bộ Sở Tư pháp": _form("Chi bộ Sở Tư pháp", "Trợ giúp pháp lý lưu động", MANDATORY_CDS),
        },
    )
    (tmp_path / "khoi.csv").write_text(KHOI_UNITS, encoding="utf-8")
    folder = tmp_path / "luc-yen"
    folder.mkdir()
    write_xlsx(folder / "xa1.xlsx", {"Sheet1": _form("Chi bộ xã Yên Thế", "HŨ GẠO TÌNH THƯƠNG", MANDATORY_CDS)})
    # Chi bộ xã Tân Lĩnh registered a model with an error (no location): read the same way as check does.
    write_xlsx(
        folder / "xa2.xlsx",
        {
            "Sheet1": seed_form(
                "Chi bộ xã Tân Lĩnh", {"van_hoa_xa_hoi": [model(1, "Thắp sáng đường quê", location=" ")]}
            )
        },
    )
    (tmp_path / "luc-yen.csv").write_text(HUYEN_UNITS, encoding="utf-8")
    sid = fake_google.create_spreadsheet(
        "Đăng ký Dân vận khéo huyện Văn Yên 2023", tabs=["Đảng bộ Trung tâm Y tế huyện"]
    )
    fake_google.set_values(
        sid,
        "Đảng bộ Trung tâm Y tế huyện",
        _form("Đảng bộ Trung tâm Y tế huyện", f"Mô hình “{SHARED}”", "Tiếp sức mùa thi"),
    )
    (tmp_path / "van-yen.csv").write_text(GSHEET_UNITS, encoding="utf-8")
    (tmp_path / "danvan.toml").write_text(CAMPAIGN_TOML, encoding="utf-8")
    env = {
        "SHEETS_EMULATOR_HOST": fake_google.host,
        "GOOGLE_APPLICATION_CREDENTIALS": None,
        "DANVAN_CONFIG": None,
        "COLUMNS": "250",
        "HOME": str(tmp_path),
    }
    sources = [
        ("xlsx:" + str(khoi), str(tmp_path / "khoi.csv"), "Đảng bộ Khối CQ&DN tỉnh"),
        ("dir:" + str(folder), str(tmp_path / "luc-yen.csv"), "Huyện Lục Yên"),
        (f"gsheet:{sid}", str(tmp_path / "van-yen.csv"), None),
    ]
    return tmp_path, env, sources


def _invoke(tmp, env, *args):
    with contextlib.chdir(tmp):
        return CliRunner().invoke(
            cli,
            ["rollup", *args, "--config", str(tmp / "danvan.toml"), "--as-of", "2023-05-02"],
            env=env,
            catch_exceptions=False,
        )


def _argv(sources, names=True):
    argv = []
    for spec, units, name in sources:
        argv += ["--source", spec, "--units", units]
        if names:
            argv += ["--name", name or "Huyện Văn Yên"]
    return argv


def _single_check_totals(tmp, env, spec, units):
    with contextlib.chdir(tmp):
        r = CliRunner().invoke(
            cli,
            [
                "check",
                "--source",
                spec,
                "--units",
                units,
                "--format",
                "json",
                "--config",
                str(tmp / "danvan.toml"),
                "--as-of",
                "2023-05-02",
            ],
            env=env,
        )
    return json.loads(r.stdout)["totals"]["all"]


def test_three_kinds_of_source_compile_into_one_province(province):
    tmp, env, sources = province
    result = _invoke(tmp, env, *_argv(sources, names=False), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # Names: given ones, else the file/folder name, the spreadsheet's own title for Google.
    assert [(s["name"], s["level"], s["read"]) for s in doc["sources"]] == [
        ("khoi", "Khối", True),
        ("luc-yen", "Khối", True),
        ("Đăng ký Dân vận khéo huyện Văn Yên 2023", "Huyện", True),
    ]
    by_source = doc["totals"]["by_source"]
    # Each source's totals are exactly what `check` of that source says.
    for (spec, units, _n), block in zip(sources, by_source, strict=True):
        assert block["totals"] == _single_check_totals(tmp, env, spec, units)
    province = doc["totals"]["province"]
    assert province["units"] == 5 == sum(b["totals"]["units"] for b in by_source)
    assert province["models"] == sum(b["totals"]["models"] for b in by_source) == 2 + 1 + 1 + 0 + 2
    assert province["problems"] == sum(b["totals"]["problems"] for b in by_source) >= 1
    # The shared model, spelt three ways in three sources; the mandatory model (4 units) is not listed.
    [group] = doc["duplicates"]["groups"]
    assert [(m["source"], m["unit"], m["name"]) for m in group["members"]] == [
        ("khoi", "Đảng bộ Cục Thuế", SHARED),
        ("luc-yen", "Chi bộ xã Yên Thế", "HŨ GẠO TÌNH THƯƠNG"),
        ("Đăng ký Dân vận khéo huyện Văn Yên 2023", "Đảng bộ Trung tâm Y tế huyện", f"Mô hình “{SHARED}”"),
    ]
    assert group["members"][0]["cell"] == "B8"
    # The error row is read as check reads it: in the unit's problems, with its cell.
    tan_linh = next(u for u in doc["sources"][1]["units"] if u["code"] == "CB-XA2")
    assert [p["code"] for p in tan_linh["problems"]] == ["missing_location"] and tan_linh["status"] != "dat"


def test_summary_workbook_and_export_have_the_level_totals_and_duplicates(province):
    tmp, env, sources = province
    result = _invoke(tmp, env, *_argv(sources), "--out", "out/tinh.xlsx", "--export", "out/toan-tinh.xlsx")
    assert result.exit_code == 0, result.output
    assert "Đã ghi tổng hợp toàn tỉnh vào out/tinh.xlsx" in result.output
    wb = load_workbook(tmp / "out" / "tinh.xlsx")
    assert wb.sheetnames == [SHEET_SOURCES, SHEET_PROVINCE, SHEET_DUPLICATES, SHEET_PROBLEMS]
    rows = [[c.value for c in r] for r in wb[SHEET_SOURCES].iter_rows(min_row=4, max_row=7)]
    assert [r[1:3] for r in rows] == [
        ["Khối", "Đảng bộ Khối CQ&DN tỉnh"],
        ["Huyện", "Huyện Lục Yên"],
        ["Huyện", "Huyện Văn Yên"],
        [None, "Toàn tỉnh"],
    ]
    models = wb[SHEET_SOURCES].cell(row=3, column=1 + 1 + SOURCE_MODELS).value
    assert models == "Tổng mô hình"
    assert [r[SOURCE_MODELS + 1] for r in rows] == [3, 1, 2, 6]
    unit_rows = [[c.value for c in r][:5] for r in wb[SHEET_PROVINCE].iter_rows(min_row=4)]
    assert [r[1:4] for r in unit_rows] == [
        ["Khối", "Đảng bộ Khối CQ&DN tỉnh", "Đảng bộ Cục Thuế"],
        ["Khối", "Đảng bộ Khối CQ&DN tỉnh", "Chi bộ Sở Tư pháp"],
        ["Huyện", "Huyện Lục Yên", "Chi bộ xã Yên Thế"],
        ["Huyện", "Huyện Lục Yên", "Chi bộ xã Tân Lĩnh"],
        ["Huyện", "Huyện Văn Yên", "Đảng bộ Trung tâm Y tế huyện"],
    ]
    dup = [[c.value for c in r] for r in wb[SHEET_DUPLICATES].iter_rows(min_row=4)]
    assert [(r[0], r[3], r[4]) for r in dup] == [
        (1, "Đảng bộ Khối CQ&DN tỉnh", "Đảng bộ Cục Thuế"),
        (1, "Huyện Lục Yên", "Chi bộ xã Yên Thế"),
        (1, "Huyện Văn Yên", "Đảng bộ Trung tâm Y tế huyện"),
    ]
    assert "Chỉ để rà soát" in wb[SHEET_DUPLICATES]["A1"].value
    problems = [[c.value for c in r] for r in wb[SHEET_PROBLEMS].iter_rows(min_row=4)]
    assert [(r[1], r[2], r[7]) for r in problems] == [("Huyện Lục Yên", "Chi bộ xã Tân Lĩnh", "missing_location")]

    ex = load_workbook(tmp / "out" / "toan-tinh.xlsx")
    assert ex.sheetnames == [SHEET_FORM, SHEET_COUNTS]
    form = [[c.value for c in r][:3] for r in ex[SHEET_FORM].iter_rows(min_row=1)]
    assert form[5][1] == "Tổng số" and form[5][2] == 6
    headings = [r[1] for r in form if isinstance(r[1], str) and " — " in r[1]]
    assert "Huyện Lục Yên — Chi bộ xã Yên Thế" in headings and "Đảng bộ Khối CQ&DN tỉnh — Đảng bộ Cục Thuế" in headings
    assert not any(MANDATORY_CDS in str(r[1]) for r in form)
    # The export's own totals: one row per source, then the province, as in the summary workbook.
    counts = [[c.value for c in r][:12] for r in ex[SHEET_COUNTS].iter_rows(min_row=5, max_row=8)]
    assert [(r[0], r[1], r[2], r[11]) for r in counts] == [
        ("Khối", "Đảng bộ Khối CQ&DN tỉnh", 2, 3),
        ("Huyện", "Huyện Lục Yên", 2, 1),
        ("Huyện", "Huyện Văn Yên", 1, 2),
        (None, "Toàn tỉnh", 5, 6),
    ]


SOURCE_MODELS = 1 + 1 + 5 + 4  # Cấp, Khối/huyện, 5 unit counts, 4 fields -> "Tổng mô hình" is the next column


def test_export_csv_and_json(province):
    tmp, env, sources = province
    assert _invoke(tmp, env, *_argv(sources), "--export", "out/m.csv").exit_code == 0
    text = (tmp / "out" / "m.csv").read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Cấp,Khối, huyện".replace("Khối, huyện", '"Khối, huyện"'))
    assert len(lines) == 1 + 6
    assert sum(1 for ln in lines if "Huyện Lục Yên" in ln) == 1
    assert _invoke(tmp, env, *_argv(sources), "--export", "out/m.json").exit_code == 0
    doc = json.loads((tmp / "out" / "m.json").read_text(encoding="utf-8"))
    assert len(doc["models"]) == 6 and {m["khoi_huyen"] for m in doc["models"]} == {
        "Đảng bộ Khối CQ&DN tỉnh",
        "Huyện Lục Yên",
        "Huyện Văn Yên",
    }
    assert doc["totals"]["province"]["models"] == 6
    assert len(doc["duplicates"]["groups"]) == 1 and doc["duplicates"]["threshold"] == 88


def test_a_failing_source_is_named_and_the_others_compile(province, fake_google):
    tmp, env, sources = province
    sources = [*sources[:2], ("xlsx:" + str(tmp / "khong-co.xlsx"), str(tmp / "khoi.csv"), "Huyện Trấn Yên")]
    fake_google.fail(503, times=None)  # not used by these sources; the Google one is dropped
    result = _invoke(tmp, env, *_argv(sources), "--out", "out/tinh.xlsx")
    assert result.exit_code == 3
    assert "Không đọc được nguồn “Huyện Trấn Yên”" in result.stderr and "khong-co.xlsx" in result.stderr
    assert "Đã tổng hợp 2/3 nguồn" in result.stderr
    wb = load_workbook(tmp / "out" / "tinh.xlsx")
    rows = [[c.value for c in r] for r in wb[SHEET_SOURCES].iter_rows(min_row=4, max_row=7)]
    assert rows[2][2] == "Huyện Trấn Yên" and rows[2][-1].startswith("Không đọc được")
    assert rows[3][2] == "Toàn tỉnh" and rows[3][3] == 4 and rows[3][-1] == "Thiếu 1 nguồn không đọc được"


def test_a_google_source_that_fails_is_named_too(province, fake_google):
    tmp, env, sources = province
    fake_google.fail(404, times=None)
    result = _invoke(tmp, env, *_argv(sources), "--format", "json")
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert [s["read"] for s in doc["sources"]] == [True, True, False]
    assert doc["sources"][2]["name"] == "Huyện Văn Yên" and doc["sources"][2]["error"]
    assert doc["totals"]["province"]["units"] == 4
    assert "Không đọc được nguồn “Huyện Văn Yên”" in result.stderr


def test_sources_from_the_config(province):
    tmp, env, sources = province
    blocks = "".join(
        f'\n[[rollup.sources]]\nspec = "{spec}"\nunits = "{units}"\n' + (f'name = "{name}"\n' if name else "")
        for spec, units, name in sources[:2]
    )
    (tmp / "danvan.toml").write_text(CAMPAIGN_TOML + "\n[rollup]\nthreshold = 95\n" + blocks, encoding="utf-8")
    result = _invoke(tmp, env, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [s["name"] for s in doc["sources"]] == ["Đảng bộ Khối CQ&DN tỉnh", "Huyện Lục Yên"]
    assert doc["duplicates"]["threshold"] == 95 and len(doc["duplicates"]["groups"]) == 1


def test_config_mistakes_are_reported_together_before_reading(province, fake_google):
    tmp, env, sources = province
    (tmp / "danvan.toml").write_text(
        CAMPAIGN_TOML + '\n[rollup]\nthreshold = 30\n[[rollup.sources]]\nunits = "x.csv"\n'
        '[[rollup.sources]]\nspec = "dir:a"\ncolour = "red"\n',
        encoding="utf-8",
    )
    result = _invoke(tmp, env)
    assert result.exit_code == 2
    for part in ("rollup.threshold", "rollup.sources[0].spec", "rollup.sources[1].colour"):
        assert part in result.stderr
    # Bad specs and a missing units list: all said, nothing read (the good Google source is not asked).
    (tmp / "danvan.toml").write_text(CAMPAIGN_TOML, encoding="utf-8")
    result = _invoke(
        tmp, env, "--source", "xls:a.xlsx", "--units", "khoi.csv", "--source", sources[2][0], "--units", "khong-co.csv"
    )
    assert result.exit_code == 2
    assert "Nguồn 1" in result.stderr and "Nguồn 2" in result.stderr
    assert fake_google.reads() == 0


def test_usage_mistakes(province):
    tmp, env, sources = province
    result = _invoke(tmp, env, "--source", sources[0][0], "--source", sources[1][0], "--units", sources[0][1])
    assert result.exit_code == 2 and "2 --source nhưng 1 --units" in result.stderr
    result = _invoke(tmp, env)
    assert result.exit_code == 2 and "Chưa có nguồn nào" in result.stderr
    # --out over a source workbook, or inside a source folder: refused before reading.
    result = _invoke(tmp, env, *_argv(sources[:2]), "--out", sources[0][0].removeprefix("xlsx:"))
    assert result.exit_code == 2 and "chính là tệp nguồn" in result.stderr
    result = _invoke(tmp, env, *_argv(sources[:2]), "--export", str(Path(sources[1][0][4:]) / "x.xlsx"))
    assert result.exit_code == 2 and "nằm trong thư mục nguồn" in result.stderr
    result = _invoke(tmp, env, *_argv(sources[:1]), "--export", "x.txt")
    assert result.exit_code == 2


def test_help_ends_with_an_example():
    result = CliRunner().invoke(cli, ["rollup", "-h"])
    assert result.exit_code == 0
    assert result.output.rstrip().splitlines()[-1].strip().startswith("danvan rollup")


def test_each_source_keeps_its_own_history(province):
    from danvan_sheets.config import load_settings
    from danvan_sheets.history import db_path, store

    tmp, env, sources = province
    assert _invoke(tmp, env, *_argv(sources[:2])).exit_code == 0
    with store.opened(db_path(load_settings(tmp / "danvan.toml"))) as conn:
        recorded = {row[0] for row in conn.execute("SELECT source FROM runs")}
    assert recorded == {sources[0][0], sources[1][0]}


def test_the_shipped_config_example_loads_once_uncommented():
    import re

    from danvan_sheets.config import parse_settings
    from danvan_sheets.rollup import from_settings

    shipped = (Path(__file__).resolve().parents[1] / "config" / "danvan.toml").read_text(encoding="utf-8")
    block = shipped[shipped.index("# [rollup]") :]
    text = CAMPAIGN_TOML + re.sub(r"^# ?", "", block, flags=re.M)
    text = re.sub(r"\s+#[^\"\n]*$", "", text, flags=re.M)  # the trailing explanations
    import tomllib

    config = from_settings(parse_settings(tomllib.loads(text)))
    assert config.threshold == 88
    assert [(s.name, s.spec) for s in config.sources] == [
        ("Đảng bộ Khối cơ quan và doanh nghiệp tỉnh", "gsheet:1AbCdEf..."),
        ("Huyện Lục Yên", "dir:du-lieu/luc-yen"),
    ]


def test_a_form_responses_source_in_a_rollup(province, fake_google):
    from danvan_sheets.sources.form import HEADER

    tmp, env, sources = province
    sid = fake_google.create_spreadsheet("Câu trả lời huyện Yên Bình", tabs=["Câu trả lời biểu mẫu 1"])
    fake_google.set_values(sid, "Câu trả lời biểu mẫu 1", [
        list(HEADER),
        [45026.5, "Đảng bộ Trung tâm Y tế huyện", "Kinh tế", f"“{SHARED}”", 1, "Tháng 5/2023", "Trạm y tế", "Tập thể",
         "Tháng 12/2023"],
    ])
    form = (f"gsheet:{sid}#responses", str(tmp / "van-yen.csv"), "Huyện Yên Bình")
    result = _invoke(tmp, env, *_argv([sources[0], form]), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["sources"][1]["spec"] == f"gsheet:{sid}#responses"
    assert doc["sources"][1]["units"][0]["models"] == 1
    [group] = doc["duplicates"]["groups"]
    assert [m["source"] for m in group["members"]] == ["Đảng bộ Khối CQ&DN tỉnh", "Huyện Yên Bình"]
    assert group["members"][1]["cell"] == "D2"


@pytest.mark.parametrize(
    "name,level",
    [
        ("Đảng bộ Khối cơ quan và doanh nghiệp tỉnh", "Khối"),  # "cơ quan" is not "quận"
        ("Đảng bộ Khối các cơ quan thành phố", "Khối"),  # a Khối whatever else its name says
        ("Đảng bộ Quân sự tỉnh", "Khối"),
        ("Đảng bộ Công an tỉnh", "Khối"),
        ("khoi-cqdn", "Khối"),
        ("Huyện Lục Yên", "Huyện"),
        ("huyen-luc-yen", "Huyện"),  # a folder's name
        ("Thị xã Nghĩa Lộ", "Huyện"),
        ("Thành phố Yên Bái", "Huyện"),
        ("TP. Yên Bái", "Huyện"),
        ("Huyện ủy Văn Yên", "Huyện"),
        ("Đảng bộ quận Hoàn Kiếm", "Huyện"),
    ],
)
def test_the_level_read_from_a_sources_name(name, level):
    from danvan_sheets.core.rollup import infer_level

    assert infer_level(name) == level

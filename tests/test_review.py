"""The year-end review: blank result forms laid out from the registration, filled forms read back from
xlsx, dir: and the Google fake, their problems with cells, the scores, the recognised list, the reminders."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from danvan_sheets.cli import cli
from danvan_sheets.config import load_settings, parse_settings
from danvan_sheets.core.results import (
    NOTHING_REGISTERED,
    Criterion,
    ReviewSettings,
    build_review,
    parse_progress,
    read_result_tab,
    registered_models,
    review_reminders,
)
from danvan_sheets.core.text import fold
from danvan_sheets.errors import ConfigError
from danvan_sheets.pipeline import run
from tests import test_remind

smtp_server = test_remind.smtp_server  # the real SMTP server fixture (aiosmtpd on 127.0.0.1)

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config" / "danvan.toml"
REG = ["--source", f"xlsx:{REPO / 'demo' / 'dang-ky-2023.xlsx'}", "--units", str(REPO / "demo" / "don-vi.csv"),
       "--config", str(CONFIG)]
THUE = "Đảng bộ Cục Thuế"
TUPHAP = "Chi bộ Sở Tư pháp"
FIRST = 6  # first model row of the form: title, Đơn vị, note, header, numbering


def invoke(*args: str):
    return CliRunner().invoke(cli, [*args], catch_exceptions=False)


@pytest.fixture(scope="module")
def settings():
    return load_settings(CONFIG)


@pytest.fixture(scope="module")
def registration(settings):
    return run(f"xlsx:{REPO / 'demo' / 'dang-ky-2023.xlsx'}", str(REPO / "demo" / "don-vi.csv"), settings,
               dt.date(2023, 5, 2), history=False).report


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("tpl") / "bao-cao-ket-qua.xlsx"
    result = invoke("review", *REG, "--as-of", "2023-05-02", "--template", str(out))
    assert result.exit_code == 0, result.output
    return out


def verdict(report, name):
    return next(v for v in report.units if v.unit.name == name)


def columns(ws) -> dict[str, int]:
    """Header title -> 1-based column, read off the form itself."""
    return {c.value: c.column for c in ws[4] if c.value}


def fill(ws, row: int, progress=None, words=None, figures=None, scores=None, total=None, name=None):
    cols = columns(ws)
    if name is not None:
        ws.cell(row=row, column=cols["Tên mô hình"], value=name)
    if progress is not None:
        ws.cell(row=row, column=cols["Tiến độ"], value=progress)
    if words is not None:
        ws.cell(row=row, column=cols["Kết quả đạt được (nêu bằng lời)"], value=words)
    if figures is not None:
        ws.cell(row=row, column=cols["Kết quả bằng số liệu"], value=figures)
    score_cols = [c for h, c in cols.items() if "tối đa" in h]
    for c, v in zip(score_cols, scores or (), strict=False):
        ws.cell(row=row, column=c, value=v)
    if total is not None:
        ws.cell(row=row, column=cols["Tổng điểm"], value=total)


# --- the blank form ----------------------------------------------------------------------------

def test_template_has_a_tab_per_unit_prefilled_with_its_registered_models(template, registration, settings):
    wb = load_workbook(template)
    assert len(wb.sheetnames) == len(registration.units)
    for v in registration.units:
        ws = next(wb[t] for t in wb.sheetnames if wb[t]["A2"].value == f"Đơn vị: {v.unit.name}")
        assert ws["A1"].value == "BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2023"
        header = [c.value for c in ws[4]]
        assert header[:7] == ["Stt", "Tên mô hình", "Lĩnh vực", "Thời gian hoàn thành (đã đăng ký)", "Tiến độ",
                              "Kết quả đạt được (nêu bằng lời)", "Kết quả bằng số liệu"]
        assert header[7:-1] == [f"{c.name} (tối đa {c.points:g} điểm)" for c in settings.review.criteria]
        assert header[-1] == "Tổng điểm"
        names = [ws.cell(row=r, column=2).value for r in range(FIRST, ws.max_row + 1)]
        names = names[:names.index(None)] if None in names else names
        assert names == [e.name for e in registered_models(v.entries)]
        assert ws.print_title_rows == "$4:$5" and ws.page_setup.orientation == "landscape"
        assert ws.data_validations.dataValidation[0].formula1 == '"Chưa triển khai,Đang triển khai,Hoàn thành"'


def test_the_blank_forms_read_back_as_not_reported_and_exit_1(template, registration):
    result = invoke("review", *REG, "--as-of", "2023-07-01", "--results", f"xlsx:{template}", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert any(not registered_models(v.entries) for v in registration.units)  # the case below is here
    for u, v in zip(doc["units"], registration.units, strict=False):
        models = registered_models(v.entries)
        # A unit that registered nothing has nothing to report: not "Đã báo cáo đủ".
        assert u["status"] == "chua_bao_cao"
        assert models or u["reasons"] == [NOTHING_REGISTERED]
        assert [m["name"] for m in u["models"]] == [e.name for e in models]
        assert [p["cell"] for p in u["problems"]] == [f"E{FIRST + i}" for i in range(len(models))]
    assert doc["totals"]["all"]["registered"]["all"] == sum(
        len(registered_models(v.entries)) for v in registration.units
    )
    assert doc["totals"]["all"]["reported"]["all"] == 0 and doc["recognised"] == []


# --- a filled workbook -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def filled(template, registration, tmp_path_factory):
    """Đảng bộ Cục Thuế reports everything but its last model, with every kind of mistake; the others all complete."""
    wb = load_workbook(template)
    thue_models = registered_models(verdict(registration, THUE).entries)
    for v in registration.units:
        ws = next(wb[t] for t in wb.sheetnames if wb[t]["A2"].value == f"Đơn vị: {v.unit.name}")
        if v.unit.name == TUPHAP:
            del wb[ws.title]
            continue
        for i, _e in enumerate(registered_models(v.entries)):
            if v.unit.name != THUE:
                fill(ws, FIRST + i, "Hoàn thành", "Đã triển khai toàn cơ quan", "120 người tham gia", [15, 30, 15, 15])
    ws = wb[THUE]
    # 75: recognised
    fill(ws, FIRST, "Hoàn thành", "Giảm thời gian nộp thuế", "1.200 doanh nghiệp", [20, 40, 15, 0])
    # overdue at year end
    fill(ws, FIRST + 1, "đang triển khai", "Đang làm")
    fill(ws, FIRST + 2, "hoan thanh", scores=[25, 30, 15, 10])                                           # 25 > 20
    # The unit retyped a name without diacritics: still the model it registered.
    # 74.5: not recognised
    fill(ws, FIRST + 3, "Đã hoàn thành", scores=[20, 34.5, 10, 10], name=fold(thue_models[3].name))
    fill(ws, FIRST + 4, "Xong", name="Mô hình chưa từng đăng ký")
    # unreadable progress
    fill(ws, FIRST + 5, "Làm được một nửa", name=thue_models[4].name, total=80)
    out = tmp_path_factory.mktemp("filled") / "ket-qua.xlsx"
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def filled_doc(filled):
    result = invoke("review", *REG, "--as-of", "2024-01-15", "--results", f"xlsx:{filled}", "--format", "json")
    assert result.exit_code == 1, result.output
    return json.loads(result.output)


def unit_doc(doc, name):
    return next(u for u in doc["units"] if u["name"] == name)


def test_problems_of_a_filled_form_with_their_cells(filled_doc, registration):
    thue = unit_doc(filled_doc, THUE)
    got = [(p["cell"], p["code"]) for p in thue["problems"]]
    assert got == [
        (f"E{FIRST + 1}", "overdue"),
        (f"H{FIRST + 2}", "score_out_of_range"),
        (f"B{FIRST + 4}", "not_registered"),
        (f"E{FIRST + 5}", "invalid_progress"),
    ]
    msgs = {p["code"]: p["message"] for p in thue["problems"]}
    assert "từ 0 đến 20" in msgs["score_out_of_range"] and "Hoàn thành" in msgs["invalid_progress"]
    assert thue["status"] == "can_bo_sung"
    by_name = {m["name"]: m for m in thue["models"]}
    models = registered_models(verdict(registration, THUE).entries)
    assert by_name[models[3].name]["reported"] and by_name[models[3].name]["progress"] == "hoan_thanh"
    assert by_name[models[1].name]["overdue"] is True
    assert by_name["Mô hình chưa từng đăng ký"]["registered"] is False
    # A unit without a result tab is named, not silently skipped.
    tuphap = unit_doc(filled_doc, TUPHAP)
    assert tuphap["status"] == "chua_bao_cao" and tuphap["reasons"] == ["Chưa có trang báo cáo kết quả của đơn vị."]


def test_scores_and_the_recognised_list(filled_doc, registration, settings):
    thue = unit_doc(filled_doc, THUE)
    models = registered_models(verdict(registration, THUE).entries)
    totals = {m["name"]: m["total"] for m in thue["models"]}
    assert totals[models[0].name] == 75 and totals[models[3].name] == 74.5
    assert totals[models[2].name] is None  # an out-of-range score is not summed
    pass_mark = settings.review.pass_mark
    recognised = [(r["unit"], r["name"]) for r in filled_doc["recognised"]]
    expected = [(v.unit.name, e.name) for v in registration.units if v.unit.name not in (THUE, TUPHAP)
                for e in registered_models(v.entries)]
    assert (THUE, models[0].name) in recognised and (THUE, models[3].name) not in recognised
    assert sorted(recognised) == sorted(expected + [(THUE, models[0].name)])
    assert all(r["total"] >= pass_mark for r in filled_doc["recognised"])
    t = filled_doc["totals"]["all"]
    assert t["recognised"]["all"] == len(recognised)
    assert sum(t["recognised"]["by_field"].values()) == t["recognised"]["all"]
    by_type = filled_doc["totals"]["by_type"]
    assert sum(b["recognised"]["all"] for b in by_type.values()) == t["recognised"]["all"]
    assert t["completed"]["all"] == len(expected) + 3  # Cục Thuế: rows 1, 3 and 4
    assert t["implemented"]["all"] == len(expected) + 4  # and row 2, "đang triển khai"
    assert t["registered"]["all"] == sum(len(registered_models(v.entries)) for v in registration.units)
    for k in ("registered", "reported", "implemented", "completed", "scored", "recognised"):
        assert sum(t[k]["by_field"].values()) == t[k]["all"], k
        assert sum(b[k]["all"] for b in by_type.values()) == t[k]["all"], k


def test_table_output_names_the_cells(filled):
    result = invoke("review", *REG, "--as-of", "2024-01-15", "--results", f"xlsx:{filled}")
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert f"ô H{FIRST + 2}: Điểm 25 ngoài thang điểm" in text
    assert "Mô hình được công nhận (từ 75/100 điểm)" in text


# --- dir: ----------------------------------------------------------------------------------------

def test_a_folder_of_one_file_per_unit(tmp_path, registration):
    folder = tmp_path / "ket-qua"
    result = invoke("review", *REG, "--as-of", "2023-05-02", "--template", f"{folder}/")
    assert result.exit_code == 0, result.output
    files = sorted(folder.glob("*.xlsx"))
    assert len(files) == len(registration.units)
    thue = folder / f"{THUE}.xlsx"
    wb = load_workbook(thue)
    n = len(registered_models(verdict(registration, THUE).entries))
    for i in range(n):
        fill(wb.active, FIRST + i, "Hoàn thành", "Đạt", "10", [20, 40, 20, 20])
    wb.save(thue)
    # Sở Tư pháp gives 45 points on a 20-point criterion, then renames its file: the "Đơn vị:" line still names it.
    assert registered_models(verdict(registration, TUPHAP).entries)
    tuphap = load_workbook(folder / f"{TUPHAP}.xlsx")
    fill(tuphap.active, FIRST, "Hoàn thành", "Đạt", "5 buổi", [45, 40, 20, 20])
    tuphap.save(folder / f"{TUPHAP}.xlsx")
    shutil.move(folder / f"{TUPHAP}.xlsx", folder / "bao cao KQ.xlsx")
    (folder / "anh-chup.jpg").write_bytes(b"\xff\xd8\xff")
    result = invoke("review", *REG, "--as-of", "2023-07-01", "--results", f"dir:{folder}", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    u = unit_doc(doc, THUE)
    assert u["status"] == "du" and all(m["total"] == 100 for m in u["models"]) and len(u["models"]) == n
    assert unit_doc(doc, TUPHAP)["tab"] == "bao cao KQ"
    problems = [(p["cell"], p["code"], p["value"]) for p in unit_doc(doc, TUPHAP)["problems"]]
    assert (f"H{FIRST}", "score_out_of_range", "45") in problems, problems
    assert any("anh-chup.jpg" in note for note in doc["notices"])


def test_results_cannot_be_the_registration_source():
    result = CliRunner().invoke(cli, ["review", *REG, "--results", REG[1]])
    assert result.exit_code == 2 and "chính nguồn đăng ký" in result.output


# --- Google ----------------------------------------------------------------------------------------

def test_result_tabs_on_google(tmp_path, fake_google, template, registration):
    from tests.google_helpers import UNITS, assert_clean_exit, make_setup

    wb = load_workbook(template)
    names = [u[1] for u in UNITS]
    sid = fake_google.create_spreadsheet("Báo cáo kết quả 2023", tabs=names)
    # The registration is the demo workbook; the three units of the Google helpers' registry are demo units too.
    setup = make_setup(tmp_path, fake_google.host)
    setup.config.write_text(CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    for name in names:
        src = next((wb[t] for t in wb.sheetnames if wb[t]["A2"].value == f"Đơn vị: {name}"), None)
        rows = [[c for c in row] for row in src.iter_rows(values_only=True)] if src is not None else []
        if name == THUE:
            # "21" > 20, typed as text
            rows[FIRST - 1][4:11] = ["Hoàn thành", "Tốt", "50 doanh nghiệp", "20", "40", "20", "21"]
        fake_google.set_values(sid, name, [["" if c is None else c for c in row] for row in rows])
    result = setup.run("review", "--results", f"gsheet:{sid}", "--format", "json", "--as-of", "2023-07-01",
                       source=f"xlsx:{REPO / 'demo' / 'dang-ky-2023.xlsx'}")
    assert_clean_exit(result, 1)
    doc = json.loads(result.stdout)
    thue = unit_doc(doc, THUE)
    assert [(p["cell"], p["code"], p["value"]) for p in thue["problems"] if p["code"] != "not_reported"] == [
        (f"K{FIRST}", "score_out_of_range", "21")]
    assert thue["models"][0]["progress"] == "hoan_thanh"


# --- pure parts ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,key", [
    ("Hoàn thành", "hoan_thanh"), ("đã hoàn thành", "hoan_thanh"), ("HOÀN THÀNH.", "hoan_thanh"),
    ("Đang triển khai", "dang_trien_khai"), ("đang thực hiện", "dang_trien_khai"),
    ("Chưa triển khai", "chua_trien_khai"), ("chưa thực hiện", "chua_trien_khai"), ("Tốt", None), ("", None),
])
def test_progress_words(text, key):
    assert parse_progress(text) == key


def test_only_the_total_is_scored_when_no_criterion_column(registration):
    review = ReviewSettings(criteria=(), pass_mark=75, max_points=100)
    v = verdict(registration, THUE)
    names = [e.name for e in registered_models(v.entries)]
    rows = [["Đơn vị: " + THUE], ["Stt", "Tên mô hình", "Tiến độ", "Tổng điểm"],
            [1, names[0], "Hoàn thành", 80], [2, names[1], "Hoàn thành", "101"], [3, names[2], "Hoàn thành", "75,5"]]
    reading = read_result_tab(THUE, rows, review)
    assert [r.total for r in reading.rows] == [80, None, 75.5]
    assert [(p.cell, p.code) for p in reading.problems] == [("D4", "score_out_of_range")]
    year = build_review(registration, [(type("T", (), {"title": THUE})(), reading)], review, dt.date(2023, 7, 1))
    assert [m.name for m in year.recognised()] == [names[0], names[2]]
    # The models it left out are named, with the cell where their line belongs (under the last one).
    thue = next(u for u in year.units if u.unit.name == THUE)
    assert [(p.code, p.cell, p.value) for p in thue.problems if p.code == "not_reported"] == [
        ("not_reported", "B6", n) for n in names[3:]]
    assert thue.status == "can_bo_sung"


def test_review_config_problems_are_reported_together():
    base = {"campaign": {"year": 2023, "deadline": dt.date(2023, 4, 25)}}
    bad = {**base, "review": {"pass_mark": 120, "criteria": [
        {"key": "a", "name": "A", "points": 50}, {"key": "a", "name": "B", "points": 50},
        {"key": "c", "name": "C", "points": -1, "extra": 1}],
        "mid_year_deadline": dt.date(2023, 12, 1), "year_end_deadline": dt.date(2023, 11, 30)}}
    with pytest.raises(ConfigError) as exc:
        parse_settings(bad)
    text = str(exc.value)
    for k in ("review.pass_mark", "review.criteria[1].key", "review.criteria[2].points", "review.criteria[2].extra",
              "review.mid_year_deadline"):
        assert k in text
    ok = parse_settings({**base, "review": {"criteria": [{"key": "a", "name": "A", "points": 60},
                                                         {"key": "b", "name": "B", "points": 40}]}})
    assert ok.review.criteria == (Criterion("a", "A", 60), Criterion("b", "B", 40)) and ok.review.total_points == 100


def test_shipped_example_is_the_100_point_scale_with_pass_75(settings):
    assert settings.review.total_points == 100 and settings.review.pass_mark == 75
    assert "VÍ DỤ" in CONFIG.read_text(encoding="utf-8")


def test_reminders_before_and_after_the_review_deadlines(template, filled, registration, settings):
    from danvan_sheets.sources import parse_spec
    from danvan_sheets.yearend import review_from_data

    reg = run(REG[1], REG[3], settings, dt.date(2023, 5, 2), history=False)
    review = settings.review
    blank = review_from_data(reg, parse_spec(f"xlsx:{template}").read(settings), settings, dt.date(2023, 6, 1))
    with_models = {v.unit.code for v in registration.units if registered_models(v.entries)}
    mid = review.mid_year_deadline
    window = dt.timedelta(days=review.remind_days_before)
    assert review_reminders(blank, mid - window - dt.timedelta(days=1)) == []
    due = review_reminders(blank, mid - window)
    assert {d.unit.code for d in due} == with_models and all(d.stage == "mid_year" and not d.late for d in due)
    assert "Sắp đến hạn 20/06/2023 báo cáo sơ kết 6 tháng" in due[0].message()
    late = review_reminders(blank, mid + dt.timedelta(days=1))
    assert all(d.late and d.stage == "mid_year" for d in late)
    # Filled forms: only Cục Thuế (its last model unreported, one unreadable progress) and Tư pháp (no tab) still owe
    # it.
    done = review_from_data(reg, parse_spec(f"xlsx:{filled}").read(settings), settings, dt.date(2023, 12, 1))
    end = review_reminders(done, review.year_end_deadline + dt.timedelta(days=1))
    assert {d.unit.name for d in end} == {THUE, TUPHAP} and all(d.late and d.stage == "year_end" for d in end)


# --- the year-end report (export --results) ----------------------------------------------------------

def _chart_title(chart) -> str:
    return "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))


def test_yearend_export_reads_back(filled, filled_doc, tmp_path):
    from danvan_sheets.core.model import FIELD_LABELS, FIELDS
    from danvan_sheets.core.results import COUNT_KEYS
    from danvan_sheets.writers.yearend_xlsx import (
        COUNTS_TYPE_HEADER,
        FIELD_TABLE_HEADER,
        SHEET_COUNTS,
        SHEET_RECOGNISED,
        SHEET_UNITS,
    )

    out = tmp_path / "cuoi-nam.xlsx"
    result = invoke("export", *REG, "--as-of", "2024-01-15", "--results", f"xlsx:{filled}", "--out", str(out))
    assert result.exit_code == 0, result.output
    t = filled_doc["totals"]
    assert (
        f"{t['all']['registered']['all']} mô hình đăng ký, {t['all']['recognised']['all']} được công nhận"
        in result.output
    )
    wb = load_workbook(out)
    assert wb.sheetnames == [SHEET_COUNTS, SHEET_RECOGNISED, SHEET_UNITS]

    ws = wb[SHEET_COUNTS]
    assert ws["A1"].value == "TỔNG HỢP KẾT QUẢ THỰC HIỆN MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2023"
    rows = [[c.value for c in row][:1 + len(COUNT_KEYS)] for row in ws.iter_rows(min_row=COUNTS_TYPE_HEADER + 1,
                                                                              max_row=COUNTS_TYPE_HEADER + 4)]
    blocks = [*(t["by_type"][k] for k in ("dang_bo_co_so", "chi_bo_co_so", "doan_the")), t["all"]]
    assert [r[1:] for r in rows] == [[b[k]["all"] for k in COUNT_KEYS] for b in blocks]
    assert rows[-1][0] == "Toàn Khối"
    field_rows = [[c.value for c in row][:1 + len(COUNT_KEYS)]
                  for row in ws.iter_rows(min_row=FIELD_TABLE_HEADER + 1, max_row=FIELD_TABLE_HEADER + len(FIELDS))]
    assert [r[1:] for r in field_rows] == [[t["all"][k]["by_field"][f] for k in COUNT_KEYS] for f in FIELDS]
    # A chart per field, each over its own row of the field table.
    charts = ws._charts
    assert len(charts) == len(FIELDS)
    for chart, f, row in zip(charts, FIELDS, range(FIELD_TABLE_HEADER + 1, FIELD_TABLE_HEADER + 5), strict=True):
        assert _chart_title(chart) == FIELD_LABELS[f].removeprefix("Lĩnh vực ").capitalize()
        (s,) = chart.series
        assert s.val.numRef.f == f"'{SHEET_COUNTS}'!$B${row}:$G${row}"
    assert ws.page_setup.orientation == "landscape" and ws.oddFooter.center.text == "Trang &P/&N"

    rec = wb[SHEET_RECOGNISED]
    listed = [(r[2], r[1], r[7]) for r in rec.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    assert listed == [(r["unit"], r["name"], r["total"]) for r in filled_doc["recognised"]]
    assert [x[2] for x in listed] == sorted((x[2] for x in listed), reverse=True)
    assert rec.print_title_rows == "$4:$4"

    units = wb[SHEET_UNITS]
    statuses = [r[9] for r in units.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    assert len(statuses) == len(filled_doc["units"])


def test_yearend_export_refuses_csv_and_writing_over_the_results(filled, tmp_path):
    res = CliRunner().invoke(cli, ["export", *REG, "--results", f"xlsx:{filled}", "--out", str(tmp_path / "x.csv")])
    assert res.exit_code == 2 and ".xlsx" in res.output
    res = CliRunner().invoke(cli, ["export", *REG, "--results", f"xlsx:{filled}", "--out", str(filled)])
    assert res.exit_code == 2 and "báo cáo kết quả" in res.output
    res = invoke(
        "export", *REG, "--as-of", "2024-01-15", "--results", f"xlsx:{filled}", "--out", str(tmp_path / "y.json")
    )
    assert res.exit_code == 0
    doc = json.loads((tmp_path / "y.json").read_text(encoding="utf-8"))
    assert doc["scoring"]["pass_mark"] == 75 and doc["recognised"]


# --- reminder e-mails ----------------------------------------------------------------------------------

def test_reminder_emails_tell_the_clerk_what_to_report_and_where(filled, tmp_path):
    import dataclasses

    from danvan_sheets.yearend import review_reminders_due

    s = load_settings(CONFIG)
    end = s.review.year_end_deadline
    # Far from both deadlines nothing is read at all: a results source that does not exist is never opened.
    assert review_reminders_due(REG[1], REG[3], f"xlsx:{tmp_path / 'khong-co.xlsx'}", s, dt.date(2023, 3, 1)) == (
        [],
        [],
        None,
    )
    s = dataclasses.replace(s, review=dataclasses.replace(s.review, results=f"xlsx:{filled}"))
    due, mails, result = review_reminders_due(REG[1], REG[3], None, s, end - dt.timedelta(days=2))
    assert {d.unit.name for d in due} == {THUE, TUPHAP} and not any(d.late for d in due)
    thue = next(m for m in mails if m.name == THUE)
    assert thue.to == next(d.unit.email for d in due if d.unit.name == THUE)
    assert thue.subject == f"Nhắc báo cáo tổng kết năm mô hình “Dân vận khéo” năm 2023 — {THUE}"
    models = registered_models(verdict(result.registration.report, THUE).entries)
    assert f"Hạn báo cáo: {end:%d/%m/%Y} (còn 2 ngày)." in thue.body
    # At year end a model needs its results too: rows 3 and 4 have a progress only, the last one an unreadable one.
    owed = next(d for d in due if d.unit.name == THUE).missing
    assert owed == (models[2].name, models[3].name, models[4].name)
    for name, row in zip(owed, (FIRST + 2, FIRST + 3, FIRST + 5), strict=True):
        assert f"  - {name} (ô E{row})" in thue.body
    assert f"Ô E{FIRST + 5}:" in thue.body  # its unreadable progress, to fix
    assert f"Biểu báo cáo của đơn vị: “{THUE}”." in thue.body
    tuphap = next(m for m in mails if m.name == TUPHAP)
    assert "Đơn vị chưa gửi biểu báo cáo" in tuphap.body
    assert all("danvan" not in m.body for m in mails)  # clerks get no staff command


def test_results_source_in_the_config_is_read_from_the_config_folder(tmp_path):
    p = tmp_path / "cfg" / "danvan.toml"
    p.parent.mkdir()
    p.write_text(
        '[campaign]\nyear = 2023\ndeadline = 2023-04-25\n[review]\nresults = "dir:ket-qua"\n', encoding="utf-8"
    )
    assert load_settings(p).review.results == f"dir:{tmp_path / 'cfg' / 'ket-qua'}"


def test_remind_review_sends_each_unit_owing_its_form_once(filled, tmp_path, smtp_server):
    ctl, handler = smtp_server()
    cfg = tmp_path / "c.toml"
    cfg.write_text(CONFIG.read_text(encoding="utf-8").replace("[review]\n", f'[review]\nresults = "xlsx:{filled}"\n', 1)
                   + f'\n[history]\npath = "{tmp_path / "h.sqlite"}"\n[smtp]\nhost = "127.0.0.1"\nport = {ctl.port}\n'
                   'security = "none"\nfrom_addr = "Ban Tuyên giáo <btg@example.vn>"\ntimeout = 10\n', encoding="utf-8")
    args = ["remind", "--review", *REG[:4], "--config", str(cfg)]
    far = invoke(*args, "--as-of", "2023-03-01")
    assert far.exit_code == 0 and "Không có đơn vị nào cần nhắc báo cáo kết quả" in far.output and not handler.messages
    preview = invoke(*args, "--as-of", "2023-11-28", "--dry-run")
    assert preview.exit_code == 0 and "2 thư sẽ được gửi" in preview.output and not handler.messages
    zalo = invoke(*args, "--as-of", "2023-11-28", "--zalo")  # the same text for Zalo, nothing sent or recorded
    assert zalo.exit_code == 0 and not handler.messages and "danvan " not in zalo.output
    assert f"=== 1/2. {THUE} ===" in zalo.output and f"=== 2/2. {TUPHAP} ===" in zalo.output
    sent = invoke(*args, "--as-of", "2023-11-28")
    assert sent.exit_code == 0, sent.output
    got = {tuple(to): str(m["Subject"]) for to, m in handler.messages}
    emails = {line.split(",")[1]: line.split(",")[3] for line in
              (REPO / "demo" / "don-vi.csv").read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert set(got) == {(emails[THUE],), (emails[TUPHAP],)}
    for unit in (THUE, TUPHAP):  # long subjects, folded: every space survives (writers/email.py encoded_header)
        assert got[(emails[unit],)] == f"Nhắc báo cáo tổng kết năm mô hình “Dân vận khéo” năm 2023 — {unit}"
    again = invoke(*args, "--as-of", "2023-11-28")
    assert again.exit_code == 0 and "bỏ qua 2 đơn vị đã nhắc gần đây" in again.output and len(handler.messages) == 2


def test_remind_review_sends_the_staff_copy_and_writes_zalo_text(filled, tmp_path, smtp_server):
    ctl, handler = smtp_server()
    cfg = tmp_path / "c.toml"
    cfg.write_text(CONFIG.read_text(encoding="utf-8").replace("[review]\n", f'[review]\nresults = "xlsx:{filled}"\n', 1)
                   + f'\n[history]\npath = "{tmp_path / "h.sqlite"}"\n[smtp]\nhost = "127.0.0.1"\nport = {ctl.port}\n'
                   'security = "none"\nfrom_addr = "Ban Tuyên giáo <btg@example.vn>"\ntimeout = 10\n'
                   '[remind]\nstaff_emails = ["luu.btg@example.vn"]\n', encoding="utf-8")
    args = ["remind", "--review", *REG[:4], "--config", str(cfg), "--as-of", "2023-11-28"]
    out = tmp_path / "zalo.txt"
    zalo = invoke(*args, "--zalo-out", str(out))
    assert zalo.exit_code == 0 and not handler.messages and "Đã ghi 2 tin nhắn Zalo" in zalo.output
    text = out.read_text(encoding="utf-8")
    assert f"=== 1/2. {THUE} ===" in text and "Hạn báo cáo: 30/11/2023" in text and "danvan " not in text
    sent = invoke(*args)
    assert sent.exit_code == 0, sent.output
    (copy,) = [m for to, m in handler.messages if to == ["luu.btg@example.vn"]]
    kind = "thư nhắc báo cáo kết quả thực hiện mô hình"
    assert str(copy["Subject"]) == f"Bản lưu {kind} “Dân vận khéo” năm 2023 — 2 đơn vị"
    body = copy.get_content()
    assert f". {THUE} <" in body and f". {TUPHAP} <" in body and ": đã gửi ===" in body
    assert "- Bản lưu gửi Ban Tuyên giáo <luu.btg@example.vn>: đã gửi" in sent.output

"""Issue 15: a history shared by two campaign years and two sources keeps each campaign apart.

Everything goes through `pipeline.attach_history`, the path `check` and `aggregate` take, and
the summary table built from its verdicts, so "Mô hình bị xóa" is checked where users see it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from danvan_sheets.campaign import campaign_key, source_key
from danvan_sheets.cli import cli
from danvan_sheets.config import parse_settings
from danvan_sheets.core.tables import summary_table
from danvan_sheets.grid import Tab
from danvan_sheets.history import store
from danvan_sheets.history.timeline import snapshot_at, timeline
from danvan_sheets.pipeline import attach_history, report_from_data
from danvan_sheets.sources import SourceData, parse_spec
from tests import test_remind
from tests.helpers_forms import MANDATORY_CDS, MANDATORY_HP, model, seed_form
from tests.test_history_store import UNITS

smtp_server = test_remind.smtp_server  # the real SMTP server fixture (aiosmtpd on 127.0.0.1)
THUE, BIA = "Đảng bộ Cục Thuế", "Chi bộ Công ty Bia"


def full(year: int) -> dict:
    def m(stt, name):
        return model(stt, name, build=f"Tháng 5/{year}", done=f"Tháng 12/{year}")

    return {"kinh_te": [m(1, "Vận động doanh nghiệp dùng hóa đơn điện tử"), m(2, MANDATORY_CDS)],
            "van_hoa_xa_hoi": [m(1, "Cơ quan văn hóa, xanh – sạch – đẹp"), m(2, MANDATORY_HP)]}


def settings_of(db: Path, year: int):
    return parse_settings({
        "campaign": {"year": year, "deadline": dt.date(year, 4, 25)},
        "quota": {"dang_bo_co_so": 2, "chi_bo_co_so": 1, "doan_the": 2},
        "mandatory": [
            {"key": "chuyen_doi_so", "name": "Lãnh đạo thực hiện chuyển đổi số", "keywords": ["chuyển đổi số"]},
            {"key": "co_quan_hanh_phuc", "name": "Cơ quan, đơn vị, doanh nghiệp hạnh phúc", "keywords": ["hạnh phúc"],
             "any_keywords": ["cơ quan", "đơn vị", "doanh nghiệp"]},
        ],
        "history": {"path": str(db)},
    })


def run_of(settings, spec: str, tabs: dict[str, dict], when: dt.datetime, as_of: dt.date | None = None):
    """One check of `spec` as the pipeline does it: read (here: built), report, history."""
    data = SourceData([Tab(name, seed_form(name, rows)) for name, rows in tabs.items()])
    report = report_from_data(data, UNITS, settings, as_of or when.date())
    attach_history(settings, report, data, parse_spec(spec), when)
    return report


def by_code(report) -> dict:
    return {v.unit.code: v for v in report.units}


def deleted_column(report) -> dict[str, object]:
    t = summary_table(report, dt.datetime(2024, 1, 1))
    col = t.header.index("Mô hình bị xóa")
    return {row[1]: row[col] for row in t.rows}


def test_a_new_year_on_a_new_sheet_deletes_nothing_and_is_not_on_time_from_last_year(tmp_path):
    db = tmp_path / "h.sqlite"
    s23, s24 = settings_of(db, 2023), settings_of(db, 2024)
    old = run_of(
        s23, "gsheet:1AbCdEfGhIjKlMnOp2023", {THUE: full(2023), BIA: full(2023)}, dt.datetime(2023, 4, 20, 9, 0)
    )
    assert {c: v.history["on_time"] for c, v in by_code(old).items()} == {"DB-THUE": "dung_han", "CB-BIA": "dung_han"}

    # The 2024 sheet: Cục Thuế has an empty tab, Bia no tab yet. Same registry, same database.
    new = run_of(s24, "gsheet:1ZzYyXxWwVvUuTt2024", {THUE: {}}, dt.datetime(2024, 3, 1, 9, 0))
    for v in new.units:
        assert v.history["disappeared"] == [] and v.history["on_time"] is None, v.unit.code
        assert not any("bị xóa" in r or "không thấy trang" in r for r in v.reasons + v.history["notes"]), v.reasons
    assert set(deleted_column(new).values()) == {0}
    assert all(v.history["on_time_label"] == "" for v in new.units)  # not "Đúng hạn" from 2023's runs

    # After the 2024 deadline, a unit that has not registered this year is late, whatever it did in 2023.
    late = run_of(s24, "gsheet:1ZzYyXxWwVvUuTt2024", {THUE: full(2024)}, dt.datetime(2024, 4, 27, 9, 0))
    assert by_code(late)["CB-BIA"].history["on_time_label"] == "Trễ hạn"
    assert by_code(late)["DB-THUE"].history["on_time_label"] == "Trễ hạn"  # met on the 27th, deadline the 25th
    assert set(deleted_column(late).values()) == {0}

    # 2023's own history is untouched: a later 2023 check still compares with 2023's runs.
    again = run_of(s23, "gsheet:1AbCdEfGhIjKlMnOp2023", {THUE: {"kinh_te": full(2023)["kinh_te"]}, BIA: full(2023)},
                   dt.datetime(2024, 5, 2, 9, 0), as_of=dt.date(2023, 5, 2))
    assert by_code(again)["DB-THUE"].history["disappeared"] == ["Cơ quan văn hóa, xanh – sạch – đẹp", MANDATORY_HP]
    assert by_code(again)["DB-THUE"].history["on_time_label"] == "Đúng hạn"
    assert deleted_column(again)[THUE] == 2


def test_two_sources_of_one_year_are_two_campaigns(tmp_path):
    """A test copy checked beside the real sheet: neither makes the other look deleted."""
    db = tmp_path / "h.sqlite"
    s = settings_of(db, 2023)
    real = tmp_path / "dang-ky.xlsx"
    copy = tmp_path / "ban-sao"
    copy.mkdir()
    run_of(s, f"xlsx:{real}", {THUE: full(2023)}, dt.datetime(2023, 4, 20, 9, 0))
    test = run_of(s, f"dir:{copy}", {THUE: {"kinh_te": [model(1, "Mô hình thử")]}}, dt.datetime(2023, 4, 21, 9, 0))
    assert by_code(test)["DB-THUE"].history["disappeared"] == []
    assert set(deleted_column(test).values()) == {0}
    back = run_of(s, f"xlsx:{real}", {THUE: full(2023)}, dt.datetime(2023, 4, 22, 9, 0))
    assert by_code(back)["DB-THUE"].history["disappeared"] == []  # not "Mô hình thử" gone, not 2023's rows back

    # The same source however it is written: relative with ./, with a trailing slash.
    assert source_key(f"dir:{copy}/") == source_key(f"dir:{copy}") == f"dir:{copy.resolve()}"
    assert source_key("gsheet:https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOp2023/edit#gid=0") == \
        source_key("gsheet:1AbCdEfGhIjKlMnOp2023") == "gsheet:1AbCdEfGhIjKlMnOp2023"
    later = run_of(
        s, f"xlsx:{tmp_path}/./dang-ky.xlsx", {THUE: {"kinh_te": full(2023)["kinh_te"]}}, dt.datetime(2023, 4, 23, 9, 0)
    )
    assert len(by_code(later)["DB-THUE"].history["disappeared"]) == 2  # a real deletion in the real sheet

    # restore and history pick the campaign: by source, or they ask which one.
    at = dt.datetime(2023, 4, 21, 23, 0)
    assert [r.name for r in snapshot_at(db, "DB-THUE", at, 2023, source_key(f"dir:{copy}")).rows] == ["Mô hình thử"]
    assert len(snapshot_at(db, "DB-THUE", at, 2023, source_key(f"xlsx:{real}")).rows) == 4
    assert [e.run_at.day for e in timeline(db, "DB-THUE", 2023, source_key(f"xlsx:{real}")).events] == [20, 23]


def test_history_and_restore_commands_choose_the_campaign(tmp_path):
    db = tmp_path / "h.sqlite"
    run_of(settings_of(db, 2023), "xlsx:a-2023.xlsx", {THUE: full(2023)}, dt.datetime(2023, 4, 20, 9, 0))
    run_of(settings_of(db, 2024), "xlsx:a-2024.xlsx", {THUE: {"kinh_te": [model(1, "Mô hình 2024")]}},
           dt.datetime(2024, 4, 20, 9, 0))
    run_of(settings_of(db, 2024), "xlsx:b-2024.xlsx", {BIA: full(2024)}, dt.datetime(2024, 4, 21, 9, 0))
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[campaign]\nyear = 2023\ndeadline = 2023-04-25\n[history]\npath = "{db}"\n', encoding="utf-8")

    one = CliRunner().invoke(cli, ["history", "DB-THUE", "--config", str(cfg)])
    assert one.exit_code == 0, one.output
    assert "đợt năm 2023" in one.output and "2/2 mô hình, 4 dòng" in one.output and "2024" not in one.output, one.output

    both = CliRunner().invoke(cli, ["history", "--year", "2024", "--config", str(cfg)])
    assert both.exit_code == 2 and "Lịch sử có 2 đợt năm 2024" in both.output and "--source" in both.output
    assert "Traceback" not in both.output

    picked = CliRunner().invoke(
        cli, ["history", "DB-THUE", "--year", "2024", "--source", "xlsx:a-2024.xlsx", "--config", str(cfg)]
    )
    assert picked.exit_code == 0 and "Mô hình 2024" in picked.output

    none = CliRunner().invoke(cli, ["history", "--year", "2022", "--config", str(cfg)])
    assert none.exit_code == 2 and "chưa có lần chạy nào của đợt năm 2022" in none.output and "năm 2024" in none.output

    out = tmp_path / "k.xlsx"
    res = CliRunner().invoke(cli, ["restore", "DB-THUE", "--at", "2024-12-31", "--out", str(out), "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "Đã ghi 4 dòng" in res.output  # 2023's campaign (the config's year), not 2024's one row


def _v1_database(path: Path) -> None:
    """A history as version 1 wrote it: runs with no campaign, unit_seen keyed by unit alone."""
    with sqlite3.connect(path) as c:
        c.executescript(store._SCHEMA_V1)
        c.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        c.execute("INSERT INTO runs (id, run_at, source, units, changed) VALUES (1, '2023-04-20T09:00:00', "
                  "'gsheet:1AbCdEfGhIjKlMnOp2023', 2, 2)")
        c.execute("INSERT INTO contents VALUES ('h0', 0)")
        for unit, name in (("DB-THUE", THUE), ("CB-BIA", BIA)):
            c.execute("INSERT INTO unit_snapshots (unit, run_id, hash, name, tab, status, models, required) "
                      "VALUES (?, 1, 'h0', ?, ?, 'dat', 2, 2)", (unit, name, name))
            c.execute("INSERT INTO unit_seen VALUES (?, 1)", (unit,))


def test_a_version_1_database_is_migrated_in_place_and_its_version_read(tmp_path):
    db = tmp_path / "h.sqlite"
    _v1_database(db)
    with store.opened(db) as conn:
        assert store.schema_version(conn) == store.SCHEMA_VERSION
        assert [n for (n,) in conn.execute("SELECT name FROM migrations ORDER BY name")][0] == "0002_campaigns"
        assert store.campaigns(conn) == [(campaign_key(2023, "gsheet:1AbCdEfGhIjKlMnOp2023"), 1)]
        cid = store.find_campaign(conn, campaign_key(2023, "gsheet:https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOp2023/edit"))
        assert store.last_seen(conn, "DB-THUE", cid) == dt.datetime(2023, 4, 20, 9, 0)
    # The migrated 2023 runs are 2023's: a 2024 check of another sheet is not on time from them.
    new = run_of(settings_of(db, 2024), "gsheet:1ZzYyXxWwVvUuTt2024", {}, dt.datetime(2024, 4, 27, 9, 0))
    assert {v.history["on_time_label"] for v in new.units} == {"Trễ hạn"}
    assert all(v.history["notes"] == ["Đã quá hạn 25/04/2024 mà chưa đạt chỉ tiêu."] for v in new.units)
    # Opening again migrates nothing twice.
    with store.opened(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM migrations").fetchone()[0] == store.SCHEMA_VERSION - 1


def test_a_database_from_a_newer_version_is_refused_not_damaged(tmp_path):
    db = tmp_path / "h.sqlite"
    with store.opened(db):
        pass
    with sqlite3.connect(db) as c:
        c.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    s = settings_of(db, 2023)
    report = run_of(s, "xlsx:a.xlsx", {THUE: full(2023)}, dt.datetime(2023, 4, 20, 9, 0))
    (notice,) = [n for n in report.notices if "lịch sử" in n]
    assert "phiên bản mới hơn" in notice and "cập nhật danvan-sheets" in notice
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0


def test_remind_on_next_years_sheet_tells_no_unit_it_deleted_last_years_models(tmp_path, smtp_server):
    """The bug the issue names: remind e-mailed units that they had deleted models they never entered."""
    from tests.helpers_forms import write_xlsx
    from tests.test_remind import _setup

    ctl, handler = smtp_server()
    s = _setup(tmp_path, ctl.port, "[remind]\ninterval_hours = 0\n")  # 2023: Kho bạc has its four models
    assert CliRunner().invoke(cli, ["check", *s["args"]]).exit_code == 1
    made = CliRunner().invoke(cli, ["campaign", "new", "2024", "--yes", "--config", str(tmp_path / "c.toml"),
                                       "--out", str(tmp_path / "danvan-2024.toml")])
    assert made.exit_code == 0, made.output
    names = ["Đảng bộ Cục Thuế", "Chi bộ Công ty Bia", "Đoàn Thanh niên Khối", "Đảng bộ Kho bạc"]
    write_xlsx(tmp_path / "dk-2024.xlsx", {n: seed_form(n, {}) for n in names})  # laid out, nothing typed yet
    args_2024 = ["--source", f"xlsx:{tmp_path / 'dk-2024.xlsx'}", "--units", str(tmp_path / "dv.csv"),
                 "--config", str(tmp_path / "danvan-2024.toml"), "--as-of", "2024-04-20"]
    res = CliRunner().invoke(cli, ["remind", *args_2024])
    assert res.exit_code == 0, res.output
    assert len(handler.messages) == 4
    for _tos, msg in handler.messages:
        body = msg.get_content()
        assert "năm 2024" in str(msg["Subject"]) and "Hạn đăng ký: 25/04/2024" in body
        assert "xóa" not in body and "không thấy trang" not in body.lower(), body

    # In 2023's own campaign a real deletion is still told, from 2023's runs only.
    handler.messages.clear()
    seeded = {"kinh_te": [model(1, "Mô hình A"), model(2, MANDATORY_CDS)],
              "van_hoa_xa_hoi": [model(1, "Tuyên truyền bộ tiêu chí cơ quan hạnh phúc")]}  # "Mô hình B" deleted
    write_xlsx(tmp_path / "dk.xlsx", {"Đảng bộ Kho bạc": seed_form("Đảng bộ Kho bạc", seeded)})
    res = CliRunner().invoke(cli, ["remind", *s["args"]])
    assert res.exit_code == 0, res.output
    khobac = next(m for tos, m in handler.messages if tos == ["khobac@example.vn"]).get_content()
    assert "1 mô hình đã bị xóa khỏi trang tính" in khobac and "“Mô hình B”" in khobac

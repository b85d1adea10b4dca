"""Reads cost a constant number of requests, whatever the number of unit tabs, and the read
survives titles long enough that a GET values:batchGet would pass Google's URL limit (414).
"""

from __future__ import annotations

import json

import gspread
import pytest

from tests.fakes.fixtures import make_gspread_client
from tests.google_helpers import assert_clean_exit, make_setup
from tests.helpers_forms import model, seed_form


def _units(n: int, name: str) -> list[tuple]:
    return [(f"CB-{i:03d}", name.format(i=i), "Chi bộ cơ sở", f"chibo{i:03d}@example.vn", "") for i in range(1, n + 1)]


def _form(unit_name: str) -> list[list]:
    return seed_form(unit_name, {"kinh_te": [
        model(1, "Dân vận khéo trong cải cách hành chính"),
        model(2, "Lãnh đạo thực hiện chuyển đổi số trong chi bộ"),
    ]})


def test_150_unit_tabs_cost_two_reads_and_one_write(tmp_path, fake_google):
    units = _units(150, "Chi bộ Đơn vị số {i:03d}")
    setup = make_setup(tmp_path, fake_google.host, units=units)
    sid = fake_google.create_spreadsheet("Đăng ký 2023")
    source = f"gsheet:{sid}"
    assert_clean_exit(setup.run("init", source=source), 0)
    assert len(fake_google.tabs(sid)) == 150 + 5  # + Sheet1, Hướng dẫn and the three summary tabs
    for _code, name, *_ in units:
        fake_google.set_values(sid, name, _form(name))

    fake_google.reset_log()
    result = setup.run("check", "--format", "json", "--as-of", "2023-05-02", source=source)
    assert_clean_exit(result, 0)  # every unit meets its quota
    assert {u["status"] for u in json.loads(result.stdout)["units"]} == {"dat"}
    assert (fake_google.reads(), fake_google.writes()) == (2, 0)
    assert [r.method for r in fake_google.requests] == ["GET", "POST"]
    read = fake_google.requests[1]
    assert read.path.endswith("values:batchGetByDataFilter")
    assert read.body["valueRenderOption"] == "UNFORMATTED_VALUE"
    assert read.body["dateTimeRenderOption"] == "SERIAL_NUMBER"
    assert len(read.body["dataFilters"]) == len(fake_google.tabs(sid))  # every tab in the one POST

    fake_google.reset_log()
    assert_clean_exit(setup.run("aggregate", "-q", "--as-of", "2023-05-02", source=source), 0)
    assert (fake_google.reads(), fake_google.writes()) == (2, 1)
    assert len(fake_google.requests) == 3
    # The notes (for the notes on problem cells) come with the metadata: a fields mask, no values.
    assert "note" in fake_google.requests[0].query["fields"][0]
    assert len(fake_google.get_values(sid, "Tổng hợp")) > 150

    fake_google.reset_log()
    assert_clean_exit(setup.run("aggregate", "-q", "--as-of", "2023-05-02", source=source), 0)
    assert (fake_google.reads(), fake_google.writes()) == (2, 0)
    assert len(fake_google.requests) == 2

    fake_google.reset_log()
    assert_clean_exit(setup.run("aggregate", "-q", "--no-notes", "--as-of", "2023-05-02", source=source), 0)
    assert (fake_google.reads(), fake_google.writes()) == (2, 0)


def test_400_long_vietnamese_titles_still_read_in_two_requests(tmp_path, fake_google):
    name = "Chi bộ Trường Trung học phổ thông chuyên Nguyễn Đình Chiểu huyện Châu Thành số {i:03d}"
    units = _units(400, name)
    setup = make_setup(tmp_path, fake_google.host, units=units)
    titles = [u[1] for u in units]
    sid = fake_google.create_spreadsheet("Đăng ký 2023", titles)
    for title in titles:
        fake_google.set_values(sid, title, _form(title))

    # The premise: the GET form of the same read is refused by the front end.
    book = make_gspread_client(fake_google.host).open_by_key(sid)
    with pytest.raises(gspread.exceptions.APIError) as err:
        book.values_batch_get([f"'{t}'" for t in titles])
    assert err.value.response.status_code == 414

    fake_google.reset_log()
    result = setup.run("check", "--format", "json", "--as-of", "2023-05-02", source=f"gsheet:{sid}")
    assert_clean_exit(result, 0)
    report = json.loads(result.stdout)
    assert len(report["units"]) == 400 and {u["status"] for u in report["units"]} == {"dat"}
    assert (fake_google.reads(), fake_google.writes()) == (2, 0)
    assert [r.status for r in fake_google.requests] == [200, 200]

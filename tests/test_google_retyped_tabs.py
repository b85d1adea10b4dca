"""Summary tabs are found the way unit tabs are: a clerk retyping "Tổng hợp" as "TỔNG HỢP" (or a
Mac typing it decomposed) gets that tab rewritten, never a second one beside it."""

from __future__ import annotations

import unicodedata

from tests.google_helpers import UNITS, assert_clean_exit, make_setup
from tests.helpers_forms import model, seed_form


def test_aggregate_rewrites_a_retyped_summary_tab_instead_of_adding_one(tmp_path, fake_google):
    setup = make_setup(tmp_path, fake_google.host)
    retyped = ["TỔNG HỢP", unicodedata.normalize("NFD", "Cần bổ sung"), "lỗi nhập liệu"]
    names = [name for _code, name, *_ in UNITS]
    sid = fake_google.create_spreadsheet("Đăng ký 2023", [*names, *retyped])
    for name in names:
        fake_google.set_values(sid, name, seed_form(name, {"kinh_te": [model(1, "Camera an ninh")]}))
    for title in retyped:
        fake_google.set_values(sid, title, [["bản tổng hợp cũ"]])

    fake_google.reset_log()
    assert_clean_exit(setup.run("aggregate", "--as-of", "2023-05-02", source=f"gsheet:{sid}"), 0)

    writes = [r for r in fake_google.requests if r.path.endswith(":batchUpdate")]
    assert len(writes) == 1
    assert not any("addSheet" in req for req in writes[0].body["requests"])
    assert fake_google.tabs(sid) == [*names, *retyped]
    assert fake_google.get_values(sid, "TỔNG HỢP")[2][:2] == ["Stt", "Đơn vị"]
    assert fake_google.get_values(sid, "TỔNG HỢP")[0][0].startswith("Tổng hợp đăng ký mô hình")

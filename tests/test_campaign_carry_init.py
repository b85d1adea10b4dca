"""Issue 15: the models a unit marked “duy trì” carried into its new tab, on request, by `danvan init --carry`.

The whole year change as the staff run it, through the real gspread client and the fake over HTTP:
check 2023 (history), `campaign new 2024 --carry`, the staff strike a model out of the carried workbook,
`init --carry` on the 2024 sheet, then `check` of the 2024 sheet reads the carried models as the unit's.
"""

from __future__ import annotations

import dataclasses
import json

from openpyxl import load_workbook

from danvan_sheets.google.layout import PLACEHOLDER_ROWS
from tests.google_helpers import UNITS, assert_clean_exit, flat, make_setup
from tests.helpers_forms import MANDATORY_CDS, model, seed_form, write_xlsx

THUE, TUPHAP, CCB = (u[1] for u in UNITS)
KEPT_I = "Duy trì mô hình vận động doanh nghiệp dùng hóa đơn điện tử"
KEPT_II = "Nâng bước em đến trường"
STRUCK = "Duy trì mô hình cán bộ thuế thân thiện"


def test_init_carries_the_continuing_models_into_each_new_tab(tmp_path, fake_google):
    setup = make_setup(tmp_path, fake_google.host)
    setup.config.write_text(setup.config.read_text(encoding="utf-8")
                            + f'\n[history]\npath = "{tmp_path / "h.sqlite"}"\n', encoding="utf-8")
    write_xlsx(tmp_path / "dk-2023.xlsx", {
        THUE: seed_form(THUE, {
            "kinh_te": [model(1, KEPT_I, quantity=2, location="Phòng Tổng hợp", scale="Tập thể"),
                        model(2, MANDATORY_CDS), model(3, STRUCK, scale="Cá nhân")],
            "van_hoa_xa_hoi": [model(1, KEPT_II, done="Duy trì sang năm sau"), model(2, "Mô hình kết thúc")]}),
        TUPHAP: seed_form(TUPHAP, {"kinh_te": [model(1, "Duy trì tủ sách pháp luật")]}),
    })
    assert_clean_exit(setup.run("check", source=f"xlsx:{tmp_path / 'dk-2023.xlsx'}"), 1)

    carry = tmp_path / "duy-tri-2024.xlsx"
    new = setup.run("campaign", "new", "2024", "--yes", "--carry", str(carry), units=False)
    assert_clean_exit(new, 0)
    assert "--carry" in flat(new.output).split("Việc tiếp theo:")[1]  # the init step says how to carry
    # The staff strike one model out and leave a draft sheet of no unit in the file.
    wb = load_workbook(carry)
    ws = wb[THUE]
    (struck,) = [c for c in ws["B"] if c.value == STRUCK]
    ws.delete_rows(struck.row)
    wb.create_sheet("Nháp")["B8"] = "Mô hình chưa biết của ai"
    wb.save(carry)

    sid = fake_google.create_spreadsheet("Đăng ký Dân vận khéo 2024", tabs=[TUPHAP])
    fake_google.set_values(sid, TUPHAP, [["Sở Tư pháp tự lập trang"]])
    y2024 = dataclasses.replace(setup, config=tmp_path / "danvan-2024.toml")
    result = y2024.run("init", "--carry", str(carry), source=f"gsheet:{sid}")
    assert_clean_exit(result, 0)
    out = flat(result.output)
    assert f"Đã chép 2 mô hình “duy trì” vào trang mới của 1 đơn vị: {THUE} (2)" in out
    assert "Không chép mô hình “duy trì” vào 1 trang đã có" in out and f"{TUPHAP} (1)" in out
    assert "Trang “Nháp” của tệp mô hình duy trì không khớp đơn vị nào" in out

    rows = fake_google.get_values(sid, THUE)
    assert rows[0][0].endswith("NĂM 2024")
    names = [r[1] if len(r) > 1 else "" for r in rows]
    i, ii = names.index("Lĩnh vực phát triển kinh tế"), names.index("Lĩnh vực văn hóa - xã hội")
    # Times left blank for 2024 (Google trims the empty last cell).
    assert rows[i + 1] == [1, KEPT_I, 2, "", "Phòng Tổng hợp", "Tập thể"]
    assert [r[:2] for r in rows[i + 2:i + 2 + PLACEHOLDER_ROWS]] == [[n, "Mô hình…."] for n in range(2, 5)]
    assert rows[ii + 1][:2] == [1, KEPT_II]
    assert STRUCK not in names and MANDATORY_CDS not in names and "Mô hình kết thúc" not in names
    assert fake_google.get_values(sid, TUPHAP) == [["Sở Tư pháp tự lập trang"]]  # an existing tab is never touched

    # The 2024 check reads the carried models as Cục Thuế's, in their sections, nothing else.
    checked = y2024.run("check", "--format", "json", "--as-of", "2024-03-01", source=f"gsheet:{sid}")
    assert_clean_exit(checked, 1)
    thue = next(u for u in json.loads(checked.stdout)["units"] if u["name"] == THUE)
    assert [(e["field"], e["name"], e["quantity"]) for e in thue["entries"]] == [
        ("kinh_te", KEPT_I, 2), ("van_hoa_xa_hoi", KEPT_II, 1)]


def test_init_carry_refuses_a_missing_file_before_anything_is_sent(tmp_path, fake_google):
    setup = make_setup(tmp_path, fake_google.host)
    sid = fake_google.create_spreadsheet("Đăng ký 2024")
    fake_google.reset_log()
    result = setup.run("init", "--carry", str(tmp_path / "khong-co.xlsx"), source=f"gsheet:{sid}")
    assert_clean_exit(result, 2)
    assert "Không thấy tệp mô hình duy trì" in result.output and fake_google.requests == []
    for other in (["--form-sheet"], ["--lock-after-deadline"]):
        refused = setup.run("init", "--carry", str(tmp_path / "x.xlsx"), *other, source=f"gsheet:{sid}")
        assert_clean_exit(refused, 2)
        assert "--carry" in refused.output

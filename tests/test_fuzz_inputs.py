"""Bad input through the whole CLI: never a traceback, always a Vietnamese message, the right exit code.

Hypothesis builds whole workbooks (random tabs, merged cells, empty sheets, junk and control
characters in strings), units CSV files (random bytes, bad encodings, missing columns) and config
files (random keys and values), writes them to disk and runs `danvan` on them through click's
CliRunner. Exit codes: 0/1 for readable input, 2 for a bad CSV or config, 3 for an unreadable
workbook. A 10 000-row tab and a few damaged .xlsx files are checked as single examples.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import string
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from danvan_sheets.cli import cli
from danvan_sheets.config import load_settings
from danvan_sheets.core import legacy
from danvan_sheets.errors import ConfigError
from tests.helpers_forms import CAMPAIGN_TOML, HEADER, NUMBERING, REAL_TEXTS, TOTAL, model, seed_form

BASE_CONFIG = CAMPAIGN_TOML + """

[cron]
lock_file = "{tmp}/aggregate.lock"
state_file = "{tmp}/state.json"
"""
UNITS_CSV = (
    "ma_don_vi,ten_don_vi,loai_don_vi,email,tab\n"
    "DB-THUE,Đảng bộ Cục Thuế,Đảng bộ cơ sở,vp.thue@example.vn,\n"
    "CB-TUPHAP,Chi bộ Sở Tư pháp,Chi bộ cơ sở,vp.tuphap@example.vn,\n"
    "DT-CCB,Hội Cựu chiến binh Khối,Đoàn thể khối,ccb@example.vn,\n"
)
UNIT_NAMES = ["Đảng bộ Cục Thuế", "Chi bộ Sở Tư pháp", "Hội Cựu chiến binh Khối"]
VIETNAMESE = re.compile("[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]")
OPENPYXL_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

FUZZ = hsettings(max_examples=40, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                        HealthCheck.data_too_large, HealthCheck.large_base_example])


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("fuzz")
    (tmp / "danvan.toml").write_text(BASE_CONFIG.format(tmp=tmp), encoding="utf-8")
    (tmp / "don-vi.csv").write_text(UNITS_CSV, encoding="utf-8")
    return tmp


def run(*args: str):
    return CliRunner().invoke(
        cli, list(args), env={"SHEETS_EMULATOR_HOST": None, "GOOGLE_APPLICATION_CREDENTIALS": None}
    )


def assert_clean(result, allowed: tuple[int, ...]):
    out = result.output
    assert "Traceback" not in out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in allowed, (result.exit_code, out[-2000:])
    if result.exit_code >= 2:
        (line,) = [ln for ln in out.splitlines() if ln.startswith("Lỗi: ")][:1] or [None]
        assert line is not None, out[-2000:]
        assert VIETNAMESE.search(line.lower()), line


# --- workbooks ----------------------------------------------------------------------------------

junk_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=30, max_size=200),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    st.sampled_from(REAL_TEXTS + HEADER + NUMBERING + TOTAL + ["=SUM(A1:A3)", '=HYPERLINK("x")', "\u200b", "Tổng số"]),
    st.sampled_from(REAL_TEXTS).map(lambda s: legacy.encode(s, "tcvn3")),
)
cell = st.one_of(
    st.none(), junk_text,
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
)
title_chars = st.characters(codec="utf-8", exclude_characters="\\*?:/[]'", exclude_categories=("Cs", "Cc"))
tab_title = st.one_of(st.sampled_from(UNIT_NAMES + ["Tổng hợp", "Cần bổ sung", "Hướng dẫn", "Sheet"]),
                      st.text(title_chars, min_size=1, max_size=31)).map(lambda t: t.strip()[:31]).filter(bool)


@st.composite
def grids(draw):
    kind = draw(st.sampled_from(["empty", "ragged", "form", "form"]))
    if kind == "empty":
        return []
    if kind == "ragged":
        return draw(st.lists(st.lists(cell, max_size=9), max_size=30))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=8), max_size=12))
    named = draw(st.lists(st.sampled_from(REAL_TEXTS), max_size=3))
    models = [model(i + 1, n) for i, n in enumerate(named)] + rows
    return seed_form(draw(st.sampled_from(UNIT_NAMES + [None])), {"kinh_te": models[: len(models) // 2],
                                                                     "quoc_phong_an_ninh": models[len(models) // 2:]})


@st.composite
def workbooks(draw):
    titles = draw(st.lists(tab_title, min_size=1, max_size=5, unique_by=lambda t: t.casefold()))
    tabs = []
    for t in titles:
        grid = draw(grids())
        merges = draw(st.lists(st.tuples(st.integers(1, 30), st.integers(1, 8), st.integers(0, 3), st.integers(0, 3)),
                               max_size=3))
        tabs.append((t, grid, merges))
    return tabs


def write_workbook(path: Path, tabs) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for title, grid, merges in tabs:
        ws = wb.create_sheet(title)
        for r, row in enumerate(grid, start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    continue
                if isinstance(v, str):
                    v = OPENPYXL_ILLEGAL.sub("", v)  # openpyxl refuses these in a cell
                cell = ws.cell(row=r, column=c, value=v)
                if isinstance(v, str):
                    cell.data_type = "s"
        taken: set[tuple[int, int]] = set()
        for r, c, dr, dc in merges:
            area = {(i, j) for i in range(r, r + dr + 1) for j in range(c, c + dc + 1)}
            if (dr or dc) and not area & taken:
                taken |= area
                ws.merge_cells(f"{get_column_letter(c)}{r}:{get_column_letter(c + dc)}{r + dr}")
    wb.save(path)


@FUZZ
@given(book=workbooks())
def test_any_workbook_is_checked_and_aggregated(work, book):
    src = work / "book.xlsx"
    write_workbook(src, book)
    common = ["--source", f"xlsx:{src}", "--units", str(work / "don-vi.csv"), "--config", str(work / "danvan.toml"),
              "--as-of", "2023-05-02"]
    assert_clean(run("check", *common), (0, 1))
    assert_clean(run("check", *common, "--format", "json"), (0, 1))
    result = run("aggregate", *common, "--out", str(work / "out.xlsx"), "--quiet", "--log-file", str(work / "a.log"))
    assert_clean(result, (0,))


def test_ten_thousand_row_tab_and_an_empty_one(work):
    src = work / "big.xlsx"
    big = seed_form(UNIT_NAMES[0], {"kinh_te": [model(i, f"Mô hình số {i}") for i in range(1, 10_001)]})
    write_workbook(src, [(UNIT_NAMES[0], big, [(1, 1, 0, 6)]), (UNIT_NAMES[1], [], []),
                         ("Rác", [[f"\x00\x07junk{i}", i, None, "=1+1"] for i in range(10_000)], [])])
    common = ["--source", f"xlsx:{src}", "--units", str(work / "don-vi.csv"), "--config", str(work / "danvan.toml")]
    assert_clean(run("check", *common), (0, 1))
    assert_clean(run("aggregate", *common, "--out", str(work / "big-out.xlsx"), "--quiet"), (0,))


def _valid_xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = UNIT_NAMES[0]
    wb.active["A1"] = "Tên mô hình"
    wb.save(buf)
    return buf.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _damaged(valid: bytes, name: str, junk: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(valid)) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    entries[name] = junk
    return _zip(entries)


@FUZZ
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
    st.integers(10, 4000).map(lambda n: _valid_xlsx_bytes()[:n]),
    st.binary(max_size=200).map(lambda b: _damaged(_valid_xlsx_bytes(), "xl/worksheets/sheet1.xml", b)),
    st.binary(max_size=200).map(lambda b: _damaged(_valid_xlsx_bytes(), "xl/workbook.xml", b)),
    st.binary(max_size=200).map(lambda b: _damaged(_valid_xlsx_bytes(), "xl/sharedStrings.xml", b)),
    st.binary(max_size=200).map(lambda b: _zip({"[Content_Types].xml": b})),
))
@example(data=b"")
def test_unreadable_workbook_exit_3(work, data):
    src = work / "junk.xlsx"
    src.write_bytes(data)
    result = run(
        "check", "--source", f"xlsx:{src}", "--units", str(work / "don-vi.csv"), "--config", str(work / "danvan.toml")
    )
    # A damaged part openpyxl can still make sense of may read as an (empty) workbook.
    assert_clean(result, (0, 1, 3))


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04\x14\x00", _zip({"hello.txt": b"hi"})])
def test_clearly_unreadable_workbook_is_exit_3(work, data):
    src = work / "bad.xlsx"
    src.write_bytes(data)
    result = run("aggregate", "--source", f"xlsx:{src}", "--units", str(work / "don-vi.csv"),
                 "--config", str(work / "danvan.toml"), "--out", str(work / "o.xlsx"), "--quiet")
    assert_clean(result, (3,))
    assert result.exit_code == 3


# --- the units CSV ------------------------------------------------------------------------------

COLUMNS = ["ma_don_vi", "ten_don_vi", "loai_don_vi", "email", "tab", "ghi_chu", ""]
csv_field = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["Đảng bộ cơ sở", "chi bo co so", "ĐOÀN THỂ KHỐI", "khác", "a@b.vn", "không-email", "DB-THUE", '"', ",", "\n"]
    ),
)


@st.composite
def units_csv(draw) -> bytes:
    kind = draw(st.sampled_from(["bytes", "latin", "structured", "structured", "structured"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    header = draw(st.permutations(COLUMNS).flatmap(lambda cols: st.integers(0, len(cols)).map(lambda n: cols[:n])))
    rows = draw(st.lists(st.lists(csv_field, max_size=len(header) + 2), max_size=8))

    def q(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if draw(st.booleans()) else v

    text = ",".join(header) + "\n" + "".join(",".join(q(v) for v in r) + "\n" for r in rows)
    if kind == "latin":
        return text.encode("cp1258", errors="replace") + "Đảng bộ".encode("utf-16")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")


@FUZZ
@given(data=units_csv())
@example(data=UNITS_CSV.encode("utf-16"))
@example(data=b"ma_don_vi,ten_don_vi\nA,B\n")
def test_any_units_csv(work, data):
    path = work / "units-fuzz.csv"
    path.write_bytes(data)
    result = check_book(work, str(path), str(work / "danvan.toml"))
    assert_clean(result, (0, 1, 2))
    if result.exit_code == 2:
        assert str(path) in result.output or "danh sách đơn vị" in result.output


def check_book(work, units: str, config: str):
    """`danvan check` of the one-unit book written by _units_book."""
    return run("check", "--source", f"xlsx:{work / 'units-book.xlsx'}", "--units", units, "--config", config)


@pytest.fixture(scope="module", autouse=True)
def _units_book(work):
    write_workbook(
        work / "units-book.xlsx",
        [(UNIT_NAMES[0], seed_form(UNIT_NAMES[0], {"kinh_te": [model(1, REAL_TEXTS[0])]}), [])],
    )


def test_units_csv_missing_columns_is_named(work):
    path = work / "units-missing.csv"
    path.write_text("ma_don_vi,ten_don_vi\nDB-THUE,Đảng bộ Cục Thuế\n", encoding="utf-8")
    result = check_book(work, str(path), str(work / "danvan.toml"))
    assert_clean(result, (2,))
    assert "thiếu cột loai_don_vi, email" in result.output


def test_units_csv_not_utf8(work):
    path = work / "units-cp1258.csv"
    path.write_bytes(UNITS_CSV.encode("utf-16"))
    result = check_book(work, str(path), str(work / "danvan.toml"))
    assert_clean(result, (2,))
    assert "UTF-8" in result.output


# --- the config ---------------------------------------------------------------------------------

def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if not (isinstance(v, float) and v != v) else "nan"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    return json.dumps(v)


scalar = st.one_of(
    st.text(max_size=20),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(["quantity", "rows", "oauth", "service_account", "xlsx:x.xlsx", "a@b.vn"]),
)
value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(string.ascii_lowercase, min_size=1, max_size=5), inner, max_size=2),
    ),
    max_leaves=5,
)
KNOWN = {
    "campaign": ["title", "year", "deadline", "count", "mandatory_counts_toward_minimum", "grace_days"],
    "quota": ["dang_bo_co_so", "chi_bo_co_so", "doan_the"],
    "source": ["spec", "units"],
    "google": ["auth", "credentials", "timeout", "staff_emails"],
    "retry": ["max_tries", "max_seconds", "base_delay"],
    "cron": ["lock_file", "state_file", "log_file", "alert_after_failures", "alert_to"],
    "smtp": ["host", "port", "security", "user", "password_env", "from_addr", "timeout"],
    "remind": ["interval_hours", "subject", "signature"],
    "history": ["path"],
    "khac": ["x"],
}


@st.composite
def configs(draw) -> str:
    kind = draw(st.sampled_from(["text", "mutated", "mutated", "mutated"]))
    if kind == "text":
        return draw(
            st.one_of(st.text(max_size=200), st.sampled_from(["[campaign", "year = ", "[[cron]]\nx=1", "\x00"]))
        )
    sections: dict[str, dict] = {
        "campaign": {"title": "Dân vận khéo", "year": 2023, "deadline": dt.date(2023, 4, 25)},
        "quota": {"dang_bo_co_so": 2, "chi_bo_co_so": 1, "doan_the": 2},
    }
    for _ in range(draw(st.integers(1, 4))):
        section = draw(st.sampled_from(sorted(KNOWN)))
        key = draw(
            st.one_of(st.sampled_from(KNOWN[section]), st.text(string.ascii_letters + "_", min_size=1, max_size=8))
        )
        sections.setdefault(section, {})[key] = draw(value)
    if draw(st.booleans()):
        sections.pop(draw(st.sampled_from(sorted(sections))), None)
    lines = []
    for name, body in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in body.items()]
    if draw(st.booleans()):
        lines += [
            "[[mandatory]]",
            f"key = {toml_value(draw(value))}",
            'name = "Mô hình"',
            f"keywords = {toml_value(draw(value))}",
        ]
    return "\n".join(lines) + "\n"


@FUZZ
@given(text=configs())
@example(text="[cron]\nalert_to = 3\n")
@example(text=BASE_CONFIG.format(tmp="/nonexistent") + "\n[[cron]]\n")
def test_any_config(work, text):
    path = work / "config-fuzz.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_settings(path)
        expected: tuple[int, ...] = (0, 1)
    except ConfigError:
        expected = (2,)
    result = check_book(work, str(work / "don-vi.csv"), str(path))
    assert_clean(result, expected)
    if result.exit_code == 2:
        assert "cấu hình" in result.output.lower() or "Cấu hình" in result.output


@pytest.mark.parametrize("section", ["google", "retry", "source", "smtp", "remind", "history", "quota", "cron"])
def test_array_of_tables_for_a_plain_section(work, section):
    """`[[google]]` where `[google]` is meant: a Vietnamese error naming the section, exit 2."""
    path = work / f"config-array-{section}.toml"
    path.write_text(f"[campaign]\nyear = 2023\ndeadline = 2023-04-25\n[[{section}]]\n", encoding="utf-8")
    result = check_book(work, str(work / "don-vi.csv"), str(path))
    assert_clean(result, (2,))
    assert section in result.output

"""Typed settings: every problem of a file at once, bounded numbers, no crash later, paths from the file's folder."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from danvan_sheets.cli import cli
from danvan_sheets.cli.base import run_main
from danvan_sheets.config import SECTIONS, Table, load_settings, packaged_config_path, parse_settings
from danvan_sheets.errors import ConfigError
from tests.helpers_forms import model, seed_form, write_xlsx

REPO = Path(__file__).resolve().parents[1]
BASE = "[campaign]\nyear = 2023\ndeadline = 2023-04-25\n"
MANDATORY = '[[mandatory]]\nkey = "cds"\nname = "Chuyển đổi số"\nkeywords = ["chuyển đổi số"]\n'


def write(tmp_path: Path, text: str, name: str = "danvan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_main(cli, args)
    return code, out.getvalue(), err.getvalue()


def check(config: Path, folder: Path) -> tuple[int, str, str]:
    """`danvan check` on a small folder of forms: exercises year, deadline, grace days and the history."""
    return run(["check", "--config", str(config), "--source", f"dir:{folder}",
                "--units", str(REPO / "demo" / "don-vi.csv"), "--format", "json", "--as-of", "2023-05-02"])


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> Path:
    """One unit's form in a `dir:` folder (read only by the tests)."""
    folder = tmp_path_factory.mktemp("thu-muc")
    form = seed_form("Đảng bộ Cục Thuế", {"kinh_te": [model(1, "Hóa đơn điện tử")]})
    write_xlsx(folder / "cuc-thue.xlsx", {"Cục Thuế": form})
    return folder


# --- every problem at once ---------------------------------------------------------------------

def test_every_problem_of_a_file_is_reported_together(tmp_path):
    path = write(tmp_path, '[campaign]\nyear = "2023"\ndeadline = "25/4/2023"\ncount = "all"\n'
                           '[quota]\nchi_bo = 1\n[retry]\nbase_delay = nan\n[smtp]\npassword = "x"\n[quotas]\n')
    with pytest.raises(ConfigError) as exc:
        load_settings(path)
    keys = [p.key for p in exc.value.problems]
    assert keys == ["campaign.year", "campaign.deadline", "campaign.count", "quota.chi_bo", "retry.base_delay",
                    "smtp.password", "quotas"]
    text = str(exc.value)
    assert f"Tệp cấu hình {path} có 7 chỗ sai:" in text
    assert all(f"`{k}`" in text for k in keys)


def test_a_file_without_mandatory_models_loads_with_a_warning(tmp_path, forms):
    settings = load_settings(write(tmp_path, BASE))
    assert settings.campaign.mandatory == ()
    assert len(settings.warnings) == 1 and "[[mandatory]]" in settings.warnings[0]
    code, out, err = check(write(tmp_path, BASE), forms)
    assert code == 1 and "Cảnh báo: Tệp cấu hình không có mục [[mandatory]]" in err
    assert load_settings(write(tmp_path, BASE + MANDATORY)).warnings == ()


# --- numbers and nesting refused at load --------------------------------------------------------

@pytest.mark.parametrize("section, key, value", [
    ("retry", "base_delay", "nan"), ("retry", "base_delay", "inf"), ("retry", "base_delay", "1e300"),
    ("retry", "max_seconds", "nan"), ("retry", "max_seconds", "-inf"), ("retry", "max_seconds", "99999999999"),
    ("retry", "max_tries", "9223372036854775807"),
    ("google", "timeout", "nan"), ("google", "timeout", "inf"), ("google", "timeout", "0"),
    ("remind", "interval_hours", "nan"), ("remind", "interval_hours", "1e20"),
    ("campaign", "grace_days", "9223372036854775807"), ("campaign", "grace_days", "-1"),
    ("campaign", "year", "99999"), ("smtp", "timeout", "inf"), ("cron", "alert_after_failures", "10000000000"),
])
def test_nan_inf_and_huge_numbers_are_refused_at_load_naming_the_key(tmp_path, forms, section, key, value):
    text = BASE.replace("year = 2023\n", "") if (section, key) == ("campaign", "year") else BASE
    text = text.replace("[campaign]\n", f"[campaign]\n{key} = {value}\n") if section == "campaign" else \
        f"{text}[{section}]\n{key} = {value}\n"
    code, out, err = check(write(tmp_path, text), forms)
    assert code == 2, err
    assert f"`{section}.{key}`" in err and "Traceback" not in err and "không lường trước" not in err
    assert out == ""


@pytest.mark.parametrize("depth", [12, 600, 5000])
def test_deep_nesting_is_refused_at_load_naming_the_key(tmp_path, forms, depth):
    for text, key in [(f"{BASE}[google]\nstaff_emails = {'[' * depth}{']' * depth}\n", "google.staff_emails"),
                      (f"{BASE}[remind]\nsubject = {'{a = ' * depth}1{'}' * depth}\n", "remind.subject")]:
        code, out, err = check(write(tmp_path, text), forms)
        assert code == 2, err
        assert f"`{key}" in err and "lồng nhau quá sâu" in err and "Traceback" not in err


# --- paths -------------------------------------------------------------------------------------

def test_relative_paths_are_taken_from_the_configuration_files_folder(tmp_path, monkeypatch):
    cfg = tmp_path / "cau-hinh"
    cfg.mkdir()
    path = write(cfg, BASE + '[source]\nspec = "xlsx:dang-ky.xlsx"\nunits = "don-vi.csv"\n'
                             '[google]\ncredentials = "../secrets/k.json"\n'
                             '[history]\npath = "lich-su/h.sqlite"\n[data]\ndir = "~/du-lieu"\n')
    elsewhere = tmp_path / "noi-khac"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    s = load_settings(path)
    assert s.source.spec == f"xlsx:{cfg / 'dang-ky.xlsx'}"
    assert s.source.units == cfg / "don-vi.csv"
    assert s.google.credentials == cfg / ".." / "secrets" / "k.json"
    assert s.files.history == cfg / "lich-su" / "h.sqlite"
    assert s.data.dir == Path("~/du-lieu").expanduser()
    assert "tính từ thư mục chứa tệp cấu hình" in s.where(s.source.units)


def test_a_spreadsheet_source_is_not_taken_for_a_path(tmp_path):
    s = load_settings(write(tmp_path, BASE + '[source]\nspec = "gsheet:https://docs.google.com/spreadsheets/d/1Ab/edit"\n'))
    assert s.source.spec == "gsheet:https://docs.google.com/spreadsheets/d/1Ab/edit"


def test_data_folder_env_then_config_then_per_user(tmp_path, monkeypatch):
    s = load_settings(write(tmp_path, BASE + '[data]\ndir = "du-lieu"\n'))
    monkeypatch.setenv("DANVAN_DATA_DIR", str(tmp_path / "env"))
    assert s.files.lock == tmp_path / "env" / "danvan-aggregate.lock"
    monkeypatch.delenv("DANVAN_DATA_DIR")
    assert s.files.history == tmp_path / "du-lieu" / "history.sqlite"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    plain = load_settings(write(tmp_path, BASE, "plain.toml"))
    if plain.files.dir.is_relative_to(tmp_path / "xdg"):  # platformdirs honours XDG on Linux
        assert plain.files.log == tmp_path / "xdg" / "danvan-sheets" / "cron" / "tong-hop.log"
    assert plain.files.dir.name == "danvan-sheets"


def test_the_packaged_default_is_the_projects_config_and_loads():
    shipped = packaged_config_path()
    assert shipped.read_bytes() == (REPO / "config" / "danvan.toml").read_bytes()
    assert load_settings(shipped).campaign.year == 2023


# --- property: a configuration value either loads and works, or is refused with exit 2 ------------

def _keys() -> list[tuple[str, str]]:
    out = []
    for name, section in SECTIONS.items():
        t = Table(name, {}, [], None)
        section.parse(t)
        out += [(name, k) for k in sorted(t.asked)]
    return out


KEYS = _keys()
_scalars = st.one_of(
    st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.5, 2023, 65535, 1e300, -0.0]),
    st.booleans(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["quantity", "rows", "oauth", "ssl", "a@b.vn", "xlsx:x.xlsx", "gsheet:1Ab", "{unit}", "{x"]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "key", "year"]), inner, max_size=2)),
    max_leaves=8)


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# Written as TOML text, the numbers that used to load and crash later.
_edge_numbers = st.sampled_from(["nan", "-nan", "inf", "-inf", "1e300", "-1e300", "9223372036854775807", "-1", "0",
                                 "0.0"])


@hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(KEYS), st.one_of(_edge_numbers, _values.map(toml_value),
                                                            st.integers(1, 3000).map(_nested))),
                min_size=1, max_size=4, unique_by=lambda kv: kv[0]))
def test_any_configuration_value_loads_and_works_or_is_refused_with_exit_2(forms, pairs):
    by_section: dict[str, list[str]] = {}
    for (section, key), value in pairs:
        by_section.setdefault(section, []).append(f"{key} = {value}")
    campaign = by_section.pop("campaign", [])
    have = {line.split(" = ")[0] for line in campaign}
    campaign += [line for line in ("year = 2023", "deadline = 2023-04-25") if line.split(" = ")[0] not in have]
    text = "[campaign]\n" + "\n".join(campaign) + "\n"
    for section, lines in by_section.items():
        header = f"[[{section}]]" if SECTIONS[section].many else f"[{section}]"
        text += f"{header}\n" + "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        config = write(Path(tmp), text)
        code, _out, err = check(config, forms)
        assert code in (0, 1, 2), f"{text}\n{err}"
        assert "Traceback" not in err and "không lường trước" not in err
        if code == 2:
            assert "`" in err or "TOML" in err, err  # the key (or the line) is named
        else:
            s = load_settings(config)
            # What used to crash later with exit 3 must already be sound.
            dt.timedelta(hours=s.remind.interval_hours)
            assert math.isfinite(s.retry.base_delay * 2 ** s.retry.max_tries + s.retry.max_seconds + s.google.timeout)
            s.campaign.deadline + dt.timedelta(days=s.grace_days)
            s.remind.subject.format(unit="u", year=2023, title="t", status="s")


def test_in_memory_settings_without_a_file_keep_relative_paths_as_written():
    s = parse_settings({"campaign": {"year": 2023, "deadline": dt.date(2023, 4, 25)},
                        "source": {"units": "don-vi.csv"}})
    assert s.source.units == Path("don-vi.csv") and s.path is None


# --- danvan config init / path ------------------------------------------------------------------

def test_config_init_writes_an_editable_copy_and_never_overwrites_by_surprise(tmp_path):
    target = tmp_path / "cau-hinh" / "danvan.toml"
    code, out, err = run(["config", "init", str(target)])
    assert code == 0 and f"Đã tạo tệp cấu hình {target}" in out
    assert target.read_bytes() == packaged_config_path().read_bytes()
    target.write_text(BASE + MANDATORY, encoding="utf-8")
    code, out, err = run(["config", "init", str(target)])
    assert code == 2 and "đã có" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == BASE + MANDATORY
    assert run(["config", "init", str(target), "--force"])[0] == 0
    assert load_settings(target).campaign.year == 2023


def test_config_path_names_the_file_and_the_data_folder(tmp_path, monkeypatch):
    config = write(tmp_path, BASE + MANDATORY + '[history]\npath = "ls.sqlite"\n')
    monkeypatch.setenv("DANVAN_DATA_DIR", str(tmp_path / "dl"))
    code, out, err = run(["config", "path", "--config", str(config)])
    assert code == 0, err
    assert f"Tệp cấu hình: {config}" in out and f"Thư mục dữ liệu: {tmp_path / 'dl'}" in out
    assert f"Lịch sử: {tmp_path / 'ls.sqlite'}" in out
    assert f"Tệp khóa: {tmp_path / 'dl' / 'danvan-aggregate.lock'}" in out


def test_a_missing_units_file_from_the_config_says_where_it_was_looked_for(tmp_path, forms, monkeypatch):
    cfg = tmp_path / "cau-hinh"
    cfg.mkdir()
    config = write(cfg, BASE + MANDATORY + '[source]\nunits = "don-vi.csv"\n')
    monkeypatch.chdir(tmp_path)  # a don-vi.csv here must not be taken for the configured one
    (tmp_path / "don-vi.csv").write_text("ma_don_vi,ten_don_vi,loai_don_vi,email\n", encoding="utf-8")
    code, out, err = run(["check", "--config", str(config), "--source", f"dir:{forms}"])
    assert code == 2
    assert f"Không thấy danh sách đơn vị {cfg / 'don-vi.csv'} (đường dẫn tương đối tính từ thư mục chứa tệp cấu hình " \
           f"{config}) (ghi ở [source] units)." in err


def test_a_missing_source_from_the_config_says_where_it_was_looked_for(tmp_path):
    cfg = tmp_path / "cau-hinh"
    cfg.mkdir()
    config = write(cfg, BASE + MANDATORY + '[source]\nspec = "xlsx:dang-ky.xlsx"\n')
    code, out, err = run(["check", "--config", str(config)])
    assert code == 3
    assert f"Không thấy nguồn {cfg / 'dang-ky.xlsx'} (đường dẫn tương đối tính từ thư mục chứa tệp cấu hình {config})" \
        in err

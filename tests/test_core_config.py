"""The campaign configuration: the shipped default is the seed's 2023 plan; bad keys are named."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from danvan_sheets.config import load_settings, parse_settings
from danvan_sheets.errors import ConfigError

SHIPPED = Path(__file__).resolve().parents[1] / "config" / "danvan.toml"
BASE = "[campaign]\nyear = 2023\ndeadline = 2023-04-25\n"


def test_shipped_config_is_the_seeds_2023_plan():
    c = load_settings(SHIPPED).campaign
    assert c.year == 2023
    assert c.deadline == dt.date(2023, 4, 25)  # "trước ngày 25/4/2023" (seed III.2)
    assert c.quotas == {"dang_bo_co_so": 2, "chi_bo_co_so": 1, "doan_the": 2}  # seed section II
    assert [m.key for m in c.mandatory] == ["chuyen_doi_so", "co_quan_hanh_phuc"]
    assert c.mandatory_counts is False and c.count_mode == "quantity"
    cds, hp = c.mandatory
    assert "chuyển đổi số" in cds.name and "hạnh phúc" in hp.name
    assert hp.effective_from is None


def test_minimal_config_defaults():
    c = parse_settings(tomllib.loads(BASE)).campaign
    assert c.quotas == {"dang_bo_co_so": 2, "chi_bo_co_so": 1, "doan_the": 2}
    assert c.count_mode == "quantity" and c.mandatory_counts is False


def test_effective_from_is_read():
    text = BASE + ('[[mandatory]]\nkey = "co_quan_hanh_phuc"\nname = "CQHP"\nkeywords = ["hạnh phúc"]\neffective_from '
                   '= 2023-06-01\n')
    (m,) = parse_settings(tomllib.loads(text)).campaign.mandatory
    assert m.effective_from == dt.date(2023, 6, 1)


@pytest.mark.parametrize(
    "text, key",
    [
        ('[campaign]\nyear = "2023"\ndeadline = 2023-04-25\n', "campaign.year"),
        (BASE + "deadlin = 1\n", "campaign.deadlin"),
        ('[campaign]\nyear = 2023\ndeadline = "25/4/2023"\n', "campaign.deadline"),
        ("[campaign]\nyear = 2023\n", "campaign.deadline"),
        (BASE + 'count = "all"\n', "campaign.count"),
        (BASE + 'mandatory_counts_toward_minimum = "no"\n', "campaign.mandatory_counts_toward_minimum"),
        (BASE + '[quota]\nchi_bo_co_so = "1"\n', "quota.chi_bo_co_so"),
        (BASE + "[quota]\nchi_bo = 1\n", "quota.chi_bo"),
        (BASE + "[quotas]\nchi_bo_co_so = 1\n", "quotas"),
        (BASE + '[[mandatory]]\nkey = "x"\nname = "y"\nkeywords = []\n', "mandatory[0].keywords"),
        (
            BASE + '[[mandatory]]\nkey = "x"\nname = "y"\nkeywords = ["a"]\neffective_from = "soon"\n',
            "mandatory[0].effective_from",
        ),
        (BASE + '[[mandatory]]\nname = "y"\nkeywords = ["a"]\n', "mandatory[0].key"),
        ("[source]\nspec = 1\n", "campaign"),
    ],
)
def test_bad_config_names_the_key(text, key):
    with pytest.raises(ConfigError) as exc:
        parse_settings(tomllib.loads(text))
    assert f"`{key}`" in str(exc.value)
    assert "Cấu hình sai" in str(exc.value)


def test_bad_toml_syntax_and_missing_file(tmp_path):
    p = tmp_path / "x.toml"
    p.write_text("[campaign\nyear=", encoding="utf-8")
    with pytest.raises(ConfigError, match="TOML"):
        load_settings(p)
    with pytest.raises(ConfigError, match="Không mở được"):
        load_settings(tmp_path / "none.toml")


def test_every_commented_example_in_the_shipped_config_is_a_valid_setting(tmp_path):
    """A clerk turns a section on by deleting the "# ": what they uncomment must load."""
    import re

    shipped = (Path(__file__).resolve().parents[1] / "config" / "danvan.toml").read_text(encoding="utf-8")
    text = re.sub(r"^# (\[[a-z_]+\]|[a-z_]+ = )", r"\1", shipped, flags=re.M)
    # Files the examples name do not exist on a test machine; the keys are still checked by name.
    for name in ("credentials", "client_secrets", "ca_file"):
        text = re.sub(rf"^{name} = .*$", "", text, flags=re.M)
    assert text.count("\n[") > shipped.count("\n[") + 5  # sections really were uncommented
    path = tmp_path / "all.toml"
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path)
    assert (
        settings.smtp is not None and settings.smtp.security == "starttls" and settings.cron.alert_after_failures == 3
    )
    assert settings.source.units == tmp_path / "don-vi.csv"  # relative to the configuration file's folder

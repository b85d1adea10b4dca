"""One Source interface, registered by kind in one place: parse_spec and every question about a
source's kind go through the registered class, so a new source is one module plus one line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from danvan_sheets.config import load_settings
from danvan_sheets.errors import ConfigError
from danvan_sheets.grid import Tab
from danvan_sheets.pipeline import guard_output, read_source
from danvan_sheets.sources import SOURCES, LocalSource, SourceData, parse_spec
from danvan_sheets.sources.directory import DirSource
from danvan_sheets.sources.form import FormResponsesSource
from danvan_sheets.sources.gsheet import GoogleSheetSource
from danvan_sheets.sources.xlsx import XlsxSource

CONFIG = str(Path(__file__).resolve().parents[1] / "config" / "danvan.toml")
PACKAGE = Path(__file__).resolve().parents[1] / "danvan_sheets"


@pytest.mark.parametrize(("spec", "cls", "local", "publishes"), [
    ("xlsx:dang-ky.xlsx", XlsxSource, True, False),
    ("DIR: thu-muc ", DirSource, True, False),
    ("gsheet:https://docs.google.com/spreadsheets/d/1AbCdEfGhIjK/edit", GoogleSheetSource, False, True),
])
def test_each_kind_parses_to_its_registered_class(spec, cls, local, publishes):
    source = parse_spec(spec)
    assert type(source) is cls and SOURCES[cls.kind] is cls
    assert (source.local, source.publishes) == (local, publishes)
    assert str(source) == f"{cls.kind}:{spec.partition(':')[2].strip()}"


def test_every_registry_key_is_its_kind_and_suffix():
    assert {name: f"{cls.kind}{cls.suffix}" for name, cls in SOURCES.items()} == {name: name for name in SOURCES}


@pytest.mark.parametrize("spec", ["gsheet:1AbCdEfGhIjK#responses", "GSHEET: 1AbCdEfGhIjK #RESPONSES "])
def test_a_source_told_apart_by_its_suffix_comes_from_the_registry(spec):
    source = parse_spec(spec)
    assert type(source) is FormResponsesSource and SOURCES["gsheet#responses"] is FormResponsesSource
    assert source.target == "1AbCdEfGhIjK" and str(source) == "gsheet:1AbCdEfGhIjK#responses"
    # Without its registry line the same spec is the plain Google sheet, the suffix part of its key.
    plain = {k: v for k, v in SOURCES.items() if k != "gsheet#responses"}
    assert type(parse_spec(spec, plain)) is GoogleSheetSource
    with pytest.raises(ConfigError, match="không hợp lệ"):
        parse_spec("gsheet:#responses")


def test_the_same_source_however_it_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dk").mkdir()
    assert parse_spec("dir:dk").key() == parse_spec(f"dir:{tmp_path / 'dk'}/").key()
    assert parse_spec("xlsx:./a.xlsx").key() == parse_spec(f"xlsx:{tmp_path / 'a.xlsx'}").key()
    assert parse_spec("gsheet:https://docs.google.com/spreadsheets/d/1AbCdEfGhIjK/edit#gid=0").key() == \
        parse_spec("gsheet:1AbCdEfGhIjK").key()
    assert parse_spec("dir:dk").key() != parse_spec("xlsx:dk").key()


def test_an_unknown_kind_lists_every_registered_example():
    with pytest.raises(ConfigError) as err:
        parse_spec("excel:a.xlsx")
    for source in SOURCES.values():
        assert source.example in str(err.value)
    assert "Có phải ý bạn là xlsx:a.xlsx?" in str(err.value)


@dataclass(frozen=True)
class _CsvSource(LocalSource):
    """A source added the documented way: a class and a registry entry, nothing else."""

    kind: ClassVar[str] = "csv"
    example: ClassVar[str] = "csv:TỆP.csv"

    @classmethod
    def looks_like(cls, text: str) -> bool:
        return text.lower().endswith(".csv")

    def read(self, settings) -> SourceData:
        rows = [line.split(";") for line in self.path().read_text(encoding="utf-8").splitlines()]
        return SourceData([Tab(title=self.path().stem, rows=rows, origin=self.path().name)])


def test_a_new_source_needs_only_its_class_and_a_registry_line(tmp_path):
    registry = {**SOURCES, "csv": _CsvSource}
    path = tmp_path / "don-vi.csv"
    path.write_text("Stt;Tên mô hình\n1;Vay vốn", encoding="utf-8")
    source = parse_spec(f"csv:{path}", registry)
    # The pipeline reads it and guards --out for it without knowing its kind.
    data = read_source(source, load_settings(CONFIG))
    assert data.tabs[0].rows == [["Stt", "Tên mô hình"], ["1", "Vay vốn"]]
    with pytest.raises(ConfigError, match="--out TỆP.xlsx"):
        guard_output(None, source, required=True)
    with pytest.raises(ConfigError) as err:
        parse_spec("csv2:x.csv", registry)
    assert "csv:TỆP.csv" in str(err.value) and "Có phải ý bạn là csv:x.csv?" in str(err.value)


def test_guard_output_asks_the_source(tmp_path):
    book = tmp_path / "dk.xlsx"
    with pytest.raises(ConfigError, match="chính là tệp nguồn"):
        guard_output(str(book), parse_spec(f"xlsx:{book}"), (".xlsx",))
    with pytest.raises(ConfigError, match="nằm trong thư mục nguồn"):
        guard_output(str(tmp_path / "in" / "tong-hop.xlsx"), parse_spec(f"dir:{tmp_path}"), (".xlsx",))
    guard_output(str(tmp_path / "tong-hop.xlsx"), parse_spec(f"xlsx:{book}"), (".xlsx",))
    guard_output(None, parse_spec("gsheet:1AbCdEfGhIjK"), required=True)  # the summary goes back to the sheet


def test_no_module_outside_sources_tests_a_kind_as_a_string():
    kinds = "(?:xlsx|dir|gsheet)"
    pattern = re.compile(rf"""\.kind\s*[!=]=|["']{kinds}["']\s*[!=]=|in\s*\(\s*["']{kinds}["']""")
    offenders = [f"{path.relative_to(PACKAGE)}:{n}" for path in PACKAGE.rglob("*.py") if "sources" not in path.parts
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line) and "part.kind" not in line and "parts[-1].kind" not in line]
    assert offenders == []

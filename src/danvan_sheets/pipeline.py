"""Glue between the edges and the core: settings + source -> report. No click here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from danvan_sheets.config import Settings
from danvan_sheets.core.model import Report, Unit
from danvan_sheets.core.reader import read_tab
from danvan_sheets.core.summary import build_report
from danvan_sheets.errors import ConfigError
from danvan_sheets.registry import load_units
from danvan_sheets.sources import SourceData, SourceSpec, parse_spec, read_local


@dataclass
class Run:
    report: Report
    data: SourceData
    spec: SourceSpec
    units: list[Unit]


def resolve_spec(source: str | None, settings: Settings) -> SourceSpec:
    spec = source or settings.source.get("spec")
    if not spec:
        raise ConfigError("Chưa chỉ ra nguồn dữ liệu. Hãy thêm --source (ví dụ --source xlsx:dang-ky.xlsx) hoặc ghi [source] spec trong cấu hình.")
    return parse_spec(spec)


def resolve_units(units_path: str | None, settings: Settings) -> list[Unit]:
    path = units_path or settings.source.get("units")
    return load_units(path) if path else []


def report_from_data(data: SourceData, units: list[Unit], settings: Settings, as_of: dt.date) -> Report:
    year = settings.campaign.year
    readings = [(tab, read_tab(tab.title, tab.rows, year)) for tab in data.tabs]
    return build_report(units, readings, settings.campaign, as_of, data.notices)


def read_source(spec: SourceSpec, settings: Settings, scopes: str = "read") -> SourceData:
    if spec.kind == "gsheet":
        from danvan_sheets.google.pull import pull_spreadsheet

        return pull_spreadsheet(spec.target, settings)
    return read_local(spec)


def run(source: str | None, units_path: str | None, settings: Settings, as_of: dt.date) -> Run:
    spec = resolve_spec(source, settings)
    units = resolve_units(units_path, settings)
    data = read_source(spec, settings)
    return Run(report_from_data(data, units, settings, as_of), data, spec, units)

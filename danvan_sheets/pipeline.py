"""Glue between the edges and the core: settings + source -> report. No click here."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from danvan_sheets.config import Settings
from danvan_sheets.core.model import Report, Unit
from danvan_sheets.core.reader import read_tabs
from danvan_sheets.core.summary import build_report
from danvan_sheets.errors import ConfigError, SourceError
from danvan_sheets.registry import load_units
from danvan_sheets.sources import SourceData, SourceSpec, parse_spec


@dataclass
class Run:
    report: Report
    data: SourceData
    spec: SourceSpec
    units: list[Unit]


def resolve_spec(source: str | None, settings: Settings) -> SourceSpec:
    spec = source or settings.source.spec
    if not spec:
        raise ConfigError("Chưa chỉ ra nguồn dữ liệu. Hãy thêm --source (ví dụ --source xlsx:dang-ky.xlsx) hoặc ghi "
                          "[source] spec trong cấu hình.")
    parsed = parse_spec(spec)
    if not source and parsed.local and not Path(parsed.target).exists():
        # Said with where the path was read from: a relative path is the config file's folder, not the current one.
        raise SourceError(f"Không thấy nguồn {settings.where(Path(parsed.target))} (ghi ở [source] spec).")
    return parsed


def resolve_units(units_path: str | None, settings: Settings) -> list[Unit]:
    if units_path:
        return load_units(units_path)
    path = settings.source.units
    if path is not None and not path.exists():
        # Said with where the path was read from: a relative path is the config file's folder, not the current one.
        raise ConfigError(f"Không thấy danh sách đơn vị {settings.where(path)} (ghi ở [source] units).")
    return load_units(path) if path else []


def report_from_data(data: SourceData, units: list[Unit], settings: Settings, as_of: dt.date) -> Report:
    year = settings.campaign.year
    readings = read_tabs(data.tabs, year)
    report = build_report(units, readings, settings.campaign, as_of, data.notices)
    _point_at_real_sheets(report, data.tabs)
    return report


def _point_at_real_sheets(report: Report, tabs: list) -> None:
    """A unit cut out of a Form's responses sheet is named after the unit, but its cells are
    that sheet's: its problems say so, in the Lỗi nhập liệu sheet and for aggregate's notes."""
    sheets = {t.title: t.extra["cells_on"] for t in tabs if "cells_on" in t.extra}
    for v in report.units:
        if (sheet := sheets.get(v.tab or "")) is not None:
            v.problems = [dataclasses.replace(p, tab=sheet) if p.tab in (None, v.tab) else p for p in v.problems]


def read_source(spec: SourceSpec, settings: Settings) -> SourceData:
    return spec.read(settings)


def attach_history(settings: Settings, report: Report, data: SourceData, spec: SourceSpec, run_at: dt.datetime) -> None:
    """Store this pull in the history and add Đúng hạn/Trễ hạn and vanished rows to each verdict.

    A history that cannot be written (read-only folder, locked file) never stops a check:
    it becomes a notice, and the verdicts stand on what was read.
    """
    from danvan_sheets.errors import DanvanError
    from danvan_sheets.history import extra_reasons, record_and_compare
    from danvan_sheets.history.findings import lost_reason

    try:
        findings = record_and_compare(settings, report, data, run_at=run_at, source=str(spec))
    except DanvanError as exc:
        report.notices.append(f"Không ghi được lịch sử: {exc}")
        return
    notes = extra_reasons(findings)
    for v in report.units:
        h = findings.get(v.unit.code)
        if h is None:
            continue
        v.history = {"on_time": h.lateness.key, "on_time_label": h.on_time,
                     "disappeared": [d.name for d in h.disappeared], "notes": notes.get(v.unit.code, [])}
        # Lost rows need action from the unit, whatever its status: say so with the reasons.
        if lost := lost_reason(v.unit.code, h):
            v.reasons.append(lost)


def check_suffix(out: str, suffixes: tuple[str, ...]) -> None:
    """An --out file must be of a kind the command writes (a .csv name for an Excel file is a mistake)."""
    from pathlib import Path

    if suffixes and Path(out).suffix.lower() not in suffixes:
        allowed = suffixes[0] if len(suffixes) == 1 else f"{', '.join(suffixes[:-1])} hoặc {suffixes[-1]}"
        raise ConfigError(f"Tệp kết quả {out} phải có đuôi {allowed}.")


def guard_output(out: str | None, spec: SourceSpec, suffixes: tuple[str, ...] = (), required: bool = False) -> None:
    """Refuse an --out that would overwrite the registrations themselves (or land among them).

    Checked before anything is read, so a usage mistake costs no read and no history run.
    """
    if not out:
        if required and spec.local:
            raise ConfigError(f"Nguồn {spec} là tệp trên máy: hãy chỉ ra tệp kết quả bằng --out TỆP.xlsx.")
        return
    check_suffix(out, suffixes)
    if clash := spec.output_clash(out):
        raise ConfigError(clash)


def guard_sources(out: str, *specs: str | None) -> None:
    """guard_output for a file written beside the run rather than from it (restore, campaign new --carry):
    whatever --force allows, never over any of the registrations named (an option's, the config's)."""
    for spec in dict.fromkeys(s for s in specs if s):
        guard_output(out, parse_spec(spec))


def run(source: str | None, units_path: str | None, settings: Settings, as_of: dt.date, history: bool = True,
        out: str | None = None, out_suffixes: tuple[str, ...] = (), out_required: bool = False) -> Run:
    spec = resolve_spec(source, settings)
    guard_output(out, spec, out_suffixes, out_required)
    units = resolve_units(units_path, settings)
    data = read_source(spec, settings)
    report = report_from_data(data, units, settings, as_of)
    if history and not units:
        # Units named after their tabs would sit in the history beside the same units under
        # their real codes, and `history`/`restore` would find the wrong one.
        report.notices.append("Không ghi lịch sử khi chưa có danh sách đơn vị (--units): mã đơn vị lấy theo tên trang "
                              "sẽ lẫn với mã thật. Hãy chạy lại với --units để lần này được ghi.")
    elif history:
        attach_history(settings, report, data, spec, dt.datetime.now())
        attach_submission_times(settings, report, data)
    return Run(report, data, spec, units)


def attach_submission_times(settings: Settings, report: Report, data: SourceData) -> None:
    """Rows that say when they were sent (a Google Form's timestamps) decide Đúng hạn/Trễ hạn.

    The history can only say when the tool first saw a unit đạt; a Form knows when the
    answer that made it đạt came in. Units without such times keep the history's verdict.
    """
    submitted = {t.title: t.extra["submitted"] for t in data.tabs if "submitted" in t.extra}
    if not submitted:
        return
    from danvan_sheets.core.submissions import lateness_by_submission
    from danvan_sheets.history import grace_days
    from danvan_sheets.history.timeline import ON_TIME_LABELS, due_date

    due = due_date(report.campaign, grace_days(settings))
    for v in report.units:
        times = submitted.get(v.tab or "")
        if times is None:
            continue
        on_time = lateness_by_submission(v, times, report.campaign, report.as_of, due)
        if on_time is None and v.status == "dat":
            continue  # a row without a readable time: the history's judgement stands
        v.history = {"disappeared": [], "notes": [], **(v.history or {}),
                     "on_time": on_time, "on_time_label": ON_TIME_LABELS.get(on_time or "", "")}

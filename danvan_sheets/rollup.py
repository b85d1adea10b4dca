"""`danvan rollup` without click: read every Khối and district source, compile the province.

Each source goes through `pipeline.run` exactly as a `check` of it would: the same
reader, the same problems, its own history (the history keeps each source's runs
apart). A source that cannot be read is named and the others are compiled.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from danvan_sheets.config import RollupSettings, RollupSource, Settings
from danvan_sheets.core.duplicates import DEFAULT_THRESHOLD, candidates_of, find_duplicates
from danvan_sheets.core.rollup import Part, Rollup, infer_level
from danvan_sheets.errors import ConfigError, DanvanError


def from_settings(settings: Settings) -> RollupSettings:
    return settings.rollup


def from_options(specs: tuple[str, ...], units: tuple[str, ...], names: tuple[str, ...]) -> tuple[RollupSource, ...]:
    """--source/--units/--name given on the command line, paired in the order written."""
    if units and len(units) != len(specs):
        raise ConfigError(
            f"Có {len(specs)} --source nhưng {len(units)} --units: ghi mỗi nguồn một --units, theo đúng thứ tự "
            "(hoặc bỏ hẳn --units để nhận diện đơn vị theo tên trang)."
        )
    if names and len(names) != len(specs):
        raise ConfigError(
            f"Có {len(specs)} --source nhưng {len(names)} --name: ghi mỗi nguồn một --name, theo đúng thứ tự, "
            "hoặc bỏ hẳn --name để lấy tên theo tệp, thư mục, bảng tính."
        )
    return tuple(RollupSource(s, units[i] if units else None, names[i] if names else None) for i, s in enumerate(specs))


def default_name(spec) -> str:
    """A source's name when none is given: the workbook's or folder's name (a spreadsheet's title comes later)."""
    if spec.local:
        p = Path(spec.target)
        return (p.name if p.is_dir() else p.stem) or spec.target
    return spec.target


def _sheet_title(data) -> str | None:
    pulled = (data.extra or {}).get("pulled") if data is not None else None
    meta = getattr(pulled, "metadata", None) or {}
    return (meta.get("properties") or {}).get("title") or None


def _own_settings(settings):
    """The settings a part is run with: never the single Khối's [source] units.

    A part without its own units list is read as a `check` without one would be;
    falling back to [source] units would match a district's tabs against the Khối's units.
    """
    return dataclasses.replace(settings, source=dataclasses.replace(settings.source, units=None))


def validate(sources: tuple[RollupSource, ...], out_paths: list[tuple[str, tuple[str, ...]]]) -> None:
    """Everything checkable before reading: each spec, each units list, each --out against each source."""
    from danvan_sheets.pipeline import guard_output
    from danvan_sheets.registry import load_units
    from danvan_sheets.sources import parse_spec

    if not sources:
        raise ConfigError(
            "Chưa có nguồn nào để tổng hợp. Hãy ghi nhiều --source (mỗi Khối, huyện một nguồn) "
            "hoặc các mục [[rollup.sources]] trong cấu hình."
        )
    errors: list[str] = []
    seen: dict[str, int] = {}
    for i, s in enumerate(sources, start=1):
        try:
            spec = parse_spec(s.spec)
        except ConfigError as exc:
            errors.append(f"Nguồn {i}: {exc}")
            continue
        if str(spec) in seen:
            errors.append(f"Nguồn {i} ({spec}) trùng nguồn {seen[str(spec)]}: mỗi Khối, huyện chỉ ghi một lần.")
        seen.setdefault(str(spec), i)
        if s.units:
            try:
                load_units(s.units)
            except ConfigError as exc:
                errors.append(f"Nguồn {i} ({spec}): {exc}")
        for out, suffixes in out_paths:
            try:
                guard_output(out, spec, suffixes)
            except ConfigError as exc:
                errors.append(str(exc))
    if errors:
        raise ConfigError("\n".join(dict.fromkeys(errors)))


def compile_rollup(
    sources: tuple[RollupSource, ...],
    settings,
    as_of: dt.date,
    threshold: float = DEFAULT_THRESHOLD,
    history: bool = True,
    run=None,
) -> Rollup:
    """Run every source, then put them together. `run` is pipeline.run (injected by tests)."""
    from danvan_sheets.pipeline import run as pipeline_run
    from danvan_sheets.sources import parse_spec

    run = run or pipeline_run
    own = _own_settings(settings)
    parts: list[Part] = []
    for s in sources:
        spec = parse_spec(s.spec)
        name = s.name or default_name(spec)
        try:
            result = run(str(spec), s.units, own, as_of, history=history)
        except DanvanError as exc:
            parts.append(Part(name, s.level or infer_level(name), str(spec), error=str(exc), exit_code=exc.exit_code))
            continue
        if not s.name:  # a Google spreadsheet has a title of its own
            name = _sheet_title(result.data) or name
        parts.append(Part(name, s.level or infer_level(name), str(spec), report=result.report))
    _unique_names(parts)
    items = [c for p in parts if p.report is not None for c in candidates_of(p.name, p.report.units)]
    return Rollup(settings.campaign, as_of, parts, find_duplicates(items, threshold))


def _unique_names(parts: list[Part]) -> None:
    """Two sources named alike ("dang-ky-2023.xlsx" of two districts) get their spec beside the name."""
    counts: dict[str, int] = {}
    for p in parts:
        counts[p.name] = counts.get(p.name, 0) + 1
    for p in parts:
        if counts[p.name] > 1:
            p.name = f"{p.name} ({p.spec})"


def exit_code(r: Rollup, strict: bool = False) -> int:
    """3 (or 2) when a source failed, whatever else; 1 with --strict when units are short; else 0."""
    if r.failed:
        return max(p.exit_code for p in r.failed)
    return 1 if strict and r.flagged else 0


def failure_lines(r: Rollup) -> list[str]:
    ok = len(r.parts) - len(r.failed)
    lines = [f"Không đọc được nguồn “{p.name}” ({p.spec}): {p.error}" for p in r.failed]
    if r.failed:
        lines.append(
            f"Đã tổng hợp {ok}/{len(r.parts)} nguồn; số liệu toàn tỉnh chưa gồm {len(r.failed)} nguồn trên. "
            "Sửa nguồn lỗi rồi chạy lại."
        )
    return lines

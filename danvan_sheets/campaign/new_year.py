"""Next year's configuration from this year's, keeping its comments and layout (tomlkit).

What changes with the year: [campaign] year; every date in the file (the deadline, a mandatory
model's effective_from, review deadlines) moves on by the same number of years unless a new
deadline is given; quotas and the mandatory models are confirmed or changed by the caller;
[source] spec names this year's sheet, so it is set to the new one or commented out until
`danvan init` has made it. Everything else (units, Google, SMTP, history) stays: the history
keeps each year's runs apart by itself.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from danvan_sheets.core.model import UNIT_TYPES
from danvan_sheets.errors import ConfigError


@dataclass
class Mandatory:
    key: str
    name: str


@dataclass
class NewYear:
    """What `plan_new_year` decided, for the person to read, and the new file's text."""

    old_year: int
    year: int
    deadline: dt.date
    quotas: dict[str, int]
    kept: list[Mandatory]
    dropped: list[Mandatory]
    moved: list[tuple[str, object, object]] = field(default_factory=list)  # (key, old, new): dates and the title
    old_source: str = ""  # [source] spec of the old file, commented out in the new one
    source: str = ""  # the new [source] spec, if given
    has_rollup_sources: bool = False
    text: str = ""


def _shift(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February into a year without one
        return d.replace(year=d.year + years, day=28)


def mandatory_models(config_text: str) -> list[Mandatory]:
    data = tomllib.loads(config_text)
    items = data.get("mandatory", [])
    return [Mandatory(str(m.get("key", "")), str(m.get("name", ""))) for m in items if isinstance(m, dict)]


def current_year(config_text: str) -> int:
    try:
        year = tomllib.loads(config_text)["campaign"]["year"]
    except (KeyError, TypeError, tomllib.TOMLDecodeError):
        raise ConfigError(
            "Tệp cấu hình hiện tại không có [campaign] year: không biết năm nay để tạo năm sau."
        ) from None
    if isinstance(year, bool) or not isinstance(year, int):
        raise ConfigError(f"[campaign] year của tệp cấu hình hiện tại không phải một năm (đang là {year!r}).")
    return year


def check_new_year(old_year: int, year: int) -> None:
    if year <= old_year:
        raise ConfigError(f"Năm mới ({year}) phải sau năm của cấu hình hiện tại ({old_year}).")


def plan_new_year(config_text: str, year: int, *, deadline: dt.date | None = None,
                  quotas: dict[str, int] | None = None, drop: set[str] | frozenset[str] = frozenset(),
                  source: str = "") -> NewYear:
    """The new configuration's text and what changed. ConfigError when the result would not load."""
    import tomlkit
    from tomlkit.items import AoT, Date, DateTime, Table

    old_year = current_year(config_text)
    check_new_year(old_year, year)
    unknown = sorted(set(drop) - {m.key for m in mandatory_models(config_text)})
    if unknown:
        raise ConfigError(f"Không có mô hình bắt buộc mã “{unknown[0]}” trong cấu hình hiện tại. "
                          f"Các mã có: {', '.join(m.key for m in mandatory_models(config_text)) or '(không có)'}.")
    doc = tomlkit.parse(config_text)
    years = year - old_year
    moved: list[tuple[str, object, object]] = []

    def walk(node: Any, where: str) -> None:
        # Every date in the file is a date of this year's campaign (deadline, effective_from, review dates).
        items = node.items() if isinstance(node, (dict, Table)) else enumerate(node)
        for k, v in list(items):
            here = f"{where}.{k}" if where else str(k)
            if isinstance(v, DateTime):
                day = _shift(v.date(), years)
                stamp = v.replace(year=day.year, month=day.month, day=day.day)
                node[k] = stamp
                moved.append((here, v, stamp))
            elif isinstance(v, Date):
                new = _shift(v, years)
                node[k] = new
                moved.append((here, v, new))
            elif isinstance(v, (dict, Table, list, AoT)):
                walk(v, here)

    walk(doc, "")
    campaign = doc["campaign"]
    campaign["year"] = year
    old_deadline = next((old for k, old, _new in moved if k == "campaign.deadline"), None)
    if deadline is not None:
        campaign["deadline"] = deadline
        if old_deadline is None:
            moved.append(("campaign.deadline", campaign.get("deadline"), deadline))
        else:
            moved = [(k, o, deadline if k == "campaign.deadline" else n) for k, o, n in moved]
    title = campaign.get("title")
    if isinstance(title, str) and str(old_year) in title:
        campaign["title"] = title.replace(str(old_year), str(year))
        moved.append(("campaign.title", title, campaign["title"]))

    if quotas:
        if "quota" not in doc:
            doc["quota"] = tomlkit.table()
        for t, n in quotas.items():
            doc["quota"][t] = n

    kept = [m for m in mandatory_models(config_text) if m.key not in drop]
    dropped = [m for m in mandatory_models(config_text) if m.key in drop]
    gone = {f"mandatory.{i}." for i, m in enumerate(mandatory_models(config_text)) if m.key in drop}
    moved = [x for x in moved if not any(x[0].startswith(g) for g in gone)]

    old_source = ""
    src = doc.get("source")
    if source:
        if src is None:
            doc["source"] = tomlkit.table()
            src = doc["source"]
        old_source = str(src.get("spec", "")) if "spec" in src else ""
        src["spec"] = source
    elif src is not None and "spec" in src:
        old_source = str(src["spec"])

    rollup = doc.get("rollup")
    has_rollup = isinstance(rollup, (dict, Table)) and bool(rollup.get("sources"))
    text = tomlkit.dumps(doc)
    # Lines taken out as text, where they are: tomlkit keeps the comments before the next
    # table with the table above, so deleting through it would take the next section's comments along.
    if old_source and not source:
        text = _comment_out_spec(text, f"nguồn năm {old_year}; ghi nguồn năm {year} sau khi tạo bảng tính mới (danvan "
                                       "init --create …)")
    for m in dropped:
        text = _drop_mandatory(text, m.key)
    final = tomllib.loads(text)
    if (
        any(m.get("key") in drop for m in final.get("mandatory", []))
        or "spec" in final.get("source", {})
        and not source
    ):
        raise ConfigError("Không sửa được tệp cấu hình theo cách giữ nguyên chú thích; hãy sửa tay tệp mới.")
    result = NewYear(
        old_year, year, _as_date(final["campaign"]["deadline"]),
        {t: int(final.get("quota", {}).get(t, 0)) for t in UNIT_TYPES if t in final.get("quota", {})},
        kept, dropped, moved, old_source, source, has_rollup, text,
    )
    check_loads(text)
    return result


_HEADER = re.compile(r"^\s*\[")


def _section_lines(lines: list[str], header: re.Pattern[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if header.match(line)]


def _comment_out_spec(text: str, note: str) -> str:
    lines = text.splitlines(keepends=True)
    for start in _section_lines(lines, re.compile(r"^\s*\[source\]\s*(#.*)?$")):
        i = start + 1
        while i < len(lines) and not _HEADER.match(lines[i]):
            if re.match(r"^\s*spec\s*=", lines[i]):
                lines[i] = f"# {lines[i].strip()}  # {note}\n"
                return "".join(lines)
            i += 1
    return text


def _drop_mandatory(text: str, key: str) -> str:
    """Remove one [[mandatory]] item: its header through its own comments, up to the first blank line."""
    lines = text.splitlines(keepends=True)
    for start in _section_lines(lines, re.compile(r"^\s*\[\[mandatory\]\]")):
        end = start + 1
        while end < len(lines) and lines[end].strip() and not _HEADER.match(lines[end]):
            end += 1
        if any(re.match(rf"^\s*key\s*=\s*[\"']{re.escape(key)}[\"']", line) for line in lines[start:end]):
            if end < len(lines) and not lines[end].strip():
                end += 1  # and the blank line after it
            return "".join(lines[:start] + lines[end:])
    return text


def _as_date(v: object) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def check_loads(text: str, path: Path | None = None) -> None:
    """The new file must load as a configuration, so a mistake is said now rather than next spring."""
    from danvan_sheets.config import parse_settings

    parse_settings(tomllib.loads(text), path)


def default_out(config_path: Path, old_year: int, year: int) -> Path:
    """danvan-2023.toml -> danvan-2024.toml; danvan.toml -> danvan-2024.toml, beside the current file."""
    name = config_path.name
    if str(old_year) in name:
        return config_path.with_name(name.replace(str(old_year), str(year)))
    stem = re.sub(r"[-_ ]?$", "", config_path.stem)
    return config_path.with_name(f"{stem}-{year}{config_path.suffix or '.toml'}")


def write_new_config(plan: NewYear, out: Path, force: bool = False) -> Path:
    from danvan_sheets.atomic import write_atomic
    from danvan_sheets.errors import os_reason

    if out.exists() and not force:
        raise ConfigError(
            f"Tệp {out} đã có. Hãy chọn tên khác bằng --out, hoặc thêm --force nếu chắc chắn muốn ghi đè."
        )
    try:
        return write_atomic(out, plan.text)
    except OSError as exc:
        raise ConfigError(f"Không ghi được {out}: {os_reason(exc)}.") from None

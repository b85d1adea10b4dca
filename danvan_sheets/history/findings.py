"""History findings as text for the summary and `check`: pure, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from danvan_sheets.core.messages import cli_arg
from danvan_sheets.core.model import FIELD_SHORT
from danvan_sheets.core.tables import HISTORY_COLUMNS as COLUMNS  # noqa: F401 - re-exported
from danvan_sheets.history.store import Damage, RunRecord, Snapshot, damage_text
from danvan_sheets.history.timeline import DisappearedRow, Lateness


@dataclass
class UnitHistory:
    code: str
    lateness: Lateness
    disappeared: list[DisappearedRow] = field(default_factory=list)
    # The last snapshot that had the unit's tab (and its rows), when this run found no tab for it at all.
    tab_gone: Snapshot | None = None
    tab_gone_rows: int = 0

    @property
    def on_time(self) -> str:
        """`Đúng hạn`, `Trễ hạn`, or "" while the unit has not met its quota and the deadline has not passed."""
        return self.lateness.label


@dataclass
class HistoryFindings:
    run: RunRecord
    units: dict[str, UnitHistory]  # by unit code
    tabs_are_files: bool = False  # a dir: source: a unit's "tab" is its file
    damaged: list[Damage] = field(default_factory=list)  # rows of the database that could not be read
    skipped: list[str] = field(default_factory=list)  # units left without findings because of them

    def get(self, code: str) -> UnitHistory | None:
        return self.units.get(code)


def _when(t: dt.datetime) -> str:
    return f"{t:%H:%M} ngày {t:%d/%m/%Y}"


def damaged_notice(findings: HistoryFindings, path: object = "") -> str:
    codes = findings.skipped
    shown = ", ".join(codes[:8]) + (f" và {len(codes) - 8} đơn vị khác" if len(codes) > 8 else "")
    return (f"{damage_text(findings.damaged)} Lần này không xét thời hạn và mô hình bị xóa của {len(codes)} đơn vị "
            f"({shown}); "
            f"kết quả kiểm tra vẫn theo đúng những gì đọc được (lịch sử: {path}).")


def lost_reason(code: str, h: UnitHistory) -> str | None:
    if not h.disappeared:
        return None
    first = h.disappeared[0]
    names = "; ".join(
        f"“{d.name}”" + (f" ({FIELD_SHORT[d.field]})" if d.field in FIELD_SHORT else "") for d in h.disappeared[:5]
    )
    more = f" và {len(h.disappeared) - 5} mô hình khác" if len(h.disappeared) > 5 else ""
    return (
        f"{len(h.disappeared)} mô hình đã bị xóa khỏi trang tính (phát hiện lúc {_when(first.noticed_at)}): "
        f"{names}{more}. "
        f"Bản cũ vẫn còn: danvan restore {cli_arg(code)} --at \"{first.restore_at:%Y-%m-%d %H:%M:%S}\" --out "
        "khoi-phuc.xlsx"
    )


def gone_reason(code: str, h: UnitHistory, files: bool = False) -> str | None:
    last = h.tab_gone
    if last is None:
        return None
    what = "tệp" if files else "trang"
    return (
        f"Lần này không thấy {what} của đơn vị; lần gần nhất thấy là lúc {_when(last.run_at)} ({what} “{last.tab}”, "
        f"{h.tab_gone_rows} dòng đăng ký, {last.models} mô hình được tính). Nếu {what} bị xóa nhầm, bản cũ vẫn còn: "
        f"danvan restore {cli_arg(code)} --at \"{last.run_at:%Y-%m-%d %H:%M:%S}\" --out khoi-phuc.xlsx"
    )


def late_reason(h: UnitHistory) -> str | None:
    lt = h.lateness
    if lt.key != "tre_han":
        return None
    if lt.met_at is not None:
        return f"Đạt chỉ tiêu lúc {_when(lt.met_at)}, sau hạn {lt.due:%d/%m/%Y}."
    return f"Đã quá hạn {lt.due:%d/%m/%Y} mà chưa đạt chỉ tiêu."


def extra_reasons(findings: HistoryFindings) -> dict[str, list[str]]:
    """Unit code -> reasons to append to that unit's verdict (lost rows first: they need action)."""
    out: dict[str, list[str]] = {}
    for code, h in findings.units.items():
        reasons = [
            r for r in (lost_reason(code, h), gone_reason(code, h, findings.tabs_are_files), late_reason(h)) if r
        ]
        if reasons:
            out[code] = reasons
    return out

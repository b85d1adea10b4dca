"""The state of the scheduled aggregation (JSON): the last success and the run of failures since.

Rewritten atomically and only under the run lock; a damaged or missing file reads as "no state"
(it must never stop the run it describes).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from danvan_sheets.atomic import write_atomic


@dataclass
class Outcome:
    """One run as the log line and the state see it."""

    exit_code: int
    source: str = ""
    units: int | None = None
    flagged: int | None = None
    requests: int | None = None
    duration: float = 0.0
    message: str = ""
    ok: bool = False
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    def line(self) -> str:
        def n(v: int | None) -> str:
            return "-" if v is None else str(v)

        text = " ".join([
            "tổng hợp xong" if self.ok else "tổng hợp lỗi",
            f"nguồn={self.source or '-'}",
            f"đơn_vị={n(self.units)}",
            f"cần_bổ_sung={n(self.flagged)}",
            f"yêu_cầu={n(self.requests)}",
            f"thời_gian={self.duration:.2f}s",
            f"mã_thoát={self.exit_code}",
        ])
        if self.message:
            text += " — " + " ".join(self.message.split())
        return text


def read_state(path: Path) -> dict[str, Any]:
    """The state, or {} when missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(path: Path, state: dict[str, Any]) -> None:
    """Atomic: a reader sees the old state or the new one. OSError when it cannot be written."""
    write_atomic(path, json.dumps(state, ensure_ascii=False, indent=2))


def record_success(path: Path, outcome: Outcome) -> None:
    state = read_state(path)
    state["last_success"] = {
        "at": outcome.at.isoformat(),
        "source": outcome.source,
        "units": outcome.units,
        "flagged": outcome.flagged,
        "requests": outcome.requests,
        "duration": round(outcome.duration, 3),
    }
    state["failures"] = 0
    state["alerted"] = False
    state.pop("last_failure", None)
    write_state(path, state)


def record_failure(path: Path, outcome: Outcome, alert_after: int) -> tuple[int, bool]:
    """-> (consecutive failures now, whether the alert is due now). The last-success marker is left alone."""
    state = read_state(path)
    failures = int(state.get("failures", 0) or 0) + 1
    state["failures"] = failures
    state["last_failure"] = {"at": outcome.at.isoformat(), "source": outcome.source,
                             "exit_code": outcome.exit_code, "message": outcome.message}
    due = bool(alert_after) and failures >= alert_after and not state.get("alerted")
    write_state(path, state)
    return failures, due


def mark_alerted(path: Path) -> None:
    state = read_state(path)
    state["alerted"] = True
    write_state(path, state)


def when_text(iso: Any) -> str | None:
    try:
        at = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    return f"{at:%H:%M} ngày {at:%d/%m/%Y}"


def last_success_phrase(last: Any) -> str | None:
    if not isinstance(last, dict) or not (when := when_text(last.get("at"))):
        return None
    counts = []
    if isinstance(last.get("units"), int):
        counts.append(f"{last['units']} đơn vị")
    if isinstance(last.get("flagged"), int):
        counts.append(f"{last['flagged']} đơn vị cần bổ sung")
    tail = f" ({', '.join(counts)})" if counts else ""
    return f"Lần tổng hợp thành công gần nhất: {when}{tail}."


def last_success_text(settings: Any) -> str | None:
    """For `danvan doctor`. E.g. "Lần tổng hợp thành công gần nhất: 14:30 ngày 01/12/2026 (16 đơn vị,
    6 đơn vị cần bổ sung)." plus the failures since, if any. None when aggregate never ran with this config."""
    from danvan_sheets.config import data_files

    state = read_state(data_files(settings).state)
    if not state:
        return None
    text = last_success_phrase(state.get("last_success"))
    failures = state.get("failures", 0)
    last_failure = state.get("last_failure")
    if not isinstance(last_failure, dict):
        last_failure = {}
    if isinstance(failures, int) and failures > 0:
        when = when_text(last_failure.get("at"))
        why = " ".join(str(last_failure.get("message") or "").split()).rstrip(".")
        detail = f" (gần nhất {when}: {why})" if when and why else ""
        more = f"{failures} lần tổng hợp lỗi liên tiếp{detail}."
        text = (f"{text} Sau đó có {more}" if text
                else f"Chưa có lần tổng hợp nào thành công; {more[0].lower()}{more[1:]}")
    return text

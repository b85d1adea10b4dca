"""The year-end review: each unit's result form read, checked against what it registered, scored.

Pure like the rest of core/: grids in, plain data out. The registered models come from the
registration report (core.summary.build_report); the result forms are a second set of tabs,
one per unit, read here. Every non-empty row of a result form ends as a model's result or as
a problem with its cell; every registered model ends reported or named as not reported.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from danvan_sheets.core import sections
from danvan_sheets.core.cells import a1, col_letters
from danvan_sheets.core.model import FIELDS, UNIT_TYPES, Entry, Problem, Report, Unit
from danvan_sheets.core.text import cell_text, clean, fold, key

# --- configuration ([review]) -------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    points: float


@dataclass(frozen=True)
class ReviewSettings:
    """[review]: the scoring criteria, the pass mark and the two review deadlines."""

    criteria: tuple[Criterion, ...] = ()
    pass_mark: float = 75
    # Used for "Tổng điểm" when no criteria are configured.
    max_points: float = 100
    mid_year_deadline: dt.date | None = None
    year_end_deadline: dt.date | None = None
    remind_days_before: int = 7
    # The result forms' source (like [source] spec), so scheduled runs and `remind` need no --results.
    results: str = ""

    @property
    def total_points(self) -> float:
        return sum(c.points for c in self.criteria) if self.criteria else self.max_points


# --- progress -----------------------------------------------------------------------------------

PROGRESS = ("chua_trien_khai", "dang_trien_khai", "hoan_thanh")
PROGRESS_LABELS = {
    "chua_trien_khai": "Chưa triển khai",
    "dang_trien_khai": "Đang triển khai",
    "hoan_thanh": "Hoàn thành",
}
_PROGRESS_RE = [
    ("chua_trien_khai", re.compile(r"^(?:chua|khong)\s+(?:trien khai|thuc hien|bat dau|lam)")),
    ("hoan_thanh", re.compile(r"^(?:da\s+)?(?:hoan thanh|xong|ket thuc)")),
    ("dang_trien_khai", re.compile(r"^(?:dang|da)\s+(?:trien khai|thuc hien|lam)")),
]
PROGRESS_HINT = "Hãy ghi một trong: Chưa triển khai, Đang triển khai, Hoàn thành."


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def parse_progress(text: str) -> str | None:
    folded = fold(text).strip(" .")
    return next((k for k, p in _PROGRESS_RE if p.match(folded)), None)


# --- the form's columns -------------------------------------------------------------------------

# The form's own header titles (writers/results_form.py lays them out with these words).
HEADER_STT = "Stt"
HEADER_NAME = "Tên mô hình"
HEADER_FIELD = "Lĩnh vực"
HEADER_DONE = "Thời gian hoàn thành (đã đăng ký)"
HEADER_PROGRESS = "Tiến độ"
HEADER_WORDS = "Kết quả đạt được (nêu bằng lời)"
HEADER_FIGURES = "Kết quả bằng số liệu"
HEADER_TOTAL = "Tổng điểm"


def criterion_header(c: Criterion) -> str:
    return f"{c.name} (tối đa {c.points:g} điểm)"


_COLUMN_RE = [
    ("stt", re.compile(r"^(?:stt|tt|so tt|so thu tu)$")),
    ("name", re.compile(r"^(?:ten\s+)?(?:mo hinh|dien hinh)")),
    ("field", re.compile(r"^linh vuc")),
    ("done", re.compile(r"^thoi gian hoan thanh|^(?:tg|t/g)\s*hoan thanh")),
    ("progress", re.compile(r"^tien do|^tinh trang|^muc do (?:trien khai|thuc hien)")),
    ("figures", re.compile(r"^ket qua.*(?:so lieu|con so|dinh luong)|^so lieu")),
    ("words", re.compile(r"^ket qua")),
    ("total", re.compile(r"^tong (?:so )?diem|^tong cong diem")),
]


def _column_kind(text: str, criteria: dict[str, str]) -> str | None:
    folded = re.sub(r"\(\s*\d+\s*\)", "", fold(text)).strip(" :.*")
    k = key(text)
    # A criterion's own name wins: "Kết quả, hiệu quả thiết thực" is a criterion, not the results column.
    for ck, needle in criteria.items():
        if needle and (k.startswith(needle) or needle in k):
            return f"score:{ck}"
    return next((kind for kind, p in _COLUMN_RE if p.search(folded)), None)


# --- reading one result form --------------------------------------------------------------------


@dataclass
class ResultRow:
    """One model's line of a result form, as read."""

    row: int  # 1-based, as the unit sees it
    name: str
    cells: dict[str, str]  # column kind -> A1 cell
    progress: str | None = None
    words: str = ""
    figures: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    total: float | None = None  # the scores' sum, or the Tổng điểm cell when no criterion is scored
    has_error: bool = False
    # Only the pre-filled part (Stt, name, field, registered date): the unit has not reported it yet.
    empty: bool = False


@dataclass
class ResultReading:
    """What was read out of one unit's result form (same shape core.summary.match_tabs expects)."""

    title: str
    rows: list[ResultRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    declared_unit: str | None = None
    header_row: int | None = None
    # Where a missing model's line belongs: the name cell of the row under the last one read.
    next_name_cell: str | None = None


def _filled(rows: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> list[list[Any]]:
    """Each cell a merge covers takes the top-left value (a model name merged over two rows)."""
    if not merges:
        return rows
    out = [list(r) for r in rows]
    for r0, r1, c0, c1 in merges:
        if r0 >= len(out) or c0 >= len(out[r0]):
            continue
        v = out[r0][c0]
        for r in range(r0, min(r1, len(out))):
            for c in range(c0, c1):
                if (r, c) == (r0, c0):
                    continue
                row = out[r]
                if c >= len(row):
                    row.extend([None] * (c + 1 - len(row)))
                if row[c] is None or row[c] == "":
                    row[c] = v
    return out


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.strftime("%d/%m/%Y")
    return clean(cell_text(v))


_NUMBER = re.compile(r"^(\d{1,4})(?:[.,](\d{1,3}))?(?:\s*(?:diem|d))?$")


def parse_score(v: Any) -> tuple[float | None, bool]:
    """(score, readable). Blank is (None, True); "25", "25,5", "25 điểm" and numbers are read."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, True
    if isinstance(v, bool):
        return None, False
    if isinstance(v, (int, float)):
        return (float(v), True) if math.isfinite(v) else (None, False)
    m = _NUMBER.match(fold(cell_text(v)).strip())
    if not m:
        return None, False
    return float(f"{m[1]}.{m[2] or 0}"), True


def _problem(code: str, severity: str, text: str, r: int, c: int, tab: str, value: Any = None) -> Problem:
    shown = None if value is None or value == "" else _text(value)
    return Problem(code, severity, text, cell=a1(r, c), row=r + 1, column=col_letters(c), value=shown, tab=tab)  # type: ignore[arg-type]


def _at_cell(code: str, severity: Literal["error", "warning"], text: str, cell: str | None, row: int | None,
             tab: str, value: str | None) -> Problem:
    """A problem about the cell `cell` ("C7") of the report tab `tab`."""
    return Problem.at(code, severity, text, cell, row, tab, value)


def _criteria_needles(review: ReviewSettings) -> dict[str, str]:
    return {c.key: key(c.name) for c in review.criteria}


def find_header(texts: list[list[str]], review: ReviewSettings) -> tuple[int, dict[str, int]] | None:
    needles = _criteria_needles(review)
    for r, row in enumerate(texts[:60]):
        kinds: dict[str, int] = {}
        for c, t in enumerate(row):
            if not t or len(t) > 160:
                continue
            kind = _column_kind(t, needles)
            if kind and kind not in kinds:
                kinds[kind] = c
        if "name" in kinds and "progress" in kinds:
            return r, kinds
    return None


def read_result_tab(title: str, rows: Any, review: ReviewSettings, merges: list | None = None) -> ResultReading:
    """One unit's result form -> its model lines and problems. Never raises on any grid."""
    reading = ResultReading(title=title)
    try:
        _read(reading, rows if isinstance(rows, list) else [], review, merges or [])
    except Exception:  # noqa: BLE001 - one odd grid must never stop the review of the others
        reading.rows = []
        reading.problems.append(Problem("unreadable_tab", "error", "Không đọc được biểu báo cáo này. Hãy giữ đúng dòng "
                                        "tiêu đề và các cột theo mẫu.", cell="A1", tab=title))
    return reading


def _read(reading: ResultReading, rows: list, review: ReviewSettings, merges: list) -> None:
    title = reading.title
    grid = _filled([list(r) if isinstance(r, (list, tuple)) else [r] for r in rows], merges)
    texts = [[_text(v) for v in row] for row in grid]
    found = find_header(texts, review)
    for row in texts[: found[0] if found else 15]:
        for c, t in enumerate(row):
            name = sections.unit_line(t) if t else None
            if name == "":
                name = next((k for k in row[c + 1:] if k), "")
            if name and reading.declared_unit is None:
                reading.declared_unit = name
    if found is None:
        if any(any(row) for row in texts):
            reading.problems.append(Problem(
                "missing_header", "error", f"Không tìm thấy dòng tiêu đề của biểu báo cáo kết quả ({HEADER_NAME}, "
                f"{HEADER_PROGRESS}, {HEADER_WORDS}…). Hãy dùng biểu mẫu do Ban Tuyên giáo gửi.", cell="A1", tab=title))
        return
    header, cols = found
    reading.header_row = header + 1
    for crit in review.criteria:
        if f"score:{crit.key}" not in cols and "total" not in cols:
            reading.problems.append(_problem(
                "missing_score_column", "warning",
                f"Biểu thiếu cột chấm điểm “{criterion_header(crit)}”; mô hình chưa chấm được theo tiêu chí này.",
                header, cols["name"], title))
    c_name = cols["name"]
    c_stt = cols.get("stt")
    last = header
    for r in range(header + 1, len(texts)):
        row = texts[r]
        if len(row) <= max(cols.values()):
            row = row + [""] * (max(cols.values()) + 1 - len(row))
        used = [row[c] for c in cols.values()]
        if not any(used):
            continue
        name = row[c_name]
        stt = row[c_stt] if c_stt is not None else ""
        if sections.is_notes(stt or name):
            break
        if len(name) <= 4 and sections.is_numbering_row(used):
            continue
        if sections.is_total(name) or (stt and sections.is_total(stt)):
            continue
        if name and (found_section := sections.section_title(name)) and not found_section[1]:
            continue  # a section line "I. Lĩnh vực kinh tế"
        if not name or sections.is_placeholder(name):
            data = [row[c] for k, c in cols.items() if k not in _PREFILLED]
            if any(data):
                reading.problems.append(_problem("missing_name", "error", "Dòng có kết quả nhưng chưa có tên mô hình. "
                                                 "Hãy ghi đúng tên mô hình đã đăng ký vào ô này.", r, c_name, title))
            continue
        reading.rows.append(_read_row(r, row, grid[r], cols, review, title, reading.problems))
        last = r
    reading.next_name_cell = a1(last + 1, c_name)


_PREFILLED = ("stt", "name", "field", "done")


def _read_row(r: int, row: list[str], values: list, cols: dict[str, int], review: ReviewSettings, title: str,
              problems: list[Problem]) -> ResultRow:
    out = ResultRow(row=r + 1, name=row[cols["name"]], cells={k: a1(r, c) for k, c in cols.items()})
    if not any(row[c] for k, c in cols.items() if k not in _PREFILLED):
        out.empty = True
        return out
    mine: list[Problem] = []
    c = cols["progress"]
    if not row[c]:
        mine.append(_problem("missing_progress", "error", f"Chưa ghi tiến độ. {PROGRESS_HINT}", r, c, title))
    elif (p := parse_progress(row[c])) is None:
        mine.append(_problem("invalid_progress", "error", f"Tiến độ “{_short(row[c])}” không rõ. {PROGRESS_HINT}",
                             r, c, title, row[c]))
    else:
        out.progress = p
    if "words" in cols:
        out.words = row[cols["words"]]
    if "figures" in cols:
        out.figures = row[cols["figures"]]

    def value(c: int) -> Any:
        return values[c] if c < len(values) else None

    for crit in review.criteria:
        col = cols.get(f"score:{crit.key}")
        if col is None:
            continue
        score, ok = parse_score(value(col))
        if not ok:
            mine.append(
                _problem(
                    "invalid_score",
                    "error",
                    f"Điểm “{_short(row[col])}” không phải một số. Hãy ghi số điểm từ 0 đến {crit.points:g}.",
                    r,
                    col,
                    title,
                    value(col),
                )
            )
        elif score is not None and not 0 <= score <= crit.points:
            mine.append(_problem("score_out_of_range", "error", f"Điểm {score:g} ngoài thang điểm của tiêu chí "
                                 f"“{crit.name}” (từ 0 đến {crit.points:g}).", r, col, title, value(col)))
        elif score is not None:
            out.scores[crit.key] = score
    c_total = cols.get("total")
    written, ok = parse_score(value(c_total)) if c_total is not None else (None, True)
    top = review.total_points
    if c_total is not None and not ok:
        mine.append(_problem("invalid_score", "error", f"Tổng điểm “{_short(row[c_total])}” không phải một số.",
                             r, c_total, title, value(c_total)))
    elif written is not None and not 0 <= written <= top:
        mine.append(_problem("score_out_of_range", "error", f"Tổng điểm {written:g} ngoài thang điểm (từ 0 đến "
                                                            f"{top:g}).",
                             r, c_total, title, value(c_total)))  # type: ignore[arg-type]
        written = None
    if out.scores:
        total = sum(out.scores.values())
        scored_all = len(out.scores) == len(review.criteria)
        # A criterion left blank; one with a bad score already has its own problem in that cell.
        bad = {p.cell for p in mine}
        blank = [cr for cr in review.criteria if cr.key not in out.scores
                 and (col := cols.get(f"score:{cr.key}")) is not None and a1(r, col) not in bad]
        if not scored_all and blank:
            left = [cr.name for cr in blank]
            where = cols.get(f"score:{blank[0].key}", cols["name"])
            mine.append(_problem("incomplete_scores", "warning", f"Chưa chấm đủ các tiêu chí (còn: {'; '.join(left)}); "
                                 "mô hình chưa được xét công nhận.", r, where, title))
        if not scored_all:
            out.total = None
        else:
            out.total = total
            if written is not None and abs(written - total) > 1e-9 and c_total is not None:
                mine.append(_problem("total_mismatch", "warning", f"Tổng điểm ghi {written:g} khác tổng các tiêu chí "
                                     f"{total:g}; công cụ dùng {total:g}.", r, c_total, title, value(c_total)))
    elif written is not None:
        out.total = written
    if mine:
        problems.extend(mine)
        out.has_error = any(p.severity == "error" for p in mine)
    return out


# --- the review of the whole Khối ---------------------------------------------------------------


@dataclass
class ModelReview:
    """A registered or reported model, with what its unit reported and its score."""

    unit: Unit
    name: str
    field: str | None
    registered: Entry | None
    result: ResultRow | None
    overdue: bool = False

    @property
    def progress(self) -> str | None:
        return self.result.progress if self.result else None

    @property
    def total(self) -> float | None:
        return self.result.total if self.result else None

    def recognised(self, review: ReviewSettings) -> bool:
        # A line with an error (a progress nobody can read, a score off the scale) waits until it is fixed.
        r = self.result
        return (self.registered is not None and r is not None and not r.has_error and r.total is not None
                and r.total >= review.pass_mark)

    def to_dict(self, review: ReviewSettings) -> dict:
        r = self.result
        return {
            "name": self.name,
            "field": self.field,
            "registered": self.registered is not None,
            "registered_row": self.registered.row if self.registered else None,
            "done": self.registered.done.to_dict() if self.registered and self.registered.done else None,
            "reported": r is not None,
            "row": r.row if r else None,
            "progress": r.progress if r else None,
            "results": r.words if r else "",
            "figures": r.figures if r else "",
            "scores": dict(r.scores) if r else {},
            "total": r.total if r else None,
            "overdue": self.overdue,
            "recognised": self.recognised(review),
        }


UNIT_STATUSES = ("du", "can_bo_sung", "chua_bao_cao")
UNIT_STATUS_LABELS = {"du": "Đã báo cáo đủ", "can_bo_sung": "Cần bổ sung", "chua_bao_cao": "Chưa báo cáo"}


@dataclass
class UnitReview:
    unit: Unit
    tab: str | None
    status: str
    models: list[ModelReview]
    problems: list[Problem]
    reasons: list[str]
    tab_url: str | None = None

    def to_dict(self, review: ReviewSettings) -> dict:
        return {
            "code": self.unit.code, "name": self.unit.name, "type": self.unit.type, "tab": self.tab,
            "status": self.status, "reasons": list(self.reasons),
            "models": [m.to_dict(review) for m in self.models],
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass
class YearReview:
    year: int
    as_of: dt.date
    review: ReviewSettings
    units: list[UnitReview]
    unknown_tabs: list[str]
    totals: dict
    notices: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[UnitReview]:
        return [u for u in self.units if u.status != "du"]

    def recognised(self) -> list[ModelReview]:
        """The commendation list: best score first, then unit and name as registered."""
        order = {u.unit.code: i for i, u in enumerate(self.units)}
        found = [m for u in self.units for m in u.models if m.recognised(self.review)]
        return sorted(
            found, key=lambda m: (-(m.total or 0), order[m.unit.code], m.registered.row if m.registered else 0)
        )

    def to_dict(self) -> dict:
        r = self.review
        return {
            "campaign": {"year": self.year, "as_of": self.as_of.isoformat()},
            "scoring": {"criteria": [{"key": c.key, "name": c.name, "points": c.points} for c in r.criteria],
                        "total_points": r.total_points, "pass_mark": r.pass_mark},
            "units": [u.to_dict(r) for u in self.units],
            "recognised": [{"code": m.unit.code, "unit": m.unit.name, "type": m.unit.type, "name": m.name,
                            "field": m.field, "total": m.total} for m in self.recognised()],
            "unknown_tabs": list(self.unknown_tabs),
            "totals": self.totals,
            "notices": list(self.notices),
        }


NOTHING_REGISTERED = ("Đơn vị không có mô hình nào đăng ký hợp lệ đầu năm, nên không có gì để báo cáo; "
                      "xem lại đăng ký của đơn vị.")


def registered_models(entries: list[Entry]) -> list[Entry]:
    """What a unit registered: every model row read without error, once (the mandatory models included)."""
    return [e for e in entries if not e.has_error and not e.duplicate]


def _month_end(ym: tuple[int, int]) -> dt.date:
    y, m = ym
    return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)


def _review_unit(verdict_entries: list[Entry], unit: Unit, reading: ResultReading | None, review: ReviewSettings,
                 as_of: dt.date, missing: str) -> UnitReview:
    registered = registered_models(verdict_entries)
    if reading is None:
        return UnitReview(unit, None, "chua_bao_cao", [ModelReview(unit, e.name, e.field, e, None) for e in registered],
                          [], [missing])
    problems = list(reading.problems)
    by_key: dict[str, Entry] = {}
    for e in registered:
        by_key.setdefault(key(e.name), e)
    seen: dict[str, ResultRow] = {}
    models: list[ModelReview] = []
    extra: list[ModelReview] = []
    for row in reading.rows:
        k = key(row.name)
        cell = row.cells.get("name")
        if k in seen:
            problems.append(
                _at_cell(
                    "duplicate_result",
                    "warning",
                    f"Mô hình “{_short(row.name)}” đã báo cáo ở dòng "
                    f"{seen[k].row}; chỉ lấy dòng đó. Hãy xóa dòng trùng.",
                    cell,
                    row.row,
                    reading.title,
                    row.name,
                )
            )
            continue
        seen[k] = row
        if k not in by_key:
            problems.append(
                _at_cell(
                    "not_registered",
                    "error",
                    f"Mô hình “{_short(row.name)}” không có trong đăng ký đầu năm "
                    "của đơn vị. Hãy ghi đúng tên đã đăng ký (xem biểu mẫu Ban Tuyên giáo gửi); mô hình "
                    "chưa đăng ký không được chấm điểm.",
                    cell,
                    row.row,
                    reading.title,
                    row.name,
                )
            )
            extra.append(ModelReview(unit, row.name, None, None, row))
    for e in registered:
        found = seen.get(key(e.name))
        m = ModelReview(unit, e.name, e.field, e, None if found is None or found.empty else found)
        if found is None:
            problems.append(
                Problem(
                    "not_reported",
                    "error",
                    f"Mô hình đã đăng ký “{_short(e.name)}” chưa có kết quả. Hãy "
                    f"thêm một dòng ghi đúng tên mô hình (ví dụ ở ô {reading.next_name_cell}) và tiến độ, "
                    "kết quả.",
                    cell=reading.next_name_cell,
                    tab=reading.title,
                    value=e.name,
                )
            )
        elif found.empty:
            cell = found.cells.get("progress")
            problems.append(
                _at_cell(
                    "not_reported",
                    "error",
                    f"Mô hình “{_short(e.name)}” chưa có kết quả. Hãy ghi tiến độ "
                    f"vào ô {cell} và kết quả vào các cột bên cạnh.",
                    cell,
                    found.row,
                    reading.title,
                    e.name,
                )
            )
        elif (
            e.done is not None
            and _month_end(e.done.end) < as_of
            and found.progress in ("chua_trien_khai", "dang_trien_khai")
        ):
            m.overdue = True
            cell = found.cells.get("progress")
            problems.append(
                _at_cell(
                    "overdue",
                    "warning",
                    f"Đã quá thời gian hoàn thành đăng ký ({e.done.label()}) mà tiến "
                    f"độ vẫn là “{PROGRESS_LABELS[found.progress]}”. Hãy cập nhật tiến độ, hoặc ghi lý do "
                    "chậm vào cột kết quả.",
                    cell,
                    found.row,
                    reading.title,
                    None,
                )
            )
        models.append(m)
    models.extend(extra)
    problems.sort(key=lambda p: (p.row or 10**9, p.column or "", p.code))

    reasons: list[str] = []
    unreported = [m for m in models if m.registered is not None and m.result is None]
    if not reading.rows and reading.header_row is None:
        reasons.append("Không đọc được biểu báo cáo: thiếu dòng tiêu đề (Tên mô hình, Tiến độ, Kết quả…).")
    elif not registered and not extra:
        # Nothing to report because nothing was registered: "Đã báo cáo đủ" would tell staff the unit did its part.
        return UnitReview(unit, reading.title, "chua_bao_cao", models, problems, [NOTHING_REGISTERED])
    elif registered and len(unreported) == len(registered) and not extra:
        # The blank form as it was sent: nothing reported yet, which is not a mistake to fix cell by cell.
        return UnitReview(unit, reading.title, "chua_bao_cao", models, problems,
                          [f"Biểu báo cáo chưa ghi kết quả nào ({len(registered)} mô hình đã đăng ký)."])
    elif unreported:
        reasons.append(f"Còn {len(unreported)}/{len(registered)} mô hình đã đăng ký chưa báo cáo kết quả.")
    if extra:
        reasons.append(f"{len(extra)} mô hình không có trong đăng ký (tên ghi khác tên đã đăng ký?).")
    errors = sorted(
        {
            p.row
            for p in problems
            if p.severity == "error" and p.code not in ("not_reported", "not_registered") and p.row
        }
    )
    if errors:
        reasons.append(f"{len(errors)} dòng có lỗi cần sửa (dòng {', '.join(map(str, errors[:10]))}"
                       f"{'…' if len(errors) > 10 else ''}).")
    overdue = [m for m in models if m.overdue]
    if overdue:
        reasons.append(f"{len(overdue)} mô hình đã quá thời gian hoàn thành mà chưa hoàn thành.")
    status = "can_bo_sung" if reasons else "du"
    return UnitReview(unit, reading.title, status, models, problems, reasons)


def count_block(units: list[UnitReview], review: ReviewSettings) -> dict:
    models = [m for u in units for m in u.models if m.registered is not None]

    def count(pred) -> dict:
        by = {f: sum(1 for m in models if m.field == f and pred(m)) for f in FIELDS}
        return {"all": sum(by.values()), "by_field": by}

    return {
        "units": len(units),
        **{s: sum(1 for u in units if u.status == s) for s in UNIT_STATUSES},
        "registered": count(lambda m: True),
        "reported": count(lambda m: m.result is not None),
        "implemented": count(lambda m: m.progress in ("dang_trien_khai", "hoan_thanh")),
        "completed": count(lambda m: m.progress == "hoan_thanh"),
        "scored": count(lambda m: m.total is not None),
        "recognised": count(lambda m: m.recognised(review)),
    }


COUNT_KEYS = ("registered", "reported", "implemented", "completed", "scored", "recognised")
COUNT_LABELS = {
    "registered": "Đăng ký", "reported": "Đã báo cáo", "implemented": "Đã triển khai",
    "completed": "Hoàn thành", "scored": "Đã chấm điểm", "recognised": "Được công nhận",
}


def build_review(registration: Report, readings: list[tuple[Any, ResultReading]], review: ReviewSettings,
                 as_of: dt.date, notices: list[str] | None = None) -> YearReview:
    """Every unit of the registration report against its result form (matched as registration tabs are)."""
    from danvan_sheets.core.summary import match_tabs

    units = [v.unit for v in registration.units]
    matched, unknown = match_tabs(units, readings)  # type: ignore[arg-type]
    by_file = bool(readings) and all(getattr(t, "prefer_declared_unit", False) for t, _ in readings)
    missing = ("Chưa có tệp báo cáo kết quả của đơn vị trong thư mục." if by_file
               else "Chưa có trang báo cáo kết quả của đơn vị.")
    out: list[UnitReview] = []
    for v in registration.units:
        idxs = matched.get(v.unit.code, [])
        tab, reading = readings[idxs[0]] if idxs else (None, None)
        ur = _review_unit(v.entries, v.unit, reading, review, as_of, missing)
        ur.tab_url = getattr(tab, "url", None)
        for extra in idxs[1:]:
            title = readings[extra][1].title
            unknown.append(title)
            ur.problems.append(
                Problem(
                    "duplicate_tab",
                    "warning",
                    f"Đơn vị có nhiều hơn một biểu báo cáo; chỉ đọc "
                    f"“{reading.title if reading else ''}”. Hãy xóa biểu thừa.",
                    cell="A1",
                    tab=title,
                )
            )
        out.append(ur)
    totals = {"by_type": {t: count_block([u for u in out if u.unit.type == t], review) for t in UNIT_TYPES},
              "all": count_block(out, review)}
    return YearReview(registration.campaign.year, as_of, review, out, unknown, totals, list(notices or []))


# --- reminders before the review deadlines ------------------------------------------------------

STAGES = {"mid_year": "sơ kết 6 tháng", "year_end": "tổng kết năm"}


@dataclass
class ReviewDue:
    """A unit that owes its result form: before a deadline (`late` False) or after it."""

    unit: Unit
    stage: str  # mid_year | year_end
    deadline: dt.date
    late: bool
    missing: tuple[str, ...]  # names of the registered models it has not reported yet
    # The unit's review, for the cells and the link a reminder gives.
    review: UnitReview | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        return STAGES[self.stage]

    def message(self) -> str:
        what = STAGES[self.stage]
        names = "; ".join(f"“{n}”" for n in self.missing[:5]) + ("…" if len(self.missing) > 5 else "")
        when = f"hạn {self.deadline:%d/%m/%Y}"
        head = (f"Đã quá {when} báo cáo {what}" if self.late else f"Sắp đến {when} báo cáo {what}")
        return f"{head}: còn {len(self.missing)} mô hình chưa báo cáo đủ ({names})."


def stage_done(m: ModelReview, stage: str) -> bool:
    """6 months: the progress is written. Year end: the progress and the results, in words or figures."""
    r = m.result
    if r is None or r.progress is None:
        return False
    return stage == "mid_year" or bool(r.words or r.figures)


def review_reminders(year: YearReview, as_of: dt.date) -> list[ReviewDue]:
    """Units due (within [review] remind_days_before of a deadline) or late for the 6-month or year-end review.

    The year-end review supersedes the 6-month one: once its reminder window opens, only it is named.
    """
    review = year.review
    stages = [(s, d) for s, d in (("mid_year", review.mid_year_deadline), ("year_end", review.year_end_deadline)) if d]
    window = dt.timedelta(days=review.remind_days_before)
    current = None
    for stage, deadline in stages:
        if as_of >= deadline - window:
            current = (stage, deadline)
    if current is None:
        return []
    stage, deadline = current
    late = as_of > deadline
    out = []
    for u in year.units:
        missing = tuple(m.name for m in u.models if m.registered is not None and not stage_done(m, stage))
        if missing:
            out.append(ReviewDue(u.unit, stage, deadline, late, missing, u))
    return out


"""Plain data passed between the core's stages and on to the writers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

FIELDS: tuple[str, ...] = (
    "kinh_te",
    "van_hoa_xa_hoi",
    "quoc_phong_an_ninh",
    "xay_dung_he_thong_chinh_tri",
)
FIELD_LABELS = {
    "kinh_te": "Lĩnh vực phát triển kinh tế",
    "van_hoa_xa_hoi": "Lĩnh vực văn hóa - xã hội",
    "quoc_phong_an_ninh": "Lĩnh vực quốc phòng - an ninh",
    "xay_dung_he_thong_chinh_tri": "Lĩnh vực xây dựng hệ thống chính trị",
}
FIELD_SHORT = {
    "kinh_te": "KT",
    "van_hoa_xa_hoi": "VHXH",
    "quoc_phong_an_ninh": "QPAN",
    "xay_dung_he_thong_chinh_tri": "XDHTCT",
}
ROMAN = {"kinh_te": "I", "van_hoa_xa_hoi": "II", "quoc_phong_an_ninh": "III", "xay_dung_he_thong_chinh_tri": "IV"}

UNIT_TYPES: tuple[str, ...] = ("dang_bo_co_so", "chi_bo_co_so", "doan_the")
UNIT_TYPE_LABELS = {
    "dang_bo_co_so": "Đảng bộ cơ sở",
    "chi_bo_co_so": "Chi bộ cơ sở",
    "doan_the": "Đoàn thể khối",
}
STATUSES: tuple[str, ...] = ("dat", "chua_dat", "chua_dang_ky")
STATUS_LABELS = {"dat": "Đạt", "chua_dat": "Chưa đạt", "chua_dang_ky": "Chưa đăng ký"}
SCALE_LABELS = {"ca_nhan": "Cá nhân", "tap_the": "Tập thể"}

# Column keys of the form, in the form's order, with their Vietnamese header.
COLUMNS = {
    "stt": "Stt",
    "name": "Tên mô hình",
    "quantity": "Số lượng",
    "build": "Thời gian xây dựng",
    "location": "Địa điểm triển khai",
    "scale": "Quy mô thực hiện",
    "done": "Thời gian hoàn thành",
    "field": "Lĩnh vực",
}
# The seed form's seven column titles, Stt to Thời gian hoàn thành (its fields are sections I–IV).
FORM_HEADER = [title for k, title in COLUMNS.items() if k != "field"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell, collected rather than raised (csvkit style)."""

    code: str
    severity: Severity
    message: str
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    tab: str | None = None

    @classmethod
    def at(cls, code: str, severity: Severity, text: str, cell: str | None, row: int | None, tab: str | None,
           value: str | None) -> Problem:
        """A problem about the A1 cell `cell` ("C7"), its column taken from the cell."""
        return cls(code, severity, text, cell=cell, row=row, column=cell.rstrip("0123456789") if cell else None,
                   value=value, tab=tab)

    def to_dict(self) -> dict:
        return {
            "cell": self.cell,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "column": self.column,
            "value": self.value,
        }


@dataclass(frozen=True)
class Period:
    """A span of whole months, inclusive: (year, month) at each end."""

    start: tuple[int, int]
    end: tuple[int, int]

    def to_dict(self) -> dict:
        (y0, m0), (y1, m1) = self.start, self.end
        return {"from": f"{y0:04d}-{m0:02d}", "to": f"{y1:04d}-{m1:02d}"}

    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start[1]:02d}/{self.start[0]}"
        return f"{self.start[1]:02d}/{self.start[0]} - {self.end[1]:02d}/{self.end[0]}"

    def overlaps_year(self, year: int) -> bool:
        return self.start <= (year, 12) and self.end >= (year, 1)


@dataclass(slots=True)
class Entry:
    """One model row as read from a unit's tab."""

    row: int
    name: str
    field: str | None
    quantity: int | None
    build: Period | None
    done: Period | None
    location: str | None
    scale: str | None
    # column key -> 0-based column; one dict shared by every entry of a tab. With the
    # row's cells as delivered, `cells` and `raw` are worked out only when someone asks:
    # a province has hundreds of thousands of rows and most are never looked at again.
    # dataclasses.field spelled out: the name `field` is this class's own attribute.
    columns: dict[str, int] = dataclasses.field(default_factory=dict)
    source_row: list = dataclasses.field(default_factory=list)
    mandatory: str | None = None
    duplicate: bool = False
    has_error: bool = False
    counted: bool = False
    # Column key -> A1 of the top-left cell of a merge covering this row's cell.
    moved: dict[str, str] | None = None
    # text.key(name), set by the reader: the summary and the history match names by it ("" : work it out).
    name_key: str = ""

    @property
    def cells(self) -> dict[str, str]:
        """Column key -> A1 cell holding this row's value (a merge's top-left cell when merged)."""
        from danvan_sheets.core.cells import col_letters

        row = str(self.row)
        out = {k: col_letters(c) + row for k, c in self.columns.items()}
        if self.moved:
            out.update(self.moved)
        return out

    @property
    def raw(self) -> dict[str, object]:
        """Column key -> the cell's value as delivered (before any legacy-font decoding)."""
        src = self.source_row
        n = len(src)
        return {k: src[c] if c < n else None for k, c in self.columns.items()}

    def to_dict(self) -> dict:
        return {
            "row": self.row,
            "field": self.field,
            "name": self.name,
            "quantity": self.quantity,
            "build": self.build.to_dict() if self.build else None,
            "done": self.done.to_dict() if self.done else None,
            "location": self.location,
            "scale": self.scale,
            "mandatory": self.mandatory,
            "counted": self.counted,
        }


SKIP_REASONS = ("header", "numbering", "total", "section", "placeholder", "notes", "blank", "missing_name",
                "continued")


@dataclass(frozen=True)
class SkippedRow:
    """A row of the form the reader set aside rather than read as a model, and why (SKIP_REASONS)."""

    row: int  # 1-based, as in A1 names
    text: str
    reason: str

    def to_dict(self) -> dict:
        return {"row": self.row, "text": self.text, "reason": self.reason}


@dataclass
class SheetReading:
    """What the reader got out of one tab."""

    title: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    declared_unit: str | None = None  # the form's "Đơn vị:" line
    header_row: int | None = None
    legacy_encodings: list[str] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    type: str
    email: str = ""
    tab: str = ""
    extended_until: dt.date | None = None  # the registry's "Gia hạn đến": editing allowed through this day


@dataclass(frozen=True)
class MandatoryModel:
    key: str
    name: str
    all_of: tuple[str, ...]
    any_of: tuple[str, ...] = ()
    effective_from: dt.date | None = None


@dataclass(frozen=True)
class Campaign:
    year: int
    deadline: dt.date
    quotas: dict[str, int]
    mandatory: tuple[MandatoryModel, ...]
    mandatory_counts: bool = False
    count_mode: str = "quantity"  # or "rows"
    title: str = "Dân vận khéo"


@dataclass
class UnitVerdict:
    unit: Unit
    tab: str | None
    status: str
    models: int
    required: int
    by_field: dict[str, int]
    mandatory: dict[str, bool]
    reasons: list[str]
    entries: list[Entry]
    problems: list[Problem]
    tab_url: str | None = None
    # From the history store, when one was kept: on_time (dung_han/tre_han/chua_ro/None), its label, vanished names.
    history: dict | None = None
    skipped_rows: list[SkippedRow] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def to_dict(self) -> dict:
        return {
            "code": self.unit.code,
            "name": self.unit.name,
            "type": self.unit.type,
            "tab": self.tab,
            "status": self.status,
            "models": self.models,
            "required": self.required,
            "by_field": dict(self.by_field),
            "mandatory": dict(self.mandatory),
            "reasons": list(self.reasons),
            "entries": [e.to_dict() for e in self.entries],
            "problems": [p.to_dict() for p in self.problems],
            "skipped_rows": [s.to_dict() for s in self.skipped_rows],
            **(
                {
                    "on_time": self.history.get("on_time") or None,
                    "disappeared": list(self.history.get("disappeared", [])),
                }
                if self.history is not None
                else {}
            ),
        }


@dataclass
class Report:
    campaign: Campaign
    units: list[UnitVerdict]
    unknown_tabs: list[str]
    totals: dict
    as_of: dt.date
    notices: list[str] = field(default_factory=list)
    # A dir: source: each "tab" is a unit's file, and messages say "tệp", not "trang".
    tabs_are_files: bool = False
    # No registry was given: the units were read off the tab names.
    units_inferred: bool = False

    @property
    def flagged(self) -> list[UnitVerdict]:
        return [u for u in self.units if u.status != "dat"]

    def to_dict(self) -> dict:
        return {
            "campaign": {
                "year": self.campaign.year,
                "deadline": self.campaign.deadline.isoformat(),
                "as_of": self.as_of.isoformat(),
            },
            "units": [u.to_dict() for u in self.units],
            "unknown_tabs": list(self.unknown_tabs),
            "totals": self.totals,
            "notices": list(self.notices),
        }

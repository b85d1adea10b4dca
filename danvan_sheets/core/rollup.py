"""A province's roll-up: many Khối and district reports side by side, their totals, their duplicates.

Pure: each part's Report was made by the same pipeline as a single `check`; this only
puts them together. A part that could not be read carries its error instead of a report,
so it is named in every table and left out of the province's totals.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from danvan_sheets.core.duplicates import DuplicateList
from danvan_sheets.core.model import FIELD_SHORT, FIELDS, STATUS_LABELS, STATUSES, UNIT_TYPE_LABELS, Campaign, Report
from danvan_sheets.core.tables import COUNT_HEADER, SEVERITY_LABELS, Table, count_cells
from danvan_sheets.core.text import key

SHEET_PROVINCE = "Tổng hợp tỉnh"
SHEET_SOURCES = "Theo Khối, huyện"
SHEET_DUPLICATES = "Trùng lặp"
SHEET_PROBLEMS = "Lỗi nhập liệu"
PROVINCE_LABEL = "Toàn tỉnh"

LEVEL_KHOI = "Khối"
LEVEL_HUYEN = "Huyện"
_DISTRICT_WORDS = ("huyen", "thi xa", "thanh pho", "tp", "thi uy", "huyen uy", "thanh uy")
# "Quận" folds to "quan", as do "cơ quan" (in most Khối names) and "quân sự": only the
# word with its own diacritics says district.
_QUAN = re.compile(r"(?<!\w)quận(?!\w)")


def infer_level(name: str) -> str:
    """ "Huyện" for a district-level committee (huyện, thị xã, thành phố, quận), else "Khối".

    A name with "Khối" in it is a Khối whatever else it says ("Đảng bộ Khối các cơ quan thành phố").
    """
    words = f" {key(name)} "
    if " khoi " in words:
        return LEVEL_KHOI
    if any(f" {w} " in words for w in _DISTRICT_WORDS) or _QUAN.search(unicodedata.normalize("NFC", name).lower()):
        return LEVEL_HUYEN
    return LEVEL_KHOI


@dataclass
class Part:
    """One source of the roll-up: a Khối's or a district's sheet, workbook or folder."""

    name: str
    level: str
    spec: str
    report: Report | None = None
    error: str | None = None
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.report is not None


@dataclass
class Rollup:
    campaign: Campaign
    as_of: dt.date
    parts: list[Part]
    duplicates: DuplicateList
    notices: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Part]:
        return [p for p in self.parts if not p.ok]

    @property
    def flagged(self) -> int:
        return sum(len(p.report.flagged) for p in self.parts if p.report is not None)

    def totals(self) -> dict:
        """Per source (its report's whole-Khối block) and for the province (sum of the parts read)."""
        by_source = []
        for p in self.parts:
            block = dict(p.report.totals["all"]) if p.report is not None else None
            by_source.append(
                {"name": p.name, "level": p.level, "spec": p.spec, "read": p.ok, "error": p.error, "totals": block}
            )
        return {"by_source": by_source, "province": province_block([p.report for p in self.parts if p.report])}

    def to_dict(self) -> dict:
        c = self.campaign
        return {
            "campaign": {"year": c.year, "deadline": c.deadline.isoformat(), "as_of": self.as_of.isoformat()},
            "sources": [
                {
                    "name": p.name,
                    "level": p.level,
                    "spec": p.spec,
                    "read": p.ok,
                    "error": p.error,
                    **(
                        {
                            "units": [u.to_dict() for u in p.report.units],
                            "unknown_tabs": list(p.report.unknown_tabs),
                            "notices": list(p.report.notices),
                        }
                        if p.report is not None
                        else {}
                    ),
                }
                for p in self.parts
            ],
            "totals": self.totals(),
            "duplicates": self.duplicates.to_dict(),
            "notices": list(self.notices),
        }


def province_block(reports: list[Report]) -> dict:
    """The parts' whole-Khối totals added up, the percentage worked out again."""
    blocks = [r.totals["all"] for r in reports]
    units = sum(b["units"] for b in blocks)
    counts = {s: sum(b[s] for b in blocks) for s in STATUSES}
    return {
        "units": units,
        **counts,
        "percent_dat": round(100.0 * counts["dat"] / units, 1) if units else 0.0,
        "models": sum(b["models"] for b in blocks),
        "by_field": {f: sum(b["by_field"][f] for b in blocks) for f in FIELDS},
        "problems": sum(b["problems"] for b in blocks),
    }


# --- tables for the summary workbook ----------------------------------------------------------


def _stamp(r: Rollup, compiled_at: dt.datetime, what: str) -> str:
    c = r.campaign
    return (
        f"{what} đăng ký mô hình “{c.title}” năm {c.year} toàn tỉnh — {len(r.parts)} Khối, huyện — "
        f"cập nhật lúc {compiled_at:%H:%M} ngày {compiled_at:%d/%m/%Y}"
    )


def province_table(r: Rollup, compiled_at: dt.datetime) -> Table:
    """One row per unit, under its Khối or district (the level column)."""
    header = [
        "Stt",
        "Cấp",
        "Khối, huyện",
        "Đơn vị",
        "Loại",
        *(FIELD_SHORT[f] for f in FIELDS),
        "Tổng",
        "Chỉ tiêu",
        "Số lỗi",
        "Trạng thái",
        "Ghi chú",
    ]
    t = Table(SHEET_PROVINCE, _stamp(r, compiled_at, "Tổng hợp"), header)
    i = 0
    for p in r.parts:
        if p.report is None:
            i += 1
            t.rows.append(
                [
                    i,
                    p.level,
                    p.name,
                    "",
                    "",
                    *("" for _ in FIELDS),
                    "",
                    "",
                    "",
                    "Không đọc được",
                    f"Không đọc được nguồn {p.spec}: {p.error}",
                ]
            )
            t.row_status.append("chua_dang_ky")
            continue
        for v in p.report.units:
            i += 1
            t.rows.append(
                [
                    i,
                    p.level,
                    p.name,
                    v.unit.name,
                    UNIT_TYPE_LABELS[v.unit.type],
                    *(v.by_field[f] for f in FIELDS),
                    v.models,
                    v.required,
                    len(v.errors),
                    STATUS_LABELS[v.status],
                    "\n".join(v.reasons),
                ]
            )
            t.row_status.append(v.status)
    return t


SOURCE_HEADER = [
    "Cấp",
    "Khối, huyện",
    *COUNT_HEADER,
    "Số lỗi",
    "Nguồn",
    "Tình trạng đọc",
]


def source_rows(r: Rollup) -> list[list[object]]:
    rows: list[list[object]] = []
    for p in r.parts:
        if p.report is None:
            rows.append(
                [p.level, p.name, *("" for _ in range(5 + len(FIELDS) + 2)), p.spec, f"Không đọc được: {p.error}"]
            )
            continue
        b = p.report.totals["all"]
        rows.append([p.level, p.name, *count_cells(b), b["problems"], p.spec, "Đã đọc"])
    missing = len(r.failed)
    state = f"Thiếu {missing} nguồn không đọc được" if missing else "Đủ mọi nguồn"
    block = province_block([p.report for p in r.parts if p.report])
    rows.append(["", PROVINCE_LABEL, *count_cells(block), block["problems"], "", state])
    return rows


def sources_table(r: Rollup, compiled_at: dt.datetime) -> Table:
    t = Table(SHEET_SOURCES, _stamp(r, compiled_at, "Tổng hợp theo Khối, huyện:"), ["Stt", *SOURCE_HEADER])
    rows = source_rows(r)
    for i, row in enumerate(rows, start=1):
        last = i == len(rows)
        t.rows.append(["" if last else i, *row])
        failed = not last and not r.parts[i - 1].ok
        t.row_status.append("chua_dang_ky" if failed else None)
    return t


DUPLICATE_HEADER = ["Nhóm", "Tên mô hình", "Cấp", "Khối, huyện", "Đơn vị", "Lĩnh vực", "Ô", "Giống (%)"]


def duplicates_table(r: Rollup, compiled_at: dt.datetime) -> Table:
    levels = {p.name: p.level for p in r.parts}
    d = r.duplicates
    caption = (
        f"Mô hình trùng lặp giữa các đơn vị (so tên không dấu, không phân biệt hoa thường, bỏ dấu câu, ngoặc kép "
        f"và chữ “Mô hình”; giống từ {d.threshold:g}% trở lên). Chỉ để rà soát: số liệu các trang khác không đổi. "
        f"Không xét hai mô hình bắt buộc cấp Khối. — {compiled_at:%H:%M} ngày {compiled_at:%d/%m/%Y}"
    )
    t = Table(SHEET_DUPLICATES, caption, DUPLICATE_HEADER)
    for g, group in enumerate(d.groups, start=1):
        for m, score in zip(group.members, group.scores, strict=True):
            t.rows.append(
                [
                    g,
                    m.name,
                    levels.get(m.source, ""),
                    m.source,
                    m.unit_name,
                    FIELD_SHORT.get(m.field or "", ""),
                    m.cell or "",
                    score,
                ]
            )
            t.row_status.append(None)
    if not d.groups:
        t.rows.append(["", "Không có mô hình nào trùng giữa các đơn vị.", "", "", "", "", "", ""])
        t.row_status.append(None)
    return t


def problems_table(r: Rollup, compiled_at: dt.datetime) -> Table:
    header = ["Stt", "Khối, huyện", "Đơn vị", "Trang tính", "Ô", "Giá trị", "Mức độ", "Mã lỗi", "Nội dung cần sửa"]
    t = Table(SHEET_PROBLEMS, _stamp(r, compiled_at, "Lỗi nhập liệu trong"), header)
    i = 0
    for p in r.parts:
        if p.report is None:
            continue
        for v in p.report.units:
            for pr in v.problems:
                i += 1
                t.rows.append(
                    [
                        i,
                        p.name,
                        v.unit.name,
                        pr.tab or v.tab or "",
                        pr.cell or "",
                        pr.value or "",
                        SEVERITY_LABELS[pr.severity],
                        pr.code,
                        pr.message,
                    ]
                )
                t.row_status.append("chua_dat" if pr.severity == "error" else None)
    return t


def rollup_tables(r: Rollup, compiled_at: dt.datetime) -> list[Table]:
    return [
        sources_table(r, compiled_at),
        province_table(r, compiled_at),
        duplicates_table(r, compiled_at),
        problems_table(r, compiled_at),
    ]

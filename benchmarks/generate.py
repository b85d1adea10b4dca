"""Synthetic registrations with the real mess, deterministic for a given seed.

N units, M model rows each, laid out like the seed's form (title, `Đơn vị:` line,
header, the (1)…(7) numbering row, the Tổng số row, sections I–IV, placeholder
rows, Ghi chú notes) and dirtied the way real forms come back:

* whole units typed in the legacy TCVN3 (.VnTime) or VNI-Windows fonts (names,
  locations, scales), others in decomposed Unicode (NFD), no-break and
  zero-width spaces inside names;
* every period form of issue 2 (`Tháng 5/2023`, `T5/2023`, `5/2023`, `05/2023`,
  `tháng 09 năm 2023`, `Quý II/2023`, `Quý 2 năm 2023`, `Q2/2023`,
  `6 tháng đầu năm 2023`, `6 tháng cuối năm 2023`, `Năm 2023`, `Tháng 4 - 6/2023`,
  a date cell, a date serial number), plus no year and the wrong year;
* a few errors (quantity `hai`, blank location, scale `nhóm`, period `sắp tới`,
  completion before build), placeholder rows (`Mô hình….`, `…`, `...`), the
  mandatory Khối models in some units, a repeated name now and then;
* section rows written the seed's way, in capitals, or only in the Stt column.

Outputs: in-memory grids, an xlsx workbook (a tab per unit), a `dir:` folder (a
workbook per unit), a FakeGoogle spreadsheet, and the matching units CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from danvan_sheets.core.legacy import encode

YEAR = 2023
AS_OF = dt.date(2023, 5, 2)
NBSP, ZWSP = "\u00a0", "\u200b"
_EPOCH = dt.date(1899, 12, 30)

TITLE = "ĐĂNG KÝ XÂY DỰNG MỚI CÁC MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2023"
HEADER = ["Stt", "Tên mô hình ", "Số lượng", "Thời gian xây dựng", "Địa điểm \ntriển khai ", "Quy mô thực hiện", "Thời gian\nhoàn thành"]
NUMBERING = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"]
TOTAL = [" ", "Tổng số", " ", " ", " ", " ", " "]
SECTIONS = [
    ("I", "Lĩnh vực phát triển kinh tế", "LĨNH VỰC KINH TẾ"),
    ("II", "Lĩnh vực văn hóa - xã hội", "LĨNH VỰC VĂN HÓA - XÃ HỘI"),
    ("III", "Lĩnh vực quốc phòng - an ninh", "LĨNH VỰC QUỐC PHÒNG - AN NINH"),
    ("IV", "Lĩnh vực xây dựng hệ thống chính trị", "LĨNH VỰC XÂY DỰNG HỆ THỐNG CHÍNH TRỊ"),
]
NOTES = [
    ["Ghi chú", "(2): Tên mô hình (Trên từng lĩnh vực sau: KT; VHXH, QPAN, XDHTCT)"],
    [None, "(3): Số lượng (1,2,3…)"],
    [None, "(4): Thời gian xây dựng (tháng, quý)"],
    [None, "(6): Quy mô thực hiện (Cá nhân, tập thể)"],
]
NAMES = [
    "Cảnh sát thân thiện vì nhân dân phục vụ", "2 phòng, 3 giữ", "Vận động nhân dân lắp đặt camera an ninh",
    "Móc khoá an ninh", "Thôn văn hóa kiểu mẫu", "Cải tạo phong tục tập quán lạc hậu",
    "Cải tạo vệ sinh môi trường nông thôn", "Vận động hội viên vay vốn phát triển kinh tế",
    "Chính quyền thân thiện vì nhân dân phục vụ", "Dân vận khéo trong vùng đồng bào dân tộc thiểu số",
    "Xã bình yên, gia đình hòa thuận", "Dân vận khéo 1+10", "Dân vận số", "Chi bộ số",
    "Tuyến đường hoa kiểu mẫu", "Chi bộ 5 tốt, đảng viên 5 tốt", "Cán bộ, đảng viên dìu dắt quần chúng",
    "Nâng bước em đến trường", "Giảm thiểu rác thải nhựa tại cơ quan", "Cải cách thủ tục hành chính",
    "Nâng cao chất lượng phục vụ người dân", "Xây dựng cơ quan sạch đẹp an toàn",
]
MANDATORY = [
    "Lãnh đạo thực hiện chuyển đổi số trong Đảng bộ Khối CQ&DN tỉnh",
    "Tuyên truyền, áp dụng thực hiện bộ tiêu chí cơ quan, đơn vị, doanh nghiệp hạnh phúc",
]
LOCATIONS = ["Phòng Tổng hợp", "Văn phòng Đảng ủy", "Toàn cơ quan", "Các chi bộ trực thuộc", "Ban Tuyên giáo", "Phòng Hành chính"]
SCALES = ["Cá nhân", "Tập thể", "tập thể", "Cá nhân, tập thể"]
AGENCIES = [
    "Sở Tư pháp", "Cục Thuế", "Sở Kế hoạch và Đầu tư", "Kho bạc Nhà nước", "Sở Nông nghiệp và PTNT", "Tòa án Nhân dân",
    "Sở Văn hóa, Thể thao và Du lịch", "Bưu điện", "Công ty Điện lực", "Ngân hàng Chính sách xã hội", "Sở Giáo dục",
    "Trường Chính trị", "Sở Y tế", "Liên minh Hợp tác xã", "Sở Giao thông Vận tải", "Bảo hiểm xã hội",
]
KINDS = [
    ("DB", "Đảng bộ", "Đảng bộ cơ sở"),
    ("CB", "Chi bộ", "Chi bộ cơ sở"),
    ("DT", "Công đoàn", "Đoàn thể khối"),
]


def _serial(d: dt.date) -> int:
    return (d - _EPOCH).days


# Every period form of issue 2; build periods end by June, completions start in July,
# so the two never cross unless an error is injected on purpose.
BUILD_FORMS: list[object] = [
    "Tháng 5/2023", "T5/2023", "5/2023", "05/2023", "tháng 03 năm 2023", "Quý II/2023", "Quý 2 năm 2023",
    "Q2/2023", "6 tháng đầu năm 2023", "Năm 2023", "Tháng 4 - 6/2023", dt.datetime(2023, 5, 10), _serial(dt.date(2023, 4, 17)),
]
DONE_FORMS: list[object] = [
    "Tháng 12/2023", "T12/2023", "12/2023", "tháng 09 năm 2023", "Quý IV/2023", "Quý 4 năm 2023", "Q4/2023",
    "6 tháng cuối năm 2023", "Năm 2023", "Tháng 10 - 12/2023", dt.datetime(2023, 11, 30), _serial(dt.date(2023, 12, 15)),
]


@dataclass
class SynthUnit:
    code: str
    name: str
    kind_label: str  # as typed into loai_don_vi
    email: str
    tab: str  # the tab title (or workbook file stem)
    style: str  # unicode | nfd | tcvn3 | vni


@dataclass
class Dataset:
    units: list[SynthUnit]
    grids: list[tuple[str, list[list[object]]]]  # (tab title, rows)
    model_rows: int  # model rows in all grids

    @property
    def grid_rows(self) -> int:
        return sum(len(r) for _, r in self.grids)


def make_units(n: int, seed: int = 0) -> list[SynthUnit]:
    rng = random.Random(f"units-{seed}")
    units = []
    for i in range(n):
        prefix, word, label = KINDS[i % 3]
        agency = AGENCIES[rng.randrange(len(AGENCIES))]
        name = f"{word} {agency} {i + 1}"
        roll = rng.random()
        style = "tcvn3" if roll < 0.10 else "vni" if roll < 0.20 else "nfd" if roll < 0.35 else "unicode"
        # Tab titles as people type them: sometimes a different case or a no-break space.
        tab = name
        if rng.random() < 0.1:
            tab = name.upper()
        elif rng.random() < 0.1:
            tab = name.replace(" ", NBSP, 1)
        units.append(SynthUnit(f"{prefix}-{i + 1:05d}", name, label, f"donvi{i + 1}@example.vn", tab, style))
    return units


def _styler(style: str):
    if style in ("tcvn3", "vni"):
        return lambda s: encode(s, style)
    if style == "nfd":
        return lambda s: unicodedata.normalize("NFD", s)
    return lambda s: s


def _messy_name(rng: random.Random, name: str) -> str:
    r = rng.random()
    if r < 0.08:
        return name.replace(" ", NBSP, 1) + " "
    if r < 0.12:
        return "  " + name.replace(" ", ZWSP + " ", 1)
    if r < 0.15:
        return name.replace(" ", "   ")
    return name


def unit_grid(unit: SynthUnit, m: int, rng: random.Random) -> tuple[list[list[object]], int]:
    """One unit's form with `m` model rows (the mandatory models among them). -> (rows, model rows)."""
    t = _styler(unit.style)
    rows: list[list[object]] = [[TITLE], [f"Đơn vị: {unit.name}"], [None] * 7, list(HEADER)]
    if rng.random() < 0.85:
        rows.append(list(NUMBERING))
    if rng.random() < 0.85:
        rows.append(list(TOTAL))
    section_style = rng.randrange(3)  # seed form | capitals | Stt column only
    per_section = [0, 0, 0, 0]
    for i in range(m):
        per_section[rng.randrange(4) if i >= 4 else i % 4] += 1
    mandatory_left = [n for n in MANDATORY if rng.random() < 0.6]
    names_used: list[str] = []
    n = 0
    for si, (roman, title, caps) in enumerate(SECTIONS):
        if section_style == 0:
            rows.append([roman + (" " if si == 0 else ""), title, " ", " ", " ", " ", " "])
        elif section_style == 1:
            rows.append([roman, caps, None, None, None, None, None])
        else:
            rows.append([f"{roman}. {title}"])
        for k in range(per_section[si]):
            n += 1
            if si == 3 and mandatory_left:
                name = mandatory_left.pop()
            elif names_used and rng.random() < 0.03:
                name = names_used[rng.randrange(len(names_used))]  # duplicate_model
            else:
                # Mostly unique per unit, as real names are ("… tại Chi bộ Sở Tư pháp 12").
                name = NAMES[rng.randrange(len(NAMES))]
                r = rng.random()
                if r < 0.6:
                    name = f"{name} tại {unit.name} ({n})"
                elif r < 0.9:
                    name = f"{name} ({n})"
            names_used.append(name)
            qty: object = rng.choice([1, 1, 1, 2, "01", 1.0, 1, 3])
            build = rng.choice(BUILD_FORMS)
            done = rng.choice(DONE_FORMS)
            loc: object = rng.choice(LOCATIONS)
            scale: object = rng.choice(SCALES)
            e = rng.random()
            if e < 0.012:
                qty = "hai"
            elif e < 0.024:
                loc = None
            elif e < 0.036:
                scale = "nhóm"
            elif e < 0.048:
                build = "sắp tới"
            elif e < 0.056:
                build, done = "Tháng 11/2023", "Tháng 3/2023"  # completion_before_build
            elif e < 0.066:
                build = "Tháng 5"  # missing_year
            elif e < 0.074:
                done = "Tháng 6/2022"  # outside_year
            elif e < 0.090:
                qty = None  # missing_quantity
            styled_name = t(_messy_name(rng, name))
            rows.append([
                k + 1 if rng.random() < 0.8 else f"{k + 1}.",
                styled_name,
                qty,
                build,
                t(loc) if isinstance(loc, str) else loc,
                t(scale),
                done,
            ])
        # Placeholder rows the form ships with; a unit leaves some behind.
        if rng.random() < 0.4:
            rows.append([None, rng.choice(["Mô hình….", "…", "...", "Mô hình..."]), " ", None, None, None, None])
    rows.append([None] * 7)
    rows.extend(list(r) for r in NOTES)
    return rows, n


def dataset(n_units: int, rows_per_unit: int, seed: int = 0) -> Dataset:
    units = make_units(n_units, seed)
    rng = random.Random(f"grids-{seed}-{rows_per_unit}")
    grids, total = [], 0
    for u in units:
        rows, n = unit_grid(u, rows_per_unit, rng)
        grids.append((u.tab, rows))
        total += n
    return Dataset(units, grids, total)


# ------------------------------------------------------------------ outputs
def write_units_csv(units: list[SynthUnit], path: str | Path, with_tabs: bool = False) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ma_don_vi", "ten_don_vi", "loai_don_vi", "email", "tab"])
        for u in units:
            w.writerow([u.code, u.name, u.kind_label, u.email, u.tab if with_tabs else ""])
    return p


def _safe_sheet_title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ ; titles unique case-insensitively.
    clean = "".join("-" if c in "[]:*?/\\" else c for c in title)[:31].rstrip()
    base, k = clean, 2
    while clean.lower() in used:
        suffix = f" ~{k}"
        clean = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(clean.lower())
    return clean


def _append_rows(ws, rows: list[list[object]]) -> None:
    for r in rows:
        ws.append(list(r))


def write_xlsx(ds: Dataset, path: str | Path) -> Path:
    """One workbook, a tab per unit (titles cut to Excel's 31 characters; the Đơn vị line names the unit)."""
    from openpyxl import Workbook

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for title, rows in ds.grids:
        ws = wb.create_sheet(_safe_sheet_title(title, used))
        _append_rows(ws, rows)
    wb.save(p)
    return p


def write_dir(ds: Dataset, folder: str | Path) -> Path:
    """A folder of one workbook per unit, named after the unit (as units send them)."""
    from openpyxl import Workbook

    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    for i, (u, (_title, rows)) in enumerate(zip(ds.units, ds.grids)):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Đăng ký")
        _append_rows(ws, rows)
        stem = "".join("-" if c in '/\\:*?"<>|' else c for c in u.name)
        wb.save(d / f"{i + 1:05d} {stem}.xlsx")
    return d


def _excel_rows(wb, ws, rows: list[list[object]], date_fmt) -> None:
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v)  # never a formula, as a unit's typed text
            elif isinstance(v, (dt.date, dt.datetime)):
                ws.write_datetime(r, c, v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day), date_fmt)
            else:
                ws.write(r, c, v)


def write_xlsx_excel(ds: Dataset, path: str | Path) -> Path:
    """The same workbook written the way Excel writes it (xlsxwriter): a <dimension> on every sheet
    and the text in one shared-strings table, which every reader parses before the first sheet."""
    import xlsxwriter

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(p))
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    used: set[str] = set()
    for title, rows in ds.grids:
        _excel_rows(wb, wb.add_worksheet(_safe_sheet_title(title, used)), rows, date_fmt)
    wb.close()
    return p


def write_dir_excel(ds: Dataset, folder: str | Path) -> Path:
    """write_dir, each workbook written the way Excel writes it."""
    import xlsxwriter

    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    for i, (u, (_title, rows)) in enumerate(zip(ds.units, ds.grids, strict=True)):
        stem = "".join("-" if c in '/\\:*?"<>|' else c for c in u.name)
        wb = xlsxwriter.Workbook(str(d / f"{i + 1:05d} {stem}.xlsx"))
        _excel_rows(wb, wb.add_worksheet("Đăng ký"), rows, wb.add_format({"num_format": "dd/mm/yyyy"}))
        wb.close()
    return d


def load_fake(fake, ds: Dataset, title: str = "Đăng ký Dân vận khéo 2023") -> str:
    """Create a spreadsheet in a FakeGoogle with a tab per unit; -> its key."""
    key = fake.create_spreadsheet(title, [t for t, _ in ds.grids])
    for t, rows in ds.grids:
        fake.set_values(key, t, rows)
    return key


def xlsx_units(ds: Dataset) -> list[SynthUnit]:
    """Units for the xlsx workbook: tab titles there are cut to 31 characters."""
    used: set[str] = set()
    return [SynthUnit(u.code, u.name, u.kind_label, u.email, _safe_sheet_title(t, used), u.style) for u, (t, _) in zip(ds.units, ds.grids)]


def write_units_csv_with_tabs(units: list[SynthUnit], path: str | Path) -> Path:
    """The registry for the xlsx workbook, whose tab titles were cut to Excel's 31 characters."""
    return write_units_csv(units, path, with_tabs=True)

"""Glue of the year-end review: the registration run (as `check` makes it) plus the result forms.

No click here. The result forms are a second source (`--results`), read by the same source
classes as registration (xlsx:, dir:, gsheet:) and by core/results.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from danvan_sheets.config import Settings
from danvan_sheets.core.results import YearReview, build_review, read_result_tab
from danvan_sheets.errors import ConfigError
from danvan_sheets.pipeline import Run, run
from danvan_sheets.sources import SourceData, SourceSpec, parse_spec


@dataclass
class ReviewRun:
    registration: Run
    results: SourceData
    results_spec: SourceSpec
    review: YearReview


def results_spec(results: str | None, registration: SourceSpec | None = None, default: str = "") -> SourceSpec:
    results = results or default
    if not results:
        raise ConfigError("Chưa chỉ ra nguồn báo cáo kết quả. Hãy thêm --results (ví dụ --results "
                          "xlsx:ket-qua-2023.xlsx, "
                          "--results dir:bao-cao-ket-qua/ hoặc --results gsheet:MÃ) hoặc ghi [review] results trong "
                          "cấu hình.")
    spec = parse_spec(results)
    if registration is not None and spec.key() == registration.key():
        # The registration tabs would be read as result forms lacking their columns, and the other way round.
        raise ConfigError(f"--results {results} là chính nguồn đăng ký. Báo cáo kết quả phải ở một bảng tính, tệp hoặc "
                          "thư mục riêng (tạo biểu mẫu trống bằng danvan review --template TỆP.xlsx).")
    return spec


def review_from_data(registration: Run, data: SourceData, settings: Settings, as_of: dt.date) -> YearReview:
    readings = [(tab, read_result_tab(tab.title, tab.rows, settings.review, getattr(tab, "merges", None)))
                for tab in data.tabs]
    notices = list(registration.report.notices) + [f"Báo cáo kết quả: {n}" for n in data.notices]
    return build_review(registration.report, readings, settings.review, as_of, notices)


def run_review(source: str | None, units_path: str | None, results: str | None, settings: Settings,
               as_of: dt.date, out: str | None = None, out_suffixes: tuple[str, ...] = ()) -> ReviewRun:
    """Registration read as `check` reads it (no history run recorded), then every unit's result form.

    `out` (the year-end report) may land on neither source: checked, like every usage mistake, before any read.
    """
    from danvan_sheets.pipeline import guard_output, resolve_spec

    reg_spec = resolve_spec(source, settings)
    spec = results_spec(results, reg_spec, settings.review.results)
    if out:
        guard_output(out, reg_spec, out_suffixes)
        if clash := spec.output_clash(out):
            raise ConfigError(clash.replace("bản đăng ký", "báo cáo kết quả"))
    registration = run(source, units_path, settings, as_of, history=False)
    data = spec.read(settings)
    return ReviewRun(registration, data, spec, review_from_data(registration, data, settings, as_of))


def review_reminders_due(source: str | None, units_path: str | None, results: str | None, settings: Settings,
                         as_of: dt.date) -> tuple[list, list, ReviewRun | None]:
    """-> (units due or late for the review, one e-mail per such unit, the run). Nothing is read when no
    review deadline is near: a `remind` run in March costs no read of the result forms.

    For `danvan remind`: send the e-mails like the registration reminders (writers.email.send_all).
    """
    from danvan_sheets.core.results import review_reminders
    from danvan_sheets.writers.review_email import compose_review

    review = settings.review
    window = dt.timedelta(days=review.remind_days_before)
    if not any(d and as_of >= d - window for d in (review.mid_year_deadline, review.year_end_deadline)):
        return [], [], None
    result = run_review(source, units_path, results, settings, as_of)
    due = review_reminders(result.review, as_of)
    title = result.registration.report.campaign.title
    mails = [compose_review(d, title, result.review.year, as_of, settings.remind.signature) for d in due]
    return due, mails, result

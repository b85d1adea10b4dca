"""Lateness from the time each row was submitted (a Google Form's timestamp), not from when we looked.

The history judges a unit by the first run that saw it đạt, which is as late as the
first run. A Form says when each answer came in, so the moment a unit met its quota
is known: the submission that brought its counted models to the quota, or its last
missing mandatory model, whichever came later.
"""

from __future__ import annotations

import datetime as dt

from danvan_sheets.core.checks import mandatory_in_force
from danvan_sheets.core.model import Campaign, UnitVerdict


def met_at(v: UnitVerdict, submitted: dict[int, dt.datetime], campaign: Campaign, as_of: dt.date) -> dt.datetime | None:
    """When the unit became đạt by its submission times, or None (not đạt, or a time is missing)."""
    if v.status != "dat":
        return None
    weight = (lambda e: e.quantity or 1) if campaign.count_mode == "quantity" else (lambda e: 1)
    times = []
    total = 0
    for e in sorted(
        (e for e in v.entries if e.counted), key=lambda e: (submitted.get(e.row) or dt.datetime.max, e.row)
    ):
        if total >= v.required:
            break
        when = submitted.get(e.row)
        if when is None:
            return None
        total += weight(e)
        times.append(when)
    for m in campaign.mandatory:
        if not mandatory_in_force(m, as_of):
            continue
        rows = [submitted.get(e.row) for e in v.entries if e.mandatory == m.key and not e.has_error]
        known = [t for t in rows if t is not None]
        if not known:
            return None
        times.append(min(known))
    return max(times) if times else None


def lateness_by_submission(
    v: UnitVerdict, submitted: dict[int, dt.datetime], campaign: Campaign, as_of: dt.date, due: dt.date
) -> str | None:
    """dung_han | tre_han | None (not đạt and not yet due, or đạt with a row whose time is unknown)."""
    when = met_at(v, submitted, campaign, as_of)
    if when is not None:
        return "dung_han" if when.date() <= due else "tre_han"
    if v.status == "dat":
        return None
    return "tre_han" if as_of > due else None

"""What the stored snapshots mean: a unit's timeline, its state at a time, lateness, lost rows.

The functions named `*_of` are pure (they take snapshots already read); the
others open the database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from danvan_sheets.campaign.key import CampaignKey
from danvan_sheets.core.model import Campaign
from danvan_sheets.core.text import key
from danvan_sheets.errors import ConfigError
from danvan_sheets.history import store
from danvan_sheets.history.store import Snapshot, StoredRow

ON_TIME_LABELS = {"dung_han": "Đúng hạn", "tre_han": "Trễ hạn", "chua_ro": "Chưa rõ"}


@dataclass(frozen=True)
class Lateness:
    key: str | None  # dung_han | tre_han | chua_ro (đạt when first seen, after the deadline) | None
    met_at: dt.datetime | None  # first run that saw the unit `dat`
    due: dt.date  # deadline + grace days

    @property
    def label(self) -> str:
        return ON_TIME_LABELS.get(self.key or "", "")


@dataclass(frozen=True)
class DisappearedRow:
    sheet_row: int
    name: str
    field: str | None
    quantity: int | None
    noticed_at: dt.datetime  # the run that first found it gone
    restore_at: dt.datetime  # a time `snapshot_at` still has it


@dataclass
class TimelineEvent:
    run_at: dt.datetime
    status: str
    models: int
    required: int
    n_rows: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    tab: str | None = None
    damaged: bool = False  # some of its stored rows could not be read


@dataclass
class UnitTimeline:
    unit: str
    name: str
    events: list[TimelineEvent]
    last_seen: dt.datetime | None
    campaign: CampaignKey | None = None
    damaged: list[store.Damage] = field(default_factory=list)
    locks: list[store.LockRecord] = field(default_factory=list)  # turned staff-only / opened again


def due_date(campaign: Campaign, grace_days: int) -> dt.date:
    return campaign.deadline + dt.timedelta(days=grace_days)


def lateness_of(snaps: list[Snapshot], due: dt.date, today: dt.date) -> Lateness:
    met = next((s.run_at for s in snaps if s.status == "dat"), None)
    if met is not None:
        if snaps[0].status == "dat" and met.date() > due:
            # Already đạt the first time we looked, and we first looked after the deadline:
            # when it met the quota is unknown, so saying "late" would be a guess.
            return Lateness("chua_ro", met, due)
        return Lateness("dung_han" if met.date() <= due else "tre_han", met, due)
    # Not met yet: late as soon as the grace period is over, undecided before.
    return Lateness("tre_han" if today > due else None, None, due)


def _names(rows: list[StoredRow]) -> dict[str, StoredRow]:
    out: dict[str, StoredRow] = {}
    for r in rows:
        out.setdefault(key(r.name), r)
    return out


def disappeared_of(prev_rows: list[StoredRow], cur_rows: list[StoredRow], noticed_at: dt.datetime,
                   restore_at: dt.datetime) -> list[DisappearedRow]:
    """Rows of the previous content whose model name is no longer on the tab.

    Compared by normalised name, not by content: a unit fixing a cell is an edit,
    not a loss.
    """
    now = _names(cur_rows)
    return [
        DisappearedRow(r.sheet_row, r.name, r.parsed.get("field"), r.parsed.get("quantity"), noticed_at, restore_at)
        for k, r in _names(prev_rows).items()
        if k not in now
    ]


def previous_content(snaps: list[Snapshot]) -> tuple[Snapshot | None, Snapshot | None]:
    """-> (the last snapshot with other content than the latest, the first snapshot of the latest content run).

    Statuses can change with no edit (a mandatory model coming into force), so
    content changes are found by hash, not by snapshot.
    """
    if not snaps:
        return None, None
    cur = snaps[-1]
    i = len(snaps) - 1
    while i > 0 and snaps[i - 1].hash == cur.hash:
        i -= 1
    return (snaps[i - 1] if i > 0 else None), snaps[i]


def _row_key_map(rows: list[StoredRow]) -> dict[str, dict]:
    return {k: r.parsed for k, r in _names(rows).items()}


def timeline_of(snaps: list[Snapshot], rows_of, damage: list | None = None) -> list[TimelineEvent]:
    """`rows_of(hash, damage)` gives a content's rows; with a `damage` list, damaged rows are
    noted there and their event is shown without a comparison (it would invent changes)."""
    events = []
    prev_rows: list[StoredRow] = []
    for s in snaps:
        damaged_before = len(damage) if damage is not None else 0
        rows = rows_of(s.hash, damage)
        ev = TimelineEvent(s.run_at, s.status, s.models, s.required, len(rows), tab=s.tab)
        events.append(ev)
        if damage is not None and len(damage) > damaged_before:
            ev.damaged = True
            continue
        if not s.tab:
            # No tab in that run's source: nothing was added or removed, and the next run that
            # finds the tab is compared with the last one that did.
            continue
        before, after = _row_key_map(prev_rows), _row_key_map(rows)
        ev.added = [after[k]["name"] for k in after if k not in before]
        ev.removed = [before[k]["name"] for k in before if k not in after]
        ev.edited = [after[k]["name"] for k in after if k in before and before[k] != after[k]]
        prev_rows = rows
    return events


# --- opening the database --------------------------------------------------------------------

def choose_campaign(conn, year: int | None = None, source: str | None = None,
                    how: str = "--year và --source") -> tuple[CampaignKey, int]:
    """The one recorded campaign of `year` (any when None) and `source` (normalised; any when None).

    Several candidates are a question for the person, not a guess: the message lists them and
    says `how` the command at hand picks one.
    """
    found = [(c, n) for c, n in store.campaigns(conn)
             if (year is None or c.year == year) and (source is None or c.source == source)]
    if len(found) == 1:
        campaign = found[0][0]
        cid = store.find_campaign(conn, campaign)
        assert cid is not None
        return campaign, cid
    wanted = ", ".join(x for x in (f"năm {year}" if year is not None else "", f"nguồn {source}" if source else "") if x)
    listed = "; ".join(
        f"năm {c.year}, nguồn {c.source or '(không rõ)'} ({n} lần chạy)" for c, n in store.campaigns(conn)
    )
    if not found:
        raise ConfigError(f"Lịch sử chưa có lần chạy nào của đợt {wanted or 'nào'}. "
                          + (f"Các đợt đã ghi: {listed}. Chọn đợt bằng {how}." if listed else ""))
    raise ConfigError(f"Lịch sử có {len(found)} đợt {wanted}: {listed}. Hãy chọn một bằng {how} "
                      "(hoặc ghi [source] spec trong cấu hình).")


def resolve_unit(conn, wanted: str, campaign_id: int) -> tuple[str, str] | None:
    """A unit of the campaign by code or name, case-, space- and diacritics-insensitively."""
    k = key(wanted)
    for code, name in store.find_units(conn, campaign_id):
        if k in (key(code), key(name)):
            return code, name
    return None


def timeline(db_path: str | Path, unit: str, year: int | None = None, source: str | None = None) -> UnitTimeline | None:
    with store.opened(db_path) as conn:
        campaign, cid = choose_campaign(conn, year, source)
        found = resolve_unit(conn, unit, cid)
        if found is None:
            return None
        code, name = found
        damage: list[store.Damage] = []
        snaps = store.unit_snapshots(conn, code, cid, damage)
        events = timeline_of(snaps, lambda h, d: store.content_rows(conn, h, d), damage)
        seen = store.last_seen(conn, code, cid, damage)
        locks = store.unit_locks(conn, code, cid, damage)
        return UnitTimeline(code, name, events, seen, campaign, list(dict.fromkeys(damage)), locks)


@dataclass
class UnitState:
    snapshot: Snapshot
    rows: list[StoredRow]
    campaign: CampaignKey | None = None
    # elsewhere in the unit's history, not in what is given back
    damaged: list[store.Damage] = field(default_factory=list)


def snapshot_at(db_path: str | Path, unit: str, when: dt.datetime, year: int | None = None,
                source: str | None = None) -> UnitState | None:
    """What the unit's tab had in the last run of its campaign at or before `when` that found it (None: no such run)."""
    with store.opened(db_path) as conn:
        campaign, cid = choose_campaign(conn, year, source)
        found = resolve_unit(conn, unit, cid)
        if found is None:
            return None
        damage: list[store.Damage] = []
        every = store.unit_snapshots(conn, found[0], cid, damage)
        # The last run that found the unit's tab: a run without it has nothing to give back.
        snaps = [s for s in every if s.run_at <= when and s.tab]
        # A snapshot whose run time is damaged has no known time: if it lies between the one
        # chosen and the first one after `when`, it may be the state asked for, so say so.
        after = min((s.run_id for s in every if s.run_at > when), default=None)
        chosen = snaps[-1].run_id if snaps else 0
        blocking = [d for d in damage if isinstance(d.row, int) and chosen < d.row and (after is None or d.row < after)]
        if blocking:
            raise store.DamagedHistory(blocking, db_path)
        if not snaps:
            return None
        # The rows given back must all be there: a damaged one raises, naming it.
        return UnitState(snaps[-1], store.content_rows(conn, snaps[-1].hash), campaign, damage)


def last_states(db_path: str | Path, year: int | None = None, source: str | None = None,
                damage: list | None = None) -> tuple[CampaignKey, list[tuple[Snapshot, dt.datetime | None]]]:
    """The latest snapshot of every unit of the campaign.

    With a `damage` list, damaged ones are noted there and left out."""
    with store.opened(db_path) as conn:
        campaign, cid = choose_campaign(conn, year, source)
        states = [(s, store.last_seen(conn, s.unit, cid, damage)) for s in store.latest_snapshots(conn, cid, damage)]
    # SQLite orders by code point ("Hội" before "Đảng"); people read names without regard to diacritics.
    return campaign, sorted(states, key=lambda state: key(state[0].name or ""))


def locked_units(db_path: str | Path, campaign: CampaignKey) -> dict[str, store.LockRecord]:
    """unit code -> when its tab was locked, for the units whose last lock change was a lock."""
    with store.opened(db_path) as conn:
        cid = store.find_campaign(conn, campaign)
        if cid is None:
            return {}
        last: dict[str, store.LockRecord] = {}
        for code, in conn.execute("SELECT DISTINCT unit FROM locks WHERE campaign_id = ?", (cid,)).fetchall():
            records = store.unit_locks(conn, code, cid, [])
            if records:
                last[code] = records[-1]
    return {code: r for code, r in last.items() if r.action == "locked"}


_WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def parse_when(text: str) -> dt.datetime:
    """YYYY-MM-DD (the end of that day), YYYY-MM-DD HH:MM, or ISO 8601."""
    t = (text or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        try:
            return dt.datetime.combine(dt.date.fromisoformat(t), dt.time(23, 59, 59))
        except ValueError:
            pass
    else:
        for fmt in _WHEN_FORMATS:
            try:
                parsed = dt.datetime.strptime(t, fmt)
            except ValueError:
                continue
            # A time a person types covers its whole minute (or day): runs are stored to the second.
            if fmt == "%d/%m/%Y":
                return parsed.replace(hour=23, minute=59, second=59)
            return parsed.replace(second=59) if "%S" not in fmt else parsed
        try:
            parsed = dt.datetime.fromisoformat(t.replace("Z", "+00:00"))
            if re.fullmatch(r"[\d-]+T\d{2}:\d{2}", t):
                parsed = parsed.replace(second=59)
            # Run times are stored as local wall-clock time.
            return parsed.astimezone().replace(tzinfo=None) if parsed.tzinfo else parsed
        except ValueError:
            pass
    raise ConfigError(f"Thời điểm “{text}” không hợp lệ. Hãy ghi dạng 2023-04-25, 2023-04-25 14:30 hoặc "
                      "2023-04-25T14:30:00.")

"""The SQLite history of every pull: schema, writes and the queries the timeline reads.

Every run belongs to a campaign (`campaigns`: the configuration's year and the normalised
source), and every question asked of the history (lateness, lost rows, restore) is asked
within one campaign: next year's sheet, or a test copy, is not this sheet with its rows deleted.
The schema is versioned (meta.schema_version, read on every opening) and older databases are
migrated in place by the steps in MIGRATIONS.

Content-addressed so the database only grows with what units actually change:
a row's content is stored once (`rows`), a unit's list of rows once
(`contents`/`content_rows`), and `unit_snapshots` gains a line only when a
unit's content or status differs from its previous snapshot.

Every write is one `BEGIN IMMEDIATE` transaction in WAL mode: a cron run and a
person's run queue behind each other (busy_timeout) instead of failing, and a
run killed half-way leaves nothing behind but the rolled-back journal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

import orjson

from danvan_sheets.campaign.key import CampaignKey, campaign_key
from danvan_sheets.core.model import Report
from danvan_sheets.errors import SourceError, os_reason

BUSY_TIMEOUT_MS = 30_000

# The first schema, as version 1 shipped it. Later changes are migrations below, never edits here:
# a database of any age replays the same steps a new one does.
_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    run_at TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    units INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS rows (
    hash TEXT PRIMARY KEY,
    name_key TEXT NOT NULL,
    raw_json TEXT NOT NULL,
    parsed_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contents (hash TEXT PRIMARY KEY, n_rows INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS content_rows (
    content_hash TEXT NOT NULL REFERENCES contents(hash),
    position INTEGER NOT NULL,
    sheet_row INTEGER NOT NULL,
    row_hash TEXT NOT NULL REFERENCES rows(hash),
    PRIMARY KEY (content_hash, position)
);
CREATE TABLE IF NOT EXISTS unit_snapshots (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    hash TEXT NOT NULL REFERENCES contents(hash),
    name TEXT NOT NULL,
    tab TEXT,
    status TEXT NOT NULL,
    models INTEGER NOT NULL,
    required INTEGER NOT NULL,
    UNIQUE (unit, run_id)
);
CREATE INDEX IF NOT EXISTS unit_snapshots_unit ON unit_snapshots (unit, run_id);
CREATE TABLE IF NOT EXISTS unit_seen (
    unit TEXT PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id)
);
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    address TEXT NOT NULL,
    subject TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reminders_unit ON reminders (unit, sent_at);
"""


def _statements(script: str) -> list[str]:
    return [s for s in script.split(";") if s.strip()]


def _m1_initial(conn: sqlite3.Connection) -> None:
    for stmt in _statements(_SCHEMA_V1):
        conn.execute(stmt)


def _m2_campaigns(conn: sqlite3.Connection) -> None:
    """Every run belongs to a campaign (year, normalised source); a unit's last check is per campaign.

    Runs recorded before this had no year: they get the year of their own date (a campaign's
    checks run in its year), and their source is normalised as written then (a relative path
    is read from the current folder, the best that can be known now).
    """
    from danvan_sheets.campaign.key import source_key

    conn.execute("""CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,
        source TEXT NOT NULL,
        UNIQUE (year, source))""")
    # No REFERENCES here: SQLite refuses to add a foreign-key column to a table that has rows.
    conn.execute("ALTER TABLE runs ADD COLUMN campaign_id INTEGER")
    legacy = conn.execute(
        "SELECT DISTINCT source, CASE WHEN run_at GLOB '[0-9][0-9][0-9][0-9]-*' "
        "THEN CAST(substr(run_at, 1, 4) AS INTEGER) ELSE 0 END FROM runs").fetchall()
    for source, year in legacy:
        cid = _campaign_id(conn, year, source_key(source))
        conn.execute("UPDATE runs SET campaign_id = ? WHERE source = ? AND CASE WHEN run_at GLOB "
                     "'[0-9][0-9][0-9][0-9]-*' "
                     "THEN CAST(substr(run_at, 1, 4) AS INTEGER) ELSE 0 END = ?", (cid, source, year))
    conn.execute("CREATE INDEX runs_campaign ON runs (campaign_id, id)")
    conn.execute("""CREATE TABLE unit_seen_v2 (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        unit TEXT NOT NULL,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        PRIMARY KEY (campaign_id, unit))""")
    # A unit's last check in each campaign, rebuilt from the snapshots' runs and the old table.
    conn.execute("""INSERT INTO unit_seen_v2 (campaign_id, unit, run_id)
        SELECT r.campaign_id, s.unit, MAX(s.run_id) FROM unit_snapshots s JOIN runs r ON r.id = s.run_id
        GROUP BY r.campaign_id, s.unit""")
    conn.execute("""INSERT INTO unit_seen_v2 (campaign_id, unit, run_id)
        SELECT r.campaign_id, u.unit, u.run_id FROM unit_seen u JOIN runs r ON r.id = u.run_id WHERE true
        ON CONFLICT (campaign_id, unit) DO UPDATE SET run_id = MAX(run_id, excluded.run_id)""")
    conn.execute("DROP TABLE unit_seen")
    conn.execute("ALTER TABLE unit_seen_v2 RENAME TO unit_seen")


def _m3_fingerprints(conn: sqlite3.Connection) -> None:
    """A unit's snapshot remembers the fingerprint of the grid it was read from (see tab_fingerprint)."""
    conn.execute("ALTER TABLE unit_snapshots ADD COLUMN fingerprint TEXT")


def _m4_locks(conn: sqlite3.Connection) -> None:
    """When a unit's tab was turned staff-only after the deadline (or opened again for an extension)."""
    conn.execute("""CREATE TABLE locks (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        unit TEXT NOT NULL,
        name TEXT NOT NULL,
        action TEXT NOT NULL,
        at TEXT NOT NULL,
        due TEXT NOT NULL)""")
    conn.execute("CREATE INDEX locks_unit ON locks (campaign_id, unit, id)")


# sqlite-utils' migrations are the model: named steps applied in order, each once, each recorded,
# all of one opening in one transaction. The version is the number of steps applied.
MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("0001_initial", _m1_initial),
    ("0002_campaigns", _m2_campaigns),
    ("0003_fingerprints", _m3_fingerprints),
    ("0004_locks", _m4_locks),
)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in the database (0: a new, empty file)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except (TypeError, ValueError):
        return -1


def migrate(conn: sqlite3.Connection, path: str | Path = "") -> int:
    """Bring the database to SCHEMA_VERSION in place; -> the version it had."""
    if schema_version(conn) == SCHEMA_VERSION:
        return SCHEMA_VERSION  # the usual case, read without taking the write lock
    with transaction(conn):  # read again under the lock: another run may have just migrated it
        version = schema_version(conn)
        if version < 0:
            raise SourceError(f"Cơ sở dữ liệu lịch sử {path} ghi số phiên bản lược đồ không đọc được. "
                              "Hãy đổi tên tệp để công cụ tạo tệp mới (tệp cũ vẫn giữ được).")
        if version > SCHEMA_VERSION:
            raise SourceError(
                f"Cơ sở dữ liệu lịch sử {path} do một phiên bản mới hơn của danvan-sheets ghi "
                f"(lược đồ {version}, bản này chỉ biết tới {SCHEMA_VERSION}). Hãy cập nhật danvan-sheets."
            )
        if version == SCHEMA_VERSION:
            return version
        for name, step in MIGRATIONS[version:]:
            step(conn)
            conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            conn.execute("INSERT OR REPLACE INTO migrations (name, applied_at) VALUES (?, ?)",
                         (name, dt.datetime.now().isoformat(timespec="seconds")))
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    return version


def _campaign_id(conn: sqlite3.Connection, year: int, source: str) -> int:
    conn.execute("INSERT OR IGNORE INTO campaigns (year, source) VALUES (?, ?)", (year, source))
    return conn.execute("SELECT id FROM campaigns WHERE year = ? AND source = ?", (year, source)).fetchone()[0]


def find_campaign(conn: sqlite3.Connection, campaign: CampaignKey) -> int | None:
    """The id of a recorded campaign, or None when no run of it was ever recorded."""
    row = conn.execute(
        "SELECT id FROM campaigns WHERE year = ? AND source = ?", (campaign.year, campaign.source)
    ).fetchone()
    return row[0] if row else None


def campaign_of_run(conn: sqlite3.Connection, run_id: int) -> CampaignKey | None:
    """The campaign a recorded run belongs to (None: no such run)."""
    row = conn.execute("SELECT c.year, c.source FROM runs r JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = ?",
                       (run_id,)).fetchone()
    return CampaignKey(row[0], row[1]) if row else None


def campaigns(conn: sqlite3.Connection) -> list[tuple[CampaignKey, int]]:
    """-> [(campaign, runs recorded)] of every campaign with at least one run, newest year first."""
    rows = conn.execute(
        "SELECT c.year, c.source, COUNT(r.id) FROM campaigns c JOIN runs r ON r.campaign_id = c.id "
        "GROUP BY c.id ORDER BY c.year DESC, c.source").fetchall()
    return [(CampaignKey(year, source), n) for year, source, n in rows]


@dataclass(frozen=True)
class RunRecord:
    id: int
    run_at: dt.datetime
    source: str
    units: int
    changed: int  # units whose content or status differed from their previous snapshot in its campaign
    campaign: CampaignKey = CampaignKey(0, "")
    campaign_id: int = 0
    reused: int = 0  # units whose tab was unchanged (same fingerprint): their rows were not encoded again


@dataclass(frozen=True)
class StoredRow:
    sheet_row: int
    raw: dict  # {"cells": {column key: value}, "row": [the whole grid row]}
    parsed: dict  # Entry.to_dict() without the row number, plus has_error

    @property
    def name(self) -> str:
        return self.parsed.get("name") or ""


@dataclass(frozen=True)
class Snapshot:
    unit: str
    name: str
    tab: str | None
    run_id: int
    run_at: dt.datetime
    hash: str
    status: str
    models: int
    required: int


# --- JSON that survives the cell types a source delivers -------------------------------------

def _default(value: object) -> object:
    """What json cannot write itself; everything else goes through its C encoder untouched."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    return str(value)


def _orjson_default(value: object) -> object:
    # orjson hands over float subclasses (numpy.float64), which json writes as the float.
    return float(value) if isinstance(value, float) else _default(value)


def _decode_hook(obj: dict) -> object:
    if len(obj) == 1:
        (k, v), = obj.items()
        if k == "$datetime":
            return dt.datetime.fromisoformat(v)
        if k == "$date":
            return dt.date.fromisoformat(v)
        if k == "$time":
            return dt.time.fromisoformat(v)
    return obj


# One encoder for every row: json.dumps() with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)
# The same text from orjson, 3-4x quicker: every row of a unit's first run is written (about a third
# of a first check's time went to json). Dates, dataclasses and float subclasses are handed to
# _orjson_default so they come out as json writes them.
_ORJSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _json_float(value: object) -> bool:
    """A float orjson writes otherwise than json: NaN and infinities (null), below 1e-4 (0.00001, 1e-7)."""
    return isinstance(value, float) and not (value == 0.0 or 1e-4 <= abs(value) < math.inf)


def _odd_floats(values: Iterable[object]) -> bool:
    """Any _json_float among the values. Most rows hold no float at all: isinstance over them runs in C."""
    values = list(values)
    return any(map(isinstance, values, repeat(float))) and any(map(_json_float, values))


def dumps(value: object, odd_floats: bool = True) -> str:
    """Keys sorted, compact, non-ASCII as is: byte for byte what _ENCODER writes (stored rows are
    content-addressed by these bytes, so a new writer must not change them).

    `odd_floats=False`: the caller knows `value` holds no float for which _json_float is true, so
    orjson may write it. What orjson refuses (ints beyond 64 bits, lone surrogates, keys that are
    not str) goes to _ENCODER too.
    """
    if not odd_floats:
        try:
            return orjson.dumps(value, default=_orjson_default, option=_ORJSON_OPTIONS).decode()
        except orjson.JSONEncodeError:
            pass
    return _ENCODER.encode(value)


def loads(text: str) -> object:
    return json.loads(text, object_hook=_decode_hook)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- connection ------------------------------------------------------------------------------

def connect(db_path: str | Path) -> sqlite3.Connection:
    path = Path(db_path)
    conn = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so the write lock is taken
        # up front and two writers never deadlock upgrading a read lock.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -32768")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, path)
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, sqlite3.Error):
            raise SourceError(f"Không mở được cơ sở dữ liệu lịch sử {path}: {_sqlite_reason(exc)}.") from None
        if isinstance(exc, OSError):
            raise SourceError(f"Không tạo được thư mục cho cơ sở dữ liệu lịch sử {path}: {os_reason(exc)}.") from None
        raise
    return conn


def _sqlite_reason(exc: sqlite3.Error) -> str:
    """SQLite speaks English; say the usual cases in Vietnamese."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "đang bị một lần chạy khác giữ quá lâu, hãy chạy lại sau"
    if "full" in text:
        return "ổ đĩa đã đầy"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "tệp bị hỏng hoặc không phải cơ sở dữ liệu lịch sử; hãy đổi tên tệp để công cụ tạo tệp mới"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return "không ghi được vào tệp (chỉ đọc hoặc thiếu quyền)"
    return "lỗi cơ sở dữ liệu"


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        # After SQLITE_FULL and the like the rollback itself fails; the real error matters.
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


@contextmanager
def opened(db_path: str | Path) -> Iterator[sqlite3.Connection]:
    """A connection whose every SQLite failure becomes a SourceError in Vietnamese."""
    conn = connect(db_path)
    try:
        yield conn
    except sqlite3.Error as exc:
        raise SourceError(f"Lỗi cơ sở dữ liệu lịch sử {db_path}: {_sqlite_reason(exc)}.") from None
    except DamagedHistory as exc:
        if exc.path:
            raise
        raise DamagedHistory(exc.damages, db_path) from None
    finally:
        conn.close()


# --- writing a run ---------------------------------------------------------------------------

def _unit_rows(verdict, tabs_by_title: dict) -> list[tuple[int, str, str, str]]:
    """-> [(sheet row, name key, raw JSON, parsed JSON)] in sheet order."""
    from danvan_sheets.core.text import key

    tab = tabs_by_title.get(verdict.tab) if verdict.tab else None
    grid = getattr(tab, "rows", None) or []
    n = len(grid)
    out = []
    for e in verdict.entries:
        full = grid[e.row - 1] if 0 < e.row <= n else []
        if full and full[-1] in (None, ""):
            full = list(full)
            while full and full[-1] in (None, ""):
                full.pop()
        parsed = e.to_dict()
        del parsed["row"]
        parsed["has_error"] = e.has_error
        parsed["duplicate"] = e.duplicate
        cells = e.raw
        # Only top-level values can be floats: the cells are the grid's own values, and the
        # parsed row's nested values (periods) are text.
        odd_raw = _odd_floats(full) or _odd_floats(cells.values())
        odd_parsed = _odd_floats(parsed.values())
        out.append((e.row, e.name_key or key(e.name), dumps({"cells": cells, "row": full}, odd_raw),
                    dumps(parsed, odd_parsed)))
    return out


# Bump when what is stored for a row changes for the same grid (the reader, the JSON shape):
# snapshots fingerprinted before then are read again instead of reused.
FINGERPRINT_VERSION = 1


def run_salt(report: Report) -> str:
    """What besides the grid decides a unit's stored rows: the campaign's rules (year, mandatory
    keywords, counting) and this program's version."""
    from danvan_sheets import __version__

    return f"{FINGERPRINT_VERSION}|{__version__}|{report.campaign!r}"


def tab_fingerprint(tab, salt: str) -> str:
    """A hash of everything the reader sees of a tab.

    repr() of the grid is one C-speed pass over cells that are plain str/int/float/date
    values: far cheaper than the JSON of every row, and exact (a cell of another type
    without a stable repr only makes the fingerprint never match, so nothing is skipped).
    """
    text = repr((salt, tab.title, tab.origin, tab.prefer_declared_unit, tab.rows, list(tab.merges)))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _store_rows(conn: sqlite3.Connection, verdict, tabs_by_title: dict) -> str:
    """Store the unit's rows (each once, content-addressed) and its list of rows; -> the content hash."""
    rows = _unit_rows(verdict, tabs_by_title)
    hashed = [
        (_sha(raw + "\x00" + parsed), sheet_row, name_key, raw, parsed) for sheet_row, name_key, raw, parsed in rows
    ]
    conn.executemany("INSERT OR IGNORE INTO rows (hash, name_key, raw_json, parsed_json) VALUES (?, ?, ?, ?)",
                     [(h, name_key, raw, parsed) for h, _r, name_key, raw, parsed in hashed])
    row_hashes = [(sheet_row, h) for h, sheet_row, *_ in hashed]
    content = _sha("\n".join(f"{r}:{h}" for r, h in row_hashes))
    if conn.execute("INSERT OR IGNORE INTO contents (hash, n_rows) VALUES (?, ?)", (content, len(rows))).rowcount:
        conn.executemany(
            "INSERT INTO content_rows (content_hash, position, sheet_row, row_hash) VALUES (?, ?, ?, ?)",
            [(content, pos, r, h) for pos, (r, h) in enumerate(row_hashes)],
        )
    return content


def record_run(
    db_path: str | Path,
    report: Report,
    data,
    run_at: dt.datetime,
    source: Any = "",
    *,
    campaign: CampaignKey | None = None,
    during_write: Callable[[], None] | None = None,
) -> RunRecord:
    """Store what this run read; only content and statuses that changed add rows.

    The run belongs to `campaign`, by default the report's year and `source` (a Source or a
    spec as written); a unit's changes are judged against its last snapshot in that campaign.
    `during_write` is called inside the write transaction, after the run and the
    first unit are written: tests use it to kill a run mid-write.
    """
    campaign = campaign or campaign_key(report.campaign.year, source)
    tabs_by_title = {t.title: t for t in getattr(data, "tabs", []) or []}
    with opened(db_path) as conn, transaction(conn):
        cid = _campaign_id(conn, campaign.year, campaign.source)
        cur = conn.execute("INSERT INTO runs (run_at, source, units, campaign_id) VALUES (?, ?, ?, ?)",
                           (run_at.isoformat(timespec="seconds"), str(source), len(report.units), cid))
        run_id = int(cur.lastrowid or 0)
        changed = reused = 0
        salt = run_salt(report)
        for i, v in enumerate(report.units):
            tab = tabs_by_title.get(v.tab) if v.tab else None
            fingerprint = tab_fingerprint(tab, salt) if tab is not None else None
            last = conn.execute(
                "SELECT s.hash, s.status, s.models, s.required, s.name, s.tab, s.fingerprint, s.id FROM "
                "unit_snapshots s "
                "JOIN runs r ON r.id = s.run_id WHERE s.unit = ? AND r.campaign_id = ? "
                "ORDER BY s.run_id DESC LIMIT 1",
                (v.unit.code, cid),
            ).fetchone()
            if fingerprint is not None and last is not None and last[6] == fingerprint:
                # The tab is exactly as last read: its rows are already stored, so the JSON
                # of every row is not built again (most units, most runs).
                content = last[0]
                reused += 1
            else:
                content = _store_rows(conn, v, tabs_by_title)
            state = (content, v.status, v.models, v.required, v.unit.name, v.tab)
            if last is None or tuple(last[:6]) != state:
                conn.execute(
                    "INSERT INTO unit_snapshots (unit, run_id, hash, status, models, required, name, tab, "
                    "fingerprint) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (v.unit.code, run_id, *state, fingerprint),
                )
                changed += 1
            elif last[6] != fingerprint:
                # Same rows from a grid that differs elsewhere (a note beside the form, a snapshot
                # stored before fingerprints): the next run may skip; the timeline gains nothing.
                conn.execute("UPDATE unit_snapshots SET fingerprint = ? WHERE id = ?", (fingerprint, last[7]))
            conn.execute("INSERT INTO unit_seen (campaign_id, unit, run_id) VALUES (?, ?, ?) "
                         "ON CONFLICT (campaign_id, unit) DO UPDATE SET run_id = excluded.run_id",
                         (cid, v.unit.code, run_id))
            if i == 0 and during_write is not None:
                during_write()
        conn.execute("UPDATE runs SET changed = ? WHERE id = ?", (changed, run_id))
    return RunRecord(run_id, run_at, str(source), len(report.units), changed, campaign, cid, reused)


# --- reading ---------------------------------------------------------------------------------
#
# A row edited by hand or half-written by a broken disk (a run time that is not ISO 8601, JSON
# that does not parse) must never stop a check: readers given a `damage` list skip such rows and
# note them there; without one they raise DamagedHistory, naming the row.

@dataclass(frozen=True)
class Damage:
    table: str
    row: object  # the row's id (or hash)
    column: str
    value: object

    def text(self) -> str:
        shown = str(self.value)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        return f"bảng {self.table}, dòng {self.row}, cột {self.column} (giá trị “{shown}”)"


class DamagedHistory(SourceError):
    def __init__(self, damages: list[Damage], path: str | Path = "") -> None:
        self.damages = list(dict.fromkeys(damages))
        self.path = path
        where = f" {path}" if path else ""
        super().__init__(
            f"Cơ sở dữ liệu lịch sử{where} có dữ liệu hỏng: "
            + "; ".join(d.text() for d in self.damages[:5])
            + (f" và {len(self.damages) - 5} chỗ khác" if len(self.damages) > 5 else "")
            + ". Các lần chạy khác vẫn dùng được; hãy sửa hoặc xóa dòng đó (ví dụ bằng DB Browser for SQLite)."
        )


def damage_text(damages: list[Damage]) -> str:
    return DamagedHistory(damages).args[0]


def _damaged(damage: list[Damage] | None, found: Damage) -> None:
    if damage is None:
        raise DamagedHistory([found])
    damage.append(found)


def parse_time(value: object) -> dt.datetime | None:
    """A stored time, or None when it is not ISO 8601. Aware times become local wall-clock time, as runs are stored."""
    if not isinstance(value, str):
        return None
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return t.astimezone().replace(tzinfo=None) if t.tzinfo else t


def _snapshot(row, damage: list[Damage] | None) -> Snapshot | None:
    unit, name, tab, run_id, run_at, h, status, models, required = row
    when = parse_time(run_at)
    if when is None:
        _damaged(damage, Damage("runs", run_id, "run_at", run_at))
        return None
    return Snapshot(unit, name, tab, run_id, when, h, status, models, required)


_SNAP_COLS = "s.unit, s.name, s.tab, s.run_id, r.run_at, s.hash, s.status, s.models, s.required"


def unit_snapshots(
    conn: sqlite3.Connection, unit: str, campaign_id: int, damage: list[Damage] | None = None
) -> list[Snapshot]:
    """The unit's snapshots in one campaign, oldest first: other years and sources are other campaigns."""
    rows = conn.execute(
        f"SELECT {_SNAP_COLS} FROM unit_snapshots s JOIN runs r ON r.id = s.run_id "
        "WHERE s.unit = ? AND r.campaign_id = ? ORDER BY s.run_id",
        (unit, campaign_id),
    ).fetchall()
    return [snap for r in rows if (snap := _snapshot(r, damage)) is not None]


def latest_snapshots(conn: sqlite3.Connection, campaign_id: int, damage: list[Damage] | None = None) -> list[Snapshot]:
    rows = conn.execute(
        f"SELECT {_SNAP_COLS} FROM unit_snapshots s JOIN runs r ON r.id = s.run_id "
        "WHERE r.campaign_id = ? AND s.run_id = "
        "(SELECT MAX(t.run_id) FROM unit_snapshots t JOIN runs q ON q.id = t.run_id "
        "WHERE t.unit = s.unit AND q.campaign_id = r.campaign_id) ORDER BY s.name",
        (campaign_id,),
    ).fetchall()
    return [snap for r in rows if (snap := _snapshot(r, damage)) is not None]


def _json_dict(text: object) -> dict | None:
    if not isinstance(text, str):
        return None
    try:
        value = loads(text)
    except (ValueError, TypeError):  # bad JSON, or a {"$date": …} that is no date
        return None
    return value if isinstance(value, dict) else None


def content_rows(conn: sqlite3.Connection, content_hash: str, damage: list[Damage] | None = None) -> list[StoredRow]:
    rows = conn.execute(
        "SELECT c.sheet_row, r.raw_json, r.parsed_json, r.hash FROM content_rows c JOIN rows r ON r.hash = c.row_hash "
        "WHERE c.content_hash = ? ORDER BY c.position",
        (content_hash,),
    ).fetchall()
    out = []
    for sheet_row, raw, parsed, h in rows:
        raw_d, parsed_d = _json_dict(raw), _json_dict(parsed)
        if raw_d is None or parsed_d is None or not isinstance(sheet_row, int):
            column, value = (("raw_json", raw) if raw_d is None else ("parsed_json", parsed) if parsed_d is None
                             else ("sheet_row", sheet_row))
            _damaged(damage, Damage("rows", h[:12] if isinstance(h, str) else h, column, value))
            continue
        out.append(StoredRow(sheet_row, raw_d, parsed_d))
    return out


def last_seen(
    conn: sqlite3.Connection, unit: str, campaign_id: int, damage: list[Damage] | None = None
) -> dt.datetime | None:
    row = conn.execute("SELECT r.run_at, r.id FROM unit_seen u JOIN runs r ON r.id = u.run_id WHERE u.unit = ? AND "
                       "u.campaign_id = ?",
                       (unit, campaign_id)).fetchone()
    if not row:
        return None
    when = parse_time(row[0])
    if when is None:
        _damaged(damage, Damage("runs", row[1], "run_at", row[0]))
    return when


def run_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]


def find_units(conn: sqlite3.Connection, campaign_id: int) -> list[tuple[str, str]]:
    """-> [(code, latest name)] of every unit recorded in the campaign (a damaged run time does not hide a unit)."""
    rows = conn.execute(
        "SELECT s.unit, s.name FROM unit_snapshots s JOIN runs r ON r.id = s.run_id WHERE r.campaign_id = ? "
        "AND s.run_id = (SELECT MAX(t.run_id) FROM unit_snapshots t JOIN runs q ON q.id = t.run_id "
        "WHERE t.unit = s.unit AND q.campaign_id = r.campaign_id) ORDER BY s.name", (campaign_id,)).fetchall()
    return [(unit, name) for unit, name in rows]


# --- reminders -------------------------------------------------------------------------------

def last_reminder(conn: sqlite3.Connection, unit: str) -> dt.datetime | None:
    """The last reminder sent to the unit; a damaged send time is passed over (at worst one reminder too many)."""
    times = [parse_time(v) for (v,) in conn.execute("SELECT sent_at FROM reminders WHERE unit = ?", (unit,))]
    return max((t for t in times if t is not None), default=None)


def record_reminder(conn: sqlite3.Connection, unit: str, sent_at: dt.datetime, address: str, subject: str) -> None:
    with transaction(conn):
        conn.execute("INSERT INTO reminders (unit, sent_at, address, subject) VALUES (?, ?, ?, ?)",
                     (unit, sent_at.isoformat(timespec="seconds"), address, subject))


# --- locks after the deadline ----------------------------------------------------------------

@dataclass(frozen=True)
class LockRecord:
    unit: str
    name: str
    action: str  # "locked" | "reopened" (google/lock.py)
    at: dt.datetime
    due: dt.date  # the last day the unit could edit (deadline + grace, or its extension)


def record_locks(db_path: str | Path, campaign: CampaignKey, records: list[LockRecord]) -> None:
    """What one lock run changed on the sheet; nothing for units it left as they were."""
    if not records:
        return
    with opened(db_path) as conn, transaction(conn):
        cid = _campaign_id(conn, campaign.year, campaign.source)
        conn.executemany("INSERT INTO locks (campaign_id, unit, name, action, at, due) VALUES (?, ?, ?, ?, ?, ?)",
                         [(cid, r.unit, r.name, r.action, r.at.isoformat(timespec="seconds"), r.due.isoformat())
                          for r in records])


def unit_locks(conn: sqlite3.Connection, unit: str, campaign_id: int,
               damage: list[Damage] | None = None) -> list[LockRecord]:
    """The unit's lock changes in one campaign, oldest first."""
    rows = conn.execute("SELECT id, unit, name, action, at, due FROM locks WHERE unit = ? AND campaign_id = ? "
                        "ORDER BY id", (unit, campaign_id)).fetchall()
    out = []
    for rid, code, name, action, at, due in rows:
        when = parse_time(at)
        try:
            day = dt.date.fromisoformat(due) if isinstance(due, str) else None
        except ValueError:
            day = None
        if when is None or day is None:
            _damaged(damage, Damage("locks", rid, "at" if when is None else "due", at if when is None else due))
            continue
        out.append(LockRecord(code, name, action, when, day))
    return out

"""A stateful fake of Google Sheets v4 + Drive v3, served over HTTP on 127.0.0.1.

The real gspread client talks to it once URLs are rewritten to keep only the path:
  https://sheets.googleapis.com/v4/...  ->  http://HOST/v4/...
  https://www.googleapis.com/drive/v3/... ->  http://HOST/drive/v3/...

Response shapes follow the recordings of real Google traffic in tests/fakes/recorded/
(from gspread's test suite, MIT). Run `python -m tests.fakes.sheets_api --port 8089`
to serve it in the foreground.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import string
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import _batch_update as bu
from ._a1 import format_range
from ._cells import parse_raw
from ._fields import check_spreadsheet_mask
from ._model import ApiError, Sheet, Spreadsheet, bad_request, now_rfc3339, trim

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
QUOTA_MESSAGE = ("Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
                 "per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.")
HTML_414 = """<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">
  <title>Error 414 (Request-URI Too Large)!!1</title>
  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>
  <p><b>414.</b> <ins>That\u2019s an error.</ins>
  <p>The requested URL is too large to process.  <ins>That\u2019s all we know.</ins>
"""

__all__ = ["FakeGoogle", "RecordedRequest", "Cell", "Sheet", "Spreadsheet"]
from ._cells import Cell  # noqa: E402  (re-exported for tests)


@dataclass
class RecordedRequest:
    method: str
    path: str  # percent-decoded, without the query string
    query: dict[str, list[str]]
    body: dict | None
    status: int | None = None  # None when the connection was dropped

    @property
    def is_read(self) -> bool:
        return self.path.startswith("/v4/") and (
            self.method == "GET" or self.path.endswith("values:batchGetByDataFilter"))

    @property
    def is_write(self) -> bool:
        return self.path.startswith("/v4/") and not self.is_read and self.method in ("POST", "PUT", "DELETE")


@dataclass
class _Rule:
    kind: str  # "fail" | "drop" | "delay" | "mangle" | "trickle"
    remaining: int | None
    match: re.Pattern | None
    status: int = 0
    retry_after: float | int | str | None = None
    body: Any = None
    seconds: float = 0.0
    truncate: bool = False
    where: str = "body"

    def applies(self, target: str) -> bool:
        return (self.remaining is None or self.remaining > 0) and (
            self.match is None or self.match.search(target) is not None)

    def consume(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1


class _Reply:
    def __init__(self, status: int, body: Any = None, headers: dict | None = None,
                 content_type: str = "application/json; charset=UTF-8"):
        self.status, self.body, self.headers, self.content_type = status, body, headers or {}, content_type
        self.truncate = False  # announce the whole length, send half, close: a reply cut off in transit
        self.trickle: tuple[float, str] | None = None  # (seconds per byte, "headers" | "body")


class _Drop(Exception):
    """Close the connection without answering."""


class FakeGoogle:
    """The fake server plus Python-side helpers to arrange and inspect its state."""

    def __init__(self, port: int = 0, *, latency: float = 0.0, read_quota_per_minute: int | None = None,
                 seed: int | None = None):
        self.port = port
        self.latency = latency
        self.read_quota_per_minute = read_quota_per_minute
        self.max_url_length = 16384
        self.clock: Callable[[], float] = time.monotonic
        self.quota_rejections = 0
        self.owner_email: str | None = None  # when set, new files get an owner permission
        # The account the requests come from (the tool's service account): Google keeps it among
        # the editors of every protected range it adds or updates.
        self.caller_email: str | None = None
        # A service account owns no Drive storage: Google refuses it a new file in "My Drive"
        # (403 storageQuotaExceeded, gspread #1592) but not in a Shared Drive it belongs to.
        self.no_drive_storage = False
        self.shared_drive_folders: set[str] = set()
        # Folders of "My Drive" the caller can see. A parent Drive does not know is a 404 naming it,
        # and so is a Shared Drive folder asked for without supportsAllDrives=true.
        self.my_drive_folders: set[str] = set()
        self.requests: list[RecordedRequest] = []
        self._books: dict[str, Spreadsheet] = {}
        self._rules: list[_Rule] = []
        self._read_times: deque[float] = deque()
        self._lock = threading.RLock()
        self._random = random.Random(seed)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle
    def start(self) -> FakeGoogle:
        if self._server is not None:
            return self
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-google", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def host(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeGoogle is not started")
        return f"127.0.0.1:{self._server.server_address[1]}"

    # ------------------------------------------------------------ request log
    def reads(self) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.is_read)

    def writes(self) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.is_write)

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # ------------------------------------------------------------ faults
    def fail(self, status: int, times: int | None = 1, match: str | None = None,
             retry_after: float | int | str | None = None, body: Any = None) -> None:
        """Answer the next `times` matching requests ("METHOD /path", regex search) with `status`."""
        self._add_rule(_Rule("fail", times, _compile(match), status=status, retry_after=retry_after, body=body))

    def drop(self, times: int | None = 1, match: str | None = None) -> None:
        """Close the connection without a response, after reading the request."""
        self._add_rule(_Rule("drop", times, _compile(match)))

    def delay(self, seconds: float, times: int | None = None, match: str | None = None) -> None:
        """Sleep before answering matching requests."""
        self._add_rule(_Rule("delay", times, _compile(match), seconds=seconds))

    def mangle(self, body: str | None = None, times: int | None = 1, match: str | None = None,
               truncate: bool = False) -> None:
        """Do the request (a write is applied), then answer with `body` as raw text in place of
        the real answer, or with the real answer cut off half way (truncate)."""
        self._add_rule(_Rule("mangle", times, _compile(match), body=body, truncate=truncate))

    def trickle(self, seconds: float, times: int | None = 1, match: str | None = None, where: str = "body") -> None:
        """Answer matching requests one byte every `seconds`, from the status line on
        (where="headers") or once the headers are sent (where="body")."""
        self._add_rule(_Rule("trickle", times, _compile(match), seconds=seconds, where=where))

    def clear_faults(self) -> None:
        with self._lock:
            self._rules.clear()

    def _add_rule(self, rule: _Rule) -> None:
        with self._lock:
            self._rules.append(rule)

    # ------------------------------------------------------------ state helpers
    def create_spreadsheet(self, title: str, tabs: list[str] | None = None) -> str:
        with self._lock:
            book = self._new_book(title, tabs or ["Sheet1"])
            return book.id

    def set_values(self, spreadsheet_id: str, tab_title: str, rows: list[list]) -> None:
        """Write raw values from A1 (numbers stay numbers, date objects become dates); grows the grid."""
        with self._lock:
            book = self._book(spreadsheet_id)
            sheet = self._sheet(book, tab_title)
            sheet.row_count = max(sheet.row_count, len(rows))
            sheet.col_count = max(sheet.col_count, max((len(r) for r in rows), default=0))
            for i, row in enumerate(rows):
                for j, raw in enumerate(row):
                    book.store_value(sheet, i, j, parse_raw("" if raw is None else raw))
            book.touch()

    def get_values(self, spreadsheet_id: str, tab_title: str) -> list[list]:
        """The tab's values as UNFORMATTED_VALUE / SERIAL_NUMBER, trimmed like Google."""
        with self._lock:
            book = self._book(spreadsheet_id)
            sheet = self._sheet(book, tab_title)
            params = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
            return trim(book.rendered_grid(sheet, 0, sheet.row_count, 0, sheet.col_count, params))

    def sheet(self, spreadsheet_id: str, tab_title: str) -> Sheet:
        """The live Sheet object (cells keyed by 0-based (row, col))."""
        with self._lock:
            return self._sheet(self._book(spreadsheet_id), tab_title)

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        with self._lock:
            return self._book(spreadsheet_id)

    def protected_ranges(self, spreadsheet_id: str) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._book(spreadsheet_id).protected_ranges)

    def permissions(self, spreadsheet_id: str) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._book(spreadsheet_id).permissions)

    def tabs(self, spreadsheet_id: str) -> list[str]:
        with self._lock:
            return [s.title for s in self._book(spreadsheet_id).sheets]

    def spreadsheet_ids(self) -> list[str]:
        with self._lock:
            return list(self._books)

    def _book(self, spreadsheet_id: str) -> Spreadsheet:
        try:
            return self._books[spreadsheet_id]
        except KeyError:
            raise KeyError(f"no spreadsheet {spreadsheet_id!r} in the fake") from None

    @staticmethod
    def _sheet(book: Spreadsheet, tab_title: str) -> Sheet:
        sheet = book.sheet_by_title(tab_title)
        if sheet is None:
            raise KeyError(f"no tab {tab_title!r} in spreadsheet {book.id!r}")
        return sheet

    def _new_book(self, title: str, tabs: list[str], parents: list[str] | None = None) -> Spreadsheet:
        sheets = [Sheet(sheet_id=0 if i == 0 else self._new_sheet_id(), title=t, index=i)
                  for i, t in enumerate(tabs)]
        book = Spreadsheet(id=self._new_file_id(), title=title, sheets=sheets, parents=list(parents or []))
        if self.owner_email:
            book.permissions.append(self._permission("owner", "user", self.owner_email))
        self._books[book.id] = book
        return book

    def _new_file_id(self) -> str:
        alphabet = string.ascii_letters + string.digits + "-_"
        return "1" + "".join(self._random.choice(alphabet) for _ in range(43))

    def _new_sheet_id(self) -> int:
        return self._random.randint(1, 2**31 - 1)

    def _permission(self, role: str, kind: str, email: str | None, with_link: bool = False,
                    domain: str | None = None) -> dict:
        perm = {"kind": "drive#permission", "id": str(self._random.randint(10**19, 10**20 - 1)),
                "type": kind, "role": role}
        if kind == "anyone":
            perm["id"] = "anyoneWithLink" if with_link else "anyone"
        if email:
            perm["emailAddress"] = email
            perm["displayName"] = email.split("@")[0]
        if kind == "domain" and domain:
            perm["domain"] = domain
        perm.update({"deleted": False, "pendingOwner": False})
        return perm

    # ------------------------------------------------------------ request pipeline
    def _serve(self, handler: _Handler) -> None:
        time.sleep(self.latency) if self.latency else None
        split = urlsplit(handler.path)
        path = unquote(split.path)
        query = parse_qs(split.query, keep_blank_values=True)
        raw_body = handler.read_body()
        body = _json_or_none(raw_body)
        record = RecordedRequest(handler.command, path, query, body if isinstance(body, dict) else None)
        with self._lock:
            self.requests.append(record)
        if len(handler.requestline) > self.max_url_length:
            # Google's front end answers an over-long URL with an HTML page, not JSON.
            reply = _Reply(414, HTML_414, content_type="text/html; charset=UTF-8")
            handler.close_connection = True
        else:
            reply = self._reply_for(handler.command, split.path, path, query, raw_body, body, record)
        record.status = None if reply is None else reply.status
        if reply is None:
            handler.close_connection = True
            return
        handler.send(reply)

    def _reply_for(self, method, raw_path, path, query, raw_body, body, record) -> _Reply | None:
        target = f"{method} {path}"
        for seconds in self._take_delays(target):
            time.sleep(seconds)
        rule = self._take_fault(target)
        if rule is not None:
            if rule.kind == "drop":
                return None
            return self._fault_reply(rule)
        if record.is_read and self._over_quota():
            return _Reply(429, _quota_body())
        try:
            reply = self._dispatch(method, raw_path, query, raw_body, body)
        except ApiError as err:
            reply = _Reply(err.code, err.body())
        for rule in self._take_rules(target, "mangle", "trickle"):
            if rule.kind == "trickle":
                reply.trickle = (rule.seconds, rule.where)
            elif rule.truncate:
                reply.truncate = True
            else:
                reply = _Reply(reply.status, rule.body, content_type="application/json; charset=UTF-8")
        return reply

    def _take_rules(self, target: str, *kinds: str) -> list[_Rule]:
        with self._lock:
            out = []
            for rule in self._rules:
                if rule.kind in kinds and rule.applies(target):
                    rule.consume()
                    out.append(rule)
            return out

    def _take_delays(self, target: str) -> list[float]:
        with self._lock:
            out = []
            for rule in self._rules:
                if rule.kind == "delay" and rule.applies(target):
                    rule.consume()
                    out.append(rule.seconds)
            return out

    def _take_fault(self, target: str) -> _Rule | None:
        with self._lock:
            for rule in self._rules:
                if rule.kind in ("fail", "drop") and rule.applies(target):
                    rule.consume()
                    return rule
            return None

    @staticmethod
    def _fault_reply(rule: _Rule) -> _Reply:
        body = rule.body if rule.body is not None else ApiError(rule.status).body()
        headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
        if isinstance(body, str):
            return _Reply(rule.status, body, headers, content_type="text/html; charset=UTF-8")
        return _Reply(rule.status, body, headers)

    def _over_quota(self) -> bool:
        if self.read_quota_per_minute is None:
            return False
        with self._lock:
            now = self.clock()
            while self._read_times and now - self._read_times[0] >= 60:
                self._read_times.popleft()
            if len(self._read_times) >= self.read_quota_per_minute:
                self.quota_rejections += 1
                return True
            self._read_times.append(now)
            return False

    def _dispatch(self, method, raw_path, query, raw_body, body) -> _Reply:
        if raw_body and body is _INVALID_JSON:
            raise bad_request(f"Invalid JSON payload received. Unexpected token.\n{raw_body[:40]!r}")
        for route_method, pattern, name in _ROUTES:
            m = pattern.match(raw_path)
            if m and route_method == method:
                args = [unquote(g) for g in m.groups()]
                with self._lock:
                    return getattr(self, name)(*args, q=_flat(query), qs=query,
                                               body=body if isinstance(body, dict) else {})
        raise ApiError(404)

    def _spreadsheet_for(self, spreadsheet_id: str) -> Spreadsheet:
        book = self._books.get(spreadsheet_id)
        if book is None:
            raise ApiError(404)
        return book

    # ------------------------------------------------------------ Drive v3
    def drive_create(self, *, q, qs, body) -> _Reply:
        mime = body.get("mimeType")
        if mime != SPREADSHEET_MIME:
            raise _drive_error(400, f"The fake only creates spreadsheets, not {mime!r}.", "badRequest")
        parents = list(body.get("parents") or [])
        all_drives = q.get("supportsAllDrives", "false").lower() == "true"
        for parent in parents:
            if parent not in self.my_drive_folders and not (parent in self.shared_drive_folders and all_drives):
                raise _drive_error(404, f"File not found: {parent}.", "notFound", location="fileId")
        if self.no_drive_storage and not set(parents) & self.shared_drive_folders:
            raise _drive_error(403, "The user's Drive storage quota has been exceeded.", "storageQuotaExceeded",
                               domain="usageLimits")
        book = self._new_book(body.get("name") or "Untitled spreadsheet", ["Sheet1"], body.get("parents"))
        return _Reply(200, _drive_fields(self._file_json(book), q.get("fields")))

    def drive_list(self, *, q, qs, body) -> _Reply:
        query = q.get("q", "")
        files = [self._file_json(b) for b in self._books.values() if _drive_query_matches(b, query)]
        size = int(q.get("pageSize") or 100)
        start = int(q.get("pageToken") or 0)
        out: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False,
                               "files": files[start:start + size]}
        if start + size < len(files):
            out["nextPageToken"] = str(start + size)
        return _Reply(200, _drive_fields(out, q.get("fields"), listing=True))

    def drive_get(self, file_id, *, q, qs, body) -> _Reply:
        return _Reply(200, _drive_fields(self._file_json(self._drive_book(file_id)), q.get("fields")))

    def drive_update(self, file_id, *, q, qs, body) -> _Reply:
        book = self._drive_book(file_id)
        if body.get("name"):
            book.title = body["name"]
            book.touch()
        return _Reply(200, _drive_fields(self._file_json(book), q.get("fields")))

    def drive_delete(self, file_id, *, q, qs, body) -> _Reply:
        del self._books[self._drive_book(file_id).id]
        return _Reply(204)

    def drive_copy(self, file_id, *, q, qs, body) -> _Reply:
        source = self._drive_book(file_id)
        book = copy.deepcopy(source)
        book.id = self._new_file_id()
        book.title = body.get("name") or f"Copy of {source.title}"
        book.permissions = []
        book.created_time = book.modified_time = now_rfc3339()
        self._books[book.id] = book
        return _Reply(200, _drive_fields(self._file_json(book), q.get("fields")))

    def drive_add_permission(self, file_id, *, q, qs, body) -> _Reply:
        book = self._drive_book(file_id)
        kind, role = body.get("type"), body.get("role")
        if kind not in ("user", "group", "domain", "anyone") or role not in (
                "owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"):
            raise _drive_error(400, "Invalid permission type or role.", "invalid")
        if kind in ("user", "group") and not body.get("emailAddress"):
            raise _drive_error(400, "An email address must be supplied.", "required")
        if role == "owner" and q.get("transferOwnership", "false").lower() != "true":
            raise _drive_error(403, "The transferOwnership parameter must be enabled when the permission "
                                    "role is 'owner'.", "forbidden")
        perm = self._permission(role, kind, body.get("emailAddress"), bool(body.get("withLink")),
                                body.get("domain"))
        # Not Drive fields: what the caller asked to notify, kept so tests can check it.
        perm["sendNotificationEmail"] = q.get("sendNotificationEmail", "true").lower() == "true"
        perm["emailMessage"] = q.get("emailMessage")
        book.permissions = [p for p in book.permissions if p["id"] != perm["id"]] + [perm]
        shown = {k: perm[k] for k in ("kind", "id", "type", "role")}
        return _Reply(200, _drive_fields(_public_permission(perm), q.get("fields")) if q.get("fields") else shown)

    def drive_list_permissions(self, file_id, *, q, qs, body) -> _Reply:
        perms = [_public_permission(p) for p in self._drive_book(file_id).permissions]
        return _Reply(200, _drive_fields({"kind": "drive#permissionList", "permissions": perms},
                                         q.get("fields"), listing=True))

    def drive_delete_permission(self, file_id, permission_id, *, q, qs, body) -> _Reply:
        book = self._drive_book(file_id)
        kept = [p for p in book.permissions if p["id"] != permission_id]
        if len(kept) == len(book.permissions):
            raise _drive_error(404, f"Permission not found: {permission_id}.", "notFound")
        book.permissions = kept
        return _Reply(204)

    def _drive_book(self, file_id: str) -> Spreadsheet:
        book = self._books.get(file_id)
        if book is None:
            raise _drive_error(404, f"File not found: {file_id}.", "notFound", location="fileId")
        return book

    @staticmethod
    def _file_json(book: Spreadsheet) -> dict:
        out = {"kind": "drive#file", "id": book.id, "name": book.title, "mimeType": SPREADSHEET_MIME,
               "createdTime": book.created_time, "modifiedTime": book.modified_time, "trashed": False}
        if book.parents:
            out["parents"] = list(book.parents)
        return out

    # ------------------------------------------------------------ Sheets v4
    def sheets_create(self, *, q, qs, body) -> _Reply:
        props = body.get("properties") or {}
        tabs = [((s.get("properties") or {}).get("title") or f"Sheet{i + 1}")
                for i, s in enumerate(body.get("sheets") or [{}])]
        book = self._new_book(props.get("title") or "Untitled spreadsheet", tabs)
        return _Reply(200, book.metadata())

    def sheets_get(self, spreadsheet_id, *, q, qs, body) -> _Reply:
        book = self._spreadsheet_for(spreadsheet_id)
        fields = q.get("fields")
        check_spreadsheet_mask(fields)
        with_grid = q.get("includeGridData", "false").lower() == "true" or bool(
            fields and re.search(r"(^|[,(./])data([,)(./]|$)", fields))
        data = book.metadata(with_grid=with_grid, ranges=qs.get("ranges"))
        return _Reply(200, bu.filter_fields(data, fields))

    def sheets_batch_update(self, spreadsheet_id, *, q, qs, body) -> _Reply:
        book = self._spreadsheet_for(spreadsheet_id)
        work = copy.deepcopy(book)  # atomic: apply everything to a copy, swap in on success
        try:
            replies = bu.run_batch(work, body.get("requests", []), bu.Context(self._new_sheet_id, self.caller_email))
        except bu.BatchError as err:
            raise bad_request(err.message) from None
        work.touch()
        self._books[spreadsheet_id] = work
        out: dict[str, Any] = {"spreadsheetId": spreadsheet_id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            out["updatedSpreadsheet"] = work.metadata(with_grid=bool(body.get("responseIncludeGridData")),
                                                      ranges=body.get("responseRanges"))
        return _Reply(200, out)

    def values_get(self, spreadsheet_id, a1, *, q, qs, body) -> _Reply:
        return _Reply(200, self._spreadsheet_for(spreadsheet_id).read_values(a1, q))

    def values_batch_get(self, spreadsheet_id, *, q, qs, body) -> _Reply:
        book = self._spreadsheet_for(spreadsheet_id)
        out: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
        if qs.get("ranges"):
            out["valueRanges"] = [book.read_values(a1, q) for a1 in qs["ranges"]]
        return _Reply(200, out)

    def values_batch_get_by_filter(self, spreadsheet_id, *, q, qs, body) -> _Reply:
        book = self._spreadsheet_for(spreadsheet_id)
        params = {k: body.get(k) for k in ("valueRenderOption", "dateTimeRenderOption", "majorDimension")}
        out: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
        ranges = []
        for data_filter in body.get("dataFilters") or []:
            a1 = self._filter_to_a1(book, data_filter)
            ranges.append({"valueRange": book.read_values(a1, params), "dataFilters": [data_filter]})
        if ranges:
            out["valueRanges"] = ranges
        return _Reply(200, out)

    @staticmethod
    def _filter_to_a1(book: Spreadsheet, data_filter: dict) -> str:
        if "a1Range" in data_filter:
            return data_filter["a1Range"]
        if "gridRange" in data_filter:
            try:
                sheet, r0, r1, c0, c1 = bu.grid_bounds(book, data_filter["gridRange"])
            except bu.RequestError as err:
                raise bad_request(str(err)) from None
            return format_range(sheet.title, r0, r1, c0, c1)
        raise bad_request("The fake supports only a1Range and gridRange data filters.")

    def values_update(self, spreadsheet_id, a1, *, q, qs, body) -> _Reply:
        book = self._spreadsheet_for(spreadsheet_id)
        result = book.write_values(a1, body.get("values"), q.get("valueInputOption"), body.get("majorDimension"))
        out = {"spreadsheetId": spreadsheet_id, **result}
        if q.get("includeValuesInResponse", "false").lower() == "true":
            out["updatedData"] = book.read_values(result["updatedRange"], _response_render(q))
        return _Reply(200, out)

    def values_append(self, spreadsheet_id, a1, *, q, qs, body) -> _Reply:
        book = self._spreadsheet_for(spreadsheet_id)
        work = copy.deepcopy(book)
        result = work.append_values(a1, body.get("values"), q.get("valueInputOption"),
                                    body.get("majorDimension"), q.get("insertDataOption"))
        self._books[spreadsheet_id] = work
        result["updates"] = {"spreadsheetId": spreadsheet_id, **result["updates"]}
        return _Reply(200, {"spreadsheetId": spreadsheet_id, **result})

    def values_clear(self, spreadsheet_id, a1, *, q, qs, body) -> _Reply:
        cleared = self._spreadsheet_for(spreadsheet_id).clear_values(a1)
        return _Reply(200, {"spreadsheetId": spreadsheet_id, "clearedRange": cleared})

    def values_batch_clear(self, spreadsheet_id, *, q, qs, body) -> _Reply:
        book = self._spreadsheet_for(spreadsheet_id)
        work = copy.deepcopy(book)
        cleared = [work.clear_values(a1) for a1 in body.get("ranges") or []]
        self._books[spreadsheet_id] = work
        return _Reply(200, {"spreadsheetId": spreadsheet_id, "clearedRanges": cleared})

    def values_batch_update(self, spreadsheet_id, *, q, qs, body) -> _Reply:
        book = self._spreadsheet_for(spreadsheet_id)
        work = copy.deepcopy(book)  # all ranges or none
        responses = []
        for i, item in enumerate(body.get("data") or []):
            result = work.write_values(item.get("range", ""), item.get("values"), body.get("valueInputOption"),
                                       item.get("majorDimension"), field_name=f"data[{i}].values")
            responses.append({"spreadsheetId": spreadsheet_id, **result})
        self._books[spreadsheet_id] = work
        out: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
        if responses:
            out.update(_batch_totals(work, body.get("data") or [], responses))
            out["responses"] = responses
        return _Reply(200, out)


# ---------------------------------------------------------------- HTTP plumbing

_INVALID_JSON = object()
_ID = r"([^/:?]+)"
_ROUTES: list[tuple[str, re.Pattern, str]] = [
    (m, re.compile(p + r"$"), name) for m, p, name in [
        ("POST", r"/drive/v3/files", "drive_create"),
        ("GET", r"/drive/v3/files", "drive_list"),
        ("GET", rf"/drive/v3/files/{_ID}", "drive_get"),
        ("PATCH", rf"/drive/v3/files/{_ID}", "drive_update"),
        ("DELETE", rf"/drive/v3/files/{_ID}", "drive_delete"),
        ("POST", rf"/drive/v3/files/{_ID}/copy", "drive_copy"),
        ("POST", rf"/drive/v3/files/{_ID}/permissions", "drive_add_permission"),
        ("GET", rf"/drive/v3/files/{_ID}/permissions", "drive_list_permissions"),
        ("DELETE", rf"/drive/v3/files/{_ID}/permissions/{_ID}", "drive_delete_permission"),
        ("POST", r"/v4/spreadsheets", "sheets_create"),
        ("GET", rf"/v4/spreadsheets/{_ID}", "sheets_get"),
        ("POST", rf"/v4/spreadsheets/{_ID}:batchUpdate", "sheets_batch_update"),
        ("GET", rf"/v4/spreadsheets/{_ID}/values:batchGet", "values_batch_get"),
        ("POST", rf"/v4/spreadsheets/{_ID}/values:batchGetByDataFilter", "values_batch_get_by_filter"),
        ("POST", rf"/v4/spreadsheets/{_ID}/values:batchUpdate", "values_batch_update"),
        ("POST", rf"/v4/spreadsheets/{_ID}/values:batchClear", "values_batch_clear"),
        ("POST", rf"/v4/spreadsheets/{_ID}/values/(.+):append", "values_append"),
        ("POST", rf"/v4/spreadsheets/{_ID}/values/(.+):clear", "values_clear"),
        ("GET", rf"/v4/spreadsheets/{_ID}/values/(.+)", "values_get"),
        ("PUT", rf"/v4/spreadsheets/{_ID}/values/(.+)", "values_update"),
    ]
]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ESF"  # what Google's front end calls itself in the recordings
    sys_version = ""

    def do_GET(self) -> None:
        self.server.fake._serve(self)  # type: ignore[attr-defined]

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, reply: _Reply) -> None:
        if reply.body is None:
            payload = b""
        elif isinstance(reply.body, str):
            payload = reply.body.encode("utf-8")
        else:
            payload = json.dumps(reply.body, ensure_ascii=False, indent=2).encode("utf-8")
        try:
            if reply.trickle is not None:
                self._send_trickling(reply, payload)
                return
            self.send_response(reply.status)
            if payload:
                self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            if self.close_connection or reply.truncate:
                self.send_header("Connection", "close")
            self.end_headers()
            if reply.truncate:
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def _send_trickling(self, reply: _Reply, payload: bytes) -> None:
        seconds, where = reply.trickle
        head = (f"HTTP/1.1 {reply.status} OK\r\nContent-Type: {reply.content_type}\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n").encode("latin-1")
        self.close_connection = True
        fake = self.server.fake  # type: ignore[attr-defined]
        if where == "body":
            self.wfile.write(head)
            self.wfile.flush()
            head = b""
        for i in range(len(head) + len(payload)):
            if fake._server is None:  # the fake was stopped: hang up rather than trickle on
                return
            time.sleep(seconds)
            self.wfile.write((head + payload)[i:i + 1])
            self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def _compile(match: str | None) -> re.Pattern | None:
    return None if match is None else re.compile(match)


def _json_or_none(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return _INVALID_JSON


def _flat(query: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[-1] for k, v in query.items()}


def _response_render(q: dict) -> dict:
    return {"valueRenderOption": q.get("responseValueRenderOption"),
            "dateTimeRenderOption": q.get("responseDateTimeRenderOption")}


def _quota_body() -> dict:
    body = ApiError(429, QUOTA_MESSAGE).body()
    body["error"]["details"] = [{
        "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
        "domain": "googleapis.com",
        "metadata": {"quota_metric": "sheets.googleapis.com/read_requests",
                     "quota_limit": "ReadRequestsPerMinutePerUser", "service": "sheets.googleapis.com",
                     "consumer": "projects/000000000000"},
    }]
    return body


def _batch_totals(book: Spreadsheet, data: list[dict], responses: list[dict]) -> dict:
    """Totals count distinct rows/columns/sheets touched (WorksheetTest.test_batch_update: 2 rows, 4 cols)."""
    rows, cols, sheets = set(), set(), set()
    for _item, resp in zip(data, responses, strict=False):
        sheet, r0, r1, c0, c1 = book.read_bounds(resp["updatedRange"])
        if "updatedCells" not in resp:
            continue
        sheets.add(sheet.sheet_id)
        rows.update((sheet.sheet_id, r) for r in range(r0, r1))
        cols.update((sheet.sheet_id, c) for c in range(c0, c1))
    return {"totalUpdatedRows": len(rows), "totalUpdatedColumns": len(cols),
            "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
            "totalUpdatedSheets": len(sheets)}


# ---------------------------------------------------------------- Drive helpers

def _drive_error(code: int, message: str, reason: str, location: str | None = None,
                 domain: str = "global") -> ApiError:
    """Drive v3 errors carry an `errors` list as well (gspread's backoff client looks for it)."""
    err = ApiError(code, message)
    item = {"message": message, "domain": domain, "reason": reason}
    if location:
        item.update(location=location, locationType="parameter")

    def body() -> dict:
        return {"error": {"code": code, "message": message, "errors": [item]}}

    err.body = body  # type: ignore[method-assign]
    return err


def _public_permission(perm: dict) -> dict:
    return {k: v for k, v in perm.items() if k not in ("sendNotificationEmail", "emailMessage")}


def _drive_fields(obj: dict, fields: str | None, listing: bool = False) -> dict:
    if fields:
        return bu.filter_fields(obj, fields)
    if listing:
        key = "files" if "files" in obj else "permissions"
        defaults = ("kind", "id", "name", "mimeType") if key == "files" else ("kind", "id", "type", "role")
        out = {k: v for k, v in obj.items() if k != key}
        out[key] = [{k: item[k] for k in defaults if k in item} for item in obj[key]]
        return out
    # Drive v3 answers with kind/id/name/mimeType unless `fields` says otherwise (ClientTest.test_create).
    return {k: obj[k] for k in ("kind", "id", "name", "mimeType") if k in obj}


_CLAUSE = re.compile(r"""^\s*(\w+)\s*(=|!=|contains)\s*(['"])((?:\\.|(?!\3).)*)\3\s*$""")
_IN_PARENTS = re.compile(r"""^\s*(['"])((?:\\.|(?!\1).)*)\1\s+in\s+parents\s*$""")
_PARENTS_IN = re.compile(r"""^\s*parents\s+in\s+(['"])((?:\\.|(?!\1).)*)\1\s*$""")  # gspread's spelling
_TRASHED = re.compile(r"^\s*trashed\s*=\s*(true|false)\s*$")


def _drive_query_matches(book: Spreadsheet, query: str) -> bool:
    return all(_clause_matches(book, clause) for clause in _split_and(query) if clause.strip())


def _split_and(query: str) -> list[str]:
    parts, current, quote, i = [], "", None, 0
    while i < len(query):
        ch = query[i]
        if quote:
            current += ch
            if ch == "\\" and i + 1 < len(query):
                current += query[i + 1]
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            current += ch
        elif query[i:i + 5].lower() == " and ":
            parts.append(current)
            current = ""
            i += 4
        else:
            current += ch
        i += 1
    parts.append(current)
    return parts


def _clause_matches(book: Spreadsheet, clause: str) -> bool:
    if m := _TRASHED.match(clause):
        return m.group(1) == "false"
    if m := (_IN_PARENTS.match(clause) or _PARENTS_IN.match(clause)):
        return _unescape(m.group(2)) in book.parents
    m = _CLAUSE.match(clause)
    if not m or m.group(1) not in ("name", "mimeType"):
        raise _drive_error(400, f"Invalid Value: {clause.strip()}", "invalid", location="q")
    field, op, value = m.group(1), m.group(2), _unescape(m.group(4))
    actual = book.title if field == "name" else SPREADSHEET_MIME
    if op == "=":
        return actual == value
    if op == "!=":
        return actual != value
    return value.lower() in actual.lower()


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# ---------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the fake Google Sheets/Drive API in the foreground.")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    parser.add_argument("--read-quota", type=int, default=None, help="read requests allowed per minute")
    args = parser.parse_args(argv)
    fake = FakeGoogle(args.port, latency=args.latency, read_quota_per_minute=args.read_quota).start()
    print(fake.host, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()

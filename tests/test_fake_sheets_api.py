"""Conformance and behaviour tests for the fake Sheets v4 / Drive v3 API (tests/fakes/sheets_api.py).

Part 1 replays real Google exchanges recorded by gspread's test suite (tests/fakes/recorded/,
MIT, see LICENSE-gspread.txt) and checks the fake answers with the same JSON shape.
Part 2 drives the fake through the real gspread 6.2.1 client.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import gspread
import pytest
import requests

from tests.fakes.fixtures import make_gspread_client
from tests.fakes.sheets_api import FakeGoogle

RECORDED = Path(__file__).parent / "fakes" / "recorded"
SHEETS = "https://sheets.googleapis.com"

# Keys real Google sends that the fake leaves out on purpose. Path patterns use [] for any index.
ENVIRONMENT_KEYS = {
    "$.properties.defaultFormat": "account default cell format; neither gspread nor the app reads it",
    "$.properties.spreadsheetTheme": "account theme colours; neither gspread nor the app reads it",
}
# The account the recordings were made with: Google keeps it among a protected range's editors.
RECORDED_CALLER = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"
# Exchanges whose recorded outcome depends on something outside the API (e.g. another account's file).
PRIVATE_FILE = "1jIKzPs8LsiZZdLdeMEP-5ZIHw6RkjiOmj1LrJN706Yc"


def _digest() -> list[dict]:
    return json.loads((RECORDED / "recorded-interactions.json").read_text("utf-8"))


def _cassette(name: str) -> list[dict]:
    data = json.loads((RECORDED / f"{name}.json").read_text("utf-8"))
    out = []
    for it in data["interactions"]:
        req, resp = it["request"], it["response"]
        text = resp["body"].get("string") if isinstance(resp["body"], dict) else resp["body"]
        out.append({
            "cassette": name, "method": req["method"], "uri": req["uri"],
            "request_body": _maybe_json(req.get("body")), "status": resp["status"]["code"],
            "response_body": _maybe_json(text),
        })
    return out


def _maybe_json(text):
    if not text:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


# ---------------------------------------------------------------- shape comparison

def _kind(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string"}[type(value)]


def shape_diff(recorded, got, path: str = "$") -> list[str]:
    """Differences in keys (recursively), nesting and JSON value types."""
    if _kind(recorded) != _kind(got):
        return [f"{path}: recorded {_kind(recorded)}, fake {_kind(got)}"]
    if isinstance(recorded, dict):
        diffs = []
        for key in recorded.keys() - got.keys():
            if _generic(f"{path}.{key}") not in ENVIRONMENT_KEYS:
                diffs.append(f"{path}.{key}: missing in fake")
        diffs += [f"{path}.{key}: not in recording" for key in got.keys() - recorded.keys()]
        for key in recorded.keys() & got.keys():
            diffs += shape_diff(recorded[key], got[key], f"{path}.{key}")
        return diffs
    if isinstance(recorded, list):
        if len(recorded) != len(got):
            return [f"{path}: recorded {len(recorded)} items, fake {len(got)}"]
        return [d for i, (r, g) in enumerate(zip(recorded, got, strict=True)) for d in shape_diff(r, g, f"{path}[{i}]")]
    return []


def _generic(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


# ---------------------------------------------------------------- replay

class Replayer:
    """Sends recorded requests to the fake, translating ids Google chose into the fake's ids."""

    def __init__(self, fake: FakeGoogle):
        self.fake = fake
        self.ids: dict = {}  # recorded id -> fake id (file ids as str, sheet/protected ids as int)
        self.skipped: list[str] = []
        self.problems: list[str] = []
        self.responses: list[tuple[dict, requests.Response | None]] = []

    def run(self, exchanges: list[dict]) -> None:
        for n, ex in enumerate(exchanges):
            label = f"{ex.get('cassette', '?')} #{n} {ex['method']} {urlsplit(ex['uri']).path}"
            reason = self._skip_reason(ex)
            if reason:
                self.skipped.append(f"{label}: {reason}")
                self.responses.append((ex, None))
                continue
            got = self._send(ex)
            self.responses.append((ex, got))
            self._check(label, ex, got)

    def _skip_reason(self, ex: dict) -> str | None:
        if "/upload/drive/v2/" in ex["uri"]:
            return "Drive v2 media upload (import_csv) is not part of the fake"
        return None

    def _send(self, ex: dict) -> requests.Response:
        split = urlsplit(ex["uri"])
        path = self._translate_path(split.path, ex)
        url = f"http://{self.fake.host}{path}" + (f"?{split.query}" if split.query else "")
        body = self._translate_body(ex["request_body"])
        if PRIVATE_FILE in path:
            # Someone else's file: Google says 403. Emulate it with the fault injector.
            self.fake.fail(403, match=re.escape(PRIVATE_FILE))
        kwargs = {"json": body} if body is not None else {}
        return requests.request(ex["method"], url, timeout=10, **kwargs)

    def _translate_path(self, path: str, ex: dict) -> str:
        m = re.match(r"/(?:v4/spreadsheets|drive/v3/files)/([^/:?]+)", path)
        if m:
            rec_id = m.group(1)
            if rec_id not in self.ids and ex["status"] == 200 and isinstance(ex["response_body"], dict):
                # The digest has no Drive create calls: make the spreadsheet on first sight.
                title = ex["response_body"].get("properties", {}).get("title", "Replay")
                self.ids[rec_id] = self.fake.create_spreadsheet(title)
            path = path.replace(rec_id, self.ids.get(rec_id, rec_id), 1)
        return path  # Sheets and Drive paths are served unchanged on the fake's host

    def _translate_body(self, body):
        if isinstance(body, dict):
            return {k: (self.ids.get(v, v) if k in ("sheetId", "protectedRangeId") and isinstance(v, int)
                        else self._translate_body(v)) for k, v in body.items()}
        if isinstance(body, list):
            return [self._translate_body(v) for v in body]
        return body

    def _learn_ids(self, recorded, got) -> None:
        if isinstance(recorded, dict) and isinstance(got, dict):
            for key, value in recorded.items():
                if key in ("sheetId", "protectedRangeId", "id", "spreadsheetId") and key in got:
                    if value != got[key] and not isinstance(value, (dict, list)):
                        self.ids.setdefault(value, got[key])
                else:
                    self._learn_ids(value, got.get(key))
        elif isinstance(recorded, list) and isinstance(got, list):
            for r, g in zip(recorded, got, strict=False):
                self._learn_ids(r, g)

    def _check(self, label: str, ex: dict, got: requests.Response) -> None:
        if ex["status"] // 100 != got.status_code // 100:
            self.problems.append(f"{label}: status {got.status_code}, recorded {ex['status']}: {got.text[:300]}")
            return
        recorded = ex["response_body"]
        body = _maybe_json(got.text)
        if recorded is None:
            if got.text:
                self.problems.append(f"{label}: recorded an empty body, fake sent {got.text[:100]}")
            return
        self._learn_ids(recorded, body)
        self.problems += [f"{label}: {d}" for d in shape_diff(recorded, body)]
        self.problems += [f"{label}: {d}" for d in _same_data(recorded, body)]


def _same_data(recorded, got) -> list[str]:
    """Cell data and echoed ranges must match exactly, not just in shape."""
    out = []
    for key in ("values", "range", "updatedRange", "clearedRange", "updatedCells", "tableRange"):
        if isinstance(recorded, dict) and key in recorded and recorded[key] != got.get(key):
            out.append(f"{key}: recorded {recorded[key]!r}, fake {got.get(key)!r}")
    if isinstance(recorded, dict):
        for key in ("valueRanges", "responses"):
            for r, g in zip(recorded.get(key, []), got.get(key, []), strict=False):
                out += _same_data(r, g)
    return out


def test_conformance_with_recorded_digest(fake_google):
    fake_google.caller_email = RECORDED_CALLER
    replay = Replayer(fake_google)
    exchanges = _digest()
    replay.run(exchanges)
    print("skipped exchanges:", replay.skipped or "none")
    assert replay.problems == []
    assert len(replay.responses) == 41

    by_uri = {(ex["method"], ex["uri"]): got for ex, got in replay.responses}

    def fake_json(method, fragment):
        matches = [
            got.json() for (m, uri), got in by_uri.items() if m == method and fragment in uri and got is not None
        ]
        assert matches, fragment
        return matches[0]

    # An empty range has no "values" key at all.
    empty = fake_json("GET", "/values/%27Sheet1%27%21A1%3AD2")
    assert "values" not in empty and empty["range"] == "Sheet1!A1:D2"
    # Empty rows inside data are [] and trailing blanks are trimmed.
    assert fake_json("GET", "/values/%27Sheet1%27%21A1%3AD4")["values"] == [
        ["A1", "B1", "", "D1"], [], [], ["A4", "B4", "", "D4"]]
    # A new sheet is 1000 x 26.
    grid = fake_json("GET", "?includeGridData=false")["sheets"][0]["properties"]["gridProperties"]
    assert grid == {"rowCount": 1000, "columnCount": 26}
    # Error bodies: {"error": {"code", "message", "status"}}.
    error = fake_json("GET", "/spreadsheets/test?")["error"]
    assert error == {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    # Dates are serial numbers under UNFORMATTED_VALUE + SERIAL_NUMBER.
    dates = fake_json("GET", "valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=SERIAL_NUMBER")
    assert dates["values"] == [[2, 43831, "string", 53], [1.5, 0.12, 36162]]
    # sheetId 0 is left out of the returned protected range.
    reply = fake_json("POST", "HDI:batchUpdate")["replies"][0]["addProtectedRange"]["protectedRange"]
    assert "sheetId" not in reply["range"] and reply["editors"] == {}


# Every cassette of /work/shared/reference/sheets-api/ but ClientTest.test_import_csv: it imports
# through Drive v2's media upload, which the tool never uses, and its later reads depend on that upload.
CASSETTES = [
    "ClientTest.test_access_non_existing_spreadsheet",
    "ClientTest.test_access_private_spreadsheet",
    "ClientTest.test_create",
    "SpreadsheetTest.test_add_del_worksheet",
    "SpreadsheetTest.test_bad_json_api_error",
    "SpreadsheetTest.test_values_batch_get",
    "WorksheetTest.test_add_protected_range_normal",
    "WorksheetTest.test_add_validation",
    "WorksheetTest.test_batch_get",
    "WorksheetTest.test_batch_merged_cells",
    "WorksheetTest.test_batch_update",
    "WorksheetTest.test_delete_protected_range",
    "WorksheetTest.test_format",
    "WorksheetTest.test_freeze",
    "WorksheetTest.test_get_all_values_date_time_render_options",
    "WorksheetTest.test_update_cell_unicode",
]


def test_every_recorded_cassette_is_replayed():
    on_disk = {p.stem for p in RECORDED.glob("*Test.*.json")}
    assert on_disk == set(CASSETTES)


@pytest.mark.parametrize("cassette", CASSETTES)
def test_conformance_with_whole_cassettes(fake_google, cassette):
    fake_google.caller_email = RECORDED_CALLER
    replay = Replayer(fake_google)
    replay.run(_cassette(cassette))
    print("skipped exchanges:", replay.skipped or "none")
    assert replay.problems == []


def test_the_calling_account_stays_an_editor_of_a_protected_range(fake_google):
    """Recorded: addProtectedRange with `"users": []` replies `"editors": {}`, and the sheet then lists
    the calling service account as the range's editor. The lock after the deadline relies on it."""
    fake_google.caller_email = RECORDED_CALLER
    replay = Replayer(fake_google)
    replay.run(_cassette("WorksheetTest.test_delete_protected_range"))
    assert replay.problems == []
    listed = [(ex, got.json()) for ex, got in replay.responses
              if got is not None and ex["method"] == "GET" and "protectedRanges" in got.text]
    assert listed
    for ex, got in listed:
        recorded = ex["response_body"]["sheets"][0]["protectedRanges"][0]["editors"]
        assert got["sheets"][0]["protectedRanges"][0]["editors"] == recorded == {"users": [RECORDED_CALLER]}
    # An update that names other editors keeps the caller too.
    sid = fake_google.create_spreadsheet("x")
    import requests

    url = f"http://{fake_google.host}/v4/spreadsheets/{sid}:batchUpdate"
    reply = requests.post(url, json={"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": 0}, "editors": {"users": ["a@x.vn"]}}}}]}, timeout=5).json()
    pid = reply["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    assert requests.post(url, json={"requests": [{"updateProtectedRange": {"protectedRange": {
        "protectedRangeId": pid, "editors": {"users": ["b@x.vn"]}}, "fields": "editors"}}]}, timeout=5).ok
    assert fake_google.protected_ranges(sid)[0]["editors"]["users"] == ["b@x.vn", RECORDED_CALLER]
    # No protectedRangeId: Google refuses the request.
    bad = requests.post(url, json={"requests": [{"updateProtectedRange": {"protectedRange": {
        "editors": {"users": []}}, "fields": "editors"}}]}, timeout=5)
    assert bad.status_code == 400


# ---------------------------------------------------------------- through gspread

@pytest.fixture
def gc(fake_google):
    return make_gspread_client(fake_google.host)


def test_gspread_workflow(fake_google, gc):
    sh = gc.create("Dân vận khéo 2024")
    assert fake_google.tabs(sh.id) == ["Sheet1"]
    ws = sh.sheet1
    assert (ws.row_count, ws.col_count, ws.id) == (1000, 26, 0)
    tab = sh.add_worksheet("Đăng ký", rows=20, cols=6)
    sh.add_worksheet("Tổng hợp", rows=10, cols=4)
    assert fake_google.tabs(sh.id) == ["Sheet1", "Đăng ký", "Tổng hợp"]

    tab.update([["Đơn vị", "Số mô hình", "Ngày"], ["Phường 1", "3", "15/05/2023"],
                ["Phường 2", 4, "1/6/2023"], ["Tổng", "=SUM(B2:B3)", ""]],
               "A1", value_input_option="USER_ENTERED")
    assert tab.get("A1:C4") == [["Đơn vị", "Số mô hình", "Ngày"], ["Phường 1", "3", "15/05/2023"],
                                ["Phường 2", "4", "1/6/2023"], ["Tổng", "7"]]
    assert tab.get("B2:C4", value_render_option="UNFORMATTED_VALUE") == [[3, 45061], [4, 45078], [7]]
    assert tab.get("B4", value_render_option="FORMULA") == [["=SUM(B2:B3)"]]
    assert fake_google.get_values(sh.id, "Đăng ký")[1] == ["Phường 1", 3, 45061]
    assert fake_google.sheet(sh.id, "Đăng ký").cells[(1, 2)].formula is None
    assert fake_google.sheet(sh.id, "Đăng ký").cells[(3, 1)].formula == "=SUM(B2:B3)"

    tab.update([["=1+1"]], "D1", value_input_option="RAW")
    assert tab.acell("D1").value == "=1+1"

    got = sh.values_batch_get(["'Đăng ký'!A:A", "'Đăng ký'!B2:B3"])
    assert [r["range"] for r in got["valueRanges"]] == ["'Đăng ký'!A1:A20", "'Đăng ký'!B2:B3"]

    url = f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/values:batchGetByDataFilter"
    res = gc.http_client.request("post", url, json={
        "dataFilters": [{"a1Range": "'Đăng ký'!A1:B2"}], "valueRenderOption": "UNFORMATTED_VALUE",
        "dateTimeRenderOption": "SERIAL_NUMBER", "majorDimension": "ROWS"}).json()
    assert res == {"spreadsheetId": sh.id, "valueRanges": [{
        "valueRange": {"range": "'Đăng ký'!A1:B2", "majorDimension": "ROWS",
                       "values": [["Đơn vị", "Số mô hình"], ["Phường 1", 3]]},
        "dataFilters": [{"a1Range": "'Đăng ký'!A1:B2"}]}]}

    sh.batch_update({"requests": [
        {"updateSheetProperties": {"properties": {"sheetId": tab.id, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"updateDimensionProperties": {"range": {"sheetId": tab.id, "dimension": "COLUMNS", "startIndex": 0,
                                                 "endIndex": 1}, "properties": {"pixelSize": 240},
                                       "fields": "pixelSize"}},
        {"setDataValidation": {"range": {"sheetId": tab.id, "startRowIndex": 1, "endRowIndex": 3,
                                         "startColumnIndex": 1, "endColumnIndex": 2},
                               "rule": {"condition": {"type": "NUMBER_GREATER_THAN_EQ",
                                                      "values": [{"userEnteredValue": "0"}]}, "strict": True}}},
        {"repeatCell": {"range": {"sheetId": tab.id, "startRowIndex": 0, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}},
    ]})
    state = fake_google.sheet(sh.id, "Đăng ký")
    assert state.frozen_rows == 1 and state.column_widths == {0: 240}
    assert set(state.data_validation) == {(1, 1), (2, 1)}
    assert state.cells[(0, 0)].format == {"textFormat": {"bold": True}}

    tab.add_protected_range("A1:C1", editor_users_emails=["admin@danvan.vn"], description="Tiêu đề")
    [prot] = fake_google.protected_ranges(sh.id)
    assert prot["editors"]["users"] == ["admin@danvan.vn"] and prot["range"]["sheetId"] == tab.id
    meta = gc.http_client.fetch_sheet_metadata(sh.id)
    assert meta["sheets"][1]["protectedRanges"][0]["description"] == "Tiêu đề"
    assert meta["sheets"][1]["properties"]["gridProperties"]["frozenRowCount"] == 1

    sh.share("canbo@danvan.vn", perm_type="user", role="writer", notify=False)
    [perm] = fake_google.permissions(sh.id)
    assert (perm["emailAddress"], perm["role"], perm["sendNotificationEmail"]) == ("canbo@danvan.vn", "writer", False)
    listed = sh.list_permissions()
    assert listed[0]["emailAddress"] == "canbo@danvan.vn" and "sendNotificationEmail" not in listed[0]
    sh.remove_permissions("canbo@danvan.vn")
    assert fake_google.permissions(sh.id) == []

    assert gc.open("Dân vận khéo 2024").id == sh.id
    assert [s.id for s in gc.openall()] == [sh.id]
    sh.del_worksheet(sh.worksheet("Tổng hợp"))
    assert fake_google.tabs(sh.id) == ["Sheet1", "Đăng ký"]


def test_append_grows_and_put_past_grid_fails(fake_google, gc):
    sh = gc.create("Append")
    ws = sh.add_worksheet("Nhỏ", rows=2, cols=2)
    ws.update([["a", "b"], ["c", "d"]], "A1")
    ws.append_rows([["e", "f"], ["g", "h"]])
    assert fake_google.sheet(sh.id, "Nhỏ").row_count == 4
    assert fake_google.get_values(sh.id, "Nhỏ") == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]]
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["x"]], "A5")
    assert err.value.code == 400 and "exceeds grid limits" in err.value.error["message"]
    with pytest.raises(gspread.exceptions.APIError) as err:
        gc.http_client.values_get(sh.id, "'Không có'!A1")
    assert err.value.error["message"] == "Unable to parse range: 'Không có'!A1"


def test_batch_update_is_atomic(fake_google, gc):
    sh = gc.create("Atomic")
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.batch_update({"requests": [
            {"addSheet": {"properties": {"title": "Mới"}}},
            {"updateSheetProperties": {"properties": {"sheetId": 999, "title": "x"}, "fields": "title"}},
        ]})
    assert err.value.code == 400 and err.value.error["status"] == "INVALID_ARGUMENT"
    assert fake_google.tabs(sh.id) == ["Sheet1"]

    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.batch_update({"requests": [{"addSheet": {"properties": {"title": "Sheet1"}}}]})
    assert 'A sheet with the name "Sheet1" already exists. Please enter another name.' in err.value.error["message"]

    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.batch_update({"requests": [{"frobnicate": {}}]})
    assert "Unknown name \"frobnicate\"" in err.value.error["message"]

    res = sh.batch_update({"requests": [{"addSheet": {"properties": {"sheetId": 42, "title": "B", "index": 0}}},
                                        {"mergeCells": {"range": {"sheetId": 42, "startRowIndex": 0,
                                                                  "endRowIndex": 2, "startColumnIndex": 0,
                                                                  "endColumnIndex": 2}}}]})
    assert res["replies"][1] == {} and res["replies"][0]["addSheet"]["properties"]["index"] == 0
    assert fake_google.tabs(sh.id) == ["B", "Sheet1"]
    assert fake_google.sheet(sh.id, "B").merges[0]["sheetId"] == 42


def test_fault_injection(fake_google, gc):
    sh = gc.create("Faults")
    ws = sh.sheet1
    fake_google.fail(429, times=1, match=r"^GET /v4/spreadsheets/.*/values/")
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.get("A1")
    assert err.value.code == 429 and err.value.error["status"] == "RESOURCE_EXHAUSTED"
    ws.get("A1")  # then it works again
    assert fake_google.requests[-1].status == 200

    fake_google.fail(500, times=None, match=r"^PUT ")
    for _ in range(3):
        with pytest.raises(gspread.exceptions.APIError) as err:
            ws.update([["x"]], "A1")
        assert err.value.code == 500 and err.value.error["status"] == "INTERNAL"
    assert fake_google.get_values(sh.id, "Sheet1") == []  # failed requests change nothing
    fake_google.clear_faults()

    fake_google.fail(503, retry_after=7)
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.get("A1")
    assert err.value.response.headers["Retry-After"] == "7"
    assert err.value.error["status"] == "UNAVAILABLE"

    fake_google.drop(match="PUT")
    with pytest.raises(requests.exceptions.ConnectionError):
        ws.update([["lost"]], "A1")
    assert fake_google.get_values(sh.id, "Sheet1") == []
    assert fake_google.requests[-1].status is None
    ws.update([["kept"]], "A1")
    assert fake_google.get_values(sh.id, "Sheet1") == [["kept"]]

    fake_google.delay(1.0, times=1)
    gc.set_timeout(0.2)
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.get("A1")
    gc.set_timeout(None)


def test_read_quota_with_injected_clock(fake_google, gc):
    sh = gc.create("Quota")
    now = [1000.0]
    fake_google.clock = lambda: now[0]
    ws = sh.sheet1
    fake_google.read_quota_per_minute = 3
    fake_google.reset_log()
    for _ in range(3):
        ws.get("A1")
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.get("A1")
    assert err.value.code == 429 and "Quota exceeded for quota metric 'Read requests'" in err.value.error["message"]
    assert fake_google.quota_rejections == 1
    ws.update([["writes are not reads"]], "A1")
    now[0] += 61
    assert ws.get("A1") == [["writes are not reads"]]
    assert (fake_google.reads(), fake_google.writes()) == (5, 1)


def test_overlong_url_gets_html_414(fake_google, gc):
    sh = gc.create("Long")
    ranges = [f"'{'x' * 40} {i}'!A1:B2" for i in range(400)]
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.values_batch_get(ranges)
    assert err.value.response.status_code == 414
    assert err.value.response.headers["Content-Type"].startswith("text/html")
    assert "<html" in err.value.response.text and err.value.code == -1


def test_drive_listing_pages(fake_google):
    for i in range(3):
        fake_google.create_spreadsheet(f"Báo cáo {i}")
    base = f"http://{fake_google.host}/drive/v3/files"
    q = 'mimeType="application/vnd.google-apps.spreadsheet" and name = "Báo cáo 1"'
    assert [f["name"] for f in requests.get(base, params={"q": q}).json()["files"]] == ["Báo cáo 1"]
    first = requests.get(base, params={"pageSize": 2}).json()
    second = requests.get(base, params={"pageSize": 2, "pageToken": first["nextPageToken"]}).json()
    assert len(first["files"]) == 2 and len(second["files"]) == 1 and "nextPageToken" not in second


def test_command_line_server():
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.sheets_api", "--port", "0", "--latency", "0"],
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        host = proc.stdout.readline().strip()
        assert re.fullmatch(r"127\.0\.0\.1:\d+", host)
        res = requests.get(f"http://{host}/v4/spreadsheets/nope", timeout=5)
        assert res.status_code == 404 and res.json()["error"]["status"] == "NOT_FOUND"
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_a_fields_mask_naming_no_field_is_refused_as_google_does(fake_google):
    sid = fake_google.create_spreadsheet("x")
    url = f"http://{fake_google.host}/v4/spreadsheets/{sid}"
    for mask in ("sheets(properties,data(rowData(values(notes))))", "sheets.bogus", "spreadsheetId.x"):
        reply = requests.get(url, params={"fields": mask}, timeout=5)
        assert reply.status_code == 400, mask
        error = reply.json()["error"]
        assert error["status"] == "INVALID_ARGUMENT" and error["message"] == "Request contains an invalid argument."
        (violation,) = error["details"][0]["fieldViolations"]
        assert violation["field"] == "fields" and "Cannot find matching fields for path" in violation["description"]
    # What the tool and gspread send are real names (the notes ride along with the pull's metadata).
    from danvan_sheets.google.notes import METADATA_WITH_NOTES

    for mask in (METADATA_WITH_NOTES, "sheets.properties,sheets.protectedRanges", "namedRanges",
                 "sheets.data.rowData.values.userEnteredFormat", "sheets(properties(title,sheetId),merges)", "*"):
        assert requests.get(url, params={"fields": mask}, timeout=5).status_code == 200, mask

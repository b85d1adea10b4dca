"""A requests session with bounded retries, request counting and the emulator rewrite.

gspread 6.2.1's own BackOffHTTPClient retries forever, so retries live here
instead: at most `max_tries` attempts and `max_seconds` in all, exponential
backoff with full jitter, honouring Retry-After. gspread sees only the final
response and raises APIError on it as usual.
"""

from __future__ import annotations

import email.utils
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from danvan_sheets.config import RetrySettings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")


@dataclass
class RetryPolicy:
    max_tries: int = RetrySettings.max_tries
    max_seconds: float = RetrySettings.max_seconds
    base_delay: float = RetrySettings.base_delay
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rand: Callable[[], float] = random.random

    @classmethod
    def from_settings(cls, retry: RetrySettings) -> RetryPolicy:
        return cls(max_tries=retry.max_tries, max_seconds=retry.max_seconds, base_delay=retry.base_delay)


@dataclass
class RequestStats:
    sent: int = 0  # every HTTP attempt, retries included
    reads: int = 0
    writes: int = 0
    retries: int = 0
    # Attempts of the latest request alone: what "đã thử N lần" reports (`sent` also counts
    # the earlier, successful reads, which made a failed write say "5 lần" after 3 tries).
    last_tries: int = 0
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, method: str, url: str) -> None:
        with self.lock:
            self.sent += 1
            # batchGetByDataFilter is a POST that only reads.
            if method.upper() == "GET" or url.split("?")[0].endswith(":batchGetByDataFilter"):
                self.reads += 1
            else:
                self.writes += 1


def _retry_after(response: requests.Response | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _capped(timeout, left: float):
    if timeout is None:
        return left
    if isinstance(timeout, tuple):
        return tuple(left if t is None else min(t, left) for t in timeout)
    return min(timeout, left)


class RetryingMixin:
    """Mixed into requests.Session (emulator) or google-auth's AuthorizedSession."""

    policy: RetryPolicy
    stats: RequestStats
    emulator_host: str | None

    def _setup(self, policy: RetryPolicy, emulator_host: str | None) -> None:
        self.policy = policy
        self.stats = RequestStats()
        self.emulator_host = emulator_host

    def _rewrite(self, url: str) -> str:
        if self.emulator_host:
            for host in _GOOGLE_HOSTS:
                if url.startswith(host):
                    return f"http://{self.emulator_host}" + url[len(host):]
        return url

    def request(self, method, url, *args, **kwargs):  # noqa: D401 - requests' signature
        url = self._rewrite(url)
        p = self.policy
        started = p.clock()
        attempt = 0
        while True:
            attempt += 1
            self.stats.count(method, url)
            self.stats.last_tries = attempt
            response, error = None, None
            # Each attempt gets at most what is left of the budget, so max_seconds bounds the
            # whole call, slow answers included, not only the sleeps between attempts.
            left = max(p.max_seconds - (p.clock() - started), 0.5)
            kwargs["timeout"] = _capped(kwargs.get("timeout"), left)
            try:
                # The mixin's next class is requests.Session or AuthorizedSession, unknown to mypy here.
                send = super().request  # type: ignore[misc]
                response = _whole_call(send, method, url, args, kwargs, _deadline(kwargs["timeout"], left))
            except (requests.ConnectionError, requests.Timeout) as exc:
                error = exc
            if response is not None and response.status_code not in RETRY_STATUSES:
                return response
            if response is not None:
                self.stats.statuses.append(response.status_code)
            elapsed = p.clock() - started
            delay = p.base_delay * (2 ** (attempt - 1)) * p.rand()
            wait = _retry_after(response)
            if wait is not None:
                delay = max(delay, wait)
            if attempt >= p.max_tries or elapsed + delay > p.max_seconds:
                if error is not None:
                    raise error
                return response
            self.stats.retries += 1
            p.sleep(delay)


class BrokenReply(requests.RequestException):
    """Google answered, but not with a whole JSON object of the expected shape. `applied`: a write
    whose status said it succeeded before the answer broke: it may well have been applied."""

    def __init__(self, detail: str, *, status: int | None = None, applied: bool = False, response=None) -> None:
        super().__init__(detail, response=response)
        self.detail, self.status, self.applied = detail, status, applied


def _deadline(timeout, left: float) -> float:
    """The whole attempt's limit: the configured per-call timeout (its read part), within the budget."""
    read = timeout[1] if isinstance(timeout, tuple) else timeout
    return min(read, left) if read is not None else left


def _is_write(method: str, url: str) -> bool:
    return method.upper() not in ("GET", "HEAD") and not url.split("?")[0].endswith(":batchGetByDataFilter")


def _whole_call(send, method: str, url: str, args, kwargs, deadline: float):
    """One HTTP exchange, headers and body, over in `deadline` seconds or requests.Timeout.

    requests' timeouts bound each socket read, so an answer trickling a byte at a time never
    trips them. The exchange runs in a worker thread that the caller waits for at most
    `deadline`; past it the worker is told to stop and drops the connection at its next chunk.
    """
    box: dict = {}
    cancelled = threading.Event()

    def work() -> None:
        try:
            response = send(method, url, *args, **{**kwargs, "stream": True})
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc
            return
        try:
            chunks = []
            for chunk in response.iter_content(16384):
                if cancelled.is_set():
                    response.close()
                    return
                chunks.append(chunk)
            response._content = b"".join(chunks)
            response._content_consumed = True
        except (requests.RequestException, OSError) as exc:
            response.close()
            if 200 <= response.status_code < 300 and _is_write(method, url):
                box["error"] = BrokenReply("câu trả lời bị cắt giữa chừng", status=response.status_code, applied=True,
                                           response=response)
            else:
                box["error"] = requests.ConnectionError(f"answer cut off: {exc}")
            return
        box["response"] = response

    worker = threading.Thread(target=work, name="google-call", daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        cancelled.set()
        raise requests.Timeout(f"no whole answer within {deadline:g} s")
    if "error" in box:
        raise box["error"]
    response = box["response"]
    _check_reply(method, url, response)
    return response


def _check_reply(method: str, url: str, response: requests.Response) -> None:
    """A 2xx answer from the Sheets/Drive API is one JSON object, of the shape our readers use;
    anything else is a BrokenReply now, not an AttributeError deep in a reader later."""
    if not 200 <= response.status_code < 300 or response.status_code == 204 or not response.content:
        return
    write = _is_write(method, url)
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise BrokenReply("không phải JSON", status=response.status_code, applied=write, response=response)
    path = url.split("?")[0]
    if method.upper() == "GET" and "/spreadsheets/" in path and "/values" not in path:
        sheets = body.get("sheets", [])
        if not isinstance(sheets, list) or not all(
                isinstance(sh, dict) and isinstance(sh.get("properties"), dict)
                and isinstance(sh["properties"].get("title"), str) for sh in sheets):
            raise BrokenReply("danh sách trang sai dạng", status=response.status_code, response=response)
    elif path.endswith(":batchGetByDataFilter"):
        ranges = body.get("valueRanges", [])
        if not isinstance(ranges, list) or not all(
                isinstance(vr, dict) and isinstance(vr.get("valueRange", {}), dict)
                and isinstance(vr.get("valueRange", {}).get("values", []), list)
                and all(isinstance(row, list) for row in vr.get("valueRange", {}).get("values", []))
                for vr in ranges):
            raise BrokenReply("dữ liệu các trang sai dạng", status=response.status_code, response=response)


class EmulatorSession(RetryingMixin, requests.Session):
    def __init__(self, policy: RetryPolicy, emulator_host: str | None) -> None:
        super().__init__()
        self._setup(policy, emulator_host)


def authorized_session(credentials, policy: RetryPolicy):
    from google.auth.transport.requests import AuthorizedSession

    class _Session(RetryingMixin, AuthorizedSession):
        pass

    session = _Session(credentials)
    session._setup(policy, None)
    return session

"""A requests session with bounded retries, request counting and the emulator rewrite.

gspread 6.2.1's own BackOffHTTPClient retries forever, so retries live here
instead: at most `max_tries` attempts and `max_seconds` in all, exponential
backoff with full jitter, honouring Retry-After. gspread sees only the final
response and raises APIError on it as usual.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
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
    sleep: object = time.sleep
    clock: object = time.monotonic
    rand: object = random.random

    @classmethod
    def from_settings(cls, retry: RetrySettings) -> "RetryPolicy":
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
                response = super().request(method, url, *args, **kwargs)
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

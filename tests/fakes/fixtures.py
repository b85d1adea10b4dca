"""Pytest fixtures for the fake Google API. Import into a conftest.py:

    from tests.fakes.fixtures import fake_google, gspread_client  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .sheets_api import FakeGoogle


@pytest.fixture
def fake_google() -> Iterator[FakeGoogle]:
    """A started FakeGoogle on a free 127.0.0.1 port, stopped after the test."""
    fake = FakeGoogle().start()
    try:
        yield fake
    finally:
        fake.stop()


def make_gspread_client(host: str):
    """A real gspread 6 client whose Google URLs are rewritten to the fake (no credentials)."""
    import gspread
    import requests
    from google.auth.credentials import AnonymousCredentials

    class _Rewrite(requests.Session):
        def request(self, method, url, *args, **kwargs):  # type: ignore[override]
            url = url.replace("https://sheets.googleapis.com", f"http://{host}")
            url = url.replace("https://www.googleapis.com", f"http://{host}")
            return super().request(method, url, *args, **kwargs)

    return gspread.Client(auth=AnonymousCredentials(), session=_Rewrite())


@pytest.fixture
def gspread_client(fake_google: FakeGoogle):
    """gspread.Client talking to `fake_google`."""
    return make_gspread_client(fake_google.host)

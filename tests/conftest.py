"""Shared fixtures. Tests talk to loopback only: the guard below fails any other connection."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from tests.fakes.fixtures import fake_google  # noqa: F401  (re-exported fixture)

_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection
_real_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", ""}


def _is_loopback(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX paths stay on this machine
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    """History, lock and run state of each test in its own folder, never the repository's data/."""
    monkeypatch.setenv("DANVAN_DATA_DIR", str(tmp_path / "danvan-data"))


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Any socket to a non-loopback address fails the test that opened it."""

    def guarded_connect(self, address):
        if not _is_loopback(address):
            pytest.fail(f"test tried to reach {address!r}: only loopback is allowed")
        return _real_connect(self, address)

    def guarded_create_connection(address, *args, **kwargs):
        if not _is_loopback(address):
            pytest.fail(f"test tried to reach {address!r}: only loopback is allowed")
        return _real_create_connection(address, *args, **kwargs)

    def guarded_getaddrinfo(host, *args, **kwargs):
        # A name lookup of a real host is already traffic off this machine.
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name not in _LOCAL_NAMES and not _is_loopback((name, 0)):
            pytest.fail(f"test tried to resolve {name!r}: only loopback is allowed")
        return _real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    yield

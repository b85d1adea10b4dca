"""An authorised gspread client over our retrying transport."""

from __future__ import annotations

import re
from typing import Any, cast

from danvan_sheets.errors import ConfigError
from danvan_sheets.google import DRIVE_FILE_SCOPE, SHEETS_SCOPE
from danvan_sheets.google.auth import Identity, emulator_host, load_identity
from danvan_sheets.google.transport import EmulatorSession, RetryPolicy, authorized_session

_ID = re.compile(r"/spreadsheets/d/([a-zA-Z0-9_-]+)")
_BARE_ID = re.compile(r"^[a-zA-Z0-9_-]{10,}$")


def spreadsheet_id(id_or_url: str) -> str:
    text = id_or_url.strip()
    if m := _ID.search(text):
        return m.group(1)
    if _BARE_ID.match(text):
        return text
    raise ConfigError(f"“{id_or_url}” không phải mã hay đường dẫn bảng tính Google (dạng https://docs.google.com/spreadsheets/d/MÃ/edit).")


_FOLDER = re.compile(r"/folders/([a-zA-Z0-9_-]+)|[?&]id=([a-zA-Z0-9_-]+)")


def folder_id(id_or_url: str) -> str:
    """A Google Drive folder's id from its link (…/drive/folders/ID) or the bare id."""
    text = id_or_url.strip()
    if m := _FOLDER.search(text):
        return m.group(1) or m.group(2)
    if _BARE_ID.match(text):
        return text
    raise ConfigError(f"“{id_or_url}” không phải mã hay đường dẫn thư mục Google Drive "
                      "(dạng https://drive.google.com/drive/folders/MÃ).")


def scopes_for(drive: bool) -> list[str]:
    # Sheets only for check/aggregate/doctor; Drive (drive.file) only for init --create/--share.
    return [SHEETS_SCOPE, DRIVE_FILE_SCOPE] if drive else [SHEETS_SCOPE]


def open_client(settings, drive: bool = False, policy: RetryPolicy | None = None, env: dict | None = None):
    """-> (gspread.Client, Identity, session). The session carries the request counts."""
    import gspread

    identity: Identity = load_identity(settings.google, scopes_for(drive), env)
    policy = policy or RetryPolicy.from_settings(settings.retry)
    if identity.mode == "emulator":
        from google.auth.credentials import AnonymousCredentials

        session = EmulatorSession(policy, emulator_host(env))
        client = gspread.Client(auth=AnonymousCredentials(), session=session)
    else:
        session = authorized_session(identity.credentials, policy)
        # load_identity made a google-auth Credentials of one kind or another (Identity keeps it untyped).
        client = gspread.Client(auth=cast(Any, identity.credentials), session=session)
    timeout = settings.google.timeout
    client.set_timeout((10, timeout))
    return client, identity, session

"""Secrets under unattended runs: the key's private key, an OAuth refresh token and the SMTP
password never reach the log, the state file, errors or outputs; a key file others can read is
warned about in the run log; .gitignore keeps the usual secret file names out of git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.test_unattended import REPO, Env, gsheet, invoke

PRIVATE_KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCsecretSECRETsecret"
PRIVATE_KEY = f"-----BEGIN PRIVATE KEY-----\n{PRIVATE_KEY_BODY}\n-----END PRIVATE KEY-----\n"
REFRESH_TOKEN = "1//0gSECRET-refresh-token-abcdefghijklmnop"
ACCESS_TOKEN = "ya29.SECRET-access-token-qrstuvwxyz"
CLIENT_SECRET = "GOCSPX-SECRET-client-secret"
SECRETS = (PRIVATE_KEY_BODY, REFRESH_TOKEN, ACCESS_TOKEN, CLIENT_SECRET)


def key_file(tmp: Path, mode: int) -> Path:
    path = tmp / "service-account.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "danvan-test", "private_key_id": "0123456789abcdef",
        "private_key": PRIVATE_KEY, "client_email": "danvan@danvan-test.iam.gserviceaccount.com",
        "client_id": "1234567890", "token_uri": "http://127.0.0.1:9/token",
    }), encoding="utf-8")
    path.chmod(mode)
    return path


def token_file(tmp: Path, mode: int, token_uri: str) -> Path:
    path = tmp / "token.json"
    path.write_text(json.dumps({
        "token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN, "client_id": "x.apps.googleusercontent.com",
        "client_secret": CLIENT_SECRET, "token_uri": token_uri, "expiry": "2020-01-01T00:00:00Z",
        "scopes": ["https://www.googleapis.com/auth/spreadsheets"],
    }), encoding="utf-8")
    path.chmod(mode)
    return path


def everything(env: Env, *outputs: str) -> str:
    parts = list(outputs)
    for p in (env.log, env.state_file):
        if p.exists():
            parts.append(p.read_text(encoding="utf-8"))
    return "\n".join(parts)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
    assert "BEGIN PRIVATE KEY" not in text


def test_key_readable_by_others_is_logged_and_never_its_content(tmp_path, fake_google):
    key = key_file(tmp_path, 0o644)
    env = Env(tmp_path, google=f'credentials = "{key}"')
    sheet = gsheet(fake_google)
    result = invoke(env.args(f"gsheet:{sheet}"), fake_google)
    assert result.exit_code == 0, result.output
    warnings = [line for line in env.log_lines() if "cảnh báo" in line]
    assert warnings and f"chmod 600 {key}" in warnings[0]
    assert_no_secret(everything(env, result.output))


def test_key_readable_only_by_us_gets_no_warning(tmp_path, fake_google):
    key = key_file(tmp_path, 0o600)
    env = Env(tmp_path, google=f'credentials = "{key}"')
    assert invoke(env.args(f"gsheet:{gsheet(fake_google)}"), fake_google).exit_code == 0
    assert not [line for line in env.log_lines() if "cảnh báo" in line]


def test_broken_key_error_names_the_file_not_the_key(tmp_path):
    """Without the emulator the key is parsed for real; a damaged key fails before any network use."""
    key = key_file(tmp_path, 0o600)
    env = Env(tmp_path, google=f'credentials = "{key}"')
    result = invoke(env.args("gsheet:1AbCdEfGhIjKlMnOpQrStUv"))
    assert result.exit_code == 2, result.output
    assert str(key) in result.output and "Traceback" not in result.output
    assert_no_secret(everything(env, result.output))


def test_oauth_token_readable_by_others_is_logged_never_its_tokens(tmp_path, fake_google):
    token = token_file(tmp_path, 0o644, "http://127.0.0.1:9/token")
    env = Env(tmp_path, google=f'auth = "oauth"\ntoken_cache = "{token}"')
    result = invoke(env.args(f"gsheet:{gsheet(fake_google)}"), fake_google)
    assert result.exit_code == 0, result.output
    assert any("chmod 600" in line for line in env.log_lines())
    assert_no_secret(everything(env, result.output))


@pytest.mark.parametrize("name", [
    "credentials.json", "service-account.json", "service-account-danvan.json", "token.json",
    "client_secret_x.json", "client_secret_1234.apps.googleusercontent.com.json",
    "secrets/service-account.json", "config/credentials.json", ".env",
])
def test_gitignore_covers_secret_files(name):
    proc = subprocess.run(["git", "check-ignore", "-q", "--no-index", name], cwd=REPO)
    assert proc.returncode == 0, f"{name} is not ignored by .gitignore"


def test_gitignore_keeps_the_example(name="credentials.example.json"):
    proc = subprocess.run(["git", "check-ignore", "-q", "--no-index", name], cwd=REPO)
    assert proc.returncode == 1

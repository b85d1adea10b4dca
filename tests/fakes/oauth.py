"""A fake Google sign-in for `danvan login`: the consent page's answer and the token endpoint, on 127.0.0.1.

The real flow (google-auth-oauthlib's InstalledAppFlow.run_local_server) runs unchanged:
it starts its own redirect server on localhost, opens a browser at our authorization URL,
waits for the redirect and trades the code for tokens at our token endpoint. The browser
is a real process (tests/fakes/browser.py, started by the webbrowser module from a
command line, as `--browser "… %s &"`): it visits the authorization URL, follows our 302
back to the flow's redirect server as a browser would, and reports the page it ended on.

What Google checks, this checks too (RFC 6749 section 4.1 and RFC 7636): the client id and
secret, the redirect URI sent back at the token step is the one the code was issued for,
the code is used once, and the PKCE verifier hashes to the challenge.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shlex
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CLIENT_ID = "123456789012-danvan.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fake-client-secret"
REFRESH_TOKEN = "1//fake-refresh-token"


@dataclass
class FakeSignIn:
    """`answer` is what the person does on the consent page: "allow", "deny" or "close" (never comes back)."""

    answer: str = "allow"
    granted_scopes: list[str] | None = None  # None: whatever was asked
    # Set for an app whose consent screen is in "Testing": Google then grants a refresh token
    # that ends after 7 days and says so in the token answer (604799 s).
    refresh_token_expires_in: int | None = None
    auth_requests: list[dict] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)
    redirect_pages: list[tuple[int, str, str]] = field(default_factory=list)  # (status, content type, body)
    _codes: dict[str, dict] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _page_seen: threading.Event = field(default_factory=threading.Event)

    # --- the authorization server ---------------------------------------------------------
    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeSignIn:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                status, headers, body = fake._consent(self.path)
                self._answer(status, headers, body)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                if self.path == "/_browser_page":  # the fake browser telling us where it ended up
                    fake.redirect_pages.append(tuple(json.loads(raw)))
                    fake._page_seen.set()
                    self._answer(204, {}, b"")
                    return
                form = dict(urllib.parse.parse_qsl(raw.decode()))
                status, body = fake._token(self.path, form, self.headers.get("Authorization"))
                self._answer(status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode())

            def _answer(self, status: int, headers: dict, data: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        t = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        t.start()
        return self

    def stop(self) -> None:
        # A browser still reporting its last page must not meet a closed port (and print a traceback).
        deadline = time.monotonic() + 10
        while len(self.redirect_pages) < len(self.auth_requests) and time.monotonic() < deadline:
            time.sleep(0.01)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def client_secrets(self, path: Path) -> Path:
        """The file Google Cloud Console gives for an OAuth client of type "Desktop app", pointing here."""
        path.write_text(json.dumps({"installed": {
            "client_id": CLIENT_ID,
            "project_id": "du-an-thu",
            "auth_uri": f"{self.base}/o/oauth2/auth",
            "token_uri": f"{self.base}/token",
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_secret": CLIENT_SECRET,
            "redirect_uris": ["http://localhost"],
        }}), encoding="utf-8")
        return path

    def _token(self, path: str, form: dict, authorization: str | None) -> tuple[int, dict]:
        self.token_requests.append(form)
        if path != "/token" or form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
            client_id, client_secret = urllib.parse.unquote(client_id), urllib.parse.unquote(client_secret)
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client", "error_description": "The OAuth client was not found."}
        issued = self._codes.pop(form.get("code", ""), None)  # a code works once
        if issued is None or form.get("redirect_uri") != issued["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "Malformed auth code."}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        if challenge != issued["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "Invalid code verifier."}
        answer = {
            "access_token": "ya29.fake-access-token",
            "expires_in": 3599,
            "refresh_token": REFRESH_TOKEN,
            "scope": " ".join(issued["scopes"]),
            "token_type": "Bearer",
        }
        if self.refresh_token_expires_in is not None:
            answer["refresh_token_expires_in"] = self.refresh_token_expires_in
        return 200, answer

    # --- the person at the browser --------------------------------------------------------
    def browser_command(self) -> str:
        """A --browser value: webbrowser runs it in the background with the URL in place of %s."""
        script = Path(__file__).with_name("browser.py")
        return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {self.report_url} %s &"

    @property
    def report_url(self) -> str:
        """Where tests/fakes/browser.py reports the page it ended on."""
        return f"{self.base}/_browser_page"

    def wait_for_page(self, timeout: float = 10) -> None:
        """The browser reports its last page after the flow has answered it: wait for that report."""
        assert self._page_seen.wait(timeout), "the browser never reported the page it ended on"

    def _consent(self, path: str) -> tuple[int, dict, bytes]:
        parts = urllib.parse.urlsplit(path)
        if parts.path != "/o/oauth2/auth":
            return 404, {}, b""
        query = dict(urllib.parse.parse_qsl(parts.query))
        self.auth_requests.append(query)
        if self.answer == "close":  # the consent page stays open; nobody clicks
            return 200, {"Content-Type": "text/html; charset=utf-8"}, "<p>Chọn tài khoản</p>".encode()
        back = {"state": query.get("state", "")}
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            back["error"] = "invalid_request"
        elif self.answer == "deny":
            back["error"] = "access_denied"
        else:
            scopes = self.granted_scopes if self.granted_scopes is not None else query.get("scope", "").split()
            code = "4/" + secrets.token_urlsafe(16)
            self._codes[code] = {
                "redirect_uri": query.get("redirect_uri"),
                "scopes": scopes,
                "code_challenge": query.get("code_challenge") if query.get("code_challenge_method") == "S256" else None,
            }
            back |= {"code": code, "scope": " ".join(scopes)}
        # As Google does: a redirect back to the loopback address the flow asked for.
        return 302, {"Location": query.get("redirect_uri", "") + "?" + urllib.parse.urlencode(back)}, b""

"""A browser for tests/fakes/oauth.py: `browser.py REPORT_URL URL`.

Visits URL, follows redirects (Google's consent page answers with a 302 to the flow's
loopback server), then POSTs (status, content type, text) of the last page to REPORT_URL.
"""

import json
import sys
import urllib.request


def main(report_url: str, url: str) -> None:
    # Loopback only, so never through a proxy named in the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=30) as resp:
        page = [resp.status, resp.headers.get("Content-Type", ""), resp.read().decode("utf-8")]
    opener.open(urllib.request.Request(report_url, data=json.dumps(page).encode(), method="POST"), timeout=30).close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

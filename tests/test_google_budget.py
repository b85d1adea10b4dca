"""max_seconds bounds a whole call, slow answers included, not only the sleeps between tries."""

from __future__ import annotations

import pytest
import requests

from danvan_sheets.google.transport import EmulatorSession, RetryPolicy


def test_a_slow_answer_beyond_the_budget_is_given_up(fake_google):
    sid = fake_google.create_spreadsheet("Đăng ký 2023")
    fake_google.delay(4.0, times=None)
    session = EmulatorSession(RetryPolicy(max_tries=5, max_seconds=1.0, base_delay=0.01), fake_google.host)
    with pytest.raises(requests.Timeout):
        # The caller's own timeout is generous; the budget is what cuts the call short.
        session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{sid}", timeout=(10, 30))
    assert session.stats.sent == 1  # nothing left of the budget for a second try

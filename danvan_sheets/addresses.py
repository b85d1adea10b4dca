"""E-mail addresses in a registry cell: one address, or a list separated by "," or ";" (pure).

A unit often has two people to reach (the clerk and the secretary). Each address is checked
on its own; a reminder goes to all of a unit's addresses as one message or to none
(writers/email.py send_whole), and the Google sheet is shared with each of them.
"""

from __future__ import annotations

import re

# Deliberately plain: what a clerk types into a spreadsheet, not all of RFC 5322. Letters with
# diacritics are allowed (SMTPUTF8); spaces, quotes, angle brackets and a second "@" are not.
_LOCAL = re.compile(r"[^\s@\"<>(),;:\[\]\\]+")
_LABEL = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")
_SEPARATORS = re.compile(r"[,;]")


def split_addresses(cell: str) -> list[str]:
    """The addresses of a cell (or of Unit.email), in order, without blanks."""
    return [a.strip() for a in _SEPARATORS.split(cell or "") if a.strip()]


def address_problem(address: str) -> str | None:
    """Why `address` is not an e-mail address (Vietnamese), or None."""
    local, at, domain = address.rpartition("@")
    labels = domain.split(".")
    if at and _LOCAL.fullmatch(local) and len(labels) >= 2 and all(_LABEL.fullmatch(x) for x in labels):
        return None
    hint = ""
    if address.count("@") > 1 or (" " in address.strip() and "@" in address):
        hint = "; nhiều địa chỉ thì ngăn cách bằng dấu phẩy hoặc dấu chấm phẩy"
    return f"“{address}” không phải địa chỉ email (dạng ten@co-quan.vn{hint})"


def checked_addresses(cell: str) -> tuple[str, list[str]]:
    """(the cell written as "a@x.vn, b@y.vn", why each wrong address is wrong; empty when all are right)."""
    found = split_addresses(cell)
    problems = [p for p in map(address_problem, found) if p]
    return ", ".join(found), problems

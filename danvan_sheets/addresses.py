"""E-mail addresses in a registry cell: one address, or a list separated by "," or ";" (pure).

A unit often has two people to reach (the clerk and the secretary). Each address is checked
on its own, and the reminder goes to all of them as one message or to none (writers/email.py).
"""

from __future__ import annotations

import re

# Deliberately plain: what a clerk types into a spreadsheet, not all of RFC 5322. Letters with
# diacritics are allowed (SMTPUTF8); spaces, quotes, angle brackets and a second "@" are not.
_LOCAL = re.compile(r"[^\s@\"<>(),;:\[\]\\]+")
_LABEL = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")


def split_addresses(cell: str) -> list[str]:
    return [a.strip() for a in re.split(r"[,;]", cell) if a.strip()]


def address_problem(address: str) -> str | None:
    """Why `address` is not an e-mail address, or None."""
    local, at, domain = address.rpartition("@")
    labels = domain.split(".")
    if not at or not _LOCAL.fullmatch(local) or len(labels) < 2 or not all(_LABEL.fullmatch(x) for x in labels):
        return f"“{address}” không phải địa chỉ email (dạng ten@co-quan.vn)"
    return None


def checked_addresses(cell: str) -> tuple[str, str | None]:
    """(the cell as "a@x.vn, b@y.vn", or why one of its addresses is wrong)."""
    found = split_addresses(cell)
    for a in found:
        problem = address_problem(a)
        if problem:
            return cell, f"email {problem}" + (" — nhiều địa chỉ thì ngăn cách bằng dấu phẩy hoặc chấm phẩy" if len(found) == 1 and " " in a else "")
    return ", ".join(found), None

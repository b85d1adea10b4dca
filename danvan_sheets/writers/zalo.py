"""Reminders as ready-to-paste Zalo text: one block per unit, the clerk's e-mail as plain text.

Units are reached by Zalo as much as by e-mail. Zalo shows text as typed (no markdown), so the
block is the clerk's e-mail itself (never a staff command) under one line naming the unit; the
staff copies what is below that line into the unit's chat.
"""

from __future__ import annotations

from collections.abc import Sequence

from danvan_sheets.writers.email import Reminder
from danvan_sheets.writers.safe_text import one_line, printable

HEAD = "=== {i}/{n}. {name} ==="
END = "=== Hết {n} tin nhắn ==="


def zalo_text(reminders: Sequence[Reminder]) -> str:
    """Every reminder as a Zalo message: its header line, the subject as the message's first line, the body."""
    n = len(reminders)
    blocks = []
    for i, r in enumerate(reminders, 1):
        body = printable(r.body).strip("\n")
        blocks.append(f"{HEAD.format(i=i, n=n, name=one_line(r.name))}\n{one_line(r.subject)}\n\n{body}\n")
    return "\n".join([*blocks, END.format(n=n), ""])

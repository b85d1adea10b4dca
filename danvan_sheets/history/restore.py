"""A stored state of a unit back into the form's rows, as the unit typed them (pure)."""

from __future__ import annotations

from danvan_sheets.core import legacy, sections
from danvan_sheets.core.model import FIELDS
from danvan_sheets.core.text import clean, clean_lines
from danvan_sheets.history.store import StoredRow

_FORM_KEYS = ("stt", "name", "quantity", "build", "location", "scale", "done")


def _column_encodings(rows: list[StoredRow]) -> dict[str, str | None]:
    # The reader decodes TCVN3/VNI per column of a tab; doing the same keeps what the unit
    # typed but in Unicode, so it reads right when pasted into a Unicode sheet.
    out = {}
    for k in _FORM_KEYS:
        texts = [r.raw.get("cells", {}).get(k) for r in rows]
        out[k] = legacy.detect_column([t for t in texts if isinstance(t, str)])
    return out


def form_rows(rows: list[StoredRow]) -> dict[str, list[list[object]]]:
    """Field -> the form's 7 cells per row, in sheet order; "" holds rows the reader could not place in a field."""
    enc = _column_encodings(rows)
    out: dict[str, list[list[object]]] = {f: [] for f in (*FIELDS, "")}
    for r in rows:
        cells = r.raw.get("cells", {})
        values = []
        for k in _FORM_KEYS:
            v = cells.get(k)
            if isinstance(v, str):
                v = legacy.decode_cell(v, enc[k])
            if k == "name" and not v:
                v = r.name
            values.append(v)
        f = r.parsed.get("field")
        group = out[f if f in FIELDS else ""]
        lines = clean_lines(values[1]) if isinstance(values[1], str) else []
        if len(lines) > 1 and sections.section_title(lines[0]):
            # A merged "II. Lĩnh vực văn hóa - xã hội\nMô hình …" cell: the restored form prints
            # its own section rows, so the row keeps only the model, numbered in its section
            # instead of the section's Roman numeral.
            values[1] = r.name
            if isinstance(values[0], str) and sections.stt_role(clean(values[0]))[2]:
                values[0] = len(group) + 1
        group.append(values)
    return out

"""How SocialCalc (EtherCalc's spreadsheet engine) writes and keeps cells: coordinates, escaping,
typed cells and the clipboard a paste takes; and how times are written into a sheet."""

from __future__ import annotations

import math
from datetime import date, datetime

__all__ = [
    "cell_line",
    "cell_value",
    "clipboard",
    "column_index",
    "column_name",
    "columns_in_order",
    "escape",
    "format_time",
    "posts_under",
    "typed_cell",
]

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def format_time(value: datetime | date) -> str:
    """How times are written into the sheet: readable, to the second, in the time's own zone."""
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    return value.isoformat()


def column_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def column_index(name: str) -> int:
    index = 0
    for char in name:
        index = index * 26 + ord(char) - 64
    return index - 1


def escape(text: str) -> str:
    """SocialCalc's escaping for one field of a save or command line."""
    return text.replace("\\", "\\b").replace(":", "\\c").replace("\n", "\\n")


def cell_line(coord: str, kind: str, text: str) -> str:
    """One cell of a SocialCalc save or clipboard.

    SocialCalc has no escape for ``\\r`` and splits lines at ``\\r\\n``, so a text ending in
    ``\\r`` would lose it: such a cell ends with ``mod``, an attribute SocialCalc reads and skips.
    """
    line = f"cell:{coord}:{kind}:{escape(text)}"
    return f"{line}:mod:y" if text.endswith("\r") else line


def typed_cell(value):
    """(type, text) of one cell as SocialCalc keeps it, or None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("t", "TRUE" if value else "FALSE")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return ("v", repr(float(value)) if isinstance(value, float) else str(value))
    if isinstance(value, (datetime, date)):
        return ("t", format_time(value))
    if hasattr(value, "item") and callable(value.item):  # numpy and pandas scalars
        return typed_cell(value.item())
    return ("t", str(value))


def cell_value(cell) -> object:
    """A cell of ``/cells`` as a number, text, or None when it is empty (a pasted empty cell reads ``""``)."""
    if not isinstance(cell, dict):
        return None
    value = cell.get("datavalue")
    if value in ("", None):
        return None
    if str(cell.get("valuetype", "t")).startswith("n"):
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    return value


def clipboard(rows: list[dict], header: list[str]) -> str:
    """The SocialCalc clipboard of ``rows`` laid out under ``header``: each cell typed, text escaped."""
    lines = []
    for r, row in enumerate(rows, start=1):
        for key, value in row.items():
            cell = typed_cell(value)
            if cell is not None:
                lines.append(cell_line(f"{column_name(header.index(str(key)))}{r}", *cell))
    lines.append(f"copiedfrom:A1:{column_name(len(header) - 1)}{len(rows)}")
    return "\n".join(lines) + "\n"


def columns_in_order(rows: list[dict], first: str, last: str) -> list[str]:
    """The names the rows use: ``first`` first, the others in order of appearance, ``last`` last."""
    columns: list[str] = []
    for row in rows:
        for key in row:
            if str(key) not in columns:
                columns.append(str(key))
    for name, place in ((first, 0), (last, len(columns))):
        if name in columns:
            columns.remove(name)
            columns.insert(min(place, len(columns)), name)
    return columns


def posts_under(rows: list[dict], limit: int, most_rows: int | None = None) -> list[list[dict]]:
    """Rows cut into posts whose clipboard and commands stay under ``limit`` bytes, of at most ``most_rows`` rows."""
    parts, part, size = [], [], 0
    for row in rows:
        # Escaped cell text, coordinates and one insertrow: twice the text is a safe bound.
        row_size = sum(len(str(key)) + len(str(value)) + 24 for key, value in row.items()) * 2 + 32
        if part and (size + row_size > limit or len(part) == most_rows):
            parts.append(part)
            part, size = [], 0
        part.append(row)
        size += row_size
    if part:
        parts.append(part)
    return parts

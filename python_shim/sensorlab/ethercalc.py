"""A sheet on an EtherCalc server, written cell by cell with explicit types.

EtherCalc's CSV append guesses types: dates become serial numbers and a field that
starts with ``=`` becomes a formula that shifts the rest of the row. So rows are sent
as a SocialCalc clipboard whose cells say exactly what they are (``t`` text, ``v``
number) and pasted below the last row by the server itself, which keeps concurrent
appenders from overwriting each other.
"""

from __future__ import annotations

import math
import re
import time as _time
from collections import Counter
from datetime import date, datetime
from urllib.parse import urlsplit

import requests

__all__ = ["Sheet", "SheetError", "format_time"]

_ID = r"[A-Za-z0-9][A-Za-z0-9_.~-]*"
_VALID_FORMS = (
    "a sheet address looks like https://ethercalc.net/room-7b, "
    "http://127.0.0.1:8000/room-7b or http://127.0.0.1:8000/_/room-7b"
)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class SheetError(RuntimeError):
    """The sheet could not be read or written; the message says why and what to do."""


def format_time(value: datetime | date) -> str:
    """How times are written into the sheet: readable, to the second, in the time's own zone."""
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    return value.isoformat()


def _column_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_index(name: str) -> int:
    index = 0
    for char in name:
        index = index * 26 + ord(char) - 64
    return index - 1


def _escape(text: str) -> str:
    """SocialCalc's escaping for one field of a save or command line."""
    return text.replace("\\", "\\b").replace(":", "\\c").replace("\n", "\\n")


def _cell(value):
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
        return _cell(value.item())
    return ("t", str(value))


def _plain(value):
    """A cell value as rows() gives it back: numbers as numbers, everything else as text."""
    kind = _cell(value)
    if kind is None:
        return None
    return float(kind[1]) if kind[0] == "v" else kind[1]


class Sheet:
    """One EtherCalc sheet.

    Parameters
    ----------
    url : str
        The sheet's address, as shown in the browser (``https://ethercalc.net/room-7b``)
        or its API form (``http://127.0.0.1:8000/_/room-7b``).
    timeout : float
        Seconds to wait for the server on each request (posting runs on a worker
        thread, so a slow server never holds up a cell).
    confirm_within : float
        Seconds ``append`` waits for the new rows to be readable before it gives up.
    """

    def __init__(self, url: str, timeout: float = 30.0, confirm_within: float = 15.0):
        self.server, self.name = self._parse(url)
        self.timeout = timeout
        self.confirm_within = confirm_within
        self._http = requests.Session()

    @staticmethod
    def _parse(url):
        if not isinstance(url, str):
            raise ValueError(f"{_VALID_FORMS}; got {url!r}")
        parts = urlsplit(url.strip())
        match = re.fullmatch(rf"/(?:_/)?({_ID})/?", parts.path)
        if parts.scheme not in ("http", "https") or not parts.hostname or not match or parts.query or parts.fragment:
            raise ValueError(f"{_VALID_FORMS}; got {url!r}")
        try:
            parts.port
        except ValueError:
            raise ValueError(f"{_VALID_FORMS}; the port in {url!r} is not a number") from None
        return f"{parts.scheme}://{parts.netloc}", match.group(1)

    @property
    def url(self) -> str:
        """The address people open in a browser to see the sheet."""
        return f"{self.server}/{self.name}"

    @property
    def api(self) -> str:
        return f"{self.server}/_/{self.name}"

    def __repr__(self):
        return f"Sheet({self.url!r})"

    # -- reading -------------------------------------------------------------------

    def _request(self, method, path="", **kwargs):
        try:
            response = self._http.request(method, self.api + path, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise SheetError(f"The sheet server {self.server} did not answer within {self.timeout:g} s. "
                             "Rows wait and are sent again later.") from None
        except requests.ConnectionError:
            raise SheetError(f"Cannot reach the sheet server {self.server}. Check the address and the "
                             "network; rows wait and are sent again later.") from None
        return response

    def _cells(self) -> dict[str, dict]:
        response = self._request("GET", "/cells")
        if response.status_code == 404:
            return {}
        if response.status_code != 200:
            raise SheetError(f"The sheet server answered {response.status_code} when reading {self.url}.")
        try:
            return response.json() or {}
        except ValueError:
            raise SheetError(f"The sheet server sent something that is not a sheet for {self.url}.") from None

    def grid(self) -> list[list]:
        """Every row of the sheet, header included, as lists of numbers and text (None where empty)."""
        cells = self._cells()
        grid: dict[int, dict[int, object]] = {}
        for coord, cell in cells.items():
            match = re.fullmatch(r"([A-Z]+)(\d+)", coord)
            if not match or cell.get("valuetype", "") == "" and cell.get("datavalue") in ("", None):
                continue
            value = cell.get("datavalue")
            if cell.get("valuetype", "t").startswith("n"):
                value = float(value)
            grid.setdefault(int(match.group(2)), {})[_column_index(match.group(1))] = value
        if not grid:
            return []
        width = max(max(row) for row in grid.values()) + 1
        return [[grid.get(r, {}).get(c) for c in range(width)] for r in range(1, max(grid) + 1)]

    def header(self) -> list[str]:
        grid = self.grid()
        return [str(h) for h in grid[0] if h is not None] if grid else []

    def rows(self) -> list[dict]:
        """The sheet's rows below the header, as dicts keyed by the header's names."""
        grid = self.grid()
        if not grid:
            return []
        header = grid[0]
        return [
            {str(name): value for name, value in zip(header, row) if name is not None and value is not None}
            for row in grid[1:]
            if any(value is not None for value in row)
        ]

    # -- writing -------------------------------------------------------------------

    def _command(self, commands):
        response = self._request("POST", json={"command": commands})
        if response.status_code >= 300:
            raise SheetError(f"The sheet server answered {response.status_code} when writing to {self.url}.")

    def _ensure_header(self, columns: list[str]) -> list[str]:
        """Make row 1 name every column in ``columns``, adding missing names at the right."""
        header = self.header()
        missing = [c for c in columns if c not in header]
        if missing:
            start = len(header)
            self._command([f"set {_column_name(start + i)}1 text t {_escape(name)}" for i, name in enumerate(missing)])
            header = header + missing
        return header

    def append(self, rows) -> int:
        """Add rows below the last row and return how many were written.

        ``rows`` is a list of dicts; the first append to an empty sheet writes a header
        (``time`` first, then the other names in order of appearance). The call returns
        only when the new rows can be read back; it raises SheetError otherwise.
        """
        rows = [dict(row) for row in rows]
        if not rows:
            return 0
        columns = []
        for row in rows:
            for key in row:
                if str(key) not in columns:
                    columns.append(str(key))
        if "time" in columns:
            columns.remove("time")
            columns.insert(0, "time")
        header = self._ensure_header(columns)
        before = Counter(self._row_keys(self.rows(), header))
        self._paste(rows, header)
        self._confirm(rows, header, before)
        return len(rows)

    def _paste(self, rows, header):
        lines = []
        for r, row in enumerate(rows, start=1):
            for key, value in row.items():
                cell = _cell(value)
                if cell is not None:
                    lines.append(f"cell:{_column_name(header.index(str(key)))}{r}:{cell[0]}:{_escape(cell[1])}")
        lines.append(f"copiedfrom:A1:{_column_name(len(header) - 1)}{len(rows)}")
        save = "\n".join(lines) + "\n"
        # The server pastes a text/plain "loadclipboard" command below the sheet's last row.
        response = self._request(
            "POST", data=("loadclipboard " + _escape(save)).encode("utf-8"),
            headers={"Content-Type": "text/plain; charset=utf-8"},
        )
        if response.status_code >= 300:
            raise SheetError(f"The sheet server answered {response.status_code} when adding rows to {self.url}.")

    @staticmethod
    def _row_keys(rows, header):
        return [tuple(_plain(row.get(name)) for name in header) for row in rows]

    def missing(self, rows) -> list[dict]:
        """The ones of ``rows`` the sheet does not hold yet, in order (used to avoid posting twice).

        A row that appears twice in ``rows`` must appear twice in the sheet to count as held.
        """
        rows = [dict(r) for r in rows]
        header = self.header()
        if not header:
            return rows
        have = Counter(self._row_keys(self.rows(), header))
        result = []
        for row, key in zip(rows, self._row_keys(rows, header)):
            if have[key] > 0:
                have[key] -= 1
            else:
                result.append(row)
        return result

    def _confirm(self, rows, header, before: Counter):
        want = Counter(self._row_keys(rows, header))
        deadline = _time.monotonic() + self.confirm_within
        delay = 0.05
        while True:
            have = Counter(self._row_keys(self.rows(), header))
            if all(have[key] - before[key] >= count for key, count in want.items()):
                return
            if _time.monotonic() > deadline:
                raise SheetError(f"The sheet server took the rows but they did not show up in {self.url} "
                                 f"within {self.confirm_within:g} s. They will be checked and sent again.")
            _time.sleep(delay)
            delay = min(delay * 2, 1.0)

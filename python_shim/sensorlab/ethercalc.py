"""A sheet on an EtherCalc server (the 2020 server or ethercalc.net's 2026 one), written row by row.

Rows go as SocialCalc clipboards whose cells say what they are (CSV makes EtherCalc guess:
dates become serial numbers, ``=…`` a formula that shifts the row). Every row carries an
identity in the ``row id`` column and is confirmed by it, never by its values, so rows that
leave columns empty, or equal another logger's, land exactly once, and a second copy left by
a late write is removed. The 2026 server's own append finds the end and pastes in two steps,
so two loggers could meet on one row: there, one atomic command list inserts empty rows after
the end (found by a few single-cell reads) and pastes into them. The 2020 server appends in
one step, and says where: its own append is used there.
"""

from __future__ import annotations

import json
import re
import time as _time
import uuid
from urllib.parse import urlsplit

import requests

from .socialcalc import cell_value, clipboard, column_index, column_name, columns_in_order, escape, posts_under

__all__ = ["ROW_ID", "Sheet", "SheetError", "SheetFull", "SheetTooLarge", "SlowDown"]

ROW_ID = "row id"
_ID = r"[A-Za-z0-9][A-Za-z0-9_.~-]*"
_VALID_FORMS = (
    "a sheet address looks like https://ethercalc.net/room-7b, "
    "http://127.0.0.1:8000/room-7b or http://127.0.0.1:8000/_/room-7b"
)
# Both servers refuse requests over 1 MiB (the 2026 one answers 413, the 2020 one may hang up);
# posts stay well below, with room for the commands.
SERVER_BODY_LIMIT = 1 << 20
MAX_BODY_BYTES = 900_000


class SheetError(RuntimeError):
    """The sheet could not be read or written; the message says why and what to do."""


class SlowDown(SheetError):
    """The server asked for fewer requests (HTTP 429); ``retry_after`` says how many seconds to wait."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


class SheetFull(SheetError):
    """The server refuses to make this sheet any bigger: rows must go to another sheet."""


class SheetTooLarge(SheetError):
    """The server refused one request as too big: send fewer rows at a time."""


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
        # What the last read or write showed: the header row and the last row in use.
        self._header: list[str] | None = None
        self._end = 0
        # Whether the server's own append finds the end and pastes in one step (the 2020
        # server does; the 2026 server does it in two, so two appends can meet on one row).
        self._appends_in_one_step = False

    @classmethod
    def of(cls, value) -> Sheet | None:
        """A Sheet from its address, a Sheet as it is, or None for no sheet."""
        if value is None or isinstance(value, Sheet):
            return value
        if isinstance(value, str):
            return cls(value)
        raise ValueError(f'sheet must be a Sheet or an address such as "http://127.0.0.1:8000/class-7b", not {value!r}')

    @staticmethod
    def _parse(url):
        if not isinstance(url, str):
            raise ValueError(f"{_VALID_FORMS}; got {url!r}")
        parts = urlsplit(url.strip())
        match = re.fullmatch(rf"/(?:_/)?({_ID})/?", parts.path)
        if parts.scheme not in ("http", "https") or not parts.hostname or not match or parts.query or parts.fragment:
            raise ValueError(f"{_VALID_FORMS}; got {url!r}")
        try:
            _ = parts.port  # read for the ValueError a port that is not a number raises
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

    def sibling(self, name: str) -> Sheet:
        """Another sheet on the same server, with the same settings."""
        return Sheet(f"{self.server}/{name}", timeout=self.timeout, confirm_within=self.confirm_within)

    def __repr__(self):
        return f"Sheet({self.url!r})"

    # -- talking to the server ------------------------------------------------------

    def _request(self, method, path="", **kwargs):
        try:
            try:
                response = self._http.request(method, self.api + path, timeout=self.timeout, **kwargs)
            except requests.ConnectionError:
                if method != "GET":
                    raise
                # The server may have closed a kept-alive connection (the 2026 server does after
                # refusing a request): a read is safe to send again once, on a new connection.
                response = self._http.request(method, self.api + path, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise SheetError(
                f"The sheet server {self.server} did not answer within {self.timeout:g} s. "
                "Rows wait and are sent again later."
            ) from None
        except requests.ConnectionError:
            raise SheetError(
                f"Cannot reach the sheet server {self.server}. Check the address and the "
                "network; rows wait and are sent again later."
            ) from None
        if response.status_code == 429:
            wait = _retry_after(response.headers.get("Retry-After"))
            raise SlowDown(f"The sheet server asks us to slow down. Rows wait and are sent again in {wait:g} s.", wait)
        return response

    def _json(self, path: str):
        response = self._request("GET", path)
        if response.status_code == 404:  # the 2020 server's answer for a sheet nobody wrote yet
            return None
        if response.status_code != 200:
            raise SheetError(f"The sheet server answered {response.status_code} when reading {self.url}.")
        if not response.content.strip():
            # Only the 2020 server answers an empty cell with nothing (the 2026 one says null):
            # it is the server that applies a write after answering it, and appends without races.
            self._appends_in_one_step = True
            return None
        try:
            return response.json()
        except ValueError:
            raise SheetError(f"The sheet server sent something that is not a sheet for {self.url}.") from None

    def _value_at(self, column: int, row: int):
        """One cell's value: a single small request on both servers, however big the sheet."""
        return cell_value(self._json(f"/cells/{column_name(column)}{row}"))

    def _command(self, commands: list[str]) -> None:
        """Run SocialCalc commands as one list, which both servers apply as a whole."""
        self._post(json.dumps({"command": commands}).encode("utf-8"), "application/json")

    def _post(self, body: bytes, content_type: str) -> requests.Response:
        try:
            response = self._request("POST", data=body, headers={"Content-Type": content_type})
        except SheetError:
            if len(body) > SERVER_BODY_LIMIT:  # hung up on before the body was read: nothing was written
                self._http.close()
                raise SheetTooLarge(f"The sheet server hung up on {len(body)} bytes at once.") from None
            raise
        if response.status_code == 413:
            self._http.close()  # the server hangs up after a refusal: the next request needs a new connection
            if "limit" in response.text:  # "command exceeds sheet limits": the sheet is as big as it may get
                raise SheetFull(f"The sheet {self.url} is full: the server takes no more rows in it.")
            raise SheetTooLarge(f"The sheet server found {len(body)} bytes too many at once.")
        if response.status_code >= 300:
            raise SheetError(f"The sheet server answered {response.status_code} when writing to {self.url}.")
        return response

    # -- reading -------------------------------------------------------------------

    def grid(self) -> list[list]:
        """Every row of the sheet, header included, as lists of numbers and text (None where empty)."""
        cells = self._json("/cells") or {}
        grid: dict[int, dict[int, object]] = {}
        for coord, cell in cells.items():
            match = re.fullmatch(r"([A-Z]+)(\d+)", coord)
            value = cell_value(cell)
            if match and value is not None:
                grid.setdefault(int(match.group(2)), {})[column_index(match.group(1))] = value
        if not grid:
            self._header, self._end = [], 0
            return []
        width = max(max(row) for row in grid.values()) + 1
        rows = [[grid.get(r, {}).get(c) for c in range(width)] for r in range(1, max(grid) + 1)]
        self._header = [str(h) if h is not None else "" for h in rows[0]]
        while self._header and not self._header[-1]:
            self._header.pop()
        self._end = len(rows)
        return rows

    def header(self) -> list[str]:
        grid = self.grid()
        return [str(h) for h in grid[0] if h is not None] if grid else []

    def rows(self, with_ids: bool = False) -> list[dict]:
        """The sheet's rows below the header, as dicts keyed by the header's names.

        The ``row id`` column, which sensorlab uses to post each row exactly once, is left
        out unless ``with_ids`` is True.
        """
        grid = self.grid()
        if not grid:
            return []
        header = grid[0]
        return [
            {
                str(name): value
                for name, value in zip(header, row)
                if name is not None and value is not None and (with_ids or name != ROW_ID)
            }
            for row in grid[1:]
            if any(value is not None for value in row)
        ]

    def _ids(self) -> list[tuple[int, str]]:
        """(row number, id) of every row that has an id, in sheet order, from one full read."""
        grid = self.grid()
        if not grid or ROW_ID not in self._header:
            return []
        column = self._header.index(ROW_ID)
        return [
            (number, str(row[column]))
            for number, row in enumerate(grid[1:], start=2)
            if column < len(row) and row[column] is not None
        ]

    # -- writing -------------------------------------------------------------------

    def append(self, rows) -> int:
        """Add rows below the last row and return how many were written.

        ``rows`` is a list of dicts; the first append to an empty sheet writes a header
        (``time`` first, then the other names in order of appearance, ``row id`` last).
        A row without a ``row id`` gets a new one. The call returns only when the new
        rows can be read back; it raises SheetError otherwise.
        """
        rows = [dict(row) for row in rows]
        for row in rows:
            row.setdefault(ROW_ID, uuid.uuid4().hex[:16])  # unique across loggers and sheets
        for part in posts_under(rows, MAX_BODY_BYTES):
            self._append_split(part)
        return len(rows)

    def _append_split(self, rows: list[dict]) -> None:
        """Append, halving the post while the server finds it too big for one request or for the
        sheet (nothing was written then), so a sheet is filled to the last row it takes."""
        try:
            self._append_part(rows)
        except (SheetTooLarge, SheetFull) as refused:
            if len(rows) == 1:
                if isinstance(refused, SheetFull):
                    raise
                raise SheetError(
                    f"One row is too big for the sheet server {self.server}: make its notes shorter."
                ) from None
            half = len(rows) // 2
            self._append_split(rows[:half])
            self._append_split(rows[half:])

    def _append_part(self, rows: list[dict]) -> None:
        columns = columns_in_order(rows, first="time", last=ROW_ID)
        if self._header is None or any(c not in self._header for c in columns):
            self.grid()  # first write, or new columns: read what the sheet has now
        header = list(self._header or [])
        commands = []
        for name in (c for c in columns if c not in header):
            # A new name takes the first column whose heading is empty (a teacher may have
            # written something further right), or a new column at the end.
            place = header.index("") if "" in header else len(header)
            header[place : place + 1] = [name]
            commands.append(f"set {column_name(place)}1 text t {escape(name)}")
        paste = f"loadclipboard {escape(clipboard(rows, header))}"
        if self._appends_in_one_step:
            # The server's own append: no read to find the end, the rows are expected right after it.
            if commands:
                self._command(commands)
            answer = self._post(paste.encode("utf-8"), "text/plain; charset=utf-8")
            # It answers with the commands it ran, the paste's row among them.
            pasted = re.search(r'"paste A(\d+) all"', answer.text)
            first = int(pasted.group(1)) if pasted else self._end + 1
        else:
            first = self._find_end() + 1
            self._command(commands + [paste] + [f"insertrow A{first}"] * len(rows) + [f"paste A{first} all"])
        self._header = header
        self._confirm([row[ROW_ID] for row in rows], header.index(ROW_ID), first)

    def _find_end(self) -> int:
        """The last row in use (1 for a sheet with only a header), found by probing column A.

        Starts where this sheet saw the end last and gallops forward over rows others
        added since: a handful of single-cell reads instead of reading the whole sheet.
        """
        known = max(self._end, 1)
        if self._value_at(0, known + 1) is None:
            return known
        low, step = known + 1, 1
        while self._value_at(0, low + step) is not None:
            low, step = low + step, step * 2
        high = low + step  # low is in use, high is not
        while high - low > 1:
            middle = (low + high) // 2
            if self._value_at(0, middle) is None:
                high = middle
            else:
                low = middle
        return low

    def _confirm(self, ids: list[str], column: int, first: int) -> None:
        """Wait until the rows with ``ids`` can be read back (the 2020 server applies writes after answering).

        The rows are looked for where they were expected; if other rows are there instead
        (another logger's, inserted above ours meanwhile), or nothing shows there for a
        second, the whole sheet is read to find them.
        """
        started = _time.monotonic()
        delay = 0.05
        last = first + len(ids) - 1
        while True:
            at_first = self._value_at(column, first)
            # One read for one row: on the 2020 server every cell read costs a tenth of a second.
            at_last = at_first if last == first else self._value_at(column, last)
            if at_first == ids[0] and at_last == ids[-1]:
                self._end = max(self._end, last)
                return
            waited = _time.monotonic() - started
            if at_first is not None or at_last is not None or waited > 1.0:
                held = dict(self._held(ids))
                if len(held) == len(set(ids)):
                    self._end = max(self._end, max(held.values()))
                    return
            if waited > self.confirm_within:
                raise SheetError(
                    f"The sheet server took the rows but they did not show up in {self.url} "
                    f"within {self.confirm_within:g} s. They will be checked and sent again."
                )
            _time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _held(self, ids) -> list[tuple[str, int]]:
        """(id, row number) of the first copy of each of ``ids`` in the sheet; later copies are removed."""
        wanted = set(ids)
        first_copy: dict[str, int] = {}
        extra: list[int] = []
        for number, ident in self._ids():
            if ident in wanted:
                if ident in first_copy:
                    extra.append(number)
                else:
                    first_copy[ident] = number
        if extra:
            # A write that arrived late, after it was sent again: keep the first copy only.
            self._command([f"deleterow A{number}" for number in sorted(extra, reverse=True)])
            self._end -= len(extra)
        return list(first_copy.items())

    def missing(self, rows) -> list[dict]:
        """The ones of ``rows`` the sheet does not hold yet, by their ``row id``, in order.

        Used after a failure, so that nothing is posted twice; a second copy of one of
        these rows (a write that arrived late) is removed from the sheet on the way.
        """
        rows = [dict(r) for r in rows]
        held = dict(self._held([r.get(ROW_ID) for r in rows if r.get(ROW_ID)]))
        return [row for row in rows if row.get(ROW_ID) not in held]

    def remove_copies(self, ids) -> None:
        """Remove second copies of the rows with ``ids`` (left by writes that arrived late)."""
        self._held(list(ids))


def _retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header (a number of seconds; a date or nothing counts as 5 s)."""
    try:
        return max(1.0, min(float(value), 3600.0))
    except (TypeError, ValueError):
        return 5.0

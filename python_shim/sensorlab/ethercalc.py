"""A sheet on an EtherCalc server (the 2020 server or ethercalc.net's 2026 one), written row by row.

Rows go as SocialCalc clipboards whose cells say what they are (CSV makes EtherCalc guess:
dates become serial numbers, ``=…`` a formula that shifts the row). Every row carries an
identity in the ``row id`` column and is confirmed by it, never by its values, so rows that
leave columns empty, or equal another logger's, land exactly once. Nothing is ever taken out
of a sheet (a row found by its number may have moved by the time it is taken): a second copy
that a late write leaves stays, and every reader shows each ``row id`` once. The 2026 server's
own append finds the end and pastes in two steps, so two loggers could meet on one row: there,
one atomic command list inserts empty rows after the end (found by a few single-cell reads) and
pastes into them. The 2020 server appends in
one step, and says where: its own append is used there.
"""

from __future__ import annotations

import random
import re
import time as _time
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import timers
from .columns import ROW_ID
from .i18n import _
from .sheetserver import SheetConnection, SheetError, SheetFull, SheetTooLarge, SlowDown
from .socialcalc import (
    cell_value,
    clipboard,
    column_index,
    column_name,
    columns_in_order,
    escape,
    posts_under,
    typed_cell,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ROW_ID", "Sheet", "SheetError", "SheetFull", "SheetTooLarge", "SlowDown"]

_ID = r"[A-Za-z0-9][A-Za-z0-9_.~-]*"
# Posts stay well below the servers' 1 MiB, with room for the commands.
MAX_BODY_BYTES = 900_000
# Rows a post inserts on a server without its own append: each inserted row costs that server a
# pass over every cell of the sheet (0.1 s at 20,000 rows), and a post must answer well within
# the request's timeout.
MAX_INSERTS = 50
# Seconds between checks that people did not clear the header or the rows this sheet wrote.
RECHECK_EVERY = 60.0
# Least seconds before new column headings are checked again (see Sheet._claim).
HEADINGS_SETTLE = 1.5
CLAIM_TRIES = 20
CLAIM_SPREAD = 8  # the most free heading cells a logger chooses among after meeting others
# SocialCalc's set command for each kind of typed cell.
_SET = {"v": "value n", "t": "text t"}


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
        self._conn = SheetConnection(self.server, self.api, self.url, timeout)
        # What the last read or write showed: the header row and the last row in use.
        self._header: list[str] | None = None
        self._end = 0
        self._checked_at = _time.monotonic()  # when the header and the end were last seen as they are
        self._siblings: dict[str, Sheet] = {}  # the sheets a class view reads besides this one

    @classmethod
    def of(cls, value) -> Sheet | None:
        """A Sheet from its address, a Sheet as it is, or None for no sheet."""
        if value is None or isinstance(value, Sheet):
            return value
        if isinstance(value, str):
            return cls(value)
        raise ValueError(
            _('sheet must be a Sheet or an address such as "http://127.0.0.1:8000/class-7b", not {value!r}').format(
                value=value
            )
        )

    @staticmethod
    def _parse(url):
        if not isinstance(url, str):
            raise _not_a_sheet_address(url)
        parts = urlsplit(url.strip())
        match = re.fullmatch(rf"/(?:_/)?({_ID})/?", parts.path)
        if parts.scheme not in ("http", "https") or not parts.hostname or not match or parts.query or parts.fragment:
            raise _not_a_sheet_address(url)
        try:
            _port = parts.port  # read for the ValueError a port that is not a number raises
        except ValueError:
            raise ValueError(
                # TRANSLATORS: the three addresses are examples to copy: keep them as they are.
                _(
                    "a sheet address looks like https://ethercalc.net/room-7b, http://127.0.0.1:8000/room-7b or "
                    "http://127.0.0.1:8000/_/room-7b; the port in {url!r} is not a number"
                ).format(url=url)
            ) from None
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

    def _value_at(self, column: int, row: int):
        """One cell's value: a single small request on both servers, however big the sheet."""
        return cell_value(self._conn.json(f"/cells/{column_name(column)}{row}"))

    def _command(self, commands: list[str]):
        return self._conn.command(commands)

    # -- reading -------------------------------------------------------------------

    def grid(self) -> list[list]:
        """Every row of the sheet, header included, as lists of numbers and text (None where empty)."""
        cells = self._conn.json("/cells") or {}
        grid: dict[int, dict[int, object]] = {}
        for coord, cell in cells.items():
            match = re.fullmatch(r"([A-Z]+)(\d+)", coord)
            value = cell_value(cell)
            if match and value is not None:
                grid.setdefault(int(match.group(2)), {})[column_index(match.group(1))] = value
        if not grid:
            self._header, self._end, self._checked_at = [], 0, _time.monotonic()
            return []
        width = max(max(row) for row in grid.values()) + 1
        rows = [[grid.get(r, {}).get(c) for c in range(width)] for r in range(1, max(grid) + 1)]
        self._header = [str(h) if h is not None else "" for h in rows[0]]
        while self._header and not self._header[-1]:
            self._header.pop()
        self._end = len(rows)
        self._checked_at = _time.monotonic()
        return rows

    def csv(self) -> str | None:
        """The sheet as CSV text (the lightest whole-sheet read on both servers), or None for a sheet nobody wrote."""
        response = self._conn.read("/csv")
        if response is None:
            return None
        response.encoding = "utf-8"
        return response.text or None

    def frame(self, tz=None, with_ids: bool = False) -> pd.DataFrame:
        """The whole class as a pandas DataFrame: this sheet and its continuations (``-2``, ``-3``…), and the device
        sheets it points to, each ``row id`` once.

        ``time`` is read with the zone each row says (its ``time zone``; older rows: ``tz``), so the hour that repeats
        in autumn stays in order, and shown in ``tz`` (the kernel's zone by default); rows come oldest first. Columns
        that hold only numbers are numbers. The ``row id`` column is left out unless ``with_ids`` is True.
        """
        from .classview import ClassReader, class_frame

        reader = ClassReader(self.name, self.read_sibling)
        return class_frame(reader.rows(), tz, with_ids)

    def read_sibling(self, name: str) -> str | None:
        """The CSV of another sheet on this server (``name`` of this sheet reads this one)."""
        if name == self.name:
            return self.csv()
        if name not in self._siblings:
            self._siblings[name] = self.sibling(name)
        return self._siblings[name].csv()

    def header(self) -> list[str]:
        grid = self.grid()
        return [str(h) for h in grid[0] if h is not None] if grid else []

    def rows(self, with_ids: bool = False) -> list[dict]:
        """The sheet's rows below the header, as dicts keyed by the header's names, each row once.

        A write that arrived late can leave a second copy of a row in the sheet; rows are told
        apart by their ``row id`` and only the first copy is shown. The ``row id`` column is left
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
            for _, row in self._first_copies(grid)
        ]

    def _first_copies(self, grid: list[list]) -> list[tuple[int, list]]:
        """(row number, row) of every row in use below the header, leaving out later copies of a ``row id``."""
        column = self._header.index(ROW_ID) if ROW_ID in self._header else None
        seen: set = set()
        found = []
        for number, row in enumerate(grid[1:], start=2):
            if all(value is None for value in row):
                continue
            ident = row[column] if column is not None and column < len(row) else None
            if ident is not None:
                if ident in seen:
                    continue
                seen.add(ident)
            found.append((number, row))
        return found

    def _row_numbers(self, ids) -> dict[str, int]:
        """Where the first copy of each of ``ids`` stands in the sheet, from one full read."""
        wanted = set(ids)
        grid = self.grid()
        if not grid or ROW_ID not in self._header:
            return {}
        column = self._header.index(ROW_ID)
        return {
            row[column]: number
            for number, row in self._first_copies(grid)
            if column < len(row) and row[column] in wanted
        }

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
        most_rows = None if self._conn.appends_in_one_step else MAX_INSERTS
        for part in posts_under(rows, MAX_BODY_BYTES, most_rows):
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
                    _("One row is too big for the sheet server {server}: make its notes shorter.").format(
                        server=self.server
                    )
                ) from None
            half = len(rows) // 2
            self._append_split(rows[:half])
            self._append_split(rows[half:])

    def _append_part(self, rows: list[dict]) -> None:
        columns = columns_in_order(rows, first="time", last=ROW_ID)
        if self._header is None or any(c not in self._header for c in columns) or self._emptied():
            self.grid()  # first write, new columns, or rows cleared by a person: read what the sheet has now
        claimed = self._claim([c for c in columns if c not in self._header])
        header = list(self._header)
        ids = [row[ROW_ID] for row in rows]
        paste = f"loadclipboard {escape(clipboard(rows, header))}"
        started = _time.monotonic()
        if self._conn.appends_in_one_step:
            # The server's own append: no read to find the end, the rows are expected right after it.
            answer = self._conn.post(paste.encode("utf-8"), "text/plain; charset=utf-8")
            # It answers with the commands it ran, the paste's row among them.
            pasted = re.search(r'"paste A(\d+) all"', answer.text)
            first = int(pasted.group(1)) if pasted else self._end + 1
        else:
            first = self._find_end() + 1
            self._command([paste] + [f"insertrow A{first}"] * len(rows) + [f"paste A{first} all"])
        self._confirm(ids, header.index(ROW_ID), first)
        if claimed:
            self._settle(_time.monotonic() - started)
            self._keep_in_own_columns(claimed, ids)

    def _emptied(self) -> bool:
        """Whether a person cleared the header or the last rows since this sheet looked (checked at
        most once a minute: on the 2020 server every cell read costs a tenth of a second)."""
        if self._header is None or _time.monotonic() < self._checked_at + RECHECK_EVERY:
            return False
        self._checked_at = _time.monotonic()
        if ROW_ID in self._header and self._value_at(self._header.index(ROW_ID), 1) != ROW_ID:
            return True
        return self._end > 1 and self._value_at(0, self._end) is None

    def _claim(self, names: list[str]) -> dict[int, str]:
        """Write the headings of new columns and return {place: name} once they stand.

        Loggers naming new columns at the same moment can pick the same empty heading cell, and
        neither server can write a cell only if it is still empty: each logger writes its
        headings, waits until every write sent at the same moment has landed, and looks. The
        later write stands; the logger whose heading was overwritten picks another place. No
        value is written before its heading stands.
        """
        claimed: dict[int, str] = {}
        for attempt in range(CLAIM_TRIES):
            header = list(self._header)
            places: dict[int, str] = {}
            for name in (n for n in names if n not in header):
                # A new name takes the first column whose heading is empty (a teacher may have written
                # something further right), or a new column at the end; after meeting other loggers there,
                # one of the first few, chosen at random, so that a class naming columns at once stops
                # meeting (few enough that a heading left empty between them is rare).
                free = [i for i, heading in enumerate(header) if not heading] + [len(header)]
                free += range(len(header) + 1, len(header) + CLAIM_SPREAD)
                place = random.choice(free[: min(attempt + 1, CLAIM_SPREAD)])
                header += [""] * (place + 1 - len(header))
                header[place] = name
                places[place] = name
            if not places:
                return claimed
            if all(self._value_at(place, 1) is None for place in places):  # not named by another logger just now
                started = _time.monotonic()
                self._command([f"set {column_name(p)}1 text t {escape(name)}" for p, name in places.items()])
                self._settle(_time.monotonic() - started)
                standing = {p: name for p, name in places.items() if self._value_at(p, 1) == name}
                claimed.update(standing)
                if len(standing) == len(places):
                    self._header = header
                    return claimed
            self.grid()  # another logger named a column just now: look again
            timers.sleep(random.uniform(0, 0.2))
        raise _columns_kept_meeting()

    @staticmethod
    def _settle(written_in: float) -> None:
        """Wait until a write sent at the same moment as ours, by another logger, has landed: well longer
        than ours took (``written_in``), and at least HEADINGS_SETTLE (the 2020 server applies writes after
        answering them)."""
        timers.sleep(max(HEADINGS_SETTLE, 4 * written_in))

    def _keep_in_own_columns(self, claimed: dict[int, str], ids: list[str]) -> None:
        """A heading write held up on the way can still land on ours after we looked, so that our values
        stand under another logger's heading: look again once they are written, and move the values of
        our own rows (found by ``row id``) into their own column."""
        for _attempt in range(CLAIM_TRIES):
            lost = {place: name for place, name in claimed.items() if self._value_at(place, 1) != name}
            if not lost:
                return
            self.grid()
            claimed = self._claim(list(dict.fromkeys(lost.values())))
            grid = self.grid()
            header = self._header
            moves = []
            for number in self._row_numbers(ids).values():
                row = grid[number - 1]
                for place, name in lost.items():
                    cell = typed_cell(row[place]) if place < len(row) else None
                    if cell is not None:
                        moves += [f"set {column_name(header.index(name))}{number} {_SET[cell[0]]} {escape(cell[1])}"]
                        moves += [f"erase {column_name(place)}{number} all"]
            if moves:
                self._command(moves)
                self._settle(0.0)
        raise _columns_kept_meeting()

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
                if len(self._row_numbers(ids)) == len(set(ids)):
                    return  # the full read set the end
            if waited > self.confirm_within:
                raise SheetError(
                    _(
                        "The sheet server took the rows but they did not show up in {url} within {wait:g} s. "
                        "They will be checked and sent again."
                    ).format(url=self.url, wait=self.confirm_within)
                )
            timers.sleep(delay)
            delay = min(delay * 2, 1.0)

    def missing(self, rows) -> list[dict]:
        """The ones of ``rows`` the sheet does not hold yet, by their ``row id``, in order.

        Used after a failure, so that nothing is posted twice. Nothing is ever taken out of
        the sheet: a row another logger or a person moved meanwhile would be taken instead.
        """
        rows = [dict(r) for r in rows]
        held = self._row_numbers([r.get(ROW_ID) for r in rows if r.get(ROW_ID)])
        return [row for row in rows if row.get(ROW_ID) not in held]


def _not_a_sheet_address(url) -> ValueError:
    """What a student reads when ``url`` is no sheet's address: the forms one takes."""
    return ValueError(
        # TRANSLATORS: the three addresses are examples to copy: keep them as they are.
        _(
            "a sheet address looks like https://ethercalc.net/room-7b, http://127.0.0.1:8000/room-7b or "
            "http://127.0.0.1:8000/_/room-7b; got {url!r}"
        ).format(url=url)
    )


def _columns_kept_meeting() -> SheetError:
    """Loggers naming new columns met every time they tried (see Sheet._claim)."""
    return SheetError(_("Loggers kept adding columns to the sheet at the same moment; rows are sent again."))

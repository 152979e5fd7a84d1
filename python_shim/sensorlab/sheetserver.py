"""Talking to an EtherCalc server about one sheet: requests, and answers turned into errors people can read."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

# On a class site (Pyodide) requests sends through the browser's fetch and, where the browser has
# JavaScript promise integration, suspends the posting task rather than the whole kernel.
import requests

from .i18n import _, ngettext

__all__ = ["SERVER_BODY_LIMIT", "SheetConnection", "SheetError", "SheetFull", "SheetTooLarge", "SlowDown"]

# Both servers refuse requests over 1 MiB (the 2026 one answers 413, the 2020 one may hang up).
SERVER_BODY_LIMIT = 1 << 20


class SheetError(RuntimeError):
    """The sheet could not be read or written; the message says why and what to do."""


class SlowDown(SheetError):
    """The server asked for fewer requests (HTTP 429); ``retry_after`` says how many seconds to wait
    (None when the server did not say, or said it where a page cannot read it)."""

    def __init__(self, message: str, retry_after: float | None):
        super().__init__(message)
        self.retry_after = retry_after


class SheetFull(SheetError):
    """The server refuses to make this sheet any bigger: rows must go to another sheet."""


class SheetTooLarge(SheetError):
    """The server refused one request as too big: send fewer rows at a time."""


class SheetConnection:
    """The HTTP side of one sheet (its API address ``api``), shared by reading and writing."""

    def __init__(self, server: str, api: str, url: str, timeout: float):
        self.server, self.api, self.url, self.timeout = server, api, url, timeout
        self._http = requests.Session()
        # Only the 2020 server answers an empty cell with nothing (the 2026 one says null): it is
        # the server that applies a write after answering it, and whose own append has no race.
        self.appends_in_one_step = False

    def request(self, method: str, path: str = "", **kwargs) -> requests.Response:
        try:
            try:
                response = self._send(method, path, **kwargs)
            except requests.ConnectionError:
                if method != "GET":
                    raise
                # The server may have closed a kept-alive connection (the 2026 server does after
                # refusing a request): a read is safe to send again once, on a new connection.
                response = self._send(method, path, **kwargs)
        except requests.Timeout:
            raise SheetError(
                _(
                    "The sheet server {server} did not answer within {timeout:g} s. Rows wait and are sent again later."
                ).format(server=self.server, timeout=self.timeout)
            ) from None
        except requests.RequestException:  # refused, dropped mid-answer, garbled by a proxy…
            raise SheetError(
                _(
                    "Cannot reach the sheet server {server}. Check the address and the network; "
                    "rows wait and are sent again later."
                ).format(server=self.server)
            ) from None
        if response.status_code == 429:
            wait = _retry_after(response.headers.get("Retry-After"))
            raise SlowDown(_("The sheet server asks us to slow down. Rows wait and are sent again later."), wait)
        if response.is_redirect:  # a write sent on as a read would look done and write nothing
            raise SheetError(
                _(
                    "The sheet server sends {url} on to {location}: "
                    "use that address for the sheet (https:// rather than http://, say)."
                ).format(url=self.url, location=response.headers.get("Location"))
            )
        return response

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        return self._http.request(method, self.api + path, timeout=self.timeout, allow_redirects=False, **kwargs)

    def read(self, path: str) -> requests.Response | None:
        """The answer of a read, or None for a sheet nobody wrote yet (the 2020 server's 404)."""
        response = self.request("GET", path)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise SheetError(
                # TRANSLATORS: {status} is the HTTP status code, such as 500.
                _("The sheet server answered {status} when reading {url}. Rows wait and are sent again later.").format(
                    status=response.status_code, url=self.url
                )
            )
        return response

    def json(self, path: str):
        """The JSON answer of a read, or None for a sheet or cell that holds nothing."""
        response = self.read(path)
        if response is None:
            return None
        if not response.content.strip():
            self.appends_in_one_step = True
            return None
        try:
            return response.json()
        except ValueError:
            raise SheetError(
                _("The sheet server sent something that is not a sheet for {url}.").format(url=self.url)
            ) from None

    def command(self, commands: list[str]) -> requests.Response:
        """Run SocialCalc commands as one list, which both servers apply as a whole."""
        return self.post(json.dumps({"command": commands}).encode("utf-8"), "application/json")

    def post(self, body: bytes, content_type: str) -> requests.Response:
        try:
            response = self.request("POST", data=body, headers={"Content-Type": content_type})
        except SlowDown:
            raise
        except SheetError:
            if len(body) > SERVER_BODY_LIMIT:  # hung up on before the body was read: nothing was written
                self._http.close()
                raise SheetTooLarge(
                    ngettext(
                        "The sheet server hung up on {size} byte at once.",
                        "The sheet server hung up on {size} bytes at once.",
                        len(body),
                    ).format(size=len(body))
                ) from None
            raise
        if response.status_code == 413:
            self._http.close()  # the server hangs up after a refusal: the next request needs a new connection
            if "limit" in response.text:  # "command exceeds sheet limits": the sheet is as big as it may get
                raise SheetFull(_("The sheet {url} is full: the server takes no more rows in it.").format(url=self.url))
            raise SheetTooLarge(
                ngettext(
                    "The sheet server found {size} byte too many at once.",
                    "The sheet server found {size} bytes too many at once.",
                    len(body),
                ).format(size=len(body))
            )
        if response.status_code >= 300:
            raise SheetError(
                # TRANSLATORS: {status} is the HTTP status code, such as 500.
                _(
                    "The sheet server answered {status} when writing to {url}. Rows wait and are sent again later."
                ).format(status=response.status_code, url=self.url)
            )
        return response


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header, in either of its forms (a number of seconds or an HTTP
    date), whatever its length; None when it says neither (the poster then uses its own backoff)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # HTTP dates are in GMT
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())

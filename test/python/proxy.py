"""A small HTTP proxy of the tests' own on 127.0.0.1, in front of the real EtherCalc.

It can hold requests until released, delay them, or answer an error instead, so the
tests can put the real server behind a slow or broken network.
"""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.request


class Proxy:
    def __init__(self, target: str):
        self.target = target.rstrip("/")
        self.gate = threading.Event()
        self.gate.set()
        self.delay = 0.0
        self.fail_status: int | None = None
        self.fail_headers: dict[str, str] = {}  # sent with fail_status, e.g. Retry-After
        # Forward the request, then hang up without answering: the write happened, the client cannot know.
        self.drop_answers = False
        # The same for writes (POST) only: reads still answer, as when a server stops mid-write.
        self.drop_write_answers = False
        self.held = 0
        self.requests = 0
        # Hold the next write (POST) until late_write.set(): it reaches the server late, after a retry.
        self.hold_next_write = False
        self.late_write = threading.Event()
        self.late_write_done = threading.Event()  # set once the held write has reached the server
        self.late_write_status = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.command == "POST":
                    proxy.before_write(body)
                with proxy._lock:
                    proxy.requests += 1
                    proxy.held += 1
                    late = self.command == "POST" and proxy.hold_next_write
                    if late:
                        proxy.hold_next_write = False
                if late:
                    proxy.late_write.wait(60)
                try:
                    proxy.gate.wait(60)
                    if proxy.delay:
                        threading.Event().wait(proxy.delay)
                finally:
                    with proxy._lock:
                        proxy.held -= 1
                if proxy.fail_status:
                    self.send_response(proxy.fail_status)
                    for key, value in proxy.fail_headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                request = urllib.request.Request(proxy.target + self.path, data=body or None, method=self.command)
                for key in ("Content-Type",):
                    if self.headers.get(key):
                        request.add_header(key, self.headers[key])
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, payload, ctype = response.status, response.read(), response.headers.get("Content-Type")
                except urllib.error.HTTPError as error:
                    status, payload, ctype = error.code, error.read(), error.headers.get("Content-Type")
                if late:
                    proxy.late_write_status = status
                    proxy.late_write_done.set()
                if proxy.drop_answers or (proxy.drop_write_answers and self.command == "POST"):
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def before_write(self, body: bytes) -> None:
        """Called with each write before it is forwarded: a test's own proxy can delay or note it here."""

    def hold(self):
        self.gate.clear()

    def release(self):
        self.gate.set()

    def close(self):
        self.release()
        self._server.shutdown()
        self._server.server_close()

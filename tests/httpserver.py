"""A real HTTP server on 127.0.0.1 that serves a folder of pages and misbehaves on purpose.

Used through the ``http_server`` fixture (tests/conftest.py), or directly::

    with MisbehavingServer(folder) as srv:
        srv.url("story.html")                    # http://127.0.0.1:<port>/story.html

Files under ``folder`` are served at their relative path (``.html.gz`` files are served
un-gzipped at the name without ``.gz``). Path prefixes select a misbehaviour for the file that
follows them (``<file>`` is any served path):

=====================================  ==========================================================
``/slow/<secs>/<file>``                 waits ``secs`` seconds before answering
``/retry-after/<n>/<secs>/<file>``      first ``n`` requests: 429 with ``Retry-After: secs``; then the file
``/flaky/<n>/<file>``                   first ``n`` requests: 500; then the file
``/always/<status>/<file>``             always answers ``status`` (e.g. 503, 404, 403)
``/redirect/<file>``                    301 to ``/<file>``
``/loop/<name>``                        302 to ``/loop/<name>x`` forever (a redirect loop)
``/charset/wrong/<file>``               ``Content-Type: text/html; charset=iso-8859-1`` on UTF-8 bytes
``/charset/missing/<file>``             ``Content-Type: text/html`` without charset
``/charset/none/<file>``                no Content-Type header at all
``/truncated/<file>``                   half the file, with ``Content-Length`` of the whole file + 1000
``/type/<main>/<sub>/<file>``           the file with ``Content-Type: <main>/<sub>`` (e.g. application/pdf)
``/private/<file>``                     the file, but ``robots.txt`` disallows ``/private/``
=====================================  ==========================================================

``robots.txt`` is ``robots`` (default: disallow ``/private/`` for every agent); ``robots=None``
answers 404, ``robots="hang"`` never answers in time (the client's timeout fires), ``robots=500``
answers 500. Exact routes can be added with :meth:`MisbehavingServer.route`. Every request is
recorded in :attr:`MisbehavingServer.requests` (path, headers) and counted per path in
:attr:`MisbehavingServer.hits`.
"""
from __future__ import annotations

import collections
import gzip
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

DEFAULT_ROBOTS = "User-agent: *\nDisallow: /private/\n"


@dataclass
class Response:
    """A canned response for :meth:`MisbehavingServer.route`."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] | None = None
    delay: float = 0.0


class MisbehavingServer:
    """See the module docstring."""

    def __init__(self, root: str | Path | None = None, *, robots: str | int | None = DEFAULT_ROBOTS):
        self.root = Path(root) if root is not None else None
        self.robots = robots
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.hits: collections.Counter[str] = collections.Counter()
        self._routes: dict[str, Response | Callable[[int], Response]] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> "MisbehavingServer":
        server = self

        class Handler(_Handler):
            srv = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "MisbehavingServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- helpers ------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "") -> str:
        """Absolute URL of ``path`` on this server."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def route(self, path: str, response: Response | Callable[[int], Response]) -> None:
        """Answer ``path`` (exact, with query) with ``response``, or ``response(n)`` for the n-th hit (1-based)."""
        self._routes["/" + path.lstrip("/")] = response

    def hits_for(self, path: str) -> int:
        return self.hits["/" + path.lstrip("/")]

    def _count(self, path: str, headers: dict[str, str]) -> int:
        with self._lock:
            self.requests.append((path, headers))
            self.hits[path] += 1
            return self.hits[path]

    def _file(self, rel: str) -> bytes | None:
        if self.root is None:
            return None
        rel = rel.lstrip("/").split("?")[0]
        if ".." in Path(rel).parts:
            return None
        p = self.root / rel
        if p.is_file():
            return p.read_bytes()
        gz = self.root / (rel + ".gz")
        if gz.is_file():
            return gzip.decompress(gz.read_bytes())
        return None


class _Handler(BaseHTTPRequestHandler):
    srv: MisbehavingServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              content_length: int | None = None) -> None:
        self.send_response(status)
        hdrs = {"Content-Type": "text/html; charset=utf-8"} if headers is None else headers
        for k, v in hdrs.items():
            if v is not None:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _sleep(self, secs: float) -> None:
        self.srv._stop.wait(secs)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        srv = self.srv
        path = self.path
        n = srv._count(path, {k: v for k, v in self.headers.items()})
        if path in srv._routes:
            r = srv._routes[path]
            r = r(n) if callable(r) else r
            self._sleep(r.delay)
            body = r.body.encode("utf-8") if isinstance(r.body, str) else r.body
            self._send(r.status, body, r.headers)
            return
        if path == "/robots.txt":
            self._robots()
            return
        parts = path.lstrip("/").split("/")
        head, rest = parts[0], parts[1:]
        try:
            if head == "slow":
                self._sleep(float(rest[0]))
                return self._serve("/".join(rest[1:]))
            if head == "retry-after":
                if n <= int(rest[0]):
                    return self._send(429, b"Too Many Requests", {"Content-Type": "text/plain", "Retry-After": rest[1]})
                return self._serve("/".join(rest[2:]))
            if head == "flaky":
                if n <= int(rest[0]):
                    return self._send(500, b"Internal Server Error", {"Content-Type": "text/plain"})
                return self._serve("/".join(rest[1:]))
            if head == "always":
                return self._send(int(rest[0]), f"status {rest[0]}".encode(), {"Content-Type": "text/plain"})
            if head == "redirect":
                return self._send(301, b"", {"Location": "/" + "/".join(rest), "Content-Type": "text/plain"})
            if head == "loop":
                return self._send(302, b"", {"Location": "/loop/" + "/".join(rest) + "x", "Content-Type": "text/plain"})
            if head == "charset":
                kind, rel = rest[0], "/".join(rest[1:])
                ctype = {"wrong": "text/html; charset=iso-8859-1", "missing": "text/html", "none": None}[kind]
                return self._serve(rel, {"Content-Type": ctype} if ctype else {})
            if head == "truncated":
                body = srv._file("/".join(rest))
                if body is None:
                    return self._send(404, b"not found", {"Content-Type": "text/plain"})
                half = body[: len(body) // 2]
                return self._send(200, half, {"Content-Type": "text/html; charset=utf-8"}, content_length=len(body) + 1000)
            if head == "type":
                return self._serve("/".join(rest[2:]), {"Content-Type": f"{rest[0]}/{rest[1]}"})
            if head == "private":
                return self._serve("/".join(rest))
        except (IndexError, ValueError, KeyError):
            return self._send(400, b"bad misbehaviour path", {"Content-Type": "text/plain"})
        return self._serve(path)

    def _serve(self, rel: str, headers: dict[str, str] | None = None) -> None:
        body = self.srv._file(rel)
        if body is None:
            return self._send(404, b"<html><body>not found</body></html>")
        if headers is None:
            name = rel.split("?")[0].lower()
            if name.endswith((".xml", ".rss")):
                headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
            elif name.endswith(".atom"):
                headers = {"Content-Type": "application/atom+xml; charset=utf-8"}
            else:
                headers = {"Content-Type": "text/html; charset=utf-8"}
        self._send(200, body, headers)

    def _robots(self) -> None:
        robots = self.srv.robots
        if robots is None:
            return self._send(404, b"not found", {"Content-Type": "text/plain"})
        if robots == "hang":
            self._sleep(30)
            return self._send(200, b"", {"Content-Type": "text/plain"})
        if isinstance(robots, int):
            return self._send(robots, b"error", {"Content-Type": "text/plain"})
        self._send(200, robots.encode("utf-8"), {"Content-Type": "text/plain"})


def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``cond`` until true or ``timeout`` seconds pass."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()

"""A real HTTP server on 127.0.0.1 (an ephemeral port) serving what each test sets up.

Routes answer with a body and headers, and can be slow, fail a few times first, drop the
connection, redirect, or answer 304 to a request that carries their ETag or date.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(slots=True)
class Route:
    """What the server answers at one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds to wait before answering
    fail_first: int = 0  # answer 503 this many times first
    drop: bool = False  # close the connection without an answer
    announce_length: bool = True
    hits: int = 0


class NewsServer:
    """`server.route("/feed.xml", body=...)`, then fetch `server.url("/feed.xml")`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> NewsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _serve(self) -> None:
        self._httpd.serve_forever(poll_interval=0.05)  # so that shutdown is quick

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def route(self, path: str, body: bytes | str = b"", **options) -> str:
        """Serve `body` at `path`; return the route's URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **options)
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        return self.route(path, status=status, headers={"Location": to})

    def hits(self, path: str) -> int:
        return self.routes[path].hits

    def headers_of(self, path: str) -> list[dict[str, str]]:
        return [headers for seen, headers in self.requests if seen == path]


def _handler(server: NewsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(self.path)
            if route is None:
                self._answer(404, b"not found", {"Content-Type": "text/plain"})
                return
            route.hits += 1
            time.sleep(route.delay)
            if route.drop:
                self.close_connection = True
                return
            if route.hits <= route.fail_first:
                self._answer(503, b"busy", {"Content-Type": "text/plain", "Retry-After": "0"})
                return
            if self._unchanged(route):
                self._answer(304, b"", self._validators(route))
                return
            headers = {"Content-Type": route.content_type} | self._validators(route)
            self._answer(route.status, route.body, headers | route.headers, route.announce_length)

        def _unchanged(self, route: Route) -> bool:
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                return True
            since = self.headers.get("If-Modified-Since")
            return bool(route.last_modified) and since == route.last_modified

        @staticmethod
        def _validators(route: Route) -> dict[str, str]:
            found = {"ETag": route.etag, "Last-Modified": route.last_modified}
            return {name: value for name, value in found.items() if value}

        def _answer(self, status, body, headers, announce_length=True) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if announce_length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The client may stop reading (the size limit at work).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format, *args) -> None:  # quiet
            pass

    return Handler

"""The query bench's HTTP client (bench/query_bench.py): the instrument that times the API.

A real HTTP/1.1 server of the standard library answers it: bodies come back whole and in
order over one kept-alive connection, bodies larger than one socket read included; a
connection the server closed between calls is opened again and the call still answered.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from bench.query_bench import KeptAliveGet


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    connections: ClassVar[list[int]] = []

    def setup(self) -> None:
        super().setup()
        Echo.connections.append(1)

    def do_GET(self) -> None:
        """The path back, repeated ?times=N times; /close announces that the connection
        closes after the answer, /drop closes it unannounced (an idle keep-alive ended)."""
        path, _, query = self.path.partition("?")
        times = int(query.removeprefix("times=")) if query else 1
        body = (path * times).encode()
        self.send_response(404 if path == "/missing" else 200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-API-Key-Seen", self.headers.get("X-API-Key", ""))
        if path == "/close":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)
        if path == "/drop":
            self.close_connection = True

    def log_message(self, *args: object) -> None:
        """Quiet: the tests read the answers, not the server's log."""


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    Echo.connections = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_answers_come_back_whole_and_in_order_on_one_connection(
    server: ThreadingHTTPServer,
) -> None:
    client = KeptAliveGet("127.0.0.1", server.server_address[1], {"X-API-Key": "k"})
    try:
        for times in (1, 3, 100_000, 2):  # 100,000 × "/a" is 200 kB: several reads
            assert client.get(f"/a?times={times}") == (200, b"/a" * times)
        assert client.get("/missing") == (404, b"/missing")
    finally:
        client.close()
    assert len(Echo.connections) == 1


def test_a_connection_closed_by_the_server_is_opened_again(server: ThreadingHTTPServer) -> None:
    client = KeptAliveGet("127.0.0.1", server.server_address[1], {})
    try:
        assert client.get("/close") == (200, b"/close")  # announced: closed at once
        assert client.sock is None
        assert client.get("/drop") == (200, b"/drop")  # a second connection, then dropped
        assert client.get("/c") == (200, b"/c")  # found closed: a third
    finally:
        client.close()
    assert len(Echo.connections) == 3

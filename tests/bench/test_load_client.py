"""The load benchmark's HTTP client (bench/load.py Session) against a tiny local server that answers
each connection with canned bytes and closes it, as gunicorn's sync workers do."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from bench import load
from bench.load import BadResponse, Results, Session, client_loop

OK_HEAD = b"HTTP/1.1 200 OK\r\nServer: test\r\nConnection: close\r\nContent-Type: text/html; charset=utf-8\r\n"


class CannedServer:
    """Answers the n-th connection with the n-th canned response, then closes it; keeps the raw
    requests it read."""

    def __init__(self, responses: list[bytes]) -> None:
        self.responses = list(responses)
        self.requests: list[bytes] = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((load.HOST, 0))
        self.listener.listen(8)
        self.port: int = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        for response in self.responses:
            connection, _address = self.listener.accept()
            with connection:
                connection.settimeout(5)
                request = b""
                while b"\r\n\r\n" not in request:
                    request += connection.recv(4096)
                head, _, body = request.partition(b"\r\n\r\n")
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        while len(body) < int(line.split(b":")[1]):
                            body += connection.recv(4096)
                self.requests.append(head + b"\r\n\r\n" + body)
                connection.sendall(response)

    def close(self) -> None:
        self.thread.join(timeout=5)
        self.listener.close()


Serve = Callable[[list[bytes]], CannedServer]


@pytest.fixture
def serve() -> Iterator[Serve]:
    servers: list[CannedServer] = []

    def start(responses: list[bytes]) -> CannedServer:
        server = CannedServer(responses)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def test_content_length_body_and_repeated_set_cookie(serve: Serve) -> None:
    body = "Жоба".encode() * 1000 + b"\r\n\r\n trailing bytes are not the body"
    length = len(body) - len(b" trailing bytes are not the body")
    server = serve(
        [
            OK_HEAD + b"Set-Cookie: csrftoken=abc123; expires=Sun, 06 Dec 2027 18:00:00 GMT; Path=/\r\n"
            b"Set-Cookie: sessionid=s3ss; HttpOnly; Path=/\r\n"
            b"Content-Length: " + str(length).encode() + b"\r\n\r\n" + body,
            OK_HEAD + b"Content-Length: 2\r\n\r\nok",
        ]
    )
    session = Session(server.port, {"lang": "kk"})
    status, data, headers = session.request("GET", "/proposals/?q=тіл", None, {"X-Bench-Kind": "search_kk"})
    assert status == 200
    assert data == body[:length]
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Set-Cookie"].startswith("csrftoken=abc123;")  # the first of a repeated header
    assert session.cookies == {"lang": "kk", "csrftoken": "abc123", "sessionid": "s3ss"}

    first = server.requests[0].decode("latin-1").split("\r\n")
    assert first[0] == "GET /proposals/?q=%D1%82%D1%96%D0%BB HTTP/1.1"
    assert f"Host: 127.0.0.1:{server.port}" in first
    assert "Connection: close" in first
    assert "X-Bench-Kind: search_kk" in first
    assert "Cookie: lang=kk" in first
    assert not any(line.startswith("Content-Length") for line in first)  # a GET without a body

    session.request("POST", "/proposals/X/support/", b"", {"X-CSRFToken": session.cookies["csrftoken"]})
    second = server.requests[1].decode("latin-1").split("\r\n")
    assert second[0] == "POST /proposals/X/support/ HTTP/1.1"
    assert "Content-Length: 0" in second
    assert "X-CSRFToken: abc123" in second
    assert "Cookie: lang=kk; csrftoken=abc123; sessionid=s3ss" in second


def test_post_body_is_sent(serve: Serve) -> None:
    server = serve([b'HTTP/1.1 201 Created\r\nContent-Length: 18\r\n\r\n{"receipt_code":1}'])
    body = '{"text": "Ұсыныс"}'.encode()
    status, data, _headers = Session(server.port).request(
        "POST", "/api/v1/proposals", body, {"Content-Type": "application/json"}
    )
    assert status == 201 and data == b'{"receipt_code":1}'
    assert server.requests[0].endswith(
        b"\r\nContent-Length: %d\r\nContent-Type: application/json\r\n\r\n" % len(body) + body
    )


def test_chunked_body(serve: Serve) -> None:
    server = serve(
        [
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n"
            b"1A;name=value\r\n" + b"z" * 26 + b"\r\n"
            b"0\r\nX-Trailer: ignored\r\n\r\n"
        ]
    )
    status, data, headers = Session(server.port).request("GET", "/")
    assert status == 200
    assert data == b"hello" + b"z" * 26
    assert headers["Transfer-Encoding"] == "chunked"


def test_body_delimited_by_the_end_of_the_connection(serve: Serve) -> None:
    server = serve([b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end\r\n\r\nof the connection"])
    assert Session(server.port).request("GET", "/")[:2] == (200, b"until the end\r\n\r\nof the connection")


def test_status_without_reason_and_no_body_for_304(serve: Serve) -> None:
    server = serve([b"HTTP/1.1 302\r\nLocation: /next/\r\n\r\n", b"HTTP/1.1 304 Not Modified\r\n\r\nstray"])
    session = Session(server.port)
    assert session.request("GET", "/")[0] == 302
    assert session.request("GET", "/")[:2] == (304, b"")


@pytest.mark.parametrize(
    "response, message",
    [
        (b"HTTP/1.1 OK 200\r\nContent-Length: 0\r\n\r\n", "bad status line"),
        (b"<html>not http</html>\r\n\r\n", "bad status line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10", "no end of headers"),
        (b"", "empty response"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "bad header line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "truncated body: 5 of 10 bytes"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort", "truncated chunk"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size"),
    ],
)
def test_malformed_responses_raise_bad_response(serve: Serve, response: bytes, message: str) -> None:
    server = serve([response])
    with pytest.raises(BadResponse, match=message) as raised:
        Session(server.port).request("GET", "/")
    assert isinstance(raised.value, ValueError)


def test_connection_refused_is_an_oserror() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((load.HOST, 0))
        port = probe.getsockname()[1]  # bound but not listening: connections are refused
        with pytest.raises(OSError):
            Session(port, timeout=2).request("GET", "/")


def test_timeout_is_an_oserror() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind((load.HOST, 0))
        silent.listen(1)  # accepts (in the kernel) and never answers
        with pytest.raises(OSError):
            Session(silent.getsockname()[1], timeout=0.2).request("GET", "/")


def test_client_loop_records_a_bad_response_as_an_error(serve: Serve) -> None:
    server = serve([b"garbage\r\n\r\n"])
    results = Results()
    data = {"codes": ["ABC-123"], "articles": [(1, "1")], "base": "/draft/demo/v1"}
    client_loop(0, Session(server.port), {"token": "t"}, data, results, time.monotonic() + 10, [1])
    assert sum(results.errors.values()) == 1 and not results.times
    assert "BadResponse: bad status line 'garbage'" in results.samples[0]


def test_login_through_the_form(serve: Serve) -> None:
    form = b'<form><input type="hidden" name="csrfmiddlewaretoken" value="tok3n"></form>'
    server = serve(
        [
            OK_HEAD + b"Set-Cookie: csrftoken=c1; Path=/\r\nContent-Length: %d\r\n\r\n" % len(form) + form,
            b"HTTP/1.1 302 Found\r\nLocation: /\r\nSet-Cookie: sessionid=s1; Path=/\r\n"
            b"Set-Cookie: csrftoken=c2; Path=/\r\nContent-Length: 0\r\n\r\n",
        ]
    )
    session = Session(server.port)
    session.login("bench_load_0")
    assert session.cookies == {"csrftoken": "c2", "sessionid": "s1"}
    posted = server.requests[1]
    assert posted.startswith(b"POST /accounts/login/ HTTP/1.1\r\n")
    assert b"Cookie: csrftoken=c1\r\n" in posted
    assert posted.endswith(b"\r\n\r\nusername=bench_load_0&password=bench-load-pw-7731&csrfmiddlewaretoken=tok3n")

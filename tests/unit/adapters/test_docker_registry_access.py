"""The registry access check that classifies text-only pull/push failures.

Basic auth and an unreachable registry are covered against a real Distribution registry in
tests/integration/test_docker_pull_push.py. Distribution has no token server, so the Bearer
flow is checked here against a few lines of ``http.server`` playing a token-auth registry.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from adapters.docker.registry_access import Access, check_access
from domain.reference import ParsedRef, parse_ref

GOOD = ("robot", "right")


class TokenRegistry(BaseHTTPRequestHandler):
    """``/v2/`` wants a Bearer token; ``/token`` grants one only for GOOD credentials."""

    def do_GET(self) -> None:
        body = b""
        if self.path.startswith("/v2/"):
            if self.headers.get("Authorization") == "Bearer granted":
                self.send_response(200)
            else:
                self.send_response(401)
                realm = f"http://{self.headers['Host']}/token"
                self.send_header("WWW-Authenticate", f'Bearer realm="{realm}",service="test"')
        elif self.path.startswith("/token"):
            if self.headers.get("Authorization") == "Basic cm9ib3Q6cmlnaHQ=":  # robot:right
                self.send_response(200)
                body = b'{"token": "granted"}'
            else:
                self.send_response(401)
        else:
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def token_registry() -> Iterator[ParsedRef]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), TokenRegistry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield parse_ref(f"127.0.0.1:{server.server_port}/acme/model:1")
    finally:
        server.shutdown()
        server.server_close()


def test_anonymous_access_to_a_challenging_registry_is_denied(token_registry: ParsedRef) -> None:
    assert check_access(token_registry, auth={}, actions="pull") is Access.DENIED


def test_refused_credentials_are_denied(token_registry: ParsedRef) -> None:
    auth = {"username": "robot", "password": "wrong"}
    assert check_access(token_registry, auth=auth, actions="pull,push") is Access.DENIED


def test_accepted_credentials_leave_the_failure_unexplained(token_registry: ParsedRef) -> None:
    auth = {"Username": GOOD[0], "Password": GOOD[1]}  # credential-store spelling
    assert check_access(token_registry, auth=auth, actions="pull") is Access.UNKNOWN


def test_an_identity_token_cannot_be_judged(token_registry: ParsedRef) -> None:
    assert check_access(token_registry, auth={"IdentityToken": "t"}, actions="pull") is (
        Access.UNKNOWN
    )


def test_a_closed_port_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ref = parse_ref(f"127.0.0.1:{port}/acme/model:1")
    assert check_access(ref, auth={}, actions="pull") is Access.UNREACHABLE

"""The registry access check that classifies text-only pull/push failures.

Basic auth and an unreachable registry are covered against a real Distribution registry in
tests/integration/test_docker_pull_push.py. Distribution has no token server, so the Bearer
flow is checked here against a few lines of ``http.server`` playing a token-auth registry.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from adapters.docker.registry_access import Access, check_access, index_platforms
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


# --------------------------------------------------------------------------- bounds


class TrickleRegistry(BaseHTTPRequestHandler):
    """Answers every request with a long body sent one byte at a time, each under any timeout."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(401 if self.path == "/v2/" else 200)
        self.send_header("Content-Type", "application/vnd.oci.image.index.v1+json")
        self.send_header("Content-Length", "10000")
        self.end_headers()
        try:
            for _ in range(10000):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trickling_registry() -> Iterator[ParsedRef]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), TrickleRegistry)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield parse_ref(f"127.0.0.1:{server.server_port}/acme/model:1")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.timeout(30)
def test_a_trickling_registry_cannot_hold_the_check_past_its_timeout(
    trickling_registry: ParsedRef,
) -> None:
    started = time.monotonic()
    check_access(trickling_registry, auth={}, actions="pull", timeout=1)
    index_platforms(trickling_registry, auth={}, timeout=1)
    assert time.monotonic() - started < 5


# --------------------------------------------------------------------------- credentials


class RecordingTokenServer(BaseHTTPRequestHandler):
    """A plain-HTTP token endpoint that records the Authorization header it is sent."""

    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        body = b'{"token": "granted"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _self_signed(directory: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate for the TLS test registry")
    cert, key = directory / "cert.pem", directory / "key.pem"
    argv = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    argv += ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    argv += ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(argv, capture_output=True, check=True, timeout=60)
    return cert, key


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[int]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def test_credentials_never_go_to_a_plain_http_realm_of_an_https_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _self_signed(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    RecordingTokenServer.seen = []
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), RecordingTokenServer)) as token_port:

        class HttpsRegistry(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                realm = f"http://127.0.0.1:{token_port}/token"
                self.send_response(401)
                self.send_header("WWW-Authenticate", f'Bearer realm="{realm}",service="test"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        registry = ThreadingHTTPServer(("127.0.0.1", 0), HttpsRegistry)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        registry.socket = context.wrap_socket(registry.socket, server_side=True)
        with serving(registry) as port:
            ref = replace(parse_ref(f"127.0.0.1:{port}/acme/model:1"), scheme="https")
            auth = {"username": GOOD[0], "password": GOOD[1]}
            verdict = check_access(ref, auth=auth, actions="pull")
    assert all(header is None for header in RecordingTokenServer.seen)
    assert verdict is Access.UNKNOWN

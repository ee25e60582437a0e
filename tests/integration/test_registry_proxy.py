"""The registry adapter through an HTTP proxy named by ``HTTPS_PROXY``/``HTTP_PROXY``, and
``NO_PROXY`` (decision 0045: the session reads them as ``urllib.request`` and requests do).

The proxy is a real one, small and written here: it tunnels ``CONNECT host:port`` and forwards
absolute-form requests (``GET http://host:port/path``), and records what it was asked. The
registry is a real Distribution registry over plain HTTP on loopback, so an inspect through the
proxy first tries HTTPS through a tunnel (the registry answers the TLS hello with HTTP, decision
0025), then plain HTTP through the proxy.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.registry import DockerCredentials, OrasRemoteImages
from tests.builders import cog_labels
from tests.infra.registry import DistributionRegistry

pytestmark = [pytest.mark.registry, pytest.mark.timeout(120)]


class _Proxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen: list[str] = []
        self.authorizations: list[str | None] = []  # Proxy-Authorization of each request

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(socketserver.StreamRequestHandler):
    server: _Proxy

    def handle(self) -> None:
        while True:
            line = self.rfile.readline(65536).decode("latin-1")
            if not line:
                return
            headers = self._headers()
            method, target, _ = line.split(" ", 2)
            self.server.seen.append(f"{method} {target}")
            given = [h.split(":", 1)[1].strip() for h in headers if _is_proxy_authorization(h)]
            self.server.authorizations.append(given[0] if given else None)
            if method == "CONNECT":
                self._tunnel(target)
                return
            self._forward(method, target, headers)

    def _headers(self) -> list[str]:
        lines = []
        while (line := self.rfile.readline(65536).decode("latin-1")) not in ("\r\n", "\n", ""):
            lines.append(line)
        return lines

    def _tunnel(self, target: str) -> None:
        host, _, port = target.rpartition(":")
        upstream = socket.create_connection((host, int(port)), timeout=10)
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        pump = threading.Thread(target=_copy, args=(upstream, self.connection), daemon=True)
        pump.start()
        # The client sends nothing before the 200, so the handler's reader holds nothing.
        _copy(self.connection, upstream)
        pump.join(5)

    def _forward(self, method: str, target: str, headers: list[str]) -> None:
        # One request at a time on a new upstream connection, which is closed after the answer.
        assert target.startswith("http://")
        hostport, _, path = target.removeprefix("http://").partition("/")
        host, _, port = hostport.rpartition(":")
        kept = [h for h in headers if not h.lower().startswith(("connection:", "proxy-"))]
        request = f"{method} /{path} HTTP/1.1\r\n{''.join(kept)}Connection: close\r\n\r\n"
        with socket.create_connection((host, int(port)), timeout=10) as upstream:
            upstream.sendall(request.encode("latin-1"))
            answer = b""
            while chunk := upstream.recv(65536):
                answer += chunk
        # Close after each answer: the client then learns the connection ended with the body.
        head, _, body = answer.partition(b"\r\n\r\n")
        head_lines = [h for h in head.split(b"\r\n") if not h.lower().startswith(b"connection:")]
        self.wfile.write(b"\r\n".join([*head_lines, b"Connection: close"]) + b"\r\n\r\n" + body)
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)


def _is_proxy_authorization(header: str) -> bool:
    return header.split(":", 1)[0].strip().lower() == "proxy-authorization"


def _copy(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (sink, source):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxy() -> Iterator[_Proxy]:
    server = _Proxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _adapter(tmp_path: Path) -> OrasRemoteImages:
    config = tmp_path / "docker-config.json"
    config.write_text(json.dumps({}))
    return OrasRemoteImages(credentials=DockerCredentials(config))


def _clear_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_an_inspect_goes_through_the_proxy_the_environment_names(
    registry: DistributionRegistry,
    proxy: _Proxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = registry.push_image(cog_labels())
    _clear_proxies(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with _adapter(tmp_path) as remote:
        found = remote.inspect(image.ref)
    assert found.image_id == image.config_digest
    path = f"/v2/{image.ref.repository}"
    assert proxy.seen[0] == f"CONNECT {registry.host}"  # HTTPS first, through a tunnel
    assert proxy.seen[1:] == [
        f"GET http://{registry.host}{path}/manifests/{image.ref.tag}",
        f"GET http://{registry.host}{path}/blobs/{image.config_digest}",
    ]


def test_no_proxy_exempts_a_registry(
    registry: DistributionRegistry,
    proxy: _Proxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = registry.push_image(cog_labels())
    _clear_proxies(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with _adapter(tmp_path) as remote:
        assert remote.inspect(image.ref).image_id == image.config_digest
    assert proxy.seen == []


def test_a_proxy_urls_credentials_go_to_the_proxy_as_basic_proxy_authorization(
    registry: DistributionRegistry,
    proxy: _Proxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As requests (the adapter's HTTP layer before decision 0045) and curl send them: Basic,
    # percent-decoded; with CONNECT (never inside the tunnel) and with each forwarded request.
    image = registry.push_image(cog_labels())
    _clear_proxies(monkeypatch)
    url = proxy.url.replace("http://", "http://al%40ice:pa%3Ass@")
    monkeypatch.setenv("HTTPS_PROXY", url)
    monkeypatch.setenv("HTTP_PROXY", url)
    with _adapter(tmp_path) as remote:
        assert remote.inspect(image.ref).image_id == image.config_digest
    expected = "Basic " + base64.b64encode(b"al@ice:pa:ss").decode()
    assert len(proxy.seen) == 3
    assert proxy.authorizations == [expected] * 3

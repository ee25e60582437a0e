"""A small misbehaving registry for the registry adapter's fault tests.

:class:`FaultRegistry` is an ``http.server`` on 127.0.0.1 (ephemeral port) served from a thread.
A test registers a *handler* per path; handlers below build the faults (wrong content, slow,
truncated, endless, HTML errors, rate limits, redirects, challenges). Every request is recorded
(method, path, query, headers) so a test can assert what the client sent, e.g. that no
credentials reached another host. :meth:`FaultRegistry.serve_image` registers a correct image
(manifest by tag and digest, config blob) to start from.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from domain.digest import Digest
from domain.platform import Platform
from domain.reference import ParsedRef, parse_ref
from tests.infra.registry import AMD64, OCI_MANIFEST, image_config, image_manifest

Handler = Callable[["_Request"], None]


@dataclass(frozen=True, slots=True)
class Seen:
    """One request the fault registry received."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class ServedImage:
    """A correct image registered on a fault registry."""

    ref: ParsedRef
    manifest: bytes
    config: bytes
    manifest_path: str
    digest_path: str
    config_path: str

    @property
    def digest(self) -> Digest:
        """The manifest's digest."""
        return Digest.of(self.manifest)


@dataclass
class FaultRegistry:
    """Paths → handlers, on a ThreadingHTTPServer; use as a context manager."""

    routes: dict[str, Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    host: str = ""

    def __enter__(self) -> FaultRegistry:
        owner = self

        class _Handler(_Request):
            registry = owner

        self._server = _QuietServer(("127.0.0.1", 0), _Handler)
        self.host = f"127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}"

    def ref(self, text: str) -> ParsedRef:
        """``text`` (``repo:tag`` or ``repo@digest``) in this registry."""
        return parse_ref(f"{self.host}/{text}")

    def requests_to(self, prefix: str) -> list[Seen]:
        """The requests whose path starts with ``prefix``."""
        return [s for s in self.seen if s.path.startswith(prefix)]

    def serve_image(
        self,
        repository: str = "faulty/image",
        tag: str = "v1",
        labels: Mapping[str, str] | None = None,
        platform: Platform = AMD64,
    ) -> ServedImage:
        """Register a correct single image (manifest by tag and digest, config blob)."""
        config = image_config(labels or {"k": "v"}, platform)
        manifest = image_manifest(config, [], OCI_MANIFEST)
        served = ServedImage(
            ref=self.ref(f"{repository}:{tag}"),
            manifest=manifest,
            config=config,
            manifest_path=f"/v2/{repository}/manifests/{tag}",
            digest_path=f"/v2/{repository}/manifests/{Digest.of(manifest)}",
            config_path=f"/v2/{repository}/blobs/{Digest.of(config)}",
        )
        self.routes[served.manifest_path] = manifest_handler(manifest)
        self.routes[served.digest_path] = manifest_handler(manifest)
        self.routes[served.config_path] = respond(200, config)
        return served


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up on an endless body is the point of some tests


class _Request(BaseHTTPRequestHandler):
    registry: FaultRegistry
    protocol_version = "HTTP/1.1"
    query: dict[str, list[str]]
    form: dict[str, list[str]]

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        self.query = parse_qs(parts.query)
        self.registry.seen.append(
            Seen(self.command, parts.path, self.query, dict(self.headers.items()))
        )
        if self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            self.form = parse_qs(self.rfile.read(length).decode())
        handler = self.registry.routes.get(parts.path)
        if handler is None:
            json_error(404, "MANIFEST_UNKNOWN")(self)
        else:
            handler(self)

    do_GET = do_HEAD = do_POST = _dispatch  # noqa: N815 - http.server's naming

    def send(
        self, status: int, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> None:
        """Send a complete answer with Content-Length."""
        self.send_response(status)
        sent = {k.lower() for k in (headers or {})}
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "content-length" not in sent:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


# --------------------------------------------------------------------------- handlers


def respond(status: int, body: bytes = b"", headers: Mapping[str, str] | None = None) -> Handler:
    """Always answer ``status`` with ``body``."""
    return lambda request: request.send(status, body, headers)


def manifest_handler(body: bytes, *, digest: str | None = None, media_type: str = OCI_MANIFEST):
    """A manifest with its Content-Type and Docker-Content-Digest (``digest`` to lie)."""
    headers = {"Content-Type": media_type, "Docker-Content-Digest": digest or Digest.of(body)}
    return respond(200, body, headers)


def json_error(status: int, code: str, headers: Mapping[str, str] | None = None) -> Handler:
    """An OCI error body with ``code``."""
    body = f'{{"errors":[{{"code":"{code}","message":"{code.lower()}"}}]}}'.encode()
    return respond(status, body, {"Content-Type": "application/json", **(headers or {})})


def html_error(status: int) -> Handler:
    """An HTML error page, as proxies and load balancers send."""
    page = f"<html><body><h1>{status} Bad Gateway</h1>{'x' * 2000}</body></html>".encode()
    return respond(status, page, {"Content-Type": "text/html"})


def sequence(*handlers: Handler) -> Handler:
    """Successive requests get successive handlers; the last one repeats."""
    calls = iter(handlers)
    last: list[Handler] = []

    def handle(request: _Request) -> None:
        handler = next(calls, None)
        if handler is not None:
            last[:] = [handler]
        last[0](request)

    return handle


def trickle(body: bytes, *, every: float) -> Handler:
    """Send ``body`` one byte every ``every`` seconds (each wait under any read timeout)."""

    def handle(request: _Request) -> None:
        request.send_response(200)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        for byte in body:
            if request.registry.stopping.is_set():
                return
            request.wfile.write(bytes([byte]))
            request.wfile.flush()
            time.sleep(every)

    return handle


def silent(seconds: float) -> Handler:
    """Accept the request, then say nothing for ``seconds``."""

    def handle(request: _Request) -> None:
        request.registry.stopping.wait(seconds)

    return handle


def declared_but_short(body: bytes, declared: int) -> Handler:
    """Announce ``declared`` bytes, send ``body`` (fewer), then close the connection."""

    def handle(request: _Request) -> None:
        request.send_response(200)
        request.send_header("Content-Length", str(declared))
        request.send_header("Connection", "close")
        request.end_headers()
        request.wfile.write(body)
        request.close_connection = True

    return handle


def endless(chunk: bytes = b" " * 65536, *, headers: Mapping[str, str] | None = None) -> Handler:
    """A chunked body that never ends (until the client hangs up or the server stops)."""

    def handle(request: _Request) -> None:
        request.send_response(200)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        try:
            while not request.registry.stopping.is_set():
                request.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except OSError:
            pass  # the client gave up, as it should
        request.close_connection = True

    return handle


def gzip_bomb(size: int) -> Handler:
    """A small gzip body that inflates to ``size`` bytes."""
    body = gzip.compress(b"{" + b" " * size)
    return respond(200, body, {"Content-Encoding": "gzip", "Content-Type": OCI_MANIFEST})


def redirect(location: str, status: int = 307) -> Handler:
    """Redirect to ``location``."""
    return respond(status, b"", {"Location": location})


def basic_protected(handler: Handler, username: str, password: str) -> Handler:
    """``handler`` behind HTTP Basic auth (401 with a Basic challenge otherwise)."""
    expected = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()

    def handle(request: _Request) -> None:
        if request.headers.get("Authorization") == expected:
            handler(request)
        else:
            challenge = {"WWW-Authenticate": 'Basic realm="fault-registry"'}
            json_error(401, "UNAUTHORIZED", challenge)(request)

    return handle


def bearer_protected(handler: Handler, repository: str, realm: str) -> Handler:
    """``handler`` behind a Bearer token valid only for ``repository`` (see token_endpoint)."""
    scope = f"repository:{repository}:pull"
    challenge = f'Bearer realm="{realm}",service="fault-registry",scope="{scope}"'

    def handle(request: _Request) -> None:
        if request.headers.get("Authorization") == f"Bearer tok-{repository}":
            handler(request)
        else:
            json_error(401, "UNAUTHORIZED", {"WWW-Authenticate": challenge})(request)

    return handle


def token_endpoint(username: str | None = None, password: str | None = None) -> Handler:
    """Issue ``tok-<repository>`` for ``scope=repository:<repository>:pull``.

    With ``username``/``password``, only to those Basic credentials (GET), or to the refresh
    token ``password`` (POST, ``grant_type=refresh_token``); without, to anyone.
    """
    expected = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()

    def handle(request: _Request) -> None:
        if request.command == "POST":
            allowed = request.form.get("refresh_token") == [password]
            scopes = request.form.get("scope", [""])
        else:
            allowed = username is None or request.headers.get("Authorization") == expected
            scopes = request.query.get("scope", [""])
        if not allowed:
            json_error(401, "UNAUTHORIZED")(request)
            return
        repository = scopes[0].split(":")[1] if scopes[0].count(":") == 2 else "?"
        body = json.dumps({"token": f"tok-{repository}", "expires_in": 300}).encode()
        request.send(200, body, {"Content-Type": "application/json"})

    return handle


@contextmanager
def fault_registries(count: int) -> Iterator[Sequence[FaultRegistry]]:
    """``count`` fault registries on different ports (different origins)."""
    servers = [FaultRegistry() for _ in range(count)]
    for server in servers:
        server.__enter__()
    try:
        yield servers
    finally:
        for server in servers:
            server.__exit__(None, None, None)

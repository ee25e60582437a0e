"""HTTP to one registry, bounded: keep-alive connections, timeouts, a deadline, capped bodies.

The registry adapter speaks HTTP/1.1 through the standard library's ``http.client``, with
what a registry client needs and nothing more (decision 0045: requests and urllib3 cost an
inspect more than the whole of skopeo, and oras-py's HTTP layer is requests):

- **one pool of keep-alive connections per origin** (``scheme, host, port``), at most
  ``max_connections`` kept idle each; an idle connection the server has closed is dropped
  before reuse, and a GET or HEAD that meets a kept-alive connection closed under it is sent
  once more on a new one (the request never reached the server);
- **timeouts**: connect (TCP and the TLS handshake) and read, each capped by the
  :class:`Deadline` of the whole inspect; no retries here (the transport decides those);
- **bodies** read in small ``read1`` calls that count bytes (after gzip/deflate decoding,
  done here and bounded per read, so a small compressed body cannot inflate past the cap),
  checked first against ``Content-Length``, with the deadline checked between reads;
- **TLS** checked against the registry's own trust (:mod:`adapters.registry.trust`: the system
  store plus the CA bundles configured and Docker's ``certs.d`` directory for that registry,
  with its client certificate for mutual TLS), one :class:`ssl.SSLContext` per registry, also
  inside a proxy tunnel;
- **proxies** from ``HTTP(S)_PROXY``/``NO_PROXY`` as ``urllib.request`` reads them, once per
  origin (``urllib.request`` is imported only when such a variable is set); a proxy URL's
  ``user:password@`` is sent as ``Proxy-Authorization`` (Basic) to the proxy only: with
  ``CONNECT``, or with a plain-HTTP request the proxy forwards;
- **no cookies** are ever kept or sent (as oras-py's session refuses them: some registries
  take a cookie for a browser's and start CSRF checks), and ``~/.netrc`` is never read, so
  nothing replaces our ``Authorization`` header.

Failures are raised as the standard library raises them, except two kinds marked for
:func:`adapters.registry.errors.transport_errors`, which translates them all:
:class:`~adapters.registry.errors.ConnectFailed` (no connection was made: nothing was sent)
and :class:`~adapters.registry.errors.AnswerBroken` (a body cut short or undecodable).
"""

from __future__ import annotations

import http.client
import os
import select
import ssl
import threading
import time
import zlib
from collections.abc import Mapping
from typing import Final
from urllib.parse import urlencode, urlsplit

from adapters.registry.errors import (
    BACKEND,
    AnswerBroken,
    BadHeader,
    ConnectFailed,
    proved_tls,
    transport_errors,
)
from adapters.registry.options import RegistryOptions
from adapters.registry.trust import RegistryTrust, probe_context
from domain.errors import BackendUnavailableError, ProtocolError

_READ_CHUNK: Final = 64 * 1024
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_STALE: Final = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
_ACCEPT_ENCODING: Final = "gzip, deflate"

Origin = tuple[str, str, int]
PoolKey = tuple[Origin, str | None]  # where a connection goes, and through which proxy


def origin_of(url: str) -> Origin:
    """(scheme, host, port) of ``url``: where credentials may or may not go."""
    parts = urlsplit(url)
    port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
    return parts.scheme, (parts.hostname or "").lower(), port


class Deadline:
    """The time left for one inspect."""

    def __init__(self, seconds: float, what: str) -> None:
        self._seconds = seconds
        self._end = time.monotonic() + seconds
        self._what = what

    def remaining(self) -> float:
        """Seconds left.

        Raises:
            BackendUnavailableError: none left.
        """
        left = self._end - time.monotonic()
        if left <= 0:
            raise BackendUnavailableError(
                BACKEND, f"{self._what}: no answer within the {self._seconds:g} s deadline"
            )
        return left


class Response:
    """An answer whose headers have arrived; its body is read by :meth:`BoundedSession.read`.

    ``headers`` looks names up case-insensitively. :meth:`close` gives the connection back to
    its pool when the body was read to its end, and closes it otherwise.
    """

    def __init__(
        self, answer: http.client.HTTPResponse, connection: _Connection, pool: _Pool
    ) -> None:
        self._answer = answer
        self._connection = connection
        self._pool = pool
        self.status_code = answer.status
        self.headers = answer.headers
        encoding = (answer.getheader("Content-Encoding") or "").strip().lower()
        self._decoder = _decoder(encoding)
        self._done = False

    def read_chunk(self, size: int) -> bytes:
        """The next piece of the (decoded) body, at most ``size`` bytes; ``b""`` at its end.

        Raises:
            AnswerBroken: the body was cut short or does not decode.
            TimeoutError: the read timeout passed.
        """
        try:
            return self._read_chunk(size)
        except (http.client.HTTPException, zlib.error, ConnectionError) as exc:
            raise AnswerBroken(type(exc).__name__) from exc

    def _read_chunk(self, size: int) -> bytes:
        decoder = self._decoder
        while True:
            if decoder is not None and decoder.unconsumed_tail:
                piece = decoder.decompress(decoder.unconsumed_tail, size)
                if piece:
                    return piece
                continue
            raw = self._answer.read1(size)
            if not raw:
                self._done = True
                if decoder is not None:
                    if not decoder.eof:
                        raise zlib.error("compressed body ends early")
                    return b""
                return b""
            if decoder is None:
                return raw
            piece = decoder.decompress(raw, size)
            if piece:
                return piece

    def close(self) -> None:
        """Release the connection: back to the pool if reusable, else closed."""
        answer = self._answer
        reusable = (self._done or answer.isclosed()) and not answer.will_close
        answer.close()
        if reusable:
            self._pool.give_back(self._connection)
        else:
            self._connection.close()


def _decoder(encoding: str) -> zlib._Decompress | None:
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS)
    return None  # identity (we ask for nothing else)


class _Connection:
    """One HTTP connection to an origin, maybe through a proxy; made on first use."""

    def __init__(self, key: PoolKey, *, tls: ssl.SSLContext | None, connect_timeout: float) -> None:
        self.key = key
        (scheme, host, port), proxy = key
        self.absolute_form = False  # a plain-HTTP request through a proxy names the whole URL
        self.proxy_headers: dict[str, str] = {}  # sent to the proxy (plain HTTP through it)
        if proxy is not None:
            proxy_parts = urlsplit(proxy if "//" in proxy else f"http://{proxy}")
            proxy_host = proxy_parts.hostname or ""
            proxy_port = proxy_parts.port or 80
            self.proxy_headers = _proxy_authorization(proxy_parts.username, proxy_parts.password)
        if scheme == "https":
            assert tls is not None
            if proxy is not None:
                self.http: http.client.HTTPConnection = http.client.HTTPSConnection(
                    proxy_host, proxy_port, timeout=connect_timeout, context=tls
                )
                # The proxy's credentials go with CONNECT only: never inside the tunnel.
                self.http.set_tunnel(host, port, headers=self.proxy_headers)
            else:
                self.http = http.client.HTTPSConnection(
                    host, port, timeout=connect_timeout, context=tls
                )
        elif proxy is not None:
            self.http = http.client.HTTPConnection(proxy_host, proxy_port, timeout=connect_timeout)
            self.absolute_form = True
        else:
            self.http = http.client.HTTPConnection(host, port, timeout=connect_timeout)
        self.used = False

    def connect(self, connect_timeout: float, read_timeout: float) -> None:
        """Connect if not connected (TCP, proxy tunnel, TLS), then set the read timeout.

        Raises:
            ConnectFailed: no connection (refused, DNS, TLS handshake, connect timeout).
        """
        if self.http.sock is None:
            self.http.timeout = connect_timeout
            try:
                self.http.connect()
            except (OSError, http.client.HTTPException) as exc:
                self.http.close()
                raise ConnectFailed(type(exc).__name__) from exc
        sock = self.http.sock
        assert sock is not None
        sock.settimeout(read_timeout)

    def dropped(self) -> bool:
        """Whether the server closed this idle connection (or sent something unasked)."""
        sock = self.http.sock
        if sock is None:
            return True
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def close(self) -> None:
        self.http.close()


class _Pool:
    """Idle keep-alive connections by origin (thread-safe)."""

    def __init__(self, keep: int) -> None:
        self._keep = keep
        self._idle: dict[PoolKey, list[_Connection]] = {}
        self._lock = threading.Lock()

    def take(self, key: PoolKey) -> _Connection | None:
        with self._lock:
            idle = self._idle.get(key)
            while idle:
                connection = idle.pop()
                if not connection.dropped():
                    return connection
                connection.close()
        return None

    def give_back(self, connection: _Connection) -> None:
        with self._lock:
            idle = self._idle.setdefault(connection.key, [])
            if len(idle) < self._keep:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            connections = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for connection in connections:
            connection.close()


class BoundedSession:
    """HTTP to one registry with bounds (thread-safe; connects only when used)."""

    def __init__(self, registry: str, *, trust: RegistryTrust, options: RegistryOptions) -> None:
        """Nothing is read or connected here; ``trust`` gives the TLS context when an HTTPS
        connection is first made."""
        self.registry = registry
        self._options = options
        self.trust = trust
        self._pool = _Pool(options.max_connections)
        self._headers = {
            "User-Agent": options.user_agent,
            "Accept-Encoding": _ACCEPT_ENCODING,
            "Accept": "*/*",
            "Connection": "keep-alive",
        }
        self._proxy_cache: dict[Origin, str | None] = {}

    def close(self) -> None:
        """Close the keep-alive connections."""
        self._pool.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        deadline: Deadline,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
    ) -> Response:
        """Send one request, no redirects followed; the body is left to :meth:`read`.

        Raises:
            BackendUnavailableError, ProtocolError: as ``transport_errors`` says.
        """
        left = deadline.remaining()
        connect_timeout = min(self._options.connect_timeout, left)
        read_timeout = min(self._options.read_timeout, left)
        with transport_errors(self.registry, certs_dir=self.trust.sources.registry_dir):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise http.client.InvalidURL(f"not an HTTP URL: {url}")
            origin = origin_of(url)
            target = parts.path or "/"
            if parts.query:
                target += f"?{parts.query}"
            if params:
                target += ("&" if parts.query else "?") + urlencode(params)
            all_headers = {**self._headers, **headers}
            body: bytes | None = None
            if data is not None:
                body = urlencode(data).encode()
                all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            _check_headers(all_headers)
            proxy = self._proxy(url, origin)
            key = (origin, proxy)
            while True:
                connection = self._pool.take(key)
                reused = connection is not None
                if connection is None:
                    tls = self.trust.context() if origin[0] == "https" else None
                    connection = _Connection(key, tls=tls, connect_timeout=connect_timeout)
                connection.connect(connect_timeout, read_timeout)
                # Through a proxy, a plain-HTTP request names the whole URL.
                path = f"{parts.scheme}://{parts.netloc}{target}"
                sent = all_headers
                if connection.absolute_form:
                    sent = {**all_headers, **connection.proxy_headers}
                else:
                    path = target
                try:
                    connection.http.request(method, path, body=body, headers=sent)
                    answer = connection.http.getresponse()
                except _STALE:
                    connection.close()
                    if reused and method in ("GET", "HEAD"):
                        continue  # the server had closed the kept-alive connection: resend
                    raise
                except BaseException:
                    connection.close()
                    raise
                return Response(answer, connection, self._pool)

    def probe_tls(self, url: str, *, deadline: Deadline) -> None:
        """Learn whether the server at ``url``'s origin (HTTPS) speaks TLS, without the
        registry's trust: one connection (through the proxy :meth:`send` would use), one
        handshake with :func:`~adapters.registry.trust.probe_context` (no CA loaded, verifying
        as always), then closed. Nothing is sent over it but the TLS hello (decision 0047).

        Returns when the server proved it speaks TLS (its certificate reached our check, it
        sent a TLS alert, or the handshake succeeded): the real connection is then made and
        verified as always.

        Raises:
            BackendUnavailableError: no connection, or no TLS answer (refused, a timeout, closed,
                an answer that is not TLS): what :meth:`send` raises when its HTTPS connection
                fails so, for the transport to judge by decision 0025's rule.
        """
        connect_timeout = min(self._options.connect_timeout, deadline.remaining())
        with transport_errors(self.registry, certs_dir=self.trust.sources.registry_dir):
            origin = origin_of(url)
            key = (origin, self._proxy(url, origin))
            probe = _Connection(key, tls=probe_context(), connect_timeout=connect_timeout)
            try:
                probe.connect(connect_timeout, connect_timeout)
            except ConnectFailed as exc:
                if not proved_tls(exc):
                    raise
            finally:
                probe.close()

    def read(self, response: Response, cap: int, deadline: Deadline, *, strict: bool) -> bytes:
        """The body, at most ``cap`` bytes.

        ``strict``: a body over ``cap`` (declared or counted) is an error; otherwise it is cut
        (error bodies, whose start is enough).

        Raises:
            ProtocolError: over the cap (strict), truncated, undecodable.
            BackendUnavailableError: a timeout or the deadline while reading.
        """
        declared = response.headers.get("Content-Length", "")
        if strict and declared.isdigit() and int(declared) > cap:
            raise ProtocolError(
                BACKEND, f"{self.registry}: answer of {declared} bytes exceeds the {cap}-byte limit"
            )
        chunks: list[bytes] = []
        total = 0
        with transport_errors(self.registry):
            while True:
                deadline.remaining()
                chunk = response.read_chunk(_READ_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > cap:
                    if not strict:
                        break
                    raise ProtocolError(
                        BACKEND, f"{self.registry}: answer exceeds the {cap}-byte limit"
                    )
                chunks.append(chunk)
        return b"".join(chunks)

    def _proxy(self, url: str, origin: Origin) -> str | None:
        if origin not in self._proxy_cache:
            self._proxy_cache[origin] = _environ_proxy(url, origin)
        return self._proxy_cache[origin]


def _environ_proxy(url: str, origin: Origin) -> str | None:
    """The proxy ``HTTP(S)_PROXY``/``ALL_PROXY`` name for ``url``, unless ``NO_PROXY`` exempts
    it (read as ``urllib.request`` and requests read them)."""
    if not any(name.lower().endswith("_proxy") for name in os.environ):
        return None  # the common case, without importing urllib.request
    import urllib.request  # noqa: PLC0415

    scheme, host, port = origin
    if urllib.request.proxy_bypass(f"{host}:{port}") or urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies_environment()
    found = proxies.get(scheme) or proxies.get("all")
    return found or None


def _proxy_authorization(user: str | None, password: str | None) -> dict[str, str]:
    """``Proxy-Authorization`` for a proxy URL's ``user:password@`` (Basic, percent-decoded, as
    requests and curl send it), or nothing when the URL names no user."""
    if not user:
        return {}
    import base64  # noqa: PLC0415 - only a proxy with credentials needs it
    from urllib.parse import unquote  # noqa: PLC0415

    credential = f"{unquote(user)}:{unquote(password or '')}".encode()
    return {"Proxy-Authorization": f"Basic {base64.b64encode(credential).decode('ascii')}"}


def _check_headers(headers: Mapping[str, str]) -> None:
    """Refuse a header value that would split the request (without repeating the value,
    which may be a credential).

    Raises:
        BadHeader: a value holds a line break or NUL.
    """
    for name, value in headers.items():
        if any(c in value for c in "\r\n\0") or any(c in name for c in "\r\n\0:"):
            raise BadHeader(name)

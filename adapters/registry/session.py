"""oras-py's session for one registry, made bounded: timeouts, a deadline, capped bodies.

The ``requests.Session`` is the one ``oras.provider.Registry`` would build — with oras' cookie
policy, which refuses every cookie — made here directly, so an inspect does not import
``oras.provider`` and, with it, jsonschema and the rest of oras (decision 0032).
:class:`BoundedSession` adds what oras-py lacks, around that session rather than inside it:

- a mounted adapter with no urllib3 retries and a default (connect, read) timeout, so even an
  oras code path that forgets a timeout is bounded; every request of ours carries timeouts
  capped by the :class:`Deadline` of the whole inspect;
- bodies read in small ``read1`` calls that count bytes (after decompression) against a cap,
  checked first against ``Content-Length``, and check the deadline between reads, so a huge,
  endless or trickling body cannot hold a caller;
- ``trust_env`` off: proxies (``HTTP(S)_PROXY``/``NO_PROXY``) are read once per origin instead
  of on every request, and ``~/.netrc`` cannot replace our ``Authorization`` header;
- TLS checked against the registry's own trust (:mod:`adapters.registry.trust`: the system
  store plus the CA bundles configured and Docker's ``certs.d`` directory for that registry,
  with its client certificate for mutual TLS), in one :class:`ssl.SSLContext` per registry.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping
from http.cookiejar import DefaultCookiePolicy
from typing import Any, Final
from urllib.parse import urlsplit

import requests
import requests.adapters
import requests.utils

from adapters.registry.errors import BACKEND, transport_errors
from adapters.registry.options import RegistryOptions
from adapters.registry.trust import tls_context, trust_sources
from domain.errors import BackendUnavailableError, ProtocolError

_READ_CHUNK: Final = 64 * 1024
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


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


class _BoundedAdapter(requests.adapters.HTTPAdapter):
    """No urllib3 retries, a timeout for any request (oras' own included) that has none, and
    TLS verified by one :class:`ssl.SSLContext` (requests' own CA file is never loaded)."""

    def __init__(
        self, *, timeout: tuple[float, float], pool_size: int, tls: ssl.SSLContext
    ) -> None:
        self._tls = tls  # before super().__init__, which makes the pool manager
        super().__init__(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self._timeout = timeout

    def init_poolmanager(self, *args: Any, **pool_kwargs: Any) -> None:
        pool_kwargs["ssl_context"] = self._tls
        super().init_poolmanager(*args, **pool_kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs.setdefault("ssl_context", self._tls)  # the registry's TLS, inside a tunnel
        return super().proxy_manager_for(proxy, **proxy_kwargs)

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        # requests would add its own CA file (certifi) to every connection; ours has the CAs.
        conn.cert_reqs = "CERT_REQUIRED"
        conn.ca_certs = None
        conn.ca_cert_dir = None

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


class BoundedSession:
    """One registry's oras-py session with bounds (thread-safe; connects only when used)."""

    def __init__(
        self, registry: str, *, api_host: str, scheme: str, options: RegistryOptions
    ) -> None:
        """Build the session (as oras' ``Registry`` would); nothing is connected here.

        Raises:
            InvalidInputError: the registry's trust material is unusable
                (:mod:`adapters.registry.trust`).
        """
        self.registry = registry
        self._options = options
        self.trust = trust_sources(
            registry, ca_bundle=options.ca_bundle, certs_dir=options.certs_dir
        )
        session = requests.Session()
        # oras.provider.Registry's policy: some registries take a cookie for a browser's and
        # start CSRF checks (Harbor), so none is kept.
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        adapter = _BoundedAdapter(
            timeout=(options.connect_timeout, options.read_timeout),
            pool_size=options.max_connections,
            tls=tls_context(self.trust),
        )
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.trust_env = False  # see the module docstring
        session.headers["User-Agent"] = options.user_agent
        self.session = session
        self._proxy_cache: dict[Origin, dict[str, str]] = {}

    def close(self) -> None:
        """Close the keep-alive connections."""
        self.session.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        deadline: Deadline,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send one request, no redirects followed; the body is left to :meth:`read`.

        Raises:
            BackendUnavailableError, ProtocolError: as ``transport_errors`` says.
        """
        left = deadline.remaining()
        timeout = (min(self._options.connect_timeout, left), min(self._options.read_timeout, left))
        with transport_errors(self.registry, certs_dir=self.trust.registry_dir):
            return self.session.request(
                method,
                url,
                headers=dict(headers),
                params=params,
                data=data,
                stream=True,
                allow_redirects=False,
                timeout=timeout,
                verify=True,
                proxies=self._proxies(url),
            )

    def read(
        self, response: requests.Response, cap: int, deadline: Deadline, *, strict: bool
    ) -> bytes:
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
        raw = response.raw
        reader = getattr(raw, "read1", None) or raw.read  # read1: whatever has arrived
        chunks: list[bytes] = []
        total = 0
        with transport_errors(self.registry):
            while True:
                deadline.remaining()
                chunk = reader(_READ_CHUNK, decode_content=True)
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

    def _proxies(self, url: str) -> dict[str, str]:
        origin = origin_of(url)
        found = self._proxy_cache.get(origin)
        if found is None:
            # HTTP(S)_PROXY / NO_PROXY, as requests itself reads them.
            found = self._proxy_cache[origin] = requests.utils.get_environ_proxies(url)
        return found

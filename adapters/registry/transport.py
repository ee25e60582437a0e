"""HTTP to one registry: oras-py's session, made bounded, authenticated and redirect-safe.

Each registry gets one :class:`RegistryClient`, built on one ``oras.provider.Registry`` whose
``requests.Session`` (with oras' cookie policy) keeps its connections alive. What oras-py lacks
is added here, around its session rather than inside it:

- **Bounds.** Every request has connect and read timeouts, also capped by the :class:`Deadline`
  of the whole inspect; a session adapter gives a default timeout and no retries even to calls
  that forget one. Bodies are capped by ``Content-Length`` *and* by counting while reading, in
  small reads that check the deadline, so a huge, endless or trickling body cannot hold us.
- **No blind retries.** oras' ``do_request`` (five retries with sleeps of 3 to 83 s on any
  error) is never called. The only retry is after 429 (or 503 with ``Retry-After``), at most
  ``max_rate_limit_retries`` times, honouring ``Retry-After`` when it fits the deadline.
- **Redirects** are followed by hand: credentials go only to the registry's own origin, never
  to the host a blob is redirected to, and never from HTTPS down to HTTP.
- **Auth** by :class:`~adapters.registry.auth.Authenticator`; the first request to a registry
  goes alone, so concurrent inspects share one challenge.
"""

from __future__ import annotations

import email.utils
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

import oras.provider
import requests
import requests.adapters
import requests.utils

from adapters.registry.auth import Authenticator, TokenAnswer
from adapters.registry.credentials import DockerCredentials
from adapters.registry.errors import BACKEND, Target, raise_for_status, transport_errors
from adapters.registry.options import RegistryOptions
from domain.errors import BackendUnavailableError, ProtocolError

_READ_CHUNK: Final = 64 * 1024
_ERROR_BODY_CAP: Final = 64 * 1024
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_API_HOSTS: Final = {"index.docker.io": "registry-1.docker.io", "docker.io": "registry-1.docker.io"}


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


@dataclass(frozen=True, slots=True)
class Answer:
    """A final (non-redirect) answer with its body read."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class _BoundedAdapter(requests.adapters.HTTPAdapter):
    """No urllib3 retries, and a timeout for any request (oras' own included) that has none."""

    def __init__(self, *, timeout: tuple[float, float], pool_size: int) -> None:
        super().__init__(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self._timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    return (
        parts.scheme,
        (parts.hostname or "").lower(),
        parts.port or _DEFAULT_PORTS.get(parts.scheme, 0),
    )


class RegistryClient:
    """Requests to one registry (thread-safe). Constructing it makes no connection."""

    def __init__(
        self,
        registry: str,
        *,
        scheme: str,
        options: RegistryOptions,
        credentials: DockerCredentials,
    ) -> None:
        self.registry = registry
        self._options = options
        api_host = _API_HOSTS.get(registry, registry)
        self._base = f"{scheme}://{api_host}"
        self._origin = _origin(self._base)
        self._verify: bool | str = options.ca_bundle or _environ_ca_bundle() or True
        self._oras = oras.provider.Registry(
            hostname=api_host, insecure=scheme == "http", tls_verify=self._verify
        )
        session: requests.Session = self._oras.session
        adapter = _BoundedAdapter(
            timeout=(options.connect_timeout, options.read_timeout),
            pool_size=options.max_connections,
        )
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        # requests' trust_env would re-read proxy variables on every request (about a
        # millisecond each) and let ~/.netrc overwrite our Authorization header; proxies are
        # instead read once per origin (see _proxies), and the CA bundle once, above.
        session.trust_env = False
        session.headers["User-Agent"] = options.user_agent
        self._session = session
        self._proxy_cache: dict[tuple[str, str, int], dict[str, str]] = {}
        self.auth = Authenticator(registry, scheme=scheme, credentials=credentials)
        self._contacted = False
        self._probe = threading.Lock()

    def close(self) -> None:
        """Close the session and its keep-alive connections."""
        self._session.close()

    @property
    def session(self) -> requests.Session:
        """The oras-py session (for inspection in tests)."""
        return self._session

    def get(
        self,
        path: str,
        *,
        target: Target,
        ref: str,
        scope: str,
        cap: int,
        deadline: Deadline,
        accept: str | None = None,
        head: bool = False,
    ) -> Answer:
        """GET (or HEAD) ``path`` on the registry: authenticated, redirected, bounded.

        Raises:
            ImageNotFoundError, AuthenticationError, BackendUnavailableError, ProtocolError:
                as :func:`adapters.registry.errors.raise_for_status` and
                :func:`~adapters.registry.errors.transport_errors` say.
        """
        url = f"{self._base}{path}"
        method = "HEAD" if head else "GET"
        challenged, rate_limited, hops = False, 0, 0

        def exchange(method: str, url: str, **kwargs: Any) -> TokenAnswer:
            answer = self.exchange(method, url, deadline=deadline, **kwargs)
            return TokenAnswer(status=answer.status, body=answer.body)

        with self._first_contact():
            while True:
                own = _origin(url) == self._origin
                headers = {"Accept": accept} if accept else {}
                if own:  # credentials never leave the registry's origin
                    headers.update(self.auth.headers(scope, exchange))
                response = self._send(method, url, headers=headers, deadline=deadline)
                try:
                    status = response.status_code
                    if status in _REDIRECTS and response.headers.get("Location"):
                        hops += 1
                        url = self._follow(url, response.headers["Location"], hops)
                    elif status == 401 and own and not challenged:
                        challenged = True
                        self._read(response, _ERROR_BODY_CAP, deadline, strict=False)
                        self.auth.challenge(
                            response.headers.get("WWW-Authenticate"), scope, exchange
                        )
                    elif (wait := self._retry_after(response, rate_limited, deadline)) is not None:
                        rate_limited += 1
                        self._read(response, _ERROR_BODY_CAP, deadline, strict=False)
                        time.sleep(wait)
                    elif not 200 <= status < 300:
                        body = self._read(response, _ERROR_BODY_CAP, deadline, strict=False)
                        raise_for_status(
                            status, body, target=target, ref=ref, registry=self.registry
                        )
                    else:
                        # A HEAD answer announces the GET body's length: only GET bodies are
                        # capped; reading the (empty) HEAD body returns the connection.
                        body = self._read(response, cap, deadline, strict=not head)
                        return Answer(status=status, headers=response.headers, body=body)
                finally:
                    response.close()

    def exchange(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        cap: int,
        deadline: Deadline,
    ) -> Answer:
        """One bounded request, any status, no redirects followed (token endpoints).

        Raises:
            BackendUnavailableError, ProtocolError: as ``transport_errors`` says, or an
                oversized body.
        """
        response = self._send(
            method, url, headers=headers, deadline=deadline, params=params, data=data
        )
        try:
            body = self._read(response, cap, deadline, strict=True)
            return Answer(status=response.status_code, headers=response.headers, body=body)
        finally:
            response.close()

    # ------------------------------------------------------------------ internals

    @contextmanager
    def _first_contact(self) -> Iterator[None]:
        if self._contacted:
            yield
            return
        # The first request learns how the registry authenticates; later ones then send the
        # right credentials up front instead of each meeting its own challenge.
        with self._probe:
            try:
                yield
            finally:
                self._contacted = True

    def _send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        deadline: Deadline,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
    ) -> requests.Response:
        left = deadline.remaining()
        timeout = (min(self._options.connect_timeout, left), min(self._options.read_timeout, left))
        with transport_errors(self.registry):
            return self._session.request(
                method,
                url,
                headers=dict(headers),
                params=params,
                data=data,
                stream=True,
                allow_redirects=False,
                timeout=timeout,
                verify=self._verify,
                proxies=self._proxies(url),
            )

    def _proxies(self, url: str) -> dict[str, str]:
        origin = _origin(url)
        found = self._proxy_cache.get(origin)
        if found is None:
            # HTTP(S)_PROXY / NO_PROXY, as requests reads them.
            found = self._proxy_cache[origin] = requests.utils.get_environ_proxies(url)
        return found

    def _read(
        self, response: requests.Response, cap: int, deadline: Deadline, *, strict: bool
    ) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if strict and declared.isdigit() and int(declared) > cap:
            raise ProtocolError(
                BACKEND, f"{self.registry}: answer of {declared} bytes exceeds the {cap}-byte limit"
            )
        raw = response.raw
        reader = getattr(raw, "read1", None) or raw.read
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
                        break  # an error body: the start is enough
                    raise ProtocolError(
                        BACKEND, f"{self.registry}: answer exceeds the {cap}-byte limit"
                    )
                chunks.append(chunk)
        return b"".join(chunks)

    def _follow(self, url: str, location: str, hops: int) -> str:
        if hops > self._options.max_redirects:
            raise ProtocolError(
                BACKEND, f"{self.registry}: more than {self._options.max_redirects} redirects"
            )
        target = urljoin(url, location)
        scheme = urlsplit(target).scheme
        if scheme not in ("http", "https"):
            raise ProtocolError(BACKEND, f"{self.registry}: redirect to a non-HTTP URL")
        if urlsplit(url).scheme == "https" and scheme == "http":
            raise ProtocolError(BACKEND, f"{self.registry}: refusing a redirect from HTTPS to HTTP")
        return target

    def _retry_after(
        self, response: requests.Response, attempts: int, deadline: Deadline
    ) -> float | None:
        """Seconds to wait before retrying a rate-limited answer, or ``None``: do not retry."""
        header = response.headers.get("Retry-After")
        status = response.status_code
        if status != 429 and not (status == 503 and header):
            return None
        if attempts >= self._options.max_rate_limit_retries:
            return None
        wait = _parse_retry_after(header) if header else 1.0
        if wait is None:
            wait = 1.0
        # Sleeping past the deadline, or longer than we promise to wait, only delays the error.
        if wait > self._options.max_retry_wait or wait >= deadline.remaining():
            return None
        return wait


def _environ_ca_bundle() -> str | None:
    # What requests itself would use with trust_env: REQUESTS_CA_BUNDLE, then CURL_CA_BUNDLE.
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


def _parse_retry_after(header: str) -> float | None:
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

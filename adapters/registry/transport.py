"""Requests to one registry: authenticated, redirect-safe, rate-limit aware.

Each registry gets one :class:`RegistryClient` over one
:class:`~adapters.registry.session.BoundedSession` (``http.client``, bounded):

- **No blind retries** (oras-py's ``do_request`` makes five, with sleeps of 3 to 83 s, on any
  error). The only retry is after 429 (or 503 with ``Retry-After``), at most
  ``max_rate_limit_retries`` times, honouring ``Retry-After`` when it fits ``max_retry_wait``
  and the deadline.
- **Redirects** are followed by hand: credentials go only to the registry's own origin, never
  to the host a blob is redirected to, and never from HTTPS down to HTTP.
- **Auth** by :class:`~adapters.registry.auth.Authenticator`; the first request to a registry
  goes alone, so concurrent inspects share one challenge.
- **Scheme** as docker and crane choose it: HTTPS first; an insecure-eligible registry
  (``http_fallback``) is switched to plain HTTP, for good, when HTTPS fails before any answer
  at the connection or TLS layer (:func:`~adapters.registry.errors.may_retry_over_http`), and
  the request is sent again over HTTP. Once HTTPS has answered, it is kept. Before its first
  HTTPS request such a registry is asked, with a handshake that loads no CA and carries no
  data, whether it speaks TLS at all, so that a plain-HTTP one does not pay for loading the
  CA store (decision 0047); one that does is then connected to and verified as always.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import logging
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from adapters.registry.auth import Authenticator, TokenAnswer
from adapters.registry.credentials import DockerCredentials
from adapters.registry.errors import BACKEND, Target, may_retry_over_http, raise_for_status
from adapters.registry.options import RegistryOptions
from adapters.registry.session import BoundedSession, Deadline, Response, origin_of
from adapters.registry.trust import RegistryTrust
from domain.errors import BackendUnavailableError, ProtocolError

_log = logging.getLogger(__name__)

_ERROR_BODY_CAP: Final = 64 * 1024
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_API_HOSTS: Final = {"index.docker.io": "registry-1.docker.io", "docker.io": "registry-1.docker.io"}


@dataclass(frozen=True, slots=True)
class Answer:
    """A final (non-redirect) answer with its body read."""

    status: int
    headers: Message  # names looked up case-insensitively
    body: bytes


class RegistryClient:
    """Requests to one registry (thread-safe). Constructing it makes no connection."""

    def __init__(
        self,
        registry: str,
        *,
        options: RegistryOptions,
        credentials: DockerCredentials,
        http_fallback: bool = False,
    ) -> None:
        """Set up HTTPS to ``registry``; ``http_fallback``: it is insecure-eligible.

        Raises:
            InvalidInputError: the registry's TLS trust material is unusable.
        """
        self.registry = registry
        self._options = options
        self._credentials = credentials
        self._api_host = _API_HOSTS.get(registry, registry)
        self._trust = RegistryTrust(
            registry, ca_bundle=options.ca_bundle, certs_dir=options.certs_dir
        )
        self._use("https")
        self._may_fall_back = http_fallback
        self._probed = False  # whether the server was asked if it speaks TLS (0047)
        self._contacted = False
        self._probe = threading.Lock()
        self._switch = threading.Lock()

    @property
    def scheme(self) -> str:
        """``https``, or ``http`` once an insecure-eligible registry has been switched to it."""
        return self._scheme

    def close(self) -> None:
        """Close the session and its keep-alive connections."""
        self._http.close()

    def _use(self, scheme: str) -> None:
        self._scheme = scheme
        self._base = f"{scheme}://{self._api_host}"
        self._origin = origin_of(self._base)
        self._http = BoundedSession(self.registry, trust=self._trust, options=self._options)
        self.auth = Authenticator(self.registry, scheme=scheme, credentials=self._credentials)

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
        method = "HEAD" if head else "GET"
        challenged, rate_limited, hops = False, 0, 0

        def exchange(method: str, url: str, **kwargs: Any) -> TokenAnswer:
            answer = self.exchange(method, url, deadline=deadline, **kwargs)
            return TokenAnswer(status=answer.status, body=answer.body)

        with self._first_contact():
            # Read after the first contact: it may have switched the registry to plain HTTP.
            url, scheme = f"{self._base}{path}", self._scheme
            while True:
                own = origin_of(url) == self._origin
                headers = {"Accept": accept} if accept else {}
                if own:  # credentials never leave the registry's origin
                    headers.update(self.auth.headers(scope, exchange))
                response = self._send_or_fall_back(method, url, scheme, headers, deadline)
                if response is None:  # switched to plain HTTP: send it again there
                    url, scheme, hops = f"{self._base}{path}", self._scheme, 0
                    continue
                self._may_fall_back = False  # HTTPS answered: it stays
                try:
                    status = response.status_code
                    if status in _REDIRECTS and response.headers.get("Location"):
                        hops += 1
                        url = self._follow(url, response.headers["Location"], hops)
                    elif status == 401 and own and not challenged:
                        challenged = True
                        self._http.read(response, _ERROR_BODY_CAP, deadline, strict=False)
                        self.auth.challenge(
                            response.headers.get("WWW-Authenticate"),
                            scope,
                            exchange,
                            sent=headers.get("Authorization"),
                        )
                    elif (wait := self._retry_after(response, rate_limited, deadline)) is not None:
                        rate_limited += 1
                        self._http.read(response, _ERROR_BODY_CAP, deadline, strict=False)
                        time.sleep(wait)
                    elif not 200 <= status < 300:
                        body = self._http.read(response, _ERROR_BODY_CAP, deadline, strict=False)
                        raise_for_status(
                            status,
                            body,
                            target=target,
                            ref=ref,
                            registry=self.registry,
                            secrets=_secrets_of(headers.get("Authorization")),
                        )
                    else:
                        # A HEAD answer announces the GET body's length: only GET bodies are
                        # capped; reading the (empty) HEAD body returns the connection.
                        body = self._http.read(response, cap, deadline, strict=not head)
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
        response = self._http.send(
            method, url, headers=headers, deadline=deadline, params=params, data=data
        )
        try:
            body = self._http.read(response, cap, deadline, strict=True)
            return Answer(status=response.status_code, headers=response.headers, body=body)
        finally:
            response.close()

    # ------------------------------------------------------------------ internals

    def _send_or_fall_back(
        self,
        method: str,
        url: str,
        scheme: str,
        headers: Mapping[str, str],
        deadline: Deadline,
    ) -> Response | None:
        """Send; ``None`` when HTTPS failed and the registry is now reached over HTTP."""
        try:
            if self._probe_first(url, scheme):
                self._http.probe_tls(url, deadline=deadline)
            return self._http.send(method, url, headers=headers, deadline=deadline)
        except BackendUnavailableError as exc:
            to_registry = origin_of(url) == origin_of(f"{scheme}://{self._api_host}")
            if not (to_registry and self._fell_back(scheme, exc)):
                raise
            _forget_tracebacks(exc)
        return None

    def _probe_first(self, url: str, scheme: str) -> bool:
        """Whether to learn if the server speaks TLS before this request builds the registry's
        TLS context (decision 0047): once, for an insecure-eligible registry's first HTTPS
        request to its own origin. Loading the CAs is the slowest step of a first request,
        and a plain-HTTP registry on loopback would pay it only to fall back."""
        with self._switch:
            if self._probed or not self._may_fall_back or scheme != "https":
                return False
            if origin_of(url) != origin_of(f"https://{self._api_host}"):
                return False
            self._probed = True
            return True

    def _fell_back(self, tried: str, error: BackendUnavailableError) -> bool:
        """Switch to plain HTTP after ``error`` over ``tried``, if allowed; whether to resend."""
        with self._switch:
            if self._scheme != tried:
                return True  # another request switched meanwhile
            if tried != "https" or not self._may_fall_back or not may_retry_over_http(error):
                return False
            _log.info("%s: HTTPS failed (%s); using plain HTTP", self.registry, error.detail)
            old = self._http
            self._use("http")
            self._may_fall_back = False
        old.close()
        return True

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

    def _retry_after(self, response: Response, attempts: int, deadline: Deadline) -> float | None:
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


def _forget_tracebacks(error: BaseException) -> None:
    """Drop the tracebacks of a handled failure and of what it wraps.

    Their frames would keep the failed connection's pool, and the caller's locals, alive until
    the garbage collector runs: keep-alive connections must close when the session closes.
    """
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        pending += [current.__cause__, current.__context__]


def _secrets_of(authorization: str | None) -> tuple[str, ...]:
    """An Authorization value, its credential part and, for Basic, the ``user:password`` it
    encodes and the password: never to be repeated in a message, however a registry echoes
    them."""
    if not authorization:
        return ()
    scheme, _, credential = authorization.partition(" ")
    secrets = [authorization, credential]
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credential, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        if ":" in decoded:
            secrets += [decoded, decoded.partition(":")[2]]
    return tuple(secrets)


def _parse_retry_after(header: str) -> float | None:
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

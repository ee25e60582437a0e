"""Requests to one registry: authenticated, redirect-safe, rate-limit aware.

Each registry gets one :class:`RegistryClient` over one
:class:`~adapters.registry.session.BoundedSession` (oras-py's session, bounded):

- **No blind retries.** oras' ``do_request`` (five retries with sleeps of 3 to 83 s on any
  error) is never called. The only retry is after 429 (or 503 with ``Retry-After``), at most
  ``max_rate_limit_retries`` times, honouring ``Retry-After`` when it fits ``max_retry_wait``
  and the deadline.
- **Redirects** are followed by hand: credentials go only to the registry's own origin, never
  to the host a blob is redirected to, and never from HTTPS down to HTTP.
- **Auth** by :class:`~adapters.registry.auth.Authenticator`; the first request to a registry
  goes alone, so concurrent inspects share one challenge.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

import requests

from adapters.registry.auth import Authenticator, TokenAnswer
from adapters.registry.credentials import DockerCredentials
from adapters.registry.errors import BACKEND, Target, raise_for_status
from adapters.registry.options import RegistryOptions
from adapters.registry.session import BoundedSession, Deadline, origin_of
from domain.errors import ProtocolError

_ERROR_BODY_CAP: Final = 64 * 1024
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_API_HOSTS: Final = {"index.docker.io": "registry-1.docker.io", "docker.io": "registry-1.docker.io"}


@dataclass(frozen=True, slots=True)
class Answer:
    """A final (non-redirect) answer with its body read."""

    status: int
    headers: Mapping[str, str]
    body: bytes


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
        self._origin = origin_of(self._base)
        self._http = BoundedSession(registry, api_host=api_host, scheme=scheme, options=options)
        self.auth = Authenticator(registry, scheme=scheme, credentials=credentials)
        self._contacted = False
        self._probe = threading.Lock()

    def close(self) -> None:
        """Close the session and its keep-alive connections."""
        self._http.close()

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
                own = origin_of(url) == self._origin
                headers = {"Accept": accept} if accept else {}
                if own:  # credentials never leave the registry's origin
                    headers.update(self.auth.headers(scope, exchange))
                response = self._http.send(method, url, headers=headers, deadline=deadline)
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
                            status, body, target=target, ref=ref, registry=self.registry
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


def _parse_retry_after(header: str) -> float | None:
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

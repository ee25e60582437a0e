"""Registry authentication: Basic or Bearer, chosen by the registry's challenge.

One :class:`Authenticator` per registry holds what that registry taught us:

- **Basic** (``WWW-Authenticate: Basic …``): after the first challenge the credentials are sent
  pre-emptively, so a process meets at most one Basic challenge per registry.
- **Bearer** (``WWW-Authenticate: Bearer realm=…,service=…,scope=…``): a token is fetched from
  the realm (with the registry's credentials when there are any, anonymously otherwise; an
  identity token from a credential helper is exchanged as an OAuth2 refresh token). Tokens are
  cached **per scope** (``repository:NAME:pull``) until they expire and are never sent for
  another scope. Once the realm is known, a token for a new repository is fetched before the
  first request, without another challenge.

oras-py's token backend is not used: it keeps one token for every scope and mistakes a Basic
realm for a token URL. Its ``get_basic_auth`` encoder is. Secrets are never logged, and
credentials are never sent over plain HTTP to a realm unless the registry itself is plain HTTP.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol
from urllib.parse import urlsplit

from adapters.registry.credentials import Credential, DockerCredentials
from adapters.registry.errors import BACKEND, Target, raise_for_status
from domain.errors import AuthenticationError, ProtocolError

_PARAM: Final = re.compile(r'([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))')
_DEFAULT_TOKEN_LIFETIME: Final = 60  # seconds, as the Docker token spec says
_TOKEN_BODY_CAP: Final = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Challenge:
    """A parsed ``WWW-Authenticate`` challenge: the scheme (lower-case) and its parameters."""

    scheme: str
    params: Mapping[str, str] = field(default_factory=dict)


def parse_challenge(header: str | None) -> Challenge | None:
    """Parse the first challenge of a ``WWW-Authenticate`` header; ``None`` if there is none.

    >>> parse_challenge('Bearer realm="https://a/token",scope="repository:x:pull"').params["scope"]
    'repository:x:pull'
    """
    if not header or not header.strip():
        return None
    scheme, _, rest = header.strip().partition(" ")
    params = {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
        for m in _PARAM.finditer(rest)
    }
    return Challenge(scheme=scheme.lower(), params=params)


def pull_scope(repository: str) -> str:
    """The token scope for reading ``repository``."""
    return f"repository:{repository}:pull"


@dataclass(frozen=True, slots=True)
class TokenAnswer:
    """What a token endpoint said (status, body)."""

    status: int
    body: bytes


class TokenExchange(Protocol):
    """One bounded HTTP request to a token endpoint (supplied by the transport)."""

    def __call__(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        cap: int,
    ) -> TokenAnswer: ...


@dataclass(slots=True)
class _Token:
    value: str = field(repr=False)
    expires: float


class Authenticator:
    """What one registry requires, learnt from its challenges (thread-safe)."""

    def __init__(self, registry: str, *, scheme: str, credentials: DockerCredentials) -> None:
        self._registry = registry
        self._scheme = scheme
        self._credentials = credentials
        self._basic: str | None = None
        self._realm: Challenge | None = None
        self._tokens: dict[str, _Token] = {}
        self._lock = threading.Lock()
        self._clock: Callable[[], float] = time.monotonic

    def headers(self, scope: str, exchange: TokenExchange) -> dict[str, str]:
        """The Authorization header to send pre-emptively for ``scope`` (maybe none).

        Raises:
            AuthenticationError, BackendUnavailableError, ProtocolError: fetching a token failed.
        """
        with self._lock:
            if self._basic is not None:
                return {"Authorization": self._basic}
            if self._realm is None:
                return {}
            token = self._tokens.get(scope)
            if token is None or token.expires <= self._clock():
                # The realm is known from an earlier challenge; ask for this scope directly.
                token = self._fetch_token(self._realm, scope, scope, exchange)
            return {"Authorization": f"Bearer {token.value}"}

    def challenge(
        self, header: str | None, scope: str, exchange: TokenExchange, *, sent: str | None = None
    ) -> None:
        """Learn from a 401 answer so the request can be sent again.

        ``sent`` is the Authorization header the refused request carried (``None``: none). A
        Basic challenge to a request that went out before the credentials were learnt (by a
        concurrent request) is no refusal of them.

        Raises:
            AuthenticationError: no usable challenge, no credentials for a Basic registry,
                credentials already rejected, or the token endpoint refused us.
            BackendUnavailableError, ProtocolError: the token endpoint failed.
        """
        found = parse_challenge(header)
        with self._lock:
            if found is None:
                raise AuthenticationError(
                    BACKEND,
                    "unauthorized, and no WWW-Authenticate challenge",
                    registry=self._registry,
                )
            if found.scheme == "basic":
                self._learn_basic(sent)
            elif found.scheme == "bearer":
                if not found.params.get("realm"):
                    raise ProtocolError(
                        BACKEND, f"{self._registry}: Bearer challenge without realm"
                    )
                self._realm = found
                self._tokens.pop(scope, None)  # it was just refused, if we sent one
                self._fetch_token(found, found.params.get("scope") or scope, scope, exchange)
            else:
                raise AuthenticationError(
                    BACKEND, f"unsupported auth scheme {found.scheme!r}", registry=self._registry
                )

    def _learn_basic(self, sent: str | None) -> None:
        if self._basic is not None:
            if sent == self._basic:
                raise AuthenticationError(BACKEND, "credentials rejected", registry=self._registry)
            return  # learnt meanwhile; the retry carries them
        credential = self._credentials.get(self._registry)
        if credential is None or not credential.username:
            raise AuthenticationError(
                BACKEND,
                f"no credentials for {self._registry} (run: docker login {self._registry})",
                registry=self._registry,
            )
        self._basic = f"Basic {_basic_auth(credential.username, credential.password)}"

    def _fetch_token(
        self, realm: Challenge, ask: str, scope: str, exchange: TokenExchange
    ) -> _Token:
        """Fetch a token for the scope ``ask`` and cache it under ``scope``."""
        url = realm.params["realm"]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ProtocolError(BACKEND, f"{self._registry}: token realm {url!r} is not a URL")
        credential = self._credentials.get(self._registry)
        if credential is not None and parts.scheme == "http" and self._scheme == "https":
            raise AuthenticationError(
                BACKEND,
                f"refusing to send credentials to the plain-HTTP token realm {url}",
                registry=self._registry,
            )
        params = {"scope": ask}
        if realm.params.get("service"):
            params["service"] = realm.params["service"]
        answer = self._ask(exchange, url, params, credential)
        raise_for_status(
            answer.status,
            answer.body,
            target=Target.TOKEN,
            ref=url,
            registry=self._registry,
            secrets=_secrets(credential),
        )
        token = _read_token(answer.body, self._registry, self._clock())
        self._tokens[scope] = token
        return token

    def _ask(
        self,
        exchange: TokenExchange,
        url: str,
        params: dict[str, str],
        credential: Credential | None,
    ) -> TokenAnswer:
        headers = {"Accept": "application/json"}
        if credential is not None and credential.identity_token:
            form = {
                "grant_type": "refresh_token",
                "refresh_token": credential.identity_token,
                "client_id": "cogmodel",
                **params,
            }
            return exchange(
                "POST", url, headers=headers, params=None, data=form, cap=_TOKEN_BODY_CAP
            )
        if credential is not None and credential.username:
            headers["Authorization"] = (
                f"Basic {_basic_auth(credential.username, credential.password)}"
            )
        return exchange("GET", url, headers=headers, params=params, data=None, cap=_TOKEN_BODY_CAP)


def _secrets(credential: Credential | None) -> tuple[str | None, ...]:
    """What a token request may have carried, never to be repeated in a message."""
    if credential is None:
        return ()
    basic = _basic_auth(credential.username, credential.password) if credential.username else ""
    return (credential.password, credential.identity_token, basic)


def _basic_auth(username: str, password: str) -> str:
    # Imported when credentials are first sent: oras.auth pulls in all of oras' auth backends,
    # which a registry without authentication never needs.
    from oras.auth.utils import get_basic_auth  # noqa: PLC0415

    encoded: str = get_basic_auth(username, password)
    return encoded


def _read_token(body: bytes, registry: str, now: float) -> _Token:
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise ProtocolError(BACKEND, f"{registry}: token answer is not JSON") from exc
    value = doc.get("token") or doc.get("access_token") if isinstance(doc, dict) else None
    if not isinstance(value, str) or not value:
        raise ProtocolError(BACKEND, f"{registry}: token answer has no token")
    lifetime = doc.get("expires_in")
    if not isinstance(lifetime, int) or lifetime < _DEFAULT_TOKEN_LIFETIME:
        lifetime = _DEFAULT_TOKEN_LIFETIME
    # Renew a little early so a token never expires between sending and being checked.
    return _Token(value=value, expires=now + lifetime - 5)

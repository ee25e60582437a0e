"""Asking a registry directly why the engine's pull or push failed.

Docker Engine 20.10 reports most registry failures of a pull as HTTP 500 and every failure of a
push, or of a pull for a platform an index lacks, as an ``errorDetail`` in the stream: a message
and no code. "no basic auth credentials", "unauthorized: authentication required",
"connection refused" and "no matching manifest for linux/s390x" differ only in wording.
cogmodel never classifies by wording, so after such a failure it asks the registry the
structured questions that separate the cases.

:func:`check_access` — does ``GET /v2/`` answer, and does it accept the engine's credentials?

- no answer at all (connection refused, DNS, timeout)                    → ``UNREACHABLE``
- ``401``/``403`` after authenticating as the docker CLI would: ``Basic`` with the
  credentials, or a ``Bearer`` token for the repository scope (a token endpoint that refuses
  the credentials answers ``401``/``403`` itself); with no credentials, a ``401``   → ``DENIED``
- anything else (the credentials work, TLS trouble, an identity token we cannot replay)
                                                                          → ``UNKNOWN``

:func:`index_platforms` — if the reference names an image index (manifest list), which
platforms does it list? (``None`` for a single-platform manifest or no usable answer.)

The questions are asked from this process, not from the engine; for a remote engine
(``tcp://``, ``ssh://``) an unreachable verdict is only as good as the two networks are alike.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from typing import Any, Final

import requests

from domain.reference import DOCKER_HUB, ParsedRef

_HUB_API: Final = "https://registry-1.docker.io"
_PARAM: Final = re.compile(r'(\w+)="([^"]*)"')
_INDEX_TYPES: Final = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
_MANIFEST_TYPES: Final = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)


class Access(enum.Enum):
    """What the registry said about access with the engine's credentials."""

    UNREACHABLE = "unreachable"
    DENIED = "denied"
    UNKNOWN = "unknown"


def check_access(
    ref: ParsedRef, *, auth: Mapping[str, Any], actions: str, timeout: float = 10.0
) -> Access:
    """Ask ``ref``'s registry whether ``auth`` may do ``actions`` (``pull`` or ``pull,push``)."""
    credentials = _basic_credentials(auth)
    with requests.Session() as http:
        try:
            answer = _get(
                http,
                f"{_base(ref)}/v2/",
                credentials=credentials,
                scope=f"repository:{ref.repository}:{actions}",
                timeout=timeout,
            )
        except requests.exceptions.SSLError:
            return Access.UNKNOWN
        except (requests.ConnectionError, requests.Timeout):
            return Access.UNREACHABLE
        except requests.RequestException:
            return Access.UNKNOWN
    if answer.status_code not in (401, 403):
        return Access.UNKNOWN
    # Refused. Without credentials that is a denial, unless the config held a kind of
    # credential (an identity token) that this check cannot present.
    return Access.UNKNOWN if credentials is None and auth else Access.DENIED


def index_platforms(
    ref: ParsedRef, *, auth: Mapping[str, Any], timeout: float = 10.0
) -> tuple[str, ...] | None:
    """The platforms (``os/arch[/variant]``) the index ``ref`` names, or ``None``."""
    reference = str(ref.digest) if ref.digest is not None else ref.tag
    with requests.Session() as http:
        try:
            answer = _get(
                http,
                f"{_base(ref)}/v2/{ref.repository}/manifests/{reference}",
                credentials=_basic_credentials(auth),
                scope=f"repository:{ref.repository}:pull",
                timeout=timeout,
                headers={"Accept": ", ".join(_INDEX_TYPES + _MANIFEST_TYPES)},
            )
            document = answer.json() if answer.status_code == 200 else None
        except (requests.RequestException, json.JSONDecodeError):
            return None
    if not isinstance(document, dict):
        return None
    media_type = document.get("mediaType") or answer.headers.get("Content-Type", "")
    if media_type not in _INDEX_TYPES or not isinstance(document.get("manifests"), list):
        return None
    platforms = (
        entry.get("platform") for entry in document["manifests"] if isinstance(entry, dict)
    )
    return tuple(_platform_text(p) for p in platforms if isinstance(p, dict) and _platform_text(p))


def _get(
    http: requests.Session,
    url: str,
    *,
    credentials: tuple[str, str] | None,
    scope: str,
    timeout: float,
    headers: Mapping[str, str] | None = None,
) -> requests.Response:
    """GET ``url``, answering a 401 challenge as the docker CLI would (Basic or Bearer)."""
    answer = http.get(url, headers=headers, timeout=timeout)
    if answer.status_code != 401:
        return answer
    scheme, params = _challenge(answer.headers.get("WWW-Authenticate", ""))
    if scheme == "basic" and credentials is not None:
        return http.get(url, headers=headers, auth=credentials, timeout=timeout)
    if scheme == "bearer" and params.get("realm"):
        token = http.get(
            params["realm"],
            params={"service": params.get("service", ""), "scope": scope},
            auth=credentials,
            timeout=timeout,
        )
        if token.status_code != 200:
            return token  # the token endpoint's own refusal (401/403) is the verdict
        body = token.json()
        value = body.get("token") or body.get("access_token") if isinstance(body, dict) else None
        if not value:
            return answer
        return http.get(
            url, headers={**(headers or {}), "Authorization": f"Bearer {value}"}, timeout=timeout
        )
    return answer


def _base(ref: ParsedRef) -> str:
    return _HUB_API if ref.registry == DOCKER_HUB else f"{ref.scheme}://{ref.registry}"


def _platform_text(platform: Mapping[str, Any]) -> str:
    parts = [platform.get("os"), platform.get("architecture"), platform.get("variant")]
    return "/".join(str(p) for p in parts if p) if parts[0] and parts[1] else ""


def _basic_credentials(auth: Mapping[str, Any]) -> tuple[str, str] | None:
    # docker-py spells config entries in lower case and credential-store answers capitalised.
    username = auth.get("username") or auth.get("Username")
    password = auth.get("password") or auth.get("Password")
    if isinstance(username, str) and isinstance(password, str) and username:
        return username, password
    return None


def _challenge(header: str) -> tuple[str, dict[str, str]]:
    """The scheme (lower case) and parameters of an RFC 7235 ``WWW-Authenticate`` header."""
    scheme, _, rest = header.strip().partition(" ")
    return scheme.lower(), dict(_PARAM.findall(rest))

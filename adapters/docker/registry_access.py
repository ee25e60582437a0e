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

:func:`look_up_manifest` — does the registry hold a manifest under the reference, and with which
digest? Podman's compatible API reports a pull of a missing tag inside the stream (Docker
answers 404), and reports a push's digest only in a status sentence (Docker adds an ``aux``
record): this is how both are settled without reading the sentences.

The questions are asked from this process, not from the engine; for a remote engine
(``tcp://``, ``ssh://``) an unreachable verdict is only as good as the two networks are alike.

Each question is bounded as a whole by its ``timeout``: every request's timeouts are capped by
what is left of it, bodies are read in small pieces against that deadline and a 1 MiB cap
(a slow, trickling or endless registry cannot hold a failed pull), and redirects are not
followed. Credentials go only to the registry and to the token realm it names, and never to a
plain-HTTP realm of an HTTPS registry (the question is then left unanswered: ``UNKNOWN``).
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

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
_BODY_CAP: Final = 1024 * 1024  # a /v2/ answer, a token or an index; more is not one
_READ_CHUNK: Final = 16 * 1024


class Access(enum.Enum):
    """What the registry said about access with the engine's credentials."""

    UNREACHABLE = "unreachable"
    DENIED = "denied"
    UNKNOWN = "unknown"


def check_access(
    ref: ParsedRef, *, auth: Mapping[str, Any], actions: str, timeout: float = 10.0
) -> Access:
    """Ask ``ref``'s registry whether ``auth`` may do ``actions`` (``pull`` or ``pull,push``).

    ``timeout``: seconds the whole question may take (requests, token, reading included).
    """
    credentials = _basic_credentials(auth)
    with requests.Session() as http:
        try:
            answer = _get(
                http,
                f"{_base(ref)}/v2/",
                credentials=credentials,
                scope=f"repository:{ref.repository}:{actions}",
                deadline=_Deadline(timeout),
            )
        except requests.exceptions.SSLError:
            return Access.UNKNOWN
        except (requests.ConnectionError, requests.Timeout):
            return Access.UNREACHABLE
        except (requests.RequestException, _UnanswerableError):
            return Access.UNKNOWN
    if answer.status not in (401, 403):
        return Access.UNKNOWN
    # Refused. Without credentials that is a denial, unless the config held a kind of
    # credential (an identity token) that this check cannot present.
    return Access.UNKNOWN if credentials is None and auth else Access.DENIED


def index_platforms(
    ref: ParsedRef, *, auth: Mapping[str, Any], timeout: float = 10.0
) -> tuple[str, ...] | None:
    """The platforms (``os/arch[/variant]``) the index ``ref`` names, or ``None``.

    ``timeout``: seconds the whole question may take.
    """
    reference = str(ref.digest) if ref.digest is not None else ref.tag
    with requests.Session() as http:
        try:
            answer = _get(
                http,
                f"{_base(ref)}/v2/{ref.repository}/manifests/{reference}",
                credentials=_basic_credentials(auth),
                scope=f"repository:{ref.repository}:pull",
                deadline=_Deadline(timeout),
                headers={"Accept": ", ".join(_INDEX_TYPES + _MANIFEST_TYPES)},
            )
            document = json.loads(answer.body) if answer.status == 200 else None
        except (requests.RequestException, _UnanswerableError, ValueError):
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


@dataclass(frozen=True, slots=True)
class ManifestLookup:
    """What the registry said about a manifest: ``found`` is ``None`` when it could not say."""

    found: bool | None
    digest: str | None = None


def look_up_manifest(
    ref: ParsedRef, *, auth: Mapping[str, Any], timeout: float = 10.0
) -> ManifestLookup:
    """Whether ``ref``'s registry holds its manifest, and the digest it is stored under.

    ``timeout``: seconds the whole question may take.
    """
    reference = str(ref.digest) if ref.digest is not None else ref.tag
    with requests.Session() as http:
        try:
            answer = _get(
                http,
                f"{_base(ref)}/v2/{ref.repository}/manifests/{reference}",
                credentials=_basic_credentials(auth),
                scope=f"repository:{ref.repository}:pull",
                deadline=_Deadline(timeout),
                headers={"Accept": ", ".join(_INDEX_TYPES + _MANIFEST_TYPES)},
            )
        except (requests.RequestException, _UnanswerableError):
            return ManifestLookup(found=None)
    if answer.status == 404:
        return ManifestLookup(found=False)
    if answer.status != 200:
        return ManifestLookup(found=None)
    # The registry's own header, else the digest of the exact bytes it stores.
    digest = answer.headers.get("Docker-Content-Digest") or f"sha256:{_sha256(answer.body)}"
    return ManifestLookup(found=True, digest=digest)


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class _UnanswerableError(Exception):
    """The registry's answer cannot settle the question (too big, or a realm we will not use)."""


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class _Deadline:
    """The time left for one question."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left; ``requests.Timeout`` when none are."""
        left = self._end - time.monotonic()
        if left <= 0:
            raise requests.Timeout("the registry did not answer in time")
        return left


def _get(
    http: requests.Session,
    url: str,
    *,
    credentials: tuple[str, str] | None,
    scope: str,
    deadline: _Deadline,
    headers: Mapping[str, str] | None = None,
) -> _Answer:
    """GET ``url``, answering a 401 challenge as the docker CLI would (Basic or Bearer)."""
    answer = _fetch(http, url, deadline=deadline, headers=headers)
    if answer.status != 401:
        return answer
    scheme, params = _challenge(answer.headers.get("WWW-Authenticate", ""))
    if scheme == "basic" and credentials is not None:
        return _fetch(http, url, deadline=deadline, headers=headers, auth=credentials)
    if scheme == "bearer" and params.get("realm"):
        realm = params["realm"]
        if credentials is not None and _downgrades(url, realm):
            raise _UnanswerableError("a plain-HTTP token realm for an HTTPS registry")
        token = _fetch(
            http,
            realm,
            deadline=deadline,
            params={"service": params.get("service", ""), "scope": scope},
            auth=credentials,
        )
        if token.status != 200:
            return token  # the token endpoint's own refusal (401/403) is the verdict
        value = _token_of(token.body)
        if value is not None:
            bearer = {**(headers or {}), "Authorization": f"Bearer {value}"}
            return _fetch(http, url, deadline=deadline, headers=bearer)
    return answer


def _token_of(body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    value = document.get("token") or document.get("access_token")
    return value if isinstance(value, str) and value else None


def _fetch(
    http: requests.Session,
    url: str,
    *,
    deadline: _Deadline,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> _Answer:
    """One GET, no redirects followed, its body read within the deadline and the cap."""
    response = http.get(
        url,
        headers=dict(headers or {}),
        params=params,
        auth=auth,
        timeout=deadline.left(),
        stream=True,
        allow_redirects=False,
    )
    try:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > _BODY_CAP:
            raise _UnanswerableError("an oversized answer")
        raw = response.raw
        reader = getattr(raw, "read1", None) or raw.read  # read1: whatever has arrived
        chunks: list[bytes] = []
        total = 0
        while chunk := reader(_READ_CHUNK, decode_content=True):
            total += len(chunk)
            if total > _BODY_CAP:
                raise _UnanswerableError("an oversized answer")
            chunks.append(chunk)
            deadline.left()
        return _Answer(status=response.status_code, headers=response.headers, body=b"".join(chunks))
    except requests.RequestException:  # the deadline's Timeout (an OSError too) as it is
        raise
    except urllib3.exceptions.TimeoutError as exc:  # what requests would raise, had it read
        raise requests.Timeout(exc) from exc
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise requests.ConnectionError(exc) from exc
    finally:
        response.close()


def _downgrades(url: str, realm: str) -> bool:
    """Whether credentials for the HTTPS ``url`` would travel in clear text to ``realm``."""
    return urlsplit(url).scheme == "https" and urlsplit(realm).scheme != "https"


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

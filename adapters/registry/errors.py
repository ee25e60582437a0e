"""The one place registry failures become domain errors: by HTTP status, OCI error code and
exception type, never by message text (STYLE G9).

Two entry points:

- :func:`raise_for_status` judges an answer: 404 or ``MANIFEST_UNKNOWN``/``NAME_UNKNOWN`` on a
  manifest → :class:`ImageNotFoundError` (Distribution says MANIFEST_UNKNOWN even for an
  unknown repository, and a HEAD 404 has no body); 401/403 or ``UNAUTHORIZED``/``DENIED`` →
  :class:`AuthenticationError`; 429 and 5xx → :class:`BackendUnavailableError`; anything else
  → :class:`ProtocolError`.
- :func:`transport_errors` wraps the network calls: timeouts and connection failures →
  :class:`BackendUnavailableError`; truncated or undecodable bodies and bad URLs/headers →
  :class:`ProtocolError`.

Messages carry the registry's OCI error code and a short message, never an HTML body and
never a header (which could hold a secret).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import requests
import urllib3.exceptions

from domain.errors import (
    AuthenticationError,
    BackendUnavailableError,
    ImageNotFoundError,
    ProtocolError,
)
from domain.image_source import ImageSource

BACKEND: Final = "registry"
_NOT_FOUND: Final = frozenset({"MANIFEST_UNKNOWN", "NAME_UNKNOWN"})
_DENIED: Final = frozenset({"UNAUTHORIZED", "DENIED"})
_RATE_LIMITED: Final = frozenset({"TOOMANYREQUESTS"})


class Target(enum.Enum):
    """What a request asked for; a miss means different things for each."""

    MANIFEST = "manifest"
    # A manifest an index lists: its absence is a broken index, not a missing image (a "not
    # found" here would let the resolver fall back to another source and hide the breakage).
    LISTED_MANIFEST = "manifest listed by its index"
    BLOB = "blob"
    TOKEN = "token"  # noqa: S105 - a token endpoint, not a secret


def oci_error_codes(body: bytes) -> tuple[list[str], str]:
    """The OCI ``errors[].code`` values of an error body and the first message ('' if none)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return [], ""
    errors = doc.get("errors") if isinstance(doc, dict) else None
    if not isinstance(errors, list):
        return [], ""
    codes = [str(e["code"]) for e in errors if isinstance(e, dict) and "code" in e]
    messages = [str(e["message"]) for e in errors if isinstance(e, dict) and e.get("message")]
    return codes, (messages[0][:200] if messages else "")


def raise_for_status(status: int, body: bytes, *, target: Target, ref: str, registry: str) -> None:
    """Raise the domain error an HTTP answer means; return for 2xx.

    Args:
        status: the HTTP status code.
        body: the (bounded) error body; may be empty (HEAD) or HTML.
        target: what was asked for.
        ref: the canonical reference being inspected (for ImageNotFoundError).
        registry: the registry host.

    Raises:
        ImageNotFoundError: a manifest that does not exist (location REMOTE).
        AuthenticationError: 401/403, or an OCI UNAUTHORIZED/DENIED code.
        BackendUnavailableError: 429, 5xx.
        ProtocolError: any other non-2xx answer.
    """
    if 200 <= status < 300:
        return
    codes, message = oci_error_codes(body)
    code_set = frozenset(codes)
    said = f"HTTP {status}" + (f" {', '.join(codes)}" if codes else "")
    said += f": {message}" if message else ""
    if target is Target.MANIFEST and (status == 404 or code_set & _NOT_FOUND):
        raise ImageNotFoundError(ref, ImageSource.REMOTE, said)
    if status in (401, 403) or code_set & _DENIED:
        raise AuthenticationError(BACKEND, said, registry=registry)
    if status == 429 or code_set & _RATE_LIMITED:
        raise BackendUnavailableError(BACKEND, f"{registry} is rate limiting requests ({said})")
    if status >= 500:
        raise BackendUnavailableError(BACKEND, f"{registry} failed to answer ({said})")
    if status == 404:
        raise ProtocolError(BACKEND, f"{registry} has no {target.value} for {ref} ({said})")
    raise ProtocolError(BACKEND, f"{registry} answered {target.value} request with {said}")


@contextmanager
def transport_errors(registry: str) -> Iterator[None]:
    """Translate network failures of requests/urllib3 (under oras-py) into domain errors.

    Raises:
        BackendUnavailableError: connection refused/reset, DNS, TLS, or a timeout.
        ProtocolError: a truncated or undecodable body, a malformed URL or header.
    """
    try:
        yield
    except (requests.Timeout, urllib3.exceptions.TimeoutError) as exc:
        raise BackendUnavailableError(BACKEND, f"{registry} timed out: {_kind(exc)}") from exc
    except requests.exceptions.SSLError as exc:
        raise BackendUnavailableError(BACKEND, f"TLS with {registry} failed: {exc}") from exc
    except (
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ContentDecodingError,
        urllib3.exceptions.ProtocolError,
        urllib3.exceptions.DecodeError,
    ) as exc:
        detail = f"{registry} sent a truncated or undecodable answer: {_kind(exc)}"
        raise ProtocolError(BACKEND, detail) from exc
    except requests.ConnectionError as exc:
        raise BackendUnavailableError(BACKEND, f"cannot reach {registry}: {_kind(exc)}") from exc
    except requests.exceptions.InvalidHeader as exc:
        # requests quotes the offending value, which may be an Authorization header.
        raise ProtocolError(BACKEND, f"bad request to {registry}: unusable header value") from exc
    except (
        requests.exceptions.InvalidURL,
        requests.exceptions.InvalidSchema,
        requests.exceptions.MissingSchema,
    ) as exc:
        raise ProtocolError(BACKEND, f"bad request to {registry}: {exc}") from exc
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise BackendUnavailableError(BACKEND, f"{registry}: {_kind(exc)}") from exc


def _kind(exc: BaseException) -> str:
    # requests' messages repeat whole pool reprs; the innermost cause's type says enough.
    inner: BaseException = exc
    while inner.__cause__ is not None or inner.__context__ is not None:
        inner = inner.__cause__ or inner.__context__  # type: ignore[assignment]
    return type(inner).__name__ if inner is not exc else type(exc).__name__

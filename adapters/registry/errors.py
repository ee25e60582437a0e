"""The one place registry failures become domain errors: by HTTP status, OCI error code and
exception type, never by message text (STYLE G9).

Two entry points:

- :func:`raise_for_status` judges an answer: 404 or ``MANIFEST_UNKNOWN``/``NAME_UNKNOWN`` on a
  manifest → :class:`ImageNotFoundError` (Distribution says MANIFEST_UNKNOWN even for an
  unknown repository, and a HEAD 404 has no body); 401/403 or ``UNAUTHORIZED``/``DENIED`` →
  :class:`AuthenticationError`; 429 and 5xx → :class:`BackendUnavailableError`; anything else
  → :class:`ProtocolError`.
- :func:`transport_errors` wraps the network calls: timeouts and connection failures →
  :class:`BackendUnavailableError` (an untrusted certificate: one line naming the registry and
  where its CA goes); truncated or undecodable bodies and bad URLs/headers →
  :class:`ProtocolError`. :func:`may_retry_over_http` says which of those failures let an
  insecure-eligible registry be tried over plain HTTP.

Messages carry the registry's OCI error code and message or, when the body is short plain text
(``Client sent an HTTP request to an HTTPS server.``), its first line: never an HTML body, never
a header, and never a credential: whatever the registry says goes through the one redaction
function, :func:`domain.safe_text.redact`, given as ``known`` the secrets the request sent (the
``Authorization`` value, the password, a token), so an echo of them is masked however it is
framed, and so is anything shaped like a credential the request did not send.
"""

from __future__ import annotations

import enum
import http.client
import json
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from adapters.failure_words import plain_reason
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
_SAID_CAP: Final = 200
# OpenSSL's reason codes for an alert received from the peer (SSL_R_SSLV3_ALERT_*, ...).
_ALERT_REASONS: Final = ("SSLV3_ALERT_", "TLSV1_ALERT_", "TLSV13_ALERT_")


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


def registry_said(body: bytes, secrets: Iterable[str | None] = ()) -> tuple[list[str], str]:
    """The OCI error codes of an error body, and what it says for humans ('' if nothing useful).

    What it says: the first OCI ``message``; else, for a short plain-text body, its first line;
    never HTML. Credentials are redacted (:func:`domain.safe_text.redact`, ``secrets`` as what
    it knows), and then cut to a bounded length.

    >>> registry_said(b"bad header Authorization: Basic dXNlcjpwYXNz here")
    ([], 'bad header Authorization: Basic *** here')
    """
    # Loaded here, with the first error body: a look-up that succeeds compiles none of the
    # redaction patterns.
    from domain.safe_text import redact  # noqa: PLC0415

    codes, message = oci_error_codes(body)
    if not message and not codes:
        message = _plain_text_line(body)
    return codes, redact(message, known=[s for s in secrets if s])[:_SAID_CAP]


def raise_for_status(
    status: int,
    body: bytes,
    *,
    target: Target,
    ref: str,
    registry: str,
    secrets: Iterable[str | None] = (),
) -> None:
    """Raise the domain error an HTTP answer means; return for 2xx.

    Args:
        status: the HTTP status code.
        body: the (bounded) error body; may be empty (HEAD), plain text or HTML.
        target: what was asked for.
        ref: the canonical reference being inspected (for ImageNotFoundError).
        registry: the registry host.
        secrets: what the request carried that must never be repeated (the Authorization
            header's value, a password): cut out of anything the registry says.

    Raises:
        ImageNotFoundError: a manifest that does not exist (location REMOTE).
        AuthenticationError: 401/403, or an OCI UNAUTHORIZED/DENIED code.
        BackendUnavailableError: 429, 5xx.
        ProtocolError: any other non-2xx answer.
    """
    if 200 <= status < 300:
        return
    codes, message = registry_said(body, secrets)
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


class ConnectFailed(Exception):  # noqa: N818 - a marker around the real failure, its cause
    """No connection was made (refused, DNS, proxy, TLS handshake, connect timeout): nothing
    was sent. Raised by :mod:`adapters.registry.session` ``from`` the failure itself."""


class AnswerBroken(Exception):  # noqa: N818 - a marker around the real failure, its cause
    """An answer's body was cut short or does not decode. Raised by
    :mod:`adapters.registry.session` ``from`` the failure itself."""


class BadHeader(ValueError):  # noqa: N818 - names what is wrong, as ValueError does
    """A request header that would split the request; holds the header's name, never its
    value (which may be a credential)."""


@contextmanager
def transport_errors(registry: str, *, certs_dir: Path | None = None) -> Iterator[None]:
    """Translate network failures of the registry's HTTP (``http.client``, ``ssl``, sockets,
    :class:`ConnectFailed`, :class:`AnswerBroken`) into domain errors.

    ``certs_dir`` is the registry's Docker certificate directory, named in the advice an
    untrusted certificate gets.

    Raises:
        BackendUnavailableError: connection refused/reset, DNS, TLS, or a timeout.
        ProtocolError: a truncated or undecodable body, a malformed URL or header.
    """
    try:
        yield
    except ConnectFailed as exc:
        cause = exc.__cause__
        if isinstance(cause, TimeoutError):
            raise BackendUnavailableError(BACKEND, f"{registry} timed out: {_kind(exc)}") from exc
        if any(isinstance(inner, ssl.SSLError) for inner in _chain(exc)):
            raise _tls_failure(registry, exc, certs_dir) from exc
        raise BackendUnavailableError(BACKEND, f"cannot reach {registry}: {_kind(exc)}") from exc
    except TimeoutError as exc:
        raise BackendUnavailableError(BACKEND, f"{registry} timed out: {_kind(exc)}") from exc
    except AnswerBroken as exc:
        detail = f"{registry} sent a truncated or undecodable answer: {_kind(exc)}"
        raise ProtocolError(BACKEND, detail) from exc
    except BadHeader as exc:
        raise ProtocolError(BACKEND, f"bad request to {registry}: unusable header value") from exc
    except http.client.InvalidURL as exc:
        raise ProtocolError(BACKEND, f"bad request to {registry}: {exc}") from exc
    except ssl.SSLError as exc:
        raise _tls_failure(registry, exc, certs_dir) from exc
    except (http.client.HTTPException, OSError) as exc:
        # Sent, but no answer came (reset, closed, a status line that is not HTTP).
        raise BackendUnavailableError(BACKEND, f"cannot reach {registry}: {_kind(exc)}") from exc


def _tls_failure(
    registry: str, exc: BaseException, certs_dir: Path | None
) -> BackendUnavailableError:
    refused = _certificate_refusal(exc)
    if refused is not None:
        return BackendUnavailableError(BACKEND, _untrusted_detail(registry, refused, certs_dir))
    alert = _server_alert(exc)
    if alert is not None:
        where = certs_dir or Path("/etc/docker/certs.d") / registry
        return BackendUnavailableError(
            BACKEND,
            f"{registry} refused the TLS handshake ({alert}); if it wants a client "
            f"certificate, put it in {where}/client.cert and its key in client.key",
        )
    return BackendUnavailableError(BACKEND, f"TLS with {registry} failed: {_tls_reason(exc)}")


def may_retry_over_http(error: BaseException) -> bool:
    """Whether a failed HTTPS request may be tried again over plain HTTP (if allowed at all).

    Yes for a failure to connect or to complete a TLS handshake (refused, reset, a server that
    answers TLS with plain HTTP, a connect timeout); no once any answer came, for read timeouts,
    for a certificate the server did present but we do not trust, and for a TLS alert the
    server sent (it wants a client certificate, say): such a server speaks TLS, and dropping
    TLS for it would hide the problem (and downgrade an attacked connection).
    """
    cause = error.__cause__
    return isinstance(cause, ConnectFailed) and not proved_tls(cause)


def proved_tls(failure: ConnectFailed) -> bool:
    """Whether a failed connection got far enough to show that the server speaks TLS: it
    presented a certificate that failed our check, or it sent a TLS alert (by exception type
    and OpenSSL reason code). Anything else (refused, reset, closed, a timeout, an answer
    that is not TLS) did not."""
    return _certificate_refusal(failure) is not None or _server_alert(failure) is not None


def _certificate_refusal(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    for inner in _chain(exc):
        if isinstance(inner, ssl.SSLCertVerificationError):
            return inner
    return None


def _server_alert(exc: BaseException) -> str | None:
    """The OpenSSL reason code of a TLS alert the server sent, if that is what failed."""
    for inner in _chain(exc):
        reason = getattr(inner, "reason", None) if isinstance(inner, ssl.SSLError) else None
        if isinstance(reason, str) and reason.startswith(_ALERT_REASONS):
            return reason
    return None


def _untrusted_detail(
    registry: str, refusal: ssl.SSLCertVerificationError, certs_dir: Path | None
) -> str:
    why = getattr(refusal, "verify_message", None) or getattr(refusal, "reason", None)
    why = why or "verification failed"
    where = (certs_dir or Path("/etc/docker/certs.d") / registry) / "ca.crt"
    return (
        f"the TLS certificate of {registry} is not trusted ({why}); to trust it, put its CA "
        f"certificate in {where} or name a CA bundle in SSL_CERT_FILE, REQUESTS_CA_BUNDLE or "
        "the registry.ca_bundle setting"
    )


def _tls_reason(exc: BaseException) -> str:
    for inner in _chain(exc):
        if isinstance(inner, ssl.SSLError) and getattr(inner, "reason", None):
            return str(inner.reason)  # set by OpenSSL, absent on a bare SSLError
    return _kind(exc)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps: causes, contexts, urllib3's ``reason`` and exception args."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending and len(seen) < 16:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        wrapped += list(current.args)
        pending.extend(item for item in wrapped if isinstance(item, BaseException))


def _plain_text_line(body: bytes) -> str:
    try:
        text = body[: _SAID_CAP * 4].decode("utf-8").strip()
    except UnicodeDecodeError:
        return ""
    if not text or text.startswith(("<", "{", "[")):  # HTML, or JSON without OCI errors
        return ""
    line = text.splitlines()[0].strip()
    return line if line.isprintable() else ""


def _kind(exc: BaseException) -> str:
    # requests' messages repeat whole pool reprs; plain words say enough.
    return plain_reason(exc)

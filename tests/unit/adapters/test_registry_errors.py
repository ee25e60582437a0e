"""The registry error translator: status codes and OCI error codes, and transport exceptions,
each to its domain error (constructed by hand; no network)."""

from __future__ import annotations

import http.client
import ssl
import zlib

import pytest

from adapters.registry.errors import (
    AnswerBroken,
    BadHeader,
    ConnectFailed,
    Target,
    oci_error_codes,
    raise_for_status,
    transport_errors,
)
from domain.errors import (
    AuthenticationError,
    BackendUnavailableError,
    CogModelError,
    ImageNotFoundError,
    ProtocolError,
)
from domain.image_source import ImageSource

REF = "127.0.0.1:5000/acme/model:v1"


def _caused(error: Exception, cause: BaseException) -> Exception:
    error.__cause__ = cause
    return error


def _body(*codes: str) -> bytes:
    errors = ",".join(f'{{"code":"{c}","message":"m-{c}"}}' for c in codes)
    return f'{{"errors":[{errors}]}}'.encode()


@pytest.mark.parametrize(
    ("status", "body", "target", "expected"),
    [
        (404, _body("MANIFEST_UNKNOWN"), Target.MANIFEST, ImageNotFoundError),
        (404, _body("NAME_UNKNOWN"), Target.MANIFEST, ImageNotFoundError),
        (404, b"", Target.MANIFEST, ImageNotFoundError),  # HEAD: no body
        (400, _body("NAME_UNKNOWN"), Target.MANIFEST, ImageNotFoundError),
        (401, _body("UNAUTHORIZED"), Target.MANIFEST, AuthenticationError),
        (403, b"<html>denied</html>", Target.MANIFEST, AuthenticationError),
        (400, _body("DENIED"), Target.BLOB, AuthenticationError),
        (429, _body("TOOMANYREQUESTS"), Target.MANIFEST, BackendUnavailableError),
        (500, b"<html>oops</html>", Target.MANIFEST, BackendUnavailableError),
        (502, b"", Target.BLOB, BackendUnavailableError),
        (503, _body("UNAVAILABLE"), Target.TOKEN, BackendUnavailableError),
        (404, _body("BLOB_UNKNOWN"), Target.BLOB, ProtocolError),
        (404, _body("MANIFEST_UNKNOWN"), Target.LISTED_MANIFEST, ProtocolError),
        (404, b"", Target.TOKEN, ProtocolError),
        (400, _body("MANIFEST_INVALID"), Target.MANIFEST, ProtocolError),
        (418, b"teapot", Target.MANIFEST, ProtocolError),
    ],
)
def test_statuses_and_codes_become_domain_errors(
    status: int, body: bytes, target: Target, expected: type[CogModelError]
) -> None:
    with pytest.raises(expected) as info:
        raise_for_status(status, body, target=target, ref=REF, registry="127.0.0.1:5000")
    assert type(info.value) is expected


def test_success_raises_nothing() -> None:
    for status in (200, 201, 204):
        raise_for_status(status, b"", target=Target.MANIFEST, ref=REF, registry="r")


def test_not_found_carries_the_reference_and_location() -> None:
    with pytest.raises(ImageNotFoundError) as info:
        raise_for_status(404, b"", target=Target.MANIFEST, ref=REF, registry="r")
    assert info.value.ref == REF
    assert info.value.location is ImageSource.REMOTE


def test_authentication_errors_name_the_registry() -> None:
    with pytest.raises(AuthenticationError) as info:
        raise_for_status(401, b"", target=Target.MANIFEST, ref=REF, registry="127.0.0.1:5000")
    assert info.value.registry == "127.0.0.1:5000"
    assert info.value.backend == "registry"


def test_html_bodies_never_reach_the_message() -> None:
    with pytest.raises(BackendUnavailableError) as info:
        raise_for_status(502, b"<html>" + b"x" * 500, target=Target.MANIFEST, ref=REF, registry="r")
    assert "<html>" not in str(info.value)


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        (_body("A", "B"), ["A", "B"]),
        (b"not json", []),
        (b'{"errors": "nope"}', []),
        (b"[1, 2]", []),
        (b'{"errors": [{"message": "no code"}, 3]}', []),
    ],
)
def test_oci_error_codes_are_read_leniently(body: bytes, codes: list[str]) -> None:
    assert oci_error_codes(body)[0] == codes


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (_caused(ConnectFailed(), TimeoutError()), BackendUnavailableError),
        (_caused(ConnectFailed(), ConnectionRefusedError()), BackendUnavailableError),
        (_caused(ConnectFailed(), ssl.SSLError()), BackendUnavailableError),
        (TimeoutError(), BackendUnavailableError),
        (ssl.SSLError(), BackendUnavailableError),
        (_caused(AnswerBroken(), http.client.IncompleteRead(b"")), ProtocolError),
        (_caused(AnswerBroken(), zlib.error()), ProtocolError),
        (_caused(AnswerBroken(), ConnectionResetError()), ProtocolError),
        (http.client.InvalidURL(), ProtocolError),
        (BadHeader("Authorization"), ProtocolError),
        (http.client.RemoteDisconnected(), BackendUnavailableError),
        (http.client.BadStatusLine("junk"), BackendUnavailableError),
        (ConnectionResetError(), BackendUnavailableError),
        (OSError(), BackendUnavailableError),
    ],
    ids=lambda value: type(value).__name__,
)
def test_transport_exceptions_become_domain_errors(
    raised: Exception, expected: type[CogModelError]
) -> None:
    with pytest.raises(expected) as info, transport_errors("127.0.0.1:5000"):
        raise raised
    assert info.value.__cause__ is raised


def test_domain_errors_pass_through_the_transport_translator() -> None:
    original = ProtocolError("registry", "already translated")
    with pytest.raises(ProtocolError) as info, transport_errors("r"):
        raise original
    assert info.value is original

"""What a registry's error body contributes to a message, and what never gets through:
credentials, HTML; and which HTTPS failures let an eligible registry try plain HTTP."""

from __future__ import annotations

import ssl

import pytest

from adapters.registry.errors import (
    ConnectFailed,
    Target,
    may_retry_over_http,
    raise_for_status,
    registry_said,
    transport_errors,
)
from domain.errors import BackendUnavailableError, ProtocolError
from domain.safe_text import MASK

SECRET = "dXNlcjpodW50ZXIy"  # base64("user:hunter2")


def test_a_short_plain_text_body_is_shown() -> None:
    body = b"Client sent an HTTP request to an HTTPS server.\n"
    with pytest.raises(ProtocolError) as info:
        raise_for_status(400, body, target=Target.MANIFEST, ref="r/x:1", registry="r")
    assert info.value.detail.endswith("HTTP 400: Client sent an HTTP request to an HTTPS server.")


@pytest.mark.parametrize("body", [b"<html><body>bad</body></html>", b"\xff\xfe", b'{"x": 1}'])
def test_html_binary_or_foreign_json_bodies_are_not_shown(body: bytes) -> None:
    assert registry_said(body) == ([], "")


def test_a_body_echoing_the_authorization_header_is_redacted() -> None:
    body = f"bad request: Authorization: Basic {SECRET} was refused".encode()
    with pytest.raises(ProtocolError) as info:
        raise_for_status(
            400,
            body,
            target=Target.MANIFEST,
            ref="r/x:1",
            registry="r",
            secrets=(f"Basic {SECRET}", SECRET),
        )
    assert SECRET not in str(info.value)
    assert MASK in str(info.value)


def test_an_oci_message_echoing_a_token_is_redacted() -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.payload.sig"
    body = f'{{"errors":[{{"code":"DENIED","message":"token {token} refused"}}]}}'.encode()
    _, said = registry_said(body, secrets=(token,))
    assert token not in said


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Basic {SECRET}",
        f"authorization={SECRET}",
        f"got Bearer {SECRET}xyz",
        f"header basic {SECRET}",
    ],
)
def test_authorization_shaped_values_are_redacted_even_when_unknown(text: str) -> None:
    body = f'{{"errors":[{{"code":"DENIED","message":"{text}"}}]}}'.encode()
    _, said = registry_said(body)
    assert SECRET not in said


def _unavailable(cause: BaseException) -> BackendUnavailableError:
    try:
        with transport_errors("127.0.0.1:5000"):
            raise cause
    except BackendUnavailableError as error:
        return error
    raise AssertionError("not translated")


def _not_connected(inner: BaseException) -> ConnectFailed:
    """As the session raises it: ``raise ConnectFailed(...) from inner``."""
    error = ConnectFailed(type(inner).__name__)
    error.__cause__ = inner
    return error


def _reason(reason: str) -> ssl.SSLError:
    error = ssl.SSLError(1, f"[SSL: {reason}] x")
    error.reason = reason
    return error


def test_plain_http_is_tried_after_a_refused_connection_or_a_non_tls_server() -> None:
    assert may_retry_over_http(_unavailable(_not_connected(ConnectionRefusedError("refused"))))
    assert may_retry_over_http(_unavailable(_not_connected(_reason("WRONG_VERSION_NUMBER"))))
    assert may_retry_over_http(_unavailable(_not_connected(TimeoutError("slow connect"))))


def test_plain_http_is_never_tried_for_a_server_that_speaks_tls() -> None:
    untrusted = ssl.SSLCertVerificationError(1, "certificate verify failed")
    assert not may_retry_over_http(_unavailable(_not_connected(untrusted)))
    alert = _reason("TLSV13_ALERT_CERTIFICATE_REQUIRED")
    assert not may_retry_over_http(_unavailable(_not_connected(alert)))


def test_plain_http_is_never_tried_once_an_answer_came() -> None:
    assert not may_retry_over_http(_unavailable(TimeoutError("slow answer")))
    assert not may_retry_over_http(BackendUnavailableError("registry", "HTTP 503"))

"""The one place ``http.client`` failures and Cog's error answers become domain errors.

By type and status code, never by message text: a connection that fails (refused, reset, timed
out) is ``BackendUnavailableError``; an answer that is not HTTP, or not the JSON Cog sends, is
``ProtocolError``; a 422 is the model refusing the inputs (``InvalidInputError``); a 503 (not
ready) or 409 (every slot busy) is ``ContainerError``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
from collections.abc import Iterator, Mapping

from adapters.failure_words import plain_reason
from domain.errors import (
    BackendUnavailableError,
    ContainerError,
    InvalidInputError,
    ProtocolError,
)

BACKEND = "model"


@contextlib.contextmanager
def connection_errors(what: str) -> Iterator[None]:
    """Translate failures of one HTTP exchange (``what``: ``POST /predictions``)."""
    try:
        yield
    except http.client.HTTPException as exc:  # an answer that is not HTTP
        raise ProtocolError(BACKEND, f"the model's {what}: not an HTTP answer") from exc
    except OSError as exc:
        raise BackendUnavailableError(
            BACKEND, f"the model's {what} failed: {plain_reason(exc)}"
        ) from exc


def json_object(body: bytes, what: str) -> Mapping[str, object]:
    """``body`` as a JSON object.

    Raises:
        ProtocolError: it is not one.
    """
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise ProtocolError(BACKEND, f"{what} returned invalid JSON") from exc
    if not isinstance(document, dict):
        raise ProtocolError(BACKEND, f"{what} did not return a JSON object")
    return document


def refused(status: int, body: bytes, what: str, *, noun: str) -> Exception:
    """The error for a ``POST`` the model did not run (any status but 200)."""
    try:
        document: object = json.loads(body)
    except ValueError:
        document = None
    answer = document if isinstance(document, dict) else {}
    if status == 422:
        detail = answer.get("detail")
        if isinstance(detail, list):
            return InvalidInputError(_validation_message(detail, noun), reason="inputs refused")
        error = answer.get("error") or answer.get("detail") or "no details"
        return InvalidInputError(f"the model refused the inputs: {error}", reason="inputs refused")
    error = answer.get("error") or answer.get("detail")
    suffix = f": {error}" if isinstance(error, str) and error else ""
    if status == 503:
        return ContainerError(f"the model is not ready for a {noun}{suffix}", backend=BACKEND)
    if status == 409:
        return ContainerError(f"the model is busy with another {noun}{suffix}", backend=BACKEND)
    return ProtocolError(BACKEND, f"{what} returned HTTP {status}{suffix}")


def _validation_message(detail: list[object], noun: str) -> str:
    """Cog's ``buildInputValidationErrorMessage``, on one line: each input and why."""
    problems = []
    for item in detail:
        if not isinstance(item, dict):
            continue
        location = item.get("loc")
        name = location[-1] if isinstance(location, list) and location else "input"
        problems.append(f"{name}: {item.get('msg', 'invalid')}")
    listed = "; ".join(problems) or "the model gave no details"
    return f"The inputs you passed could not be validated: {listed}"

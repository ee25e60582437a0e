"""The one place where docker-py's and the engine's failures become domain errors.

Translation goes by exception type and HTTP status code, never by message text:

=============================================  ==================================================
docker-py / requests / urllib3 / socket         domain error
=============================================  ==================================================
connection refused, missing socket, timeout,   ``BackendUnavailableError`` naming the engine
dropped stream (also a ``DockerException``     address and what to check
raised *from* one, as docker-py's version
negotiation does)
``APIError`` 404 (``NotFound`` and all its     ``ImageNotFoundError(subject, location)``;
                                               the engine's text as ``detail`` for REMOTE
subclasses: docker-py picks ``ImageNotFound``
by matching text, so only the status counts)
``APIError`` 401 / 403                         ``AuthenticationError``
``APIError`` 400; ``InvalidRepository``,       ``InvalidInputError`` (the request broke a rule)
``InvalidArgument``, ``InvalidVersion``
``APIError`` with any other status (409        ``BackendError`` (detail: the engine's
conflict, 500, ...)                            explanation and the status)
any other ``DockerException``                  ``BackendError``
=============================================  ==================================================

The engine also reports failures *inside* a 200 response, as ``errorDetail`` messages in a JSON
stream (pull, push, build). Those carry no status; the operations that read such streams decide
what they mean (see ``local_images.py`` and ``builder.py``) and never look at the text either.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import docker.errors
import requests
import urllib3.exceptions

from adapters.failure_words import plain_reason
from domain.errors import (
    AuthenticationError,
    BackendError,
    BackendUnavailableError,
    CogModelError,
    ImageNotFoundError,
    InvalidInputError,
)
from domain.image_source import ImageSource
from domain.safe_text import redact

BACKEND: Final = "docker"
_FAILED: Final = "the Docker engine failed"

# Failures of the connection itself, as opposed to an answer from the engine.
_UNREACHABLE: Final = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    urllib3.exceptions.HTTPError,
    ConnectionError,
    TimeoutError,
)
_BAD_REQUEST: Final = (
    docker.errors.InvalidRepository,
    docker.errors.InvalidArgument,
    docker.errors.InvalidVersion,
)


def translate(
    exc: BaseException,
    *,
    engine: str,
    subject: str = "",
    location: ImageSource = ImageSource.LOCAL,
) -> CogModelError:
    """The domain error for ``exc``, a failure while talking to the engine at ``engine``.

    ``subject`` is what a 404 is about (a canonical reference or an image id) and ``location``
    where it was looked for. Domain errors pass through unchanged.
    """
    if isinstance(exc, CogModelError):
        return exc
    # docker-py quotes the engine address it was given, which may carry a password
    # (tcp://user:PASS@host): every message made here is redacted.
    if _is_unreachable(exc):
        return BackendUnavailableError(BACKEND, unreachable_detail(engine, exc))
    if isinstance(exc, docker.errors.APIError):
        return _from_status(exc, subject=subject, location=location)
    if isinstance(exc, _BAD_REQUEST):
        return InvalidInputError(
            f"invalid request to the Docker engine: {redact(str(exc))}",
            reason="docker-py rejected the request",
        )
    said = redact(str(exc))
    return BackendError(BACKEND, f"the Docker engine failed: {said}" if said else _FAILED)


@contextmanager
def engine_errors(
    engine: str, *, subject: str = "", location: ImageSource = ImageSource.LOCAL
) -> Iterator[None]:
    """Translate every docker-py, requests or connection failure in the block (see module)."""
    try:
        yield
    except (docker.errors.DockerException, requests.RequestException, *_UNREACHABLE) as exc:
        raise translate(exc, engine=engine, subject=subject, location=location) from exc


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of an engine answer, or ``None`` for anything else."""
    if isinstance(exc, docker.errors.APIError):
        return exc.status_code
    return None


def explanation(exc: docker.errors.APIError) -> str:
    """The engine's own explanation of a failed request (for humans; never parsed), redacted:
    the engine repeats what a registry said, which may echo a credential."""
    if exc.explanation:
        return redact(str(exc.explanation))
    if exc.response is not None and exc.response.reason:
        return redact(str(exc.response.reason))
    return redact(str(exc))


def unreachable_detail(engine: str, exc: BaseException) -> str:
    """A one-line account of why the engine at ``engine`` cannot be used, and what to check."""
    return (
        f"cannot reach the Docker Engine at {redact(engine)} ({redact(_reason(exc))}); check "
        "that dockerd is running there and that DOCKER_HOST names it"
    )


def _from_status(
    exc: docker.errors.APIError, *, subject: str, location: ImageSource
) -> CogModelError:
    status = exc.status_code
    detail = explanation(exc)
    if status == 404:
        # Locally the engine's text only repeats the name; a registry's says what was missing.
        remote = location is ImageSource.REMOTE
        return ImageNotFoundError(subject or "(unnamed)", location, detail if remote else "")
    if status in (401, 403):
        return AuthenticationError(BACKEND, detail)
    if status == 400:
        return InvalidInputError(
            f"the Docker engine refused the request: {detail}",
            reason="the engine rejected the request",
        )
    said = f"{detail} (HTTP {status})" if status else detail
    return BackendError(BACKEND, f"the Docker engine answered: {said}")


def _is_unreachable(exc: BaseException) -> bool:
    # docker-py raises DockerException *from* the connection error when its first request (API
    # version negotiation) fails; the cause, not the wrapper, says what happened.
    return any(isinstance(cause, _UNREACHABLE) for cause in _causes(exc))


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps: ``__cause__``, urllib3's ``reason`` and exception args."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending and len(seen) < 16:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [current.__cause__, getattr(current, "reason", None), *current.args]
        pending.extend(item for item in wrapped if isinstance(item, BaseException))


def _reason(exc: BaseException) -> str:
    causes = list(_causes(exc))
    if any(isinstance(cause, FileNotFoundError) for cause in causes):
        return "no socket at that path"
    if any(isinstance(cause, PermissionError) for cause in causes):
        return "permission denied: is this user allowed to use the Docker socket?"
    if any(isinstance(cause, requests.Timeout | TimeoutError) for cause in causes):
        return "no answer in time"
    if any(isinstance(cause, requests.exceptions.ChunkedEncodingError) for cause in causes):
        return "the connection dropped mid-answer"
    return plain_reason(exc)

"""Network and socket failures in plain words, for the adapters' error messages.

A user reads "name does not resolve" or "connection refused", never a Python class name
(``gaierror``, ``ConnectionRefusedError``). :func:`plain_reason` looks through what an exception
wraps (``__cause__``, ``__context__``, urllib3's ``reason``, exception arguments) for the
innermost failure it recognises, by type and errno, never by message text. Standard library
only, so every adapter may use it.

>>> import socket
>>> plain_reason(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
'name does not resolve'
>>> plain_reason(ConnectionRefusedError(111, "Connection refused"))
'connection refused'
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator

_ERRNO_WORDS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ECONNABORTED: "connection aborted",
    errno.EPIPE: "connection closed",
    errno.ETIMEDOUT: "no answer in time",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ENETUNREACH: "network unreachable",
    errno.ENOENT: "no socket at that path",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def plain_reason(exc: BaseException, default: str = "the connection failed") -> str:
    """Why ``exc`` happened, in a few plain words (``default`` when nothing is recognised)."""
    found: str | None = None
    for inner in _chain(exc):  # outermost first; the innermost recognised failure wins
        words = _words(inner)
        if words is not None:
            found = words
    return found or default


def _words(exc: BaseException) -> str | None:  # noqa: PLR0911 - one answer per kind
    if isinstance(exc, socket.gaierror):
        if exc.errno == socket.EAI_AGAIN:
            return "name does not resolve (temporary failure in name resolution)"
        return "name does not resolve"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "TLS certificate not trusted"
    if isinstance(exc, ssl.SSLError):
        return "TLS handshake failed"
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    if isinstance(exc, OSError) and exc.errno in _ERRNO_WORDS:
        return _ERRNO_WORDS[exc.errno]
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "connection reset"
    if isinstance(exc, FileNotFoundError):
        return "no socket at that path"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:]
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps, outermost first (at most 32, each once)."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending and len(seen) < 32:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [
            current.__cause__,
            current.__context__,
            getattr(current, "reason", None),
            *current.args,
        ]
        pending.extend(item for item in wrapped if isinstance(item, BaseException))

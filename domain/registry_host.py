"""Registry hosts as go-containerregistry judges them: which are valid, which speak plain HTTP.

Validity is not a hostname grammar. ``pkg/name`` accepts a registry when Go's
``url.Parse("//" + registry).Host == registry``, and that comes down to (Go's ``net/url``
``parseHost``, ``unescape(…, encodeHost)`` and ``validOptionalPort``, and ``net/netip``):

* every ASCII character is a letter, a digit or one of ``-._~!$&'()*+,;=:[]<>"``; any non-ASCII
  character is kept (Go checks bytes, and only those below 0x80). ``%`` is always fatal: an escape
  changes the host, a bad one is an error;
* without brackets, what follows the last ``:`` is ASCII digits, possibly none (``localhost:``),
  with no range check (``host:99999``);
* ``[`` may only be the first character; then ``[…]`` holds an IPv6 address (as ``netip`` parses
  it, and not a plain IPv4 one), followed by nothing or ``:`` and ASCII digits. ``]`` elsewhere is
  an ordinary character (``a]b.com`` is valid).

>>> registry_problem("localhost:5000") is None
True
>>> registry_problem("foo:bar")
"has a port that is not a number: 'bar'"
>>> registry_scheme("192.168.1.10:5000")
'http'

A port is not range-checked by the name rules (``host:99999`` is a valid reference, in Go too);
Go's dialer refuses it when it is used ("invalid port"). :func:`registry_port` is that check, for
adapters to call before they build a URL, so the refusal is an
:class:`~domain.errors.InvalidReferenceError` and not an error of a URL library.
"""

from __future__ import annotations

import re
from typing import Final

from domain.errors import InvalidReferenceError

_HOST_ASCII: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:[]<>\""
)
_DIGITS: Final = "0123456789"
_HEX: Final = frozenset("0123456789abcdefABCDEF")
_SIMPLE_HOST: Final = re.compile(r"[A-Za-z0-9.-]*(?::[0-9]*)?").fullmatch
# Registry.Scheme()'s patterns. Go's '$' is the end of the text and its '\d' is ASCII.
_LOCALHOST_SUFFIX: Final = re.compile(r"\.localhost(?::[0-9]{1,5})?\Z").search
_LOOPBACK: Final = re.compile(r"127\.0\.0\.1(?::[0-9]{1,5})?").fullmatch
_IPV6_LOOPBACK: Final = re.compile(r"::1|\[::1\](?::[0-9]{1,5})?").fullmatch


def registry_problem(registry: str) -> str | None:
    """Why Go's ``url.Parse("//" + registry).Host != registry``, or None when it is equal.

    The empty registry is valid (the default registry is used then).
    """
    if _SIMPLE_HOST(registry) is not None:
        return None
    bad = next((c for c in registry if c < "\x80" and c not in _HOST_ASCII), None)
    if bad is not None:
        return f"contains {bad!r}, which a host cannot hold"
    open_bracket = registry.rfind("[")
    if open_bracket == 0:
        return _ip_literal_problem(registry)
    if open_bracket > 0:
        return "has '[' after its start (only an IPv6 literal '[…]' may use brackets)"
    colon = registry.rfind(":")
    if colon >= 0 and registry[colon + 1 :].lstrip(_DIGITS):
        return f"has a port that is not a number: {registry[colon + 1 :]!r}"
    return None


_MAX_PORT: Final = 65535


def registry_port(registry: str) -> int | None:
    """The port a valid registry name gives (``None`` for none, or for an empty one such as
    ``localhost:``, where the scheme's default port is used, as Go does).

    >>> registry_port("localhost:5000"), registry_port("[::1]:443"), registry_port("r8.im")
    (5000, 443, None)

    Raises:
        InvalidReferenceError: the port is above 65535 (Go's dialer: "invalid port").
    """
    head, colon, port = registry.rpartition(":")
    if not colon or (head.startswith("[") and not head.endswith("]")) or not _is_digits(port):
        return None  # no port, a bare IPv6 literal's own colons, or not a port (invalid name)
    digits = port.lstrip("0") or "0"
    if len(digits) > len(str(_MAX_PORT)) or int(digits) > _MAX_PORT:
        raise InvalidReferenceError(registry, f"port {port} is out of range (0-{_MAX_PORT})")
    return int(digits)


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def registry_scheme(registry: str) -> str:
    """Go's ``Registry.Scheme()`` for a registry not marked insecure: ``http`` or ``https``.

    ``http`` for RFC 1918 IPv4 addresses (judged on the text before the first ``:``), for
    ``localhost:…`` (bare ``localhost`` is https), ``*.localhost[:port]``, ``127.0.0.1[:port]``,
    ``::1`` and ``[::1][:port]``, with ports of 1-5 digits.
    """
    if "0" <= registry[:1] <= "9" and _is_rfc1918(registry.partition(":")[0]):
        return "http"
    if registry.startswith("localhost:"):
        return "http"
    if "localhost" in registry and _LOCALHOST_SUFFIX(registry):
        return "http"
    if _LOOPBACK(registry) or _IPV6_LOOPBACK(registry):
        return "http"
    return "https"


def _is_rfc1918(host: str) -> bool:
    octets = _ipv4(host)
    if octets is None:
        return False
    first, second = octets[0], octets[1]
    return first == 10 or (first == 172 and 16 <= second <= 31) or (first == 192 and second == 168)


def _ipv4(text: str) -> list[int] | None:
    """Go's strict dotted quad (``netip``): four fields of 0-255, no leading zeros."""
    fields = text.split(".")
    if len(fields) != 4:
        return None
    octets = []
    for part in fields:
        if not part or len(part) > 3 or part.lstrip(_DIGITS) or (part[0] == "0" and len(part) > 1):
            return None
        value = int(part)
        if value > 255:
            return None
        octets.append(value)
    return octets


def _ip_literal_problem(registry: str) -> str | None:
    close = registry.rfind("]")
    if close < 0:
        return "has '[' without ']'"
    port = registry[close + 1 :]
    if port and (port[0] != ":" or port[1:].lstrip(_DIGITS)):
        return f"has {port!r} after ']', which is not ':' and a port number"
    if not _is_ipv6(registry[1:close]):
        return f"brackets {registry[1:close]!r}, which is not an IPv6 address"
    return None


def _is_ipv6(text: str) -> bool:
    """Whether Go's ``netip.ParseAddr`` reads ``text`` as an IPv6 address (zones aside).

    ParseAddr reads IPv4 when a '.' comes before any ':', and a bracketed IPv4 is refused. An
    IPv6 address is groups of 1-4 hex digits, with at most one '::' standing for at least one
    zero group; the last two groups may be written as a dotted IPv4 address at the very end.
    """
    if ":" not in text or ("." in text and text.index(".") < text.index(":")):
        return False
    head, ellipsis, tail = text.partition("::")
    left = head.split(":") if head else []
    right = tail.split(":") if tail else []
    last = right if ellipsis else left
    count = len(left) + len(right)
    if last and "." in last[-1]:
        if _ipv4(last[-1]) is None:
            return False
        last[-1] = "0"
        count += 1
    if not all(0 < len(group) <= 4 and _HEX.issuperset(group) for group in left + right):
        return False
    return count < 8 if ellipsis else count == 8

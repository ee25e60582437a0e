"""Text from outside, made safe to show: credentials redacted, terminal controls escaped.

Error messages quote what the outside world said: a ``DOCKER_HOST`` URL, a registry's error
body, a label's value, a file name. Two things in such text must never reach a user's terminal
or a log as they are:

* **credentials**: :func:`redact` replaces them with ``***``. It knows the places they hide:
  the user information of a URL (``tcp://user:***@host``), ``Authorization`` and
  ``Proxy-Authorization`` headers in any spelling (``Authorization: Basic …``, Go's
  ``"Authorization":["Bearer …"]``), a ``Basic`` credential anywhere (base64 of
  ``user:password``), a long ``Bearer`` token anywhere, JSON fields and form or query
  parameters named like secrets (``"password"``, ``"token"``, ``access_token=…``,
  ``"identitytoken"``, Docker's ``"auth"``), and any value the caller knows to be secret
  (``known=``). Redaction errs on the side of hiding: ``token: expired`` loses its word.
* **terminal controls**: :func:`escape_controls` writes every control character (C0, DEL, C1,
  and the Unicode bidirectional and line-separator controls) as a visible escape such as
  ``\\x1b`` or ``\\u202e``, so a label cannot clear the screen, retitle the window or reorder
  what is shown; a lone surrogate, which no output encoding can write, becomes ``\\udc80``.

:func:`shown` does both, in that order; it is what an error message or the CLI applies to any
outside text. All three take time linear in the text.

>>> shown("registry said: Authorization: Basic dXNlcjpzM2NyZXQ= \\x1b[2J")
'registry said: Authorization: Basic *** \\\\x1b[2J'
>>> redact("DOCKER_HOST=tcp://alice:hunter2@10.0.0.5:2376")
'DOCKER_HOST=tcp://alice:***@10.0.0.5:2376'
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from typing import Final

__all__ = ["MASK", "escape_controls", "redact", "shown"]

MASK: Final = "***"

# scheme://userinfo@ — userinfo holds no '/', '?', '#', '@' or whitespace (RFC 3986).
_URL_USERINFO: Final = re.compile(
    r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]{0,31}://)(?P<user>[^\s/?#@:\"'<>]*)"
    r"(?::(?P<password>[^\s/?#@\"'<>]*))?@"
)
# An Authorization header's value in any spelling: "Authorization: Basic x", "authorization=x",
# Go's http.Header dump '"Authorization":["Bearer x"]', Python's "'Authorization': 'Bearer x'".
_AUTH_HEADER: Final = re.compile(
    r"(?P<key>\b(?:proxy-)?authorization[\"']?\s*[:=]\s*\[?\s*[\"']?)"
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9_-]*)\s+)?(?P<value>[^\s\"',\]\}]+)",
    re.IGNORECASE,
)
# Auth schemes are case-insensitive (RFC 7235): "basic dXNl…" is as much a credential.
_BASIC: Final = re.compile(r"\b(?P<key>Basic\s+)(?P<value>[A-Za-z0-9+/]{4,}={0,2})", re.IGNORECASE)
# A bearer token is long and never a plain word ("Bearer realm=…" is a challenge, not a token).
_BEARER: Final = re.compile(
    r"\b(?P<key>Bearer\s+)(?P<value>[A-Za-z0-9._~+/=-]{16,})", re.IGNORECASE
)
# Names of fields that hold secrets (not secrets themselves).
_SECRET_NAMES: Final = "|".join(
    (
        *("password", "passwd", "pass", "secret", "client_secret", "token", "access_token"),
        *("refresh_token", "id_token", "identitytoken", "registrytoken", "api_key", "apikey"),
        "auth",
    )
)
# A JSON (or Python repr) field: "password": "x", 'token': 'x', "auth": "x".
_QUOTED_FIELD: Final = re.compile(
    rf"(?P<key>(?P<q>[\"'])(?:{_SECRET_NAMES})(?P=q)\s*:\s*)"
    r"(?P<value>\"[^\"\\]*(?:\\.[^\"\\]*)*\"|'[^']*'|[^\s,}\]]+)",
    re.IGNORECASE,
)
# A form, query or "key: value" field; "auth" is too common a word to count here.
_PLAIN_FIELD: Final = re.compile(
    r"(?P<key>\b(?:password|passwd|secret|client_secret|token|access_token|refresh_token"
    r"|id_token|identitytoken|registrytoken|api_key|apikey)\s*[:=]\s*)(?P<value>[^\s&,;\"'}\]]+)",
    re.IGNORECASE,
)
_SHORTEST_KNOWN: Final = 4  # a "secret" shorter than this would mask ordinary words

# C0 controls, DEL, C1 controls, bidirectional controls, the Unicode line separators, and lone
# surrogates (a str can hold one; no terminal encoding can write it).
_OTHERS: Final = "\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROLS: Final = re.compile(f"[\x00-\x0a{_OTHERS}]")
_CONTROLS_BUT_LINES: Final = re.compile(f"[\x00-\x08{_OTHERS}]")
_NAMED: Final = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def redact(text: str, *, known: Iterable[str] = ()) -> str:
    """``text`` with every credential it holds replaced by ``***`` (see the module docstring).

    ``known`` are values the caller knows to be secret (the password or token it sent);
    each is masked wherever it appears, however it is framed. Values shorter than four
    characters are ignored there, since masking them would mangle ordinary words.

    >>> redact('{"errors":[{"detail":{"Authorization":["Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"]}}]}')
    '{"errors":[{"detail":{"Authorization":["Bearer ***"]}}]}'
    >>> redact("https://x.io/token?scope=repo&access_token=abc123&x=1")
    'https://x.io/token?scope=repo&access_token=***&x=1'
    >>> redact("pushing as alice", known=["alice"])
    'pushing as ***'
    """
    for secret in sorted({k for k in known if len(k) >= _SHORTEST_KNOWN}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL_USERINFO.sub(_mask_userinfo, text)
    text = _AUTH_HEADER.sub(_mask_header, text)
    text = _BASIC.sub(_mask_basic, text)
    text = _BEARER.sub(lambda m: m["key"] + MASK, text)
    text = _QUOTED_FIELD.sub(_mask_field, text)
    return _PLAIN_FIELD.sub(lambda m: m["key"] + MASK, text)


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with each control character written as a visible escape.

    ``\\t``, ``\\n`` and ``\\r`` are written so; other characters as ``\\xNN`` (up to U+00FF)
    or ``\\uNNNN``. With ``keep_newlines``, ``\\n`` and ``\\t`` stay as they are (for
    multi-line output such as a table or a log); ``\\r`` is escaped either way, since it lets
    a line overwrite what came before it.

    >>> escape_controls("ok\\x1b]0;pwned\\x07 \\u202egnp.exe\\nnext")
    'ok\\\\x1b]0;pwned\\\\x07 \\\\u202egnp.exe\\\\nnext'
    >>> escape_controls("a\\tb\\nc\\rd", keep_newlines=True)
    'a\\tb\\nc\\\\rd'
    """
    pattern = _CONTROLS_BUT_LINES if keep_newlines else _CONTROLS
    return pattern.sub(_escape, text)


def shown(text: str, *, known: Iterable[str] = (), keep_newlines: bool = False) -> str:
    """``text`` as it may be shown: :func:`redact`, then :func:`escape_controls`."""
    return escape_controls(redact(text, known=known), keep_newlines=keep_newlines)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _mask_userinfo(match: re.Match[str]) -> str:
    if match["password"] is not None:  # user:password@ keeps the user, who is no secret
        return f"{match['scheme']}{match['user']}:{MASK}@"
    if not match["user"]:
        return match.group()
    return f"{match['scheme']}{MASK}@"  # a lone user part is often a token (https://TOKEN@host)


def _mask_header(match: re.Match[str]) -> str:
    scheme = f"{match['scheme']} " if match["scheme"] else ""
    return f"{match['key']}{scheme}{MASK}"


def _mask_basic(match: re.Match[str]) -> str:
    # Only a real credential: base64 of "user:password". "Basic authentication" stays.
    try:
        decoded = base64.b64decode(match["value"] + "==", validate=False)
    except (binascii.Error, ValueError):
        return match.group()
    return match["key"] + MASK if b":" in decoded else match.group()


def _mask_field(match: re.Match[str]) -> str:
    value = match["value"]
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match['key']}{quote}{MASK}{quote}"

"""Input and output values that are not plain JSON: files, and text still to be typed.

A caller names an input file by path (:class:`LocalFile`); an adapter reads it into an
:class:`InputFile`, which travels to the model as a base64 ``data:`` URL, as ``cog predict``
sends it. A ``-i NAME=VALUE`` flag is text (:class:`FlagValue`) until the model's schema says
which type it is. A file the model returns comes back as a ``data:`` URL (Cog's runtime encodes
every file output so when no upload URL is set) and is decoded into an :class:`OutputFile`.
"""

from __future__ import annotations

import base64
import binascii
import urllib.parse
from dataclasses import dataclass, field

from domain.errors import ProtocolError


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file on the caller's machine to send as an input (``-i image=@photo.png``)."""

    path: str


@dataclass(frozen=True, slots=True)
class FlagValue:
    """An input given as text on the command line; each repetition of the name adds a text."""

    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class InputFile:
    """A file read for sending: its name (as given), bytes and media type."""

    name: str
    content: bytes = field(repr=False)
    media_type: str = "application/octet-stream"

    def data_url(self) -> str:
        """The file as Cog sends it: ``data:<media type>;base64,<content>``."""
        return data_url(self.content, self.media_type)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputFile:
    """A file a model returned: its bytes and media type."""

    content: bytes = field(repr=False)
    media_type: str = "application/octet-stream"


def data_url(content: bytes, media_type: str) -> str:
    """``content`` as a base64 ``data:`` URL.

    >>> data_url(b"hi", "text/plain")
    'data:text/plain;base64,aGk='
    """
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def is_data_url(value: object) -> bool:
    """Whether ``value`` is a string of the form ``data:…,…``."""
    return isinstance(value, str) and value.startswith("data:") and "," in value


def decode_data_url(url: str) -> OutputFile:
    """The file a ``data:`` URL holds (base64 or percent-encoded).

    A media type of ``None`` (what old Cog runtimes wrote when they could not guess one) means
    none, as Cog's own decoder treats it.

    >>> decode_data_url("data:text/plain;base64,aGk=")
    OutputFile(media_type='text/plain')

    Raises:
        ProtocolError: not a well-formed data URL (the model's answer is malformed).
    """
    header, comma, payload = url.partition(",")
    if not url.startswith("data:") or not comma:
        raise ProtocolError("model", "the model returned a malformed data URL")
    params = header[len("data:") :].split(";")
    media_type = params[0] if params[0] not in ("", "None") else "application/octet-stream"
    if "base64" not in params[1:]:
        return OutputFile(content=urllib.parse.unquote_to_bytes(payload), media_type=media_type)
    try:
        content = base64.b64decode(payload, validate=True)
    except binascii.Error as exc:
        raise ProtocolError("model", "the model returned a data URL that is not base64") from exc
    return OutputFile(content=content, media_type=media_type)

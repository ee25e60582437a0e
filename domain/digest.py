"""Content addresses and daemon image ids.

A :class:`Digest` is an OCI content address, ``<algorithm>:<hex>``: ``sha256`` with 64 lower-case
hex characters, or ``sha512`` with 128 (the algorithms the OCI image spec registers). It is a
``str`` subclass, so it compares equal to its text and serialises as itself, but it can only be
made by passing the validation in :meth:`Digest.parse`.

An :class:`ImageId` is what a user types to name a local image by id: a full ``sha256:<64 hex>``
or a short lower-case hex prefix, with or without ``sha256:``. The image id of an image *is* the
digest of its config blob, so a full ``ImageId`` converts to a ``Digest``.

>>> Digest.parse("sha256:" + "a" * 64).algorithm
'sha256'
>>> ImageId.parse("9056219a5fb2").is_full
False
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from domain.errors import InvalidDigestError

if TYPE_CHECKING:
    import hashlib

_HEX_LENGTHS: Final = {"sha256": 64, "sha512": 128}
_LOWER_HEX = re.compile(r"[0-9a-f]+")


class Digest(str):
    """A validated OCI content digest such as ``sha256:<64 hex>``."""

    __slots__ = ()

    def __new__(cls, text: str) -> Digest:
        algorithm, sep, hex_part = text.partition(":")
        if not sep:
            raise InvalidDigestError(text, "a digest is <algorithm>:<hex>, and the ':' is missing")
        length = _HEX_LENGTHS.get(algorithm)
        if length is None:
            raise InvalidDigestError(
                text, f"unsupported algorithm {algorithm!r} (expected sha256 or sha512)"
            )
        if len(hex_part) != length or not _LOWER_HEX.fullmatch(hex_part):
            raise InvalidDigestError(
                text, f"a {algorithm} digest has exactly {length} lower-case hex characters"
            )
        return super().__new__(cls, text)

    @classmethod
    def parse(cls, text: str) -> Digest:
        """Validate ``text`` as a digest.

        Raises:
            InvalidDigestError: unknown algorithm, wrong length, or characters outside [0-9a-f].
        """
        return cls(text)

    @classmethod
    def of(cls, content: bytes, algorithm: str = "sha256") -> Digest:
        """The digest of ``content`` (``sha256`` unless told otherwise)."""
        if algorithm not in _HEX_LENGTHS:
            raise InvalidDigestError(algorithm, "unsupported algorithm")
        return cls(f"{algorithm}:{_hasher(algorithm, content).hexdigest()}")

    @property
    def algorithm(self) -> str:
        """``sha256`` or ``sha512``."""
        return self.partition(":")[0]

    @property
    def hex(self) -> str:
        """The hex part, without the algorithm."""
        return self.partition(":")[2]

    def short(self, length: int = 12) -> str:
        """The first ``length`` hex characters, as ``docker images`` shows ids."""
        return self.hex[:length]

    def matches(self, content: bytes) -> bool:
        """Whether ``content`` hashes to this digest."""
        return _hasher(self.algorithm, content).hexdigest() == self.hex


class ImageId(str):
    """A local image id as a user types it: full (``sha256:<64 hex>``) or a short hex prefix."""

    __slots__ = ()

    def __new__(cls, text: str) -> ImageId:
        hex_part = text.removeprefix("sha256:")
        if not hex_part:
            raise InvalidDigestError(text, "an image id needs at least one hex character")
        if len(hex_part) > 64 or not _LOWER_HEX.fullmatch(hex_part):
            raise InvalidDigestError(
                text, "an image id is [sha256:] followed by 1 to 64 lower-case hex characters"
            )
        return super().__new__(cls, text)

    @classmethod
    def parse(cls, text: str) -> ImageId:
        """Validate ``text`` as a full or short image id.

        Raises:
            InvalidDigestError: empty, too long, or not lower-case hex.
        """
        return cls(text)

    @property
    def hex(self) -> str:
        """The hex characters, without ``sha256:``."""
        return self.removeprefix("sha256:")

    @property
    def is_full(self) -> bool:
        """Whether all 64 hex characters are given."""
        return len(self.hex) == 64

    def to_digest(self) -> Digest:
        """The full id as a :class:`Digest`.

        Raises:
            InvalidDigestError: the id is short.
        """
        if not self.is_full:
            raise InvalidDigestError(str(self), "a short image id is not a full digest")
        return Digest(f"sha256:{self.hex}")

    def matches(self, digest: Digest) -> bool:
        """Whether this (possibly short) id names the image whose id is ``digest``."""
        return digest.algorithm == "sha256" and digest.hex.startswith(self.hex)


def _hasher(algorithm: str, content: bytes) -> hashlib._Hash:
    # hashlib loads OpenSSL (a few ms); parse_ref imports this module and never hashes.
    import hashlib  # noqa: PLC0415

    return hashlib.new(algorithm, content)

"""Loose ``major.minor[.patch][+modifier]`` versions, compared the way Cog compares them.

Cog's ``pkg/util/version`` is used for CUDA, cuDNN, torch and Python versions alike. Its rules,
kept here: at most three numeric parts, a missing minor is 0, a missing patch is "absent" (it
compares as 0 but :func:`matches` ignores it), anything after the first ``+`` is a modifier
(``1.13.1+cu116``) that only :func:`equal` looks at. Where Cog panics on text that is not a
version (``MustVersion``), these functions answer as Cog HEAD's do (it stopped panicking):
:func:`parse_version` returns ``None``, and a comparison with ``None`` is false, except that
:func:`equal` and :func:`greater_or_equal` fall back to comparing the texts.

>>> matches("12.4", "12.4.1"), matches("12.4.0", "12.4.1")
(True, False)
>>> greater("11.10", "11.8")
True
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_NUMBER = re.compile(r"[+-]?[0-9]+")
_INT64_DIGITS = 19  # len(str(2**63 - 1))
INT64 = range(-(2**63), 2**63)


def go_atoi(text: str) -> int | None:
    """Go's ``strconv.Atoi`` on a 64-bit platform: an optionally signed decimal integer within
    64 bits, else ``None``. Text of any length is judged without converting it whole (Python's
    ``int()`` refuses more than 4,300 digits).

    >>> go_atoi("+12"), go_atoi("9223372036854775808"), go_atoi("1" * 5000), go_atoi("1.0")
    (12, None, None, None)
    """
    if not _NUMBER.fullmatch(text):
        return None
    if len(text.lstrip("+-").lstrip("0")) > _INT64_DIGITS:
        return None
    value = int(text)
    return value if value in INT64 else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Version:
    """A parsed loose version. ``patch`` is ``None`` when the text had no patch part."""

    major: int
    minor: int
    patch: int | None
    modifier: str

    @property
    def patch_number(self) -> int:
        """The patch, 0 when absent."""
        return self.patch or 0

    def key(self) -> tuple[int, int, int]:
        """The ordering key: major, minor, patch (absent patch = 0); the modifier is ignored."""
        return (self.major, self.minor, self.patch_number)


@functools.lru_cache(maxsize=4096)
def parse_version(text: str) -> Version | None:
    """Parse ``text`` as Go's ``version.NewVersion`` does, or ``None`` where Go errors."""
    number, plus, modifier = text.partition("+")
    parts = number.split(".")
    values = [go_atoi(part) for part in parts]
    if len(parts) > 3 or None in values:
        return None
    numbers = [value for value in values if value is not None]
    return Version(
        major=numbers[0],
        minor=numbers[1] if len(numbers) > 1 else 0,
        patch=numbers[2] if len(numbers) > 2 else None,
        modifier=modifier if plus else "",
    )


def matches(a: str, b: str) -> bool:
    """Same major and minor; patches must agree only when both sides have one."""
    va, vb = parse_version(a), parse_version(b)
    if va is None or vb is None or (va.major, va.minor) != (vb.major, vb.minor):
        return False
    return va.patch is None or vb.patch is None or va.patch == vb.patch


def greater(a: str, b: str) -> bool:
    """``a`` is strictly newer than ``b`` (modifiers ignored; absent patch = 0)."""
    va, vb = parse_version(a), parse_version(b)
    return va is not None and vb is not None and va.key() > vb.key()


def equal(a: str, b: str) -> bool:
    """Same major, minor, patch (absent = 0) and modifier; unparsable sides compare as text
    (Cog HEAD's ``Equal``, where 0447eb11 panicked)."""
    va, vb = parse_version(a), parse_version(b)
    if va is None or vb is None:
        return a == b
    return (va.key(), va.modifier) == (vb.key(), vb.modifier)


def equal_minor(a: str, b: str) -> bool:
    """Same major and minor."""
    va, vb = parse_version(a), parse_version(b)
    return va is not None and vb is not None and va.key()[:2] == vb.key()[:2]


def greater_or_equal(a: str, b: str) -> bool:
    """``a >= b`` as Cog's ``GreaterOrEqual``: unparsable sides compare as text equality.

    Quirk kept from Cog: equality includes the modifier, so ``1.13.1+cu116`` is *not*
    ``>= 1.13.1``.
    """
    va, vb = parse_version(a), parse_version(b)
    if va is None or vb is None:
        return a == b
    return va.key() > vb.key() or (va.key(), va.modifier) == (vb.key(), vb.modifier)


def strip_modifier(text: str) -> str:
    """``text`` without its ``+modifier``."""
    return text.partition("+")[0]


def major_minor(text: str) -> str:
    """``major.minor`` of ``text`` (Cog's ``StripPatch``), or ``text`` itself if unparsable."""
    version = parse_version(text)
    return f"{version.major}.{version.minor}" if version else text

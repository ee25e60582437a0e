"""The Cog SDK version gate of static schema generation (cog-spec §5.2 step 1).

Schemas generated from source describe what SDK 0.17.0 and later serve. A build that pins an
older SDK — ``COG_SDK_WHEEL=pypi:<version>``, or else cog.yaml's ``build.sdk_version`` (the
``prerelease`` sentinel pins nothing) — is refused. Only the ``MAJOR.MINOR.PATCH`` prefix
counts (``0.16.12rc1`` is 0.16.12); a version that does not parse is not refused. Reading the
environment is the caller's job: it passes the variable's value.
"""

from __future__ import annotations

import re

from domain.openapi.kinds import SchemaErrorKind, fail

__all__ = ["MINIMUM_SDK_VERSION", "check_sdk_version"]

MINIMUM_SDK_VERSION = (0, 17, 0)
_BASE = re.compile(r"^(\d+\.\d+\.\d+)")
_NUMBER = re.compile(r"^\d+$")
_INT64_DIGITS = 19


def check_sdk_version(sdk_version: str | None, sdk_wheel: str | None = None) -> None:
    """Refuse an explicitly pinned SDK older than 0.17.0.

    ``sdk_wheel`` is ``$COG_SDK_WHEEL``; when it is set, it alone decides (a wheel from a file
    or URL pins no version). ``sdk_version`` is ``build.sdk_version``.

    >>> check_sdk_version("0.17.0", None)
    >>> check_sdk_version("0.16.12", "pypi:0.17.0")

    Raises:
        SchemaError: SDK_TOO_OLD.
    """
    pinned = _pinned(sdk_version, sdk_wheel)
    if pinned is None:
        return
    match = _BASE.match(pinned)
    parsed = _parse(match.group(1) if match else pinned)
    if parsed is not None and parsed < MINIMUM_SDK_VERSION:
        fail(
            SchemaErrorKind.SDK_TOO_OLD,
            f"SDK version {pinned} is not supported by static schema generation; "
            "use 0.17.0 or newer",
        )


def _pinned(sdk_version: str | None, sdk_wheel: str | None) -> str | None:
    if sdk_wheel:
        wheel = sdk_wheel.strip()
        if wheel[:5].lower() == "pypi:" and wheel[5:]:
            return wheel[5:]
        return None
    if sdk_version and sdk_version != "prerelease":
        return sdk_version
    return None


def _parse(text: str) -> tuple[int, int, int] | None:
    """Cog's version parse: up to three dot-separated integers, ``+metadata`` ignored."""
    parts = text.split("+", 1)[0].split(".")
    if len(parts) > 3 or not all(_NUMBER.match(part) for part in parts):
        return None
    # Go's Atoi refuses more than 64 bits (and int() more than 4,300 digits).
    if any(len(part.lstrip("0")) > _INT64_DIGITS or int(part) >= 2**63 for part in parts):
        return None
    numbers = [int(part) for part in parts] + [0] * (3 - len(parts))
    return numbers[0], numbers[1], numbers[2]

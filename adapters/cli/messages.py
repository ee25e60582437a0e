"""The one line an error becomes on stderr, in the user's terms.

An error's own message says what failed (the adapters phrase it so; their names, ``docker`` or
``registry``, are for code). What this adds is context a single error cannot know: when a look-up
fell back (the engine first, then the registry) and the last place failed too, the line says
first that the image was not found where it was looked for first (``CogModelError.misses``),
then what the last place said.
"""

from __future__ import annotations

from domain.errors import CogModelError, ImageNotFoundError
from domain.image_source import ImageSource

_WHERE = {ImageSource.LOCAL: "locally", ImageSource.REMOTE: "in the registry"}
_ASKING = {ImageSource.LOCAL: "asking the registry", ImageSource.REMOTE: "asking the local engine"}


def describe(error: BaseException) -> str:
    """``error`` as one line (whitespace folded), with the misses before it."""
    text = one_line(error)
    misses = error.misses if isinstance(error, CogModelError) else ()
    if not misses:
        return text
    if isinstance(error, ImageNotFoundError):
        places = [_WHERE.get(m.location, str(m.location.value)) for m in misses]
        places.append(_WHERE.get(error.location, str(error.location.value)))
        detail = f": {error.detail}" if error.detail else ""
        return f"image {error.ref} not found {', nor '.join(places)}{detail}"
    last = misses[-1]
    asking = _ASKING.get(last.location, "then")
    return f"{one_line(last)}; {asking}: {text}"


def one_line(error: BaseException) -> str:
    """The error's message on one line (its type's name if it has none)."""
    return " ".join(str(error).split()) or type(error).__name__

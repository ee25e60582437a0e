"""Progress reports from long operations (build, pull, push) to whoever shows them.

Backends call a :data:`ProgressSink` with :class:`ProgressEvent` values; the command line turns
them into bars on a terminal and plain lines elsewhere. A sink must not raise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgressEvent:
    """One step of progress.

    Attributes:
        message: a human line (``Step 3/9 : RUN pip install …``, ``Pushed``).
        item: what the line is about (a layer id), or ``None`` for the whole operation.
        current: bytes or steps done, when known.
        total: bytes or steps in all, when known.
    """

    message: str
    item: str | None = None
    current: int | None = None
    total: int | None = None


ProgressSink = Callable[[ProgressEvent], None]


def discard_progress(event: ProgressEvent) -> None:
    """A sink that drops every event."""

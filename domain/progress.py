"""Progress reports from long operations (build, pull, push) to whoever shows them.

Backends call a :data:`ProgressSink` with :class:`ProgressEvent` values; the command line turns
them into a compact display, plain log lines or nothing. A sink must not raise.

Most events are OUTPUT: a line of the operation's own output (a build log line), or, with an
``item``, the state of one item (a layer being pulled). A build also says, as it goes, what its
output means, so that a display need not read the log: a STEP begins (``current``/``total`` are
its number and the step count, ``message`` its instruction, ``item`` a key naming it), and the
step then turns out CACHED (taken from the layer cache) or RAN (actually executed). A NOTE is a
line for people (a warning) that every display but a quiet one shows.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass


class ProgressKind(enum.Enum):
    """What an event says (see the module docstring)."""

    OUTPUT = "output"
    STEP = "step"
    CACHED = "cached"
    RAN = "ran"
    NOTE = "note"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgressEvent:
    """One step of progress.

    Attributes:
        message: a human line (``Step 3/9 : RUN pip install …``, ``Pushed``), or a step's
            instruction for a STEP.
        item: what the line is about (a layer id; a build step's key), or ``None`` for the whole
            operation.
        current: bytes or steps done (a STEP's number), when known.
        total: bytes or steps in all, when known.
        kind: what the event says; OUTPUT unless told.
    """

    message: str
    item: str | None = None
    current: int | None = None
    total: int | None = None
    kind: ProgressKind = ProgressKind.OUTPUT


ProgressSink = Callable[[ProgressEvent], None]


def discard_progress(event: ProgressEvent) -> None:
    """A sink that drops every event."""

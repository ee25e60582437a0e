"""The relay between the build backend and whichever display shows the current operation.

Its own module, free of the displays, so that every command's context can hold one without
importing them (``ref`` and ``--help`` must start fast).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.progress import ProgressEvent, ProgressSink


class ProgressRelay:
    """A sink that forwards to whichever display is current (or drops events when none is).

    The build backend is made once with one sink; the command line points this relay at the
    display of each operation (:func:`relayed`).
    """

    def __init__(self) -> None:
        self.target: ProgressSink | None = None

    def __call__(self, event: ProgressEvent) -> None:
        target = self.target
        if target is not None:
            target(event)

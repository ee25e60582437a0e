"""Warnings the adapters log (``logging``), shown by the command line as ``warning: …`` lines.

One handler on the root logger while any command or display wants warnings; each record goes,
as a NOTE :class:`~domain.progress.ProgressEvent`, to the innermost display that asked
(:func:`warnings_to`), so a warning during a build is shown by the build's display (held back
with it, or dropped in quiet mode). Every command but ``ref`` runs inside
:func:`warnings_shown`, so this module is on every command's path: the event type and the
escaping code are loaded when a warning is first logged, not before (``inspect --remote``
usually logs none).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from domain.progress import ProgressEvent, ProgressSink


class _Warnings(logging.Handler):
    """Warnings, as NOTE events, to the innermost display that takes them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.targets: list[ProgressSink] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not self.targets:
            return
        try:
            text = " ".join(record.getMessage().split())
        except (TypeError, ValueError):
            text = str(record.msg)
        from domain.progress import ProgressEvent, ProgressKind
        from domain.safe_text import shown

        # Warnings quote what engines and registries said: redacted and escaped, always.
        self.targets[-1](ProgressEvent(message=f"warning: {shown(text)}", kind=ProgressKind.NOTE))


_WARNINGS = _Warnings()


@contextlib.contextmanager
def warnings_to(display: ProgressSink) -> Iterator[None]:
    """Logged warnings go to ``display`` inside the block (the innermost block wins)."""
    root = logging.getLogger()
    if not _WARNINGS.targets:
        root.addHandler(_WARNINGS)
    _WARNINGS.targets.append(display)
    try:
        yield
    finally:
        _WARNINGS.targets.remove(display)
        if not _WARNINGS.targets:
            root.removeHandler(_WARNINGS)


@contextlib.contextmanager
def warnings_shown(stderr: TextIO) -> Iterator[None]:
    """For a whole command: warnings the adapters log become ``warning: …`` lines on
    ``stderr``, unless a display inside takes them (:func:`warnings_to`)."""

    def note(event: ProgressEvent) -> None:
        with contextlib.suppress(OSError, ValueError):  # a sink must not raise
            stderr.write(event.message + "\n")  # already escaped by the handler
            stderr.flush()

    with warnings_to(note):
        yield

"""Progress of builds, pulls and pushes: live bars on a terminal, plain lines otherwise.

Backends report :class:`~domain.progress.ProgressEvent` values to a sink. An event without an
``item`` is a line of its own (``Step 3/9 : RUN …``); an event with an ``item`` (a layer) updates
that item's line, with a bar when ``current``/``total`` are known. On a terminal the items' lines
are redrawn in place (at most ten times a second for byte counts); in plain mode an item's line
is printed only when its message changes, so logs stay short. Everything goes to stderr: stdout
is for results.

Mode: ``--progress`` if given, else ``$BUILDKIT_PROGRESS`` (as Cog), else ``auto``; ``auto`` is
``plain`` when ``TERM=dumb`` or stderr is not a terminal, else ``tty``; ``quiet`` shows nothing.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from adapters.cli.context import Context
    from domain.progress import ProgressEvent, ProgressSink

_MODES = ("auto", "plain", "tty", "quiet")
_BAR = 24
_REDRAW_EVERY = 0.1


def resolve_mode(ctx: Context, flag: str | None) -> str:
    """``tty``, ``plain`` or ``quiet`` for this run (see the module docstring)."""
    mode = flag or ctx.env.get("BUILDKIT_PROGRESS") or "auto"
    if mode not in _MODES:
        mode = "auto"
    if mode == "auto":
        if ctx.env.get("TERM") == "dumb":
            return "plain"
        isatty = getattr(ctx.stderr, "isatty", None)
        return "tty" if isatty is not None and isatty() else "plain"
    return mode


@contextlib.contextmanager
def progress_sink(ctx: Context, flag: str | None) -> Iterator[ProgressSink | None]:
    """A sink for one operation, or None for ``quiet``; the display is closed on exit."""
    mode = resolve_mode(ctx, flag)
    if mode == "quiet":
        yield None
        return
    display = TerminalProgress(ctx.stderr) if mode == "tty" else PlainProgress(ctx.stderr)
    try:
        yield display
    finally:
        display.close()


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


@contextlib.contextmanager
def relayed(ctx: Context, flag: str | None) -> Iterator[None]:
    """Show the build backend's progress (through ``ctx.progress_relay``) for one operation."""
    with progress_sink(ctx, flag) as sink:
        ctx.progress_relay.target = sink
        try:
            yield
        finally:
            ctx.progress_relay.target = None


@dataclass
class _Item:
    message: str
    current: int | None
    total: int | None


class PlainProgress:
    """Plain lines: each message once, and an item's line only when its message changes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, event: ProgressEvent) -> None:
        with self._lock:
            if event.item is None:
                self._write(event.message)
            elif self._last.get(event.item) != event.message:
                self._last[event.item] = event.message
                self._write(f"{_short(event.item)}: {event.message}")

    def close(self) -> None:
        """Nothing is pending in plain mode."""

    def _write(self, line: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # a sink must not raise
            self._stream.write(line.rstrip() + "\n")
            self._stream.flush()


class TerminalProgress:
    """Live lines on a terminal: finished messages scroll up, items redraw in place."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._items: dict[str, _Item] = {}
        self._drawn = 0  # lines of the live area currently on screen
        self._last_draw = 0.0
        self._lock = threading.Lock()

    def __call__(self, event: ProgressEvent) -> None:
        with self._lock:
            if event.item is None:
                self._draw(above=event.message)
                return
            old = self._items.get(event.item)
            self._items[event.item] = _Item(event.message, event.current, event.total)
            only_bytes = old is not None and old.message == event.message
            now = time.monotonic()
            if only_bytes and now - self._last_draw < _REDRAW_EVERY:
                return
            self._draw()

    def close(self) -> None:
        """Draw the final state and leave the cursor below it."""
        with self._lock:
            self._draw()
            self._drawn = 0

    def _draw(self, above: str | None = None) -> None:
        parts = []
        if self._drawn:
            parts.append(f"\x1b[{self._drawn}F")  # to the start of the live area
        parts.append("\x1b[J")  # clear it and everything below
        if above is not None:
            parts.append(above.rstrip() + "\n")
        lines = [self._line(key, item) for key, item in self._items.items()]
        parts.extend(line + "\n" for line in lines)
        self._drawn = len(lines)
        self._last_draw = time.monotonic()
        with contextlib.suppress(OSError, ValueError):
            self._stream.write("".join(parts))
            self._stream.flush()

    @staticmethod
    def _line(key: str, item: _Item) -> str:
        text = f"{_short(key)}: {item.message}"
        if item.total and item.current is not None:
            done = min(max(item.current / item.total, 0.0), 1.0)
            filled = int(done * _BAR)
            bar = "=" * filled + (">" if filled < _BAR else "") + " " * (_BAR - filled - 1)
            text += f" [{bar[:_BAR]}] {_size(item.current)}/{_size(item.total)}"
        return text


def _short(item: str) -> str:
    """Layer digests shortened the way docker shows them; other items as they are."""
    hex_part = item.removeprefix("sha256:")
    if len(hex_part) == 64 and all(c in "0123456789abcdef" for c in hex_part):
        return hex_part[:12]
    return item


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f}{unit}" if unit == "B" else f"{value:.1f}{unit}"
        value /= 1000
    return f"{value:.1f}GB"

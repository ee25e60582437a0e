"""Progress of builds, pulls and pushes: a compact display by default, plain lines for logs.

Backends report :class:`~domain.progress.ProgressEvent` values to a sink (see that module for
what the events say). Everything goes to stderr: stdout is for results. The displays:

- **compact** (``auto`` when stderr is not a terminal): a build shows one line per step that
  actually runs (``[11/28] RUN pip install …``), none for cached steps, and a last line with the
  time it took; a cached build shows nothing. A failed build first shows the last lines of the
  failing step's output. Pulled and pushed layers show a line when their state changes.
- **tty** (``auto`` on a terminal, or ``--progress tty``): the same, live: one status line
  redrawn in place (``[11/28] RUN pip install … 42.0s``: the step, its instruction, the time so
  far), layers with bars, and at the end only the last line.
- **plain** (for logs): every line of the build's own output, and each layer's state once.
- **quiet**: nothing.

Warnings the adapters log (``logging``) while a display is active are shown by it, as
``warning: …`` lines (in quiet mode, not at all). A display for ``exec``/``serve``/``run``
without IMAGE (``only_rebuilds``) stays silent, warnings included, unless a step actually runs.

Mode: ``--progress`` if given, else ``$BUILDKIT_PROGRESS`` (as Cog), else ``auto``; ``auto`` is
``plain`` when ``TERM=dumb`` (Cog's default there), ``tty`` when stderr is a terminal, else
``compact``.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TextIO

from domain.progress import ProgressEvent, ProgressKind
from domain.safe_text import escape_controls

if TYPE_CHECKING:
    from adapters.cli.context import Context
    from domain.progress import ProgressSink

_MODES = ("auto", "plain", "tty", "quiet")
_BAR = 24
_REDRAW_EVERY = 0.1
_TICK = 0.25
_FAILED_STEP_TAIL = 15
_INSTRUCTION_WIDTH = 100


def resolve_mode(ctx: Context, flag: str | None) -> str:
    """``tty``, ``compact``, ``plain`` or ``quiet`` for this run (see the module docstring)."""
    mode = flag or ctx.env.get("BUILDKIT_PROGRESS") or "auto"
    if mode not in _MODES:
        mode = "auto"
    if mode == "auto":
        if ctx.env.get("TERM") == "dumb":
            return "plain"
        isatty = getattr(ctx.stderr, "isatty", None)
        return "tty" if isatty is not None and isatty() else "compact"
    return mode


@contextlib.contextmanager
def progress_sink(
    ctx: Context, flag: str | None, *, only_rebuilds: bool = False, header: str | None = None
) -> Iterator[ProgressSink | None]:
    """A sink for one operation, or None for ``quiet``; the display is closed on exit (as
    failed when an exception leaves the block). ``header`` is the operation's first line
    (held back with the rest when ``only_rebuilds``)."""
    with _display(ctx, flag, only_rebuilds=only_rebuilds, header=header) as display:
        yield display


@contextlib.contextmanager
def _display(
    ctx: Context, flag: str | None, *, only_rebuilds: bool, header: str | None
) -> Iterator[PlainProgress | CompactProgress | None]:
    mode = resolve_mode(ctx, flag)
    if mode == "quiet":
        with _warnings_dropped():
            yield None
        return
    display: PlainProgress | CompactProgress
    if mode == "plain":
        display = PlainProgress(ctx.stderr)
    else:
        display = CompactProgress(ctx.stderr, live=mode == "tty", only_rebuilds=only_rebuilds)
    if header is not None:
        display(ProgressEvent(message=header, kind=ProgressKind.NOTE))
    failed = True
    try:
        with _warnings_to(display):
            yield display
        failed = False
    finally:
        display.close(failed=failed)


class Shown:
    """Whether an operation's display showed it (so its outcome is worth announcing)."""

    def __init__(self, display: PlainProgress | CompactProgress | None) -> None:
        self._display = display

    def __bool__(self) -> bool:
        return self._display is not None and self._display.showing


@contextlib.contextmanager
def relayed(
    ctx: Context, flag: str | None, *, only_rebuilds: bool = False, header: str | None = None
) -> Iterator[Shown]:
    """Show the build backend's progress (through ``ctx.progress_relay``) for one operation.

    ``only_rebuilds``: show nothing unless a build step actually runs (``exec``, ``serve``,
    ``run`` without IMAGE build before they do what was asked). ``header``: the first line
    (``Building …``). Yields whether the build was shown (true once a step has run, at once
    in plain mode, never in quiet mode).
    """
    with _display(ctx, flag, only_rebuilds=only_rebuilds, header=header) as display:
        ctx.progress_relay.target = display
        try:
            yield Shown(display)
        finally:
            ctx.progress_relay.target = None


@contextlib.contextmanager
def _warnings_dropped() -> Iterator[None]:
    """Quiet mode shows only the result: warnings logged meanwhile are not printed."""
    with _warnings_to(lambda event: None):
        yield


@contextlib.contextmanager
def _warnings_to(display: ProgressSink) -> Iterator[None]:
    """Logged warnings go to ``display`` inside the block (the innermost block wins)."""
    from adapters.cli.logged_warnings import warnings_to  # logging: only when a command runs

    with warnings_to(display):
        yield


# --------------------------------------------------------------------------- plain


class PlainProgress:
    """Plain lines: each output line once, an item's line when its message changes, notes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, event: ProgressEvent) -> None:
        event = escaped(event)
        with self._lock:
            if event.kind not in (ProgressKind.OUTPUT, ProgressKind.NOTE):
                return  # the log lines already say it
            if event.item is None:
                _write(self._stream, event.message + "\n")
            elif self._last.get(event.item) != event.message:
                self._last[event.item] = event.message
                _write(self._stream, f"{_short(event.item)}: {event.message}\n")

    @property
    def showing(self) -> bool:
        """``True``: plain mode shows everything."""
        return True

    def close(self, *, failed: bool = False) -> None:
        """Nothing is pending in plain mode."""


# --------------------------------------------------------------------------- compact


@dataclass
class _Step:
    number: int | None
    total: int | None
    instruction: str

    def line(self) -> str:
        where = f"[{self.number}/{self.total}] " if self.number and self.total else ""
        text = " ".join(self.instruction.split())
        if len(text) > _INSTRUCTION_WIDTH:
            text = text[: _INSTRUCTION_WIDTH - 1] + "…"
        return where + text


class CompactProgress:
    """The compact display (see the module docstring); ``live`` redraws in place."""

    def __init__(self, stream: TextIO, *, live: bool, only_rebuilds: bool = False) -> None:
        self._stream = stream
        self._live = TerminalProgress(stream) if live else None
        self._only_rebuilds = only_rebuilds
        self._lock = threading.RLock()
        self._started = time.monotonic()
        self._steps = 0
        self._ran = 0
        self._current: _Step | None = None
        self._current_ran = False
        self._steps_by_key: dict[str, _Step] = {}
        self._output: deque[str] = deque(maxlen=_FAILED_STEP_TAIL)
        self._held: list[str] = []
        self._items: dict[str, str] = {}
        self._ticker: threading.Thread | None = None
        self._closed = threading.Event()

    @property
    def showing(self) -> bool:
        """Whether the display shows the operation: unless ``only_rebuilds`` and no step has
        run."""
        return self._ran > 0 or not self._only_rebuilds

    def __call__(self, event: ProgressEvent) -> None:
        event = escaped(event)
        with self._lock:
            kind = event.kind
            if kind is ProgressKind.STEP:
                self._step(event)
            elif kind is ProgressKind.RAN:
                self._step_ran(event)
            elif kind is ProgressKind.NOTE:
                self._note(event.message)
            elif kind is ProgressKind.OUTPUT and event.item is None:
                self._output.append(event.message)
            elif kind is ProgressKind.OUTPUT:
                self._item(event)

    def close(self, *, failed: bool = False) -> None:
        """Show the failing step's last lines (after a failure) and the closing line."""
        self._closed.set()
        with self._lock:
            lines: list[str] = []
            if failed and self._current is not None and self._current_ran and self._output:
                lines.append(f"{self._current.line()} failed; its last lines:")
                lines += [f"  {line}" for line in self._output]
            elif self._ran:
                took = time.monotonic() - self._started
                cached = self._steps - self._ran
                lines.append(
                    f"Built in {took:.1f}s ({self._ran} of {self._steps} steps run, "
                    f"{cached} from the cache)"
                )
            if self._live is not None:
                self._live.status = None
                self._live.close()
            for line in lines:
                _write(self._stream, line + "\n")

    # ------------------------------------------------------------------ events

    def _step(self, event: ProgressEvent) -> None:
        step = _Step(event.current, event.total, event.message)
        self._steps += 1
        self._steps_by_key[event.item or ""] = step
        self._current, self._current_ran = step, False
        self._output.clear()
        self._redraw()

    def _step_ran(self, event: ProgressEvent) -> None:
        step = self._steps_by_key.get(event.item or "")
        if step is None:
            return
        self._ran += 1
        if step is self._current:
            self._current_ran = True
        if self._ran == 1:
            held, self._held = self._held, []
            for line in held:
                self._print(line)
            self._start_ticking()
        if self._live is None:
            self._print(step.line())
        self._redraw()

    def _note(self, text: str) -> None:
        if self.showing:
            self._print(text)
        else:
            self._held.append(text)

    def _item(self, event: ProgressEvent) -> None:
        if self._live is not None:
            self._live(event)
            return
        key = event.item or ""
        if self._items.get(key) != event.message:
            self._items[key] = event.message
            _write(self._stream, f"{_short(key)}: {event.message}\n")

    # ------------------------------------------------------------------ drawing

    def _print(self, line: str) -> None:
        if self._live is not None:
            self._live(ProgressEvent(message=line))
        else:
            _write(self._stream, line + "\n")

    def _redraw(self) -> None:
        if self._live is None or not self.showing or self._current is None:
            return
        took = time.monotonic() - self._started
        self._live.status = f"{self._current.line()} {took:.1f}s"
        self._live.redraw()

    def _start_ticking(self) -> None:
        if self._live is None or self._ticker is not None:
            return

        def tick() -> None:
            while not self._closed.wait(_TICK):
                with self._lock:
                    self._redraw()

        self._ticker = threading.Thread(target=tick, name="progress-ticker", daemon=True)
        self._ticker.start()


# --------------------------------------------------------------------------- terminal


@dataclass
class _Item:
    message: str
    current: int | None
    total: int | None


class TerminalProgress:
    """Live lines on a terminal: finished messages scroll up, items (and a status line) redraw
    in place."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._items: dict[str, _Item] = {}
        self._drawn = 0  # lines of the live area currently on screen
        self._last_draw = 0.0
        self._lock = threading.Lock()
        self.status: str | None = None

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

    def redraw(self) -> None:
        """Draw the live area again (the status line has changed)."""
        with self._lock:
            self._draw()

    def close(self, *, failed: bool = False) -> None:
        """Draw the final state and leave the cursor below it (nothing if nothing was drawn)."""
        with self._lock:
            if self._drawn or self._items or self.status:
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
        if self.status:
            lines.append(_fit(self.status, _width(self._stream)))
        parts.extend(line + "\n" for line in lines)
        self._drawn = len(lines)
        self._last_draw = time.monotonic()
        _write(self._stream, "".join(parts))

    @staticmethod
    def _line(key: str, item: _Item) -> str:
        text = f"{_short(key)}: {item.message}"
        if item.total and item.current is not None:
            done = min(max(item.current / item.total, 0.0), 1.0)
            filled = int(done * _BAR)
            bar = "=" * filled + (">" if filled < _BAR else "") + " " * (_BAR - filled - 1)
            text += f" [{bar[:_BAR]}] {_size(item.current)}/{_size(item.total)}"
        return text


def escaped(event: ProgressEvent) -> ProgressEvent:
    """``event`` with the terminal controls in its text escaped.

    Its text comes from outside (the engine relays a build's output, a registry's layer ids,
    a model's logs): the displays take every event through here, so none can clear the screen
    or retitle the terminal. Only the displays' own redrawing writes escape sequences.
    """
    message = escape_controls(event.message)
    item = escape_controls(event.item) if event.item is not None else None
    if message == event.message and item == event.item:
        return event
    return replace(event, message=message, item=item)


def _write(stream: TextIO, text: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # a sink must not raise
        stream.write(text)
        stream.flush()


def _width(stream: TextIO) -> int:
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80
    return columns if columns > 0 else 80  # a terminal that has not said its size


def _fit(text: str, width: int) -> str:
    """One terminal line: a status longer than the terminal would wrap and break redrawing."""
    return text if len(text) < width else text[: max(width - 2, 1)] + "…"


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

"""Ctrl-C and SIGTERM: both unwind the command through its ``with`` blocks, so that every
container it started is stopped and removed before ``cogmodel`` exits.

Ctrl-C is Python's ``KeyboardInterrupt`` (exit 130). SIGTERM, while a command runs, raises
:class:`Terminated`, a ``KeyboardInterrupt`` too, so the same cleanup runs; it exits 143
(128 + SIGTERM), as a program stopped by SIGTERM does. Standard library only: the entry point
imports this before any command is chosen.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived while a command ran."""


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Raise :class:`Terminated` on SIGTERM inside the block (in the main thread only)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread (tests calling main() from a thread)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, _restorable(previous))


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def held_interrupts() -> Iterator[list[int]]:
    """Record SIGINT/SIGTERM instead of raising them; yields the signals received.

    Use :func:`raise_held` after the block, once whatever must not be interrupted is done.
    """
    received: list[int] = []

    def hold(signum: int, frame: object) -> None:
        received.append(signum)

    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, hold)
    except ValueError:  # not the main thread: signals cannot be handled here anyway
        pass
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, _restorable(handler))


def _restorable(handler: signal._HANDLER) -> signal._HANDLER:
    """``None`` (a handler Python did not install) cannot be set again: use the default."""
    return signal.SIG_DFL if handler is None else handler


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold SIGINT/SIGTERM inside the block, and raise the one held (if any) when it ends.

    For a block that must finish, such as the engine creating a container whose handle the
    caller must get before it can remove it.

    Raises:
        Terminated, KeyboardInterrupt: a signal arrived during the block.
    """
    with held_interrupts() as held:
        yield
    raise_held(held)


def raise_held(received: list[int]) -> None:
    """Raise the interrupt a held signal stands for: :class:`Terminated` for SIGTERM.

    Raises:
        Terminated: a SIGTERM was held.
        KeyboardInterrupt: a SIGINT was held.
    """
    if signal.SIGTERM in received:
        raise Terminated
    if received:
        raise KeyboardInterrupt

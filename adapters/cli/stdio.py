"""This process's streams, handed to a foreground container (``exec``), and what a terminal needs.

:func:`attached_stdio` gives the file descriptors a container is attached to: the real ones when
the command's streams are files, pipes or terminals; a pipe fed from (or copied into) the
stream otherwise (an in-memory stream in tests). A terminal is asked for when stdin and stdout
are both terminals, as ``docker run -it`` would be typed there.

:func:`interactive_session` does, for the time a foreground container runs, what the docker CLI
does: the terminal goes to raw mode (so Ctrl-C, Ctrl-D and the arrow keys reach the program
inside as bytes), its size is passed on at the start and on every ``SIGWINCH``, and the signals
this process receives (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2) are passed on to the
container instead of stopping ``cogmodel``; so the container decides when the session ends, and
its exit status is the command's. Standard library only.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from application.ports.container_runner import AttachedContainer, Stdio

if TYPE_CHECKING:
    from adapters.cli.context import Context

FORWARDED_SIGNALS = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
)


def wants_terminal(ctx: Context) -> bool:
    """Whether the container gets a terminal: stdin and stdout are both terminals."""
    return _isatty(ctx.stdin) and _isatty(ctx.stdout)


@contextlib.contextmanager
def attached_stdio(ctx: Context, *, tty: bool) -> Iterator[Stdio]:
    """The file descriptors for a foreground container (see the module docstring).

    Output copied through a pipe is in the stream when the block has ended.
    """
    with contextlib.ExitStack() as stack:
        stdin = None if ctx.stdin is None else stack.enter_context(_input_fd(ctx.stdin))
        stdout = stack.enter_context(_output_fd(ctx.stdout))
        stderr = stack.enter_context(_output_fd(ctx.stderr))
        yield Stdio(stdin=stdin, stdout=stdout, stderr=stderr, tty=tty)


@contextlib.contextmanager
def interactive_session(
    container: AttachedContainer, stdio: Stdio, *, forward_signals: bool = True
) -> Iterator[None]:
    """Raw terminal, terminal size and signals passed on, while the block runs."""
    with contextlib.ExitStack() as stack:
        if forward_signals:
            stack.enter_context(_forwarded_signals(container))
        if stdio.tty:
            _send_size(container, stdio.stdout)
            stack.enter_context(_on_resize(container, stdio.stdout))
            if stdio.stdin is not None:
                stack.enter_context(_raw_mode(stdio.stdin))
        yield


# --------------------------------------------------------------------------- streams


def _isatty(stream: TextIO | None) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except (OSError, ValueError):
        return False


def _fileno(stream: TextIO) -> int | None:
    try:
        return stream.fileno()
    except (OSError, ValueError, io.UnsupportedOperation, AttributeError):
        return None


@contextlib.contextmanager
def _input_fd(stream: TextIO) -> Iterator[int]:
    fd = _fileno(stream)
    if fd is not None:
        yield fd
        return
    read, write = os.pipe()
    data = stream.read().encode()

    def feed() -> None:
        with contextlib.suppress(OSError):
            view = memoryview(data)
            while view:
                view = view[os.write(write, view) :]
        os.close(write)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        yield read
    finally:
        os.close(read)
        feeder.join(timeout=1)


@contextlib.contextmanager
def _output_fd(stream: TextIO) -> Iterator[int]:
    fd = _fileno(stream)
    if fd is not None:
        stream.flush()  # what cogmodel wrote before comes first
        yield fd
        return
    read, write = os.pipe()
    chunks: list[bytes] = []

    def drain() -> None:
        while chunk := os.read(read, 65536):
            chunks.append(chunk)

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    try:
        yield write
    finally:
        os.close(write)
        drainer.join(timeout=10)
        os.close(read)
        stream.write(b"".join(chunks).decode("utf-8", "replace"))
        stream.flush()


# --------------------------------------------------------------------------- terminal and signals


@contextlib.contextmanager
def _forwarded_signals(container: AttachedContainer) -> Iterator[None]:
    def forward(signum: int, frame: object) -> None:
        container.signal(signum)

    previous: dict[int, signal._HANDLER] = {}
    try:
        for forwarded in FORWARDED_SIGNALS:
            previous[forwarded] = signal.signal(forwarded, forward)
    except ValueError:  # not the main thread (in-process tests): nothing to forward
        pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


@contextlib.contextmanager
def _on_resize(container: AttachedContainer, fd: int) -> Iterator[None]:
    try:
        previous = signal.signal(signal.SIGWINCH, lambda *_: _send_size(container, fd))
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGWINCH, signal.SIG_DFL if previous is None else previous)


def _send_size(container: AttachedContainer, fd: int) -> None:
    try:
        size = os.get_terminal_size(fd)
    except OSError:
        return
    container.resize(size.lines, size.columns)


@contextlib.contextmanager
def _raw_mode(fd: int) -> Iterator[None]:
    import termios
    import tty

    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        yield
        return
    tty.setraw(fd)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)

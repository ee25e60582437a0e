"""The engine's JSON message streams (pull, push, build), read into progress and an outcome.

Every long engine operation answers 200 and then streams JSON messages: ``status`` lines with an
``id`` and ``progressDetail`` (pull, push), ``stream`` text (build output, in arbitrary chunks),
``aux`` records (the pushed digest, the built image id) and, when it fails after the answer has
started, one ``errorDetail`` (``message``, sometimes a numeric ``code``: for a failed ``RUN`` the
command's exit status). :func:`read_messages` turns ``status`` and ``stream`` into
:class:`~domain.progress.ProgressEvent` values, keeps the last output lines, and returns the
``aux`` records and the error, if any, for the operation to judge by their structure.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from domain.progress import ProgressEvent, ProgressSink

TAIL_LINES: Final = 30
_ANSI: Final = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamError:
    """An ``errorDetail`` message: the engine's text and its numeric code, if it gave one."""

    message: str
    code: int | None = None


@dataclass(slots=True, kw_only=True)
class StreamOutcome:
    """What a finished stream said besides progress."""

    aux: list[Mapping[str, Any]] = field(default_factory=list)
    error: StreamError | None = None


class OutputLines:
    """Assembles text chunks into lines; sends each to a sink and keeps the last ones.

    ``rewrite`` (optional) sees every complete line first and returns the line to show and
    keep, or ``None`` to drop it; builders use it to follow which step is running and to keep
    label values out of sight.
    """

    def __init__(
        self,
        progress: ProgressSink | None,
        *,
        rewrite: Callable[[str], str | None] | None = None,
        keep: int = TAIL_LINES,
    ) -> None:
        self._progress = progress
        self._rewrite = rewrite
        self._pending = ""
        self._tail: deque[str] = deque(maxlen=keep)

    @property
    def tail(self) -> tuple[str, ...]:
        """The last complete lines (colour codes removed), oldest first."""
        return tuple(self._tail)

    def feed(self, chunk: str) -> None:
        """Add a chunk of output; complete lines are emitted."""
        *complete, self._pending = (self._pending + chunk).split("\n")
        for line in complete:
            self._emit(line)

    def flush(self) -> None:
        """Emit a final line that had no newline."""
        if self._pending:
            line, self._pending = self._pending, ""
            self._emit(line)

    def _emit(self, raw: str) -> None:
        line: str | None = _ANSI.sub("", raw).rstrip("\r")
        if line is None or not line.strip():
            return
        if self._rewrite is not None:
            line = self._rewrite(line)
            if line is None:
                return
        self._tail.append(line)
        if self._progress is not None:
            self._progress(ProgressEvent(message=line))


def read_messages(
    messages: Iterable[Any],
    *,
    progress: ProgressSink | None = None,
    output: OutputLines | None = None,
) -> StreamOutcome:
    """Read a decoded JSON message stream to its end (or its error).

    ``status`` messages go to ``progress``; ``stream`` text goes to ``output`` (when given).
    """
    outcome = StreamOutcome()
    for message in messages:
        if not isinstance(message, Mapping):
            continue
        if "errorDetail" in message or "error" in message:
            outcome.error = _error(message)
            break
        if isinstance(message.get("aux"), Mapping):
            outcome.aux.append(message["aux"])
        if output is not None and isinstance(message.get("stream"), str):
            output.feed(message["stream"])
        if progress is not None and isinstance(message.get("status"), str):
            progress(_status_event(message))
    if output is not None:
        output.flush()
    return outcome


def _status_event(message: Mapping[str, Any]) -> ProgressEvent:
    detail = message.get("progressDetail") or {}
    current, total = detail.get("current"), detail.get("total")
    return ProgressEvent(
        message=str(message["status"]),
        item=str(message["id"]) if message.get("id") else None,
        current=current if isinstance(current, int) else None,
        total=total if isinstance(total, int) else None,
    )


def _error(message: Mapping[str, Any]) -> StreamError:
    detail = message.get("errorDetail") or {}
    text = detail.get("message") or message.get("error") or "unknown error"
    code = detail.get("code")
    return StreamError(message=str(text), code=code if isinstance(code, int) else None)

"""Reading a build's output as it streams: which step runs, whether it was cached, which failed.

Each builder prints its own format; these readers turn it into the STEP, CACHED and RAN events
of :mod:`domain.progress` (so a display shows "step 11 of 28, running" without reading logs),
and remember the step that is running or failed, for ``BuildError.step``. What they learn is
informational: whether a build failed is decided by the builder's answer, never by these lines.

- Docker's classic builder: ``Step 3/28 : RUN …``, then `` ---> Using cache`` for a cached step,
  or the step's own output (`` ---> Running in …``, a new layer id). Buildah under Podman:
  ``STEP 3/28: RUN …`` and ``--> Using cache …``.
- BuildKit's plain progress: a vertex ``#5 [ 2/24] RUN …`` (``[stage 2/24]`` in multi-stage
  builds), then ``#5 CACHED``, or its output (``#5 0.312 …``), ``#5 DONE 1.2s`` or
  ``#5 ERROR: …`` (BuildKit 20.10 also prints the vertex's digest, ``#5 sha256:…``, which is
  not output). Vertices without ``[n/m]`` (``[internal] load …``, ``exporting to image``) are
  BuildKit's own work, not steps; a ``FROM`` step is never counted as run (the base image is
  taken as it is). A vertex's header is printed again whenever its output resumes after
  another's.

The classic builder applies labels as extra ``LABEL`` steps it prints in full; their values
(the whole OpenAPI schema, the ``pip freeze``) are not for people, so :class:`ClassicSteps`
shows such a step by its label key only and hides the value's continuation lines.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final

from domain.progress import ProgressEvent, ProgressKind, ProgressSink

# "Step 2/3 : RUN …" (Docker's classic builder), "STEP 2/3: RUN …" (Buildah, under Podman).
_CLASSIC_STEP: Final = re.compile(r"(?:Step (\d+)/(\d+) :|STEP (\d+)/(\d+):) ?(.*)")
_CLASSIC_CACHED: Final = re.compile(r" ?-{2,3}> Using cache")
_CLASSIC_RESULT: Final = re.compile(r" ?-{2,3}> ")
_BUILDKIT_LINE: Final = re.compile(r"#(\d+) (.*)")
_BUILDKIT_STEP: Final = re.compile(r"\[(?:(\S+) )?\s*(\d+)/(\d+)\] (.*)")
_BUILDKIT_DIGEST: Final = re.compile(r"sha256:[0-9a-f]{64}")  # a vertex's digest, not output
_UNNAMED_STAGE: Final = re.compile(r"stage-\d+")
_ERROR_PREFIX: Final = "ERROR: "


class ClassicSteps:
    """Follows the classic builder's (and Buildah's) output; see the module docstring.

    Args:
        progress: where STEP/CACHED/RAN events go (``None``: nowhere).
        labels: the label keys the builder was asked to apply (their ``LABEL`` steps are shown
            by key only).
    """

    def __init__(self, progress: ProgressSink | None, labels: Collection[str] = ()) -> None:
        self._progress = progress
        self._labels = tuple(labels)
        self.current = ""
        self._key = ""
        self._settled = True  # the current step is known cached or run
        self._from = False
        self._in_label_value = False

    def shown(self, line: str) -> str | None:
        """``line`` as people see it (a label step by its key), or ``None`` to hide it; and
        the step events it implies."""
        match = _CLASSIC_STEP.match(line)
        if match is not None:
            if not self._settled and self._key:  # Buildah prints nothing after a FROM
                self._settled = True
                self._emit(ProgressKind.CACHED if self._from else ProgressKind.RAN, self._key)
            number, total, instruction = _numbers(match)
            self._in_label_value = False
            self.current = line
            self._key = f"step {number}"
            self._settled = False
            self._from = instruction.upper().startswith("FROM ")
            label = self._label_key(instruction)
            if label is not None:
                self._in_label_value = True
                prefix = line[: match.start(5)]
                line = self.current = f"{prefix}LABEL {label}=…"
                instruction = f"LABEL {label}=…"
            self._emit(ProgressKind.STEP, instruction, current=number, total=total)
            return line
        if self._in_label_value:
            if not _CLASSIC_RESULT.match(line):
                return None  # the rest of a label's value
            self._in_label_value = False
        if not self._settled and self._key:
            self._settled = True
            cached = self._from or _CLASSIC_CACHED.match(line) is not None
            self._emit(ProgressKind.CACHED if cached else ProgressKind.RAN, self._key)
        return line

    def _label_key(self, instruction: str) -> str | None:
        if not instruction.startswith("LABEL "):
            return None
        key = instruction[len("LABEL ") :].split("=", 1)[0].strip()
        return key if key in self._labels else None

    def _emit(
        self, kind: ProgressKind, text: str, *, current: int | None = None, total: int | None = None
    ) -> None:
        if self._progress is None:
            return
        item = self._key
        message = text if kind is ProgressKind.STEP else ""
        self._progress(
            ProgressEvent(message=message, item=item, current=current, total=total, kind=kind)
        )


class BuildKitSteps:
    """Follows BuildKit's plain progress; see the module docstring."""

    def __init__(self, progress: ProgressSink | None) -> None:
        self._progress = progress
        self._names: dict[str, str] = {}
        self._steps: set[str] = set()
        self._settled: set[str] = set()
        self.failed_step = ""
        self.error = ""

    def see(self, line: str) -> None:
        """Take in one line of output (emitting the step events it implies)."""
        match = _BUILDKIT_LINE.fullmatch(line)
        if match is None:
            return
        vertex, text = match.groups()
        if vertex not in self._names:
            self._names[vertex] = text
            step = _BUILDKIT_STEP.fullmatch(text)
            if step is not None:
                self._steps.add(vertex)
                stage, number, total, instruction = step.groups()
                named = stage and not _UNNAMED_STAGE.fullmatch(stage)
                shown = f"{stage} {instruction}" if named else instruction
                self._emit(ProgressKind.STEP, vertex, shown, current=int(number), total=int(total))
                if instruction.upper().startswith("FROM "):
                    self._settled.add(vertex)
                    self._emit(ProgressKind.CACHED, vertex, "")
            return
        if text == self._names[vertex] or _BUILDKIT_DIGEST.fullmatch(text):
            return  # the header again (its output resumes), or the vertex's digest
        if text.startswith(_ERROR_PREFIX):
            self.failed_step = self._names[vertex]
            self.error = text.removeprefix(_ERROR_PREFIX)
        if vertex in self._steps and vertex not in self._settled:
            self._settled.add(vertex)
            kind = ProgressKind.CACHED if text == "CACHED" else ProgressKind.RAN
            self._emit(kind, vertex, "")

    def _emit(
        self,
        kind: ProgressKind,
        vertex: str,
        text: str,
        *,
        current: int | None = None,
        total: int | None = None,
    ) -> None:
        if self._progress is not None:
            self._progress(
                ProgressEvent(
                    message=text, item=f"#{vertex}", current=current, total=total, kind=kind
                )
            )


def _numbers(match: re.Match[str]) -> tuple[int, int, str]:
    number = match.group(1) or match.group(3)
    total = match.group(2) or match.group(4)
    return int(number), int(total), match.group(5)

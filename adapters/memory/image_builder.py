"""A builder that interprets a tiny Dockerfile subset in memory. Passes ImageBuilderContract.

It understands what the contract and the resolver tests need, and behaves like an engine for it:
``FROM`` (``scratch`` or an image in the attached :class:`InMemoryLocalImages`), ``LABEL``,
``COPY``/``ADD`` (sources must exist in the context), ``RUN`` (``false`` and ``exit N`` fail the
step; ``--mount`` needs ``supports_mounts``), and everything else as a no-op step. The image id is
a digest of everything that went in, so an unchanged build yields the same id (a cache hit).
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from adapters.memory.local_images import InMemoryLocalImages
from application.ports.image_builder import BuildRequest, ImageBuilder
from domain.digest import Digest
from domain.errors import BuildError, ImageNotFoundError, InvalidInputError
from domain.image import Image
from domain.image_source import ImageSource
from domain.progress import ProgressEvent
from domain.reference import parse_ref

_EXIT = re.compile(r"exit\s+(\d+)")


@dataclass(frozen=True, slots=True)
class _Step:
    number: int
    text: str

    @property
    def instruction(self) -> str:
        return self.text.split(None, 1)[0].upper()

    @property
    def argument(self) -> str:
        parts = self.text.split(None, 1)
        return parts[1] if len(parts) > 1 else ""


class InMemoryImageBuilder:
    """Builds into an :class:`InMemoryLocalImages`."""

    def __init__(
        self, local: InMemoryLocalImages, *, supports_mounts: bool = True, name: str = "memory"
    ) -> None:
        """Build into ``local``; ``supports_mounts`` models BuildKit (True) or classic (False)."""
        self._local = local
        self._supports_mounts = supports_mounts
        self._name = name
        self.builds = 0

    @property
    def name(self) -> str:
        """See :attr:`application.ports.image_builder.ImageBuilder.name`."""
        return self._name

    @property
    def supports_mounts(self) -> bool:
        """See :attr:`application.ports.image_builder.ImageBuilder.supports_mounts`."""
        return self._supports_mounts

    def build(self, request: BuildRequest) -> Digest:
        """See :meth:`application.ports.image_builder.ImageBuilder.build`."""
        if request.secrets and not self._supports_mounts:
            raise InvalidInputError(
                f"the {self._name} builder cannot use build secrets (BuildKit is needed)",
                reason="secrets need BuildKit",
            )
        self.builds += 1
        steps = _steps(request.dockerfile)
        if not steps or steps[0].instruction != "FROM":
            raise BuildError("the Dockerfile must start with FROM", backend=self._name)
        labels: dict[str, str] = {}
        log: list[str] = []
        for step in steps:
            line = f"Step {step.number}/{len(steps)} : {step.text}"
            log.append(line)
            if request.progress is not None:
                request.progress(ProgressEvent(message=line, current=step.number, total=len(steps)))
            labels.update(self._run(step, request, log))
        labels.update(request.labels)
        base = steps[0].argument.split()[0]
        identity = {
            "base": base,
            "dockerfile": request.dockerfile,
            "labels": labels,
            "args": dict(request.build_args),
            "context": sorted(str(p.relative_to(request.context_dir)) for p in _files(request)),
        }
        image_id = Digest.of(json.dumps(identity, sort_keys=True).encode())
        self._local.add(
            Image(reference=None, image_id=image_id, source=ImageSource.LOCAL, labels=labels),
            *request.tags,
        )
        return image_id

    def _run(self, step: _Step, request: BuildRequest, log: list[str]) -> dict[str, str]:
        argument = step.argument
        match step.instruction:
            case "FROM":
                base = argument.split()[0]
                if base == "scratch":
                    return {}
                try:
                    return dict(self._local.inspect(parse_ref(base)).labels)
                except ImageNotFoundError as exc:
                    raise _failed(step, f"base image {base} not found", log) from exc
            case "LABEL":
                return _labels(argument)
            case "COPY" | "ADD":
                _check_sources(step, request.context_dir, log)
            case "RUN":
                self._check_run(step, log)
        return {}

    def _check_run(self, step: _Step, log: list[str]) -> None:
        command = step.argument
        if command.startswith("--mount"):
            if not self._supports_mounts:
                raise _failed(step, "the --mount option requires BuildKit", log)
            command = " ".join(w for w in command.split() if not w.startswith("--mount"))
        exit_match = _EXIT.fullmatch(command.strip())
        code = int(exit_match.group(1)) if exit_match else (1 if command.strip() == "false" else 0)
        if code:
            raise _failed(step, f"the command returned a non-zero code: {code}", log)


def _failed(step: _Step, detail: str, log: list[str]) -> BuildError:
    log.append(detail)
    return BuildError(
        f"step {step.number} failed: {detail}", step=step.text, log_tail=log[-10:], backend="memory"
    )


def _steps(dockerfile: str) -> list[_Step]:
    joined = re.sub(r"\\\n", " ", dockerfile)
    lines = [line.strip() for line in joined.splitlines()]
    texts = [line for line in lines if line and not line.startswith("#")]
    return [_Step(number, text) for number, text in enumerate(texts, start=1)]


def _labels(argument: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for word in shlex.split(argument):
        key, _, value = word.partition("=")
        labels[key] = value
    return labels


def _check_sources(step: _Step, context: Path, log: list[str]) -> None:
    if any(w.startswith("--from") for w in step.argument.split()):
        return  # copies from another stage or image, not from the context
    words = [w for w in step.argument.split() if not w.startswith("--")]
    for source in words[:-1]:
        if not any(context.glob(source)) and not (context / source).exists():
            raise _failed(step, f"{source}: no such file or directory in the context", log)


def _files(request: BuildRequest) -> list[Path]:
    if not request.context_dir.is_dir():
        return []
    return [p for p in request.context_dir.rglob("*") if p.is_file()]


_: type[ImageBuilder] = InMemoryImageBuilder

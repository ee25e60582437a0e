"""DockerImageBuilder: Dockerfile builds through docker-py and the engine's classic builder.

The context goes as a tar made by ``context.py`` (the Dockerfile under a fixed name, so unchanged
rebuilds are cache hits). The engine streams the build output as ``stream`` text, which becomes
progress events line by line, and ends with an ``aux`` record holding the image id, or an
``errorDetail``. Which step runs, whether it was cached, and which failed are read from the
``Step N/M : …`` lines the classic builder prints before each step (Podman's compatible API,
which builds with Buildah, prints ``STEP N/M: …``) by :class:`~adapters.docker.build_output.
ClassicSteps`: that is informational (step events, ``BuildError.step``), never used to decide
what kind of error happened. The engine applies labels as ``LABEL`` steps it prints in full;
they are shown by key only. Every failure the engine reports about the build itself (an in-stream
error, a 400 for a Dockerfile it cannot parse, a 5xx) is a ``BuildError``; connection failures
go through ``errors.py``.

The classic builder has no ``RUN --mount`` and no build secrets: requests with secrets are
refused with ``InvalidInputError`` rather than built without them.
"""

from __future__ import annotations

from typing import Self

import docker.errors

from adapters.docker.build_output import ClassicSteps
from adapters.docker.client import DockerEngine
from adapters.docker.context import DOCKERFILE_NAME, context_archive
from adapters.docker.errors import BACKEND, engine_errors, explanation
from adapters.docker.messages import OutputLines, StreamOutcome, read_messages
from adapters.docker.names import tag_parts
from application.ports.image_builder import BuildRequest, ImageBuilder
from domain.digest import Digest
from domain.errors import BuildError, InvalidDigestError, InvalidInputError, ProtocolError


class DockerImageBuilder:
    """:class:`~application.ports.image_builder.ImageBuilder` on the engine's classic builder.

    Args:
        engine: the engine to build on. Default: a :class:`DockerEngine` from the environment.
    """

    def __init__(self, *, engine: DockerEngine | None = None) -> None:
        self._engine = engine if engine is not None else DockerEngine()

    @property
    def name(self) -> str:
        """``classic``."""
        return "classic"

    @property
    def supports_mounts(self) -> bool:
        """``False``: the classic builder has no ``RUN --mount`` and no build secrets."""
        return False

    def build(self, request: BuildRequest) -> Digest:
        """See :meth:`application.ports.image_builder.ImageBuilder.build`."""
        if request.secrets:
            raise InvalidInputError(
                "the classic builder cannot use build secrets (--secret); build with "
                "--builder buildkit",
                reason="build secrets need BuildKit",
            )
        targets = [tag_parts(tag) for tag in request.tags]
        step = ClassicSteps(request.progress, labels=request.labels)
        output = OutputLines(request.progress, rewrite=step.shown)
        api = self._engine.api
        with (
            context_archive(request.context_dir, request.dockerfile) as archive,
            engine_errors(self._engine.host),
        ):
            try:
                stream = api.build(
                    fileobj=archive,
                    custom_context=True,
                    dockerfile=DOCKERFILE_NAME,
                    labels=dict(request.labels) or None,
                    buildargs=dict(request.build_args) or None,
                    nocache=request.no_cache,
                    rm=True,
                    forcerm=True,
                    decode=True,
                    timeout=None,  # builds may be silent for a long time (pip, apt)
                )
                outcome = read_messages(stream, output=output)
            except docker.errors.APIError as exc:
                status = exc.status_code or 500
                if status != 400 and status < 500:
                    raise
                raise _failed(explanation(exc), step.current, output.tail) from exc
        image_id = _image_id(outcome, step.current, output.tail)
        with engine_errors(self._engine.host, subject=str(image_id)):
            for repository, tag in targets:
                api.tag(str(image_id), repository, tag=tag)
        return image_id

    def close(self) -> None:
        """Close the engine connection (a later call reopens it)."""
        self._engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _image_id(outcome: StreamOutcome, step: str, tail: tuple[str, ...]) -> Digest:
    if outcome.error is not None:
        raise _failed(outcome.error.message, step, tail)
    for aux in outcome.aux:
        if "ID" in aux:
            try:
                return Digest.parse(str(aux["ID"]))
            except InvalidDigestError as exc:
                raise ProtocolError(BACKEND, f"the built image id is malformed: {exc}") from exc
    raise ProtocolError(BACKEND, "the engine finished the build but reported no image id")


def _failed(message: str, step: str, tail: tuple[str, ...]) -> BuildError:
    where = f" at {step}" if step else ""
    return BuildError(f"build failed{where}: {message}", step=step, log_tail=tail, backend=BACKEND)


_: type[ImageBuilder] = DockerImageBuilder

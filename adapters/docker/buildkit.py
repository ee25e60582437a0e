"""BuildKitImageBuilder: Dockerfile builds through a docker CLI with BuildKit.

docker-py can only drive the classic builder, so BuildKit builds (``RUN --mount`` cache and
secret mounts, ``--secret``) run ``docker build`` with ``DOCKER_BUILDKIT=1``, ``--iidfile`` (the
image id, read from a file rather than from the output), ``--progress=plain`` (output lines
become progress events) against the same engine as the other adapters (``DOCKER_HOST``).

Not every docker CLI can: from 23.0 on, ``docker build`` with BuildKit needs the buildx plugin,
and the newer client first on PATH on these machines has none, while Debian's 20.10 CLI
(``/usr/bin/docker``, the default here) has BuildKit built in. :meth:`BuildKitImageBuilder.check`
asks the CLI its version (``docker version --format``) and, from 23.0 on, whether
``docker buildx version`` works; it runs once, before the first build.

Build secrets are passed to the CLI as ``--secret id=…,src=FILE`` or ``…,env=VAR`` (never as
values on the command line); BuildKit mounts them for the one ``RUN`` that asks, so they are not
in the image, its history or its labels.

The CLI exits 1 for every failure. A failed build is told from an unreachable engine by pinging
the engine afterwards, not by reading the output. The steps, their caching and the failing step
are read from the plain progress format (``#N [stage i/n] INSTRUCTION`` headers, then ``#N
CACHED`` or ``#N ERROR: …``) by :class:`~adapters.docker.build_output.BuildKitSteps`:
informational, for the step events and ``BuildError.step``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final, Self

from adapters.docker.build_output import BuildKitSteps
from adapters.docker.client import DockerEngine
from adapters.docker.messages import OutputLines
from adapters.docker.names import tag_parts
from application.ports.image_builder import BuildRequest, ImageBuilder
from domain.digest import Digest
from domain.errors import (
    BackendUnavailableError,
    BuildError,
    InvalidDigestError,
    InvalidInputError,
    ProtocolError,
)
from domain.options import BuildSecret

DEFAULT_CLI: Final = "/usr/bin/docker"
BACKEND: Final = "buildkit"
# docker CLIs before 23.0 build with BuildKit themselves; later ones hand builds to buildx.
_FIRST_CLI_NEEDING_BUILDX: Final = 23
_PROBE_TIMEOUT: Final = 30.0


class BuildKitImageBuilder:
    """:class:`~application.ports.image_builder.ImageBuilder` on BuildKit, through a docker CLI.

    Args:
        cli: the docker CLI to run. Default: ``/usr/bin/docker``.
        engine: the engine to build on (its ``DOCKER_HOST`` and environment are passed to the
            CLI). Default: a :class:`DockerEngine` from the environment.
    """

    def __init__(
        self, *, cli: str | os.PathLike[str] = DEFAULT_CLI, engine: DockerEngine | None = None
    ) -> None:
        self._cli = os.fspath(cli)
        self._engine = engine if engine is not None else DockerEngine()
        self._checked = False

    @property
    def name(self) -> str:
        """``buildkit``."""
        return "buildkit"

    @property
    def supports_mounts(self) -> bool:
        """``True``: ``RUN --mount=type=cache|secret`` and build secrets work."""
        return True

    @property
    def cli(self) -> str:
        """The docker CLI this builder runs."""
        return self._cli

    def check(self) -> None:
        """Make sure the CLI exists and can build with BuildKit (once; later calls are free).

        Raises:
            BackendUnavailableError: it cannot; the message says why and what to use instead.
        """
        if self._checked:
            return
        path = shutil.which(self._cli)
        if path is None:
            raise BackendUnavailableError(
                BACKEND,
                f"the docker CLI {self._cli} was not found; install Debian's docker.io "
                f"(it brings {DEFAULT_CLI}) or configure a BuildKit-capable docker CLI",
            )
        version = self._client_version(path)
        if version < _FIRST_CLI_NEEDING_BUILDX or self._has_buildx(path):
            self._checked = True
            return
        raise BackendUnavailableError(
            BACKEND,
            f"the docker CLI {path} (client {version}.x) cannot build with BuildKit: from 23.0 "
            "on it needs the buildx plugin, and 'docker buildx version' fails; use a CLI with "
            f"BuildKit built in (Debian's {DEFAULT_CLI}, 20.10) or install buildx",
        )

    def build(self, request: BuildRequest) -> Digest:
        """See :meth:`application.ports.image_builder.ImageBuilder.build`."""
        targets = [f"{repo}:{tag}" for repo, tag in map(tag_parts, request.tags)]
        env = {**self._engine.environ, "DOCKER_BUILDKIT": "1"}
        secret_args = [_secret_arg(secret, env) for secret in request.secrets]
        if not request.context_dir.is_dir():
            raise InvalidInputError(
                f"the build context {request.context_dir} is not a directory",
                reason="no build context",
            )
        self.check()
        with tempfile.TemporaryDirectory(prefix="cogmodel-buildkit-") as scratch:
            dockerfile = Path(scratch) / "Dockerfile"
            dockerfile.write_text(request.dockerfile)
            iidfile = Path(scratch) / "image-id"
            argv = [self._cli, "build", "--progress=plain", f"--iidfile={iidfile}"]
            argv += ["--file", str(dockerfile)]
            argv += [f"--tag={target}" for target in targets]
            argv += [f"--label={k}={v}" for k, v in request.labels.items()]
            argv += [f"--build-arg={k}={v}" for k, v in request.build_args.items()]
            argv += [f"--secret={arg}" for arg in secret_args]
            argv += ["--no-cache"] if request.no_cache else []
            argv += ["--", str(request.context_dir)]
            steps = BuildKitSteps(request.progress)
            output = OutputLines(request.progress, rewrite=_seen_by(steps))
            returncode = _run(argv, env, output)
            if returncode != 0:
                # An unreachable engine is BackendUnavailableError, not a failed build.
                self._engine.ping()
                raise _failed(steps, output.tail)
            try:
                return Digest.parse(iidfile.read_text().strip())
            except (OSError, InvalidDigestError) as exc:
                raise ProtocolError(BACKEND, f"no usable image id from {iidfile}: {exc}") from exc

    def close(self) -> None:
        """Close the engine connection used for checks (a later call reopens it)."""
        self._engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _client_version(self, path: str) -> int:
        # Prints the client version even when the engine is down (then it also exits 1).
        answer = _probe([path, "version", "--format", "{{.Client.Version}}"], self._engine)
        major = answer.stdout.strip().split(".", 1)[0]
        if not major.isdigit():
            raise BackendUnavailableError(
                BACKEND, f"{path} did not report a docker client version; is it a docker CLI?"
            )
        return int(major)

    def _has_buildx(self, path: str) -> bool:
        return _probe([path, "buildx", "version"], self._engine).returncode == 0


def _seen_by(steps: BuildKitSteps) -> Callable[[str], str]:
    def see(line: str) -> str:
        steps.see(line)
        return line

    return see


def _failed(steps: BuildKitSteps, tail: tuple[str, ...]) -> BuildError:
    message = steps.error or (tail[-1] if tail else "docker build failed")
    where = f" at {steps.failed_step}" if steps.failed_step else ""
    return BuildError(
        f"build failed{where}: {message}", step=steps.failed_step, log_tail=tail, backend=BACKEND
    )


def _secret_arg(secret: BuildSecret, env: dict[str, str]) -> str:
    if secret.src is not None:
        if not Path(secret.src).is_file():
            raise InvalidInputError(
                f"build secret {secret.id!r}: {secret.src} is not a file",
                reason="missing secret file",
            )
        return f"id={secret.id},src={secret.src}"
    if secret.env is None or secret.env not in os.environ:
        raise InvalidInputError(
            f"build secret {secret.id!r}: environment variable {secret.env} is not set",
            reason="missing secret variable",
        )
    env[secret.env] = os.environ[secret.env]  # the CLI reads it from its own environment
    return f"id={secret.id},env={secret.env}"


def _run(argv: list[str], env: dict[str, str], output: OutputLines) -> int:
    """Run the CLI, feeding its output to ``output``; stop it if we are interrupted."""
    process = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            output.feed(line)
        output.flush()
        return process.wait()
    finally:
        if process.poll() is None:  # interrupted (KeyboardInterrupt, a raising sink)
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _probe(argv: list[str], engine: DockerEngine) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            argv,
            env=dict(engine.environ),
            capture_output=True,
            text=True,
            timeout=_PROBE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackendUnavailableError(BACKEND, f"cannot run {argv[0]}: {exc}") from exc


_: type[ImageBuilder] = BuildKitImageBuilder

"""What every command gets: the environment, the output streams, and the backends on demand.

The composition root (``adapters.container``) is imported only when a command first asks for a
backend, so commands that need none (``ref``, ``--help``) never import dependency_injector,
pydantic, docker-py or oras; a look-up in registries only (``inspect --remote``) asks
``adapters.composition`` for its one adapter and never imports dependency_injector either.
Tests hand in a ready container (``backend: memory``) instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from adapters.cli.relay import ProgressRelay
    from application.ports.container_runner import ContainerRunner
    from application.predictor import Predictor
    from application.resolver import Resolver
    from domain.reference import ParsedRef
    from domain.source import Source

REPLICATE_HOST_ENV = "COG_REGISTRY_HOST"
DEFAULT_REPLICATE_HOST = "r8.im"

SourceLoader = Callable[[str, Path], "Source"]


class OutputClosedError(Exception):
    """Whoever reads stdout went away (``cogmodel … | head -1``): nothing more can be shown.

    Not a failure of the command, so the entry point prints no ``error:`` line; it exits 141
    (128 + SIGPIPE), the status a shell reports for a program that SIGPIPE stopped.
    """


class Container(Protocol):
    """What the CLI uses of the composition root (``adapters.container.Container``)."""

    def resolver(self) -> Any: ...
    def predictor(self, **kwargs: Any) -> Any: ...
    def container_runner(self) -> Any: ...
    def local_images(self) -> Any: ...
    def remote_images(self) -> Any: ...
    def credential_store(self) -> Any: ...


class Context:
    """The world a command runs in.

    Args:
        env: the environment variables (``COG_REGISTRY_HOST``, ``DOCKER_HOST``, …).
        stdout: where results go.
        stderr: where progress, notes and errors go.
        stdin: where ``-`` arguments (``inspect -``) and ``--json @-`` read from; ``None``:
            nothing to read.
        cwd: the directory the command runs in (the project is looked up from here).
        replicate_host: ``--registry``, overriding ``COG_REGISTRY_HOST``.
        container: a ready composition root; ``None`` builds the real one on first use.
        load_source: reads a project (``filename``, ``start_dir``); default
            ``adapters.filesystem.load_source``.
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str],
        stdout: TextIO,
        stderr: TextIO,
        cwd: Path,
        replicate_host: str | None = None,
        container: Container | None = None,
        load_source: SourceLoader | None = None,
        stdin: TextIO | None = None,
    ) -> None:
        self.env = env
        self.stdout = stdout
        self.stderr = stderr
        self.stdin = stdin
        self.cwd = cwd
        # Cog reads COG_REGISTRY_HOST at the edge (global.ReplicateRegistryHost); so do we.
        self.replicate_host = (
            replicate_host or env.get(REPLICATE_HOST_ENV) or DEFAULT_REPLICATE_HOST
        )
        self._container = container
        self._load_source = load_source
        self._overrides: dict[str, Any] = {}
        self._progress_relay: ProgressRelay | None = None

    # ------------------------------------------------------------------ output

    def out(self, line: str = "") -> None:
        """Write a result line to stdout.

        Raises:
            OutputClosedError: stdout is a pipe whose reader has gone.
        """
        try:
            self.stdout.write(line + "\n")
            self.stdout.flush()
        except BrokenPipeError as exc:
            raise OutputClosedError("stdout was closed") from exc

    def note(self, line: str) -> None:
        """Write a progress or status line to stderr (never mixed into results).

        Notes quote outside text (image names, a model's logs), so terminal controls in it are
        escaped here, for every note: newlines and tabs stay, ``\\r`` and escapes do not.
        """
        self.stderr.write(_escaped(line) + "\n")
        self.stderr.flush()

    def show(self, line: str = "") -> None:
        """Write a result line made for people (a table row) to stdout, its controls escaped.

        :meth:`out` writes data as it is (JSON, a prediction's output); this is for text from
        outside (labels, schema titles, names) that a terminal would otherwise obey.

        Raises:
            OutputClosedError: stdout is a pipe whose reader has gone.
        """
        self.out(_escaped(line))

    def read_stdin(self, *, max_bytes: int, what: str) -> str:
        """Everything on stdin (``""`` when there is none), if it is at most ``max_bytes`` of
        UTF-8. Reading stops one character past the limit, so a stream without end
        (``< /dev/zero``) costs ``max_bytes`` of memory and is refused.

        Raises:
            InvalidInputError: stdin holds more than ``max_bytes`` (``what`` names what was
                being read, e.g. ``--json @-``).
            UnicodeDecodeError: stdin is not text in its encoding (the caller says for what).
        """
        if self.stdin is None:
            return ""
        from domain.errors import InvalidInputError
        from domain.limits import utf8_size

        text = self.stdin.read(max_bytes + 1)
        if len(text) > max_bytes or utf8_size(text) > max_bytes:
            raise InvalidInputError(
                f"{what}: stdin holds more than {max_bytes} bytes (the limit)",
                reason="stdin too large",
            )
        return text

    @property
    def progress_relay(self) -> ProgressRelay:
        """The sink the build backend reports to; commands point it at their display.

        Made on first use: a command that builds nothing never imports the progress display.
        """
        if self._progress_relay is None:
            from adapters.cli.relay import ProgressRelay

            self._progress_relay = ProgressRelay()
        return self._progress_relay

    # ------------------------------------------------------------------ backends

    def configure(self, **overrides: Any) -> None:
        """Container configuration a command's flags ask for (``builder="buildkit"``, …).

        Must be called before the first backend is asked for; ignored for a container that
        was handed in ready-made.
        """
        self._overrides.update({k: v for k, v in overrides.items() if v is not None})

    def _configuration(self) -> dict[str, Any]:
        """The composition root's configuration for this run (flags, environment)."""
        config: dict[str, Any] = {
            "replicate_host": self.replicate_host,
            "progress": self.progress_relay,
            **self._overrides,
        }
        # The docker CLI's order: DOCKER_HOST, then DOCKER_CONTEXT (then the Docker
        # config's currentContext, which the engine adapter reads itself).
        host, context = self.env.get("DOCKER_HOST"), self.env.get("DOCKER_CONTEXT")
        if host:
            config["docker"] = {"host": host}
        elif context:
            config["docker"] = {"context": context}
        return config

    @property
    def container(self) -> Container:
        """The composition root, built on first use."""
        if self._container is None:
            from adapters.container import create_container

            self._container = create_container(self._configuration())
        assert self._container is not None
        return self._container

    def resolver(self) -> Resolver:
        """The Resolver, wired by the container (its adapters are made on first use)."""
        resolver: Resolver = self.container.resolver()
        return resolver

    def registry_resolver(self) -> Resolver:
        """A Resolver for look-ups in registries only (``inspect --remote``).

        With no container handed in, it is made by ``adapters.composition.registry_resolver``
        from the same configuration and the same adapter function the container uses, without
        importing the container's library (decision 0045); otherwise the container's.
        """
        if self._container is not None:
            return self.resolver()
        from adapters.composition import configuration, registry_resolver

        config = configuration(self._configuration())
        if config["backend"] != "docker":
            return self.resolver()
        return registry_resolver(config)

    def predictor(self) -> Predictor:
        """The prediction service, wired by the container; Ctrl-C and SIGTERM wait while the
        engine creates a container (so none is left behind unknown)."""
        from adapters.cli.interrupts import deferred_interrupts

        predictor: Predictor = self.container.predictor(uninterruptible=deferred_interrupts)
        return predictor

    def runner(self) -> ContainerRunner:
        """The container runner, wired by the container."""
        runner: ContainerRunner = self.container.container_runner()
        return runner

    # ------------------------------------------------------------------ domain helpers

    def parse_ref(self, text: str) -> ParsedRef:
        """Parse an image reference with this run's Replicate host.

        Raises:
            InvalidReferenceError: ``text`` is not a valid reference.
        """
        from domain.reference import parse_ref

        return parse_ref(text, replicate_host=self.replicate_host)

    def load_source(self, filename: str) -> Source:
        """The project around :attr:`cwd` whose config file is ``filename``.

        Raises:
            ConfigNotFoundError: no such file here or in a parent directory.
            ConfigError: the file is not a valid Cog config.
        """
        if self._load_source is None:
            from adapters.filesystem import load_source

            return load_source(filename, self.cwd)
        return self._load_source(filename, self.cwd)


def default_context(
    *, replicate_host: str | None = None, container: Container | None = None
) -> Context:
    """A context on the real process: ``os.environ``, ``sys.stdin``/``stdout``/``stderr``, the
    cwd."""
    import sys

    return Context(
        env=os.environ,
        stdout=sys.stdout,
        stderr=sys.stderr,
        stdin=sys.stdin,
        cwd=Path.cwd(),
        replicate_host=replicate_host,
        container=container,
    )


_NEWLINES_AND_TABS = str.maketrans("", "", "\n\t")


def _escaped(line: str) -> str:
    """``line`` with its terminal controls escaped (newlines and tabs kept).

    Printable ASCII, the common case, needs nothing: it is returned as it is, without loading
    the escaping code (``ref`` and ``--help`` stay near the interpreter's start-up).
    """
    if line.isascii() and line.translate(_NEWLINES_AND_TABS).isprintable():
        return line
    from domain.safe_text import escape_controls

    return escape_controls(line, keep_newlines=True)

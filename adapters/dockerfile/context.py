"""The build context a generated Dockerfile is built from, staged in ``<project>/.cog/build/``.

Cog (at the PR) builds with the project directory itself as the context and writes its generated
files into ``<project>/.cog/tmp/build<ts>/``, so ``COPY . /src`` also copies them into the image,
and a ``.dockerignore`` that excludes ``.cog`` breaks the build. cogmodel stages a context instead
(docs/decisions/0007), in the directory Cog HEAD keeps its build files in, ``.cog/build/``:

* ``src/`` — the project, as hard links (a copy where a link cannot be made), without the
  project's own ``.cog/`` directory, as Cog HEAD leaves it out, and without the files of build
  secrets (:func:`secret_files`), which Cog would copy;
* ``cog/`` — the generated files (requirements.txt, the CA certificate, wheels, the schema);
* ``.dockerignore`` — the project's patterns moved under ``src/``, so the engine excludes exactly
  the files it excluded before, and never a generated file.

With ``--separate-weights`` (docs/decisions/0020) the weights image's context mirrors only the
weight paths (``only``), and the model image's leaves them out (``exclude``) and lists Cog's
exclude patterns for them (``ignore``).

Linking costs one directory walk and no data copy; directories that the project's
``.dockerignore`` excludes outright are not walked. The path is the same for every build of a
project, which lets BuildKit send only what changed since the last build (its context cache is
keyed by path); a lock file serialises concurrent builds of one project. :class:`StagedContext`
removes the directory and releases the lock when closed (removing links never touches the
project's files).
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePath
from types import TracebackType
from typing import IO, Final, Self

from adapters.dockerfile.dockerignore import (
    IgnorePattern,
    can_skip_directory,
    parse_patterns,
    rewrite_under,
)
from adapters.dockerfile.generator import SOURCE_DIR
from adapters.host_files import read_ignore_file
from domain.errors import BuildError
from domain.options import BuildSecret

_log = logging.getLogger(__name__)

COG_DIR: Final = ".cog"
DOCKERIGNORE: Final = ".dockerignore"


class StagedContext:
    """A staged build context directory; ``close()`` (or leaving ``with``) removes it."""

    def __init__(self, path: Path, lock: IO[bytes] | None = None) -> None:
        self.path = path
        self.copied_files = 0  # files that could not be hard-linked and were copied
        self._lock = lock

    def close(self) -> None:
        """Remove the staging directory and release its lock. Idempotent; never fails."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()  # closing the file releases the flock
            self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def staging_dir(project_dir: Path) -> Path:
    """``<project>/.cog/build``: the same for every build of the project."""
    return project_dir / COG_DIR / "build"


def secret_files(project_dir: Path, secrets: Iterable[BuildSecret]) -> frozenset[str]:
    """The project-relative paths of the build secrets' files that lie inside the project.

    They are left out of ``src/``: a secret is mounted into the one ``RUN`` that asks for it and
    must not also be copied to ``/src`` (Cog would copy it).
    """
    root = project_dir.resolve()
    inside: set[str] = set()
    for secret in secrets:
        if secret.src is None:
            continue
        try:
            relative = Path(secret.src).resolve().relative_to(root).as_posix()
        except ValueError:
            continue  # outside the project: nothing to leave out
        _log.warning(
            "build secret %r is a file of the project (%s): it is left out of /src",
            secret.id,
            relative,
        )
        inside.add(relative)
    return frozenset(inside)


def stage_context(
    project_dir: Path,
    files: Mapping[str, bytes | PurePath],
    *,
    include_source: bool,
    exclude: frozenset[str] = frozenset(),
    only: frozenset[str] | None = None,
    ignore: Sequence[str] = (),
) -> StagedContext:
    """Stage a build context for ``project_dir`` holding ``files`` (context path → content).

    With ``include_source`` the project is mirrored under ``src/``, without the project-relative
    paths in ``exclude`` (and, with ``only``, with nothing but those paths), and its
    ``.dockerignore`` patterns, then the project-relative patterns ``ignore``, are moved there.
    A file given as a path is hard-linked (or copied) in.

    Raises:
        BuildError: the staging directory cannot be written or the project cannot be read.
    """
    path = staging_dir(project_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _lock(path.parent / "build.lock")
    except OSError as exc:
        # Not locked: the directory may be another build's, so it is left alone.
        raise _staging_error(path, exc) from exc
    staged = StagedContext(path, lock)
    try:
        shutil.rmtree(path, ignore_errors=True)  # left by a build that was killed
        path.mkdir()
        if include_source:
            patterns = _project_patterns(project_dir)
            moved = (*patterns, *parse_patterns("\n".join(ignore)))
            if moved:
                (path / DOCKERIGNORE).write_text(rewrite_under(moved, SOURCE_DIR))
            _mirror(project_dir, path / SOURCE_DIR, patterns, exclude, staged, only)
        for name, content in files.items():
            target = path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                _link_or_copy(Path(content), target, staged)
    except OSError as exc:
        staged.close()
        raise _staging_error(path, exc) from exc
    except BaseException:  # Ctrl-C mid-walk: leave no half-staged mirror of the project behind
        staged.close()
        raise
    if staged.copied_files:
        _log.info("copied %d files that could not be hard-linked", staged.copied_files)
    return staged


def _staging_error(path: Path, exc: OSError) -> BuildError:
    return BuildError(
        f"cannot stage the build context in {path}: {exc.strerror or exc}", step="build context"
    )


def _lock(path: Path) -> IO[bytes]:
    handle = path.open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits for a concurrent build of the same project
    except BaseException:
        handle.close()
        raise
    return handle


def _project_patterns(project_dir: Path) -> tuple[IgnorePattern, ...]:
    return parse_patterns(read_ignore_file(project_dir) or "")


def _mirror(  # noqa: PLR0917 - one private helper, called once
    source: Path,
    target: Path,
    patterns: Sequence[IgnorePattern],
    exclude: frozenset[str],
    staged: StagedContext,
    only: frozenset[str] | None = None,
) -> None:
    """Recreate ``source`` under ``target``: directories, hard-linked files, symlinks."""
    target.mkdir()
    pending: list[tuple[Path, Path, str]] = [(source, target, "")]
    while pending:
        directory, mirror, relative = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                name = f"{relative}{entry.name}"
                if name == COG_DIR:
                    continue  # generated state and caches; the schema is added explicitly
                if name in exclude or (only is not None and not _wanted(name, only)):
                    continue
                destination = mirror / entry.name
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), destination)
                elif entry.is_dir():
                    if can_skip_directory(patterns, name):
                        continue
                    destination.mkdir()
                    os.chmod(destination, stat.S_IMODE(entry.stat().st_mode))
                    pending.append((Path(entry.path), destination, f"{name}/"))
                elif entry.is_file():
                    _link_or_copy(Path(entry.path), destination, staged)
                # sockets, FIFOs and devices cannot go into an image layer: left out


def _wanted(name: str, only: frozenset[str]) -> bool:
    """``name`` is one of ``only``, inside one, or a directory on the way to one."""
    return any(name == o or name.startswith(f"{o}/") or o.startswith(f"{name}/") for o in only)


def _link_or_copy(source: Path, target: Path, staged: StagedContext) -> None:
    try:
        os.link(source, target)
    except OSError:
        # Another filesystem, or a filesystem without hard links: copy (slower, same result).
        shutil.copy2(source, target)
        staged.copied_files += 1

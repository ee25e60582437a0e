"""Local package artifacts in ``requirements.txt``, staged into the build as Cog HEAD stages them.

A requirement line that is a wheel or source archive in the project (``./dist/pkg-1.0.tar.gz``,
``cog/helper.whl``; see :mod:`domain.cogyaml.local_artifacts`) cannot be installed by a pip that
runs before the project is copied. Cog HEAD (``Config.ResolveLocalPackageArtifacts`` and
``StandardGenerator.stageLocalPackageArtifacts``) therefore, for ``build.python_requirements``
files only:

* resolves each path against the requirements file's directory; the file must exist, be a
  regular file (a symlink is followed) and lie inside the project, also after symlinks;
* stages it at ``local_package_artifacts/<path relative to the project>`` in the build's own
  files, copied to ``/tmp/local_package_artifacts/`` before the requirements are installed;
* rewrites each such line to that container path.

Messages are Cog's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final, NoReturn

from domain.cogyaml.local_artifacts import parse_local_artifact
from domain.cogyaml.models import CogConfig
from domain.errors import ConfigError

ARTIFACTS_DIR: Final = "local_package_artifacts"
CONTAINER_DIR: Final = PurePosixPath("/tmp", ARTIFACTS_DIR)  # noqa: S108 - inside the image
_FIELD: Final = "build.python_requirements"


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalArtifact:
    """One staged artifact.

    Attributes:
        requirement: the requirement line as written (trimmed).
        source: the file's canonical path on this machine.
        relative: where it is staged, relative to the project (the requirement's directory
            with symlinks resolved, and the file name as written).
    """

    requirement: str
    source: Path
    relative: PurePosixPath

    @property
    def container_path(self) -> PurePosixPath:
        """Where the image sees it: ``/tmp/local_package_artifacts/<relative>``."""
        return CONTAINER_DIR / self.relative


def resolve_local_artifacts(
    project_dir: Path, config: CogConfig, lines: Sequence[str]
) -> tuple[LocalArtifact, ...]:
    """The local artifacts among ``lines`` (the requirements file's lines), checked.

    Nothing is staged for ``build.python_packages`` or without a requirements file, as in Cog.

    Raises:
        ConfigError: a refused local form, a missing file, a directory, or a file outside the
            project (field ``build.python_requirements``).
    """
    requirements_file = config.build.python_requirements
    if not requirements_file or config.build.python_packages:
        return ()
    root = Path(os.path.realpath(project_dir))
    base = Path(os.path.abspath(project_dir / requirements_file)).parent
    artifacts: list[LocalArtifact] = []
    for line in lines:
        requirement = line.strip()
        path = parse_local_artifact(requirement)
        if path is None:
            continue
        absolute = Path(os.path.abspath(base / path))
        try:
            parent = Path(os.path.realpath(absolute.parent, strict=True))
            canonical = Path(os.path.realpath(absolute, strict=True))
        except OSError as exc:
            _fail(f'local Python package artifact "{path}" not found: {_go_error(exc, absolute)}')
        staged = parent / absolute.name
        if not _within(root, staged) or not _within(root, canonical):
            _fail(f'local Python package artifact "{path}" must be inside the project directory')
        if not canonical.is_file():
            _fail(f'local Python package artifact "{path}" must be a regular file')
        relative = PurePosixPath(staged.relative_to(root).as_posix())
        artifacts.append(
            LocalArtifact(requirement=requirement, source=canonical, relative=relative)
        )
    return tuple(artifacts)


def rewrite_requirements(text: str, artifacts: Sequence[LocalArtifact], *, host: bool) -> str:
    """``text`` with each artifact's line replaced by its container path (or, with ``host``,
    by its path on this machine, for a host-side ``pip download``).

    Raises:
        ConfigError: an artifact's line is not in ``text`` (Cog's "failed to rewrite").
    """
    if not artifacts:
        return text
    targets = {a.requirement: str(a.source if host else a.container_path) for a in artifacts}
    lines, matched = [], set()
    for line in text.split("\n"):
        replacement = targets.get(line.strip())
        if replacement is None:
            lines.append(line)
        else:
            lines.append(replacement)
            matched.add(line.strip())
    for requirement in targets:
        if requirement not in matched:
            _fail(f'failed to rewrite local Python package artifact "{requirement}"')
    return "\n".join(lines)


def _within(root: Path, target: Path) -> bool:
    try:
        target.relative_to(root)
    except ValueError:
        return False
    return True


def _go_error(exc: OSError, path: Path) -> str:
    """``lstat <path>: no such file or directory``, as Go prints a failed path lookup."""
    reason = (exc.strerror or str(exc)).lower() if exc.strerror else str(exc)
    return f"lstat {exc.filename or path}: {reason}"


def _fail(reason: str) -> NoReturn:
    raise ConfigError(_FIELD, reason)

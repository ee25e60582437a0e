"""The build context the classic builder receives: a tar of the context directory.

The port hands builders the Dockerfile as *text*, so it has to travel inside the context. The
docker CLI and docker-py both add it under a random name (``.dockerfile.<random>``) and list that
name in ``.dockerignore``; with a random name, every build changes the context (and, through a
``COPY .`` of a directory with its own ``.dockerignore``, the cache key), so an unchanged rebuild
is never a cache hit. Here the Dockerfile always has the same name, :data:`DOCKERFILE_NAME`, and:

- files excluded by the context's ``.dockerignore`` are left out, as the docker CLI does;
- the Dockerfile is listed in the ``.dockerignore`` sent along, so the engine drops it from the
  context before ``COPY``/``ADD`` see it (the engine removes the Dockerfile and ``.dockerignore``
  when ``.dockerignore`` names them);
- without a ``.dockerignore`` of its own, the context gets one naming itself and the Dockerfile,
  so neither appears in the image; with one, it is sent with that one line added (the docker
  CLI does the same).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Final

from docker.utils.build import create_archive, exclude_paths

from adapters.host_files import read_ignore_file
from domain.errors import InvalidInputError

DOCKERFILE_NAME: Final = ".cogmodel.Dockerfile"
_IGNORE_FILE: Final = ".dockerignore"


def context_archive(context_dir: Path, dockerfile: str) -> IO[bytes]:
    """A temporary tar file of ``context_dir`` with ``dockerfile`` as :data:`DOCKERFILE_NAME`.

    The caller closes it (which deletes it).

    Raises:
        InvalidInputError: the context is not a readable directory.
    """
    if not context_dir.is_dir():
        raise InvalidInputError(
            f"the build context {context_dir} is not a directory", reason="no build context"
        )
    root = str(context_dir.resolve())
    try:
        own_ignore = read_ignore_file(context_dir)
        patterns = _patterns(own_ignore or "")
        files = sorted(exclude_paths(root, patterns, dockerfile=DOCKERFILE_NAME))
        if own_ignore is None:
            sent_ignore = f"{_IGNORE_FILE}\n{DOCKERFILE_NAME}\n"
        else:
            sent_ignore = f"{own_ignore}\n{DOCKERFILE_NAME}\n"
        archive = create_archive(
            root,
            files=files,
            extra_files=[(DOCKERFILE_NAME, dockerfile), (_IGNORE_FILE, sent_ignore)],
        )
    except OSError as exc:
        raise InvalidInputError(
            f"cannot read the build context {context_dir}: {exc}", reason="unreadable build context"
        ) from exc
    return archive  # type: ignore[return-value]  # a NamedTemporaryFile, opened "w+b"


def _patterns(text: str) -> list[str]:
    """``.dockerignore`` patterns as the docker CLI reads them (blank lines, comments skipped)."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]

"""Finding and reading a Cog project on disk: cog.yaml discovery and the requirements file.

Discovery is Cog's ``findProjectRootDir``: starting at ``start_dir`` (default: the process's
working directory) and walking up, the first directory ``d`` where ``d/<filename>`` exists is the
project root. ``filename`` may be a relative sub-path (``conf/prod.yaml``); it is joined as Go's
``path.Join`` joins (so a leading ``/`` does not make it absolute). The walk stops at ``/`` and
after 100 levels.

:func:`load_source` then reads the file, parses it (:func:`domain.cogyaml.parse.parse_config`),
reads ``build.python_requirements`` (an absolute path as is, a relative one from the project root),
validates and completes the config (with Cog HEAD's ``build.python_version`` check), and
returns a :class:`~domain.source.Source`. Both files are read through
:func:`adapters.host_files.read_file`: regular files only (symlinks followed; a FIFO or
``/dev/zero`` is refused unread), cog.yaml up to ``MAX_COG_YAML_BYTES`` and the requirements
file up to ``MAX_REQUIREMENTS_BYTES``. Every I/O problem becomes a ``ConfigError`` (or
``ConfigNotFoundError``) naming the path; a problem in the file names the file and, when it
can be found, the line (``cog.yaml:3: …``).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from adapters.host_files import read_file
from domain.cogyaml.locate import line_of
from domain.cogyaml.parse import parse_config
from domain.cogyaml.requirements import effective_requirements, parse_requirements_text
from domain.cogyaml.validation import check_python_version, validate_and_complete
from domain.cogyaml.yaml_reader import parse_yaml
from domain.errors import ConfigError, ConfigNotFoundError, HostFileError
from domain.limits import MAX_COG_YAML_BYTES, MAX_REQUIREMENTS_BYTES
from domain.source import Source

DEFAULT_CONFIG_FILENAME = "cog.yaml"
MAX_SEARCH_DEPTH = 100


def find_project_dir(
    filename: str = DEFAULT_CONFIG_FILENAME, start_dir: str | os.PathLike[str] | None = None
) -> Path:
    """The nearest directory, from ``start_dir`` upwards, that holds ``filename``.

    Raises:
        ConfigNotFoundError: no such directory up to ``/`` (or within 100 levels).
        ConfigError: a directory could not be checked (permission denied, not a directory …).
    """
    filename = filename or DEFAULT_CONFIG_FILENAME
    start = Path(start_dir) if start_dir is not None else Path.cwd()
    directory = start.absolute()
    for _ in range(MAX_SEARCH_DEPTH):
        candidate = _join(directory, filename)
        try:
            candidate.stat()
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            reason = f"Failed to scan directory {directory} for {candidate}: {_describe(exc)}"
            raise ConfigError("", reason) from exc
        else:
            return directory
        if directory.parent == directory:
            break
        directory = directory.parent
    raise ConfigNotFoundError(filename, str(start))


def load_source(
    filename: str = DEFAULT_CONFIG_FILENAME, start_dir: str | os.PathLike[str] | None = None
) -> Source:
    """Find, read, parse, validate and complete a project's config.

    Raises:
        ConfigNotFoundError: no ``filename`` in ``start_dir`` or any parent directory.
        ConfigError: the file cannot be read or is not a valid config; ``problems`` lists every
            validation problem.
    """
    filename = filename or DEFAULT_CONFIG_FILENAME
    project_dir = find_project_dir(filename, start_dir)
    path = _join(project_dir, filename)
    try:
        text = read_file(path, what=filename, limit=MAX_COG_YAML_BYTES).decode("utf-8")
    except HostFileError as exc:
        if exc.problem == "missing":
            reason = f"{path.name} does not exist in {path.parent}. Are you in the right directory?"
            raise ConfigError("", reason) from exc
        raise ConfigError("", f"cannot read {path}: {exc.reason}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("", f"{path} is not valid UTF-8 text (byte {exc.start})") from exc
    try:
        config = parse_config(text)
        requirements: tuple[str, ...] = ()
        requirements_error = ""
        if config.build.python_requirements:
            requirements, requirements_error = _read_requirements(
                project_dir, config.build.python_requirements
            )
        completed = validate_and_complete(
            config, requirements, requirements_error=requirements_error
        )
        check_python_version(completed)
    except ConfigError as exc:
        raise _located(exc, filename, text) from exc
    return Source(
        config=completed,
        project_dir=project_dir,
        config_filename=filename,
        requirements=effective_requirements(completed, requirements),
    )


def _located(error: ConfigError, filename: str, text: str) -> ConfigError:
    """``error`` said to be in ``filename``, at the line of its field when it can be found."""
    line = None
    if error.line is None and error.field:
        try:
            line = line_of(parse_yaml(text), error.field)
        except ConfigError:
            line = None
    return error.located(file=filename, line=line)


def _read_requirements(project_dir: Path, name: str) -> tuple[tuple[str, ...], str]:
    """The file's requirement lines, or ``((), <why it could not be read>)``."""
    path = Path(name) if name.startswith("/") else _join(project_dir, name)
    try:
        data = read_file(path, what="python_requirements", limit=MAX_REQUIREMENTS_BYTES)
        return parse_requirements_text(data.decode("utf-8")), ""
    except UnicodeDecodeError as exc:
        return (), f"{path} is not valid UTF-8 text (byte {exc.start})"
    except HostFileError as exc:
        return (), f"open {path}: {exc.reason}"


def _join(directory: Path, filename: str) -> Path:
    """Go's ``path.Join(dir, name)``: plain concatenation, then lexical clean-up."""
    return Path(posixpath.normpath(f"{directory}/{filename}"))


def _describe(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)

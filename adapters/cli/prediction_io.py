"""A prediction's inputs as JSON (``--json``), and its outputs to the terminal or to files.

Inputs: ``--json VALUE`` is Cog's: a JSON object, ``@FILE`` to read it from a file, ``@-`` (or
``-``) from stdin; ``-i`` and ``--json`` do not mix. Relative file paths (``@photo.png``) are
relative to the directory the command runs in.

Outputs, as ``cog predict`` writes them: ``-o PATH`` is checked before the model starts
(:func:`output_destination`: its directory must exist and be writable; an existing directory
gets the file inside it, named after the default). A file output is written to PATH (default
``output``; the extension of its media type is added when PATH has none), a list of files to
``PATH.0.ext``, ``PATH.1.ext``…, the file fields of an object (a training's output) to PATH (one
field) or ``PATH.<field>.ext`` (the field's name escaped by :func:`field_file_name`, so it
stays one file name in PATH's directory); a string is printed as it is; any other value as
indented JSON.
Files are written whole or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from adapters.host_files import expand_home, read_file
from domain.errors import HostFileError, InvalidInputError
from domain.limits import MAX_INPUT_FILE_BYTES
from domain.prediction import LocalFile, OutputFile, data_url, inputs_from_json


def json_inputs(text: str, *, cwd: Path, stdin_text: str | None) -> dict[str, object]:
    """The inputs ``--json`` gives (``stdin_text``: what stdin holds, read only if asked).

    Raises:
        InvalidInputError: the file cannot be read (not a regular file, past
            ``MAX_INPUT_FILE_BYTES``), or the JSON is not an object of inputs.
    """
    if text in ("-", "@-"):
        source = stdin_text or ""
    elif text.startswith("@"):
        path = cwd / expand_home(text[1:], what="--json")
        try:
            source = read_file(path, what="--json", limit=MAX_INPUT_FILE_BYTES).decode()
        except (HostFileError, UnicodeDecodeError) as exc:
            detail = exc.reason if isinstance(exc, HostFileError) else exc
            raise InvalidInputError(
                f'Failed to read JSON from file "{text[1:]}": {detail}', reason="unreadable JSON"
            ) from exc
    else:
        source = text
    return inputs_from_json(source)


def local_paths(inputs: Mapping[str, object], cwd: Path) -> dict[str, object]:
    """``inputs`` with each file's path made absolute from ``cwd`` (``~`` expanded).

    Raises:
        HostFileError: ``~user`` names no user.
    """

    def absolute(value: object) -> object:
        if isinstance(value, LocalFile):
            return LocalFile(str(cwd / expand_home(value.path, what="input file")))
        if isinstance(value, list):
            return [absolute(item) for item in value]
        return value

    return {name: absolute(value) for name, value in inputs.items()}


def output_destination(cwd: Path, given: str | None, default: str) -> Path:
    """Where the output goes, checked before the model starts (Cog's ``ensureOutputWriteable``).

    Raises:
        InvalidInputError: its directory does not exist or is not writable; the default name is
            taken by a directory; ``~user`` names no user (a ``HostFileError``).
    """
    path = cwd / expand_home(given or default, what="--output")
    if path.is_dir():
        if given is None:
            raise InvalidInputError(
                f'Default output name "{default}" conflicts with directory, provide --output',
                reason="output is a directory",
            )
        _writable(path, path)
        return path / Path(default).name
    if path.exists():
        _writable(path, path)
        return path
    _writable(path.parent, path)
    return path


def _writable(directory: Path, path: Path) -> None:
    if not directory.exists():
        reason = f"no such directory {directory}"
    elif not os.access(directory, os.W_OK):
        reason = f"{directory} is not writable"
    else:
        return
    raise InvalidInputError(f"Output path is not writable: {reason}", reason="unwritable output")


def save_files(output: object, destination: Path) -> tuple[object, list[Path]]:
    """Write the files in ``output`` (:class:`OutputFile` values) under ``destination``.

    Returns the output with each written file replaced by its path, and the paths written; a
    file found elsewhere in the output is shown as its ``data:`` URL. All or nothing: when one
    file fails, the ones already written are removed again.

    Raises:
        InvalidInputError: a file cannot be written there.
    """
    written: list[Path] = []
    try:
        return _save_files(output, destination, written), written
    except BaseException:
        for path in written:
            _discard(path)
        raise


def _save_files(output: object, destination: Path, written: list[Path]) -> object:
    if isinstance(output, OutputFile):
        return _save_one(output, destination, written)
    if isinstance(output, list) and output and all(isinstance(v, OutputFile) for v in output):
        saved: list[object] = []
        for index, item in enumerate(output):
            numbered = destination.with_name(f"{destination.stem}.{index}{destination.suffix}")
            saved.append(_save_one(item, numbered, written))
        return saved
    if isinstance(output, dict):
        # An object output (a training's weights and metrics): its file fields are saved, at
        # ``destination`` when there is one, else at ``destination.<field>`` each.
        files = [key for key, value in output.items() if isinstance(value, OutputFile)]
        fields = dict(output)
        for key in files:
            if len(files) == 1:
                fields[key] = _save_one(output[key], destination, written)
            else:
                named = destination.with_name(f"{destination.name}.{field_file_name(key)}")
                fields[key] = _save_one(output[key], named, written, typed=False)
        return shown(fields)
    return shown(output)


_NAME_BUDGET = 128  # UTF-8 bytes of a field's name kept in a file name (NAME_MAX is 255)


def field_file_name(key: str) -> str:
    """The part of a file name that stands for the output field ``key`` (``PATH.<key>``).

    A field's name comes from the model, so it may hold anything JSON can: the name written
    keeps every character a file name can take and writes the others as escapes, so no field
    writes outside the output's directory and two fields never share a file: ``%`` is
    ``%25``; ``/``, ``\\``, NUL and other control characters are ``%XX``; a lone surrogate
    (which no file name can hold) is ``%uXXXX``. A name longer than 128 bytes (UTF-8) keeps its
    first 64 and a hash of the whole, so the file name stays under the system's 255. (``..``
    needs nothing: the name always follows ``PATH.``, so ``output...`` is a plain file beside
    ``output``.)

    >>> field_file_name("weights"), field_file_name("../x"), field_file_name("a\x00b")
    ('weights', '..%2Fx', 'a%00b')
    """
    escaped = "".join(_escaped(char) for char in key)  # no surrogate left: encodable
    encoded = escaped.encode("utf-8")
    if len(encoded) > _NAME_BUDGET:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        kept = encoded[: _NAME_BUDGET // 2].decode("utf-8", errors="ignore")  # whole characters
        escaped = f"{kept}-{digest}"
    return escaped


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"%u{code:04X}"
    if char in "%/\\" or code < 0x20 or 0x7F <= code <= 0x9F:
        return f"%{code:02X}"
    return char


def shown(output: object) -> object:
    """``output`` as JSON can show it: a file not written is its ``data:`` URL."""
    if isinstance(output, OutputFile):
        return data_url(output.content, output.media_type)
    if isinstance(output, list):
        return [shown(item) for item in output]
    if isinstance(output, dict):
        return {key: shown(value) for key, value in output.items()}
    return output


def _save_one(
    item: OutputFile, destination: Path, written: list[Path], *, typed: bool = True
) -> str:
    """Save one file; ``typed=False``: the destination's suffix is not a file type."""
    path = destination
    if not typed or not path.suffix or path.suffix[1:].isdigit():  # 'out.0': numbered (Cog)
        path = path.with_name(path.name + (mimetypes.guess_extension(item.media_type) or ""))
    write_file(path, item.content)
    written.append(path)
    return str(path)


def write_file(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all (parents must exist).

    The bytes go to a new file beside ``path`` that is then renamed over it, so a failure (a
    full disk, Ctrl-C) leaves no partial file, and a file already at ``path`` unchanged.

    Raises:
        InvalidInputError: the path cannot be written.
    """
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.replace(partial, path)
    except OSError as exc:
        _discard(partial)
        raise InvalidInputError(
            f"cannot write output to {path}: {exc.strerror or exc}", reason="unwritable output"
        ) from exc
    except BaseException:
        _discard(partial)
        raise


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def render(output: object) -> str:
    """How a non-file output is shown: strings as they are, anything else as indented JSON."""
    if isinstance(output, str):
        return output
    return json.dumps(shown(output), indent=2, ensure_ascii=False)

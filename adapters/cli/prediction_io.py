"""Prediction inputs from ``-i NAME=VALUE`` flags, and outputs to the terminal or to files.

Inputs (Cog's ``cog predict`` rules): ``NAME=@PATH`` sends the file as a ``data:`` URL (its
type guessed from the extension); a value in double quotes loses them; repeating a name makes a
list. Other values are converted by the input's type in the model's schema: ``integer``,
``number``, ``boolean`` (true/false), ``array`` (a JSON array, or one item) and ``object``
(JSON); strings stay strings.

Outputs: a file output (``format: uri``, or any ``data:`` URL) is decoded and written to
``-o PATH`` (default ``output``; the extension comes from the media type when the path has
none), a list of files to ``PATH.0.ext``, ``PATH.1.ext``…, the file fields of an object (a
training's output) to ``PATH`` (one field) or ``PATH.<field>.ext``; a string is printed as it
is; any other value as indented JSON.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import mimetypes
import os
import secrets
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from adapters.cli.schema_view import input_properties, is_file, output_schema
from domain.errors import InvalidInputError, ProtocolError

_TRUE = ("true", "1", "yes", "y", "on")
_FALSE = ("false", "0", "no", "n", "off")


def parse_inputs(
    flags: Sequence[str],
    schema: Mapping[str, Any] | None,
    *,
    cwd: Path,
    mode: str = "predict",
) -> dict[str, object]:
    """The JSON inputs that ``flags`` (``NAME=VALUE``) ask for.

    Raises:
        InvalidInputError: a flag without ``=``, an unreadable ``@`` file, or a value that is
            not of its input's type.
    """
    grouped: dict[str, list[str]] = {}
    for flag in flags:
        name, eq, value = flag.partition("=")
        if not eq or not name:
            raise InvalidInputError(
                f"failed to parse input {flag!r}: expected NAME=VALUE", reason="bad input flag"
            )
        if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
            value = value[1:-1]
        grouped.setdefault(name, []).append(value)
    properties = input_properties(schema, mode) if schema else {}
    inputs: dict[str, object] = {}
    for name, values in grouped.items():
        prop = properties.get(name, {})
        if len(values) > 1 or prop.get("type") == "array":
            inputs[name] = _list(name, values, prop, cwd)
        else:
            inputs[name] = _value(name, values[0], prop, cwd)
    return inputs


def _list(name: str, values: list[str], prop: Mapping[str, Any], cwd: Path) -> list[object]:
    items = prop.get("items") if isinstance(prop.get("items"), Mapping) else {}
    if len(values) == 1 and values[0].startswith("["):
        try:
            parsed = json.loads(values[0])
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return parsed
    return [_value(name, value, items or {}, cwd) for value in values]


def _value(name: str, value: str, prop: Mapping[str, Any], cwd: Path) -> object:
    if value.startswith("@"):
        return file_data_url(cwd / Path(value[1:]).expanduser())
    kind = prop.get("type")
    convert = _CONVERTERS.get(kind) if isinstance(kind, str) else None
    if convert is None:
        return value
    try:
        return convert(value)
    except ValueError:
        raise InvalidInputError(
            f"input {name}: {value!r} is not a valid {kind}", reason="input of the wrong type"
        ) from None


def _number(value: str) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() and "." not in value else number


def _boolean(value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ValueError(value)


_CONVERTERS: dict[str, Callable[[str], object]] = {
    "integer": int,
    "number": _number,
    "boolean": _boolean,
    "object": json.loads,
}


def file_data_url(path: Path) -> str:
    """The file at ``path`` as a base64 ``data:`` URL.

    Raises:
        InvalidInputError: the file cannot be read.
    """
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(
            f"cannot read input file {path}: {exc.strerror or exc}", reason="unreadable file"
        ) from exc
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{media_type};base64,{base64.b64encode(content).decode()}"


def decode_data_url(url: str) -> tuple[bytes, str]:
    """``(content, media type)`` of a ``data:`` URL the model returned.

    Raises:
        ProtocolError: not a well-formed data URL (the model's answer is malformed: exit 6).
    """
    header, comma, payload = url.partition(",")
    if not url.startswith("data:") or not comma:
        raise ProtocolError("model", "the model returned a malformed data URL")
    params = header[len("data:") :].split(";")
    media_type = params[0] or "text/plain"
    try:
        if "base64" in params[1:]:
            return base64.b64decode(payload, validate=True), media_type
    except binascii.Error as exc:
        raise ProtocolError("model", "the model returned a data URL that is not base64") from exc
    return urllib.parse.unquote_to_bytes(payload), media_type


def save_files(
    output: object,
    schema: Mapping[str, Any] | None,
    destination: Path,
    *,
    mode: str = "predict",
) -> tuple[object, list[Path]]:
    """Write the file outputs in ``output`` under ``destination``.

    Returns the output with each written file replaced by its path, and the paths written.
    All or nothing: when one file fails, the ones already written are removed again.

    Raises:
        InvalidInputError: a file cannot be written there.
        ProtocolError: a data URL is malformed.
    """
    written: list[Path] = []
    try:
        return _save_files(output, schema, destination, mode, written), written
    except BaseException:
        for path in written:
            _discard(path)
        raise


def _save_files(
    output: object,
    schema: Mapping[str, Any] | None,
    destination: Path,
    mode: str,
    written: list[Path],
) -> object:
    spec = output_schema(schema, mode) if schema else {}
    if isinstance(output, list) and (_file_items(spec) or all(_is_data_url(v) for v in output)):
        replaced: list[object] = []
        for index, item in enumerate(output):
            numbered = destination.with_name(f"{destination.stem}.{index}{destination.suffix}")
            replaced.append(_save_one(item, numbered, written))
        return replaced
    if (spec and is_file(spec)) or _is_data_url(output):
        return _save_one(output, destination, written)
    if isinstance(output, dict):
        # An object output (a training's weights and metrics): its file fields are saved, at
        # ``destination`` when there is one, else at ``destination.<field>`` each.
        files = [key for key, value in output.items() if _is_data_url(value)]
        replaced_fields = dict(output)
        for key in files:
            if len(files) == 1:
                replaced_fields[key] = _save_one(output[key], destination, written)
            else:
                named = destination.with_name(f"{destination.name}.{key}")
                replaced_fields[key] = _save_one(output[key], named, written, typed=False)
        return replaced_fields
    return output


def _file_items(spec: Mapping[str, Any]) -> bool:
    items = spec.get("items")
    return spec.get("type") == "array" and isinstance(items, Mapping) and is_file(items)


def _is_data_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith("data:")


def _save_one(
    item: object, destination: Path, written: list[Path], *, typed: bool = True
) -> object:
    """Save one data URL; ``typed=False``: the destination's suffix is not a file type."""
    if not _is_data_url(item):
        return item  # an http(s) URL the model uploaded elsewhere: shown as it is
    assert isinstance(item, str)
    content, media_type = decode_data_url(item)
    path = destination
    if not typed or not path.suffix or path.suffix[1:].isdigit():  # 'out.0': numbered (Cog)
        path = path.with_name(path.name + (mimetypes.guess_extension(media_type) or ""))
    write_file(path, content)
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
    return json.dumps(output, indent=2, ensure_ascii=False)

"""The model's OpenAPI schema for a build: given, or generated and validated, then written.

In Cog HEAD's order (``pkg/image/build.go``): the predictor's metadata is read first (for the
decorator's concurrency); then the schema is ``--openapi-schema``/``$COG_OPENAPI_SCHEMA`` read
byte for byte, or generated statically from the source (with its SDK gate), and validated as
Cog validates it (:func:`domain.openapi.validate_document`) before anything is built; it is
written to ``<project>/.cog/openapi_schema.json`` for dev runs that mount the project.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from adapters.dockerfile import planning
from adapters.dockerfile.context import COG_DIR
from adapters.dockerfile.wheel_source import COG_SDK_WHEEL, COG_WHEEL
from adapters.host_files import read_file
from domain.errors import BuildError, InvalidInputError
from domain.json_text import read_json
from domain.limits import MAX_JSON_BYTES
from domain.openapi import PredictorInfo, validate_document
from domain.options import BuildOptions
from domain.source import Source

SCHEMA_ENV: Final = "COG_OPENAPI_SCHEMA"


def given_schema(options: BuildOptions, environ: Mapping[str, str]) -> Path | None:
    """The schema file the build was given (``--openapi-schema``, else the variable), if any."""
    given = options.schema_file or environ.get(SCHEMA_ENV, "")
    return Path(given) if given else None


def predictor_metadata(source: Source, *, required: bool) -> PredictorInfo | None:
    """The predictor's interface (``predict``, else ``train``), or ``None`` without one.

    Unless ``required`` (a schema is generated from the same source), a predictor that cannot
    be read is not an error: Cog then falls back to cog.yaml's concurrency alone.

    Raises:
        SchemaError: ``required`` and the predictor cannot be read.
    """
    try:
        return planning.predictor_info(source)
    except InvalidInputError:
        if required:
            raise
        return None


def check_sdk_gate(source: Source, environ: Mapping[str, str]) -> None:
    """The static schema's SDK gate (before the runtime's own minimum, as in Cog).

    Raises:
        SchemaError: SDK_TOO_OLD.
    """
    planning.check_schema_sdk(source, wheel=_wheel(environ))


def model_schema(
    source: Source, options: BuildOptions, environ: Mapping[str, str], version: str
) -> str:
    """The schema JSON text (``""`` without predict/train), also written under ``.cog``.

    A given schema file is used byte for byte, as Cog uses it, and validated as a generated
    one is.

    Raises:
        InvalidInputError: a given schema file cannot be read or is not a JSON object.
        SchemaError: the predictor cannot be turned into a schema, or the schema is invalid.
        BuildError: the schema cannot be written under ``.cog``.
    """
    given = given_schema(options, environ)
    if given is not None:
        data = _read_schema_file(given)
    else:
        generated = planning.static_schema(
            source, version=version or "0.1.0", wheel=_wheel(environ)
        )
        if generated is None:
            return ""
        data = generated
    validate_document(json.loads(data))
    target = Path(source.project_dir) / COG_DIR / "openapi_schema.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:
        raise BuildError(f"cannot write {target}: {exc.strerror or exc}", step="schema") from exc
    return data.decode("utf-8")


def _wheel(environ: Mapping[str, str]) -> str | None:
    return environ.get(COG_SDK_WHEEL) or environ.get(COG_WHEEL) or None


def _read_schema_file(path: Path) -> bytes:
    """The schema file's bytes: a regular file of at most ``MAX_JSON_BYTES``, UTF-8 JSON
    within ``read_json``'s limits (depth, structure), holding an object.

    Raises:
        InvalidInputError: it cannot be read (a ``HostFileError``), is not UTF-8 JSON within
            the limits (an ``InvalidJsonError``), or is not an object.
    """
    data = read_file(path, what="the OpenAPI schema file", limit=MAX_JSON_BYTES)
    try:
        text = data.decode("utf-8")  # the label is text: UTF-8 only, as for Cog
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"cannot read the OpenAPI schema file {path}: not UTF-8 text (byte {exc.start})",
            reason="unreadable schema file",
        ) from exc
    value = read_json(text, what=f"the OpenAPI schema file {path}")
    if not isinstance(value, dict):
        raise InvalidInputError(
            f"the OpenAPI schema file {path} does not hold a JSON object",
            reason="schema is not an object",
        )
    return data

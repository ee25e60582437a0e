"""How results look: aligned ``Key  value`` tables for people, one JSON object for ``--json``.

The JSON object of a model (``inspect --json``, ``pull --json``) is fixed by DESIGN.md's command
line contract: ``reference`` (canonical, or null for an image looked up by id), ``digest`` (the
image id, i.e. the config blob's digest, the same value locally and remotely),
``manifest_digest`` (or null), ``source``, ``platform`` ({os, architecture, variant} of the image
actually inspected, or null), ``cog_version`` (or null), ``config`` (the ``run.cog.config`` label
as an object), ``openapi_schema`` (object or null) and ``labels``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.cli.context import Context
    from domain.image import Image
    from domain.model import Model
    from domain.platform import Platform

_WIDTH = len("Training output  ")
_WHERE = {
    "local": "local engine",
    "remote": "registry (not pulled)",
    "build": "build",
}


def print_json(ctx: Context, document: object) -> None:
    """Write ``document`` as indented JSON, one object, to stdout."""
    ctx.out(json_text(document, indent=2))


# What json.dumps(ensure_ascii=False) leaves raw that a terminal obeys: DEL, the C1 controls
# (0x9b is a CSI by itself), the bidirectional controls, the line separators, lone surrogates.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def json_text(document: object, *, indent: int | None = None) -> str:
    """``document`` as JSON (non-ASCII text kept), with every character a terminal would obey
    written as a ``\\uXXXX`` escape: still the same JSON, safe to print (C0 controls are
    escaped by JSON itself)."""
    import json  # `ref` without --json, and --help, never need it

    text = json.dumps(document, indent=indent, ensure_ascii=False, default=_read_only)
    if text.isascii() and "\x7f" not in text:
        return text  # the common case: JSON escaped every C0 control, and nothing else is left
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _read_only(value: object) -> object:
    """What json.dumps cannot write itself: the domain's read-only mappings, as objects.

    Raises:
        TypeError: ``value`` is not a mapping (json.dumps's own error for what is not JSON).
    """
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def print_table(ctx: Context, rows: Sequence[tuple[str, str]], *, width: int | None = None) -> None:
    """Write ``rows`` as two aligned columns to stdout (``width``: of the first column)."""
    width = width or max((len(key) for key, _ in rows), default=0) + 2
    for key, value in rows:
        ctx.show(f"{key:<{width}}{value}".rstrip())


def shown_name(image: Image) -> str:
    """An image's name as the user wrote it (``cog-hello``), else canonical, else its id."""
    if image.reference is not None and image.reference.original:
        return image.reference.original
    return image.display_name


def model_document(model: Model) -> dict[str, object]:
    """The JSON object of ``model`` (the command line contract's inspect object), for
    :func:`json_text`: the schema stays the model's read-only mapping, which json_text writes as
    an object in C, without a Python copy of every node first."""
    image = model.image
    platform = image.platform
    return {
        "reference": str(image.reference) if image.reference is not None else None,
        "digest": image.image_id,
        "manifest_digest": manifest_digest(image),
        "source": image.source.value,
        "platform": _platform(platform),
        "cog_version": model.cog_version or None,
        "config": _config_object(model),
        "openapi_schema": model.schema,
        "labels": dict(image.labels),
    }


def model_rows(model: Model) -> list[tuple[str, str]]:
    """The human description of ``model``: identity first, then what the model is."""
    image = model.image
    rows = [
        ("Image", image.display_name),
        ("Image ID", image.image_id or "-"),
        ("Found", _WHERE.get(image.source.value, image.source.value)),
    ]
    digest = manifest_digest(image)
    if digest:
        rows.append(("Manifest digest", digest))
    rows += [
        ("Platform", str(image.platform) if image.platform else "-"),
        ("Cog version", model.cog_version or "-"),
        ("GPU", "yes" if model.has_gpu else "no"),
        ("Python version", model.python_version or "-"),
        ("Predictor", model.predictor or "-"),
    ]
    if model.trainer:
        rows.append(("Trainer", model.trainer))
    return rows


def print_model(ctx: Context, model: Model) -> None:
    """The human ``inspect`` output: the table, then the schema's inputs and output, and for a
    model with a trainer, the training's inputs and output.

    Raises:
        InvalidLabelError: the schema label has the wrong shape (before anything is printed).
    """
    from adapters.cli.schema_view import describe_inputs, describe_output
    from domain.errors import InvalidLabelError

    schema = model.schema
    if schema is None:
        print_table(ctx, model_rows(model), width=_WIDTH)
        print_table(ctx, [("Schema", "none (no run.cog.openapi_schema label)")], width=_WIDTH)
        return
    try:
        inputs, output = describe_inputs(schema), describe_output(schema)
        training = (
            (describe_inputs(schema, "train"), describe_output(schema, "train"))
            if model.trainer
            else None
        )
    except InvalidLabelError as exc:
        raise InvalidLabelError(exc.label, exc.reason, ref=model.image.display_name) from exc
    print_table(ctx, model_rows(model), width=_WIDTH)
    _print_io(ctx, "Inputs", inputs, "Output", output)
    if training is not None:
        _print_io(ctx, "Training inputs", training[0], "Training output", training[1])


def _print_io(ctx: Context, title: str, inputs: list[str], output_title: str, output: str) -> None:
    print_table(ctx, [(title, "" if inputs else "none")], width=_WIDTH)
    for line in inputs:
        ctx.show(f"  {line}")
    print_table(ctx, [(output_title, output)], width=_WIDTH)


def manifest_digest(image: Image) -> str | None:
    """The manifest digest the image was read through, or the engine's record of it.

    Remotely it is the manifest actually read. Locally, the engine remembers the digest an
    image was pulled or pushed with (``RepoDigests``); the entry for the reference's repository
    is that manifest's digest.
    """
    if image.manifest_digest is not None:
        return image.manifest_digest
    if image.reference is None or not image.repo_digests:
        return None
    from domain.errors import InvalidReferenceError
    from domain.reference import parse_ref

    for entry in image.repo_digests:
        try:
            recorded = parse_ref(entry)
        except InvalidReferenceError:
            continue
        if recorded.name == image.reference.name and recorded.digest is not None:
            return recorded.digest
    return None


def _platform(platform: Platform | None) -> dict[str, str | None] | None:
    if platform is None:
        return None
    return {"os": platform.os, "architecture": platform.architecture, "variant": platform.variant}


def _config_object(model: Model) -> object:
    raw = model.image.config
    if raw:
        try:
            # The label as written (unknown keys kept), unless it holds NaN/Infinity: Python
            # reads those, but they are not JSON, and --json must print JSON.
            import json

            return json.loads(raw, parse_constant=_not_json)
        except ValueError:  # Model.from_image already parsed it; a build model carries none
            pass
    return model.config.model_dump(mode="json", exclude_defaults=True)


def _not_json(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")

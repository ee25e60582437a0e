"""cog.yaml's JSON schema, and the way Cog validates against it and reports one error.

The schema is data: ``data/config_schema_v1.0.json`` (Cog's file of that name at 0447eb11 plus
what HEAD added that users write today: ``build.sdk_version``, top-level ``model``, ``run`` and
``weights``), read on first use. :mod:`domain.cogyaml.json_schema` reports errors as gojsonschema
(Cog's validator) does. Cog then shows the *most specific* error (most path segments; on a tie an
``invalid_type`` error wins; after an ``anyOf``/``oneOf`` error the next error's description is
used) and rewrites type errors as ``<field> must be a <type>`` (``object`` is a mapping,
``array`` a list).

One deliberate difference: Go walks object properties in random (map) order, so Cog's choice
among equally specific errors in different properties is not stable; here it is document order.
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import json
from collections.abc import Callable, Sequence
from typing import Any

from domain.cogyaml.json_schema import Schema, SchemaViolation, violations
from domain.errors import ConfigError

SCHEMA_FILE = "config_schema_v1.0.json"


@functools.cache
def cog_yaml_schema() -> Schema:
    """cog.yaml's JSON schema, read from the package's data on first use."""
    data = importlib.resources.files("domain.cogyaml").joinpath("data", SCHEMA_FILE)
    schema: dict[str, Any] = json.loads(data.read_text(encoding="utf-8"))
    return schema


Locate = Callable[[str, str], "int | None"]


def check_schema(document: object, *, locate: Locate | None = None) -> None:
    """Validate a JSON-like ``document`` against cog.yaml's schema and raise Cog's most specific
    error, if any. An unknown key gets the closest allowed one suggested (``Additional
    property pyhton_version is not allowed (did you mean python_version?)``).

    ``locate(field, key)`` gives the line of a field (and a key in it), for the error's
    ``line``.

    Raises:
        ConfigError: ``field`` is the offending dotted path (``""`` for the whole file),
            ``reason`` says what is wrong, ``problems`` holds Cog's description.
    """
    errors = violations(document, cog_yaml_schema())
    if not errors:
        return
    winner, text = most_specific(errors)
    where = "" if winner.field == "(root)" else winner.field
    text = text.replace("(root) ", "cog.yaml ", 1) if text.startswith("(root) ") else text
    reason = text.removeprefix(f"{where} ") if where else text
    if winner.kind == "additional_property_not_allowed":
        close = difflib.get_close_matches(winner.property, winner.allowed, n=1)
        if close:
            reason += f" (did you mean {close[0]}?)"
    line = locate(where, winner.property) if locate is not None else None
    raise ConfigError(where, reason, problems=(text,), line=line)


def most_specific(errors: Sequence[SchemaViolation]) -> tuple[SchemaViolation, str]:
    """Cog's choice of the error to show, and its description."""
    best = 0
    for i, error in enumerate(errors):
        depth, best_depth = _depth(error), _depth(errors[best])
        if depth > best_depth or (
            depth == best_depth and error.kind == "invalid_type" != errors[best].kind
        ):
            best = i
    winner = errors[best]
    if winner.kind == "invalid_type":
        return winner, f"{winner.field} must be a {_human_type(winner.expected)}"
    if winner.kind in ("any_of", "one_of") and best + 1 < len(errors):
        follower = errors[best + 1]
        return winner, follower.description
    return winner, winner.description


def _depth(error: SchemaViolation) -> int:
    return len(error.field.split("."))


def _human_type(expected: str) -> str:
    names = [
        {"object": "mapping", "array": "list"}.get(t, t) for t in expected.strip("[]").split(",")
    ]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"

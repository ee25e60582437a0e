"""What went wrong when a predictor cannot be turned into a schema.

Every :class:`~domain.errors.SchemaError` raised by ``domain.openapi`` carries one of these
kinds in ``.kind`` (Cog's ``SchemaErrorKind``, plus the kinds this port adds), the 1-based
``.line`` of the construct and the ``.file`` it is in, so callers and tests branch on data and
the message stays free for humans.
"""

from __future__ import annotations

import ast
from enum import StrEnum
from typing import NoReturn

from domain.errors import SchemaError

__all__ = ["SchemaErrorKind", "fail"]


class SchemaErrorKind(StrEnum):
    """The rule a predictor broke. Values are stable identifiers, not messages."""

    PARSE = "parse"
    """The source is not valid Python."""
    PREDICTOR_NOT_FOUND = "predictor_not_found"
    """No top-level class or function has the referenced name (or the mode's default)."""
    METHOD_NOT_FOUND = "method_not_found"
    """The class (and its parents) defines no ``run``/``predict`` (or ``train``)."""
    MISSING_RETURN_TYPE = "missing_return_type"
    MISSING_TYPE_ANNOTATION = "missing_type_annotation"
    UNSUPPORTED_TYPE = "unsupported_type"
    """A type, or a combination (constraints on a union, a nested union, …), Cog rejects."""
    UNRESOLVABLE_TYPE = "unresolvable_type"
    """A name that is neither a supported type nor a model class found in the project."""
    OPTIONAL_OUTPUT = "optional_output"
    CONCAT_ITERATOR_NOT_STR = "concat_iterator_not_str"
    STREAMING_WITHOUT_ITERATOR = "streaming_without_iterator"
    INVALID_CONCURRENCY = "invalid_concurrency"
    DEFAULT_FACTORY_NOT_SUPPORTED = "default_factory_not_supported"
    DEFAULT_NOT_RESOLVABLE = "default_not_resolvable"
    CHOICES_NOT_RESOLVABLE = "choices_not_resolvable"
    ACCEPT_ON_NON_FILE_TYPE = "accept_on_non_file_type"
    INVALID_PREDICT_REF = "invalid_predict_ref"
    """A ``predict``/``train`` reference that is not ``file.py:Name``."""
    SOURCE_OUTSIDE_PROJECT = "source_outside_project"
    SOURCE_NOT_FOUND = "source_not_found"
    NO_TARGET = "no_target"
    """Neither ``predict`` nor ``train`` is configured."""
    SDK_TOO_OLD = "sdk_too_old"
    """The build pins a Cog SDK older than 0.17.0, which static schemas do not describe."""
    INVALID_SCHEMA = "invalid_schema"
    """The document breaks OpenAPI's rules (a default outside its own constraints, …)."""
    LIMIT_EXCEEDED = "limit_exceeded"
    """The source passes one of cogmodel's limits on outside input (:mod:`domain.limits`):
    a file too large, types, literals, imports or base classes nested too deeply."""


def fail(
    kind: SchemaErrorKind, reason: str, node: ast.AST | int | None = None, file: str = ""
) -> NoReturn:
    """Raise a SchemaError of ``kind`` pointing at ``node`` (or a line number) in ``file``.

    Raises:
        SchemaError: always.
    """
    line = node if isinstance(node, int) else getattr(node, "lineno", None)
    raise SchemaError(reason, line=line, file=file, kind=kind)

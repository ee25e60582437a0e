"""Cog's OpenAPI schema, generated statically from a predictor's source (cog-spec §5.2).

Cog (since 0.19) reads ``predict.py`` with a parser instead of running it in the image and
writes the OpenAPI 3.0.2 document to the ``run.cog.openapi_schema`` label and to
``.cog/openapi_schema.json``. This package does the same with Python's own ``ast``: no user
code runs, nothing is read from disk (callers pass sources, or a callable that reads them).
:func:`validate_document` checks a document as ``cog build`` does before it builds (a default
within its own input's constraints).

>>> source = '''
... from cog import BasePredictor, Input, Path
... class Predictor(BasePredictor):
...     def predict(self, steps: int = Input(default=10, ge=1, le=50)) -> Path: ...
... '''
>>> doc = openapi_schema(source, "Predictor")
>>> doc["components"]["schemas"]["Input"]["properties"]["steps"]
{'default': 10, 'maximum': 50.0, 'minimum': 1.0, 'title': 'Steps', 'type': 'integer', 'x-order': 0}
"""

from __future__ import annotations

from typing import Any

from domain.openapi.document import encode, merge_documents, openapi_document
from domain.openapi.kinds import SchemaErrorKind
from domain.openapi.module import ResolveImport
from domain.openapi.parser import PredictorInfo, predictor_info
from domain.openapi.refs import (
    ReadSource,
    generate_for_config,
    parse_predict_ref,
    project_source_path,
)
from domain.openapi.sdk import MINIMUM_SDK_VERSION, check_sdk_version
from domain.openapi.types import InputField, InputType, OutputType, title_case
from domain.openapi.validation import validate_document

__all__ = [
    "MINIMUM_SDK_VERSION",
    "InputField",
    "InputType",
    "OutputType",
    "PredictorInfo",
    "ReadSource",
    "ResolveImport",
    "SchemaErrorKind",
    "check_sdk_version",
    "encode",
    "generate_for_config",
    "merge_documents",
    "openapi_document",
    "openapi_schema",
    "parse_predict_ref",
    "predictor_info",
    "project_source_path",
    "title_case",
    "validate_document",
]


def openapi_schema(
    source: str,
    name: str,
    *,
    mode: str = "predict",
    version: str = "0.1.0",
    file: str = "",
    resolve_import: ResolveImport | None = None,
) -> dict[str, Any]:
    """The OpenAPI document for ``name`` (a class or function) in ``source``.

    ``mode`` is ``predict`` or ``train``; ``version`` becomes ``info.version``; ``file``
    (the source's project-relative path) is named in errors and anchors relative imports;
    ``resolve_import(path)`` returns another project file's text or None, so model classes
    and base classes can come from other files. The dict is in Cog's key order:
    ``encode(doc)`` gives the bytes Cog writes.

    Raises:
        SchemaError: the source breaks a rule; ``.kind`` (a :class:`SchemaErrorKind`) says
            which, ``.line`` and ``.file`` where.
        InvalidInputError: ``mode`` is neither ``predict`` nor ``train``.
    """
    info = predictor_info(source, name, mode=mode, file=file, resolve_import=resolve_import)
    return openapi_document(info, version=version)

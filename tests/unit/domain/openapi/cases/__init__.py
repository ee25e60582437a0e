"""Helpers and fixture sources for the domain.openapi tests.

``example/`` is a realistic model (``predict.py`` with a ``Predictor`` and a ``train``
function, plus its ``cog.yaml``) meant to be copied to ``examples/`` as is. ``multifile/`` is a
project whose predictors import model and base classes from other files.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from domain.errors import SchemaError
from domain.openapi import openapi_schema

CASES = Path(__file__).parent
EXAMPLE = CASES / "example"
MULTIFILE = CASES / "multifile"

HEADER = """\
from typing import Any, AsyncIterator, Dict, Iterator, List, Optional, Union
from cog import BaseModel, BasePredictor, ConcatenateIterator, File, Input, Path, Secret
"""


def predictor(params: str, returns: str = "str", *, header: str = HEADER, body: str = "") -> str:
    """A module with ``body`` and ``class Predictor`` whose ``predict`` takes ``params``."""
    return (
        header
        + textwrap.dedent(body)
        + f"\nclass Predictor(BasePredictor):\n    def predict(self, {params}) -> {returns}:\n"
        + "        ...\n"
    )


def schema(source: str, name: str = "Predictor", **options: Any) -> dict[str, Any]:
    return openapi_schema(textwrap.dedent(source), name, **options)


def components(source: str, name: str = "Predictor", **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = schema(source, name, **options)["components"]["schemas"]
    return result


def input_schema(source: str, **options: Any) -> dict[str, Any]:
    key = "TrainingInput" if options.get("mode") == "train" else "Input"
    result: dict[str, Any] = components(source, **options)[key]
    return result


def prop(params: str, name: str | None = None, *, body: str = "") -> dict[str, Any]:
    """The Input property of one parameter (the first one unless ``name`` is given)."""
    properties = input_schema(predictor(params, body=body))["properties"]
    result: dict[str, Any] = properties[name or next(iter(properties))]
    return result


def output(returns: str, *, body: str = "", header: str = HEADER) -> dict[str, Any]:
    result: dict[str, Any] = components(predictor("", returns, body=body, header=header))["Output"]
    return result


def schema_error(source: str, name: str = "Predictor", **options: Any) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        schema(source, name, **options)
    return info.value


def project_reader(root: Path) -> Any:
    """A ``resolve_import``/``read_source`` over a directory: text, or None when missing."""

    def read(path: str) -> str | None:
        file = root / path
        return file.read_text() if file.is_file() else None

    return read

"""What a prediction run is given and gives back: options, a reporter, and the result.

Part of the prediction use case (:mod:`application.predictor`). :func:`collect_output` turns
the files of a model's output (``data:`` URLs) into :class:`OutputFile` values: where the
output's schema says a value is a file, and, where the schema does not say, for the strings
Cog's runtime writes for files (``data:<type>;base64,…``), so that a text that merely starts
with ``data:`` stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from application.ports.container_runner import GpuRequest
from domain.errors import InvalidLabelError
from domain.prediction.mode import Mode
from domain.prediction.response import PredictionStatus
from domain.prediction.schema import Node, is_file, read_output_schema
from domain.prediction.values import OutputFile, decode_data_url

_FILE_URL = re.compile(r"data:(?:[\w.+-]+/[\w.+-]+)?(?:;[^,;]*)*;base64,").match


def _quiet(text: str) -> None:
    """Say nothing."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Reporter:
    """Where a run reports: progress notes, warnings, and the container's output lines."""

    note: Callable[[str], None] = _quiet
    warn: Callable[[str], None] = _quiet
    log: Callable[[str], None] | None = None  # None: the container's output is not followed


@dataclass(frozen=True, slots=True, kw_only=True)
class PredictionOptions:
    """How to run one prediction or training.

    Attributes:
        env: environment variables for the container.
        gpus: the GPUs to give it; ``None`` (default): as the model's config asks, falling back
            to none where the engine has no GPU runtime.
        setup_timeout: seconds the model may take to become ready. Default: 300 (Cog's).
        log_level: Cog's ``COG_LOG_LEVEL`` for the runtime's own messages, unless ``env`` sets
            it. Default: ``warning`` (Cog's, without ``--debug``).
    """

    env: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    gpus: GpuRequest | None = None
    setup_timeout: float = 300.0
    log_level: str = "warning"


@dataclass(frozen=True, slots=True, kw_only=True)
class Prediction:
    """A finished prediction or training.

    Attributes:
        mode: predict or train.
        id: the id it ran under.
        status: ``succeeded``, ``failed`` or ``canceled``.
        output: the output, each file in it an :class:`OutputFile`.
        error: why it failed, or ``None``.
        output_schema: the schema of the output (Cog's ``Output``), if known.
        response: the model's whole answer, as it sent it.
    """

    mode: Mode
    id: str
    status: PredictionStatus
    output: object
    error: str | None
    output_schema: Node | None
    response: Mapping[str, object]

    @property
    def succeeded(self) -> bool:
        """Whether the model returned an output."""
        return self.status is PredictionStatus.SUCCEEDED


def output_schema(document: object, mode: Mode) -> Node | None:
    try:
        return read_output_schema(document, mode)
    except InvalidLabelError:
        return None  # the inputs were checked against it already; the output only gets names


def collect_output(output: object, node: Node | None) -> object:
    """``output`` with its files decoded: where the schema says file, else Cog's file URLs."""
    if isinstance(output, str):
        if (node is not None and is_file(node)) or _FILE_URL(output):
            return decode_data_url(output) if output.startswith("data:") else output
        return output
    if isinstance(output, list):
        items = node.get("items") if node is not None else None
        inner = items if isinstance(items, Mapping) else None
        return [collect_output(item, inner) for item in output]
    if isinstance(output, dict):
        properties = node.get("properties") if node is not None else None
        fields = properties if isinstance(properties, Mapping) else {}
        return {key: collect_output(value, fields.get(key)) for key, value in output.items()}
    return output


__all__ = [
    "OutputFile",
    "Prediction",
    "PredictionOptions",
    "Reporter",
    "collect_output",
    "output_schema",
]

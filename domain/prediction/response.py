"""What a model answers to a prediction or training request (Cog's ``PredictionResponse``).

``status`` is ``succeeded``, ``failed`` or ``canceled`` for a finished request (``starting``
and ``processing`` only for asynchronous ones); ``output`` is any JSON value, files in it as
``data:`` URLs; ``error`` says why a request failed. ``document`` is the whole JSON answer, for
callers that show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType


class PredictionStatus(Enum):
    """The state of one prediction or training."""

    STARTING = "starting"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"


@dataclass(frozen=True, slots=True, kw_only=True)
class PredictionResponse:
    """One answer of ``POST /predictions`` or ``POST /trainings``."""

    id: str
    status: PredictionStatus
    output: object = None
    error: str | None = None
    logs: str = ""
    metrics: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    document: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

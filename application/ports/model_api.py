"""Port: the HTTP API of a running Cog model (what ``python -m cog.server.http`` serves).

Cog's protocol: ``GET /health-check`` (``{"status": …}``), ``GET /openapi.json``, ``POST
/predictions`` and ``POST /trainings`` (``{"id": …, "input": {…}}``, answered when done),
``POST /predictions/{id}/cancel`` (and ``/trainings/{id}/cancel``). Inputs are JSON values,
files among them as ``data:`` URLs; outputs likewise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from domain.prediction.health import HealthStatus
from domain.prediction.mode import Mode
from domain.prediction.response import PredictionResponse


@dataclass(frozen=True, slots=True)
class Address:
    """Where a model's API answers: a host (name or IP address) and a TCP port."""

    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


class ModelApi(Protocol):
    """Cog's HTTP API of running models, each at its :class:`Address`."""

    def health(self, address: Address) -> HealthStatus | None:
        """The model's health status; ``None`` while nothing answers there (yet).

        Raises:
            ProtocolError: something answered, but not with a Cog health status.
        """
        ...

    def openapi(self, address: Address) -> Mapping[str, object] | None:
        """The OpenAPI schema the model serves; ``None`` when it serves none.

        Raises:
            BackendUnavailableError: nothing answers at ``address``.
            ProtocolError: the answer is not a JSON object.
        """
        ...

    def predict(
        self, address: Address, inputs: Mapping[str, object], *, prediction_id: str
    ) -> PredictionResponse:
        """Run one prediction with ``inputs`` (JSON values) and return the model's answer.

        A prediction that fails in the model is an answer (status ``failed``), not an error.

        Raises:
            InvalidInputError: the model refused the inputs (naming each one and why).
            ContainerError: the model cannot take it (not ready, or every slot is busy).
            BackendUnavailableError: nothing answers at ``address``, or the connection broke.
            ProtocolError: an answer that is not Cog's.
        """
        ...

    def train(
        self, address: Address, inputs: Mapping[str, object], *, training_id: str
    ) -> PredictionResponse:
        """Run one training, as :meth:`predict` runs a prediction."""
        ...

    def cancel(self, address: Address, job_id: str, *, mode: Mode = Mode.PREDICT) -> bool:
        """Ask the model to cancel a running prediction (or training); whether it had one.

        Raises:
            BackendUnavailableError: nothing answers at ``address``.
        """
        ...

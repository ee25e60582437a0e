"""CogHttpModelApi: Cog's HTTP API of a running model, over ``http.client``.

One connection per request. ``GET /health-check`` waits at most ``health_timeout`` seconds
(nothing answering yet is ``None``: a model starting up); a prediction or training waits as long
as the model takes (``run_timeout``, default none); everything else at most ``timeout``. Each
request carries its id (``{"id": …, "input": …}``), so it can be cancelled by that id.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from adapters.cog_http.errors import BACKEND, connection_errors, json_object, refused
from application.ports.model_api import Address, ModelApi
from domain.errors import ProtocolError
from domain.prediction.health import HealthStatus
from domain.prediction.mode import Mode
from domain.prediction.response import PredictionResponse, PredictionStatus

_STATUSES: Final = {status.value: status for status in HealthStatus}
_OUTCOMES: Final = {status.value: status for status in PredictionStatus}


class CogHttpModelApi:
    """:class:`~application.ports.model_api.ModelApi` on Cog's HTTP protocol.

    Args:
        health_timeout: seconds one health check may take. Default: 1.
        timeout: seconds for the schema and cancel requests. Default: 10.
        run_timeout: seconds a prediction or training may take; ``None`` (the default): as
            long as the model needs.
    """

    def __init__(
        self,
        *,
        health_timeout: float = 1.0,
        timeout: float = 10.0,
        run_timeout: float | None = None,
    ) -> None:
        self._health_timeout = health_timeout
        self._timeout = timeout
        self._run_timeout = run_timeout

    def health(self, address: Address) -> HealthStatus | None:
        """See :meth:`application.ports.model_api.ModelApi.health`."""
        try:
            status, body = _exchange(address, "GET", "/health-check", None, self._health_timeout)
        except (OSError, http.client.HTTPException):  # not listening (yet), reset, timed out
            return None
        if status != 200:
            return None
        value = json_object(body, "GET /health-check").get("status")
        found = _STATUSES.get(value) if isinstance(value, str) else None
        if found is None:
            raise ProtocolError(BACKEND, f"GET /health-check returned the status {value!r}")
        return found

    def openapi(self, address: Address) -> Mapping[str, object] | None:
        """See :meth:`application.ports.model_api.ModelApi.openapi`."""
        with connection_errors("GET /openapi.json"):
            status, body = _exchange(address, "GET", "/openapi.json", None, self._timeout)
        if status in (404, 503):  # coglet: 503 while it has no schema
            return None
        if status != 200:
            raise ProtocolError(BACKEND, f"GET /openapi.json returned HTTP {status}")
        return json_object(body, "GET /openapi.json")

    def predict(
        self, address: Address, inputs: Mapping[str, object], *, prediction_id: str
    ) -> PredictionResponse:
        """See :meth:`application.ports.model_api.ModelApi.predict`."""
        return self._run(address, Mode.PREDICT, inputs, prediction_id)

    def train(
        self, address: Address, inputs: Mapping[str, object], *, training_id: str
    ) -> PredictionResponse:
        """See :meth:`application.ports.model_api.ModelApi.train`."""
        return self._run(address, Mode.TRAIN, inputs, training_id)

    def cancel(self, address: Address, job_id: str, *, mode: Mode = Mode.PREDICT) -> bool:
        """See :meth:`application.ports.model_api.ModelApi.cancel`."""
        path = f"/{mode.endpoint}/{job_id}/cancel"
        with connection_errors(f"POST {path}"):
            status, _ = _exchange(address, "POST", path, b"", self._timeout)
        return status == 200

    def _run(
        self, address: Address, mode: Mode, inputs: Mapping[str, object], job_id: str
    ) -> PredictionResponse:
        what = f"POST /{mode.endpoint}"
        body = json.dumps({"id": job_id, "input": dict(inputs)}).encode()
        with connection_errors(what):
            status, answer = _exchange(
                address, "POST", f"/{mode.endpoint}", body, self._run_timeout
            )
        if status != 200:
            raise refused(status, answer, what, noun=mode.noun)
        return _response(json_object(answer, what), what, job_id)


def _response(document: Mapping[str, object], what: str, job_id: str) -> PredictionResponse:
    value = document.get("status")
    status = _OUTCOMES.get(value) if isinstance(value, str) else None
    if status is None:
        raise ProtocolError(BACKEND, f"{what} returned the status {value!r}")
    error, logs, metrics = document.get("error"), document.get("logs"), document.get("metrics")
    return PredictionResponse(
        id=str(document.get("id") or job_id),
        status=status,
        output=document.get("output"),
        error=str(error) if error not in (None, "") else None,
        logs=logs if isinstance(logs, str) else "",
        metrics=MappingProxyType(dict(metrics)) if isinstance(metrics, dict) else {},
        document=MappingProxyType(dict(document)),
    )


def _exchange(
    address: Address, method: str, path: str, body: bytes | None, timeout: float | None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(address.host, address.port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


_: type[ModelApi] = CogHttpModelApi

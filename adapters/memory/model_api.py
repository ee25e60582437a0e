"""A model API in memory: Cog's runtime as a scripted model, in the containers of the memory
runner. Passes ModelApiContract.

Every container the attached :class:`InMemoryContainerRunner` starts plays the one
:class:`ScriptedModel`; an :class:`Address` answers while a running container publishes that
port there, as a real server answers only while its container runs. The runtime's own rules
are kept: unknown inputs are dropped (Cog's runtime drops them silently), a missing required
input (by the model's schema) is refused as a 422 would be, and a job can be cancelled by id
while it runs.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from adapters.memory.container_runner import InMemoryContainer, InMemoryContainerRunner
from application.ports.model_api import Address, ModelApi
from domain.errors import BackendUnavailableError, InvalidInputError, InvalidLabelError
from domain.prediction.health import HealthStatus
from domain.prediction.mode import Mode
from domain.prediction.response import PredictionResponse, PredictionStatus
from domain.prediction.schema import read_input_schema

COG_PORT = 5000


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One prediction or training a scripted model is asked to run."""

    id: str
    mode: Mode
    inputs: Mapping[str, object]
    cancelled: threading.Event


Respond = Callable[[Job], PredictionResponse]


def succeeded(job: Job, output: object) -> PredictionResponse:
    """A successful answer to ``job`` with ``output``."""
    return _answer(job, PredictionStatus.SUCCEEDED, output=output)


def failed(job: Job, error: str) -> PredictionResponse:
    """The answer to ``job`` when the model's code raised ``error``."""
    return _answer(job, PredictionStatus.FAILED, error=error)


def echo(job: Job) -> PredictionResponse:
    """A model that says what it was given: ``predictions: {"text": "hi"}``."""
    return succeeded(job, f"{job.mode.endpoint}: {json.dumps(dict(job.inputs))}")


@dataclass
class ScriptedModel:
    """What the model in every container does.

    Attributes:
        health: the answers to successive health checks (``None``: nothing listens yet); the
            last one repeats.
        respond: what a prediction or training answers (raise ``InvalidInputError`` for a
            refusal, as Cog's 422).
        schema: the OpenAPI schema the model serves, or ``None``.
        exits_during_setup: the container exits at the first health check.
        received: every job the model was given, in order.
    """

    health: Sequence[HealthStatus | None] = (HealthStatus.STARTING, HealthStatus.READY)
    respond: Respond = echo
    schema: Mapping[str, object] | None = None
    exits_during_setup: bool = False
    received: list[Job] = field(default_factory=list)


class InMemoryModelApi:
    """:class:`~application.ports.model_api.ModelApi` of the memory runner's containers."""

    def __init__(self, runner: InMemoryContainerRunner, model: ScriptedModel | None = None) -> None:
        self._runner = runner
        self.model = model or ScriptedModel()
        self._checks: dict[str, int] = {}
        self._jobs: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def health(self, address: Address) -> HealthStatus | None:
        """See :meth:`application.ports.model_api.ModelApi.health`."""
        container = self._container(address)
        if container is None:
            return None
        if self.model.exits_during_setup:
            self._runner.exit(container.id)
            return None
        with self._lock:
            seen = self._checks.get(container.id, 0)
            self._checks[container.id] = seen + 1
        answers = self.model.health or (HealthStatus.READY,)
        return answers[min(seen, len(answers) - 1)]

    def openapi(self, address: Address) -> Mapping[str, object] | None:
        """See :meth:`application.ports.model_api.ModelApi.openapi`."""
        self._reached(address)
        return self.model.schema

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
        self._reached(address)
        with self._lock:
            cancelled = self._jobs.get(job_id)
        if cancelled is None:
            return False
        cancelled.set()
        return True

    def _run(
        self, address: Address, mode: Mode, inputs: Mapping[str, object], job_id: str
    ) -> PredictionResponse:
        self._reached(address)
        kept = self._as_the_runtime_does(mode, inputs)
        job = Job(id=job_id, mode=mode, inputs=kept, cancelled=threading.Event())
        self.model.received.append(job)
        with self._lock:
            self._jobs[job_id] = job.cancelled
        try:
            answer = self.model.respond(job)
        finally:
            with self._lock:
                self._jobs.pop(job_id, None)
        if job.cancelled.is_set() and answer.status is not PredictionStatus.FAILED:
            return _answer(job, PredictionStatus.CANCELED)
        return answer

    def _as_the_runtime_does(
        self, mode: Mode, inputs: Mapping[str, object]
    ) -> Mapping[str, object]:
        """Drop unknown inputs and refuse missing required ones, by the served schema."""
        try:
            schema = read_input_schema(self.model.schema, mode)
        except InvalidLabelError:
            schema = None
        if schema is None:
            return MappingProxyType(dict(inputs))
        missing = [name for name in schema.required if name not in inputs]
        if missing:
            listed = "; ".join(f"{name}: Field required" for name in missing)
            raise InvalidInputError(
                f"The inputs you passed could not be validated: {listed}", reason="inputs refused"
            )
        return MappingProxyType({k: v for k, v in inputs.items() if k in schema.fields})

    def _reached(self, address: Address) -> InMemoryContainer:
        container = self._container(address)
        if container is None:
            raise BackendUnavailableError("model", f"nothing answers at {address}")
        return container

    def _container(self, address: Address) -> InMemoryContainer | None:
        if address.host != self._runner.published_host:
            return None
        for container in list(self._runner.running.values()):
            if container.ports.get(COG_PORT) == address.port:
                return container
        return None


def _answer(
    job: Job, status: PredictionStatus, *, output: object = None, error: str | None = None
) -> PredictionResponse:
    document = {"id": job.id, "status": status.value, "output": output, "error": error}
    return PredictionResponse(
        id=job.id,
        status=status,
        output=output,
        error=error,
        document=MappingProxyType(document),
    )


_: type[ModelApi] = InMemoryModelApi

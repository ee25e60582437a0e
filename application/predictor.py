"""The prediction use case: check a model's inputs, run it in a container, collect its output.

:meth:`Predictor.run` does what ``cog predict IMAGE`` does, in this order:

1. **Check the inputs before anything starts** (:meth:`Predictor.prepare`): type ``-i`` text by
   the model's schema (its ``run.cog.openapi_schema`` label), check every rule, and read every
   file named; all problems at once in one ``InputValidationError``. No container is created
   for inputs that are wrong. A model whose image has no schema is checked against the schema
   its running server serves, as Cog does.
2. **Start** the image with Cog's port 5000 published (ephemeral) where this process can reach
   it. A model whose config asks for a GPU gets all GPUs; if the engine cannot give any (no
   GPU runtime), it runs without, after a one-line warning, as Cog does (not when the caller
   asked for GPUs: then the refusal is the answer).
3. **Wait until ready**: poll ``/health-check`` (``READY``/``BUSY``: ready; ``SETUP_FAILED``/
   ``DEFUNCT``: failed; no answer: still starting, unless the container has exited) for at most
   ``setup_timeout`` seconds.
4. **Run** the prediction (or training), under an id of ours; an interrupt (Ctrl-C) cancels it
   before the container is stopped.
5. **Collect** the output: files (``data:`` URLs) become :class:`OutputFile` values.
6. **Stop and remove** the container, on every path: success, failure, interrupt.

Library users call it as the command line does (see docs/architecture.md)::

    predictor = container.predictor()
    prediction = predictor.run(model, {"image": LocalFile("photo.png"), "size": 64})
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack
from dataclasses import replace

from application.ports.container_runner import (
    ContainerRunner,
    ContainerSpec,
    GpuRequest,
    RunningContainer,
)
from application.ports.input_files import InputFiles
from application.ports.model_api import Address, ModelApi
from application.prediction import (
    Prediction,
    PredictionOptions,
    Reporter,
    collect_output,
    output_schema,
)
from application.prediction_inputs import PreparedInputs, prepare, recheck, wire_values
from domain.errors import CogModelError, ContainerError, InvalidLabelError, ProtocolError
from domain.model import Model
from domain.prediction.mode import Mode
from domain.prediction.response import PredictionResponse
from domain.prediction.schema import InputSchema, read_input_schema

COG_PORT = 5000
TRAIN_COMMAND = ("python", "-m", "cog.server.http", "--x-mode", "train")
_LOG_TAIL = 20
_EXITED = "the model container exited before it was ready"


class Predictor:
    """Runs predictions and trainings of Cog models.

    Args:
        runner: starts model containers.
        api: talks to a running model.
        files: reads the files inputs name.
        uninterruptible: a context manager during which the caller's interrupts wait, entered
            while the engine creates a container (so that an interrupt then cannot leave one
            behind unknown); the command line holds Ctrl-C and SIGTERM. Default: none.
        poll_interval: seconds between two health checks. Default: 0.1.
    """

    def __init__(
        self,
        *,
        runner: ContainerRunner,
        api: ModelApi,
        files: InputFiles,
        uninterruptible: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
        poll_interval: float = 0.1,
    ) -> None:
        self._runner = runner
        self._api = api
        self._files = files
        self._uninterruptible = uninterruptible
        self._poll = poll_interval

    def prepare(
        self, model: Model, inputs: Mapping[str, object], *, mode: Mode = Mode.PREDICT
    ) -> PreparedInputs:
        """Check ``inputs`` against ``model``'s schema and read the files they name.

        Inputs are JSON values, :class:`~domain.prediction.values.LocalFile` (or a path),
        :class:`~domain.prediction.values.InputFile` and ``-i`` text
        (:class:`~domain.prediction.values.FlagValue`). Nothing is started.

        Raises:
            InputValidationError: every problem with the inputs (exit code 2).
            InvalidLabelError: the model's schema label has the wrong shape.
        """
        try:
            schema = read_input_schema(model.schema, mode)
        except InvalidLabelError as exc:
            raise InvalidLabelError(exc.label, exc.reason, ref=model.image_ref) from exc
        return prepare(inputs, schema, self._files, mode)

    def run(
        self,
        model: Model,
        inputs: Mapping[str, object] | PreparedInputs,
        options: PredictionOptions | None = None,
        *,
        mode: Mode = Mode.PREDICT,
        reporter: Reporter | None = None,
    ) -> Prediction:
        """Run one prediction (or training) of ``model`` (see the module docstring).

        A prediction that fails in the model is a result (``status`` failed), not an error.

        Raises:
            InputValidationError, InvalidInputError: the inputs are wrong (before anything
                starts, unless the model's image has no schema) or the model refused them.
            InvalidLabelError: the model's schema label has the wrong shape.
            ImageNotFoundError: the engine does not have the image.
            ContainerError: the container could not start, exited, failed its setup, or was
                not ready in time; its last output is attached.
            BackendUnavailableError, ProtocolError: the engine or the model's API failed.
        """
        options = options or PredictionOptions()
        reporter = reporter or Reporter()
        if isinstance(inputs, PreparedInputs):
            prepared = inputs  # checked already, in its own mode
        else:
            prepared = self.prepare(model, inputs, mode=mode)
        mode = prepared.mode
        spec = _spec(model, mode, options)
        served: Mapping[str, object] | None = None  # the running model's schema, if asked
        with ExitStack() as stack:
            container = self._start(stack, spec, fallback=options.gpus is None, reporter=reporter)
            follower = _follow(container, reporter.log) if reporter.log is not None else None
            try:
                address = self._address(container)
                self._wait_until_ready(address, container, options.setup_timeout)
                if not prepared.checked:
                    served = self._api.openapi(address)
                    prepared = recheck(prepared, _served_inputs(served, mode))
                reporter.note(f"Running {mode.noun}...")
                response = self._call(address, prepared)
            finally:
                container.stop()
                if follower is not None:
                    follower.join(timeout=2.0)
        schema = output_schema(model.schema if served is None else served, mode)
        return Prediction(
            mode=mode,
            id=response.id,
            status=response.status,
            output=collect_output(response.output, schema),
            error=response.error,
            output_schema=schema,
            response=response.document,
        )

    def _start(
        self, stack: ExitStack, spec: ContainerSpec, *, fallback: bool, reporter: Reporter
    ) -> RunningContainer:
        try:
            with self._uninterruptible():
                return stack.enter_context(self._runner.start(spec))
        except ContainerError as exc:
            if not (fallback and spec.gpus is not None):
                raise
            refusal = exc.detail
        # Cog's behaviour: a GPU the model asked for, that the engine cannot give, is a warning.
        reporter.warn(
            f"the engine could not give the container a GPU ({refusal}); "
            "running the model without a GPU"
        )
        with self._uninterruptible():
            return stack.enter_context(self._runner.start(replace(spec, gpus=None)))

    def _address(self, container: RunningContainer) -> Address:
        try:
            port = container.host_port(COG_PORT)
        except ContainerError as exc:  # it exited already: say why, with its last output
            raise _failure(container, _EXITED) from exc
        return Address(self._runner.published_host, port)

    def _wait_until_ready(
        self, address: Address, container: RunningContainer, timeout: float
    ) -> None:
        deadline = time.monotonic() + timeout
        while True:
            status = self._api.health(address)
            if status is not None and status.is_ready:
                return
            if status is not None and status.has_failed:
                detail = f"model setup failed (health-check status {status.value})"
                raise _failure(container, detail)
            if status is None and not container.is_running():
                raise _failure(container, _EXITED)
            if time.monotonic() > deadline:
                raise _failure(container, f"the model was not ready within {timeout:g} s")
            time.sleep(self._poll)

    def _call(self, address: Address, prepared: PreparedInputs) -> PredictionResponse:
        job = uuid.uuid4().hex
        values = wire_values(prepared)
        try:
            if prepared.mode is Mode.TRAIN:
                return self._api.train(address, values, training_id=job)
            return self._api.predict(address, values, prediction_id=job)
        except KeyboardInterrupt:
            with contextlib.suppress(CogModelError):
                self._api.cancel(address, job, mode=prepared.mode)
            raise


def _spec(model: Model, mode: Mode, options: PredictionOptions) -> ContainerSpec:
    image = model.image.image_id if model.image.image_id is not None else model.image.reference
    assert image is not None  # every image from the Resolver has an id or a name
    gpus = options.gpus
    if gpus is None:
        gpus = GpuRequest.ALL if model.has_gpu else None
    return ContainerSpec(
        image=image,
        command=TRAIN_COMMAND if mode is Mode.TRAIN else None,
        env={"COG_LOG_LEVEL": options.log_level, **options.env},
        ports={COG_PORT: None},
        gpus=gpus if gpus is not None and gpus.wants_gpus else None,
        init=not model.image.has_init,
    )


def _served_inputs(document: Mapping[str, object] | None, mode: Mode) -> InputSchema | None:
    try:
        return read_input_schema(document, mode)
    except InvalidLabelError as exc:
        raise ProtocolError("model", f"the model serves a malformed schema: {exc.reason}") from exc


def _failure(container: RunningContainer, detail: str) -> ContainerError:
    try:
        tail = container.logs().splitlines()[-_LOG_TAIL:]
    except CogModelError:  # the engine lost the container or went away: report without logs
        tail = []
    last = next((line.strip() for line in reversed(tail) if line.strip()), "")
    message = f"{detail}; its last output: {last}" if last else detail
    return ContainerError(message, log_tail=tail)


def _follow(container: RunningContainer, log: Callable[[str], None]) -> threading.Thread:
    """Pass the container's output lines to ``log`` as they come (a daemon thread)."""

    def copy() -> None:
        # The container or the engine going away ends the stream; so does a closed stream.
        with contextlib.suppress(CogModelError, OSError, ValueError):
            for line in _lines(container):
                log(line)

    thread = threading.Thread(target=copy, name="cogmodel-logs", daemon=True)
    thread.start()
    return thread


def _lines(container: RunningContainer) -> Iterator[str]:
    for line in container.follow_logs():
        yield line.rstrip("\n")


__all__ = [
    "COG_PORT",
    "TRAIN_COMMAND",
    "Prediction",
    "PredictionOptions",
    "Predictor",
    "PreparedInputs",
    "Reporter",
]

"""CogHttpModelApi against a scripted HTTP server: every answer Cog's runtime gives, translated."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from adapters.cog_http import CogHttpModelApi
from adapters.cog_http.errors import connection_errors, refused
from application.ports.model_api import Address
from domain.errors import (
    BackendUnavailableError,
    ContainerError,
    InvalidInputError,
    ProtocolError,
)
from domain.prediction import HealthStatus, Mode, PredictionStatus

Answer = tuple[int, bytes]


class Scripted:
    """An HTTP server answering each path with a fixed status and body; records requests."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[tuple[str, str, bytes]] = []
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                scripted.requests.append((self.command, self.path, self.rfile.read(length)))
                status, body = scripted.answers.get(self.path, (404, b"{}"))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = Address("127.0.0.1", int(self.server.server_address[1]))

    def answer(self, path: str, status: int, document: object) -> None:
        self.answers[path] = (status, json.dumps(document).encode())


@pytest.fixture
def server() -> Iterator[Scripted]:
    scripted = Scripted()
    thread = threading.Thread(target=scripted.server.serve_forever, daemon=True)
    thread.start()
    yield scripted
    scripted.server.shutdown()
    scripted.server.server_close()


API = CogHttpModelApi(health_timeout=2)


@pytest.mark.parametrize("status", list(HealthStatus))
def test_every_cog_health_status_is_read(server: Scripted, status: HealthStatus) -> None:
    server.answer("/health-check", 200, {"status": status.value, "version": {}})
    assert API.health(server.address) is status


def test_a_health_check_that_is_not_200_is_not_an_answer_yet(server: Scripted) -> None:
    server.answer("/health-check", 503, {})
    assert API.health(server.address) is None


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"status": "SLEEPY"}', b"{}"])
def test_a_health_answer_that_is_not_cogs_is_a_protocol_error(
    server: Scripted, body: bytes
) -> None:
    server.answers["/health-check"] = (200, body)
    with pytest.raises(ProtocolError):
        API.health(server.address)


def test_a_prediction_sends_its_id_and_inputs_and_reads_the_answer(server: Scripted) -> None:
    server.answer(
        "/predictions",
        200,
        {"id": "p1", "status": "succeeded", "output": [1], "logs": "x\n", "metrics": {"t": 1}},
    )
    answer = API.predict(server.address, {"a": 1}, prediction_id="p1")
    assert (answer.id, answer.status, answer.output, answer.logs) == (
        "p1",
        PredictionStatus.SUCCEEDED,
        [1],
        "x\n",
    )
    assert dict(answer.metrics) == {"t": 1}
    method, path, body = server.requests[0]
    assert (method, path, json.loads(body)) == (
        "POST",
        "/predictions",
        {"id": "p1", "input": {"a": 1}},
    )


def test_a_training_goes_to_trainings(server: Scripted) -> None:
    server.answer("/trainings", 200, {"id": "t", "status": "failed", "error": "boom"})
    answer = API.train(server.address, {}, training_id="t")
    assert (answer.status, answer.error) == (PredictionStatus.FAILED, "boom")


REFUSALS = [
    (
        422,
        {"detail": [{"loc": ["body", "input", "text"], "msg": "Field required"}]},
        InvalidInputError,
        "The inputs you passed could not be validated: text: Field required",
    ),
    (
        422,
        {"id": "x", "error": "cannot download input", "status": "failed"},
        InvalidInputError,
        "the model refused the inputs: cannot download input",
    ),
    (
        503,
        {"error": "Setup has not finished", "status": "failed"},
        ContainerError,
        "the model is not ready for a prediction: Setup has not finished",
    ),
    (
        409,
        {"error": "At capacity - all prediction slots busy", "status": "failed"},
        ContainerError,
        "the model is busy with another prediction",
    ),
    (500, {}, ProtocolError, "POST /predictions returned HTTP 500"),
]


@pytest.mark.parametrize(("status", "document", "kind", "message"), REFUSALS)
def test_each_refusal_becomes_its_domain_error(
    server: Scripted, status: int, document: object, kind: type[Exception], message: str
) -> None:
    server.answer("/predictions", status, document)
    with pytest.raises(kind) as info:
        API.predict(server.address, {}, prediction_id="x")
    assert message in str(info.value)


@pytest.mark.parametrize("body", [b"[1]", b"{oops", b'{"status": "exploded"}'])
def test_an_answer_that_is_not_cogs_is_a_protocol_error(server: Scripted, body: bytes) -> None:
    server.answers["/predictions"] = (200, body)
    with pytest.raises(ProtocolError):
        API.predict(server.address, {}, prediction_id="x")


def test_the_schema_is_served_or_not(server: Scripted) -> None:
    assert API.openapi(server.address) is None  # 404
    server.answer("/openapi.json", 503, {"error": "OpenAPI schema not available"})
    assert API.openapi(server.address) is None
    server.answer("/openapi.json", 200, {"openapi": "3.0.2"})
    assert API.openapi(server.address) == {"openapi": "3.0.2"}


def test_cancel_says_whether_there_was_something_to_cancel(server: Scripted) -> None:
    server.answer("/trainings/t1/cancel", 200, {})
    assert API.cancel(server.address, "t1", mode=Mode.TRAIN) is True
    assert API.cancel(server.address, "nope") is False  # 404


def test_nothing_listening_is_no_status_and_backend_unavailable_otherwise() -> None:
    with __import__("socket").socket() as probe:
        probe.bind(("127.0.0.1", 0))
        silent = Address("127.0.0.1", probe.getsockname()[1])
    assert API.health(silent) is None
    for call in (
        lambda: API.openapi(silent),
        lambda: API.predict(silent, {}, prediction_id="x"),
        lambda: API.cancel(silent, "x"),
    ):
        with pytest.raises(BackendUnavailableError):
            call()


def test_the_translator_by_type() -> None:
    with pytest.raises(ProtocolError), connection_errors("GET /x"):
        raise http.client.BadStatusLine("garbage")
    with pytest.raises(BackendUnavailableError), connection_errors("GET /x"):
        raise ConnectionResetError(104, "Connection reset by peer")
    assert isinstance(refused(418, b"not json", "POST /x", noun="training"), ProtocolError)

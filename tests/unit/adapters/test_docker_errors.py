"""The docker translator's table, with docker-py's exceptions built by hand (no engine)."""

from __future__ import annotations

import docker.errors
import pytest
import requests
import urllib3.exceptions

from adapters.docker.errors import engine_errors, status_of, translate
from domain.errors import (
    AuthenticationError,
    BackendError,
    BackendUnavailableError,
    CogModelError,
    ImageNotFoundError,
    InvalidInputError,
)
from domain.image_source import ImageSource

ENGINE = "unix:///run/test-engine.sock"


def api_error(status: int, explanation: str = "the engine says no") -> docker.errors.APIError:
    response = requests.Response()
    response.status_code = status
    response.reason = "Reason"
    return docker.errors.APIError("message", response=response, explanation=explanation)


def not_found_with_docker_py_subclass() -> docker.errors.APIError:
    response = requests.Response()
    response.status_code = 404
    return docker.errors.ImageNotFound("no such image", response=response, explanation="gone")


def not_found_with_unexpected_text() -> docker.errors.APIError:
    # docker-py picks its subclass by matching text; only the status may count.
    response = requests.Response()
    response.status_code = 404
    return docker.errors.NotFound("x", response=response, explanation="wording nobody expects")


def version_negotiation_failure() -> docker.errors.DockerException:
    try:
        try:
            raise requests.ConnectionError(urllib3.exceptions.ProtocolError("aborted"))
        except requests.ConnectionError as exc:
            raise docker.errors.DockerException("Error while fetching server API version") from exc
    except docker.errors.DockerException as wrapped:
        return wrapped


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (api_error(404), ImageNotFoundError),
        (not_found_with_docker_py_subclass(), ImageNotFoundError),
        (not_found_with_unexpected_text(), ImageNotFoundError),
        (api_error(401), AuthenticationError),
        (api_error(403), AuthenticationError),
        (api_error(400), InvalidInputError),
        (api_error(409), BackendError),
        (api_error(500), BackendError),
        (api_error(503), BackendError),
        (docker.errors.InvalidRepository("bad name"), InvalidInputError),
        (docker.errors.InvalidArgument("bad argument"), InvalidInputError),
        (docker.errors.InvalidVersion("too old"), InvalidInputError),
        (docker.errors.DockerException("anything else"), BackendError),
        (requests.ConnectionError("refused"), BackendUnavailableError),
        (requests.ReadTimeout("slow"), BackendUnavailableError),
        (requests.exceptions.ChunkedEncodingError("cut"), BackendUnavailableError),
        (urllib3.exceptions.ProtocolError("aborted"), BackendUnavailableError),
        (ConnectionResetError(104, "reset"), BackendUnavailableError),
        (version_negotiation_failure(), BackendUnavailableError),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else "",
)
def test_each_failure_becomes_its_domain_error(exc: BaseException, expected: type) -> None:
    translated = translate(exc, engine=ENGINE, subject="the-subject")
    assert type(translated) is expected


def test_not_found_names_the_subject_and_location() -> None:
    translated = translate(
        api_error(404), engine=ENGINE, subject="r/x:1", location=ImageSource.REMOTE
    )
    assert isinstance(translated, ImageNotFoundError)
    assert translated.ref == "r/x:1"
    assert translated.location is ImageSource.REMOTE
    assert translated.detail == "the engine says no"


def test_a_local_miss_carries_no_repeated_engine_text() -> None:
    translated = translate(api_error(404, "No such image: x"), engine=ENGINE, subject="x")
    assert isinstance(translated, ImageNotFoundError)
    assert translated.detail == ""


def test_other_statuses_keep_the_engine_explanation_as_detail() -> None:
    translated = translate(api_error(409, "image is in use"), engine=ENGINE)
    assert isinstance(translated, BackendError)
    assert translated.backend == "docker"
    assert "image is in use" in translated.detail


def test_unreachable_engine_message_names_the_address_and_what_to_check() -> None:
    # The one test about text: the point is what a user reads.
    missing = urllib3.exceptions.ProtocolError("aborted", FileNotFoundError(2, "No such file"))
    translated = translate(requests.ConnectionError(missing), engine=ENGINE)
    assert isinstance(translated, BackendUnavailableError)
    assert ENGINE in str(translated)
    assert "dockerd" in str(translated)
    assert "DOCKER_HOST" in str(translated)
    assert "no socket at that path" in str(translated)


def test_domain_errors_pass_through_unchanged() -> None:
    original = ImageNotFoundError("x", ImageSource.LOCAL)
    assert translate(original, engine=ENGINE) is original


def test_context_manager_chains_the_original_cause() -> None:
    original = api_error(500)
    with pytest.raises(BackendError) as info, engine_errors(ENGINE):
        raise original
    assert info.value.__cause__ is original


def test_context_manager_leaves_unrelated_errors_alone() -> None:
    with pytest.raises(KeyError), engine_errors(ENGINE):
        raise KeyError("not ours")


def test_status_of_reads_only_engine_answers() -> None:
    assert status_of(api_error(418)) == 418
    assert status_of(requests.ConnectionError()) is None


def test_every_translation_is_a_cog_model_error() -> None:
    for exc in (api_error(599), docker.errors.DockerException(), requests.Timeout()):
        assert isinstance(translate(exc, engine=ENGINE), CogModelError)

"""What the real `cogmodel` prints when the outside world is hostile: no credential and no
terminal control sequence reaches stderr or stdout (issue 15).

- A ``DOCKER_HOST`` with a password: the `error:` line and the `--debug` chain mask it.
- A registry that echoes the credentials it was sent, in a 401/403 body: masked, however the
  body frames them (the header value, the decoded ``user:password``, Go's header dump).
- Labels with terminal controls (a title sequence, a screen clear): the `inspect` table and
  `--json` show them escaped; a reference with controls is quoted escaped in its error.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from domain.reference import ParsedRef
from tests.builders import cog_labels
from tests.e2e.cli_support import Cogmodel
from tests.infra.images import LocalNames, labelled_image
from tests.integration.fault_registry import FaultRegistry, _Request

PASSWORD = "hunter2-pa55"
TITLE = "\x1b]0;owned\x07"  # sets the terminal's title
CLEAR = "\x1b[2J"  # clears the screen
CSI_8BIT = "\x9b2J"  # the same, as one C1 control


@pytest.fixture
def cogmodel(tmp_path: Path) -> Cogmodel:
    return Cogmodel.isolated(tmp_path)


def _has_controls(text: str) -> bool:
    return any((ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)


# --------------------------------------------------------------------------- DOCKER_HOST


@pytest.mark.parametrize("debug", [[], ["--debug"]])
def test_a_password_in_docker_host_is_masked(cogmodel: Cogmodel, debug: list[str]) -> None:
    # docker-py takes no password in an engine address: refused before any connection (exit
    # 2), and neither the error nor its chained causes (--debug) show the password.
    host = f"tcp://alice:{PASSWORD}@127.0.0.1:1"
    result = cogmodel(*debug, "inspect", "--local", "acme/x:1", env={"DOCKER_HOST": host})
    assert result.code == 2, result.err
    assert result.err.startswith("error: ")
    assert PASSWORD not in result.err
    assert "alice:***@127.0.0.1:1" in result.err


# --------------------------------------------------------------------------- registry echo


def _echoing(status: int) -> object:
    """A registry that challenges for Basic credentials, then answers ``status`` with a body
    repeating what it was sent: the header, the decoded credential, Go's header dump."""

    def handle(request: _Request) -> None:
        sent = request.headers.get("Authorization", "")
        if not sent:
            challenge = {"WWW-Authenticate": 'Basic realm="echo"'}
            body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
            request.send(401, body, challenge)
            return
        decoded = base64.b64decode(sent.partition(" ")[2]).decode()
        message = f"you sent {sent} ({decoded}); map[Authorization:[{sent}]]"
        body = json.dumps({"errors": [{"code": "DENIED", "message": message}]}).encode()
        request.send(status, body, {"Content-Type": "application/json"})

    return handle


@pytest.fixture
def echo() -> Iterator[FaultRegistry]:
    with FaultRegistry() as registry:
        yield registry


@pytest.mark.parametrize("status", [401, 403])
def test_a_registry_echoing_the_credentials_gets_them_masked(
    cogmodel: Cogmodel, echo: FaultRegistry, status: int
) -> None:
    echo.routes["/v2/"] = _echoing(status)  # type: ignore[assignment]
    echo.routes["/v2/acme/x/manifests/1"] = _echoing(status)  # type: ignore[assignment]
    cogmodel.write_docker_login(echo.host, "alice", PASSWORD)
    basic = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    result = cogmodel("--debug", "inspect", "--remote", f"{echo.host}/acme/x:1")
    assert result.code == 5, result.err
    assert any("Authorization" in seen.headers for seen in echo.seen)  # it was sent
    assert "you sent" in result.err  # and the registry's words are shown
    assert PASSWORD not in result.err
    assert basic not in result.err


# --------------------------------------------------------------------------- controls


@pytest.fixture
def hostile_image(
    docker_client: docker.DockerClient, busybox_image: ParsedRef, local_names: LocalNames
) -> str:
    name = local_names.add(f"cogmodel-e2e-cli/hostile-{uuid.uuid4().hex[:8]}:t")
    schema = {
        "openapi": "3.0.2",
        "info": {"title": "Cog", "version": "0.1.0"},
        "paths": {},
        "components": {
            "schemas": {
                "Input": {
                    "type": "object",
                    "properties": {
                        "prompt": {
                            "type": "string",
                            "title": f"Prompt{TITLE}",
                            "description": f"what to say{CLEAR} {CSI_8BIT} \u202egnp.exe",
                            "default": f"hi{TITLE}",
                        }
                    },
                },
                "Output": {"type": "string"},
            }
        },
    }
    labels = cog_labels(config={"predict": f"predict.py:Predictor{CLEAR}"}, schema=schema)
    labels["org.example.note"] = f"label{TITLE}{CLEAR}"
    labelled_image(docker_client, busybox_image, name, labels)
    return name


def test_the_inspect_table_escapes_controls_from_labels(
    cogmodel: Cogmodel, hostile_image: str
) -> None:
    result = cogmodel("inspect", "--local", hostile_image)
    assert result.code == 0, result.err
    assert not _has_controls(result.out + result.err)
    assert "\\x1b[2J" in result.out  # the predictor, escaped
    assert "what to say\\x1b[2J \\x9b2J \\u202egnp.exe" in result.out  # the description
    assert "\u202e" not in result.out


def test_inspect_json_escapes_what_a_terminal_would_obey(
    cogmodel: Cogmodel, hostile_image: str
) -> None:
    result = cogmodel("inspect", "--local", "--json", hostile_image)
    assert result.code == 0, result.err
    assert not _has_controls(result.out)
    assert "\u202e" not in result.out
    document = result.json()  # still JSON, and the same values
    assert document["labels"]["org.example.note"] == f"label{TITLE}{CLEAR}"
    prompt = document["openapi_schema"]["components"]["schemas"]["Input"]["properties"]
    assert CSI_8BIT in prompt["prompt"]["description"]


def test_an_error_quoting_a_registrys_controls_shows_them_escaped(
    cogmodel: Cogmodel, echo: FaultRegistry
) -> None:
    message = f"denied{TITLE}{CLEAR}"
    body = json.dumps({"errors": [{"code": "DENIED", "message": message}]}).encode()
    echo.routes["/v2/acme/x/manifests/1"] = lambda request: request.send(403, body)
    result = cogmodel("inspect", "--remote", f"{echo.host}/acme/x:1")
    assert result.code == 5, result.err
    assert result.one_error_line()
    assert not _has_controls(result.err)
    assert "denied\\x1b]0;owned\\x07\\x1b[2J" in result.err

"""A registry that freezes during a push is named as the culprit, not the engine (issue 15).

The registry is a real TCP listener on 127.0.0.1 that accepts connections and never answers
(loopback registries are insecure-eligible, so the real engine tries it); the push goes through
the real Docker Engine. The engine's stream goes quiet; after the engine timeout (short here,
60 s by default) the error names the registry's host and says the engine still answers.
"""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator

import docker
import pytest

from adapters.docker import DockerEngine, DockerLocalImages
from domain.errors import BackendUnavailableError
from domain.reference import ParsedRef, parse_ref

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]
ENGINE_TIMEOUT = 3.0


@pytest.fixture
def frozen_registry() -> Iterator[str]:
    """``127.0.0.1:PORT``, where connections are accepted and then never answered."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        server.close()


def test_a_registry_frozen_during_a_push_is_named_not_the_engine(
    docker_client: docker.DockerClient, busybox_image: ParsedRef, frozen_registry: str
) -> None:
    repository = f"{frozen_registry}/cogmodel-test/frozen-{uuid.uuid4().hex[:8]}"
    docker_client.api.tag(str(busybox_image), repository, "t")
    try:
        local = DockerLocalImages(engine=DockerEngine(timeout=ENGINE_TIMEOUT))
        with pytest.raises(BackendUnavailableError) as info:
            local.push(parse_ref(f"{repository}:t"))
    finally:
        docker_client.api.remove_image(f"{repository}:t")
    message = str(info.value)
    assert info.value.backend == "registry"
    assert f"the registry {frozen_registry} stopped answering" in message
    assert "cannot reach the Docker Engine" not in message

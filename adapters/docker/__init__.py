"""Docker Engine adapters on docker-py (local images, builds, containers).

- :class:`DockerEngine`: which engine (resolved as the docker CLI does: ``DOCKER_HOST``,
  ``DOCKER_CONTEXT``, the config's ``currentContext``; :class:`EngineEndpoint` says where it is
  and with which TLS material) and Docker's registry credentials (``DOCKER_CONFIG``); connects
  on first use. Podman's Docker-compatible API is driven by the same adapters (decision 0028).
- :class:`DockerLocalImages`: the ``LocalImages`` port (inspect, pull, push, tag, remove).
- :class:`DockerImageBuilder`: the ``ImageBuilder`` port on the classic builder (docker-py).
- :class:`BuildKitImageBuilder`: the ``ImageBuilder`` port on BuildKit (a docker CLI).
- :class:`DockerContainerRunner`: the ``ContainerRunner`` port.

Every docker-py failure becomes a domain error in ``errors.py``; see
docs/decisions/0003-docker-adapter.md for the choices made here.
"""

from adapters.docker.builder import DockerImageBuilder
from adapters.docker.buildkit import BuildKitImageBuilder
from adapters.docker.client import DockerEngine
from adapters.docker.containers import DockerContainerRunner, DockerRunningContainer
from adapters.docker.endpoint import EngineEndpoint, EngineTLS
from adapters.docker.local_images import DockerLocalImages

__all__ = [
    "BuildKitImageBuilder",
    "DockerContainerRunner",
    "DockerEngine",
    "DockerImageBuilder",
    "DockerLocalImages",
    "DockerRunningContainer",
    "EngineEndpoint",
    "EngineTLS",
]

"""Helpers for the Cog build end-to-end tests: build an example, serve it, talk HTTP to it.

Everything is real: the Docker Engine, the BuildKit and classic builders, the Cog runtime
(``cog`` 0.23.x with coglet, from PyPI through hermetic mode) and the ``python:3.11-slim``
stand-in of ``tests/infra/images.py``. Images get names under :data:`PREFIX` and are removed
by the fixture that made them.
"""

from __future__ import annotations

import base64
import json
import shutil
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from adapters.docker import (
    BuildKitImageBuilder,
    DockerContainerRunner,
    DockerEngine,
    DockerImageBuilder,
    DockerLocalImages,
)
from adapters.dockerfile import DockerfileFactory, HostPip
from adapters.memory import InMemoryRemoteImages
from application.ports.container_runner import ContainerSpec, RunningContainer
from application.resolver import Resolver
from domain.cogyaml.parse import parse_config
from domain.cogyaml.requirements import parse_requirements_text
from domain.cogyaml.validation import validate_and_complete
from domain.model import Model
from domain.options import BuildBaseOptions, BuildOptions
from domain.source import Source

EXAMPLES: Final = Path(__file__).resolve().parents[2] / "examples"
PREFIX: Final = "cogmodel-e2e-build"
READY_TIMEOUT: Final = 90.0


@dataclass
class Engine:
    """The real ports, wired for one builder."""

    engine: DockerEngine
    builder: BuildKitImageBuilder | DockerImageBuilder
    local: DockerLocalImages
    runner: DockerContainerRunner
    host_pip: HostPip

    @classmethod
    def make(cls, engine: DockerEngine, wheel_cache: Path, *, buildkit: bool = True) -> Engine:
        builder = (
            BuildKitImageBuilder(engine=engine) if buildkit else DockerImageBuilder(engine=engine)
        )
        return cls(
            engine=engine,
            builder=builder,
            local=DockerLocalImages(engine=engine),
            runner=DockerContainerRunner(engine=engine),
            host_pip=HostPip(cache_dir=wheel_cache),
        )

    def factory(self) -> DockerfileFactory:
        return DockerfileFactory(
            builder=self.builder,
            local=self.local,
            runner=self.runner,
            host_pip=self.host_pip,
            environ={},
        )

    def resolver(self, factory: DockerfileFactory) -> Resolver:
        return Resolver(local=self.local, remote=InMemoryRemoteImages(), factory=factory)


def copy_example(name: str, destination: Path) -> Path:
    """A fresh copy of ``examples/<name>`` (builds write ``.cog/`` into the project)."""
    target = destination / name
    shutil.copytree(EXAMPLES / name, target, ignore=shutil.ignore_patterns(".cog"))
    return target


def load_source(project: Path) -> Source:
    """The project's cog.yaml, parsed, validated and completed, with its requirements."""
    config = parse_config((project / "cog.yaml").read_text())
    lines: tuple[str, ...] = ()
    if config.build.python_requirements:
        text = (project / config.build.python_requirements).read_text()
        lines = parse_requirements_text(text)
    return Source(
        config=validate_and_complete(config, lines), project_dir=project, requirements=lines
    )


def image_name(kind: str) -> str:
    return f"{PREFIX}/{kind}:{uuid.uuid4().hex[:10]}"


def build_options(name: str, **extra: Any) -> BuildOptions:
    """Hermetic (containers here cannot reach PyPI over HTTPS), no cog-base lookups."""
    return BuildOptions(image_name=name, hermetic=True, use_cog_base_image=False, **extra)


def base_options(name: str) -> BuildBaseOptions:
    return BuildBaseOptions(image_name=name, hermetic=True, use_cog_base_image=False)


@dataclass
class Server:
    """A model container serving Cog's HTTP API on a loopback port."""

    container: RunningContainer
    url: str

    def get(self, path: str) -> tuple[int, Any]:
        return _request(f"{self.url}{path}", None)

    def post(self, path: str, document: Mapping[str, Any]) -> tuple[int, Any]:
        return _request(f"{self.url}{path}", json.dumps(document).encode())


@contextmanager
def serving(engine: Engine, spec: ContainerSpec) -> Iterator[Server]:
    """Start ``spec`` (port 5000 published), wait for READY, stop and remove it afterwards."""
    with engine.runner.start(spec) as container:
        server = Server(container, f"http://127.0.0.1:{container.host_port(5000)}")
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                status, body = server.get("/health-check")
                if status == 200 and body.get("status") == "READY":
                    break
            except OSError:
                pass  # not listening yet
            if time.monotonic() > deadline or not container.is_running():
                raise AssertionError(f"the model never became ready:\n{container.logs()[-3000:]}")
            time.sleep(0.2)
        yield server


def data_uri_bytes(uri: str) -> tuple[str, bytes]:
    """``(media type, content)`` of a ``data:`` URI, as Cog returns file outputs."""
    header, _, payload = uri.partition(",")
    assert header.startswith("data:"), header
    assert header.endswith(";base64"), header
    return header[5:].removesuffix(";base64"), base64.b64decode(payload)


def model_ready(model: Model) -> Model:
    assert model.image.image_id is not None
    return model


def _request(url: str, body: bytes | None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")

"""ModelFactoryContract on Podman: the real DockerfileFactory building Cog models through
Podman's Docker-compatible API with the classic builder (Buildah underneath).

BuildKit goes through a docker CLI and the engine's BuildKit session, which Podman does not
serve, so Podman builds with ``builder = "classic"``. Builds are hermetic, as everywhere on
these machines, and look for no r8.im/cog-base image.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import docker
import docker.errors
import pytest

from adapters.contract import ModelFactoryContract
from adapters.docker import DockerEngine, DockerLocalImages
from adapters.dockerfile import DockerfileFactory
from application.ports.model_factory import PlannedDockerfiles
from domain.image import Image
from domain.options import BuildBaseOptions, BuildOptions
from domain.reference import ParsedRef
from domain.source import Source
from tests.e2e.cog_build_support import PREFIX, Engine, copy_example, load_source

pytestmark = [pytest.mark.e2e, pytest.mark.podman]


class _Hermetic:
    """The DockerfileFactory with hermetic builds and no cog-base look-up, otherwise untouched."""

    def __init__(self, inner: DockerfileFactory) -> None:
        self._inner = inner

    @property
    def name(self) -> str:
        return self._inner.name

    def build(self, source: Source, options: BuildOptions) -> Image:
        return self._inner.build(source, replace(options, hermetic=True, use_cog_base_image=False))

    def build_base(self, source: Source, options: BuildBaseOptions) -> Image:
        return self._inner.build_base(
            source, replace(options, hermetic=True, use_cog_base_image=False)
        )

    def plan(self, source: Source, options: BuildOptions) -> PlannedDockerfiles:
        return self._inner.plan(source, replace(options, hermetic=True, use_cog_base_image=False))


@pytest.fixture(scope="module")
def engine(podman_engine_client: DockerEngine, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine.make(podman_engine_client, tmp_path_factory.mktemp("wheels"), buildkit=False)


class TestDockerfileFactoryOnPodman(ModelFactoryContract):
    @pytest.fixture
    def factory(self, engine: Engine, podman_python_slim_image: ParsedRef) -> _Hermetic:
        return _Hermetic(engine.factory())

    @pytest.fixture
    def local_images(self, engine: Engine) -> DockerLocalImages:
        return engine.local

    @pytest.fixture
    def project(self, tmp_path: Path) -> Source:
        return load_source(copy_example("vocab", tmp_path))

    @pytest.fixture
    def image_name(self, podman_client: docker.DockerClient) -> Iterator[str]:
        name = f"{PREFIX}/podman-contract-{uuid.uuid4().hex[:10]}"
        yield name
        # Untag only: Podman's layer cache is its intermediate images, which a pruning remove
        # (the engine default) would delete with the name, making every build start cold.
        for made in (name, f"{name}-base"):
            with contextlib.suppress(docker.errors.NotFound):
                podman_client.api.remove_image(f"{made}:latest", force=True, noprune=True)

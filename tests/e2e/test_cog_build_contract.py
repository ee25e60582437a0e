"""ModelFactoryContract against the real DockerfileFactory on the real engine (BuildKit).

The factory is used as configured for these machines, whose containers cannot reach PyPI over
HTTPS: every build is hermetic and looks for no r8.im/cog-base image. Nothing else is changed.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.contract import ModelFactoryContract
from adapters.docker import DockerEngine, DockerLocalImages
from adapters.dockerfile import DockerfileFactory
from application.ports.model_factory import PlannedDockerfiles
from domain.errors import ImageNotFoundError
from domain.image import Image
from domain.options import BuildBaseOptions, BuildOptions
from domain.reference import ParsedRef, parse_ref
from domain.source import Source
from tests.e2e.cog_build_support import PREFIX, Engine, copy_example, load_source

pytestmark = [pytest.mark.e2e, pytest.mark.docker]


class _OnTheseMachines:
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
def engine(docker_engine_client: DockerEngine, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine.make(docker_engine_client, tmp_path_factory.mktemp("wheels"))


class TestDockerfileFactory(ModelFactoryContract):
    @pytest.fixture
    def factory(self, engine: Engine, python_slim_image: ParsedRef) -> _OnTheseMachines:
        return _OnTheseMachines(engine.factory())

    @pytest.fixture
    def local_images(self, engine: Engine) -> DockerLocalImages:
        return engine.local

    @pytest.fixture
    def project(self, tmp_path: Path) -> Source:
        return load_source(copy_example("vocab", tmp_path))

    @pytest.fixture
    def image_name(self, engine: Engine) -> Iterator[str]:
        name = f"{PREFIX}/contract-{uuid.uuid4().hex[:10]}"
        yield name
        for made in (name, f"{name}-base"):
            with contextlib.suppress(ImageNotFoundError):
                engine.local.remove(parse_ref(made), force=True)

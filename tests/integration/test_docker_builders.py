"""Both Docker builders against the real engine: the contract kit, and what the context carries."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from adapters.contract.image_builder import ImageBuilderContract
from adapters.docker import (
    BuildKitImageBuilder,
    DockerEngine,
    DockerImageBuilder,
    DockerLocalImages,
)
from adapters.docker.names import daemon_name
from application.ports.image_builder import BuildRequest, ImageBuilder
from domain.errors import BuildError
from domain.reference import ParsedRef
from tests.infra.images import LocalNames

pytestmark = pytest.mark.docker

DOCKER_CLI = os.environ.get("COGMODEL_DOCKER_CLI", "/usr/bin/docker")


class DockerBuilderChecks(ImageBuilderContract):
    """The contract plus what both Docker builders must also do."""

    @pytest.fixture
    def local_images(self, docker_engine_client: DockerEngine) -> DockerLocalImages:
        return DockerLocalImages(engine=docker_engine_client)

    @pytest.fixture
    def base_image(self, busybox_image: ParsedRef) -> ParsedRef:
        return busybox_image

    def test_the_dockerfile_and_dockerignore_stay_out_of_the_image(
        self, builder: ImageBuilder, base_image: ParsedRef, context: Path
    ) -> None:
        dockerfile = (
            f"FROM {base_image}\nCOPY . /src\n"
            "RUN test -f /src/hello.txt && test -z \"$(ls -A /src | grep -v '^hello.txt$')\"\n"
        )
        builder.build(BuildRequest(context_dir=context, dockerfile=dockerfile))

    def test_an_own_dockerignore_is_honoured_and_rebuilds_are_cache_hits(
        self, builder: ImageBuilder, base_image: ParsedRef, context: Path
    ) -> None:
        (context / ".dockerignore").write_text("secret.txt\n")
        (context / "secret.txt").write_text("do not send\n")
        dockerfile = f"FROM {base_image}\nCOPY . /src\nRUN test ! -e /src/secret.txt\n"
        request = BuildRequest(context_dir=context, dockerfile=dockerfile)
        assert builder.build(request) == builder.build(request)

    def test_a_dockerfile_that_does_not_parse_is_a_build_error(
        self, builder: ImageBuilder, base_image: ParsedRef, context: Path
    ) -> None:
        with pytest.raises(BuildError):
            builder.build(
                BuildRequest(context_dir=context, dockerfile=f"FROM {base_image}\nBOGUS x\n")
            )

    def test_a_missing_base_image_is_a_build_error(
        self, builder: ImageBuilder, context: Path
    ) -> None:
        dockerfile = "FROM 127.0.0.1:1/cogmodel-docker-test/no-such-base:1\nRUN true\n"
        with pytest.raises(BuildError):
            builder.build(BuildRequest(context_dir=context, dockerfile=dockerfile))

    def test_the_error_keeps_the_failing_commands_output(
        self, builder: ImageBuilder, base_image: ParsedRef, context: Path
    ) -> None:
        dockerfile = f"FROM {base_image}\nRUN echo first-output\nRUN echo last-words >&2; exit 7\n"
        with pytest.raises(BuildError) as info:
            builder.build(BuildRequest(context_dir=context, dockerfile=dockerfile))
        assert "exit 7" in info.value.step
        assert any("last-words" in line for line in info.value.log_tail)

    def test_every_tag_names_the_result(
        self,
        builder: ImageBuilder,
        local_images: DockerLocalImages,
        base_image: ParsedRef,
        context: Path,
        local_names: LocalNames,
    ) -> None:
        # Names of this test only: other sessions share the engine and run this test too.
        unique = uuid.uuid4().hex[:10]
        first = ParsedRef(
            registry="index.docker.io", repository=f"cogmodel-docker-test/a-{unique}", tag="1"
        )
        second = ParsedRef(
            registry="127.0.0.1:5000", repository=f"cogmodel-docker-test/b-{unique}", tag="2"
        )
        for ref in (first, second):
            local_names.add(daemon_name(ref))
        image_id = builder.build(
            BuildRequest(
                context_dir=context, dockerfile=f"FROM {base_image}\n", tags=(first, second)
            )
        )
        assert local_images.inspect(first).image_id == image_id
        assert local_images.inspect(second).image_id == image_id


class TestClassicBuilder(DockerBuilderChecks):
    @pytest.fixture
    def builder(self, docker_engine_client: DockerEngine) -> DockerImageBuilder:
        return DockerImageBuilder(engine=docker_engine_client)


class TestBuildKitBuilder(DockerBuilderChecks):
    @pytest.fixture
    def builder(self, docker_engine_client: DockerEngine) -> BuildKitImageBuilder:
        return BuildKitImageBuilder(cli=DOCKER_CLI, engine=docker_engine_client)

    def test_cache_mounts_work(
        self, builder: ImageBuilder, base_image: ParsedRef, context: Path
    ) -> None:
        dockerfile = (
            f"FROM {base_image}\n"
            "RUN --mount=type=cache,target=/cache echo warm > /cache/x && test -s /cache/x\n"
        )
        builder.build(BuildRequest(context_dir=context, dockerfile=dockerfile, no_cache=True))

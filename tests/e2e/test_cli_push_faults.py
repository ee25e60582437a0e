"""A push the registry refuses leaves no new name in the engine, and never takes the user's own
(issue 15): `cogmodel push` builds the image under the target's name first, so a refused push
removes that name unless the engine had it before the build.

Real everything: BuildKit builds of `examples/vocab` (hermetic, mostly cached), a Distribution
registry with htpasswd auth that refuses a push without credentials.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from domain.reference import ParsedRef
from tests.e2e.cli_support import EXAMPLES, Cogmodel
from tests.infra.registry import DistributionRegistry

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.registry]
BUILD_TIMEOUT = 900


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-push-faults")


@pytest.fixture(scope="module")
def made(docker_client: docker.DockerClient) -> Iterator[list[str]]:
    """Image names this module made: removed at the end."""
    names: list[str] = []
    yield names
    for name in reversed(names):
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            docker_client.images.remove(name, force=True)


@pytest.fixture(scope="module")
def vocab(workdir: Path, made: list[str], python_slim_image: ParsedRef) -> Path:
    path = workdir / f"vocab-{uuid.uuid4().hex[:8]}"
    shutil.copytree(EXAMPLES / "vocab", path)
    made += [f"cog-{path.name}", f"cog-{path.name}-base"]
    return path


@pytest.fixture
def anonymous(workdir: Path) -> Cogmodel:
    """A user with no credentials: the registry refuses their push."""
    return Cogmodel.isolated(workdir / f"anon-{uuid.uuid4().hex[:6]}")


def _has(client: docker.DockerClient, name: str) -> bool:
    try:
        client.api.inspect_image(name)
    except docker.errors.NotFound:
        return False
    return True


def test_a_refused_push_leaves_no_new_tag(
    anonymous: Cogmodel,
    vocab: Path,
    auth_registry: DistributionRegistry,
    docker_client: docker.DockerClient,
    made: list[str],
) -> None:
    target = str(auth_registry.ref(auth_registry.new_repository(), "v1"))
    made.append(target)
    refused = anonymous("push", target, "--hermetic", cwd=vocab, timeout=BUILD_TIMEOUT)
    assert refused.code == 5, refused.err[-2000:]
    assert refused.one_error_line()
    assert not _has(docker_client, target), "the failed push left its tag"


def test_a_refused_push_keeps_a_tag_the_user_had(
    anonymous: Cogmodel,
    vocab: Path,
    auth_registry: DistributionRegistry,
    docker_client: docker.DockerClient,
    busybox_image: ParsedRef,
) -> None:
    target = str(auth_registry.ref(auth_registry.new_repository(), "v1"))
    repository, tag = target.rsplit(":", 1)
    docker_client.api.tag(str(busybox_image), repository, tag)  # the user's own name
    try:
        refused = anonymous("push", target, "--hermetic", cwd=vocab, timeout=BUILD_TIMEOUT)
        assert refused.code == 5, refused.err[-2000:]
        assert _has(docker_client, target)
    finally:
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            docker_client.images.remove(target, force=True)

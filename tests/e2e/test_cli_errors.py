"""Every exit code of the real `cogmodel`, against the real engine and registries.

0 ok, 2 invalid input, 3 not found, 4 not a Cog model, 5 authentication, 6 backend down or
failing, 7 integrity — each with exactly one `error:` line and no traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.digest import Digest
from tests.builders import cog_labels
from tests.e2e.cli_support import Cogmodel
from tests.infra.registry import DistributionRegistry
from tests.integration.fault_registry import FaultRegistry, manifest_handler, respond

pytestmark = [pytest.mark.docker, pytest.mark.registry]


@pytest.fixture
def cogmodel(tmp_path: Path) -> Cogmodel:
    return Cogmodel.isolated(tmp_path)


@pytest.fixture
def fault() -> Iterator[FaultRegistry]:
    with FaultRegistry() as registry:
        yield registry


def test_a_bad_reference_exits_2(cogmodel: Cogmodel) -> None:
    result = cogmodel("inspect", "INVALID::REF")
    assert result.code == 2
    assert result.one_error_line()
    assert result.out == ""


def test_a_bad_platform_exits_2(cogmodel: Cogmodel, registry: DistributionRegistry) -> None:
    result = cogmodel("inspect", "--remote", "--platform", "linux", str(registry.ref("x/y")))
    assert result.code == 2
    assert result.one_error_line()


def test_a_missing_image_exits_3_remotely_and_locally(
    cogmodel: Cogmodel, registry: DistributionRegistry, docker_engine: object
) -> None:
    ref = str(registry.ref(registry.new_repository(), "nope"))
    remote = cogmodel("inspect", "--remote", ref)
    assert remote.code == 3
    assert remote.one_error_line()
    local = cogmodel("inspect", "--local", ref)
    assert local.code == 3
    assert local.one_error_line()
    assert cogmodel("inspect", ref).code == 3  # prefer-local: asks both, neither has it
    assert cogmodel("pull", ref).code == 3


def test_a_missing_platform_exits_3(cogmodel: Cogmodel, registry: DistributionRegistry) -> None:
    pushed = registry.push_image(cog_labels())
    result = cogmodel("inspect", "--remote", "--platform", "linux/s390x", str(pushed.ref))
    assert result.code == 3
    assert result.one_error_line()


def test_an_image_that_is_not_a_cog_model_exits_4(
    cogmodel: Cogmodel, registry: DistributionRegistry
) -> None:
    pushed = registry.push_image({"org.example.purpose": "not a model"})
    result = cogmodel("inspect", "--remote", str(pushed.ref))
    assert result.code == 4
    assert result.one_error_line()


def test_a_malformed_cog_label_exits_4(cogmodel: Cogmodel, registry: DistributionRegistry) -> None:
    pushed = registry.push_image({"run.cog.config": "{not json", "run.cog.version": "0.16.0"})
    result = cogmodel("inspect", "--remote", str(pushed.ref))
    assert result.code == 4
    assert result.one_error_line()


def test_a_registry_that_wants_credentials_exits_5(
    cogmodel: Cogmodel, auth_registry: DistributionRegistry
) -> None:
    ref = auth_registry.ref(auth_registry.new_repository(), "v1")
    result = cogmodel("inspect", "--remote", str(ref))
    assert result.code == 5
    assert result.one_error_line()


def test_credentials_from_the_docker_config_are_used(
    cogmodel: Cogmodel, auth_registry: DistributionRegistry
) -> None:
    assert auth_registry.username is not None
    assert auth_registry.password is not None
    pushed = auth_registry.push_image(cog_labels())
    cogmodel.write_docker_login(auth_registry.host, auth_registry.username, auth_registry.password)
    result = cogmodel("inspect", "--remote", "--json", str(pushed.ref))
    assert result.code == 0, result.err
    assert result.json()["digest"] == pushed.config_digest


def test_an_engine_that_is_down_exits_6(cogmodel: Cogmodel, tmp_path: Path) -> None:
    result = cogmodel(
        "inspect", "--local", "acme/model:1", env={"DOCKER_HOST": "unix:///nonexistent"}
    )
    assert result.code == 6
    assert result.one_error_line()
    assert "unix:///nonexistent" in result.err  # the message names the address to check


@pytest.mark.parametrize(
    "address", ["tcp://127.0.0.1:99999", "tcp://alice:s3cret@127.0.0.1:2375", "bogus://engine"]
)
def test_an_engine_address_docker_py_cannot_use_exits_2(cogmodel: Cogmodel, address: str) -> None:
    # The port out of range was an internal error (exit 1): docker-py's bare ValueError.
    result = cogmodel("inspect", "--local", "acme/model:1", env={"DOCKER_HOST": address})
    assert result.code == 2
    assert result.one_error_line()
    assert result.err.startswith("error: the engine address ")
    assert "s3cret" not in result.err


def test_a_registry_that_is_down_exits_6(cogmodel: Cogmodel) -> None:
    result = cogmodel("inspect", "--remote", "127.0.0.1:1/acme/model:1")
    assert result.code == 6
    assert result.one_error_line()


def test_a_registry_error_exits_6(cogmodel: Cogmodel, fault: FaultRegistry) -> None:
    image = fault.serve_image(labels=cog_labels())
    fault.routes[image.manifest_path] = respond(500, b"oops")
    result = cogmodel("inspect", "--remote", str(image.ref))
    assert result.code == 6
    assert result.one_error_line()


def test_content_that_does_not_match_its_digest_exits_7(
    cogmodel: Cogmodel, fault: FaultRegistry
) -> None:
    image = fault.serve_image(labels=cog_labels())
    lie = Digest.of(b"something else")
    fault.routes[image.manifest_path] = manifest_handler(image.manifest, digest=lie)
    result = cogmodel("inspect", "--remote", str(image.ref))
    assert result.code == 7
    assert result.one_error_line()


def test_debug_adds_the_causes(cogmodel: Cogmodel) -> None:
    result = cogmodel(
        "--debug", "inspect", "--local", "acme/model:1", env={"DOCKER_HOST": "unix:///nonexistent"}
    )
    assert result.code == 6
    assert "caused by:" in result.err

"""The command line finds the engine as the docker CLI does: a Docker context leads it to
another engine (Podman here), and a context that does not exist is an error, not a fall back."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import docker
import pytest

from adapters.docker.endpoint import context_dir_name
from domain.reference import ParsedRef
from tests.builders import cog_labels
from tests.e2e.cli_support import Cogmodel
from tests.infra.engine import EngineUnderTest
from tests.infra.images import LocalNames, labelled_image


@pytest.fixture
def cogmodel(tmp_path: Path) -> Cogmodel:
    return Cogmodel.isolated(tmp_path, DOCKER_HOST="")  # empty: as if unset


def write_context(config_dir: Path, name: str, host: str) -> None:
    """A context in the docker CLI's store, made current (what `docker context use` writes)."""
    meta = config_dir / "contexts" / "meta" / context_dir_name(name)
    meta.mkdir(parents=True)
    endpoint = {"Host": host, "SkipTLSVerify": False}
    document = {"Name": name, "Metadata": {}, "Endpoints": {"docker": endpoint}}
    (meta / "meta.json").write_text(json.dumps(document))
    (config_dir / "config.json").write_text(json.dumps({"auths": {}, "currentContext": name}))


def test_a_missing_docker_context_exits_2(cogmodel: Cogmodel) -> None:
    result = cogmodel("inspect", "--local", "acme/x:1", env={"DOCKER_CONTEXT": "ctx-gone"})
    assert result.code == 2
    assert result.one_error_line()


@pytest.mark.podman
def test_the_current_context_leads_to_the_engine_it_names(
    cogmodel: Cogmodel,
    podman_engine: EngineUnderTest,
    podman_client: docker.DockerClient,
    podman_busybox_image: ParsedRef,
    podman_local_names: LocalNames,
) -> None:
    name = podman_local_names.add(f"cogmodel-e2e-cli/on-podman-{uuid.uuid4().hex[:8]}:t")
    labelled_image(podman_client, podman_busybox_image, name, cog_labels())
    wanted = podman_client.api.inspect_image(name)["Id"]
    assert cogmodel("inspect", "--local", name).code == 3  # not in the default engine
    write_context(cogmodel.home / "docker", "ctx-podman", podman_engine.host)
    result = cogmodel("inspect", "--local", "--json", name)
    assert result.code == 0, result.err
    assert result.json()["digest"] == wanted

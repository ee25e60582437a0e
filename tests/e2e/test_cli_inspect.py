"""`cogmodel ref`, `inspect` and `pull` on the real engine and a real registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.labels import LABEL_CONFIG
from domain.platform import Platform
from tests.builders import SCHEMA, cog_labels
from tests.e2e.cli_support import Cogmodel
from tests.infra.registry import DOCKER_MANIFEST_LIST, DistributionRegistry

pytestmark = [pytest.mark.docker, pytest.mark.registry]
ARM64 = Platform(os="linux", architecture="arm64", variant="v8")
AMD64 = Platform(os="linux", architecture="amd64")


@pytest.fixture
def cogmodel(tmp_path: Path) -> Cogmodel:
    return Cogmodel.isolated(tmp_path)


def test_ref_needs_no_engine(cogmodel: Cogmodel) -> None:
    result = cogmodel("ref", "r8.im/acme/resnet", "--json", env={"DOCKER_HOST": "unix:///nope"})
    assert result.code == 0
    assert result.json()["canonical"] == "r8.im/acme/resnet:latest"


def test_cog_registry_host_is_honoured(cogmodel: Cogmodel) -> None:
    result = cogmodel("ref", "r8.example/a/b", "--json", env={"COG_REGISTRY_HOST": "r8.example"})
    assert result.json()["is_replicate"] is True


def test_remote_inspect_prints_the_documented_object(
    cogmodel: Cogmodel, registry: DistributionRegistry
) -> None:
    labels = cog_labels(schema=SCHEMA)
    pushed = registry.push_image(labels)
    mark = registry.log_mark()
    result = cogmodel("inspect", "--remote", "--json", str(pushed.ref))
    assert result.code == 0, result.err
    document = result.json()
    assert document == {
        "reference": str(pushed.ref),
        "digest": pushed.config_digest,
        "manifest_digest": pushed.manifest_digest,
        "source": "remote",
        "platform": {"os": "linux", "architecture": "amd64", "variant": None},
        "cog_version": labels["run.cog.version"],
        "config": json.loads(labels[LABEL_CONFIG]),
        "openapi_schema": SCHEMA,
        "labels": labels,
    }
    # Nothing was pulled: the registry served a manifest and a config blob, no layer.
    paths = [entry.path for entry in registry.requests_since(mark)]
    assert not any("/blobs/" in path and pushed.config_digest not in path for path in paths)


def test_platform_picks_the_entry_of_an_index(
    cogmodel: Cogmodel, registry: DistributionRegistry
) -> None:
    index = registry.push_index(
        [(AMD64, cog_labels(version="1.0.0")), (ARM64, cog_labels(version="2.0.0"))],
        media_type=DOCKER_MANIFEST_LIST,
    )
    result = cogmodel("inspect", "--remote", "--platform", "linux/arm64", "--json", str(index.ref))
    assert result.code == 0, result.err
    document = result.json()
    assert document["platform"] == {"os": "linux", "architecture": "arm64", "variant": "v8"}
    assert document["cog_version"] == "2.0.0"


def test_human_inspect_shows_where_the_image_was_found(
    cogmodel: Cogmodel, registry: DistributionRegistry
) -> None:
    pushed = registry.push_image(cog_labels(schema=SCHEMA))
    result = cogmodel("inspect", "--remote", str(pushed.ref))
    assert result.code == 0, result.err
    rows = {line[:17].strip(): line[17:].strip() for line in result.out.splitlines()}
    assert rows["Found"] == "registry (not pulled)"
    assert rows["Image ID"] == pushed.config_digest
    assert rows["Python version"] == "3.11"


def test_pull_then_the_same_image_id_locally(
    cogmodel: Cogmodel, registry: DistributionRegistry, local_names: object
) -> None:
    pushed = registry.push_image(cog_labels())
    local_names.add(str(pushed.ref))  # type: ignore[attr-defined]
    pulled = cogmodel("pull", str(pushed.ref), "--progress", "plain")
    assert pulled.code == 0, pulled.err
    assert pulled.out.splitlines()[0] == f"Pulled {pushed.ref}"
    local = cogmodel("inspect", "--local", "--json", str(pushed.ref)).json()
    assert local["digest"] == pushed.config_digest
    assert local["source"] == "local"
    assert local["manifest_digest"] == pushed.manifest_digest  # from the engine's RepoDigests
    by_id = cogmodel("inspect", "--json", pushed.config_digest)
    assert by_id.code == 0, by_id.err
    assert by_id.json()["digest"] == pushed.config_digest


def test_many_images_in_one_call_from_arguments_and_stdin(
    cogmodel: Cogmodel, registry: DistributionRegistry
) -> None:
    pushed = [registry.push_image(cog_labels(version=f"0.{i}.0")) for i in range(5)]
    missing = f"{registry.host}/acme/not-there:1"
    stdin = "".join(f"{image.ref}\n" for image in pushed[2:])
    result = cogmodel(
        "inspect", "--remote", "--json", str(pushed[0].ref), missing, str(pushed[1].ref), "-",
        stdin=stdin,
    )  # fmt: skip
    assert result.code == 3
    versions = [json.loads(line)["cog_version"] for line in result.out.splitlines()]
    assert versions == [f"0.{i}.0" for i in range(5)]
    single = cogmodel("inspect", "--remote", missing)
    assert single.code == 3
    assert result.err == single.err.replace("error: ", f"error: {missing}: ", 1)

"""`cogmodel inspect` and `cogmodel pull` against the in-memory engine and registry."""

from __future__ import annotations

import json

import pytest

from domain.labels import LABEL_CONFIG
from domain.platform import parse_platform
from tests.builders import cog_image, cog_labels
from tests.unit.cli.conftest import MODEL_SCHEMA, Cli, model_labels

REF = "127.0.0.1:5000/acme/hello:1"
JSON_KEYS = {
    "reference",
    "digest",
    "manifest_digest",
    "source",
    "platform",
    "cog_version",
    "config",
    "openapi_schema",
    "labels",
}


def test_remote_inspect_json_is_the_documented_object(cli: Cli) -> None:
    cli.add_remote(REF, model_labels())
    remote = cli.remote.inspect(cli.remote.add(cog_image(REF, model_labels())))
    run = cli("inspect", REF, "--remote", "--json")
    assert run.code == 0, run.err
    document = run.json()
    assert set(document) == JSON_KEYS
    assert document["reference"] == REF
    assert document["digest"] == remote.image_id
    assert document["manifest_digest"] == remote.manifest_digest
    assert document["source"] == "remote"
    assert document["platform"] == {"os": "linux", "architecture": "amd64", "variant": None}
    assert document["cog_version"] == "0.16.8"
    assert document["config"] == json.loads(model_labels()[LABEL_CONFIG])
    assert document["openapi_schema"] == MODEL_SCHEMA
    assert document["labels"] == model_labels()


def test_json_stays_json_when_the_config_label_holds_nan(cli: Cli) -> None:
    labels = {**model_labels(), LABEL_CONFIG: '{"build": {"gpu": true}, "future": NaN}'}
    cli.add_remote(REF, labels)
    run = cli("inspect", REF, "--remote", "--json")
    assert run.code == 0, run.err
    document = json.loads(run.out, parse_constant=lambda c: pytest.fail(f"{c} in --json output"))
    assert document["config"]["build"]["gpu"] is True


def test_remote_inspect_does_not_pull(cli: Cli) -> None:
    cli.add_remote(REF, model_labels())
    assert cli("inspect", REF, "--remote").code == 0
    assert cli("inspect", REF, "--local").code == 3


def test_default_looks_locally_first_then_in_the_registry(cli: Cli) -> None:
    cli.add_remote(REF, model_labels())
    assert cli("inspect", REF, "--json").json()["source"] == "remote"
    cli.add_local(REF, model_labels())
    assert cli("inspect", REF, "--json").json()["source"] == "local"
    assert cli("inspect", REF, "--prefer-remote", "--json").json()["source"] == "remote"


def test_the_image_id_is_the_same_locally_and_remotely(cli: Cli) -> None:
    cli.add_remote(REF, model_labels())
    assert cli("pull", REF).code == 0
    local = cli("inspect", REF, "--local", "--json").json()
    remote = cli("inspect", REF, "--remote", "--json").json()
    assert local["digest"] == remote["digest"]


def test_platform_selects_an_entry_of_an_index(cli: Cli) -> None:
    arm = cog_image(REF, model_labels(), platform="linux/arm64/v8")
    amd = cog_image(REF, model_labels(), platform="linux/amd64")
    cli.remote.add_index(cli.add_remote(REF, model_labels()), [amd, arm])
    document = cli("inspect", REF, "--remote", "--platform", "linux/arm64", "--json").json()
    assert document["platform"] == {"os": "linux", "architecture": "arm64", "variant": "v8"}
    missing = cli("inspect", REF, "--remote", "--platform", "linux/s390x")
    assert missing.code == 3
    assert parse_platform("linux/s390x")


def test_inspect_by_image_id_looks_locally(cli: Cli) -> None:
    image = cli.add_local(REF, model_labels())
    document = cli("inspect", str(image.image_id), "--json").json()
    assert document["digest"] == image.image_id
    assert document["reference"] is None
    assert document["source"] == "local"


@pytest.mark.parametrize("where", ["--remote", "--prefer-remote"])
def test_an_image_id_cannot_be_looked_up_in_a_registry(cli: Cli, where: str) -> None:
    image = cli.add_local(REF, model_labels())
    run = cli("inspect", where, str(image.image_id))
    assert run.code == 2  # not silently answered from the engine
    assert run.out == ""


def test_human_output_describes_the_model_and_its_schema(cli: Cli) -> None:
    cli.add_remote(REF, model_labels(build={"python_version": "3.11", "gpu": True}))
    run = cli("inspect", REF)
    assert run.code == 0
    rows = {
        line[:17].strip(): line[17:].strip()
        for line in run.out.splitlines()
        if not line.startswith(" ")
    }
    assert rows["Image"] == REF
    assert rows["Found"] == "registry (not pulled)"
    assert rows["Platform"] == "linux/amd64"
    assert rows["Cog version"] == "0.16.8"
    assert rows["Python version"] == "3.11"
    assert rows["GPU"] == "yes"
    assert rows["Predictor"] == "predict.py:Predictor"
    assert rows["Output"] == "file"
    inputs = [line.strip() for line in run.out.splitlines() if line.startswith("  ")]
    assert inputs == [
        "text: string (required) - What to say",
        "times: integer (default 1, min 1, max 10)",
        "loud: boolean (default false)",
        "photo: file (default none)",
    ]


def test_pull_brings_the_model_into_the_engine(cli: Cli) -> None:
    cli.add_remote(REF, model_labels())
    run = cli("pull", REF, "--progress", "plain")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == f"Pulled {REF}"
    assert "Pulled" in run.err  # the memory engine's progress event, as a plain line
    assert cli("inspect", REF, "--local").code == 0


def test_pull_json_is_the_inspect_object(cli: Cli) -> None:
    cli.add_remote(REF, model_labels())
    document = cli("pull", REF, "--json", "--progress", "quiet").json()
    assert set(document) == JSON_KEYS
    assert document["source"] == "local"


def test_pull_of_a_missing_image_exits_3(cli: Cli) -> None:
    assert cli("pull", REF).code == 3


@pytest.mark.parametrize(
    "schema",
    [
        {"components": []},
        {"components": {"schemas": {"Input": {"properties": {"a": "string"}}}}},
        {"components": {"schemas": {"Input": {"properties": {"a": {"$ref": "#/nowhere"}}}}}},
    ],
)
def test_a_schema_label_of_the_wrong_shape_exits_4_and_prints_nothing(
    cli: Cli, schema: dict[str, object]
) -> None:
    cli.add_local("acme/odd:1", cog_labels(schema=schema))
    run = cli("inspect", "acme/odd:1")
    assert run.code == 4
    assert run.out == ""
    assert run.err.startswith(
        "error: image index.docker.io/acme/odd:1: label run.cog.openapi_schema"
    )
    assert run.err.count("\n") == 1
    predict = cli("run", "acme/odd:1", "-i", "a=1")
    assert predict.code == 4
    assert predict.err.count("\n") == 1

"""`cogmodel ref`: how a reference parses, in words and as JSON."""

from __future__ import annotations

from tests.unit.cli.conftest import Cli

DIGEST = "sha256:" + "a" * 64


def test_ref_shows_the_canonical_name_and_parts(cli: Cli) -> None:
    run = cli("ref", "nginx")
    assert run.code == 0
    assert run.err == ""
    lines = dict(line.split(None, 1) for line in run.out.splitlines())
    assert lines["Canonical"] == "index.docker.io/library/nginx:latest"
    assert lines["Repository"] == "library/nginx"
    assert lines["Tag"] == "latest"
    assert lines["Digest"] == "-"
    assert lines["Replicate"] == "no"


def test_ref_json_has_every_field(cli: Cli) -> None:
    document = cli("ref", f"r8.im/acme/resnet:v1@{DIGEST}", "--json").json()
    assert document == {
        "original": f"r8.im/acme/resnet:v1@{DIGEST}",
        "canonical": f"r8.im/acme/resnet@{DIGEST}",
        "name": "r8.im/acme/resnet",
        "registry": "r8.im",
        "repository": "acme/resnet",
        "tag": None,
        "digest": DIGEST,
        "is_tag": False,
        "is_digest": True,
        "scheme": "https",
        "is_replicate": True,
        "replicate_host": "r8.im",
    }


def test_ref_reports_plain_http_for_a_loopback_registry(cli: Cli) -> None:
    assert cli("ref", "127.0.0.1:5000/hello", "--json").json()["scheme"] == "http"


def test_cog_registry_host_changes_what_counts_as_replicate(cli: Cli) -> None:
    run = cli(
        "ref",
        "registry.example.com/acme/x",
        "--json",
        env={"COG_REGISTRY_HOST": "registry.example.com"},
    )
    assert run.json()["is_replicate"] is True
    assert (
        cli(
            "ref", "r8.im/acme/x", "--json", env={"COG_REGISTRY_HOST": "registry.example.com"}
        ).json()["is_replicate"]
        is False
    )


def test_registry_flag_overrides_the_environment(cli: Cli) -> None:
    run = cli(
        "--registry",
        "r8.example",
        "ref",
        "r8.example/a/b",
        "--json",
        env={"COG_REGISTRY_HOST": "elsewhere.example"},
    )
    assert run.json()["is_replicate"] is True


def test_ref_options_are_go_containerregistry_options(cli: Cli) -> None:
    document = cli(
        "ref", "user/model", "--default-registry", "r8.im", "--default-tag", "v2", "--json"
    ).json()
    assert document["canonical"] == "r8.im/user/model:v2"
    assert cli("ref", "example.com/a", "--insecure", "--json").json()["scheme"] == "http"


def test_strict_mode_rejects_a_reference_without_a_tag(cli: Cli) -> None:
    run = cli("ref", "r8.im/user/model", "--strict")
    assert run.code == 2
    assert run.out == ""
    assert run.err.count("\n") == 1
    assert run.err.startswith("error: ")

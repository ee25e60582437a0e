"""Default image names (Cog's DockerImageName), BuildOptions defaults (WithDefaults), secrets."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import PurePosixPath
from types import MappingProxyType

import pytest

from domain.cogyaml.models import BuildConfig, CogConfig
from domain.errors import InvalidInputError
from domain.options import (
    BuildBaseOptions,
    BuildOptions,
    BuildSecret,
    Progress,
    base_docker_image_name,
    base_with_defaults,
    docker_image_name,
    with_defaults,
)
from domain.source import Source


@pytest.mark.parametrize(
    ("project_dir", "name"),
    [  # image_name_test.go and options_test.go @0447eb11
        ("/home/joe/foo", "cog-foo"),
        ("/home/joe/Foo", "cog-foo"),
        ("/home/joe/cog-foo", "cog-foo"),
        ("/home/joe/my great model", "cog-my-great-model"),
        ("/path/to/my-project", "cog-my-project"),
        ("/path/to/project", "cog-project"),
        # and the rules' corners
        ("/home/joe/my_model.v2", "cog-mymodelv2"),  # deleted, not replaced
        ("/home/joe/foo/", "cog-foo"),  # the last component, as path.Base
        ("/home/joe/Ünïcode Modèl", "cog-ncode-modl"),
        ("/", "cog-"),  # nothing left
        ("relative/dir", "cog-dir"),
        (PurePosixPath("/p/Project"), "cog-project"),
    ],
)
def test_docker_image_name(project_dir: str, name: str) -> None:
    assert docker_image_name(project_dir) == name


def test_long_names_are_cut_to_26_characters_before_the_prefix() -> None:
    long = "verylong" * 8
    assert docker_image_name(f"/home/joe/{long}") == "cog-" + long[:26]
    assert len(docker_image_name(f"/home/joe/{long}")) == 30
    # the cut happens before the prefix check: a long cog- name keeps 26 characters
    assert docker_image_name(f"/home/joe/cog-{long}") == ("cog-" + long)[:26]


def test_the_dev_image_name_adds_base() -> None:
    assert base_docker_image_name("/home/joe/foo") == "cog-foo-base"


def _source(project_dir: str = "/path/to/my-project", config: CogConfig | None = None) -> Source:
    return Source.from_config(config, project_dir)


def test_with_defaults_derives_the_image_name_from_the_project_dir() -> None:
    options = with_defaults(BuildOptions(), _source())
    assert options.image_name == "cog-my-project"
    assert options.progress is Progress.AUTO


def test_with_defaults_keeps_an_explicit_name_and_progress() -> None:
    options = with_defaults(BuildOptions(image_name="mine", progress=Progress.PLAIN), _source())
    assert (options.image_name, options.progress) == ("mine", Progress.PLAIN)


def test_with_defaults_works_without_a_config() -> None:
    assert with_defaults(BuildOptions(), _source("/path/to/project")).image_name == "cog-project"
    config = CogConfig(build=BuildConfig())
    assert (
        with_defaults(BuildOptions(), _source("/path/to/project", config)).image_name
        == "cog-project"
    )


def test_with_defaults_preserves_every_other_field() -> None:
    options = BuildOptions(
        no_cache=True,
        secrets=(BuildSecret(id="s", src="/f"),),
        progress=Progress.TTY,
        annotations=MappingProxyType({"a": "b"}),
        schema_file="schema.json",
        dockerfile_file="Dockerfile",
        use_cuda_base_image="true",
        use_cog_base_image=True,
        hermetic=True,
        strip=True,
        precompile=True,
    )
    completed = with_defaults(options, _source())
    assert completed == replace(options, image_name="cog-my-project")
    for field in fields(BuildOptions):
        if field.name != "image_name":
            assert getattr(completed, field.name) == getattr(options, field.name)


def test_base_options_default_to_the_dev_image_name() -> None:
    assert base_with_defaults(BuildBaseOptions(), _source()).image_name == "cog-my-project-base"
    assert base_with_defaults(BuildBaseOptions(image_name="x"), _source()).image_name == "x"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("id=token,src=/run/token.txt", BuildSecret(id="token", src="/run/token.txt")),
        ("id=token,source=/run/token.txt", BuildSecret(id="token", src="/run/token.txt")),
        ("src=/f,id=token", BuildSecret(id="token", src="/f")),
        ("id=token,env=HF_TOKEN", BuildSecret(id="token", env="HF_TOKEN")),
        ("id=a=b,src=/f", BuildSecret(id="a=b", src="/f")),
    ],
)
def test_secret_syntax_is_dockers(text: str, secret: BuildSecret) -> None:
    assert BuildSecret.parse(text) == secret


@pytest.mark.parametrize(
    "text",
    [
        "",
        "token",
        "src=/f",
        "id=token",
        "id=token,src=/f,env=X",
        "id=,src=/f",
        "id=token,src=",
        "id=token,type=env",
        "id=token,src=/f,required=true",
    ],
)
def test_bad_secret_syntax_is_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        BuildSecret.parse(text)
    assert info.value.reason == "bad secret syntax"

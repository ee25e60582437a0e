"""The generator's rules beyond the golden files: errors, options, and what it leaves out."""

from __future__ import annotations

from pathlib import PurePath

import pytest

from adapters.dockerfile import CogRuntime, generate
from adapters.dockerfile.generator import BaseImage, DockerfileRequest
from adapters.dockerfile.hermetic import HermeticWheels
from domain.cogyaml.models import CogConfig
from domain.errors import ConfigError


def request(build: dict[str, object] | None = None, **fields: object) -> DockerfileRequest:
    document = {"build": {"python_version": "3.12", **(build or {})}, "predict": "p.py:P"}
    return DockerfileRequest(
        config=CogConfig.model_validate(document),
        base=BaseImage(name="python:3.12-slim"),
        **fields,  # type: ignore[arg-type]
    )


SECRET_RUN = {"command": "cat /s", "mounts": [{"type": "secret", "id": "s", "target": "/s"}]}


def test_a_secret_mount_on_a_builder_without_mounts_is_a_config_error_naming_run() -> None:
    with pytest.raises(ConfigError) as info:
        generate(request({"run": [SECRET_RUN]}, mounts=False))
    assert info.value.field == "build.run"


def test_a_secret_mount_is_fine_on_buildkit() -> None:
    plan = generate(request({"run": [SECRET_RUN]}, mounts=True))
    assert "RUN --mount=type=secret,id=s,target=/s cat /s" in plan.dockerfile.splitlines()


def test_a_run_command_with_a_newline_is_refused_as_cog_refuses_it() -> None:
    with pytest.raises(ConfigError) as info:
        generate(request({"run": [{"command": "echo a\necho b"}]}))
    assert info.value.field == "build.run"


def test_there_is_no_syntax_line_unless_asked_for() -> None:
    assert generate(request()).dockerfile.startswith("FROM python:3.12-slim\n")
    asked = generate(request(syntax="#syntax=docker/dockerfile:1.4")).dockerfile
    assert asked.splitlines()[:2] == ["#syntax=docker/dockerfile:1.4", "FROM python:3.12-slim"]


def test_no_mount_appears_anywhere_for_a_builder_without_mounts() -> None:
    plan = generate(request({"system_packages": ["git"]}, requirements="numpy", mounts=False))
    assert "--mount" not in plan.dockerfile


def test_without_requirements_there_is_no_requirements_stanza() -> None:
    plan = generate(request(requirements="  "))
    assert "requirements.txt" not in plan.dockerfile
    assert "cog/requirements.txt" not in plan.files


def test_no_runtime_means_no_cog_install() -> None:
    plan = generate(request(runtime=None))
    assert "cog==" not in plan.dockerfile


def test_the_runtime_version_is_the_one_asked_for() -> None:
    plan = generate(request(runtime=CogRuntime(version="0.17.2")))
    assert "RUN pip install --no-cache-dir cog==0.17.2" in plan.dockerfile.splitlines()


def test_an_unpinned_prerelease_runtime_installs_with_pre() -> None:
    plan = generate(request(runtime=CogRuntime(version="", prerelease=True)))
    assert "RUN pip install --no-cache-dir --pre cog" in plan.dockerfile.splitlines()


def test_environment_is_one_env_line_sorted_by_name_with_values_verbatim() -> None:
    document = {
        "build": {"python_version": "3.12"},
        "environment": ["B=2", "A=x=y", "C="],
    }
    plan = generate(
        DockerfileRequest(
            config=CogConfig.model_validate(document), base=BaseImage(name="python:3.12-slim")
        )
    )
    assert "ENV A=x=y B=2 C=" in plan.dockerfile.splitlines()


def test_the_config_file_is_copied_to_cog_yaml_only_when_named_otherwise() -> None:
    assert "/src/cog.yaml" not in generate(request(config_filename="cog.yaml")).dockerfile
    assert "/src/cog.yaml" not in generate(request(config_filename="sub/cog.yaml")).dockerfile
    other = generate(request(config_filename="cog-gpu.yaml")).dockerfile
    assert "RUN cp /src/cog-gpu.yaml /src/cog.yaml" in other.splitlines()


def test_hermetic_mode_without_requirement_wheels_installs_only_the_runtime() -> None:
    wheels = HermeticWheels(runtime=(PurePath("/w/cog-0.23.1-py3-none-any.whl"),))
    plan = generate(request(requirements="", wheels=wheels))
    assert "cog/wheels/requirements" not in plan.dockerfile
    assert "--no-index --find-links /tmp/cog-wheels/runtime cog==0.23.1" in plan.dockerfile


def test_cog_base_path_keeps_an_empty_apt_line_when_every_package_is_in_the_base() -> None:
    plan = generate(
        DockerfileRequest(
            config=CogConfig.model_validate(
                {"build": {"python_version": "3.12", "system_packages": ["ffmpeg", "git"]}}
            ),
            base=BaseImage(name="r8.im/cog-base:python3.12", cog_base=True),
        )
    )
    assert "apt-get install -qqy  && rm -rf /var/lib/apt/lists/*" in plan.dockerfile
    assert "tini" not in plan.dockerfile  # inherited from the base image


def test_the_gpu_python_install_is_skipped_when_cuda_images_are_disabled() -> None:
    document = {"build": {"python_version": "3.12", "gpu": True, "cuda": "12.1", "cudnn": "8"}}
    plan = generate(
        DockerfileRequest(
            config=CogConfig.model_validate(document),
            base=BaseImage(name="python:3.12-slim"),
            use_cuda_base_image=False,
        )
    )
    assert "pyenv" not in plan.dockerfile

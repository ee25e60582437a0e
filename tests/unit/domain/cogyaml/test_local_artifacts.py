"""Local package artifacts in requirements, recognised and refused as Cog HEAD does.

The cases follow Cog HEAD's ``TestParseLocalArtifactRequirement`` (pkg/requirements) and the
requirements rewrite tests of pkg/config.
"""

from __future__ import annotations

import pytest

from domain.cogyaml.local_artifacts import is_local_artifact, parse_local_artifact
from domain.cogyaml.models import CogConfig
from domain.cogyaml.requirements import package_version, python_requirements_for_arch
from domain.errors import ConfigError


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("  ./dist/PKG-0.1.0-PY3-NONE-ANY.WHL  ", "./dist/PKG-0.1.0-PY3-NONE-ANY.WHL"),
        ("mylibpackage.zip", "mylibpackage.zip"),
        ("../pkg-0.1.0.tar.gz", "../pkg-0.1.0.tar.gz"),
        ("./dist/pkg-0.1.0.tgz", "./dist/pkg-0.1.0.tgz"),
        ("/tmp/pkg-0.1.0.tar.bz2", "/tmp/pkg-0.1.0.tar.bz2"),
        ("./dist/pkg-0.1.0.tar.xz", "./dist/pkg-0.1.0.tar.xz"),
        ("./dist/pkg@1.0.tar.gz", "./dist/pkg@1.0.tar.gz"),
        ("pkg@1.0.tar.gz", "pkg@1.0.tar.gz"),
        ("./vendor/my helper-1.0.tar.gz", "./vendor/my helper-1.0.tar.gz"),
        ("vendor/my helper-1.0.tar.gz", "vendor/my helper-1.0.tar.gz"),
        ("cog/local_pkg-0.1.0-py3-none-any.whl", "cog/local_pkg-0.1.0-py3-none-any.whl"),
    ],
)
def test_a_wheel_or_source_archive_path_is_a_local_artifact(line: str, path: str) -> None:
    assert parse_local_artifact(line) == path


@pytest.mark.parametrize(
    "line",
    [
        "torch[all]==2.5.1",
        'torch==2.5.1; python_version < "3.11"',
        "https://user:pass@example.com/pkg.whl --hash=sha256:abc",
        "https://token@file:443/pkg.whl",
        "git+https://example.com/repo.git",
        "name @ https://example.com/pkg.whl",
        "--find-links https://example.com/wheels",
        "-rhttps://example.com/requirements.txt",
        "",
    ],
)
def test_packages_urls_and_remote_options_are_not_local_artifacts(line: str) -> None:
    assert parse_local_artifact(line) is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("file:///tmp/pkg.whl", "local file URL requirements are not supported"),
        ("FILE:///tmp/pkg.whl", "local file URL requirements are not supported"),
        ("name@file:./pkg.whl", "local file URL requirements are not supported"),
        ("name@FILE:./pkg.whl", "local file URL requirements are not supported"),
        ("--find-links ./wheels", 'local requirements option "--find-links" is not supported'),
        (
            "--find-links file:///wheels",
            'local requirements option "--find-links" is not supported',
        ),
        ("-r requirements-local.txt", 'local requirements option "-r" is not supported'),
        ("-rrequirements-local.txt", 'local requirements option "-r" is not supported'),
        ("-f./wheels", 'local requirements option "-f" is not supported'),
        ("-r\trequirements-local.txt", 'local requirements option "-r" is not supported'),
        ("-r FILE:///tmp/requirements.txt", 'local requirements option "-r" is not supported'),
        ("./pkg.whl --hash=sha256:abc", "do not support inline options or hashes"),
        ("./pkg.whl --find-links=https://example.com", "do not support inline options or hashes"),
        ("./pkg.whl -f https://example.com", "do not support inline options or hashes"),
        ("./pkg", "is not a supported wheel or source archive"),
        ('./dist/pkg.whl; python_version < "3.11"', "environment markers are not supported"),
        ("./dist/pkg.whl[extra]", "extras are not supported"),
        ("name @ ./pkg.whl", "local direct reference requirements"),
        ("name@./pkg.whl", "local direct reference requirements"),
    ],
)
def test_local_forms_cog_cannot_stage_are_refused_in_cogs_words(line: str, reason: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_local_artifact(line)
    assert info.value.field == "build.python_requirements"
    assert reason in info.value.reason
    assert is_local_artifact(line)  # never read as a package either


def test_a_local_artifact_is_not_a_package_version() -> None:
    config = CogConfig.model_validate({"build": {"python_version": "3.10"}})
    lines = ("torch==custom.whl",)
    assert package_version(lines, "torch") is None
    rewritten = python_requirements_for_arch(config, lines, include=["torch==2.0.0"])
    assert rewritten == "torch==custom.whl\ntorch==2.0.0"


def test_local_artifacts_pass_the_platform_rewrite_verbatim() -> None:
    config = CogConfig.model_validate({"build": {"python_version": "3.12"}})
    lines = ("./dist/pkg-0.1.0.tar.gz", "cog/helper.whl", "numpy==2.1.0")
    assert python_requirements_for_arch(config, lines) == "\n".join(lines)

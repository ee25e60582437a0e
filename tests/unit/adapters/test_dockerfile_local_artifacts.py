"""Local package artifacts: resolved, checked and rewritten as Cog HEAD stages them.

Cases follow Cog HEAD's ``TestPythonRequirementsLocalPackageArtifact(s)``,
``TestPythonRequirementsLocalPackageArtifactValidation`` and ``TestCompleteDefers…``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from adapters.dockerfile.local_artifacts import (
    LocalArtifact,
    resolve_local_artifacts,
    rewrite_requirements,
)
from domain.cogyaml.models import CogConfig
from domain.cogyaml.requirements import parse_requirements_text
from domain.errors import ConfigError


def config(requirements: str = "requirements.txt", **build: object) -> CogConfig:
    document = {"python_version": "3.12", "python_requirements": requirements, **build}
    return CogConfig.model_validate({"build": document})


def resolve(
    project: Path, text: str, requirements: str = "requirements.txt"
) -> tuple[LocalArtifact, ...]:
    (project / requirements).parent.mkdir(parents=True, exist_ok=True)
    (project / requirements).write_text(text)
    lines = parse_requirements_text(text)
    return resolve_local_artifacts(project, config(requirements), lines)


def test_paths_resolve_from_the_requirements_file_and_keep_their_file_name(tmp_path: Path) -> None:
    (tmp_path / "requirements" / "cog").mkdir(parents=True)
    (tmp_path / "requirements" / "dist").mkdir()
    (tmp_path / "objects").mkdir()
    (tmp_path / "objects" / "blob").write_bytes(b"wheel")
    wheel = "local_pkg-0.1.0-py3-none-any.whl"
    (tmp_path / "requirements" / "cog" / wheel).symlink_to(tmp_path / "objects" / "blob")
    (tmp_path / "requirements" / "dist" / "local helper-0.1.0.tar.gz").write_bytes(b"archive")
    text = f"cog/{wheel}  # vendored helper\n./cog/{wheel}\n./dist/local helper-0.1.0.tar.gz"
    artifacts = resolve(tmp_path, text, "requirements/requirements.txt")
    assert [a.relative for a in artifacts] == [
        PurePosixPath("requirements/cog", wheel),
        PurePosixPath("requirements/cog", wheel),
        PurePosixPath("requirements/dist/local helper-0.1.0.tar.gz"),
    ]
    assert artifacts[0].source == (tmp_path / "objects" / "blob").resolve()
    staged = "/tmp/local_package_artifacts/requirements"
    assert rewrite_requirements(
        "\n".join(parse_requirements_text(text)), artifacts, host=False
    ) == (f"{staged}/cog/{wheel}\n{staged}/cog/{wheel}\n{staged}/dist/local helper-0.1.0.tar.gz")


def test_for_a_host_download_the_lines_become_host_paths(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "pkg-1.0.tar.gz").write_bytes(b"a")
    artifacts = resolve(tmp_path, "./dist/pkg-1.0.tar.gz\nnumpy")
    rewritten = rewrite_requirements("./dist/pkg-1.0.tar.gz\nnumpy", artifacts, host=True)
    assert rewritten == f"{(tmp_path / 'dist' / 'pkg-1.0.tar.gz').resolve()}\nnumpy"


@pytest.mark.parametrize(
    ("setup", "line", "reason"),
    [
        (None, "./missing.zip", "not found"),
        ("directory", "./pkg.zip", "must be a regular file"),
        ("outside", "", "must be inside the project directory"),
        ("symlink-outside", "./pkg.zip", "must be inside the project directory"),
        (None, "-r requirements-local.txt", 'local requirements option "-r" is not supported'),
        (None, "name @ file:./package.whl", "local file URL requirements are not supported"),
    ],
)
def test_artifacts_cog_cannot_stage_are_refused(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    setup: str | None,
    line: str,
    reason: str,
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "pkg.zip"
    elsewhere.write_bytes(b"zip")
    if setup == "directory":
        (project / "pkg.zip").mkdir()
    elif setup == "outside":
        line = str(elsewhere)
    elif setup == "symlink-outside":
        (project / "pkg.zip").symlink_to(elsewhere)
    with pytest.raises(ConfigError) as info:
        resolve(project, line)
    assert info.value.field == "build.python_requirements"
    assert reason in info.value.reason


def test_python_packages_stage_nothing(tmp_path: Path) -> None:
    packages = config("", python_packages=["./dist/missing.whl"])
    assert resolve_local_artifacts(tmp_path, packages, ("./dist/missing.whl",)) == ()


def test_a_line_that_was_not_rewritten_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.whl").write_bytes(b"w")
    artifacts = resolve(tmp_path, "./x.whl")
    with pytest.raises(ConfigError):
        rewrite_requirements("numpy", artifacts, host=False)

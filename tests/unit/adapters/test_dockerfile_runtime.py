"""Which Cog runtime a build installs: cog.yaml's ``sdk_version``, ``COG_SDK_WHEEL``, ``COG_WHEEL``.

Cases follow Cog HEAD's ``pkg/wheels`` tests (``ParseWheelValue``, ``SemverToPEP440``,
``IsPreRelease``, ``ValidateSDKVersion``) and its generator tests (``TestCOGWheelEnv*``,
``TestInstallCog*``, ``TestCOGSDKWheelEnvVarOverridesSDKVersion``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from adapters.dockerfile.runtime import (
    CogRuntime,
    RuntimeSource,
    is_prerelease,
    resolve_runtime,
    semver_to_pep440,
    without_managed_packages,
)
from domain.errors import ConfigError, InvalidInputError

DEFAULT = CogRuntime(version="0.23.1")


def resolve(sdk_version: str = "", cwd: Path = Path("/"), **environ: str) -> CogRuntime:
    return resolve_runtime(sdk_version, DEFAULT, environ=environ, cwd=cwd)


@pytest.mark.parametrize(
    ("semver", "pep440"),
    [
        ("0.17.0-alpha1", "0.17.0a1"),
        ("0.17.0-beta2", "0.17.0b2"),
        ("0.17.0-rc1", "0.17.0rc1"),
        ("0.17.0-dev1", "0.17.0.dev1"),
        ("0.17.0", "0.17.0"),
        ("0.18.0a1", "0.18.0a1"),
    ],
)
def test_semver_pre_releases_become_pep_440(semver: str, pep440: str) -> None:
    assert semver_to_pep440(semver) == pep440


@pytest.mark.parametrize(
    ("version", "pre"),
    [
        ("0.17.0-alpha1", True),
        ("0.17.0rc1", True),
        ("0.17.0.dev1", True),
        ("0.17.0b2", True),
        ("0.17.0", False),
        ("0.17.0-dev", True),
        ("", False),
    ],
)
def test_pre_releases_are_recognised_in_both_forms(version: str, pre: bool) -> None:
    assert is_prerelease(version) is pre


def test_a_semver_pre_release_sdk_version_installs_its_pep_440_form_with_pre() -> None:
    runtime = resolve("0.17.0-alpha1")
    assert (runtime.pip_flags, runtime.requirement) == ("--pre ", "cog==0.17.0a1")
    assert runtime.label_version == "0.17.0a1"


def test_a_stable_sdk_version_installs_without_pre() -> None:
    runtime = resolve("0.18.0")
    assert (runtime.pip_flags, runtime.requirement) == ("", "cog==0.18.0")


def test_prerelease_means_the_newest_pre_release_with_cogs_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        runtime = resolve("prerelease")
    assert (runtime.pip_flags, runtime.requirement, runtime.label_version) == ("--pre ", "cog", "")
    assert caplog.records


@pytest.mark.parametrize("version", ["0.15.0", "0.15", "0.15.9-rc1", "0.9.12"])
def test_a_pin_below_the_minimum_is_refused_in_cogs_words(version: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve(version)
    assert info.value.field == "build.sdk_version"
    assert info.value.reason == (
        f"cog version {version} is below the minimum required version 0.16.0"
    )


@pytest.mark.parametrize("version", ["0.16.0", "0.16.0-alpha1", "not.a.version", "1"])
def test_the_minimum_and_unparseable_versions_are_left_to_pip(version: str) -> None:
    assert resolve(version).version == version


def test_cog_sdk_wheel_pypi_means_the_newest_release() -> None:
    runtime = resolve("0.18.0", COG_SDK_WHEEL=" PyPI ")
    assert (runtime.source, runtime.requirement, runtime.pip_flags) == (
        RuntimeSource.PYPI,
        "cog",
        "",
    )


def test_cog_sdk_wheel_pins_a_version_and_wins_over_sdk_version() -> None:
    runtime = resolve("0.18.0", COG_SDK_WHEEL="pypi:0.17.0")
    assert runtime.requirement == "cog==0.17.0"


def test_cog_sdk_wheel_pre_release_pins_install_with_pre() -> None:
    runtime = resolve(COG_SDK_WHEEL="pypi:0.19.0-rc1")
    assert (runtime.pip_flags, runtime.requirement) == ("--pre ", "cog==0.19.0rc1")


def test_a_cog_sdk_wheel_pin_below_the_minimum_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError) as info:
        resolve(COG_SDK_WHEEL="pypi:0.15.0")
    assert not isinstance(info.value, ConfigError)


def test_cog_sdk_wheel_url_installs_the_url() -> None:
    url = "https://example.com/wheels/cog-0.24.0-py3-none-any.whl?token=1"
    runtime = resolve(COG_SDK_WHEEL=url)
    assert (runtime.source, runtime.requirement) == (RuntimeSource.URL, url)
    assert (runtime.artifact_name, runtime.label_version) == (
        "cog-0.24.0-py3-none-any.whl",
        "0.24.0",
    )
    assert not runtime.is_coglet


def test_cog_sdk_wheel_file_relative_to_the_current_directory(tmp_path: Path) -> None:
    wheel = tmp_path / "dist" / "cog-0.24.0.dev3-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"wheel")
    runtime = resolve(COG_SDK_WHEEL="dist/cog-0.24.0.dev3-py3-none-any.whl", cwd=tmp_path)
    assert (runtime.source, runtime.path) == (RuntimeSource.FILE, wheel)
    assert runtime.requirement == "/tmp/cog-0.24.0.dev3-py3-none-any.whl"
    assert runtime.label_version == "0.24.0.dev3"


def test_a_directory_holding_one_cog_wheel_names_it(tmp_path: Path) -> None:
    (tmp_path / "cog-0.24.0-py3-none-any.whl").write_bytes(b"w")
    (tmp_path / "coglet-0.24.0-cp310-abi3-manylinux_2_17_x86_64.whl").write_bytes(b"w")
    assert resolve(COG_SDK_WHEEL=str(tmp_path)).artifact_name == "cog-0.24.0-py3-none-any.whl"


@pytest.mark.parametrize("wheels", [0, 2])
def test_a_directory_without_exactly_one_cog_wheel_is_invalid_input(
    tmp_path: Path, wheels: int
) -> None:
    for version in range(wheels):
        (tmp_path / f"cog-0.2{version}.0-py3-none-any.whl").write_bytes(b"w")
    with pytest.raises(InvalidInputError):
        resolve(COG_SDK_WHEEL=str(tmp_path))


def test_a_missing_wheel_file_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        resolve(COG_SDK_WHEEL="missing.whl", cwd=tmp_path)
    assert str(info.value) == f"COG_SDK_WHEEL: path not found: {tmp_path / 'missing.whl'}"


def test_a_file_name_that_is_no_cog_wheel_leaves_the_version_to_pip_freeze(tmp_path: Path) -> None:
    (tmp_path / "test-cog-0.1.0-py3-none-any.whl").write_bytes(b"w")
    runtime = resolve(COG_SDK_WHEEL="test-cog-0.1.0-py3-none-any.whl", cwd=tmp_path)
    assert runtime.label_version == ""


def test_a_coglet_wheel_is_recognised_by_its_name() -> None:
    assert resolve(COG_SDK_WHEEL="https://x/coglet-0.1.0-py3-none-any.whl").is_coglet


@pytest.mark.parametrize("keyword", ["cog", "COG-DATACLASS", "coglet", "coglet-alpha"])
def test_cog_wheel_keywords_of_the_pr_mean_the_builds_own_runtime(keyword: str) -> None:
    assert resolve("0.18.0", COG_WHEEL=keyword) == DEFAULT


def test_cog_wheel_takes_heads_forms_too_and_cog_sdk_wheel_wins() -> None:
    assert resolve(COG_WHEEL="pypi:0.17.1").requirement == "cog==0.17.1"
    assert resolve(COG_WHEEL="pypi:0.17.1", COG_SDK_WHEEL="pypi:0.18.0").requirement == (
        "cog==0.18.0"
    )


def test_cog_and_coglet_lines_are_dropped_with_cogs_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = "--extra-index-url https://x\ncog==0.9.0\nCoglet[extra]>=1\nnumpy\n# cog\ncogs==1"
    with caplog.at_level(logging.WARNING):
        kept = without_managed_packages(text, CogRuntime(version="0.18.0"))
    assert kept == "--extra-index-url https://x\nnumpy\n# cog\ncogs==1"
    assert "overriding with cog==0.18.0 from PyPI" in caplog.records[0].getMessage()
    assert "COGLET_WHEEL" in caplog.records[1].getMessage()


def test_a_local_artifact_under_a_cog_directory_is_not_the_cog_package() -> None:
    text = "cog/local_pkg-0.1.0-py3-none-any.whl\n./cog/x.whl\ncoglet/y-1.0.tar.gz\ncog==0.1"
    assert without_managed_packages(text) == (
        "cog/local_pkg-0.1.0-py3-none-any.whl\n./cog/x.whl\ncoglet/y-1.0.tar.gz"
    )

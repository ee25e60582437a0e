"""Finding and loading a project on a real (temporary) file system."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.filesystem import find_project_dir, load_source
from domain.cogyaml.models import RunItem
from domain.cogyaml.requirements import package_version
from domain.errors import ConfigError, ConfigNotFoundError

FIND_ROOT_YAML = """
build:
  python_version: "3.10"
  python_requirements: requirements.txt
  system_packages:
    - libgl1-mesa-glx
    - libglib2.0-0
predict: "predict.py:SomePredictor"
"""

# Cog's cases that need a file system (load_test.go, and config_test.go's absolute path).
FILESYSTEM_CASES = [
    ("TestFindProjectRootDirShouldFindParentDir", "found in a parent directory"),
    ("TestFindProjectRootDirShouldReturnErrIfNoConfig", "no cog.yaml anywhere"),
    ("TestAbsolutePathInPythonRequirements", "absolute python_requirements path"),
]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_find_project_root_dir_should_find_parent_dir(tmp_path: Path) -> None:
    _write(tmp_path / "cog.yaml", FIND_ROOT_YAML)
    start = tmp_path / "some" / "sub" / "dir"
    start.mkdir(parents=True)
    assert find_project_dir("cog.yaml", start) == tmp_path


def test_find_project_root_dir_should_return_err_if_no_config(tmp_path: Path) -> None:
    start = tmp_path / "some" / "sub" / "dir"
    start.mkdir(parents=True)
    with pytest.raises(ConfigNotFoundError) as info:
        find_project_dir("no-such-config-for-this-test.yaml", start)
    assert info.value.filename == "no-such-config-for-this-test.yaml"
    assert info.value.start_dir == str(start)


def test_absolute_path_in_python_requirements(tmp_path: Path) -> None:
    _write(tmp_path / "requirements.txt", "torch==2.5.0")
    text = 'build:\n  gpu: true\n  python_version: "3.10"\n'
    text += f'  python_requirements: "{tmp_path}/requirements.txt"\n'
    project = tmp_path / "project"
    _write(project / "cog.yaml", text)
    source = load_source("cog.yaml", project)
    assert package_version(source.requirements, "torch") == "2.5.0"
    assert source.config is not None
    assert source.config.build.cuda == "12.4"


def test_the_nearest_directory_wins(tmp_path: Path) -> None:
    _write(tmp_path / "cog.yaml", "build:\n")
    _write(tmp_path / "inner" / "cog.yaml", "build:\n")
    assert find_project_dir("cog.yaml", tmp_path / "inner" / "deeper") == tmp_path / "inner"


def test_a_relative_sub_path_file_name_is_joined_to_each_directory(tmp_path: Path) -> None:
    _write(tmp_path / "conf" / "prod.yaml", 'build:\n  python_version: "3.12"\n')
    start = tmp_path / "src"
    start.mkdir()
    source = load_source("conf/prod.yaml", start)
    assert source.project_dir == tmp_path
    assert source.config_filename == "conf/prod.yaml"


def test_the_start_defaults_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "cog.yaml", "")
    monkeypatch.chdir(tmp_path)
    assert find_project_dir() == tmp_path


def test_load_source_reads_parses_validates_and_completes(tmp_path: Path) -> None:
    _write(tmp_path / "requirements.txt", "# deps\ntorch==2.0.1\n-e .\nfoo==1.0 # pinned\n")
    _write(
        tmp_path / "cog.yaml",
        "build:\n  gpu: true\n  python_version: 3.11\n  python_requirements: requirements.txt\n"
        "  run:\n    - echo hi\npredict: predict.py:Predictor\n",
    )
    source = load_source(start_dir=tmp_path)
    assert source.project_dir == tmp_path
    assert source.config_filename == "cog.yaml"
    assert source.requirements == ("torch==2.0.1", "foo==1.0 ")
    config = source.config
    assert config is not None
    assert (config.build.python_version, config.build.cuda, config.build.cudnn) == (
        "3.11",
        "11.8",
        "8",
    )
    assert config.build.run == (RunItem(command="echo hi"),)


def test_python_packages_replace_the_requirements_file(tmp_path: Path) -> None:
    _write(tmp_path / "cog.yaml", 'build:\n  python_packages: ["a==1"]\n')
    source = load_source(start_dir=tmp_path)
    assert source.requirements == ("a==1",)
    assert source.config is not None
    assert source.config.warnings  # python_packages is deprecated


def test_a_missing_requirements_file_is_one_of_the_collected_problems(tmp_path: Path) -> None:
    _write(tmp_path / "cog.yaml", "build:\n  python_requirements: missing.txt\npredict: nope\n")
    with pytest.raises(ConfigError) as info:
        load_source(start_dir=tmp_path)
    assert len(info.value.problems) == 2
    assert str(tmp_path / "missing.txt") in info.value.problems[1]


def test_invalid_yaml_is_a_config_error(tmp_path: Path) -> None:
    _write(tmp_path / "cog.yaml", "build:\n  gpu: [true\n")
    with pytest.raises(ConfigError) as info:
        load_source(start_dir=tmp_path)
    assert str(info.value).startswith("cog.yaml:3: ")  # the file, and the line it is on


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'build:\n  gpu: false\n  python_version: "3.8"\n',
            'cog.yaml:3: invalid build.python_version "3.8": minimum supported Python version '
            "is 3.10",
        ),
        (
            "build:\n  python_version: '3'\n",
            'cog.yaml:2: invalid build.python_version "3": must include major and minor '
            "version (e.g., '3.11')",
        ),
        (
            "build:\n  python_version: '3.10'\nconcurrency:\n  max: 2\n",
            'cog.yaml:4: invalid concurrency.max "2": concurrency requires Python 3.11 or higher',
        ),
        (
            "build:\n  pyhton_version: '3.11'\n",
            "cog.yaml:2: build: Additional property pyhton_version is not allowed "
            "(did you mean python_version?)",
        ),
        (
            "build:\n  python_version: '3.11'\nenvironment:\n  - A=1\n  - NO_VALUE\n",
            "cog.yaml:5: environment.1: Does not match pattern '^[A-Za-z_][A-Za-z0-9_]*=.*$'",
        ),
    ],
)
def test_a_problem_in_the_file_names_the_file_and_the_line_in_cogs_words(
    tmp_path: Path, text: str, message: str
) -> None:
    _write(tmp_path / "cog.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_source(start_dir=tmp_path)
    assert str(info.value) == message


def test_a_python_version_cog_head_accepts_passes(tmp_path: Path) -> None:
    _write(tmp_path / "cog.yaml", "build:\n  python_version: '4.0'\n")  # 0447eb11 refused it
    assert load_source(start_dir=tmp_path).config is not None


def test_text_that_is_not_utf8_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "cog.yaml").write_bytes(b"build:\n  python_version: \xff\n")
    with pytest.raises(ConfigError) as info:
        load_source(start_dir=tmp_path)
    assert str(tmp_path / "cog.yaml") in str(info.value)


def test_a_directory_named_like_the_config_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "cog.yaml").mkdir()
    with pytest.raises(ConfigError) as info:
        load_source(start_dir=tmp_path)
    assert not isinstance(info.value, ConfigNotFoundError)
    assert str(tmp_path / "cog.yaml") in str(info.value)


def test_a_file_in_the_way_of_a_sub_path_stops_the_search(tmp_path: Path) -> None:
    _write(tmp_path / "conf", "a file, not a directory")
    with pytest.raises(ConfigError) as info:
        find_project_dir("conf/prod.yaml", tmp_path)
    assert not isinstance(info.value, ConfigNotFoundError)
    assert "Failed to scan directory" in str(info.value)

"""Cog's tests of reading cog.yaml (``FromYAML``, ``Validate``, run items; config_test.go and
validator_test.go @0447eb11), in our form."""

from __future__ import annotations

import pytest

from domain.cogyaml.decode import decode_config, json_document
from domain.cogyaml.label import config_document, config_from_label, config_to_label
from domain.cogyaml.models import CogConfig, RunItem, RunMount
from domain.cogyaml.parse import parse_config
from domain.cogyaml.schema_check import check_schema
from domain.cogyaml.validation import validate_and_complete
from domain.cogyaml.yaml_nodes import YamlMapping
from domain.cogyaml.yaml_reader import parse_yaml
from domain.errors import ConfigError

ECHO = "echo 'Hello, World!'"
BIND = {"type": "bind", "id": "my-volume", "target": "/mnt/data"}


def test_build_run_item_string_yaml() -> None:  # TestBuildRunItemStringYAML
    config = parse_config(f'\nbuild:\n  run:\n    - "{ECHO}"\n')
    assert config.build.run == (RunItem(command=ECHO),)
    assert config.build.run[0].mounts == ()


def test_build_run_item_string_json() -> None:  # TestBuildRunItemStringJSON
    config = config_from_label(
        '{\n\t"build": {\n\t\t"run": [\n\t\t\t"echo \'Hello, World!\'"\n\t\t]\n\t}\n}'
    )
    assert config.build.run == (RunItem(command=ECHO),)


def test_build_run_item_dict_yaml() -> None:  # TestBuildRunItemDictYAML
    text = (
        f'\nbuild:\n  run:\n  - command: "{ECHO}"\n    mounts:\n    - type: bind\n'
        "      id: my-volume\n      target: /mnt/data\n"
    )
    root = parse_yaml(text)
    assert root is not None
    # Cog's test only decodes (yaml.Unmarshal); a bind mount decodes fine ...
    config = decode_config(root)
    assert config.build.run == (RunItem(command=ECHO, mounts=(RunMount(**BIND),)),)
    # ... but the schema only allows secret mounts, so cog.yaml with it is refused.
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert info.value.field == "build.run.0.mounts.0.type"


def test_build_run_item_dict_json() -> None:  # TestBuildRunItemDictJSON
    mounts = '[{"type": "bind", "id": "my-volume", "target": "/mnt/data"}]'
    label = '{"build": {"run": [{"command": "echo \'Hello, World!\'", "mounts": ' + mounts + "}]}}"
    config = config_from_label(label)
    assert config.build.run == (RunItem(command=ECHO, mounts=(RunMount(**BIND),)),)


# ---------------------------------------------------------------- FromYAML and Validate


def test_blank_build_gives_the_default_build() -> None:  # TestBlankBuild
    config = parse_config("build:")
    assert config.build is not None
    assert config.build.gpu is False
    assert config.build.python_version == "3.13"


def test_parse_tests() -> None:  # TestParseTests
    assert parse_config(f'\nbuild:\n  run:\n  - command: "{ECHO}"\n').build.run == (
        RunItem(command=ECHO),
    )


def test_fast_push_config() -> None:  # TestFastPushConfig
    assert parse_config('\nbuild:\n  python_version: "3.12"\n  fast: true\n').build.fast is True


def test_python_overrides_config() -> None:  # TestPythonOverridesConfig
    text = '\nbuild:\n  python_version: "3.12"\n  fast: true\n  python_overrides: "overrides.txt"\n'
    assert parse_config(text).build.python_overrides == "overrides.txt"


def test_config_marshal() -> None:  # TestConfigMarshal: yaml.Marshal(DefaultConfig())
    default = CogConfig()
    assert (default.build.gpu, default.build.python_version, default.predict) == (False, "3.13", "")
    assert parse_config('build:\n  python_version: "3.13"\npredict: ""\n') == default
    assert config_to_label(default) == '{"build":{"python_version":"3.13"}}'


def test_validate_config_checks_the_schema_only() -> None:  # TestValidateConfig
    text = 'build:\n  gpu: true\n  python_version: "3.10"\n  python_packages:\n'
    text += '    - "tensorflow==1.15.0"\n    - "foo==1.0.0"\n  cuda: "10.0"\n'
    config = parse_config(text)
    check_schema(config_document(config))
    with pytest.raises(ConfigError) as info:  # DERIVED: completion refuses CUDA 10
        validate_and_complete(config, ())
    assert info.value.problems == ('Minimum supported CUDA version is 11. requested "10.0"',)


BUILD_ARGS = '  gpu: true\n  system_packages:\n    - "libgl1-mesa-glx"\n    - "libglib2.0-0"\n'
VALIDATE_CASES = [
    # (Go test, cog.yaml, the description Cog reports or None)
    (
        "TestValidateSuccess",
        f'build:\n{BUILD_ARGS}  python_version: "3.10"\n  python_packages:\n    - "torch==1.8.1"',
        None,
    ),
    (
        "TestValidatePythonVersionNumerical",
        f'build:\n{BUILD_ARGS}  python_version: 3.10\n  python_packages:\n    - "torch==1.8.1"',
        None,
    ),
    (
        "TestValidateBuildIsRequired",
        f'buildd:\n{BUILD_ARGS}  python_version: "3.10"\n  python_packages:\n    - "torch==1.8.1"',
        "Additional property buildd is not allowed",
    ),
    (
        "TestValidatePythonVersionIsRequired",
        'build:\n  gpu: true\n  python_versions: "3.10"\n  system_packages:\n'
        '    - "libgl1-mesa-glx"\n    - "libglib2.0-0"\n  python_packages:\n    - "torch==1.8.1"',
        "Additional property python_versions is not allowed",
    ),
    (
        "TestValidateNullListsAllowed",
        'build:\n  gpu: true\n  python_version: "3.10"\n  system_packages:\n  python_packages:\n'
        "  run:",
        None,
    ),
    (
        "TestValidateOutputsPropertyFromTypeError",
        'build:\n  gpu: true\n  cuda: "11.8"\n  python_version: "3.11"\n  python_packages:\n'
        '    - "torch==2.0.1"\n\npredict: "predict.py:Predictor"\nconcurrency: 54',
        "concurrency must be a mapping",
    ),
]


@pytest.mark.parametrize(("name", "text", "problem"), VALIDATE_CASES)
def test_validate(name, text, problem) -> None:
    if problem is None:
        parse_config(text)
        return
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert info.value.problems == (problem,)


def test_validate_python_version_numerical_keeps_the_source_text() -> None:
    text = VALIDATE_CASES[1][1]
    root = parse_yaml(text)
    assert isinstance(root, YamlMapping)
    document = json_document(root)
    assert isinstance(document, dict)
    assert document["build"]["python_version"] == 3.1  # type: ignore[index]
    assert parse_config(text).build.python_version == "3.10"


CASE_NAMES = (
    "TestBuildRunItemStringYAML",
    "TestBuildRunItemStringJSON",
    "TestBuildRunItemDictYAML",
    "TestBuildRunItemDictJSON",
    "TestBlankBuild",
    "TestParseTests",
    "TestFastPushConfig",
    "TestPythonOverridesConfig",
    "TestConfigMarshal",
    "TestValidateConfig",
    *(row[0] for row in VALIDATE_CASES),
)

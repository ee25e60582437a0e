"""parse_config: Cog's step 1 (FromYAML) quirks, schema rules, and which error Cog reports."""

from __future__ import annotations

import pytest

from domain.cogyaml.json_schema import violations
from domain.cogyaml.models import BuildConfig, CogConfig, Concurrency
from domain.cogyaml.parse import parse_config
from domain.cogyaml.schema_check import COG_YAML_SCHEMA, most_specific
from domain.errors import ConfigError


def _error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    return info.value


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n", "---\n", "--- # empty\n...\n"])
def test_a_file_without_content_gives_the_defaults(text: str) -> None:
    assert parse_config(text) == CogConfig(build=BuildConfig(gpu=False, python_version="3.13"))


def test_a_null_build_skips_the_schema_check_entirely() -> None:
    config = parse_config("build:\nbuildd: 1\nimage: 123\npredict: p.py:P\n")
    assert config.build == BuildConfig()
    assert (config.image, config.predict) == ("123", "p.py:P")


def test_a_null_build_still_needs_decodable_types() -> None:
    error = _error("build: ~\nconcurrency: 54\n")
    assert (error.field, error.problems) == ("concurrency", ("concurrency must be a mapping",))


def test_string_fields_receive_the_scalar_source_text() -> None:
    config = parse_config("build:\n  python_version: 3.10\n  gpu: yes\ntrain: 2001-01-01\n")
    assert config.build.python_version == "3.10"
    assert config.build.gpu is True
    assert config.train == "2001-01-01"


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("buildd: {}\n", "", "Additional property buildd is not allowed"),
        (
            "build:\n  python_versions: '3'\n",
            "build",
            "Additional property python_versions is not allowed",
        ),
        ("build:\n  cuda: 11.8\n", "build.cuda", "build.cuda must be a string"),
        ("build:\n  cuda:\n", "build.cuda", "build.cuda must be a string"),
        ("build:\n  gpu: 'true'\n", "build.gpu", "build.gpu must be a boolean"),
        (
            "build:\n  python_version: yes\n",
            "build.python_version",
            "build.python_version must be a string or number",
        ),
        (
            "build:\n  system_packages: git\n",
            "build.system_packages",
            "build.system_packages must be a list or null",
        ),
        (
            "build:\n  python_packages: [1]\n",
            "build.python_packages.0",
            "build.python_packages.0 must be a string",
        ),
        ("build:\n  run: [123]\n", "build.run.0", "build.run.0 must be a string"),
        ("build:\n  run: [{mounts: []}]\n", "build.run.0", "command is required"),
        (
            "build:\n  run: [{command: x, mounts: [{type: secret, id: s}]}]\n",
            "build.run.0.mounts.0",
            "target is required",
        ),
        (
            "build:\n  run: [{command: x, mounts: [{type: bind, id: s, target: t}]}]\n",
            "build.run.0.mounts.0.type",
            'build.run.0.mounts.0.type must be one of the following: "secret"',
        ),
        ("image: 123\n", "image", "image must be a string"),
        ("predict:\n", "predict", "predict must be a string"),
        ("concurrency: 54\n", "concurrency", "concurrency must be a mapping"),
        ("concurrency: {}\n", "concurrency", "max is required"),
        (
            "concurrency: {max: 1.5}\n",
            "concurrency.max",
            "concurrency.max must be a integer",
        ),  # sic
        (
            "concurrency: {max: 2, min: 1}\n",
            "concurrency",
            "Additional property min is not allowed",
        ),
        (
            "environment: ['A B']\n",
            "environment.0",
            "Does not match pattern '^[A-Za-z_][A-Za-z0-9_]*=[^\\s]+$'",
        ),
        (
            "environment: ['A=\t']\n",
            "environment.0",
            "Does not match pattern '^[A-Za-z_][A-Za-z0-9_]*=[^\\s]+$'",
        ),
        ("tests: [1]\n", "tests.0", "tests.0 must be a mapping"),
        ("- build\n", "", "cog.yaml must be a mapping"),
        (
            "weights: [{name: w, target: /w, source: 1}]\n",
            "weights.0.source",
            "weights.0.source must be a mapping",
        ),
        (
            "weights: [{name: W, target: /w, source: {uri: x}}]\n",
            "weights.0.name",
            "Does not match pattern '^[a-z0-9]+([._-][a-z0-9]+)*$'",
        ),
        (
            "weights: [{name: w, target: /w, source: []}]\n",
            "weights.0.source",
            "Array must have at least 1 items",
        ),
        ("model: [x]\n", "model", "model must be a string"),
        (
            "build:\n  sdk_version: 0.18\n",
            "build.sdk_version",
            "build.sdk_version must be a string",
        ),
    ],
)
def test_schema_errors_name_the_field_and_use_cogs_words(
    text: str, field: str, problem: str
) -> None:
    error = _error(text)
    assert error.field == field
    assert error.problems == (problem,)
    assert error.reason == problem.removeprefix(f"{field} ") if field else error.reason == problem


def test_the_deepest_error_wins() -> None:
    assert _error("buildd: 1\nbuild:\n  cuda: 1\n").field == "build.cuda"


def test_on_a_tie_a_type_error_wins_over_earlier_errors() -> None:
    error = _error("build:\n  unknown: 1\nimage: 1\n")
    assert (error.field, error.problems) == ("image", ("image must be a string",))


def test_after_an_any_of_error_the_next_error_explains_it() -> None:
    errors = violations({"build": {"run": [{"mounts": []}]}}, COG_YAML_SCHEMA)
    assert [e.kind for e in errors] == ["any_of", "required"]
    winner, text = most_specific(errors)
    assert (winner.kind, winner.field, text) == ("any_of", "build.run.0", "command is required")


def test_what_cog_accepts_and_ignores() -> None:
    config = parse_config(
        "build:\n  python_version: '3.12'\n  python_packages:\n  run:\n"
        "concurrency: {max: 2, default_target: 1}\ntests: [{a: 1}]\n"
    )
    assert config.concurrency == Concurrency(max=2)
    assert config.build.python_packages == ()


def test_yaml_11_booleans_are_booleans() -> None:
    assert parse_config("build:\n  gpu: on\n  fast: No\n").build.gpu is True


def test_head_additions_are_accepted() -> None:
    config = parse_config(
        "build:\n  python_version: '3.12'\n  sdk_version: '0.18.0'\nmodel: r8.im/acme/m\n"
        "run: run.py:Runner\nweights:\n  - name: base\n    target: /src/weights\n"
        "    source:\n      uri: hf://acme/base\n      include: ['*.safetensors']\n"
    )
    assert config.build.sdk_version == "0.18.0"
    assert (config.model, config.predict) == ("r8.im/acme/m", "run.py:Runner")
    assert config.weights[0].source[0].include == ("*.safetensors",)


def test_run_and_predict_are_mutually_exclusive() -> None:
    error = _error("run: run.py:Runner\npredict: predict.py:Predictor\n")
    assert error.field == "run"


def test_yaml_syntax_errors_are_config_errors_naming_the_line() -> None:
    error = _error("build:\n  gpu: true\n   python_version: '3.12'\n")
    assert error.field == ""
    assert error.reason.startswith("line 3: ")

"""validate_and_complete (Cog's ValidateAndComplete + HEAD's model/weights rules) and
validate_python_version."""

from __future__ import annotations

import pytest

from domain.cogyaml.models import CogConfig
from domain.cogyaml.parse import parse_config
from domain.cogyaml.validation import validate_and_complete, validate_python_version
from domain.errors import ConfigError


def _problems(text: str, requirements: tuple[str, ...] = (), **kwargs: str) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as info:
        validate_and_complete(parse_config(text), requirements, **kwargs)
    return info.value.problems


def test_every_problem_is_collected_in_cogs_order() -> None:
    text = (
        "build:\n  gpu: true\n  cuda: '9.0'\n  python_requirements: r.txt\n"
        "  python_packages: [a==1]\n"
        "predict: predict.py\nenvironment: [PATH=/x]\n"
    )
    with pytest.raises(ConfigError) as info:
        validate_and_complete(parse_config(text), (), requirements_error="open r.txt: denied")
    error = info.value
    assert error.problems == (
        "'predict' in cog.yaml must be in the form 'predict.py:Predictor",
        "Only one of python_packages or python_requirements can be set in your cog.yaml, not both",
        "Failed to open python_requirements file: open r.txt: denied",
        'Minimum supported CUDA version is 11. requested "9.0"',
        'environment variable "PATH" is not allowed',
    )
    assert error.field == ""  # several fields
    assert "\n" not in str(error)
    assert str(error).count("; ") == 4


def test_a_single_problem_names_its_field() -> None:
    with pytest.raises(ConfigError) as info:
        validate_and_complete(parse_config("predict: nope\n"), ())
    assert info.value.field == "predict"


@pytest.mark.parametrize("predict", ["predict.py:Predictor", "src/p.py:P"])
def test_a_well_formed_predict_passes(predict: str) -> None:
    validate_and_complete(parse_config(f"predict: '{predict}'\n"), ())


def test_a_predict_with_two_py_parts_is_refused() -> None:
    assert _problems("predict: a.py:b.py:C\n")[0].startswith("'predict' in cog.yaml")


def test_deprecations_are_returned_as_warnings_not_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = validate_and_complete(
        parse_config("build:\n  python_packages: [a==1]\n  pre_install: [x]\n"), ()
    )
    assert config.warnings == (
        "`python_packages` in cog.yaml is deprecated and will be removed in future versions,"
        " use `python_requirements` instead.",
        "`pre_install` in cog.yaml is deprecated and will be removed in future versions.",
    )
    assert capsys.readouterr() == ("", "")


def test_cpu_configs_keep_cuda_untouched() -> None:
    config = validate_and_complete(parse_config("build:\n  cuda: '9.0'\n  cudnn: x\n"), ())
    assert (config.build.cuda, config.build.cudnn) == ("9.0", "x")


def test_completion_is_idempotent() -> None:
    once = validate_and_complete(
        parse_config("build:\n  gpu: true\n  python_packages: [torch==2.1.0]\n"), ()
    )
    twice = validate_and_complete(once, ())
    assert (twice.build, twice.warnings) == (once.build, once.warnings)


def test_a_label_config_is_revalidated_with_the_schema() -> None:
    config = CogConfig.model_validate(
        {"build": {"run": [{"command": "x", "mounts": [{"type": "bind"}]}]}}
    )
    assert any("mounts" in problem or "required" in problem for problem in _problems_of(config))


def _problems_of(config: CogConfig) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as info:
        validate_and_complete(config, ())
    return info.value.problems


def test_concurrency_max_zero_passes_parsing_but_not_revalidation() -> None:  # Go omitempty quirk
    assert _problems("concurrency: {max: 0}\n") == ("max is required",)


# ---------------------------------------------------------------- HEAD: model and weights


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "model: r8.im/acme/m\nimage: acme/m\n",
            "invalid model: 'model' and 'image' cannot both be set",
        ),
        (
            "model: r8.im/acme/m:v1\n",
            'invalid model "r8.im/acme/m:v1": must be a bare repository'
            " — tags and digests are not allowed",
        ),
        ("model: acme/m@sha256:" + "a" * 64 + "\n", "must be a bare repository"),
        ("model: Acme/M\n", 'invalid model "Acme/M": invalid repository: '),
        (
            "weights: [{name: w, target: /w, source: {uri: x}}]\n",
            "invalid model: weights require 'model' in cog.yaml",
        ),
        (
            "image: a/b\nweights: [{name: w, target: /w, source: {uri: x}}]\n",
            "invalid image: weights require 'model', not 'image'",
        ),
    ],
)
def test_model_rules(text: str, problem: str) -> None:
    assert any(p.startswith(problem) or problem in p for p in _problems(text))


def test_a_bare_model_repository_passes() -> None:
    config = validate_and_complete(parse_config("model: localhost:5000/acme/model\n"), ())
    assert config.model == "localhost:5000/acme/model"


WEIGHT = "{{name: {name}, target: {target}, source: {{uri: hf://x, include: {include}}}}}"


def _weights(*entries: dict[str, str]) -> str:
    items = ", ".join(
        WEIGHT.format(**{"name": "w", "target": "/w", "include": "[]", **e}) for e in entries
    )
    return f"model: r8.im/acme/m\nweights: [{items}]\n"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (_weights({"name": "''"}), "weights.0.name"),
        (_weights({}, {"target": "/v"}), "weights.1.name"),  # duplicate name
        (_weights({"target": "w"}), "weights.0.target"),  # not absolute
        (_weights({"target": "/"}), "weights.0.target"),
        (
            _weights({}, {"name": "v", "target": "/w/"}),
            "weights.1.target",
        ),  # duplicate after cleaning
        (
            _weights({"target": "/a"}, {"name": "v", "target": "/a/b"}),
            "weights.1.target",
        ),  # overlap
        (_weights({"include": "['!x']"}), "weights.0.source.include.0"),
        (_weights({"include": "['a\\\\b']"}), "weights.0.source.include.0"),
        (_weights({"include": "['  ']"}), "weights.0.source.include.0"),
        (
            "model: r8.im/acme/m\nweights: [{name: w, target: /w, source: null}]\n",
            "weights.0.source",
        ),
    ],
)
def test_weights_rules(text: str, field: str) -> None:
    with pytest.raises(ConfigError) as info:
        validate_and_complete(parse_config(text), ())
    assert info.value.field == field


def test_valid_weights_pass() -> None:
    text = _weights({"include": "['*.bin']"}, {"name": "v.2", "target": "/v"})
    config = validate_and_complete(parse_config(text), ())
    assert [w.name for w in config.weights] == ["w", "v.2"]


# ---------------------------------------------------------------- validate_python_version


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        ("3.x", 'invalid Python version format: "x" is not a number'),
        ("4.0", "minimum supported Python version is 3.10. requested 4.0"),  # Cog's quirk
        (" 3.11 ", None),
        ("3.13.1", None),
    ],
)
def test_python_version_rules(version: str, problem: str | None) -> None:
    config = parse_config(f"build:\n  python_version: '{version}'\n")
    if problem is None:
        validate_python_version(config)
        return
    with pytest.raises(ConfigError) as info:
        validate_python_version(config)
    assert info.value.problems == (problem,)


def test_concurrency_of_one_does_not_need_python_311() -> None:
    validate_python_version(
        parse_config("build:\n  python_version: '3.10'\nconcurrency: {max: 1}\n")
    )

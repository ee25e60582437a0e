"""parse_config: Cog's step 1 (FromYAML) quirks, schema rules, and which error Cog reports."""

from __future__ import annotations

import copy
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.cogyaml.json_schema import violations
from domain.cogyaml.models import BuildConfig, CogConfig, Concurrency
from domain.cogyaml.parse import parse_config
from domain.cogyaml.schema_check import cog_yaml_schema, most_specific
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
            "Does not match pattern '^[A-Za-z_][A-Za-z0-9_]*=.*$'",
        ),
        (
            'environment: ["A=\\n"]\n',  # RE2: "." is no line break, "$" is the very end
            "environment.0",
            "Does not match pattern '^[A-Za-z_][A-Za-z0-9_]*=.*$'",
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
    reason = error.reason.split(" (did you mean ")[0]  # the suggestion is ours, not Cog's
    assert reason == problem.removeprefix(f"{field} ") if field else reason == problem


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            'build:\n  pyhton_version: "3.11"\n',
            2,
            "line 2: build: Additional property pyhton_version is not allowed "
            "(did you mean python_version?)",
        ),
        (
            "biuld: {}\n",
            1,
            "line 1: Additional property biuld is not allowed (did you mean build?)",
        ),
        (
            "build:\n  python_version: '3.11'\n  gpu: maybe\n",
            3,
            "line 3: build.gpu: must be a boolean",
        ),
        ("image: x\nzzz: 1\n", 2, "line 2: Additional property zzz is not allowed"),
    ],
)
def test_schema_errors_say_the_line_and_suggest_the_closest_key(
    text: str, line: int, message: str
) -> None:
    error = _error(text)
    assert error.line == line
    assert str(error) == message


def test_the_deepest_error_wins() -> None:
    assert _error("buildd: 1\nbuild:\n  cuda: 1\n").field == "build.cuda"


def test_on_a_tie_a_type_error_wins_over_earlier_errors() -> None:
    error = _error("build:\n  unknown: 1\nimage: 1\n")
    assert (error.field, error.problems) == ("image", ("image must be a string",))


def test_after_an_any_of_error_the_next_error_explains_it() -> None:
    errors = violations({"build": {"run": [{"mounts": []}]}}, cog_yaml_schema())
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
    assert error.line == 3
    assert str(error).startswith("line 3: ")


def test_a_mount_may_carry_keys_the_schema_does_not_name_as_in_cog() -> None:
    # Cog's schema closes the run item's siblings nowhere below build: a mount is an open object.
    config = parse_config(
        "build:\n  run:\n    - command: x\n      mounts: [{type: secret, id: s, target: t, y: 1}]\n"
    )
    assert config.build.run[0].mounts[0].id == "s"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{a: 1}", "uri is required"),
        ("{a: 1, b: 2}", "uri is required"),  # object branch -2, list branch -2: the first wins
        ("{a: 1, b: 2, c: 3}", "weights.0.source must be a list"),  # -4 < -2: the list is closer
    ],
)
def test_a_failed_one_of_is_explained_by_gojsonschemas_closest_branch(
    source: str, problem: str
) -> None:
    # gojsonschema scores each branch (+1 per passed check group, -2 per error) and reports the
    # best one's errors; jsonschema has no such score (decision 0013).
    error = _error(f"weights: [{{name: w, target: /w, source: {source}}}]\n")
    assert (error.field, error.problems) == ("weights.0.source", (problem,))


def test_the_schema_is_a_valid_draft_07_schema() -> None:
    jsonschema.Draft7Validator.check_schema(cog_yaml_schema())


def test_the_schema_is_read_on_first_use_only() -> None:
    code = (
        "import domain.cogyaml.parse, domain.cogyaml.validation\n"
        "from domain.cogyaml import schema_check\n"
        "assert schema_check.cog_yaml_schema.cache_info().currsize == 0\n"
        "domain.cogyaml.parse.parse_config('build:\\n  gpu: true\\n')\n"
        "assert schema_check.cog_yaml_schema.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=6)
_KEYS = st.sampled_from(
    [
        *("build", "image", "model", "run", "predict", "train", "concurrency", "tests"),
        *("environment", "weights", "gpu", "cuda", "python_version", "python_packages"),
        *("command", "mounts", "type", "id", "target", "max", "default_target", "name"),
        *("source", "uri", "include", "exclude", "sdk_version", "unknown"),
    ]
)
_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.sampled_from([1.0, 1.5, 3.1]),
        st.sampled_from(["secret", "A=b", "A b", "w", "W", "3.10", "/w", "a.b-c"]),
        _TEXT,
    ),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=10,
)


_VALID = {
    "build": {
        "gpu": True,
        "python_version": "3.11",
        "cuda": "11.8",
        "python_packages": ["torch==2.3.1"],
        "system_packages": None,
        "run": [
            "echo",
            {"command": "x", "mounts": [{"type": "secret", "id": "s", "target": "/t"}]},
        ],
        "fast": False,
        "sdk_version": "0.18.0",
    },
    "predict": "predict.py:Predictor",
    "concurrency": {"max": 2, "default_target": 1},
    "environment": ["A=b"],
    "tests": [{}],
    "weights": [
        {"name": "w", "target": "/w", "source": {"uri": "hf://a/b", "include": ["*"]}},
        {"name": "v.1", "target": "/v", "source": [{"uri": "x"}]},
    ],
}


def _paths(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*path, i))
    return found


_REPLACEMENTS = st.one_of(
    st.sampled_from([None, True, 0, 2, 1.0, 1.5, "", "x", "W", "A=b", [], {}, ["x"], [{}]]),
    _VALUES,
).map(copy.deepcopy)  # never share a sampled list or dict between documents


@st.composite
def mutated_configs(draw) -> object:
    """A valid cog.yaml document with one to three random changes: a value replaced, an entry
    removed or an entry added, anywhere in the tree."""
    document = copy.deepcopy(_VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        *parents, last = path or (None,)
        parent: Any = document
        for step in parents:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if not path:
            document = draw(_REPLACEMENTS)
        elif action == "replace":
            parent[last] = draw(_REPLACEMENTS)
        elif action == "remove":
            del parent[last]
        elif isinstance(parent[last], dict):
            parent[last][draw(_KEYS)] = draw(_REPLACEMENTS)
        elif isinstance(parent[last], list):
            parent[last].append(draw(_REPLACEMENTS))
        if not isinstance(document, dict | list):
            break
    return document


@settings(max_examples=1500, deadline=None)
@given(document=mutated_configs())
def test_the_validator_agrees_with_jsonschema_on_what_is_valid(document) -> None:
    # jsonschema is the oracle for "valid or not"; gojsonschema's errors, their order and its
    # closest-branch choice are what json_schema.py adds (tested above with Cog's words).
    expected = jsonschema.Draft7Validator(cog_yaml_schema()).is_valid(document)
    assert (not violations(document, cog_yaml_schema())) is expected

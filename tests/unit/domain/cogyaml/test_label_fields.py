"""label_fields (the config label read without pydantic) answers as CogConfig does, or not at all.

The rule it must keep: whenever it answers, ``CogConfig.model_validate_json`` accepts the same
text and holds exactly the same values; whenever the models refuse a label, it answers ``None``
(so the caller asks the models and gets their error). Checked on every label the Cog config
cases and the examples produce (for which it must also answer: they are what real images carry)
and on generated documents of every shape.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from domain.cogyaml import models
from domain.cogyaml.label import config_to_label
from domain.cogyaml.label_fields import DEFAULT_PYTHON_VERSION, MODELS, label_fields
from domain.cogyaml.models import CogConfig
from domain.cogyaml.parse import parse_config
from domain.cogyaml.validation import validate_and_complete
from domain.errors import ConfigError
from tests.unit.domain.cogyaml import test_cog_config_cases as config_cases
from tests.unit.domain.cogyaml import test_config_yaml_cases as yaml_cases
from tests.unit.domain.cogyaml.test_config_environment_cases import ENVIRONMENT_CASES

ROOT = Path(__file__).resolve().parents[4]


def pydantic_fields(raw: str) -> dict[str, Any] | None:
    """What the models hold for ``raw`` in label_fields' shape, or None when they refuse it."""
    try:
        config = CogConfig.model_validate_json(raw)
    except ValidationError:
        return None
    return {**config.model_dump(), "warnings": config.warnings}


def typed(value: Any) -> Any:
    """``value`` with every leaf's type made part of it (so ``True`` is not ``1``)."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return (type(value).__name__, [typed(item) for item in value])
    return (type(value).__name__, value)


def assert_agrees(raw: str) -> dict[str, Any] | None:
    light = label_fields(raw)
    if light is not None:
        assert typed(light) == typed(pydantic_fields(raw)), raw
    elif pydantic_fields(raw) is None:
        pass  # both refuse: the caller raises the models' error
    return light


# ---------------------------------------------------------------- the labels real images carry

EXTRA_YAML = {
    "run items and mounts": (
        'build:\n  python_version: "3.12"\n  run:\n    - "echo hi"\n'
        '    - command: "pip install x"\n'
        "      mounts:\n        - type: secret\n          id: token\n          target: /run/t\n"
    ),
    "everything at once": (
        'build:\n  gpu: true\n  cuda: "12.1"\n  python_version: "3.11"\n  fast: true\n'
        "  cog_runtime: false\n  python_packages:\n    - numpy==1.26.4\n  system_packages:\n"
        '    - ffmpeg\n  pre_install:\n    - "echo pre"\nimage: "r8.im/acme/m"\n'
        'predict: "predict.py:Predictor"\ntrain: "train.py:train"\nconcurrency:\n  max: 4\n'
        "environment:\n  - A=1\n"
    ),
}


def _case_yaml() -> Iterator[tuple[str, str]]:
    for name, text, problem in yaml_cases.VALIDATE_CASES:
        if problem is None:
            yield name, text
    for name, version, concurrency, _problem in config_cases.PYTHON_VERSION_CASES:
        extra = f"concurrency:\n  max: {concurrency}\n" if concurrency else ""
        yield name, config_cases._yaml(python=version, extra=extra)
    for name, cuda, _problem in config_cases.CUDA_VERSION_CASES:
        yield name, config_cases._yaml(gpu=True, cuda=cuda)
    for case in config_cases.COMPLETION_CASES:
        gpu, cuda, package, _expected, _at_head = case.values
        yield str(case.id), config_cases._yaml(gpu=gpu, cuda=cuda, packages=[package])
    for name, items, _expected, _at_0447eb11, _accepts in ENVIRONMENT_CASES:
        entries = "".join(f"  - {json.dumps(item)}\n" for item in items)
        yield name, f'build:\n  python_version: "3.12"\nenvironment:\n{entries}'
    for path in sorted((ROOT / "examples").glob("*/cog.yaml")):
        yield f"examples/{path.parent.name}", path.read_text()
    yield from EXTRA_YAML.items()


def _case_labels() -> Iterator[Any]:
    for name, text in _case_yaml():
        try:
            parsed = parse_config(text)
        except ConfigError:
            continue
        configs = {"parsed": parsed}
        with contextlib.suppress(ConfigError):
            configs["completed"] = validate_and_complete(parsed, ())
        for stage, config in configs.items():
            # Cog's bytes, and what the in-memory build backend writes.
            yield pytest.param(config_to_label(config), id=f"{name}/{stage}/cog")
            yield pytest.param(config.model_dump_json(), id=f"{name}/{stage}/pydantic-json")
            yield pytest.param(
                config.model_dump_json(exclude_defaults=True), id=f"{name}/{stage}/sparse"
            )


CASE_LABELS = list(_case_labels())


def test_the_cases_give_many_labels() -> None:
    assert len(CASE_LABELS) > 200


@pytest.mark.parametrize("raw", CASE_LABELS)
def test_every_label_of_the_cog_config_cases_is_read_exactly_as_the_models_read_it(
    raw: str,
) -> None:
    assert label_fields(raw) is not None
    assert_agrees(raw)


# ---------------------------------------------------------------- the table is the models'


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_table_names_every_field_of_each_model_with_its_default(name: str) -> None:
    model: type[BaseModel] = getattr(models, name)
    reader = MODELS[name]
    assert set(reader.fields) == set(model.model_fields)
    defaults = reader({"command": ""} if name == "RunItem" else {})
    assert defaults == {**model().model_dump(), **({"warnings": ()} if name == "CogConfig" else {})}


def test_the_default_python_version_is_the_models() -> None:
    assert DEFAULT_PYTHON_VERSION == models.DEFAULT_PYTHON_VERSION


# ---------------------------------------------------------------- where it must not answer


@pytest.mark.parametrize(
    "raw",
    [
        '{"build": {"gpu": "true"}}',  # pydantic coerces; it is pydantic's call
        '{"build": {"gpu": 1}}',
        '{"concurrency": {"max": 2.0}}',
        '{"concurrency": {"max": true}}',
        '{"build": {"python_packages": "numpy"}}',  # refused by the models
        '{"build": null}',
        '{"weights": [{"name": "w", "source": null}]}',
        '{"environment": ["A=1", null]}',
        '{"predict": "\\ud800"}',  # a lone surrogate: pydantic's parser refuses the document
        '{"x": "\\udfff"}',
        '{"\\ud800": 1}',
        '{"x": ' + "[" * 150 + "]" * 150 + "}",  # deeper than this reader vouches for
        "[]",
        "null",
        "{bad",
        "{} x",
        "\ufeff{}",
        "[" * 100_000,
    ],
)
def test_documents_it_cannot_vouch_for_are_left_to_the_models(raw: str) -> None:
    assert label_fields(raw) is None
    assert_agrees(raw)


def test_unknown_keys_nan_and_duplicates_read_as_the_models_read_them() -> None:
    for raw in [
        '{"future": {"deep": [1, 2, {"x": NaN}]}, "predict": "p.py:P"}',
        '{"predict": "a", "predict": "b"}',
        '{"build": {"gpu": true}, "build": {"cuda": "12.1"}}',
        '{"build": {"future_key": 1, "cog_runtime": null}, "concurrency": null}',
        '{"build": {"run": ["echo", {"command": "x", "mounts": [{"type": "secret"}]}]}}',
        '{"weights": [{"name": "n", "source": {"uri": "u"}}, {"source": [{"exclude": ["*"]}]}]}',
        '{"warnings": ["kept as the models keep it"], "predict": "\\ud83d\\ude00"}',
    ]:
        assert assert_agrees(raw) is not None


# ---------------------------------------------------------------- every field, every JSON type

FIELD_PATHS: list[tuple[str | int, ...]] = [
    *((name,) for name in MODELS["CogConfig"].fields),
    *(("build", name) for name in MODELS["BuildConfig"].fields),
    ("concurrency", "max"),
    ("build", "run", 0),
    ("build", "run", 0, "command"),
    ("build", "run", 0, "mounts"),
    ("build", "run", 0, "mounts", 0),
    *(("build", "run", 0, "mounts", 0, name) for name in MODELS["RunMount"].fields),
    ("weights", 0),
    *(("weights", 0, name) for name in MODELS["WeightSource"].fields),
    *(("weights", 0, "source", name) for name in MODELS["WeightSourceConfig"].fields),
    ("weights", 0, "source", 0),
    *(("weights", 0, "source", 0, name) for name in MODELS["WeightSourceConfig"].fields),
    ("weights", 0, "source", 0, "include", 0),
    ("build", "python_packages", 0),
    ("environment", 0),
]
VALUES: list[Any] = [
    True, False, None, 0, 1, 2, -1, 2**64, 2.0, 1.5, "", "x", "true", "false", "1", "3.12",
    [], ["a"], [1], [None], {}, {"a": 1}, {"command": "c"}, {"uri": "u"},
]  # fmt: skip


def _place(path: tuple[str | int, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    inner = _place(rest, value)
    return [inner] if isinstance(head, int) else {head: inner}


@pytest.mark.parametrize("path", FIELD_PATHS, ids=lambda path: ".".join(map(str, path)))
def test_every_json_type_in_every_field_is_read_as_the_models_read_it_or_left_to_them(
    path: tuple[str | int, ...],
) -> None:
    answered = [assert_agrees(json.dumps(_place(path, value))) is not None for value in VALUES]
    assert any(answered)  # each field has a type this reader answers for


# ---------------------------------------------------------------- generated documents

_leaf = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["true", "false", "1", "0", "yes", "3.12", ""])
)
_any = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)


def _or_any(right: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(right, right, right, _any)


_str = _or_any(st.text(max_size=12))
_bool = _or_any(st.booleans())
_int = _or_any(st.integers(min_value=-(2**65), max_value=2**65))
_strs = _or_any(st.lists(st.text(max_size=6), max_size=3))


def _model(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    known = st.fixed_dictionaries({}, optional=fields)
    unknown = st.dictionaries(st.sampled_from(["future", "x", "Build"]), _any, max_size=2)
    return _or_any(st.builds(lambda a, b: {**b, **a}, known, unknown))


_mount = _model({"type": _str, "id": _str, "target": _str})
_run_item = st.one_of(st.text(max_size=8), _model({"command": _str, "mounts": st.lists(_mount)}))
_build = _model(
    {
        "gpu": _bool,
        "python_version": _str,
        "python_requirements": _str,
        "python_packages": _strs,
        "run": _or_any(st.lists(_run_item, max_size=3)),
        "system_packages": _strs,
        "pre_install": _strs,
        "cuda": _str,
        "cudnn": _str,
        "fast": _bool,
        "cog_runtime": _or_any(st.none() | st.booleans()),
        "python_overrides": _str,
        "sdk_version": _str,
    }
)
_source = _model({"uri": _str, "include": _strs, "exclude": _strs})
_weight = _model({"name": _str, "target": _str, "source": _source | st.lists(_source, max_size=2)})
_config = _model(
    {
        "build": _build,
        "image": _str,
        "model": _str,
        "predict": _str,
        "train": _str,
        "concurrency": _or_any(st.none() | _model({"max": _int})),
        "environment": _strs,
        "weights": _or_any(st.lists(_weight, max_size=2)),
        "warnings": _strs,
    }
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=_config, ascii_only=st.booleans())
def test_generated_documents_are_read_as_the_models_read_them_or_left_to_them(
    document: Any, ascii_only: bool
) -> None:
    assert_agrees(json.dumps(document, ensure_ascii=ascii_only))


@settings(max_examples=300, deadline=None)
@given(
    document=st.fixed_dictionaries(
        {},
        optional={
            "build": st.fixed_dictionaries(
                {}, optional={"gpu": st.booleans(), "python_version": st.text(max_size=6)}
            ),
            "predict": st.text(max_size=12),
            "concurrency": st.none() | st.fixed_dictionaries({"max": st.integers()}),
            "environment": st.lists(st.text(max_size=6), max_size=3),
        },
    )
)
def test_well_typed_documents_are_always_answered(document: dict[str, Any]) -> None:
    assert assert_agrees(json.dumps(document)) is not None

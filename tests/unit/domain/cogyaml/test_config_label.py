"""The ``run.cog.config`` label: the exact bytes Cog writes, and the lenient reader."""

from __future__ import annotations

import pytest

from domain.cogyaml.label import config_from_label, config_to_label
from domain.cogyaml.models import (
    BuildConfig,
    CogConfig,
    Concurrency,
    RunItem,
    RunMount,
    WeightSource,
    WeightSourceConfig,
)
from domain.cogyaml.parse import parse_config
from domain.cogyaml.validation import validate_and_complete
from domain.errors import InvalidLabelError
from domain.labels import LABEL_CONFIG


def test_a_cpu_model_label_is_compact_and_omits_empty_values() -> None:  # cog-spec §4
    config = parse_config('build:\n  python_version: "3.12"\npredict: "predict.py:Predictor"\n')
    label = config_to_label(validate_and_complete(config, ()))
    assert label == '{"build":{"python_version":"3.12"},"predict":"predict.py:Predictor"}'


def test_a_gpu_model_label_carries_the_completed_cuda_and_cudnn() -> None:  # cog-spec §4
    text = 'build:\n  gpu: true\n  python_version: "3.12"\npredict: "predict.py:Predictor"\n'
    label = config_to_label(validate_and_complete(parse_config(text), ()))
    assert label == (
        '{"build":{"gpu":true,"python_version":"3.12","cuda":"11.8","cudnn":"8"},'
        '"predict":"predict.py:Predictor"}'
    )


def test_html_characters_are_escaped_as_go_does() -> None:  # cog-spec §4
    config = CogConfig(build=BuildConfig(python_packages=("fastapi>=0.6,<1", "a&b")))
    assert config_to_label(config) == (
        '{"build":{"python_version":"3.13","python_packages":'
        '["fastapi\\u003e=0.6,\\u003c1","a\\u0026b"]}}'
    )


def test_non_ascii_stays_raw_utf8_but_line_and_paragraph_separators_are_escaped() -> None:
    config = CogConfig(image="café\u2028x\u2029y", train='t"\\\n\t\x01')
    assert config_to_label(config) == (
        '{"build":{"python_version":"3.13"},"image":"café\\u2028x\\u2029y",'
        '"train":"t\\"\\\\\\n\\t\\u0001"}'
    )


def test_keys_follow_the_go_struct_order() -> None:
    config = CogConfig(
        environment=("A=1",),
        concurrency=Concurrency(max=4),
        train="train.py:T",
        predict="predict.py:P",
        model="r8.im/acme/m",
        image="acme/m",
        build=BuildConfig(
            sdk_version="0.18.0",
            python_overrides="o.txt",
            cog_runtime=True,
            fast=True,
            cudnn="9",
            cuda="12.4",
            pre_install=("p",),
            system_packages=("git",),
            run=(RunItem(command="echo", mounts=(RunMount(type="secret", id="s", target="/t"),)),),
            python_packages=("x==1",),
            python_requirements="r.txt",
            python_version="3.12",
            gpu=True,
        ),
    )
    assert config_to_label(config) == (
        '{"build":{"gpu":true,"python_version":"3.12","python_requirements":"r.txt",'
        '"python_packages":["x==1"],"run":[{"command":"echo","mounts":[{"type":"secret",'
        '"id":"s","target":"/t"}]}],"system_packages":["git"],"pre_install":["p"],'
        '"cuda":"12.4","cudnn":"9","fast":true,"cog_runtime":true,"python_overrides":"o.txt",'
        '"sdk_version":"0.18.0"},"image":"acme/m","model":"r8.im/acme/m","predict":"predict.py:P",'
        '"train":"train.py:T","concurrency":{"max":4},"environment":["A=1"]}'
    )


@pytest.mark.parametrize(
    ("config", "label"),
    [
        (
            CogConfig(build=BuildConfig(cog_runtime=False)),
            '{"build":{"python_version":"3.13","cog_runtime":false}}',
        ),
        (CogConfig(build=BuildConfig(python_version="")), '{"build":{}}'),
        (
            CogConfig(concurrency=Concurrency(max=0)),
            '{"build":{"python_version":"3.13"},"concurrency":{}}',
        ),
        (
            CogConfig(build=BuildConfig(run=(RunItem(command=""),))),
            '{"build":{"python_version":"3.13","run":[{}]}}',
        ),
    ],
)
def test_go_omitempty_rules(config: CogConfig, label: str) -> None:
    assert config_to_label(config) == label


def test_weights_write_one_source_as_an_object_and_several_as_a_list() -> None:
    one = WeightSource(
        name="w", target="/w", source=(WeightSourceConfig(uri="hf://a", include=("*.bin",)),)
    )
    two = WeightSource(
        name="v",
        target="/v",
        source=(WeightSourceConfig(uri="s3://b"), WeightSourceConfig(uri="s3://c")),
    )
    label = config_to_label(CogConfig(model="acme/m", weights=(one, two)))
    assert label.endswith(
        '"weights":[{"name":"w","target":"/w","source":{"uri":"hf://a","include":["*.bin"]}},'
        '{"name":"v","target":"/v","source":[{"uri":"s3://b"},{"uri":"s3://c"}]}]}'
    )


def test_head_run_is_written_under_the_predict_key() -> None:
    config = parse_config('build:\n  python_version: "3.12"\nrun: run.py:Runner\n')
    assert (
        config_to_label(config) == '{"build":{"python_version":"3.12"},"predict":"run.py:Runner"}'
    )


def test_warnings_never_reach_the_label() -> None:
    config = validate_and_complete(parse_config("build:\n  python_packages: [a==1]\n"), ())
    assert config.warnings
    assert "warning" not in config_to_label(config)


def test_the_label_reads_back_to_the_same_config() -> None:
    text = (
        "build:\n  gpu: true\n  python_version: '3.11'\n  python_packages: ['torch==2.3.1']\n"
        "  run:\n    - echo a\n    - command: echo b\n"
        "      mounts: [{type: secret, id: s, target: /s}]\n"
        "predict: predict.py:P\nconcurrency: {max: 2}\nenvironment: [A=1]\n"
    )
    config = validate_and_complete(parse_config(text), ())
    assert config_from_label(config_to_label(config)) == config.model_copy(update={"warnings": ()})


def test_reading_a_label_ignores_keys_of_other_cog_versions() -> None:
    config = config_from_label(
        '{"build":{"gpu":true,"future":1},"tests":[],"predict":"p.py:P","x":{}}'
    )
    assert config.build.gpu is True
    assert config.predict == "p.py:P"


@pytest.mark.parametrize("raw", ["{invalid json", "[]", '{"build": {"gpu": "maybe"}}', '"text"'])
def test_a_malformed_label_is_an_invalid_label_error(raw: str) -> None:
    with pytest.raises(InvalidLabelError) as info:
        config_from_label(raw, ref="r8.im/acme/m:1")
    assert info.value.label == LABEL_CONFIG
    assert info.value.ref == "r8.im/acme/m:1"

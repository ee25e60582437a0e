"""The effective concurrency: cog.yaml's, else ``@cog.concurrent``'s, with Cog HEAD's checks.

Cases follow ``configWithDecoratorConcurrency``/``validateEffectiveConcurrency`` in Cog HEAD's
``pkg/image/build.go`` and its build tests.
"""

from __future__ import annotations

import pytest

from adapters.dockerfile.concurrency import effective_config, max_concurrency
from domain.cogyaml.models import CogConfig
from domain.errors import ConfigError
from domain.openapi import PredictorInfo, predictor_info


def info(decorator: str = "", *, is_async: bool = True) -> PredictorInfo:
    source = (
        "import cog\n"
        "class Predictor(cog.BasePredictor):\n"
        f"    {decorator}\n"
        f"    {'async ' if is_async else ''}def predict(self, s: str) -> str: ...\n"
    )
    return predictor_info(source, "Predictor")


def config(concurrency: int | None = None, python: str = "3.12") -> CogConfig:
    document: dict[str, object] = {"build": {"python_version": python}, "predict": "p.py:P"}
    if concurrency is not None:
        document["concurrency"] = {"max": concurrency}
    return CogConfig.model_validate(document)


def test_the_decorators_concurrency_becomes_the_configs() -> None:
    effective = effective_config(config(), info("@cog.concurrent(max=4)"))
    assert effective.concurrency is not None
    assert max_concurrency(effective) == effective.concurrency.max == 4


def test_cog_yaml_wins_over_the_decorator() -> None:
    effective = effective_config(config(2), info("@cog.concurrent(max=8)"))
    assert max_concurrency(effective) == 2


def test_without_either_there_is_no_concurrency() -> None:
    assert max_concurrency(effective_config(config(), info())) is None
    assert max_concurrency(effective_config(config(), None)) is None


def test_cog_yaml_concurrency_above_one_with_a_sync_predict_is_refused() -> None:
    with pytest.raises(ConfigError) as info_:
        effective_config(config(4), info(is_async=False))
    assert info_.value.field == "concurrency.max"
    assert info_.value.reason == "concurrency.max > 1 requires an async run() or predict() method"


def test_concurrency_of_one_is_fine_for_a_sync_predict() -> None:
    assert max_concurrency(effective_config(config(1), info(is_async=False))) == 1


def test_a_decorator_concurrency_needs_python_3_11() -> None:
    with pytest.raises(ConfigError) as info_:
        effective_config(config(python="3.10"), info("@cog.concurrent(max=2)"))
    assert info_.value.reason == "concurrency requires Python 3.11 or higher"


def test_a_schema_given_by_file_leaves_cog_yaml_alone() -> None:
    assert max_concurrency(effective_config(config(3), None)) == 3

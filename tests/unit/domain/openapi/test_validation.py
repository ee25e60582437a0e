"""Build-time validation of the schema: defaults against their own inputs, as kin-openapi checks.

The expected first lines are kin-openapi v0.144.0's (``Schema.validate``, ``visitJSON``), which
Cog HEAD runs in ``writeAndValidateSchema`` and prints after ``Model schema is invalid: ``.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import SchemaError
from domain.openapi import SchemaErrorKind, openapi_schema, validate_document
from domain.openapi.validation import go_g

PREFIX = 'Model schema is invalid: invalid components: schema "Input": invalid default: '


def predictor(*parameters: str) -> dict[str, Any]:
    source = (
        "from cog import BasePredictor, Input\n"
        "class Predictor(BasePredictor):\n"
        f"    def predict(self, {', '.join(parameters)}) -> str: ...\n"
    )
    return openapi_schema(source, "Predictor")


def problem(document: dict[str, Any]) -> str:
    with pytest.raises(SchemaError) as info:
        validate_document(document)
    assert info.value.kind == SchemaErrorKind.INVALID_SCHEMA
    return str(info.value)


@pytest.mark.parametrize(
    ("parameter", "reason"),
    [
        ("n: int = Input(default=1, ge=2)", "number must be at least 2"),
        ("n: int = Input(default=11, le=10)", "number must be at most 10"),
        ("x: float = Input(default=0.25, ge=0.5)", "number must be at least 0.5"),
        ("x: float = Input(default=3e6, le=1e6)", "number must be at most 1e+06"),
        ("s: str = Input(default='abc', max_length=2)", "maximum string length is 2"),
        ("s: str = Input(default='', min_length=1)", "minimum string length is 1"),
        (
            "s: str = Input(default='b', regex='^a')",
            'string doesn\'t match the regular expression "^a"',
        ),
        ("n: int = Input(default='one')", "value must be an integer"),
        ("n: int = Input(default=1.5)", "value must be an integer"),
        ("s: str = Input(default=3)", "value must be a string"),
        ("b: bool = Input(default=1)", "value must be a boolean"),
        (
            "c: str = Input(default='green', choices=['red', 'blue'])",
            'doesn\'t match schema due to: value is not one of the allowed values ["red","blue"]',
        ),
        (
            "c: int = Input(default=3, choices=[1, 2])",
            "doesn't match schema due to: value is not one of the allowed values [1,2]",
        ),
        ("xs: list[int] = Input(default=[1, 'x'])", 'Error at "/1": value must be an integer'),
    ],
)
def test_a_default_that_breaks_its_own_input_fails_as_cog_fails(
    parameter: str, reason: str
) -> None:
    assert problem(predictor(parameter)) == PREFIX + reason


@pytest.mark.parametrize(
    "parameter",
    [
        "n: int = Input(default=2, ge=2, le=2)",
        "x: float = Input(default=1, ge=0.5)",  # an integer is a number
        "s: str = Input(default='ab', min_length=2, max_length=2, regex='b')",  # a search
        "c: str = Input(default='red', choices=['red', 'blue'])",
        "xs: list[int] = Input(default=[1, 2])",
        "s: str = Input(default='\N{GRINNING FACE}', max_length=2)",  # two UTF-16 units
        "n: int = Input(ge=2)",  # no default, nothing to check
        "p: str = Input(default=None)",
    ],
)
def test_defaults_within_their_constraints_pass(parameter: str) -> None:
    validate_document(predictor(parameter))


def test_inputs_are_checked_in_name_order_and_the_first_problem_is_reported() -> None:
    document = predictor("b: int = Input(default=0, ge=1)", "a: int = Input(default=9, le=1)")
    assert problem(document) == PREFIX + "number must be at most 1"


def test_component_schemas_are_checked_in_name_order() -> None:
    bad = {"type": "integer", "minimum": 5, "default": 1}
    document = {
        "components": {
            "schemas": {"b": {"properties": {"x": bad}}, "A": {"default": "x", "type": "integer"}}
        }
    }
    assert problem(document).startswith('Model schema is invalid: invalid components: schema "A"')


def test_a_train_input_is_checked_too() -> None:
    source = "from cog import Input\ndef train(steps: int = Input(default=0, ge=1)) -> str: ...\n"
    document = openapi_schema(source, "train", mode="train")
    assert "number must be at least 1" in problem(document)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2, "2"),
        (0.5, "0.5"),
        (1e6, "1e+06"),
        (123456.0, "123456"),
        (1e-05, "1e-05"),
        (0.0001, "0.0001"),
        (-1234567.0, "-1.234567e+06"),
        (1.5e300, "1.5e+300"),
        (0, "0"),
    ],
)
def test_bounds_are_written_as_go_writes_percent_g(value: float, text: str) -> None:
    assert go_g(value) == text

"""Cog's environment tests (env_variables_test.go @0447eb11), plus the schema's view of each.

``parse_environment`` is what Cog's tests call. The same items written in a cog.yaml also meet
the schema's pattern, HEAD's ``^[A-Za-z_][A-Za-z0-9_]*=.*$`` (Cog #2693; decision 0033), which
refuses a line break in the value and a name that is not an identifier (the last column says
whether it accepts the items). 0447eb11's ``^[A-Za-z_][A-Za-z0-9_]*=[^\\s]+$`` also refused
whitespace and empty values: the second-to-last column says whether it accepted them.
"""

from __future__ import annotations

import json
import re

import pytest

from domain.cogyaml.environment import DENIED_NAMES, is_denied, parse_environment
from domain.cogyaml.parse import parse_config
from domain.cogyaml.validation import validate_and_complete
from domain.errors import ConfigError

_P = "TestEnvironmentConfig/ParsingValidInput/"
_I = "TestEnvironmentConfig/ParsingInvalidInput/"
_D = "TestEnvironmentConfig/EnforceDenyList/"


# The deny list of env_variables.go, as its tests enumerate it.
GO_DENY_LIST = (
    "PATH",
    "LD_LIBRARY_PATH",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "PYTHONUNBUFFERED",
    "R8_*",
    "REPLICATE_*",
    "LIBRARY_PATH",
    "CUDA_*",
    "NVIDIA_*",
    "NV_*",
    "PGET_*",
    "HF_ENDPOINT",
    "HF_HUB_ENABLE_HF_TRANSFER",
    "KUBERNETES_*",
)


def _denied(name: str, *, prefix: bool) -> tuple[str, list[str], str, bool, bool]:
    item = name.replace("*", "SUFFIX") if prefix else name
    test = f'{_D}Rejects "{name}"' + (" prefix" if prefix else "")
    error = f'environment variable "{item}" is not allowed'
    return test, [f"{item}=VALUE"], error, "*" not in item, "*" not in item


ENVIRONMENT_CASES = [
    # (Go test, items, parsed mapping or Cog's error, 0447eb11's pattern accepts the items,
    # HEAD's pattern accepts them)
    (f"{_P}ValidInput", ["NAME=VALUE"], {"NAME": "VALUE"}, True, True),
    (
        f"{_P}ValidInputWithSpaces",
        ["NAME=VALUE WITH SPACES"],
        {"NAME": "VALUE WITH SPACES"},
        False,
        True,
    ),
    (
        f"{_P}ValidInputWithQuotes",
        ['NAME="VALUE WITH QUOTES"'],
        {"NAME": '"VALUE WITH QUOTES"'},
        False,
        True,
    ),
    (f"{_P}DelimitedValue", ["NAME=VALUE1,VALUE2"], {"NAME": "VALUE1,VALUE2"}, True, True),
    (f"{_P}EmptyValue", ["NAME="], {"NAME": ""}, False, True),
    (f"{_P}EmptyValueWithSpaces", ["NAME= "], {"NAME": " "}, False, True),
    (f"{_P}LowerCaseName", ["name=VALUE"], {"name": "VALUE"}, True, True),
    (f"{_P}MixedCaseName", ["MiXeD_Case=VALUE"], {"MiXeD_Case": "VALUE"}, True, True),
    (f"{_P}EqualSignInValue", ["NAME=VALUE=EQUAL"], {"NAME": "VALUE=EQUAL"}, True, True),
    (
        f"{_P}EqualSignInValueWithSpaces",
        ["NAME=VALUE=EQUAL WITH SPACES"],
        {"NAME": "VALUE=EQUAL WITH SPACES"},
        False,
        True,
    ),
    (f"{_P}MultiLineValue", ["NAME=VALUE1\nVALUE2"], {"NAME": "VALUE1\nVALUE2"}, False, False),
    (
        f"{_P}MultiplePairs",
        ["NAME1=VALUE1", "NAME2=VALUE2"],
        {"NAME1": "VALUE1", "NAME2": "VALUE2"},
        True,
        True,
    ),
    (
        f"{_I}NameWithoutValue",
        ["NAME"],
        'environment variable "NAME" is not in the KEY=VALUE format',
        False,
        False,
    ),
    (
        f"{_I}EmptyName",
        ["=VALUE"],
        'environment variable "=VALUE" is not in the KEY=VALUE format',
        False,
        False,
    ),
    *(_denied(name, prefix=False) for name in GO_DENY_LIST),
    *(_denied(name, prefix=True) for name in GO_DENY_LIST if name.endswith("*")),
    (
        "TestEnvironmentConfig/DuplicateNamesAreRejected",
        ["NAME=VALUE", "NAME=VALUE2"],
        'environment variable "NAME" is already defined',
        True,
        True,
    ),
]
_CASE = ("name", "items", "expected", "accepted_at_0447eb11", "schema_accepts")


@pytest.mark.parametrize(_CASE, ENVIRONMENT_CASES)
def test_parse_environment(name, items, expected, accepted_at_0447eb11, schema_accepts) -> None:
    if isinstance(expected, dict):
        assert parse_environment(items) == expected
        return
    with pytest.raises(ConfigError) as info:
        parse_environment(items)
    assert info.value.field == "environment"
    assert info.value.problems == (expected,)


@pytest.mark.parametrize(_CASE, ENVIRONMENT_CASES)
def test_the_same_items_in_cog_yaml(
    name, items, expected, accepted_at_0447eb11, schema_accepts
) -> None:
    text = 'build:\n  python_version: "3.12"\nenvironment:\n' + "".join(
        f"  - {json.dumps(item)}\n" for item in items
    )
    if not schema_accepts:
        with pytest.raises(ConfigError) as info:
            parse_config(text)
        assert info.value.field.startswith("environment.")
        return
    config = parse_config(text)
    if isinstance(expected, dict):
        assert validate_and_complete(config, ()).parsed_environment == expected
    else:
        with pytest.raises(ConfigError) as info:
            validate_and_complete(config, ())
        assert info.value.problems == (expected,)


def test_the_deny_list_is_cogs() -> None:
    assert DENIED_NAMES == GO_DENY_LIST
    assert is_denied("CUDA_")
    assert is_denied("R8_X")
    assert not is_denied("CUDA")
    assert not is_denied("PATHS")


def test_the_first_problem_wins() -> None:
    with pytest.raises(ConfigError) as info:
        parse_environment(["A=1", "PATH=x", "A=2"])
    assert info.value.problems == ('environment variable "PATH" is not allowed',)


def test_quotes_and_newlines_in_a_bad_item_are_escaped_as_go_does() -> None:
    with pytest.raises(ConfigError) as info:
        parse_environment(['NO "EQUALS"\nSIGN'])
    assert info.value.problems == (
        'environment variable "NO \\"EQUALS\\"\\nSIGN" is not in the KEY=VALUE format',
    )


@pytest.mark.parametrize(_CASE, ENVIRONMENT_CASES)
def test_0447eb11s_pattern_refused_more(
    name, items, expected, accepted_at_0447eb11, schema_accepts
) -> None:
    old = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=[^\t\n\f\r ]+\Z")  # RE2's \s has no \v
    assert all(old.match(item) for item in items) is accepted_at_0447eb11
    assert schema_accepts or not accepted_at_0447eb11  # HEAD accepts all 0447eb11 accepted


def test_build_null_skips_the_schema_but_validation_still_checks_the_pattern() -> None:
    config = parse_config('build:\nenvironment:\n  - "A=line\\nbreak"\n')
    with pytest.raises(ConfigError) as info:
        validate_and_complete(config, ())
    assert info.value.field == "environment.0"

"""domain.gojson writes the bytes Go's encoding/json writes.

Expected values follow Go's encode.go (floatEncoder: ES6 formatting with the "e-09 → e-9"
clean-up; appendString: HTML escaping, short escapes for \\b \\f \\n \\r \\t since Go 1.22,
\\u00XX for other controls, U+2028/2029 escaped, invalid UTF-8 → \\ufffd) and MarshalIndent.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.gojson import dumps, format_float, format_float_v


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "1"),
        (-1.5, "-1.5"),
        (0.5, "0.5"),
        (100.0, "100"),
        (123456789.0, "123456789"),
        (1e20, "100000000000000000000"),
        (1.2345678901234568e20, "123456789012345680000"),
        (1e21, "1e+21"),
        (1.5e22, "1.5e+22"),
        (1e300, "1e+300"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (1e-6, "0.000001"),
        (1.5e-6, "0.0000015"),
        (1e-7, "1e-7"),
        (-1e-7, "-1e-7"),
        (1.5e-7, "1.5e-7"),
        (1e-10, "1e-10"),
        (5e-324, "5e-324"),
        (0.1 + 0.2, "0.30000000000000004"),
        (0.0, "0"),
        (-0.0, "-0"),
        (float(2**53), "9007199254740992"),
    ],
)
def test_floats_are_formatted_like_go_float_encoder(value: float, expected: str) -> None:
    assert format_float(value) == expected
    assert dumps(value) == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_are_rejected(value: float) -> None:
    with pytest.raises(ValueError, match="unsupported value"):
        dumps([value])


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_reads_back_to_itself(value: float) -> None:
    assert float(format_float(value)) == value


def test_integers_and_literals() -> None:
    assert dumps([0, -7, 2**63, True, False, None]) == "[0,-7,9223372036854775808,true,false,null]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>&", '"\\u003cb\\u003e\\u0026"'),
        ('say "hi" \\ now', '"say \\"hi\\" \\\\ now"'),
        ("\b\f\n\r\t", '"\\b\\f\\n\\r\\t"'),
        ("\x00\x01\x1f", '"\\u0000\\u0001\\u001f"'),
        ("\x7f", '"\x7f"'),
        ("\u2028\u2029", '"\\u2028\\u2029"'),
        ("héllo 日本 😀", '"héllo 日本 😀"'),
        ("\ud800", '"\\ufffd"'),
        ("/", '"/"'),
    ],
)
def test_strings_are_escaped_like_go(text: str, expected: str) -> None:
    assert dumps(text) == expected


def test_compact_output_keeps_dict_order_and_escapes_keys() -> None:
    assert dumps({"z": 1, "a<": [1.0, {}], "m": []}) == '{"z":1,"a\\u003c":[1,{}],"m":[]}'


def test_the_label_example_from_the_spec() -> None:
    config = {"build": {"python_packages": ["fastapi>=0.6,<1"]}}
    expected = '{"build":{"python_packages":["fastapi\\u003e=0.6,\\u003c1"]}}'
    assert dumps(config) == expected


def test_sort_keys_sorts_every_object_by_code_point() -> None:
    document = {"b": {"z": 1, "Z": 2, "é": 3, "a": 4}, "a": [{"y": 1, "x": 2}]}
    assert dumps(document, sort_keys=True) == (
        '{"a":[{"x":2,"y":1}],"b":{"Z":2,"a":4,"z":1,"é":3}}'
    )


def test_indent_matches_go_marshal_indent() -> None:
    document = {"a": [1, {"b": None}], "c": {}, "d": [], "e": "<"}
    expected = (
        "{\n"
        '  "a": [\n'
        "    1,\n"
        "    {\n"
        '      "b": null\n'
        "    }\n"
        "  ],\n"
        '  "c": {},\n'
        '  "d": [],\n'
        '  "e": "\\u003c"\n'
        "}"
    )
    assert dumps(document, indent=2) == expected


_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]))  # no lone surrogates
_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | _text
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


def _same(read: object, written: object) -> bool:
    """Equal, where a float may read back as an int (Go writes 1e16 as 10000000000000000)."""
    if isinstance(written, float):
        return isinstance(read, int | float) and float(read) == written
    if isinstance(written, list):
        return (
            isinstance(read, list)
            and len(read) == len(written)
            and all(_same(r, w) for r, w in zip(read, written, strict=True))
        )
    if isinstance(written, dict):
        return (
            isinstance(read, dict)
            and read.keys() == written.keys()
            and all(_same(read[k], v) for k, v in written.items())
        )
    return read == written and type(read) is type(written)


@given(_json_values)
def test_output_is_json_that_reads_back_to_the_same_value(value: object) -> None:
    assert _same(json.loads(dumps(value)), value)
    assert _same(json.loads(dumps(value, indent=2, sort_keys=True)), value)


@pytest.mark.parametrize("value", [{1: "int key"}, {"set": {1, 2}}, b"bytes"])
def test_values_json_cannot_hold_are_type_errors(value: object) -> None:
    with pytest.raises(TypeError):
        dumps(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "1"),
        (-2.5, "-2.5"),
        (999999.0, "999999"),
        (1e6, "1e+06"),
        (1234567.0, "1.234567e+06"),
        (0.0001, "0.0001"),
        (1.25e-5, "1.25e-05"),
        (1e21, "1e+21"),
        (-0.0, "-0"),
    ],
)
def test_format_float_v_is_gos_percent_v(value: float, expected: str) -> None:
    assert format_float_v(value) == expected

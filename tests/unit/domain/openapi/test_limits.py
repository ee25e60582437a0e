"""A predictor's sources are outside input: every hostile source is a SchemaError with a kind,
and a line where there is one, never a crash of Python's own (issue 15; decision 0034).

What Cog does is the oracle where it has an answer: a number Go's ``strconv`` cannot parse is not
static (a default that cannot be resolved, choices that cannot be resolved, a ``ge`` ignored).
Where Cog has no limit (its Go parser follows any chain), the limit is ours and named.
"""

from __future__ import annotations

import pytest

from domain.errors import SchemaError
from domain.limits import (
    MAX_CLASS_DEPTH,
    MAX_IMPORT_DEPTH,
    MAX_LITERAL_DEPTH,
    MAX_SOURCE_BYTES,
    MAX_TYPE_DEPTH,
)
from domain.openapi import SchemaErrorKind, generate_for_config, openapi_schema
from tests.unit.domain.openapi.cases import HEADER, predictor, prop

K = SchemaErrorKind


def _error(source: str, name: str = "Predictor", **options: object) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        openapi_schema(source, name, file="predict.py", **options)  # type: ignore[arg-type]
    return info.value


def _line_of(source: str, text: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if text in line)


# ------------------------------------------------------------------ numbers Go cannot hold


@pytest.mark.parametrize("literal", ["1e400", "-1e999", "0x" + "f" * 17, "-" + "9" * 30])
def test_a_default_beyond_float64_or_64_bits_cannot_be_resolved(literal: str) -> None:
    # Was: ValueError "json: unsupported value: inf" from the JSON writer. Cog: ParseFloat
    # (or ParseInt) fails, so the default is not static.
    source = predictor(f"x: float = {literal}")
    error = _error(source)
    assert (error.kind, error.line) == (K.DEFAULT_NOT_RESOLVABLE, _line_of(source, "def predict"))


def test_an_input_default_beyond_float64_counts_as_none() -> None:
    # Inside Input(...), a default that is not static counts as None (Cog's rule).
    assert "default" not in prop("x: float = Input(default=1e400)")


@pytest.mark.parametrize("keyword", ["ge=1e999", "le=-1e999", "min_length=1e400"])
def test_a_constraint_beyond_float64_is_ignored_as_cog_ignores_it(keyword: str) -> None:
    # Cog's parseNumberLiteral fails on it and the keyword is skipped.
    assert set(prop(f"x: str = Input({keyword})")) == {"title", "type", "x-order"}


@pytest.mark.parametrize("choices", ["[-1e999]", "[1.0, 1e400]", "[0x" + "f" * 20 + "]"])
def test_choices_beyond_float64_cannot_be_resolved(choices: str) -> None:
    source = predictor(f"x: float = Input(choices={choices})")
    error = _error(source)
    assert (error.kind, error.line) == (K.CHOICES_NOT_RESOLVABLE, _line_of(source, "def predict"))


@pytest.mark.parametrize("literal", ["1e400", "0x" + "f" * 20])
def test_a_literal_type_beyond_float64_is_unsupported(literal: str) -> None:
    source = predictor(f"x: Literal[1, {literal}]", header=HEADER + "from typing import Literal\n")
    assert _error(source).kind is K.UNSUPPORTED_TYPE


def test_a_module_constant_beyond_float64_is_not_static() -> None:
    error = _error(predictor("x: float = BIG", body="BIG = 1e400\n"))
    assert error.kind is K.DEFAULT_NOT_RESOLVABLE


# ------------------------------------------------------------------ what Python cannot parse


def test_ten_thousand_minus_signs_are_a_parse_error() -> None:
    # Was: MemoryError from CPython's parser.
    source = "X = " + "-" * 10_000 + "1\n" + predictor("x: int = 1")
    assert _error(source).kind is K.PARSE


def test_a_lone_surrogate_in_the_source_is_a_parse_error_on_its_line() -> None:
    # Was: UnicodeEncodeError (a str handed to the library; no file can hold it).
    source = predictor("x: str = 'ok'") + "y = '\udc80'\n"
    error = _error(source)
    assert (error.kind, error.line) == (K.PARSE, source.count("\n"))


def test_a_lone_surrogate_in_a_string_annotation_is_an_unsupported_type() -> None:
    assert _error(predictor("x: '\\udc80'")).kind is K.UNSUPPORTED_TYPE


def test_a_source_over_the_size_limit_is_refused() -> None:
    # Was: 3 s for a 100,000-line file; now refused before it is parsed.
    source = predictor("x: int = 1") + "x = 1\n" * 100_000
    error = generate_error(source)
    assert (error.kind, error.file) == (K.LIMIT_EXCEEDED, "predict.py")
    assert str(MAX_SOURCE_BYTES) in error.reason


def generate_error(source: str) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        generate_for_config("predict.py:Predictor", None, {"predict.py": source}.get)
    return info.value


# ------------------------------------------------------------------ chains and nesting


def test_a_chain_of_models_by_forward_reference_stops_at_the_type_depth_limit() -> None:
    # Was: RecursionError at 300 models.
    body = "".join(f"class M{i}(BaseModel):\n    x: 'M{i + 1}'\n" for i in range(300))
    body += "class M300(BaseModel):\n    x: int\n"
    error = _error(predictor("", "M0", body=body))
    assert error.kind is K.LIMIT_EXCEEDED
    assert str(MAX_TYPE_DEPTH) in error.reason
    assert error.line is not None


def test_a_chain_of_models_within_the_limit_is_read() -> None:
    depth = MAX_TYPE_DEPTH // 2
    body = "".join(f"class M{i}(BaseModel):\n    x: 'M{i + 1}'\n" for i in range(depth))
    body += f"class M{depth}(BaseModel):\n    x: int\n"
    schema = openapi_schema(predictor("", "M0", body=body), "Predictor")
    node = schema["components"]["schemas"]["Output"]
    for _ in range(depth):
        node = node["properties"]["x"]
    assert node["properties"]["x"]["type"] == "integer"


def test_a_chain_of_imported_project_files_stops_at_the_import_limit() -> None:
    # Was: RecursionError at 300 files.
    files = {f"m{i}.py": f"from m{i + 1} import *\nimport m{i + 1}\n" for i in range(300)}
    files["m300.py"] = "X = 1\n"
    error = _error("import m0\n" + predictor("x: int = 1"), resolve_import=files.get)
    assert error.kind is K.LIMIT_EXCEEDED
    assert str(MAX_IMPORT_DEPTH) in error.reason
    assert error.file.startswith("m")


def test_a_chain_of_base_classes_stops_at_the_class_limit() -> None:
    # Was: RecursionError at 1,000 classes.
    source = "".join(f"class P{i}(P{i + 1}):\n    pass\n" for i in range(1_000))
    source += "class P1000:\n    def predict(self) -> str: ...\n"
    error = _error(source, "P0")
    assert error.kind is K.LIMIT_EXCEEDED
    assert str(MAX_CLASS_DEPTH) in error.reason
    assert error.line is not None


def test_a_chain_of_re_exports_stops_at_the_class_limit() -> None:
    files = {f"r{i}.py": f"from r{i + 1} import Base\n" for i in range(100)}
    files["r100.py"] = "class Base:\n    def predict(self) -> str: ...\n"
    source = "from r0 import Base\nclass Predictor(Base):\n    pass\n"
    assert _error(source, resolve_import=files.get).kind is K.LIMIT_EXCEEDED


def test_an_annotation_nested_past_the_limit_is_refused() -> None:
    deep = "list[" * (MAX_TYPE_DEPTH + 5) + "int" + "]" * (MAX_TYPE_DEPTH + 5)
    error = _error(predictor("", deep, header=HEADER))
    assert error.kind is K.LIMIT_EXCEEDED


def test_a_string_annotation_does_not_reset_the_nesting_count() -> None:
    # Half the generics outside a string annotation, half inside: together past the limit.
    half = MAX_TYPE_DEPTH // 2 + 1
    inner = "List[" * half + "int" + "]" * half
    annotation = "List[" * half + repr(inner) + "]" * half
    assert _error(predictor(f"x: {annotation}")).kind is K.LIMIT_EXCEEDED


def test_a_union_of_many_members_is_flat() -> None:
    # "|" nests to the left one level per member; read as a flat union, not as nesting.
    members = " | ".join(["int", "str"] * 100)
    assert prop(f"x: {members}")["anyOf"] == [{"type": "integer"}, {"type": "string"}] * 100


def test_a_default_nested_past_the_literal_limit_cannot_be_resolved() -> None:
    deep = "[" * (MAX_LITERAL_DEPTH + 1) + "]" * (MAX_LITERAL_DEPTH + 1)
    error = _error(predictor(f"x: Any = {deep}"))
    assert error.kind is K.DEFAULT_NOT_RESOLVABLE
    assert str(MAX_LITERAL_DEPTH) in error.reason


def test_constants_built_from_constants_count_toward_the_literal_limit() -> None:
    # Each constant is shallow, the chain is not: its depth counts without a walk of the value.
    body = "C0 = []\n" + "".join(f"C{i + 1} = [C{i}]\n" for i in range(1_000))
    error = _error(predictor("x: Any = C1000", body=body))
    assert error.kind is K.DEFAULT_NOT_RESOLVABLE


def test_a_long_sum_of_choices_is_read_without_recursion() -> None:
    choices = " + ".join(f"['c{i}']" for i in range(2_000))
    assert len(prop(f"x: str = Input(choices={choices})", body="")["allOf"]) == 1


def test_a_parenthesised_sum_of_choices_is_still_read() -> None:
    body = "A = ['a']\nB = ['b']\nC = ['c']\n"
    source = predictor("x: str = Input(choices=A + (B + C))", body=body)
    schema = openapi_schema(source, "Predictor")
    assert schema["components"]["schemas"]["x"]["enum"] == ["a", "b", "c"]


def test_an_unsupported_annotation_too_deep_to_print_is_still_named_briefly() -> None:
    # The message quotes the expression only when it is shallow enough to print safely.
    expression = "+".join(["1"] * 500)
    error = _error(predictor(f"x: {expression}"))
    assert error.kind is K.UNSUPPORTED_TYPE
    assert len(error.reason) < 300

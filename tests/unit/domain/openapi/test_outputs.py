"""Outputs: the return-type table, model classes, iterators and streaming (cog-spec §5.2).

Cases follow Cog's parser_test.go (output, BaseModel, TypedDict, iterator and streaming
tests) and the integration predictors typeddict_output and static_schema_opaque.
"""

from __future__ import annotations

import pytest

from tests.unit.domain.openapi.cases import output, predictor, schema

STRING = {"type": "string"}
OBJECT = {"type": "object"}


@pytest.mark.parametrize(
    ("returns", "fragment"),
    [
        ("str", STRING),
        ("int", {"type": "integer"}),
        ("float", {"type": "number"}),
        ("bool", {"type": "boolean"}),
        ("Path", {"format": "uri", "type": "string"}),
        ("File", {"format": "uri", "type": "string"}),
        (
            "Secret",
            {"format": "password", "type": "string", "writeOnly": True, "x-cog-secret": True},
        ),
        ("Any", OBJECT),
        ("dict", OBJECT),
        ("Dict", OBJECT),
        ("dict[str, int]", {"additionalProperties": {"type": "integer"}, "type": "object"}),
        (
            "dict[str, list[dict[str, int]]]",
            {
                "additionalProperties": {
                    "items": {"additionalProperties": {"type": "integer"}, "type": "object"},
                    "type": "array",
                },
                "type": "object",
            },
        ),
        ("list", {"items": OBJECT, "type": "array"}),
        ("List", {"items": OBJECT, "type": "array"}),
        ("list[Path]", {"items": {"format": "uri", "type": "string"}, "type": "array"}),
        (
            "List[list[int]]",
            {"items": {"items": {"type": "integer"}, "type": "array"}, "type": "array"},
        ),
        ("Iterator[str]", {"items": STRING, "type": "array", "x-cog-array-type": "iterator"}),
        (
            "AsyncIterator[int]",
            {"items": {"type": "integer"}, "type": "array", "x-cog-array-type": "iterator"},
        ),
        (
            "Iterator[list[str]]",
            {
                "items": {"items": STRING, "type": "array"},
                "type": "array",
                "x-cog-array-type": "iterator",
            },
        ),
        (
            "ConcatenateIterator[str]",
            {
                "items": STRING,
                "type": "array",
                "x-cog-array-display": "concatenate",
                "x-cog-array-type": "iterator",
            },
        ),
        ("Annotated[str, 'doc']", STRING),
        ("'int'", {"type": "integer"}),
    ],
)
def test_each_return_type_maps_to_its_fragment(returns: str, fragment: dict) -> None:
    header = "from typing import Annotated\n" + predictor("").split("\nclass")[0]
    assert output(returns, header=header) == {**fragment, "title": "Output"}


def test_async_concatenate_iterator_is_a_concatenated_iterator() -> None:
    header = "from cog import AsyncConcatenateIterator, BasePredictor\n"
    assert (
        output("AsyncConcatenateIterator[str]", header=header)["x-cog-array-display"]
        == "concatenate"
    )


def test_a_base_model_output_is_an_inline_object_in_field_order() -> None:
    body = """
    class Result(BaseModel):
        zeta: str
        alpha: int
        delta: float = 0.5
        maybe: Optional[str] = None
        nested: list[dict[str, int]]
    """
    assert output("Result", body=body) == {
        "properties": {
            "zeta": {"title": "Zeta", "type": "string"},
            "alpha": {"title": "Alpha", "type": "integer"},
            "delta": {"title": "Delta", "type": "number"},
            "maybe": {"nullable": True, "title": "Maybe", "type": "string"},
            "nested": {
                "items": {"additionalProperties": {"type": "integer"}, "type": "object"},
                "title": "Nested",
                "type": "array",
            },
        },
        "required": ["zeta", "alpha", "nested"],
        "title": "Output",
        "type": "object",
    }
    assert list(output("Result", body=body)["properties"]) == [
        "zeta",
        "alpha",
        "delta",
        "maybe",
        "nested",
    ]


@pytest.mark.parametrize(
    "base",
    [
        ("from pydantic import BaseModel", "BaseModel"),
        ("import pydantic", "pydantic.BaseModel"),
        ("from pydantic.v1 import BaseModel as V1Model", "V1Model"),
        ("import cog", "cog.BaseModel"),
    ],
)
def test_model_classes_are_recognised_however_base_model_is_imported(base: tuple[str, str]) -> None:
    imports, name = base
    header = f"{imports}\nfrom cog import BasePredictor\n"
    body = f"class Result({name}):\n    text: str\n"
    assert output("Result", body=body, header=header)["properties"] == {
        "text": {"title": "Text", "type": "string"}
    }


def test_model_fields_without_a_default_per_pydantic_stay_required() -> None:
    body = """
    from pydantic import Field
    class Result(BaseModel):
        a: int = Field(...)
        b: int = Field(description="no default")
        c: int = Field(3)
        d: list[int] = Field(default_factory=list)
    """
    assert output("Result", body=body)["required"] == ["a", "b"]


def test_model_inheritance_puts_parent_fields_first() -> None:
    body = """
    class Base(BaseModel):
        id: str
        score: float
    class Result(Base):
        label: str
        score: int
    """
    result = output("Result", body=body)
    assert list(result["properties"]) == ["id", "score", "label"]
    assert result["properties"]["score"]["type"] == "integer"


def test_typed_dict_fields_follow_total_and_required_qualifiers() -> None:
    body = """
    from typing import NotRequired, Required, TypedDict
    class Base(TypedDict, total=False):
        hint: str
        must: Required[int]
    class Payload(Base):
        name: str
        count: NotRequired[int]
        maybe: Required[Optional[str]]
    """
    result = output("Payload", body=body)
    assert list(result["properties"]) == ["hint", "must", "name", "count", "maybe"]
    assert result["required"] == ["must", "name", "maybe"]
    assert result["properties"]["maybe"] == {"nullable": True, "title": "Maybe", "type": "string"}


def test_models_nest_and_a_model_inside_itself_becomes_an_object() -> None:
    body = """
    class Leaf(BaseModel):
        value: int
    class Node(BaseModel):
        leaf: Leaf
        children: list["Node"]
        parent: Optional["Node"] = None
    """
    result = output("Iterator[Node]", body=body)["items"]
    assert result["properties"]["leaf"] == {
        "properties": {"value": {"title": "Value", "type": "integer"}},
        "required": ["value"],
        "title": "Leaf",
        "type": "object",
    }
    assert result["properties"]["children"] == {
        "items": OBJECT,
        "title": "Children",
        "type": "array",
    }
    assert result["properties"]["parent"] == {"nullable": True, "title": "Parent", "type": "object"}


def test_a_model_without_fields_has_empty_properties() -> None:
    assert output("Empty", body="class Empty(BaseModel):\n    pass\n") == {
        "properties": {},
        "title": "Output",
        "type": "object",
    }


def test_class_variables_are_not_fields() -> None:
    body = """
    from typing import ClassVar
    class R(BaseModel):
        kind: ClassVar[str] = "r"
        x: int
    """
    assert list(output("R", body=body)["properties"]) == ["x"]


def test_opaque_outputs_and_fields_keep_only_their_container_shape() -> None:
    header = (
        "from typing import Annotated, List, Optional\n"
        "from cog import BaseModel, BasePredictor, Opaque\n"
    )
    body = """
    from third_party import Thing
    class Result(BaseModel):
        result: Annotated[Thing, Opaque]
        results: Annotated[List[Thing], Opaque]
        maybe: Annotated[Optional[Thing], Opaque]
    """
    assert output("Result", body=body, header=header) == {
        "properties": {
            "result": {"title": "Result", "type": "object"},
            "results": {"items": OBJECT, "title": "Results", "type": "array"},
            "maybe": {"nullable": True, "title": "Maybe", "type": "object"},
        },
        "required": ["result", "results"],
        "title": "Output",
        "type": "object",
    }
    assert output("Annotated[list[Thing], Opaque]", body=body, header=header)["items"] == OBJECT


def test_output_defaults_are_never_emitted() -> None:
    body = "class R(BaseModel):\n    n: int = 3\n    s: str = 'x'\n"
    assert all("default" not in field for field in output("R", body=body)["properties"].values())


# --------------------------------------------------------------------------- streaming


@pytest.mark.parametrize(
    ("header", "decorator"),
    [
        ("import cog\nfrom cog import BasePredictor", "@cog.streaming"),
        ("import cog as c\nfrom cog import BasePredictor", "@c.streaming()"),
        ("from cog import BasePredictor, streaming", "@streaming"),
        ("from cog import BasePredictor, streaming as stream", "@stream()"),
    ],
)
def test_streaming_decorator_sets_x_cog_streaming(header: str, decorator: str) -> None:
    source = f"""{header}
from typing import Iterator
class Predictor(BasePredictor):
    {decorator}
    def predict(self) -> Iterator[str]:
        yield "x"
"""
    assert schema(source)["paths"]["/predictions"]["post"]["x-cog-streaming"] is True


@pytest.mark.parametrize(
    "source",
    [
        # a decorator named streaming that does not come from cog
        "from mylib import streaming\nfrom typing import Iterator\n"
        "class Predictor:\n    @streaming\n    def predict(self) -> Iterator[str]: ...\n",
        # on the class, not the method
        "import cog\nfrom typing import Iterator\n"
        "@cog.streaming\nclass Predictor:\n    def predict(self) -> Iterator[str]: ...\n",
    ],
)
def test_streaming_is_only_read_from_cog_decorators_on_the_method(source: str) -> None:
    assert "x-cog-streaming" not in schema(source)["paths"]["/predictions"]["post"]

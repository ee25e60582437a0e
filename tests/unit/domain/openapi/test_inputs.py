"""Inputs: the type table, Input() options, and how a property is assembled (cog-spec §5.2).

Cases follow Cog's parser_test.go / openapi_spec_test.go and the integration predictors
(static_schema_gen, dict_input, list_dict_input, static_schema_secret_optional,
accept_mime_type, static_schema_opaque), written here as our own sources and assertions.
"""

from __future__ import annotations

import pytest

from tests.unit.domain.openapi.cases import components, input_schema, predictor, prop

SECRET = {"format": "password", "type": "string", "writeOnly": True, "x-cog-secret": True}


@pytest.mark.parametrize(
    ("annotation", "fragment"),
    [
        ("str", {"type": "string"}),
        ("int", {"type": "integer"}),
        ("float", {"type": "number"}),
        ("bool", {"type": "boolean"}),
        ("Path", {"format": "uri", "type": "string"}),
        ("File", {"format": "uri", "type": "string"}),
        ("Secret", SECRET),
        ("Any", {"type": "object"}),
        ("dict", {"type": "object"}),
        ("Dict", {"type": "object"}),
        ("dict[str, int]", {"type": "object"}),
        ("Dict[str, list[int]]", {"type": "object"}),
        ("list[str]", {"items": {"type": "string"}, "type": "array"}),
        ("List[int]", {"items": {"type": "integer"}, "type": "array"}),
        ("list[Path]", {"items": {"format": "uri", "type": "string"}, "type": "array"}),
        ("list[dict]", {"items": {"type": "object"}, "type": "array"}),
        ("typing.List[float]", {"items": {"type": "number"}, "type": "array"}),
        ("str | int", {"anyOf": [{"type": "string"}, {"type": "integer"}]}),
        ("Union[str, float]", {"anyOf": [{"type": "string"}, {"type": "number"}]}),
        (
            "list[str] | dict",
            {"anyOf": [{"items": {"type": "string"}, "type": "array"}, {"type": "object"}]},
        ),
        ("Annotated[int, 'meta']", {"type": "integer"}),
        ("'int'", {"type": "integer"}),
    ],
)
def test_each_required_input_type_maps_to_its_fragment(annotation: str, fragment: dict) -> None:
    header = "import typing\nfrom typing import Annotated\n" + predictor("").split("\nclass")[0]
    prop_ = prop(f"value: {annotation}", body=header)
    assert prop_ == {"title": "Value", "x-order": 0, **fragment}


@pytest.mark.parametrize(
    "annotation",
    ["Optional[str]", "str | None", "None | str", "Union[str, None]", "Optional['str']"],
)
def test_every_spelling_of_optional_is_nullable_and_not_required(annotation: str) -> None:
    schema = input_schema(predictor(f"value: {annotation}"))
    assert schema["properties"]["value"] == {
        "nullable": True,
        "title": "Value",
        "type": "string",
        "x-order": 0,
    }
    assert "required" not in schema


def test_optional_list_is_a_nullable_array() -> None:
    assert prop("files: Optional[list[Path]] = None") == {
        "default": None,
        "items": {"format": "uri", "type": "string"},
        "nullable": True,
        "title": "Files",
        "type": "array",
        "x-order": 0,
    }


def test_a_nullable_union_without_default_is_required_and_marks_each_variant() -> None:
    schema = input_schema(predictor("value: str | float | None"))
    assert schema["properties"]["value"] == {
        "anyOf": [{"nullable": True, "type": "string"}, {"nullable": True, "type": "number"}],
        "nullable": True,
        "title": "Value",
        "x-order": 0,
    }
    assert schema["required"] == ["value"]


def test_literal_values_become_choices_of_their_base_type() -> None:
    source = predictor("size: Literal[256, 512] = 512", header="from typing import Literal\n")
    schemas = components(source)
    assert schemas["Input"]["properties"]["size"] == {
        "allOf": [{"$ref": "#/components/schemas/size"}],
        "default": 512,
        "x-order": 0,
    }
    assert schemas["size"] == {
        "description": "An enumeration.",
        "enum": [256, 512],
        "title": "size",
        "type": "integer",
    }


def test_typed_dict_input_is_an_object() -> None:
    body = "from typing import TypedDict\nclass Options(TypedDict):\n    depth: int\n"
    assert prop("options: Options", body=body) == {
        "title": "Options",
        "type": "object",
        "x-order": 0,
    }


def test_opaque_inputs_keep_only_their_container_shape() -> None:
    header = "from typing import Annotated, List, Optional\nfrom cog import BasePredictor, Opaque\n"
    body = "from third_party import Thing\n"
    params = (
        "payload: Annotated[Thing, Opaque], items: Annotated[List[Thing], Opaque], "
        "maybe: Annotated[Optional[Thing], Opaque]"
    )
    schema = input_schema(predictor(params, header=header, body=body))
    assert schema["properties"] == {
        "payload": {"title": "Payload", "type": "object", "x-order": 0},
        "items": {"items": {"type": "object"}, "title": "Items", "type": "array", "x-order": 1},
        "maybe": {"nullable": True, "title": "Maybe", "type": "object", "x-order": 2},
    }
    assert schema["required"] == ["payload", "items"]


# --------------------------------------------------------------------------- Input() options


def test_input_constraints_become_schema_keywords() -> None:
    params = (
        'count: int = Input(description="How many", ge=1, le=100, default=5), '
        'name: str = Input(min_length=2, max_length=8, regex="^[a-z]+$", deprecated=True)'
    )
    properties = input_schema(predictor(params))["properties"]
    assert properties["count"] == {
        "default": 5,
        "description": "How many",
        "maximum": 100.0,
        "minimum": 1.0,
        "title": "Count",
        "type": "integer",
        "x-order": 0,
    }
    assert properties["name"] == {
        "deprecated": True,
        "maxLength": 8,
        "minLength": 2,
        "pattern": "^[a-z]+$",
        "title": "Name",
        "type": "string",
        "x-order": 1,
    }


def test_deprecated_false_and_positional_arguments_are_ignored() -> None:
    assert prop('flag: bool = Input("ignored", deprecated=False)') == {
        "title": "Flag",
        "type": "boolean",
        "x-order": 0,
    }


@pytest.mark.parametrize(
    ("annotation", "accept"), [("Path", "image/*"), ("Optional[Path]", ".safetensors,.bin")]
)
def test_accept_on_a_file_input_becomes_x_cog_accept(annotation: str, accept: str) -> None:
    assert (
        prop(f'f: {annotation} = Input(accept="{accept}", default=None)')["x-cog-accept"] == accept
    )


def test_module_constants_resolve_defaults_descriptions_and_bounds() -> None:
    body = 'DEFAULT = "cat"\nHELP = "what to draw"\nLOW, HIGH = 0, 1\nTOP = 10\nPAIR = (1, 2)\n'
    params = (
        "subject: str = Input(default=DEFAULT, description=HELP), steps: int = Input(le=TOP), "
        "pair: list[int] = PAIR"
    )
    properties = input_schema(predictor(params, body=body))["properties"]
    assert properties["subject"]["default"] == "cat"
    assert properties["subject"]["description"] == "what to draw"
    assert properties["steps"]["maximum"] == 10.0
    assert properties["pair"]["default"] == [1, 2]


@pytest.mark.parametrize(
    ("default", "value"),
    [
        ("-3", -3),
        ("-0.5", -0.5),
        ("1.0", 1.0),
        ("0x10", 16),
        ("False", False),
        ('""', ""),
        ('"a" "b"', "ab"),
        ('"tab\\tand \\u00e9"', "tab\tand é"),
        ("[1, 'two', None]", [1, "two", None]),
        ("{'b': 1, 'a': [True]}", {"a": [True], "b": 1}),
        ("{1: 'x', None: 'y', True: 'z'}", {"1": "z", "<nil>": "y"}),
        ("{3, 1}", [3, 1]),
    ],
)
def test_static_defaults_are_emitted_as_json(default: str, value: object) -> None:
    assert prop(f"value: Any = {default}")["default"] == value


def test_input_default_that_cannot_be_known_counts_as_none() -> None:
    schema = input_schema(predictor("seed: int = Input(default=random_seed())"))
    assert "default" not in schema["properties"]["seed"]
    assert schema["required"] == ["seed"]


# --------------------------------------------------------------------------- required / nullable


def test_required_nullable_and_default_rules() -> None:
    params = (
        "prompt: str = Input(description='p'), *, "
        "api_key: Secret = Input(default=None), "
        "api_key_required: Secret = Input(), "
        "seed: int = Input(default=None), "
        "image: Optional[Path] = Input(default=None), "
        "value: Optional[str], "
        "count: int = 3"
    )
    schema = input_schema(predictor(params))
    properties = schema["properties"]
    assert schema["required"] == ["prompt", "api_key_required", "seed"]
    assert properties["api_key"] == {
        **SECRET,
        "default": None,
        "nullable": True,
        "title": "Api Key",
        "x-order": 1,
    }
    assert properties["api_key_required"] == {**SECRET, "title": "Api Key Required", "x-order": 2}
    assert properties["seed"] == {"title": "Seed", "type": "integer", "x-order": 3}
    assert properties["image"]["default"] is None
    assert properties["image"]["nullable"] is True
    assert "default" not in properties["value"]
    assert properties["count"]["default"] == 3


def test_properties_keep_parameter_order_and_x_order_counts_from_zero() -> None:
    params = "zeta: str, alpha: int = 1, *, mid: float = 2.0, beta: bool = True"
    properties = input_schema(predictor(params))["properties"]
    assert list(properties) == ["zeta", "alpha", "mid", "beta"]
    assert [p["x-order"] for p in properties.values()] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("name", "title"),
    [("prompt", "Prompt"), ("test_image", "Test Image"), ("api_key", "Api Key"), ("_x", " X")],
)
def test_titles_are_title_cased_parameter_names(name: str, title: str) -> None:
    assert prop(f"{name}: str")["title"] == title


def test_a_predictor_without_inputs_has_no_required_list() -> None:
    assert input_schema(predictor("")) == {"properties": {}, "title": "Input", "type": "object"}


# --------------------------------------------------------------------------- choices


def test_choices_make_an_enum_component_named_after_the_parameter() -> None:
    params = 'mode: str = Input(choices=["fast", "balanced", "quality"], default="fast")'
    schemas = components(predictor(params))
    assert schemas["Input"]["properties"]["mode"] == {
        "allOf": [{"$ref": "#/components/schemas/mode"}],
        "default": "fast",
        "x-order": 0,
    }
    assert schemas["mode"] == {
        "description": "An enumeration.",
        "enum": ["fast", "balanced", "quality"],
        "title": "mode",
        "type": "string",
    }
    assert list(schemas)[:3] == ["Input", "Output", "mode"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("['a', 'b']", ["a", "b"]),
        ("MODES", ["x", "y"]),
        ("list(SIZES.keys())", [256, 512]),
        ("list(SIZES.values())", ["small", "large"]),
        ("list(SIZES.keys()) + [1024]", [256, 512, 1024]),
        ("MODES + OTHER", ["x", "y", "z"]),
    ],
)
def test_choices_resolve_from_literals_and_module_constants(
    expression: str, expected: list
) -> None:
    body = 'MODES = ["x", "y"]\nOTHER = ("z",)\nSIZES = {256: "small", 512: "large"}\n'
    source = predictor(f"choice: Any = Input(choices={expression})", body=body)
    assert components(source)["choice"]["enum"] == expected


def test_integer_choices_give_an_integer_enum() -> None:
    schemas = components(predictor("size: int = Input(choices=[256, 512], default=256)"))
    assert schemas["size"]["type"] == "integer"
    assert schemas["size"]["enum"] == [256, 512]


# --------------------------------------------------------------------------- Input registry


def test_registry_attribute_supplies_the_input_options() -> None:
    body = """
    RATIOS = {"1:1": (1024, 1024), "16:9": (1344, 768)}
    class Inputs:
        ar = Input(description="Aspect ratio", choices=list(RATIOS.keys()), default="1:1")
    """
    schemas = components(predictor("ar: str = Inputs.ar", body=body))
    assert schemas["ar"]["enum"] == ["1:1", "16:9"]
    assert schemas["Input"]["properties"]["ar"]["default"] == "1:1"
    assert schemas["Input"]["properties"]["ar"]["description"] == "Aspect ratio"


def test_registry_method_binds_call_arguments() -> None:
    body = """
    class Inputs:
        @staticmethod
        def guidance(default: float, top: float = 20.0) -> Input:
            return Input(description="Guidance scale", ge=0.0, le=top, default=default)
    """
    params = (
        "guidance_scale: float = Inputs.guidance(7.5), other: float = Inputs.guidance(1, top=5)"
    )
    properties = input_schema(predictor(params, body=body))["properties"]
    assert properties["guidance_scale"] == {
        "default": 7.5,
        "description": "Guidance scale",
        "maximum": 20.0,
        "minimum": 0.0,
        "title": "Guidance Scale",
        "type": "number",
        "x-order": 0,
    }
    assert properties["other"]["default"] == 1
    assert properties["other"]["maximum"] == 5.0


@pytest.mark.parametrize(
    "header",
    [
        "import cog\nfrom cog import BasePredictor\n",
        "from cog import BasePredictor, Input as In\n",
    ],
)
def test_input_is_recognised_through_the_cog_module_or_an_alias(header: str) -> None:
    call = "cog.Input" if "import cog\n" in header else "In"
    source = predictor(f"n: int = {call}(default=2, ge=1)", header=header)
    assert input_schema(source)["properties"]["n"]["minimum"] == 1.0

"""Which callable a reference names, and model/base classes from other project files.

Cases follow Cog's parser_test.go (run/predict preference, inheritance, standalone targets,
train mode, TestCrossFile*) and the multi_file_schema integration predictor.
"""

from __future__ import annotations

import textwrap

import pytest

from domain.openapi import SchemaErrorKind, openapi_schema, predictor_info
from tests.unit.domain.openapi.cases import MULTIFILE, components, project_reader, schema_error


def _input_types(source: str, name: str = "Predictor", mode: str = "predict") -> dict[str, str]:
    key = "TrainingInput" if mode == "train" else "Input"
    properties = components(source, name, mode=mode)[key]["properties"]
    return {name: prop.get("type", "") for name, prop in properties.items()}


def test_run_is_preferred_over_predict() -> None:
    source = """
    class Predictor:
        def predict(self, n: int) -> int: ...
        def run(self, s: str) -> str: ...
    """
    assert _input_types(source) == {"s": "string"}
    assert predictor_info(textwrap.dedent(source), "Predictor").method == "run"


def test_predict_is_used_when_there_is_no_run_and_is_reported() -> None:
    source = "class Predictor:\n    def predict(self, n: int) -> int: ...\n"
    info = predictor_info(source, "Predictor")
    assert (info.method, info.is_method) == ("predict", True)


def test_an_inherited_run_wins_over_an_own_predict() -> None:
    source = """
    from cog import BasePredictor
    class Shared(BasePredictor):
        def run(self, s: str) -> str: ...
    class Runner(Shared):
        def predict(self, n: int) -> int: ...
    class Plain(Shared):
        pass
    """
    assert _input_types(source, "Runner") == {"s": "string"}
    assert _input_types(source, "Plain") == {"s": "string"}


def test_any_class_works_without_base_predictor() -> None:
    source = """
    from cog import Input
    class Predictor:
        def predict(self, t: str = Input(default="hi")) -> str: ...
    """
    assert components(source)["Input"]["properties"]["t"]["default"] == "hi"


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("run", {"value": "string"}),
        ("predict", {"value": "integer"}),
        ("handler", {"value": "integer"}),  # not found: falls back to the mode's name
    ],
)
def test_standalone_functions(ref: str, expected: dict[str, str]) -> None:
    source = "def predict(value: int) -> int: ...\ndef run(value: str) -> str: ...\n"
    assert _input_types(source, ref) == expected


def test_static_and_class_methods_skip_the_right_receiver() -> None:
    source = """
    class A:
        @staticmethod
        def predict(x: int) -> int: ...
    class B:
        @classmethod
        def predict(cls, y: int) -> int: ...
    """
    assert _input_types(source, "A") == {"x": "integer"}
    assert _input_types(source, "B") == {"y": "integer"}


def test_async_methods_are_recognised() -> None:
    source = "class P:\n    async def run(self, x: int) -> str: ...\n"
    assert predictor_info(source, "P").is_async is True


@pytest.mark.parametrize("name", ["Trainer", "Child", "train"])
def test_train_mode_targets(name: str) -> None:
    source = """
    from functools import wraps
    from cog import BasePredictor, Path
    def noop(fn):
        return fn
    class Trainer(BasePredictor):
        def predict(self, s: str) -> str: ...
        @noop
        def train(self, n: int) -> Path: ...
    class Child(Trainer):
        pass
    def train(n: int) -> Path: ...
    """
    assert _input_types(source, name, mode="train") == {"n": "integer"}


def test_a_class_without_train_is_an_error_in_train_mode() -> None:
    source = "class P:\n    def predict(self) -> str: ...\n"
    assert schema_error(source, "P", mode="train").kind == SchemaErrorKind.METHOD_NOT_FOUND


# --------------------------------------------------------------------------- other project files


def _multifile(name: str) -> dict:
    source = (MULTIFILE / "predict.py").read_text()
    document = openapi_schema(
        source, name, file="predict.py", resolve_import=project_reader(MULTIFILE)
    )
    schemas: dict = document["components"]["schemas"]
    return schemas


def test_an_aliased_model_from_another_file() -> None:
    assert _multifile("Predictor")["Output"] == {
        "properties": {
            "text": {"title": "Text", "type": "string"},
            "score": {"title": "Score", "type": "number"},
            "tags": {"items": {"type": "string"}, "title": "Tags", "type": "array"},
        },
        "required": ["text", "score", "tags"],
        "title": "Output",
        "type": "object",
    }


def test_a_model_from_a_package_init() -> None:
    output = _multifile("Boxes")["Output"]
    assert output["type"] == "array"
    assert output["items"]["required"] == ["x", "y"]


def test_a_base_class_from_a_module_import_with_its_own_relative_imports() -> None:
    schemas = _multifile("Inherited")
    assert list(schemas["Input"]["properties"]) == ["prompt", "limit"]
    assert schemas["Output"]["required"] == ["name"]  # TypedDict with NotRequired confidence


@pytest.mark.parametrize(
    ("imports", "annotation"),
    [
        ("import output_types", "output_types.Caption"),
        ("import output_types as ot", "ot.Caption"),
        ("from pkg import labels", "labels.Label"),
        ("from pkg.labels import Label", "Label"),
        ("import pkg.labels", "pkg.labels.Label"),
    ],
)
def test_qualified_and_nested_imports(imports: str, annotation: str) -> None:
    source = f"{imports}\nclass P:\n    def predict(self) -> {annotation}: ...\n"
    document = openapi_schema(
        source, "P", file="predict.py", resolve_import=project_reader(MULTIFILE)
    )
    assert document["components"]["schemas"]["Output"]["type"] == "object"


def test_relative_imports_resolve_against_the_importing_file() -> None:
    files = {
        "src/predict.py": "from .types import R\nclass P:\n    def predict(self) -> R: ...\n",
        "src/types.py": "from ..common import Base\nclass R(Base):\n    y: int\n",
        "common.py": "from pydantic import BaseModel\nclass Base(BaseModel):\n    x: str\n",
    }
    document = openapi_schema(
        files["src/predict.py"], "P", file="src/predict.py", resolve_import=files.get
    )
    assert list(document["components"]["schemas"]["Output"]["properties"]) == ["x", "y"]


def test_import_cycles_end() -> None:
    files = {
        "a.py": "from b import B\nfrom cog import BaseModel\nclass A(BaseModel):\n    b: B\n",
        "b.py": "from a import A\nfrom cog import BaseModel\nclass B(BaseModel):\n    n: int\n",
    }
    source = "from a import A\nclass P:\n    def predict(self) -> A: ...\n"
    document = openapi_schema(source, "P", file="predict.py", resolve_import=files.get)
    assert document["components"]["schemas"]["Output"]["properties"]["b"]["required"] == ["n"]


def test_well_known_packages_are_never_read_from_the_project() -> None:
    files = {"torch.py": "from cog import BaseModel\nclass Tensor(BaseModel):\n    x: int\n"}
    source = "from torch import Tensor\nclass P:\n    def predict(self) -> Tensor: ...\n"
    error = schema_error(source, "P", file="predict.py", resolve_import=files.get)
    assert error.kind == SchemaErrorKind.UNRESOLVABLE_TYPE


def test_without_a_reader_imported_models_are_unresolvable() -> None:
    source = (MULTIFILE / "predict.py").read_text()
    assert schema_error(source, "Predictor").kind == SchemaErrorKind.UNRESOLVABLE_TYPE


def test_a_module_import_does_not_expose_unqualified_names() -> None:
    source = "import output_types\nclass P:\n    def predict(self) -> Caption: ...\n"
    error = schema_error(source, "P", file="predict.py", resolve_import=project_reader(MULTIFILE))
    assert error.kind == SchemaErrorKind.UNRESOLVABLE_TYPE


def test_a_base_class_re_exported_by_a_package_is_followed() -> None:
    files = {
        "pkg/__init__.py": "from .base import Base\n",
        "pkg/base.py": "class Base:\n    def run(self, n: int) -> int: ...\n",
        "a.py": "from b import Loop\n",
        "b.py": "from a import Loop\n",
    }
    source = """
    from pkg import Base
    from a import Loop
    class P(Base):
        pass
    class Q(Loop):
        pass
    """
    assert list(components(source, "P", resolve_import=files.get)["Input"]["properties"]) == ["n"]
    error = schema_error(source, "Q", resolve_import=files.get)
    assert error.kind == SchemaErrorKind.METHOD_NOT_FOUND

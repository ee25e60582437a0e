"""Every way a predictor can fail schema generation: a SchemaError with a kind and a line.

Cases follow Cog's parser_test.go error tests (ErrMissingTypeAnnotation, ErrDefaultFactory…,
ErrChoicesNotResolvable, ErrOptionalOutput, ErrConcatIteratorNotStr, ErrUnresolvableType, …)
and generator_test.go's predict-ref table.
"""

from __future__ import annotations

import pytest

from domain.errors import InvalidInputError, SchemaError
from domain.openapi import (
    SchemaErrorKind,
    check_sdk_version,
    generate_for_config,
    parse_predict_ref,
    predictor_info,
    project_source_path,
)
from tests.unit.domain.openapi.cases import HEADER, predictor, schema_error

K = SchemaErrorKind
PARAM_LINE = HEADER.count("\n") + 3  # the line of "def predict" in predictor() without a body


def def_line(source: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if "def predict" in line)


def test_a_syntax_error_is_a_parse_error_on_its_line() -> None:
    error = schema_error("x = 1\ndef predict(:\n", "predict")
    assert (error.kind, error.line) == (K.PARSE, 2)


@pytest.mark.parametrize(
    ("params", "kind"),
    [  # CPython's parser gives up (RecursionError) on expressions nested ~1000 deep
        ("x: " + " | ".join(["int"] * 5000), K.PARSE),
        ('x: "' + " | ".join(["int"] * 5000) + '"', K.UNSUPPORTED_TYPE),  # parsed on its own
    ],
    ids=["annotation", "string-annotation"],
)
def test_source_nested_too_deeply_to_parse_is_a_schema_error(params: str, kind: K) -> None:
    assert schema_error(predictor(params)).kind is kind


@pytest.mark.parametrize(
    ("source", "name", "mode", "kind"),
    [
        (
            "class Other:\n    def predict(self) -> str: ...\n",
            "Predictor",
            "predict",
            K.PREDICTOR_NOT_FOUND,
        ),
        ("def run(x: int) -> int: ...\n", "missing", "predict", K.PREDICTOR_NOT_FOUND),
        (
            "class Predictor:\n    def setup(self): ...\n",
            "Predictor",
            "predict",
            K.METHOD_NOT_FOUND,
        ),
        (
            "class Trainer:\n    def predict(self) -> str: ...\n",
            "Trainer",
            "train",
            K.METHOD_NOT_FOUND,
        ),
        (
            "class Predictor:\n    def predict(self, s: str): ...\n",
            "Predictor",
            "predict",
            K.MISSING_RETURN_TYPE,
        ),
    ],
)
def test_finding_the_callable(source: str, name: str, mode: str, kind: SchemaErrorKind) -> None:
    assert schema_error(source, name, mode=mode).kind == kind


@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ('s="hello"', K.MISSING_TYPE_ANNOTATION),
        ("s", K.MISSING_TYPE_ANNOTATION),
        ("*args: int", K.UNSUPPORTED_TYPE),
        ("value: Path | str", K.UNSUPPORTED_TYPE),
        ("value: Secret | int", K.UNSUPPORTED_TYPE),
        ("value: list[Path] | str", K.UNSUPPORTED_TYPE),
        ("value: Optional[str] | int", K.UNSUPPORTED_TYPE),
        ("value: Union[str, Union[int, float]]", K.UNSUPPORTED_TYPE),
        ("value: None", K.UNSUPPORTED_TYPE),
        ("value: list[Optional[str]]", K.UNSUPPORTED_TYPE),
        ("value: list[list[int]]", K.UNSUPPORTED_TYPE),
        ("value: list[str | int]", K.UNSUPPORTED_TYPE),
        ("value: Optional[str, int]", K.UNSUPPORTED_TYPE),
        ("value: set[str]", K.UNSUPPORTED_TYPE),
        ("value: list", K.UNSUPPORTED_TYPE),
        ("value: Undefined", K.UNSUPPORTED_TYPE),
        ("value: Model", K.UNSUPPORTED_TYPE),
        ("value: Literal['a', 1]", K.UNSUPPORTED_TYPE),
        ("value: Literal['a'] | int", K.UNSUPPORTED_TYPE),
        ("value: Literal['a', 'b'] = Input(choices=['a'])", K.UNSUPPORTED_TYPE),
        ("value: str | int = Input(ge=1)", K.UNSUPPORTED_TYPE),
        ("value: str | int = Input(choices=['a'])", K.UNSUPPORTED_TYPE),
        ("value: 1 + 2", K.UNSUPPORTED_TYPE),
        ("value: Tensor", K.UNRESOLVABLE_TYPE),
        ("value: np.ndarray", K.UNRESOLVABLE_TYPE),
        ("value: Annotated[Tensor, other.Opaque]", K.UNRESOLVABLE_TYPE),
        ("value: str = UNDEFINED", K.DEFAULT_NOT_RESOLVABLE),
        ("value: str = make_default()", K.DEFAULT_NOT_RESOLVABLE),
        ("value: str = f'{1}'", K.DEFAULT_NOT_RESOLVABLE),
        ("value: list[int] = Input(default_factory=list)", K.DEFAULT_FACTORY_NOT_SUPPORTED),
        ("value: str = Input(choices=get_choices())", K.CHOICES_NOT_RESOLVABLE),
        ("value: str = Input(choices=[c for c in 'ab'])", K.CHOICES_NOT_RESOLVABLE),
        ("value: str = Input(choices=UNDEFINED)", K.CHOICES_NOT_RESOLVABLE),
        ("value: str = Input(choices=NOT_A_LIST)", K.CHOICES_NOT_RESOLVABLE),
        ("value: str = Input(choices=list(NOT_A_LIST.keys()))", K.CHOICES_NOT_RESOLVABLE),
        ("value: str = Input(choices=[undefined])", K.CHOICES_NOT_RESOLVABLE),
        ('value: str = Input(accept="image/*")', K.ACCEPT_ON_NON_FILE_TYPE),
        ('value: str | int = Input(accept="image/*")', K.ACCEPT_ON_NON_FILE_TYPE),
    ],
)
def test_input_errors(params: str, kind: SchemaErrorKind) -> None:
    body = """
    import numpy as np
    import other
    from typing import Annotated, Literal
    from torch import Tensor
    NOT_A_LIST = "abc"
    class Model(BaseModel):
        x: int
    """
    source = predictor(params, body=body)
    error = schema_error(source)
    assert error.kind == kind
    assert error.line == def_line(source)


@pytest.mark.parametrize(
    ("returns", "kind"),
    [
        ("Optional[str]", K.OPTIONAL_OUTPUT),
        ("str | None", K.OPTIONAL_OUTPUT),
        ("Union[str, None]", K.OPTIONAL_OUTPUT),
        ("Annotated[Optional[Tensor], Opaque]", K.OPTIONAL_OUTPUT),
        ("str | int", K.UNSUPPORTED_TYPE),
        ("Union[str, int]", K.UNSUPPORTED_TYPE),
        ("set[str]", K.UNSUPPORTED_TYPE),
        ("dict[str]", K.UNSUPPORTED_TYPE),
        ("Iterator[str, int]", K.UNSUPPORTED_TYPE),
        ("Literal['a']", K.UNSUPPORTED_TYPE),
        ("list[Optional[str]]", K.OPTIONAL_OUTPUT),
        ("ConcatenateIterator[int]", K.CONCAT_ITERATOR_NOT_STR),
        ("ConcatenateIterator[list[str]]", K.UNSUPPORTED_TYPE),
        ("Tensor", K.UNRESOLVABLE_TYPE),
        ("np.ndarray", K.UNRESOLVABLE_TYPE),
        ("Missing", K.UNRESOLVABLE_TYPE),
        ("dict[str, Tensor]", K.UNRESOLVABLE_TYPE),
        ("Broken", K.UNRESOLVABLE_TYPE),
        ("Qualified", K.UNSUPPORTED_TYPE),
    ],
)
def test_output_errors(returns: str, kind: SchemaErrorKind) -> None:
    body = """
    import numpy as np
    from typing import Annotated, Literal
    from torch import Tensor
    from cog import Opaque
    from typing import NotRequired
    class Broken(BaseModel):
        ok: int
        bad: dict[str, Tensor]
    class Qualified(BaseModel):
        count: NotRequired[int]
    """
    assert schema_error(predictor("", returns, body=body)).kind == kind


def test_an_error_in_a_model_field_points_at_the_field_and_names_it() -> None:
    body = "from torch import Tensor\nclass Result(BaseModel):\n    ok: int\n    bad: Tensor\n"
    source = predictor("", "Result", body=body)
    error = schema_error(source)
    assert error.kind == K.UNRESOLVABLE_TYPE
    assert error.line == source.splitlines().index("    bad: Tensor") + 1
    assert "bad" in error.reason  # the user needs to know which field


def test_errors_name_the_file_line_and_parameter_in_one_line() -> None:
    source = predictor("self_check: int, seed: int = random_seed()")
    error = schema_error(source, file="predict.py")
    assert (error.file, error.line) == ("predict.py", PARAM_LINE)
    assert str(error).startswith(f"predict.py:{PARAM_LINE}: ")
    assert "'seed'" in str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    ("decorator", "is_async", "expected"),
    [
        ("@cog.concurrent", False, 1),
        ("@cog.concurrent()", False, 1),
        ("@concurrent(max=1)", False, 1),
        ("@cog.concurrent(max=4)", True, 4),
        ("", False, None),
        ("@other.concurrent(max=4)", False, None),
    ],
)
def test_concurrency_is_read_from_the_decorator(
    decorator: str, is_async: bool, expected: int | None
) -> None:
    source = _concurrent_source(decorator, is_async)
    assert predictor_info(source, "Predictor").concurrency_max == expected


@pytest.mark.parametrize(
    ("decorator", "is_async"),
    [
        ("@cog.concurrent(max=2)", False),
        ("@cog.concurrent(max=LIMIT)", True),
        ("@cog.concurrent(4)", True),
        ("@cog.concurrent(max='4')", True),
        ("@cog.concurrent(max=0)", True),
        ("@cog.concurrent(limit=2)", True),
    ],
)
def test_invalid_concurrency(decorator: str, is_async: bool) -> None:
    error = schema_error(_concurrent_source(decorator, is_async))
    assert error.kind == K.INVALID_CONCURRENCY


def _concurrent_source(decorator: str, is_async: bool) -> str:
    prefix = "async " if is_async else ""
    return (
        "import cog\nimport other\nfrom cog import concurrent\nLIMIT = 2\n"
        f"class Predictor:\n    {decorator}\n    {prefix}def predict(self) -> str: ...\n"
    )


def test_streaming_needs_an_iterator_output() -> None:
    source = "import cog\nclass Predictor:\n    @cog.streaming\n    def predict(self) -> str: ...\n"
    error = schema_error(source)
    assert (error.kind, error.line) == (K.STREAMING_WITHOUT_ITERATOR, 4)


def test_an_unknown_mode_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError):
        predictor_info("def predict() -> str: ...\n", "predict", mode="serve")


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("predict.py:Predictor", ("predict.py", "Predictor")),
        ("src/model.py:MyModel", ("src/model.py", "MyModel")),
        ("train.py:train", ("train.py", "train")),
        ("a.py:B:C", ("a.py", "B:C")),
    ],
)
def test_parse_predict_ref_splits_at_the_first_colon(ref: str, expected: tuple[str, str]) -> None:
    assert parse_predict_ref(ref) == expected


@pytest.mark.parametrize("ref", ["no_colon", ":NoFile", "no_name:", ""])
def test_malformed_predict_refs_are_rejected(ref: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_predict_ref(ref)
    assert info.value.kind == K.INVALID_PREDICT_REF


@pytest.mark.parametrize(
    ("path", "clean"), [("./predict.py", "predict.py"), ("a//b/../c.py", "a/c.py")]
)
def test_source_paths_are_cleaned(path: str, clean: str) -> None:
    assert project_source_path(path) == clean


@pytest.mark.parametrize("path", ["/abs/predict.py", "../predict.py", "a/../../predict.py", ".."])
def test_source_paths_outside_the_project_are_rejected(path: str) -> None:
    with pytest.raises(SchemaError) as info:
        project_source_path(path)
    assert info.value.kind == K.SOURCE_OUTSIDE_PROJECT


@pytest.mark.parametrize(
    ("predict", "train", "kind"),
    [
        (None, None, K.NO_TARGET),
        ("", "", K.NO_TARGET),
        ("missing.py:Predictor", None, K.SOURCE_NOT_FOUND),
        ("predict.py", None, K.INVALID_PREDICT_REF),
        ("../predict.py:Predictor", None, K.SOURCE_OUTSIDE_PROJECT),
        ("predict.py:Predictor", "predict.py:Nope", K.PREDICTOR_NOT_FOUND),
    ],
)
def test_generate_for_config_errors(
    predict: str | None, train: str | None, kind: SchemaErrorKind
) -> None:
    files = {"predict.py": "class Predictor:\n    def predict(self) -> str: ...\n"}
    with pytest.raises(SchemaError) as info:
        generate_for_config(predict, train, files.get)
    assert info.value.kind == kind


def test_an_error_in_an_imported_file_names_that_file() -> None:
    files = {
        "predict.py": "from types_ import Result\nclass P:\n    def predict(self) -> Result: ...\n",
        "types_.py": "from cog import BaseModel\nclass Result(BaseModel):\n    x: Missing\n",
    }
    with pytest.raises(SchemaError) as info:
        generate_for_config("predict.py:P", None, files.get)
    assert (info.value.kind, info.value.file, info.value.line) == (
        K.UNRESOLVABLE_TYPE,
        "types_.py",
        3,
    )


# --------------------------------------------------------------------------- SDK gate


@pytest.mark.parametrize(
    ("sdk_version", "sdk_wheel"),
    [
        (None, None),
        ("0.17.0", None),
        ("0.17", None),
        ("1.0.0rc1", None),
        ("prerelease", None),
        ("not-a-version", None),
        ("0.16.12", "pypi:0.17.0"),  # the environment wins over cog.yaml
        ("0.16.12", "/wheels/cog-0.16.0-py3-none-any.whl"),  # a file pins no version
    ],
)
def test_sdk_versions_that_pass_the_gate(sdk_version: str | None, sdk_wheel: str | None) -> None:
    check_sdk_version(sdk_version, sdk_wheel)


@pytest.mark.parametrize(
    ("sdk_version", "sdk_wheel"),
    [
        ("0.16.12", None),
        ("0.16.12rc1", None),
        (None, "pypi:0.16.12"),
        (None, "PyPI:0.9"),
        ("0.17.0", "pypi:0.16"),
    ],
)
def test_sdk_versions_older_than_0_17_are_refused(
    sdk_version: str | None, sdk_wheel: str | None
) -> None:
    with pytest.raises(SchemaError) as info:
        check_sdk_version(sdk_version, sdk_wheel)
    assert info.value.kind == K.SDK_TOO_OLD


def test_generate_for_config_applies_the_sdk_gate_first() -> None:
    with pytest.raises(SchemaError) as info:
        generate_for_config("predict.py:P", None, {}.get, sdk_version="0.16.0")
    assert info.value.kind == K.SDK_TOO_OLD

"""A prediction's inputs made ready to send: checked against the schema, files read.

Two steps of the prediction use case (:mod:`application.predictor`) that need a port but no
container: :func:`prepare` types and checks the inputs against the model's schema (when it has
one) and reads every file they name, collecting every problem into one
``InputValidationError``; :func:`wire_values` turns the result into the JSON the model is sent
(files as ``data:`` URLs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from types import MappingProxyType

from application.ports.input_files import InputFiles
from domain.errors import InputValidationError, InvalidInputError
from domain.prediction.mode import Mode
from domain.prediction.schema import InputSchema
from domain.prediction.validation import check_inputs
from domain.prediction.values import FlagValue, InputFile, LocalFile


@dataclass(frozen=True, slots=True, kw_only=True)
class PreparedInputs:
    """Inputs ready to send, or to check once the running model says its schema.

    Attributes:
        mode: predict or train.
        values: the inputs, text typed by the schema (still text without one).
        checked: whether they were checked against a schema (``False``: the model's image has
            none, so the running model's ``/openapi.json`` decides).
        files: every file the inputs name, read, by path.
    """

    mode: Mode
    values: Mapping[str, object]
    checked: bool
    files: Mapping[str, InputFile]


def prepare(
    inputs: Mapping[str, object], schema: InputSchema | None, files: InputFiles, mode: Mode
) -> PreparedInputs:
    """Type and check ``inputs`` against ``schema`` (if any) and read the files they name.

    Without a schema, text stays text (the running model's schema types it later), but the
    files are read now. Files are read only for inputs the schema knows: a misspelled name is
    reported and its file not looked for, as in Cog.

    Raises:
        InputValidationError: every problem found, the unreadable files among them.
    """
    if schema is not None:
        checked = check_inputs(inputs, schema)
        values, problems = dict(checked.values), list(checked.problems)
    else:
        values = {k: LocalFile(str(v)) if isinstance(v, PurePath) else v for k, v in inputs.items()}
        problems = []
    read: dict[str, InputFile] = {}
    for name, value in values.items():
        if schema is not None and name not in schema.fields:
            continue
        for path in _paths(value):
            if path in read:
                continue
            try:
                read[path] = files.read(path)
            except InvalidInputError as exc:
                problems.append(f'input "{name}": {exc}')
    if problems:
        raise InputValidationError(problems)
    return PreparedInputs(
        mode=mode,
        values=MappingProxyType(values),
        checked=schema is not None,
        files=MappingProxyType(read),
    )


def recheck(prepared: PreparedInputs, schema: InputSchema | None) -> PreparedInputs:
    """``prepared`` checked against the schema the running model serves (``None``: none).

    Raises:
        InputValidationError: every problem found.
    """
    if prepared.checked or schema is None:
        return prepared
    checked = check_inputs(prepared.values, schema)
    if checked.problems:
        raise InputValidationError(checked.problems)
    return PreparedInputs(
        mode=prepared.mode, values=checked.values, checked=True, files=prepared.files
    )


def wire_values(prepared: PreparedInputs) -> dict[str, object]:
    """The JSON a model is sent: files as ``data:`` URLs; text no schema typed stays text."""
    values = check_inputs(prepared.values, None).values  # types nothing: FlagValue to text
    return {name: _wire(value, prepared.files) for name, value in values.items()}


def _wire(value: object, files: Mapping[str, InputFile]) -> object:
    if isinstance(value, LocalFile):
        return files[value.path].data_url()
    if isinstance(value, InputFile):
        return value.data_url()
    if isinstance(value, list | tuple):
        return [_wire(item, files) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _wire(item, files) for key, item in value.items()}
    return value


def _paths(value: object) -> list[str]:
    """The paths of the files ``value`` names (``@`` items of repeated flags included)."""
    if isinstance(value, LocalFile):
        return [value.path]
    if isinstance(value, FlagValue):
        return [text[1:] for text in value.texts if text.startswith("@") and len(value.texts) > 1]
    if isinstance(value, list | tuple):
        return [path for item in value for path in _paths(item)]
    return []

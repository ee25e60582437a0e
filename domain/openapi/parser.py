"""Read a predictor's interface from its source, without running it.

The steps are Cog's (cog-spec §5.2): parse the module; collect its imports, module-level
constants and model classes (with those imported from other project files when a
``resolve_import`` callable is given); find the target callable; read its inputs; resolve its
return type; read ``@cog.streaming`` and ``@cog.concurrent``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from domain.errors import InvalidInputError
from domain.openapi.annotations import annotation
from domain.openapi.inputs import extract_inputs
from domain.openapi.kinds import SchemaErrorKind, fail
from domain.openapi.module import Project, ResolveImport
from domain.openapi.output_types import output_type
from domain.openapi.target import concurrency_max, find_target, is_streaming
from domain.openapi.types import InputField, Kind, OutputType

__all__ = ["MODES", "PredictorInfo", "predictor_info"]

MODES = ("predict", "train")


@dataclass(frozen=True, slots=True, kw_only=True)
class PredictorInfo:
    """A predictor's interface.

    ``method`` is the name of the function read (``predict`` means the deprecated
    ``predict()`` of a class when ``is_method``; Cog warns about it). ``concurrency_max`` is
    the ``@cog.concurrent`` limit, or None.
    """

    mode: str
    inputs: tuple[InputField, ...]
    output: OutputType
    method: str
    is_method: bool
    is_async: bool
    streaming: bool
    concurrency_max: int | None


def predictor_info(
    source: str,
    name: str,
    *,
    mode: str = "predict",
    file: str = "",
    resolve_import: ResolveImport | None = None,
) -> PredictorInfo:
    """Read the interface of ``name`` (a class or function) in ``source``.

    ``file`` is the source's project-relative path: it is named in errors and anchors
    relative imports. ``resolve_import(path)`` returns another project file's text, or None
    when it does not exist; without it, model classes must be defined in ``source``.

    Raises:
        SchemaError: the source breaks a rule; ``.kind`` says which, ``.line`` where.
        InvalidInputError: ``mode`` is neither ``predict`` nor ``train``.
    """
    if mode not in MODES:
        raise InvalidInputError(f"mode must be one of {MODES}, not {mode!r}", reason="bad mode")
    module = Project(resolve_import).main(source, file)
    target = find_target(module, name, mode)
    func, where = target.func, target.module
    inputs = extract_inputs(func, where, skip_receiver=target.is_method)
    if func.returns is None:
        fail(
            SchemaErrorKind.MISSING_RETURN_TYPE,
            f"missing return type annotation on {func.name}",
            func,
            where.path,
        )
    output = output_type(annotation(func.returns, where.path), where.types)
    streaming = is_streaming(target)
    if streaming and output.kind not in (Kind.ITERATOR, Kind.CONCAT):
        fail(
            SchemaErrorKind.STREAMING_WITHOUT_ITERATOR,
            "@streaming requires Iterator[...], AsyncIterator[...], ConcatenateIterator[...] or "
            "AsyncConcatenateIterator[...] return type",
            func,
            where.path,
        )
    return PredictorInfo(
        mode=mode,
        inputs=tuple(inputs),
        output=output,
        method=func.name,
        is_method=target.is_method,
        is_async=isinstance(func, ast.AsyncFunctionDef),
        streaming=streaming,
        concurrency_max=concurrency_max(target),
    )

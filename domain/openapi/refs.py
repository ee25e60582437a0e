"""From cog.yaml's ``predict``/``train`` references to the schema bytes Cog would write.

A reference is ``<file>:<name>`` split at the first ``:`` (``src/model.py:MyModel``); the
file must stay inside the project. Reading files is the caller's job: it passes
``read_source(path)``, which returns a project-relative file's text or ``None`` when there is
no such file (and raises its own domain error for any other failure). The same callable
serves imports of model classes from other project files. Cog's ``COG_OPENAPI_SCHEMA`` and
``--openapi-schema`` bypass this entirely; they belong to the build adapter.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from domain.openapi.document import encode, merge_documents, openapi_document
from domain.openapi.kinds import SchemaErrorKind, fail
from domain.openapi.parser import predictor_info
from domain.openapi.sdk import check_sdk_version

__all__ = ["ReadSource", "generate_for_config", "parse_predict_ref", "project_source_path"]

ReadSource = Callable[[str], "str | None"]


def parse_predict_ref(ref: str) -> tuple[str, str]:
    """Split ``file.py:Name`` into ``(file, name)`` at the first colon.

    >>> parse_predict_ref("src/model.py:MyModel")
    ('src/model.py', 'MyModel')

    Raises:
        SchemaError: INVALID_PREDICT_REF when there is no colon or a side is empty.
    """
    file, colon, name = ref.partition(":")
    if not colon or not file or not name:
        fail(
            SchemaErrorKind.INVALID_PREDICT_REF,
            f"invalid predict reference '{ref}': expected file.py:ClassName or "
            "file.py:function_name",
        )
    return file, name


def project_source_path(file: str) -> str:
    """``file`` cleaned (``./a//b.py`` → ``a/b.py``), refused when it leaves the project.

    Raises:
        SchemaError: SOURCE_OUTSIDE_PROJECT for an absolute path or one climbing out.
    """
    clean = posixpath.normpath(file)
    if clean.startswith("/") or clean == ".." or clean.startswith("../"):
        fail(
            SchemaErrorKind.SOURCE_OUTSIDE_PROJECT,
            f"predictor source path {file!r} is outside the project directory",
        )
    return clean


def generate_for_config(
    predict: str | None,
    train: str | None,
    read_source: ReadSource,
    *,
    version: str = "0.1.0",
    sdk_version: str | None = None,
    sdk_wheel: str | None = None,
) -> bytes:
    """The schema bytes for cog.yaml's ``predict`` and ``train`` references.

    One reference gives its mode's compact document; both give the merged document, indented
    (Cog's ``GenerateCombined``). ``version`` becomes ``info.version``. ``sdk_version``
    (``build.sdk_version``) and ``sdk_wheel`` (``$COG_SDK_WHEEL``) feed the SDK gate.

    Raises:
        SchemaError: SDK_TOO_OLD, NO_TARGET when neither reference is set, SOURCE_NOT_FOUND
            when ``read_source`` returns None for a referenced file, and every error of
            ``openapi_schema``.
    """
    check_sdk_version(sdk_version, sdk_wheel)
    refs = [(mode, ref) for mode, ref in (("predict", predict), ("train", train)) if ref]
    if not refs:
        fail(SchemaErrorKind.NO_TARGET, "no predict or train reference found in cog.yaml")
    documents = []
    for mode, ref in refs:
        file, name = parse_predict_ref(ref)
        path = project_source_path(file)
        source = read_source(path)
        if source is None:
            fail(SchemaErrorKind.SOURCE_NOT_FOUND, f"failed to read predictor source {path}")
        info = predictor_info(source, name, mode=mode, file=path, resolve_import=read_source)
        documents.append(openapi_document(info, version=version))
    if len(documents) == 1:
        return encode(documents[0])
    return encode(merge_documents(documents[0], documents[1]), merged=True)

"""The OpenAPI 3.0.2 document Cog builds from a predictor's interface (cog-spec §5.2).

The returned dicts are in the order Go writes them: insertion order for
``components.schemas`` (``Input``, ``Output``, one enum per choices input, the request and
response, ``Status``, ``HTTPValidationError``, ``ValidationError``), for ``paths`` and for
``properties``; every other object sorted by key (a Go ``map``). So
``gojson.dumps(document)`` is byte-for-byte Cog's label. A predict document and a train
document merge into one whose keys are all sorted, written indented (Cog re-marshals the
merge from generic maps, which also turns every number into a float64).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.gojson import dumps
from domain.openapi.ordering import (
    as_float64,
    collapse_nullable_any_of,
    drop_title_next_to_ref,
    go_order,
    plain,
)
from domain.openapi.parser import PredictorInfo
from domain.openapi.types import InputField, Kind, Ordered, Prim, title_case

__all__ = ["encode", "merge_documents", "openapi_document"]

_REF = "#/components/schemas/"


def _ok() -> dict[str, Any]:
    return {"description": "Successful Response", "content": {"application/json": {"schema": {}}}}


def openapi_document(info: PredictorInfo, *, version: str = "0.1.0") -> dict[str, Any]:
    """The single-mode document for ``info``, with ``info.version`` = ``version``."""
    document = _document(info, version)
    drop_title_next_to_ref(document)
    collapse_nullable_any_of(document)
    result: dict[str, Any] = go_order(document)
    return result


def merge_documents(predict: Mapping[str, Any], train: Mapping[str, Any]) -> dict[str, Any]:
    """``predict`` plus the train document's paths and component schemas it lacks.

    Keys are sorted at every level, as after Cog's round trip through generic maps.
    """
    merged = plain(predict)
    for section, sub in (("paths", None), ("components", "schemas")):
        base, extra = merged.get(section), train.get(section)
        if sub is not None and isinstance(base, dict) and isinstance(extra, Mapping):
            base, extra = base.get(sub), extra.get(sub)
        if isinstance(base, dict) and isinstance(extra, Mapping):
            for key, value in extra.items():
                base.setdefault(key, plain(value))
    result: dict[str, Any] = go_order(merged, sort_all=True)
    return result


def encode(document: Mapping[str, Any], *, merged: bool = False) -> bytes:
    """The bytes Cog writes: compact for one mode; for a merge, two-space indented with every
    number as a float64 (``1`` stays ``1``, an integer beyond 2**53 loses precision)."""
    if merged:
        return dumps(as_float64(document), indent=2, sort_keys=True).encode()
    return dumps(document).encode()


def _document(info: PredictorInfo, version: str) -> dict[str, Any]:
    train = info.mode == "train"
    noun, prefix = ("training", "Training") if train else ("prediction", "Prediction")
    input_key, output_key = ("TrainingInput", "TrainingOutput") if train else ("Input", "Output")
    request, response = f"{prefix}Request", f"{prefix}Response"
    endpoint = f"/{noun}s"
    input_schema, enums = _input_schema(info.inputs, input_key)
    components = Ordered({input_key: input_schema, output_key: info.output.schema(top=True)})
    components.update(enums)
    components[request] = {
        "title": request,
        "type": "object",
        "properties": {"id": _text("Id"), "input": {"$ref": _REF + input_key}},
    }
    components[response] = _response(response, input_key, output_key)
    components["Status"] = {
        "title": "Status",
        "description": "An enumeration.",
        "enum": ["starting", "processing", "succeeded", "canceled", "failed"],
        "type": "string",
    }
    components["HTTPValidationError"] = _http_validation_error()
    components["ValidationError"] = _validation_error()
    operation: dict[str, Any] = {
        "summary": "Train" if train else "Predict",
        "description": f"Run a single {noun} on the model",
        "operationId": f"{'train' if train else 'predict'}_{noun}s_post",
        "requestBody": _json_body(request),
        "responses": {"200": _json_response(response), "422": _validation_response()},
    }
    if info.streaming and not train:
        operation["x-cog-streaming"] = True
    param = f"{noun}_id"
    paths = Ordered()
    paths["/"] = {
        "get": {"summary": "Root", "operationId": "root__get", "responses": {"200": _ok()}}
    }
    paths["/health-check"] = {
        "get": {
            "summary": "Healthcheck",
            "operationId": "healthcheck_health_check_get",
            "responses": {"200": _ok()},
        }
    }
    paths[endpoint] = {"post": operation}
    paths[f"{endpoint}/{{{param}}}/cancel"] = {
        "post": {
            "summary": "Cancel",
            "operationId": f"cancel_{noun}s__{param}__cancel_post",
            "parameters": [
                {"required": True, "schema": _text(title_case(param)), "name": param, "in": "path"}
            ],
            "responses": {"200": _ok(), "422": _validation_response()},
        }
    }
    return {
        "openapi": "3.0.2",
        "info": {"title": "Cog", "version": version},
        "paths": paths,
        "components": {"schemas": components},
    }


def _input_schema(inputs: tuple[InputField, ...], title: str) -> tuple[dict[str, Any], Ordered]:
    properties, enums, required = Ordered(), Ordered(), []
    for field in inputs:
        prop: dict[str, Any] = {"x-order": field.order}
        if field.choices:
            enums[field.name] = {
                "title": field.name,
                "description": "An enumeration.",
                "enum": plain(field.choices),
                "type": field.type.base.schema()["type"],
            }
            prop["allOf"] = [{"$ref": _REF + field.name}]
        else:
            prop["title"] = title_case(field.name)
            prop.update(field.type.schema())
        kind = field.type
        # Secret = Input(default=None) is the documented "optional credential" idiom.
        secret_none = kind.kind is Kind.PRIM and kind.prim is Prim.SECRET and field.has_default
        nullable = kind.nullable or (secret_none and not kind.nullable and field.default is None)
        # default=None on a non-nullable input means "no default" (e.g. a random seed).
        has_default = field.has_default and not (field.default is None and not nullable)
        if not has_default and (kind.kind is Kind.UNION or not kind.nullable):
            required.append(field.name)
        if has_default:
            # A copy: post-processing edits the document in place, never the PredictorInfo.
            prop["default"] = plain(field.default)
        if nullable:
            prop["nullable"] = True
        for key, value in _constraints(field):
            prop[key] = value
        properties[field.name] = prop
    schema: dict[str, Any] = {"title": title, "type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema, enums


def _constraints(field: InputField) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = [
        ("description", field.description),
        ("minimum", field.ge),
        ("maximum", field.le),
        ("minLength", field.min_length),
        ("maxLength", field.max_length),
        ("pattern", field.regex),
        ("deprecated", True if field.deprecated else None),
        ("x-cog-accept", field.accept),
    ]
    return [(key, value) for key, value in pairs if value is not None]


def _text(title: str) -> dict[str, Any]:
    return {"title": title, "type": "string"}


def _response(title: str, input_key: str, output_key: str) -> dict[str, Any]:
    def moment(name: str) -> dict[str, Any]:
        return {**_text(name), "format": "date-time"}

    return {
        "title": title,
        "type": "object",
        "properties": {
            "input": {"$ref": _REF + input_key},
            "output": {"$ref": _REF + output_key},
            "id": _text("Id"),
            "version": _text("Version"),
            "created_at": moment("Created At"),
            "started_at": moment("Started At"),
            "completed_at": moment("Completed At"),
            "status": _text("Status"),
            "error": _text("Error"),
            "logs": _text("Logs"),
            "metrics": {"title": "Metrics", "type": "object"},
        },
    }


def _http_validation_error() -> dict[str, Any]:
    items = {"$ref": _REF + "ValidationError"}
    return {
        "title": "HTTPValidationError",
        "type": "object",
        "properties": {"detail": {"title": "Detail", "type": "array", "items": items}},
    }


def _validation_error() -> dict[str, Any]:
    location = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    return {
        "title": "ValidationError",
        "required": ["loc", "msg", "type"],
        "type": "object",
        "properties": {
            "loc": {"title": "Location", "type": "array", "items": location},
            "msg": _text("Message"),
            "type": _text("Error Type"),
        },
    }


def _json_body(component: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": _REF + component}}}}


def _json_response(component: str) -> dict[str, Any]:
    return {"description": "Successful Response", **_json_body(component)}


def _validation_response() -> dict[str, Any]:
    return {"description": "Validation Error", **_json_body("HTTPValidationError")}

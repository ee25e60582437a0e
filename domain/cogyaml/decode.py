"""Turning a cog.yaml tree into a :class:`CogConfig` the way Go's yaml.v2 fills Cog's struct.

The rules that make this more than a schema check:

* a string field takes the scalar's source text, whatever it resolves to (``3.10`` → ``"3.10"``,
  ``yes`` → ``"yes"``); null gives ``""``;
* booleans must resolve to a boolean (``true``, ``yes``, ``on`` …), integers to a number (a float
  is truncated, as yaml.v2 does); null gives the zero value;
* unknown keys are ignored (the schema check before rejects them, unless ``build:`` was null);
* a ``build.run`` item is a string scalar or a ``{command, mounts}`` mapping;
* HEAD's top-level ``run`` fills ``predict``; setting both is an error.

Type mismatches raise ``ConfigError`` in the schema's wording (``concurrency must be a mapping``).
:func:`json_document` gives the resolved view the schema check needs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from domain.cogyaml.models import BuildConfig, CogConfig
from domain.cogyaml.yaml_nodes import YamlMapping, YamlNode, YamlScalar, YamlSequence
from domain.errors import ConfigError

_STRING_FIELDS = ("image", "model", "predict", "train")
_BUILD_STRINGS = (
    "python_version",
    "python_requirements",
    "cuda",
    "cudnn",
    "python_overrides",
    "sdk_version",
)
_BUILD_LISTS = ("python_packages", "system_packages", "pre_install")


def decode_config(root: YamlNode) -> CogConfig:
    """The config a yaml.v2 decode of ``root`` into Cog's struct would give.

    Raises:
        ConfigError: a value has the wrong type, or both ``run`` and ``predict`` are set.
    """
    fields: dict[str, Any] = {}
    run = ""
    for key, value in _mapping(root, "").items:
        name = key.text
        if name == "build":
            fields["build"] = _build(value)
        elif name in _STRING_FIELDS:
            fields[name] = _string(value, name)
        elif name == "run":
            run = _string(value, name)
        elif name == "concurrency":
            fields[name] = None if _is_null(value) else _concurrency(value)
        elif name == "environment":
            fields[name] = _strings(value, name)
        elif name == "weights":
            fields[name] = _list(value, name, _weight)
    if run and fields.get("predict"):
        raise ConfigError("run", "only one of run or predict can be set")
    if run:
        fields["predict"] = run
    return CogConfig.model_validate(fields)


def json_document(node: YamlNode | None) -> object:
    """The resolved tree as sigs.k8s.io/yaml's YAMLToJSON sees it: object keys are strings."""
    if node is None:
        return None
    if isinstance(node, YamlScalar):
        return node.value
    if isinstance(node, YamlSequence):
        return [json_document(item) for item in node.items]
    return {_json_key(key.value): json_document(value) for key, value in node.items}


def _build(node: YamlNode) -> BuildConfig:
    if _is_null(node):
        return BuildConfig()
    fields: dict[str, Any] = {}
    for key, value in _mapping(node, "build").items:
        name, where = key.text, f"build.{key.text}"
        if name in _BUILD_STRINGS:
            fields[name] = _string(value, where)
        elif name in _BUILD_LISTS:
            fields[name] = _strings(value, where)
        elif name in ("gpu", "fast"):
            fields[name] = _bool(value, where) or False
        elif name == "cog_runtime":
            fields[name] = _bool(value, where)
        elif name == "run":
            fields[name] = _list(value, where, _run_item)
    return BuildConfig.model_validate(fields)


def _run_item(node: YamlNode, where: str) -> dict[str, Any]:
    if isinstance(node, YamlScalar) and isinstance(node.value, str):
        return {"command": node.text}
    if not isinstance(node, YamlMapping):
        raise _type_error(where, "string or mapping")
    item: dict[str, Any] = {"command": _string(node.get("command"), f"{where}.command")}
    item["mounts"] = _list(node.get("mounts"), f"{where}.mounts", _mount)
    return item


def _mount(node: YamlNode, where: str) -> dict[str, str]:
    mapping = _mapping(node, where)
    return {
        name: _string(mapping.get(name), f"{where}.{name}") for name in ("type", "id", "target")
    }


def _concurrency(node: YamlNode) -> dict[str, int]:
    value = _mapping(node, "concurrency").get("max")
    if value is None or _is_null(value):
        return {"max": 0}
    number = value.value if isinstance(value, YamlScalar) else None
    if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
        raise _type_error("concurrency.max", "integer")
    return {"max": int(number)}


def _weight(node: YamlNode, where: str) -> dict[str, Any]:
    mapping = _mapping(node, where)
    source = mapping.get("source")
    sources = YamlSequence(items=(source,)) if isinstance(source, YamlMapping) else source
    return {
        "name": _string(mapping.get("name"), f"{where}.name"),
        "target": _string(mapping.get("target"), f"{where}.target"),
        "source": _list(sources, f"{where}.source", _weight_source),
    }


def _weight_source(node: YamlNode, where: str) -> dict[str, Any]:
    mapping = _mapping(node, where)
    return {
        "uri": _string(mapping.get("uri"), f"{where}.uri"),
        "include": _strings(mapping.get("include"), f"{where}.include"),
        "exclude": _strings(mapping.get("exclude"), f"{where}.exclude"),
    }


def _string(node: YamlNode | None, where: str) -> str:
    if node is None or _is_null(node):
        return ""
    if not isinstance(node, YamlScalar):
        raise _type_error(where, "string")
    return node.text


def _strings(node: YamlNode | None, where: str) -> tuple[str, ...]:
    return tuple(_list(node, where, _string))


def _bool(node: YamlNode, where: str) -> bool | None:
    if _is_null(node):
        return None
    if not isinstance(node, YamlScalar) or not isinstance(node.value, bool):
        raise _type_error(where, "boolean")
    return node.value


def _list(node: YamlNode | None, where: str, item: Callable[[YamlNode, str], Any]) -> list[Any]:
    if node is None or _is_null(node):
        return []
    if not isinstance(node, YamlSequence):
        raise _type_error(where, "list")
    return [item(element, f"{where}.{i}") for i, element in enumerate(node.items)]


def _mapping(node: YamlNode, where: str) -> YamlMapping:
    if not isinstance(node, YamlMapping):
        raise _type_error(where, "mapping")
    return node


def _is_null(node: YamlNode) -> bool:
    return isinstance(node, YamlScalar) and node.is_null


def _type_error(where: str, kind: str) -> ConfigError:
    subject = where or "cog.yaml"
    reason = f"must be a {kind}" if where else f"cog.yaml must be a {kind}"
    return ConfigError(where, reason, problems=(f"{subject} must be a {kind}",))


def _json_key(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "null"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)

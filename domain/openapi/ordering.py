"""Cog's post-processing of a schema document, and Go's key order.

Cog builds the document from Go maps (written with sorted keys) and a few ordered maps
(written in insertion order), removes ``title`` next to ``$ref`` and folds a two-way
``anyOf`` with ``{"type": "null"}`` into ``nullable``, walking every object of the document,
default values included. :func:`go_order` turns the working tree (plain dicts plus
:class:`~domain.openapi.types.Ordered` ones) into plain dicts in the order Go writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.openapi.types import Ordered

__all__ = ["as_float64", "collapse_nullable_any_of", "drop_title_next_to_ref", "go_order", "plain"]


def drop_title_next_to_ref(node: object) -> None:
    """OpenAPI 3.0 allows no siblings next to ``$ref``; Cog drops ``title``."""
    if isinstance(node, dict):
        if "$ref" in node:
            node.pop("title", None)
        for child in node.values():
            drop_title_next_to_ref(child)
    elif isinstance(node, list):
        for child in node:
            drop_title_next_to_ref(child)


def collapse_nullable_any_of(node: object) -> None:
    """``{"anyOf": [X, {"type": "null"}]}`` → X plus ``nullable: true`` (children first)."""
    if isinstance(node, list):
        for child in node:
            collapse_nullable_any_of(child)
        return
    if not isinstance(node, dict):
        return
    for child in node.values():
        collapse_nullable_any_of(child)
    variants = node.get("anyOf")
    if not isinstance(variants, list) or len(variants) != 2:
        return
    if not all(isinstance(v, dict) for v in variants):
        return
    others = [v for v in variants if v.get("type") != "null"]
    if len(others) == 1:
        del node["anyOf"]
        node.update(others[0])
        node["nullable"] = True


def go_order(node: object, *, sort_all: bool = False) -> Any:
    """Plain dicts in Go's output order: ordered objects as built, the rest sorted."""
    if isinstance(node, dict):
        keys = node.keys() if isinstance(node, Ordered) and not sort_all else sorted(node)
        return {key: go_order(node[key], sort_all=sort_all) for key in keys}
    if isinstance(node, list):
        return [go_order(item, sort_all=sort_all) for item in node]
    return node


def plain(node: object) -> Any:
    if isinstance(node, Mapping):
        return {key: plain(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [plain(item) for item in node]
    return node


def as_float64(node: object) -> Any:
    if isinstance(node, Mapping):
        return {key: as_float64(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [as_float64(item) for item in node]
    if isinstance(node, int) and not isinstance(node, bool):
        return float(node)
    return node

"""Schemas the prediction tests check inputs against.

``COG_TEST_SCHEMA`` is the schema of Cog's own input-validation tests
(``pkg/predict/input_validation_test.go``, ``validationTestSchema``), reproduced as data, so that
the messages Cog's tests pin can be pinned here too.
"""

from __future__ import annotations

from typing import Any

COG_TEST_SCHEMA: dict[str, Any] = {
    "openapi": "3.0.2",
    "info": {"title": "Cog", "version": "test"},
    "paths": {},
    "components": {
        "schemas": {
            "Mode": {"type": "string", "enum": ["fast", "slow"]},
            "Input": {
                "type": "object",
                "required": ["prompt"],
                "properties": {
                    "prompt": {"type": "string", "minLength": 1},
                    "steps": {"type": "integer", "minimum": 1, "maximum": 10},
                    "flag": {"type": "boolean"},
                    "nums": {"type": "array", "items": {"type": "integer"}},
                    "mode": {"allOf": [{"$ref": "#/components/schemas/Mode"}]},
                    "opts": {
                        "type": "object",
                        "required": ["scale"],
                        "properties": {"scale": {"type": "number", "nullable": True}},
                    },
                    "metadata": {"type": "object", "additionalProperties": True},
                },
            },
            "TrainingInput": {
                "type": "object",
                "required": ["epochs"],
                "properties": {"epochs": {"type": "integer", "minimum": 1}},
            },
        }
    },
}


def with_inputs(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A schema whose ``Input`` has these properties (and enum components ``Color``, ``Size``)."""
    component: dict[str, Any] = {"type": "object", "title": "Input", "properties": properties}
    if required:
        component["required"] = required
    return {
        "components": {
            "schemas": {
                "Input": component,
                "Color": {"type": "string", "enum": ["red", "green"], "title": "Color"},
                "Size": {"type": "integer", "enum": [1, 2, 4], "title": "Size"},
            }
        }
    }

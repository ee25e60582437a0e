"""An in-memory world for the prediction service: engine, runner, model API and input files."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from adapters.memory import (
    InMemoryContainerRunner,
    InMemoryInputFiles,
    InMemoryLocalImages,
    InMemoryModelApi,
    ScriptedModel,
)
from application.ports.container_runner import RunResult
from application.predictor import Predictor, Reporter
from domain.labels import LABEL_OPENAPI_SCHEMA
from domain.model import Model
from domain.prediction import HealthStatus
from tests.builders import cog_image, cog_labels

# The example thumbnail model's inputs, and a file output.
SCHEMA: dict[str, Any] = {
    "openapi": "3.0.2",
    "components": {
        "schemas": {
            "Input": {
                "type": "object",
                "title": "Input",
                "required": ["image"],
                "properties": {
                    "image": {"type": "string", "format": "uri", "x-order": 0},
                    "size": {
                        "type": "integer",
                        "default": 128,
                        "minimum": 16,
                        "maximum": 1024,
                        "x-order": 1,
                    },
                    "format": {
                        "allOf": [{"$ref": "#/components/schemas/format"}],
                        "default": "png",
                        "x-order": 2,
                    },
                },
            },
            "format": {"type": "string", "enum": ["png", "jpeg"], "title": "format"},
            "Output": {"type": "string", "format": "uri", "title": "Output"},
            "TrainingInput": {
                "type": "object",
                "required": ["corpus"],
                "properties": {"corpus": {"type": "string", "minLength": 1}},
            },
            "TrainingOutput": {
                "type": "object",
                "properties": {
                    "weights": {"type": "string", "format": "uri"},
                    "words": {"type": "integer"},
                },
            },
        }
    },
}
PNG = b"\x89PNG\r\n\x1a\nfake"


@dataclass
class Said:
    """What a run reported."""

    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)

    def reporter(self) -> Reporter:
        return Reporter(note=self.notes.append, warn=self.warnings.append, log=self.logs.append)


class World:
    """One engine holding one model image, whose containers play :attr:`model`."""

    def __init__(self, schema: Mapping[str, Any] | None = SCHEMA, **config: object) -> None:
        self.local = InMemoryLocalImages()
        labels = cog_labels(config=config or None, schema=schema)
        if schema is None:
            labels.pop(LABEL_OPENAPI_SCHEMA, None)
        self.image = self.local.add(cog_image("acme/thumbnail:1", labels))
        self.runner = InMemoryContainerRunner(self.local, self._program)
        self.model = ScriptedModel(health=(HealthStatus.STARTING, HealthStatus.READY))
        self.api = InMemoryModelApi(self.runner, self.model)
        self.files = InMemoryInputFiles({"photo.png": PNG})
        self.output_lines = ["setup: loading weights", "setup: done"]
        self.guarded = 0
        self.predictor = Predictor(
            runner=self.runner,
            api=self.api,
            files=self.files,
            uninterruptible=self._guard,
            poll_interval=0.01,
        )

    def cog_model(self) -> Model:
        return Model.from_image(self.image)

    def _program(self, spec: object) -> RunResult:
        return RunResult(
            exit_code=0, stdout="".join(f"{x}\n" for x in self.output_lines), stderr=""
        )

    @contextmanager
    def _guard(self) -> Iterator[None]:
        self.guarded += 1
        yield

    @property
    def sent(self) -> list[dict[str, object]]:
        return [dict(job.inputs) for job in self.model.received]


def as_json(value: object) -> str:
    return json.dumps(value, sort_keys=True)

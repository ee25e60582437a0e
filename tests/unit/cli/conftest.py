"""The CLI under test: ``main()`` with captured streams and an in-memory composition root."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from adapters.cli.context import Context
from adapters.cli.main import main
from adapters.container import Container, create_container
from domain.cogyaml.models import CogConfig
from domain.image import Image
from domain.image_source import ImageSource
from domain.reference import ParsedRef, parse_ref
from domain.source import Source
from tests.builders import SCHEMA, cog_image, cog_labels

# A realistic Cog schema: two typed inputs with constraints and a file output.
MODEL_SCHEMA: dict[str, Any] = {
    **SCHEMA,
    "paths": {},
    "components": {
        "schemas": {
            "Input": {
                "type": "object",
                "title": "Input",
                "required": ["text"],
                "properties": {
                    "text": {
                        "type": "string",
                        "title": "Text",
                        "x-order": 0,
                        "description": "What to say",
                    },
                    "times": {
                        "type": "integer",
                        "title": "Times",
                        "x-order": 1,
                        "default": 1,
                        "minimum": 1,
                        "maximum": 10,
                    },
                    "loud": {"type": "boolean", "title": "Loud", "x-order": 2, "default": False},
                    "photo": {"type": "string", "format": "uri", "x-order": 3, "title": "Photo"},
                },
            },
            "Output": {"type": "string", "format": "uri", "title": "Output"},
        }
    },
}


@dataclass
class Run:
    """The outcome of one ``cogmodel`` invocation."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Cli:
    """Runs ``cogmodel`` in-process against one memory container."""

    container: Container
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    load_source: Callable[[str, Path], Source] | None = None

    def __call__(
        self, *argv: str, env: Mapping[str, str] | None = None, stdin: str | None = None
    ) -> Run:
        out, err = io.StringIO(), io.StringIO()
        context = Context(
            env={**self.env, **(env or {})},
            stdout=out,
            stderr=err,
            stdin=io.StringIO(stdin) if stdin is not None else None,
            cwd=self.cwd,
            container=self.container,
            load_source=self.load_source,
        )
        code = main(list(argv), context=context)
        return Run(code=code, out=out.getvalue(), err=err.getvalue())

    @property
    def local(self) -> Any:
        return self.container.local_images()

    @property
    def remote(self) -> Any:
        return self.container.remote_images()

    def add_remote(self, ref: str, labels: Mapping[str, str] | None = None) -> ParsedRef:
        image = cog_image(ref, labels, source=ImageSource.REMOTE)
        added: ParsedRef = self.remote.add(image)
        return added

    def add_local(self, ref: str, labels: Mapping[str, str] | None = None) -> Image:
        stored: Image = self.local.add(cog_image(ref, labels))
        return stored


def model_labels(**config: object) -> dict[str, str]:
    """Labels of the example model (schema included)."""
    return cog_labels(config=config or None, version="0.16.8", schema=MODEL_SCHEMA)


def simple_loader(config: CogConfig) -> Callable[[str, Path], Source]:
    """A project loader that finds ``config`` in the start directory (no file reading)."""

    def load(filename: str, start_dir: Path) -> Source:
        return Source(config=config, project_dir=start_dir.resolve(), config_filename=filename)

    return load


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    project = tmp_path / "hello-model"
    project.mkdir()
    config = CogConfig.model_validate(
        {"build": {"python_version": "3.11"}, "predict": "predict.py:Predictor"}
    )
    return Cli(
        container=create_container({"backend": "memory"}),
        cwd=project,
        load_source=simple_loader(config),
    )


def ref(text: str) -> ParsedRef:
    return parse_ref(text)

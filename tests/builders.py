"""Builders for test data: Cog images, sources and resolvers wired to the in-memory fakes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from adapters.memory import (
    InMemoryLocalImages,
    InMemoryModelFactory,
    InMemoryRemoteImages,
)
from application.resolver import Preference, Resolver
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG, LABEL_OPENAPI_SCHEMA, LABEL_VERSION
from domain.platform import Platform, parse_platform
from domain.reference import ParsedRef, parse_ref

SCHEMA = {"openapi": "3.0.2", "info": {"title": "Cog", "version": "0.1.0"}, "paths": {}}


def cog_labels(
    *,
    config: Mapping[str, object] | None = None,
    version: str = "0.10.0",
    schema: Mapping[str, object] | None = None,
) -> dict[str, str]:
    """Labels of a Cog model image."""
    config = {"build": {"python_version": "3.11"}, "predict": "predict.py:Predictor"} | dict(
        config or {}
    )
    labels = {LABEL_CONFIG: json.dumps(config), LABEL_VERSION: version}
    if schema is not None:
        labels[LABEL_OPENAPI_SCHEMA] = json.dumps(schema)
    return labels


def cog_image(
    ref: str | ParsedRef,
    labels: Mapping[str, str] | None = None,
    *,
    source: ImageSource = ImageSource.LOCAL,
    platform: Platform | str | None = "linux/amd64",
) -> Image:
    """An image named ``ref`` with Cog labels (or ``labels``)."""
    parsed = parse_ref(ref) if isinstance(ref, str) else ref
    return Image(
        reference=parsed,
        image_id=None,
        source=source,
        labels=cog_labels() if labels is None else labels,
        platform=parse_platform(platform) if isinstance(platform, str) else platform,
    )


class World:
    """An engine and a registry in memory, and a resolver over them."""

    def __init__(self, *, default: Preference = Preference.PREFER_LOCAL) -> None:
        self.remote = InMemoryRemoteImages()
        self.local = InMemoryLocalImages(registry=self.remote)
        self.factory = InMemoryModelFactory(self.local, cog_version="0.11.0")
        self.resolver = Resolver(
            local=self.local, remote=self.remote, factory=self.factory, default_preference=default
        )

    def add_local(self, ref: str, labels: Mapping[str, str] | None = None) -> Image:
        return self.local.add(cog_image(ref, labels))

    def add_remote(self, ref: str, labels: Mapping[str, str] | None = None) -> ParsedRef:
        return self.remote.add(cog_image(ref, labels, source=ImageSource.REMOTE))


def project_dir(tmp_path: Path, name: str = "my-project") -> Path:
    """An (empty) project directory named ``name``."""
    path = tmp_path / name
    path.mkdir(parents=True, exist_ok=True)
    return path

"""Resolver.build, build_base, resolve and the Ref types (cog-spec §7.3 items 2, 30–37)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path, PurePath

import pytest

from adapters.memory import InMemoryModelFactory
from application.resolver import Preference
from domain.cogyaml.models import CogConfig
from domain.errors import (
    BuildError,
    ImageNotFoundError,
    InvalidLabelError,
    InvalidReferenceError,
    ProtocolError,
    SourceError,
)
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import LABEL_OPENAPI_SCHEMA
from domain.options import BuildBaseOptions, BuildOptions
from domain.reference import parse_ref
from domain.refs import BuildRef, from_build, from_local, from_remote, from_tag
from domain.source import Source
from tests.builders import SCHEMA, World, cog_labels, project_dir

REF = "r8.im/user/model:v1"


def _source(tmp_path: Path, name: str = "my-project") -> Source:
    return Source.from_config(
        CogConfig(predict="predict.py:Predictor"), project_dir(tmp_path, name)
    )


# ---------------------------------------------------------------------------- factory


def test_with_factory_gives_a_new_resolver_and_leaves_the_old_one() -> None:  # §7.3 item 2
    world = World()
    other = InMemoryModelFactory(world.local, cog_version="other")
    replaced = world.resolver.with_factory(other)
    assert replaced.factory is other
    assert world.resolver.factory is world.factory


# ---------------------------------------------------------------------------- refs


def test_from_tag_keeps_the_original_text() -> None:  # §7.3 item 30
    ref = from_tag("my-image:latest")
    assert ref.image.original == "my-image:latest"
    parsed = from_tag("r8.im/user/model:v1").image
    assert (parsed.registry, parsed.tag) == ("r8.im", "v1")


@pytest.mark.parametrize("make", [from_tag, from_local, from_remote])
def test_invalid_text_makes_no_ref(make) -> None:  # type: ignore[no-untyped-def]  # item 30
    with pytest.raises(InvalidReferenceError) as info:
        make("INVALID::REF")
    assert info.value.text == "INVALID::REF"


def test_from_remote_parses_the_registry() -> None:  # §7.3 item 31
    assert from_remote("r8.im/user/model").image.registry == "r8.im"


def test_from_build_keeps_its_source_and_options(tmp_path: Path) -> None:  # §7.3 item 32
    source = _source(tmp_path)
    options = BuildOptions(image_name="my-built-image", no_cache=True)
    ref = from_build(source, options)
    assert ref.source is source
    assert ref.options is options
    assert from_build(None).source is None


def test_tag_ref_resolves_locally_first(tmp_path: Path) -> None:  # §7.3 item 33
    world = World()
    world.add_local(REF, cog_labels(version="0.10.0"))
    world.add_remote(REF, cog_labels(version="remote"))
    assert world.resolver.resolve(from_tag(REF)).cog_version == "0.10.0"


def test_tag_ref_follows_the_configured_default_preference() -> None:  # Cog HEAD's default
    world = World(default=Preference.PREFER_REMOTE)
    world.add_local(REF, cog_labels(version="local"))
    world.add_remote(REF, cog_labels(version="remote"))
    assert world.resolver.resolve(from_tag(REF)).cog_version == "remote"


def test_local_ref_resolves_only_locally() -> None:  # §7.3 items 34, 37
    world = World()
    world.add_local(REF)
    assert world.resolver.resolve(from_local(REF)).image.source is ImageSource.LOCAL
    other = World()
    other.add_remote(REF)
    with pytest.raises(ImageNotFoundError) as info:
        other.resolver.resolve(from_local(REF))
    assert info.value.location is ImageSource.LOCAL


def test_remote_ref_resolves_only_remotely() -> None:  # §7.3 item 35
    world = World()
    world.add_remote(REF)
    world.local.unavailable = True
    assert world.resolver.resolve(from_remote(REF)).image.source is ImageSource.REMOTE
    other = World()
    other.add_local(REF)
    with pytest.raises(ImageNotFoundError) as info:
        other.resolver.resolve(from_remote(REF))
    assert info.value.location is ImageSource.REMOTE


# ---------------------------------------------------------------------------- builds


def test_build_ref_builds_under_the_given_name(tmp_path: Path) -> None:  # §7.3 item 36
    world = World()
    model = world.resolver.resolve(
        from_build(_source(tmp_path), BuildOptions(image_name="my-built-image"))
    )
    assert model.image.reference == parse_ref("my-built-image")
    assert model.image.source is ImageSource.BUILD
    assert model.cog_version == "0.11.0"
    assert world.local.inspect(parse_ref("my-built-image")).image_id == model.image.image_id


class _FactoryWithoutIds(InMemoryModelFactory):
    """Returns its builds without an image id (Cog's mock factory), or also without a name."""

    def __init__(self, *args: object, nameless: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._nameless = nameless

    def build(self, source: Source, options: BuildOptions) -> Image:
        built = replace(super().build(source, options), image_id=None)
        return replace(built, reference=None) if self._nameless else built


def test_build_without_an_image_id_is_inspected_by_name(tmp_path: Path) -> None:  # item 36
    world = World()
    resolver = world.resolver.with_factory(_FactoryWithoutIds(world.local, cog_version="0.11.0"))
    model = resolver.build(_source(tmp_path), BuildOptions(image_name="my-built-image"))
    stored = world.local.inspect(parse_ref("my-built-image"))
    assert model.image.image_id == stored.image_id
    assert model.image.reference == parse_ref("my-built-image")
    assert model.image.source is ImageSource.BUILD
    assert model.cog_version == "0.11.0"


def test_build_returning_neither_id_nor_name_is_a_protocol_error(tmp_path: Path) -> None:
    world = World()
    resolver = world.resolver.with_factory(_FactoryWithoutIds(world.local, nameless=True))
    with pytest.raises(ProtocolError) as info:
        resolver.build(_source(tmp_path))
    assert info.value.backend == "memory"


def test_build_failure_propagates_unchanged(tmp_path: Path) -> None:  # §7.3 item 36
    world = World()
    failure = BuildError("build failed: missing dependencies", step="RUN pip install")
    world.factory.fail_next(failure)
    with pytest.raises(BuildError) as info:
        world.resolver.build(_source(tmp_path))
    assert info.value is failure


def test_build_derives_the_image_name_from_the_project_directory(tmp_path: Path) -> None:
    world = World()
    model = world.resolver.build(_source(tmp_path, "My Project"))
    assert model.image.reference == parse_ref("cog-my-project")


def test_build_returns_the_source_config_and_the_labels_schema(tmp_path: Path) -> None:
    world = World()
    source = _source(tmp_path)
    (Path(source.project_dir) / "schema.json").write_text(json.dumps(SCHEMA))
    model = world.resolver.build(source, BuildOptions(schema_file="schema.json"))
    assert model.config is source.config
    assert model.schema is not None
    assert model.schema["info"] == {"title": "Cog", "version": "0.1.0"}
    label = world.local.inspect(parse_ref("cog-my-project")).labels[LABEL_OPENAPI_SCHEMA]
    assert json.loads(label) == SCHEMA


def test_build_with_a_malformed_schema_label_is_an_invalid_label(tmp_path: Path) -> None:
    world = World()
    source = _source(tmp_path)
    (Path(source.project_dir) / "schema.json").write_text("[1, 2]")
    with pytest.raises(InvalidLabelError) as info:
        world.resolver.build(source, BuildOptions(schema_file="schema.json"))
    assert info.value.label == LABEL_OPENAPI_SCHEMA


@pytest.mark.parametrize(
    "source",
    [
        None,
        Source(config=None, project_dir=PurePath("/path/to/project")),
        Source(config=CogConfig(), project_dir=PurePath("relative/dir")),
    ],
    ids=["no-source", "no-config", "relative-dir"],
)
def test_build_refuses_an_unusable_source(source: Source | None) -> None:
    world = World()
    with pytest.raises(SourceError):
        world.resolver.build(source)
    with pytest.raises(SourceError):
        world.resolver.build_base(source)
    with pytest.raises(SourceError):
        world.resolver.resolve(BuildRef(source=source))
    assert world.factory.builds == 0


def test_build_base_names_the_dev_image_after_the_project(tmp_path: Path) -> None:
    world = World()
    model = world.resolver.build_base(_source(tmp_path), BuildBaseOptions())
    assert model.image.reference == parse_ref("cog-my-project-base")
    assert model.schema is None

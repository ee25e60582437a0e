"""The composition decides; the container and the registry-only Resolver both follow it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters import composition
from adapters.cli.context import Context
from adapters.composition import configuration, registry_resolver
from adapters.container import create_container
from adapters.memory import InMemoryRemoteImages
from adapters.registry import OrasRemoteImages
from application.resolver import Preference
from domain.errors import InvalidInputError
from domain.image_source import ImageSource
from domain.reference import parse_ref
from tests.builders import cog_image


def test_the_preference_choices_are_the_resolvers_preferences() -> None:
    assert composition.CHOICES["default_preference"] == {p.name for p in Preference}


def test_configuration_merges_nested_settings_and_keeps_the_defaults() -> None:
    config = configuration({"registry": {"deadline": 3.0}, "builder": "classic"})
    assert config["registry"]["deadline"] == 3.0
    assert config["registry"]["read_timeout"] == composition.DEFAULTS["registry"]["read_timeout"]
    assert config["builder"] == "classic"
    config["registry"]["insecure"] = ["x"]  # a copy: the defaults stay as they were
    assert composition.DEFAULTS["registry"]["insecure"] == []


@pytest.mark.parametrize("key", ["backend", "builder", "default_preference"])
def test_unknown_choices_are_refused_by_both_halves(key: str) -> None:
    with pytest.raises(InvalidInputError):
        configuration({key: "nonsense"})
    with pytest.raises(InvalidInputError):
        create_container({key: "nonsense"})


def test_the_registry_resolver_and_the_container_make_the_same_registry_adapter() -> None:
    settings = {"registry": {"insecure": ["r.example"], "deadline": 7.0, "certs_dir": "/x"}}
    resolver = registry_resolver(configuration(settings))
    light = resolver._remote
    wired = create_container(settings).remote_images()
    assert isinstance(light, OrasRemoteImages)
    assert isinstance(wired, OrasRemoteImages)
    assert light._options == wired._options


def test_the_registry_resolver_refuses_registry_settings_as_the_container_does() -> None:
    with pytest.raises(InvalidInputError):
        registry_resolver(configuration({"registry": {"deadline": 0}}))


def test_the_registry_resolver_asks_registries_only() -> None:
    resolver = registry_resolver(configuration())
    ref = parse_ref("127.0.0.1:1/a/b:0")
    with pytest.raises(RuntimeError, match="no engine"):
        resolver.inspect(ref, prefer=Preference.LOCAL_ONLY)


def _context(**kwargs: object) -> Context:
    return Context(
        env={},
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        cwd=Path.cwd(),
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_context_with_a_container_uses_the_containers_resolver() -> None:
    container = create_container({"backend": "memory"})
    remote = container.remote_images()
    assert isinstance(remote, InMemoryRemoteImages)
    resolver = _context(container=container).registry_resolver()
    ref = parse_ref("r8.im/acme/model:1")
    remote.add(cog_image(ref, source=ImageSource.REMOTE))
    assert resolver.inspect(ref, prefer=Preference.REMOTE_ONLY).image.source is ImageSource.REMOTE


def test_a_context_without_a_container_wires_the_registry_resolver_without_one() -> None:
    ctx = _context()
    resolver = ctx.registry_resolver()
    assert isinstance(resolver._remote, OrasRemoteImages)
    assert ctx._container is None

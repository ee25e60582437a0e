"""The composition root: configuration chooses the backends, nothing connects until used."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from adapters.container import Container, create_container
from adapters.memory import InMemoryLocalImages, InMemoryRemoteImages
from application.resolver import Preference
from domain.errors import BackendUnavailableError, ImageNotFoundError, InvalidInputError
from domain.image_source import ImageSource
from domain.reference import parse_ref
from tests.builders import cog_image

DEAD_ENGINE = {"docker": {"host": "unix:///nonexistent/cogmodel-test.sock"}}


def test_the_default_factory_is_the_dockerfile_factory() -> None:  # cog-spec §7.3 item 1
    resolver = create_container(DEAD_ENGINE).resolver()
    assert resolver.factory.name == "dockerfile"


def test_building_the_real_resolver_connects_to_nothing() -> None:
    container = create_container(DEAD_ENGINE)
    resolver = container.resolver()  # every adapter is constructed here
    with pytest.raises(BackendUnavailableError):
        resolver.inspect(parse_ref("example/model:1"), prefer=Preference.LOCAL_ONLY)


def test_memory_backend_is_configuration() -> None:
    container = create_container({"backend": "memory"})
    local = container.local_images()
    assert isinstance(local, InMemoryLocalImages)
    assert container.remote_images() is local.registry  # one in-memory world
    ref = parse_ref("r8.im/acme/model:1")
    local.add(cog_image(ref))
    assert container.resolver().inspect(ref).image.source is ImageSource.LOCAL


def test_a_provider_can_be_overridden() -> None:
    container = create_container({"backend": "memory"})
    ref = parse_ref("r8.im/acme/model:1")
    registry = InMemoryRemoteImages([cog_image(ref, source=ImageSource.REMOTE)])
    with container.remote_images.override(registry):
        model = container.resolver().inspect(ref, prefer=Preference.REMOTE_ONLY)
        assert model.image.source is ImageSource.REMOTE
    with pytest.raises(ImageNotFoundError):
        container.resolver().inspect(ref, prefer=Preference.REMOTE_ONLY)


def test_an_override_made_after_the_resolver_was_used_takes_effect() -> None:
    # Once a resolver had been used, the first wiring ignored later overrides (it cached the
    # adapter): a resolver in hand, and a new one, must both see the override.
    container = create_container({"backend": "memory"})
    ref = parse_ref("r8.im/acme/model:1")
    resolver = container.resolver()
    with pytest.raises(ImageNotFoundError):
        resolver.inspect(ref, prefer=Preference.REMOTE_ONLY)
    container.remote_images.override(
        InMemoryRemoteImages([cog_image(ref, source=ImageSource.REMOTE)])
    )
    assert resolver.inspect(ref, prefer=Preference.REMOTE_ONLY).image.source is ImageSource.REMOTE
    assert container.resolver().inspect(ref, prefer=Preference.REMOTE_ONLY).image.reference == ref


def test_the_docstring_example_works_on_a_bare_container() -> None:
    # Container() with no create_container: the defaults apply, and nothing connects.
    resolver = Container().resolver()
    assert resolver.factory.name == "dockerfile"
    assert Container().config.registry.deadline() == 30.0


def test_overrides_merge_into_the_defaults() -> None:
    container = create_container({"registry": {"deadline": 7.0}, "docker": {"host": "unix:///x"}})
    assert container.config.registry() == {
        "insecure": [],
        "ca_bundle": None,
        "certs_dir": None,
        "connect_timeout": 5.0,
        "read_timeout": 10.0,
        "deadline": 7.0,
    }
    assert container.config.docker.cli() == "/usr/bin/docker"


@pytest.mark.parametrize(
    ("preference", "found_in"),
    [("PREFER_REMOTE", ImageSource.REMOTE), ("PREFER_LOCAL", ImageSource.LOCAL)],
)
def test_default_preference_is_configuration(preference: str, found_in: ImageSource) -> None:
    # The image is in both places, so only the configured order decides which one answers.
    container = create_container({"backend": "memory", "default_preference": preference})
    ref = parse_ref("r8.im/acme/model:1")
    container.local_images().add(cog_image(ref))
    container.remote_images().add(cog_image(ref, source=ImageSource.REMOTE))
    assert container.resolver().inspect(ref).image.source is found_in


@pytest.mark.parametrize("key", ["backend", "builder", "default_preference"])
def test_unknown_choices_are_refused_as_invalid_input(key: str) -> None:
    with pytest.raises(InvalidInputError):
        create_container({key: "nonsense"})


def test_importing_the_container_imports_no_backend_library() -> None:
    code = (
        "import sys, adapters.container as c; c.create_container({'backend': 'memory'}).resolver();"
        "print(sorted(m for m in ('docker', 'oras', 'requests') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("key", ["connect_timeout", "read_timeout", "deadline"])
def test_registry_bounds_reach_the_registry_adapter(key: str) -> None:
    # A bound that is not positive is refused by RegistryOptions: proof the value got there.
    container = create_container({"registry": {key: 0}})
    with pytest.raises(InvalidInputError):
        container.remote_images()


def test_workers_asking_for_a_port_at_once_share_one_adapter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adapters.registry.remote_images import OrasRemoteImages

    made: list[object] = []
    real_init = OrasRemoteImages.__init__

    def slow_init(self: OrasRemoteImages, **kwargs: object) -> None:
        made.append(self)
        time.sleep(0.05)  # a window in which other threads ask too
        real_init(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(OrasRemoteImages, "__init__", slow_init)
    container = create_container(DEAD_ENGINE)
    barrier = threading.Barrier(8)

    def ask() -> object:
        barrier.wait()
        return container.remote_images()

    with ThreadPoolExecutor(max_workers=8) as pool:
        adapters = list(pool.map(lambda _: ask(), range(8)))
    assert len(made) == 1
    assert all(adapter is adapters[0] for adapter in adapters)

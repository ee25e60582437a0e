"""Resolver.inspect_many: many images, concurrently, results in input order (fakes only)."""

from __future__ import annotations

import threading
import time

import pytest

from adapters.memory import InMemoryLocalImages, InMemoryRemoteImages
from application.resolver import Preference, Resolver
from domain.errors import (
    AuthenticationError,
    ImageNotFoundError,
    InvalidInputError,
    InvalidLabelError,
    NotCogModelError,
    PlatformNotFoundError,
)
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG
from domain.model import Model
from domain.platform import Platform, parse_platform
from domain.reference import ParsedRef, parse_ref
from tests.builders import World, cog_labels


class PacedRemote(InMemoryRemoteImages):
    """The in-memory registry, answering after ``delay`` seconds (per reference, if given),
    and counting how many look-ups are in flight at once."""

    def __init__(self, delay: float = 0.02, delays: dict[str, float] | None = None) -> None:
        super().__init__()
        self._delay, self._delays = delay, delays or {}
        self._lock = threading.Lock()
        self.in_flight = self.most_in_flight = self.calls = 0

    def inspect(self, ref: ParsedRef, *, platform: Platform | None = None) -> Image:
        with self._lock:
            self.calls += 1
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            time.sleep(self._delays.get(ref.repository, self._delay))
            return super().inspect(ref, platform=platform)
        finally:
            with self._lock:
                self.in_flight -= 1


def _world(remote: InMemoryRemoteImages) -> World:
    world = World()
    world.remote = remote
    world.local = InMemoryLocalImages(registry=remote)
    world.resolver = Resolver(local=world.local, remote=remote, factory=world.factory)
    return world


def _refs(count: int, prefix: str = "r8.im/acme/m") -> list[ParsedRef]:
    return [parse_ref(f"{prefix}{i}:1") for i in range(count)]


def test_results_come_in_input_order_as_models_or_the_error_each_image_met() -> None:
    world = World()
    good = world.add_remote("r8.im/acme/good:1", cog_labels(version="0.9.0"))
    world.add_remote("r8.im/acme/plain:1", {"maintainer": "x"})
    world.add_remote("r8.im/acme/broken:1", {LABEL_CONFIG: "{bad"})
    world.add_remote("r8.im/acme/secret:1")
    world.remote.denied.add("r8.im/acme/secret")
    refs = [
        parse_ref(text)
        for text in (
            "r8.im/acme/missing:1",
            "r8.im/acme/good:1",
            "r8.im/acme/plain:1",
            "r8.im/acme/broken:1",
            "r8.im/acme/secret:1",
            "r8.im/acme/good:1",
        )
    ]
    results = list(world.resolver.inspect_many(refs, prefer=Preference.REMOTE_ONLY))
    kinds = [type(result) for result in results]
    assert kinds == [
        ImageNotFoundError,
        Model,
        NotCogModelError,
        InvalidLabelError,
        AuthenticationError,
        Model,
    ]
    first = results[1]
    assert isinstance(first, Model)
    assert (first.image.reference, first.cog_version) == (good, "0.9.0")
    missing = results[0]
    assert isinstance(missing, ImageNotFoundError)
    assert missing.location is ImageSource.REMOTE


def test_each_result_is_what_inspect_gives_for_that_reference() -> None:
    world = World()
    refs = [
        world.add_remote(f"r8.im/acme/m{i}:1", cog_labels(version=f"0.{i}.0")) for i in range(5)
    ]
    many = list(world.resolver.inspect_many(refs))
    assert many == [world.resolver.inspect(ref) for ref in refs]


def test_the_preference_and_platform_apply_to_every_image() -> None:
    world = World()
    world.add_local("r8.im/acme/local:1")
    world.add_remote("r8.im/acme/remote:1")
    refs = [parse_ref("r8.im/acme/local:1"), parse_ref("r8.im/acme/remote:1")]
    local_only = list(world.resolver.inspect_many(refs, prefer=Preference.LOCAL_ONLY))
    assert isinstance(local_only[0], Model)
    assert isinstance(local_only[1], ImageNotFoundError)
    fallback = list(world.resolver.inspect_many(refs))  # default: local first, then remote
    assert [r.image.source for r in fallback if isinstance(r, Model)] == [
        ImageSource.LOCAL,
        ImageSource.REMOTE,
    ]
    arm = parse_platform("linux/arm64")
    outcomes = [type(r) for r in world.resolver.inspect_many(refs, platform=arm)]
    # The local amd64 image is no arm64 image, and the registry has no local:1 at all.
    assert outcomes == [ImageNotFoundError, PlatformNotFoundError]


def test_look_ups_run_concurrently_but_never_more_than_max_workers() -> None:
    remote = PacedRemote(delay=0.05)
    world = _world(remote)
    refs = [world.add_remote(str(ref)) for ref in _refs(12)]
    started = time.perf_counter()
    results = list(world.resolver.inspect_many(refs, prefer=Preference.REMOTE_ONLY, max_workers=4))
    elapsed = time.perf_counter() - started
    assert all(isinstance(result, Model) for result in results)
    assert remote.most_in_flight == 4
    assert elapsed < 12 * 0.05  # not one after the other


def test_a_slow_first_image_holds_back_nothing_but_its_own_place() -> None:
    remote = PacedRemote(delay=0.0, delays={"acme/m0": 0.2})
    world = _world(remote)
    refs = [world.add_remote(str(ref)) for ref in _refs(6)]
    results = list(world.resolver.inspect_many(refs, prefer=Preference.REMOTE_ONLY))
    assert [r.image.reference for r in results if isinstance(r, Model)] == refs
    assert remote.most_in_flight > 1


def test_nothing_starts_before_the_first_result_is_asked_for_and_closing_stops_the_rest() -> None:
    remote = PacedRemote(delay=0.02)
    world = _world(remote)
    refs = [world.add_remote(str(ref)) for ref in _refs(20)]
    results = world.resolver.inspect_many(refs, prefer=Preference.REMOTE_ONLY, max_workers=1)
    time.sleep(0.05)
    assert remote.calls == 0
    assert isinstance(next(results), Model)
    results.close()
    time.sleep(0.1)
    assert remote.calls < 5


def test_no_references_give_no_results() -> None:
    assert list(World().resolver.inspect_many([])) == []


def test_max_workers_below_one_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError):
        World().resolver.inspect_many(_refs(1), max_workers=0)


class _Broken(InMemoryRemoteImages):
    def inspect(self, ref: ParsedRef, *, platform: Platform | None = None) -> Image:
        if ref.repository.endswith("2"):
            raise RuntimeError("a bug, not a domain error")
        return super().inspect(ref, platform=platform)


def test_an_error_that_is_not_a_domain_error_is_raised_at_its_turn() -> None:
    world = _world(_Broken())
    refs = [world.add_remote(str(ref)) for ref in _refs(4)]
    results = world.resolver.inspect_many(refs, prefer=Preference.REMOTE_ONLY)
    assert isinstance(next(results), Model)
    assert isinstance(next(results), Model)
    with pytest.raises(RuntimeError):
        next(results)

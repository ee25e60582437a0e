"""Resolver.inspect: where it looks, and the one fallback rule (cog-spec §7.3 items 3–18)."""

from __future__ import annotations

import json

import pytest

from application.resolver import Preference
from domain.errors import (
    AuthenticationError,
    BackendUnavailableError,
    ImageNotFoundError,
    InvalidLabelError,
    NotCogModelError,
    PlatformNotFoundError,
)
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG, LABEL_VERSION
from domain.platform import parse_platform
from domain.reference import parse_ref
from tests.builders import World, cog_image, cog_labels

REF = "r8.im/acme/resnet:1"


def test_local_only_reads_the_local_image_and_its_labels() -> None:  # §7.3 item 3
    world = World()
    world.add_local(REF, cog_labels(version="0.10.0"))
    model = world.resolver.inspect(parse_ref(REF), prefer=Preference.LOCAL_ONLY)
    assert model.image.source is ImageSource.LOCAL
    assert model.cog_version == "0.10.0"
    assert model.config.build.python_version == "3.11"


def test_local_only_never_falls_back_to_the_registry() -> None:  # §7.3 item 4
    world = World()
    world.add_remote(REF)  # present remotely only
    with pytest.raises(ImageNotFoundError) as info:
        world.resolver.inspect(parse_ref(REF), prefer=Preference.LOCAL_ONLY)
    assert info.value.location is ImageSource.LOCAL


def test_remote_only_reads_the_registry_without_the_engine() -> None:  # §7.3 item 5
    world = World()
    world.add_remote(REF, cog_labels(version="0.12.0"))
    world.local.unavailable = True  # asking the engine would fail
    model = world.resolver.inspect(parse_ref(REF), prefer=Preference.REMOTE_ONLY)
    assert model.image.source is ImageSource.REMOTE
    assert model.cog_version == "0.12.0"


def test_remote_only_miss_says_not_found_in_the_registry() -> None:  # §7.3 item 6
    world = World()
    world.add_local(REF)
    with pytest.raises(ImageNotFoundError) as info:
        world.resolver.inspect(parse_ref(REF), prefer=Preference.REMOTE_ONLY)
    assert info.value.location is ImageSource.REMOTE


def test_remote_image_without_config_label_is_not_a_cog_model() -> None:  # §7.3 item 7
    world = World()
    world.add_remote(REF, {LABEL_VERSION: "0.10.0"})
    with pytest.raises(NotCogModelError):
        world.resolver.inspect(parse_ref(REF), prefer=Preference.REMOTE_ONLY)


def test_default_prefers_the_local_image() -> None:  # §7.3 item 8
    world = World()
    world.add_local(REF)
    world.remote.unavailable = True  # asking the registry would fail
    assert world.resolver.inspect(parse_ref(REF)).image.source is ImageSource.LOCAL


def test_default_falls_back_to_the_registry_on_a_local_miss() -> None:  # §7.3 items 9, 33
    world = World()
    world.add_remote(REF)
    assert world.resolver.inspect(parse_ref(REF)).image.source is ImageSource.REMOTE


def test_default_does_not_mask_a_dead_engine_as_a_miss() -> None:  # §7.3 item 10
    world = World()
    world.add_remote(REF)
    world.local.unavailable = True
    with pytest.raises(BackendUnavailableError):
        world.resolver.inspect(parse_ref(REF))


def test_prefer_remote_reads_the_registry_first() -> None:  # §7.3 item 11
    world = World()
    world.add_remote(REF)
    world.local.unavailable = True
    model = world.resolver.inspect(parse_ref(REF), prefer=Preference.PREFER_REMOTE)
    assert model.image.source is ImageSource.REMOTE


def test_prefer_remote_falls_back_to_the_engine_on_a_registry_miss() -> None:  # §7.3 item 12
    world = World()
    world.add_local(REF)
    model = world.resolver.inspect(parse_ref(REF), prefer=Preference.PREFER_REMOTE)
    assert model.image.source is ImageSource.LOCAL


def test_prefer_remote_surfaces_an_authentication_failure() -> None:  # §7.3 item 13
    world = World()
    world.add_local(REF)
    world.add_remote(REF)
    world.remote.denied.add(parse_ref(REF).name)
    with pytest.raises(AuthenticationError):
        world.resolver.inspect(parse_ref(REF), prefer=Preference.PREFER_REMOTE)


def test_platform_reaches_the_registry() -> None:  # §7.3 item 14
    world = World()
    ref = parse_ref(REF)
    world.remote.add_index(
        ref,
        [
            cog_image(ref, cog_labels(version="amd"), platform="linux/amd64"),
            cog_image(ref, cog_labels(version="arm"), platform="linux/arm64/v8"),
        ],
    )
    arm = parse_platform("linux/arm64")
    model = world.resolver.inspect(ref, prefer=Preference.REMOTE_ONLY, platform=arm)
    assert model.cog_version == "arm"
    assert model.image.platform == parse_platform("linux/arm64/v8")


def test_local_image_for_another_platform_counts_as_a_local_miss() -> None:
    world = World()
    world.add_local(REF, cog_labels(version="local-amd64"))
    ref = parse_ref(REF)
    world.remote.add_index(ref, [cog_image(ref, cog_labels(version="arm"), platform="linux/arm64")])
    model = world.resolver.inspect(ref, platform=parse_platform("linux/arm64"))
    assert model.cog_version == "arm"
    with pytest.raises(PlatformNotFoundError) as info:
        world.resolver.inspect(
            ref, prefer=Preference.LOCAL_ONLY, platform=parse_platform("linux/arm64")
        )
    assert info.value.location is ImageSource.LOCAL


def test_config_label_is_parsed() -> None:  # §7.3 item 15
    world = World()
    config = {"build": {"gpu": True, "python_version": "3.12"}, "predict": "predict.py:Predictor"}
    world.add_local(REF, {LABEL_CONFIG: json.dumps(config)})
    model = world.resolver.inspect(parse_ref(REF))
    assert model.has_gpu
    assert model.config.build.python_version == "3.12"
    assert model.config.predict == "predict.py:Predictor"


def test_malformed_config_label_is_an_invalid_label_error() -> None:  # §7.3 item 16
    world = World()
    world.add_local(REF, {LABEL_CONFIG: "{invalid json"})
    with pytest.raises(InvalidLabelError) as info:
        world.resolver.inspect(parse_ref(REF))
    assert info.value.label == LABEL_CONFIG
    assert info.value.reason  # the decoder's own explanation is carried


def test_version_label_alone_is_not_a_cog_model() -> None:  # §7.3 item 17
    world = World()
    world.add_local(REF, {LABEL_VERSION: "0.10.0"})
    with pytest.raises(NotCogModelError):
        world.resolver.inspect(parse_ref(REF))


def test_unrelated_labels_are_not_a_cog_model_and_the_error_names_the_image() -> None:  # item 18
    world = World()
    world.add_local("nginx:latest", {"maintainer": "NGINX"})
    with pytest.raises(NotCogModelError) as info:
        world.resolver.inspect(parse_ref("nginx:latest"))
    assert "nginx:latest" in info.value.ref

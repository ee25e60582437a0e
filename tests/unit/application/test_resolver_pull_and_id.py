"""Resolver.inspect_by_id and Resolver.pull (cog-spec §7.3 items 19–28, and beyond)."""

from __future__ import annotations

import json

import pytest

from application.resolver import Preference
from domain.digest import Digest, ImageId
from domain.errors import (
    AmbiguousImageIdError,
    AuthenticationError,
    BackendUnavailableError,
    ImageNotFoundError,
    InvalidDigestError,
    NotCogModelError,
    PlatformNotFoundError,
)
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG, LABEL_VERSION
from domain.platform import parse_platform
from domain.reference import parse_ref
from tests.builders import World, cog_image, cog_labels

REF = "registry.example.com/acme/model:1"
FULL_ID = Digest("sha256:9056219a5fb2" + "a" * 52)


def _local_with_id(world: World, labels: dict[str, str], image_id: Digest = FULL_ID) -> Image:
    image = Image(
        reference=parse_ref(REF), image_id=image_id, source=ImageSource.LOCAL, labels=labels
    )
    return world.local.add(image)


def test_short_id_finds_the_image_and_reports_the_full_id() -> None:  # §7.3 item 19
    world = World()
    _local_with_id(world, cog_labels(version="0.10.0"))
    model = world.resolver.inspect_by_id("9056219a5fb2")
    assert model.image.image_id == FULL_ID
    assert model.image.source is ImageSource.LOCAL
    assert model.cog_version == "0.10.0"
    assert model.config.predict == "predict.py:Predictor"


def test_full_id_finds_the_image() -> None:  # §7.3 item 20
    world = World()
    _local_with_id(world, cog_labels())
    assert world.resolver.inspect_by_id(ImageId(FULL_ID)).image.image_id == FULL_ID


def test_image_by_id_without_config_is_not_a_cog_model() -> None:  # §7.3 item 21
    world = World()
    _local_with_id(world, {LABEL_VERSION: "1"})
    with pytest.raises(NotCogModelError):
        world.resolver.inspect_by_id("9056219a5fb2")


def test_image_by_id_with_a_dead_engine_is_unavailable() -> None:  # §7.3 item 22
    world = World()
    world.local.unavailable = True
    with pytest.raises(BackendUnavailableError):
        world.resolver.inspect_by_id("9056219a5fb2")


def test_ambiguous_short_id_is_refused() -> None:
    world = World()
    _local_with_id(world, cog_labels(), Digest("sha256:ab" + "1" * 62))
    world.local.add(
        Image(
            reference=parse_ref("other:1"),
            image_id=Digest("sha256:ab" + "2" * 62),
            source=ImageSource.LOCAL,
            labels=cog_labels(),
        )
    )
    with pytest.raises(AmbiguousImageIdError) as info:
        world.resolver.inspect_by_id("ab")
    assert len(info.value.matches) == 2


def test_text_that_is_not_an_id_is_invalid_input() -> None:
    with pytest.raises(InvalidDigestError):
        World().resolver.inspect_by_id("not-hex!")


def test_pull_uses_the_local_image_when_present() -> None:  # §7.3 item 23
    world = World()
    world.add_local(REF, cog_labels(version="0.10.0"))
    world.remote.unavailable = True  # a pull would fail
    model = world.resolver.pull(parse_ref(REF))
    assert model.cog_version == "0.10.0"
    assert model.image.source is ImageSource.LOCAL


def test_pull_fetches_a_missing_image_and_reads_it_locally() -> None:  # §7.3 item 24
    world = World()
    world.add_remote(REF, cog_labels(config={"build": {"gpu": True}}))
    model = world.resolver.pull(parse_ref(REF))
    assert model.has_gpu
    assert model.image.source is ImageSource.LOCAL
    assert world.local.inspect(parse_ref(REF)).image_id == model.image.image_id


def test_pulled_image_without_config_is_not_a_cog_model() -> None:  # §7.3 item 25
    world = World()
    world.add_remote(REF, {"maintainer": "x"})
    with pytest.raises(NotCogModelError):
        world.resolver.pull(parse_ref(REF))


def test_pull_local_only_never_pulls() -> None:  # §7.3 item 26
    world = World()
    world.add_remote(REF)
    with pytest.raises(ImageNotFoundError) as info:
        world.resolver.pull(parse_ref(REF), prefer=Preference.LOCAL_ONLY)
    assert info.value.location is ImageSource.LOCAL
    with pytest.raises(ImageNotFoundError):
        world.local.inspect(parse_ref(REF))


def test_pull_of_an_image_the_registry_lacks_is_not_found() -> None:  # §7.3 item 27
    world = World()
    with pytest.raises(ImageNotFoundError) as info:
        world.resolver.pull(parse_ref(REF))
    assert info.value.location is ImageSource.REMOTE


def test_pull_with_a_dead_engine_does_not_try_to_pull() -> None:  # §7.3 item 28
    world = World()
    world.add_remote(REF)
    world.local.unavailable = True
    with pytest.raises(BackendUnavailableError):
        world.resolver.pull(parse_ref(REF))


def test_local_image_that_is_not_a_cog_model_is_not_pulled_again() -> None:
    world = World()
    world.add_local(REF, {"maintainer": "x"})
    world.add_remote(REF)  # a good model is in the registry, but we must not replace the local one
    with pytest.raises(NotCogModelError):
        world.resolver.pull(parse_ref(REF))
    assert LABEL_CONFIG not in world.local.inspect(parse_ref(REF)).labels


def test_pull_surfaces_a_registry_authentication_failure() -> None:
    world = World()
    world.add_remote(REF)
    world.remote.denied.add(parse_ref(REF).name)
    with pytest.raises(AuthenticationError):
        world.resolver.pull(parse_ref(REF))


def test_pull_honours_the_platform() -> None:  # Cog left this as a TODO
    world = World()
    ref = parse_ref(REF)
    world.remote.add_index(
        ref,
        [
            cog_image(ref, cog_labels(version="amd"), platform="linux/amd64"),
            cog_image(ref, cog_labels(version="arm"), platform="linux/arm64/v8"),
        ],
    )
    model = world.resolver.pull(ref, platform=parse_platform("linux/arm64"))
    assert model.cog_version == "arm"
    assert model.image.platform == parse_platform("linux/arm64/v8")


def test_pull_replaces_a_local_image_of_another_platform() -> None:
    world = World()
    world.add_local(REF, cog_labels(version="amd-local"))
    ref = parse_ref(REF)
    world.remote.add_index(ref, [cog_image(ref, cog_labels(version="arm"), platform="linux/arm64")])
    model = world.resolver.pull(ref, platform=parse_platform("linux/arm64"))
    assert model.cog_version == "arm"


def test_pull_local_only_for_another_platform_is_a_platform_miss() -> None:
    world = World()
    world.add_local(REF)
    with pytest.raises(PlatformNotFoundError):
        world.resolver.pull(
            parse_ref(REF), prefer=Preference.LOCAL_ONLY, platform=parse_platform("linux/arm64")
        )


def test_pull_prefer_remote_refreshes_from_the_registry() -> None:
    world = World()
    world.add_local(REF, cog_labels(version="stale"))
    world.add_remote(REF, cog_labels(version="fresh"))
    model = world.resolver.pull(parse_ref(REF), prefer=Preference.PREFER_REMOTE)
    assert model.cog_version == "fresh"


def test_pull_prefer_remote_keeps_the_local_image_when_the_registry_lacks_it() -> None:
    world = World()
    world.add_local(REF, cog_labels(version="local"))
    model = world.resolver.pull(parse_ref(REF), prefer=Preference.PREFER_REMOTE)
    assert model.cog_version == "local"


def test_push_returns_the_digest_the_registry_stores() -> None:
    world = World()
    world.add_local(REF, cog_labels(version="pushed"))
    digest = world.resolver.push(parse_ref(REF))
    assert world.remote.inspect(parse_ref(REF)).manifest_digest == digest
    assert json.loads(world.remote.inspect(parse_ref(REF)).labels[LABEL_CONFIG])["predict"]

"""LocalImagesContract: behaviour every LocalImages backend must show.

Subclass it in a ``Test*`` class and override the fixtures ``backend``, ``seed`` and
``missing_ref``; for pulls ``publish_remote``, for pushes ``push_target``. Set
``supports_pull`` / ``supports_push`` to ``False`` if your backend has no registry to talk to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar, Protocol

import pytest

from application.ports.local_images import LocalImages
from domain.digest import Digest, ImageId
from domain.errors import AmbiguousImageIdError, ImageNotFoundError, InvalidInputError
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG
from domain.progress import ProgressEvent
from domain.reference import ParsedRef


class Seed(Protocol):
    """Put a local image with these labels into the backend; return its name.

    Under ``name`` when given (a :data:`PushTarget` name, for the push tests), else under a
    fresh name. Seeding is test setup, done with the backend's own tools: the port has no
    method to name an image, because no use case needs one.
    """

    def __call__(self, labels: Mapping[str, str], name: ParsedRef | None = None) -> ParsedRef: ...


PublishRemote = Callable[[Mapping[str, str]], ParsedRef]
"""Put an image with these labels into a registry the backend can pull from; return its ref."""

PushTarget = Callable[[], ParsedRef]
"""A fresh reference in a registry the backend can push to."""


class LocalImagesContract:
    """Behaviour every LocalImages backend must show."""

    supports_pull: ClassVar[bool] = True
    supports_push: ClassVar[bool] = True

    @pytest.fixture
    def backend(self) -> LocalImages:
        """The backend under test."""
        raise NotImplementedError("override the 'backend' fixture to return your LocalImages")

    @pytest.fixture
    def seed(self) -> Seed:
        """A function that puts a labelled image into the backend (see :data:`Seed`)."""
        raise NotImplementedError("override 'seed' to store a local image with these labels")

    @pytest.fixture
    def missing_ref(self) -> ParsedRef:
        """A name the backend has no image for."""
        raise NotImplementedError("override 'missing_ref' with a name your engine lacks")

    @pytest.fixture
    def publish_remote(self) -> PublishRemote:
        """A function that publishes an image to a registry (see :data:`PublishRemote`)."""
        raise NotImplementedError("override 'publish_remote' (or set supports_pull = False)")

    @pytest.fixture
    def push_target(self) -> PushTarget:
        """A function giving fresh registry references to push to (see :data:`PushTarget`)."""
        raise NotImplementedError("override 'push_target' (or set supports_push = False)")

    # ------------------------------------------------------------------ inspect

    def test_seeded_image_comes_back_with_its_labels(
        self, backend: LocalImages, seed: Seed
    ) -> None:
        labels = {LABEL_CONFIG: '{"build":{}}', "unicode": "modèle ✓", "html": "<a&b>"}
        image = backend.inspect(seed(labels))
        assert {k: image.labels.get(k) for k in labels} == labels

    def test_inspected_image_says_it_is_local_and_named(
        self, backend: LocalImages, seed: Seed
    ) -> None:
        ref = seed({"k": "named"})
        image = backend.inspect(ref)
        assert image.source is ImageSource.LOCAL
        assert image.reference == ref
        assert isinstance(image.image_id, Digest)

    def test_missing_image_raises_image_not_found_locally(
        self, backend: LocalImages, missing_ref: ParsedRef
    ) -> None:
        with pytest.raises(ImageNotFoundError) as info:
            backend.inspect(missing_ref)
        assert info.value.location is ImageSource.LOCAL
        assert info.value.ref == str(missing_ref)

    def test_full_image_id_finds_the_same_image(self, backend: LocalImages, seed: Seed) -> None:
        by_name = backend.inspect(seed({"k": "full-id"}))
        assert by_name.image_id is not None
        by_id = backend.inspect_id(ImageId(by_name.image_id))
        assert by_id.image_id == by_name.image_id
        assert by_id.labels.get("k") == "full-id"
        assert by_id.reference is None

    def test_short_image_id_finds_the_same_image(self, backend: LocalImages, seed: Seed) -> None:
        by_name = backend.inspect(seed({"k": "short-id"}))
        assert by_name.image_id is not None
        by_id = backend.inspect_id(ImageId(by_name.image_id.short(12)))
        assert by_id.image_id == by_name.image_id

    def test_unknown_image_id_raises_image_not_found_locally(self, backend: LocalImages) -> None:
        with pytest.raises(ImageNotFoundError) as info:
            backend.inspect_id(ImageId("sha256:" + "0" * 64))
        assert info.value.location is ImageSource.LOCAL

    def test_prefix_shared_by_two_images_is_ambiguous(
        self, backend: LocalImages, seed: Seed
    ) -> None:
        # Among 17 images two must share their first hex digit (pigeonhole); stop at the first pair.
        seen: dict[str, Digest] = {}
        for number in range(17):
            image_id = backend.inspect(seed({"k": f"ambiguous-{number}"})).image_id
            assert image_id is not None
            first = image_id.hex[0]
            if first in seen and seen[first] != image_id:
                break
            seen[first] = image_id
        else:
            pytest.fail("17 distinct images cannot all start with different hex digits")
        with pytest.raises(AmbiguousImageIdError) as info:
            backend.inspect_id(ImageId(first))
        assert len(info.value.matches) >= 2

    # ------------------------------------------------------------------ names

    def test_a_digest_reference_is_not_a_name_to_push(
        self, backend: LocalImages, seed: Seed
    ) -> None:
        ref = seed({"k": "digest-name"})
        as_digest = ParsedRef(
            registry=ref.registry, repository=ref.repository, digest=Digest("sha256:" + "1" * 64)
        )
        with pytest.raises(InvalidInputError):
            backend.push(as_digest)

    def test_removed_name_is_gone(self, backend: LocalImages, seed: Seed) -> None:
        ref = seed({"k": "removed"})
        backend.remove(ref, force=True)
        with pytest.raises(ImageNotFoundError):
            backend.inspect(ref)

    def test_removing_a_missing_image_raises_image_not_found(
        self, backend: LocalImages, missing_ref: ParsedRef
    ) -> None:
        with pytest.raises(ImageNotFoundError) as info:
            backend.remove(missing_ref)
        assert info.value.location is ImageSource.LOCAL

    # ------------------------------------------------------------------ registry traffic

    def test_pull_brings_a_published_image_in(
        self, backend: LocalImages, publish_remote: PublishRemote
    ) -> None:
        if not self.supports_pull:
            pytest.skip("backend declares supports_pull = False")
        ref = publish_remote({"k": "pulled"})
        events: list[ProgressEvent] = []
        pulled = backend.pull(ref, progress=events.append)
        assert pulled.labels.get("k") == "pulled"
        assert pulled.source is ImageSource.LOCAL
        assert backend.inspect(ref).image_id == pulled.image_id

    def test_pulling_a_missing_image_raises_image_not_found_in_the_registry(
        self, backend: LocalImages, publish_remote: PublishRemote
    ) -> None:
        if not self.supports_pull:
            pytest.skip("backend declares supports_pull = False")
        published = publish_remote({"k": "exists"})
        missing = ParsedRef(
            registry=published.registry,
            repository=published.repository,
            tag="no-such-tag",
            scheme=published.scheme,
        )
        with pytest.raises(ImageNotFoundError) as info:
            backend.pull(missing)
        assert info.value.location is ImageSource.REMOTE

    def test_push_returns_the_manifest_digest(
        self, backend: LocalImages, seed: Seed, push_target: PushTarget
    ) -> None:
        if not self.supports_push:
            pytest.skip("backend declares supports_push = False")
        target = seed({"k": "pushed"}, name=push_target())
        digest = backend.push(target)
        assert isinstance(digest, Digest)

    def test_pushed_image_can_be_pulled_back(
        self, backend: LocalImages, seed: Seed, push_target: PushTarget
    ) -> None:
        if not (self.supports_push and self.supports_pull):
            pytest.skip("backend declares supports_push or supports_pull = False")
        target = seed({"k": "round-trip"}, name=push_target())
        local = backend.inspect(target)
        backend.push(target)
        backend.remove(target)
        assert backend.pull(target).image_id == local.image_id

    def test_pushing_a_missing_image_raises_image_not_found_locally(
        self, backend: LocalImages, push_target: PushTarget
    ) -> None:
        if not self.supports_push:
            pytest.skip("backend declares supports_push = False")
        with pytest.raises(ImageNotFoundError) as info:
            backend.push(push_target())
        assert info.value.location is ImageSource.LOCAL

"""RemoteImagesContract: behaviour every RemoteImages backend must show.

Subclass it in a ``Test*`` class and override the fixtures ``backend``, ``publish``,
``publish_index`` and ``missing_ref``. Set ``supports_platforms = False`` if your backend cannot
store multi-platform indexes; those tests are then skipped with a reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

import pytest

from application.ports.remote_images import RemoteImages
from domain.digest import Digest
from domain.errors import ImageNotFoundError, PlatformNotFoundError
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG, LABEL_VERSION
from domain.platform import Platform, parse_platform
from domain.reference import ParsedRef

Publish = Callable[[Mapping[str, str]], ParsedRef]
"""Store a single-manifest linux/amd64 image with these labels under a fresh tag; return its ref."""

PublishIndex = Callable[[Sequence[tuple[Platform, Mapping[str, str]]]], ParsedRef]
"""Store an index with one image per (platform, labels), in order; return its tag ref."""

AMD64 = parse_platform("linux/amd64")
ARM64 = parse_platform("linux/arm64/v8")
ARM7 = parse_platform("linux/arm/v7")


class RemoteImagesContract:
    """Behaviour every RemoteImages backend must show."""

    supports_platforms: ClassVar[bool] = True

    @pytest.fixture
    def backend(self) -> RemoteImages:
        """The backend under test."""
        raise NotImplementedError("override the 'backend' fixture to return your RemoteImages")

    @pytest.fixture
    def publish(self) -> Publish:
        """A function that stores a labelled single-platform image (see :data:`Publish`)."""
        raise NotImplementedError("override 'publish' to store an image with these labels")

    @pytest.fixture
    def publish_index(self) -> PublishIndex:
        """A function that stores a multi-platform index (see :data:`PublishIndex`)."""
        raise NotImplementedError("override 'publish_index' to store a multi-platform index")

    @pytest.fixture
    def missing_ref(self) -> ParsedRef:
        """A reference in the backend's registry that names nothing."""
        raise NotImplementedError("override 'missing_ref' with a ref your registry lacks")

    def _need_platforms(self) -> None:
        if not self.supports_platforms:
            pytest.skip("backend declares supports_platforms = False")

    # ------------------------------------------------------------------ lookups

    def test_missing_image_raises_image_not_found_in_the_registry(
        self, backend: RemoteImages, missing_ref: ParsedRef
    ) -> None:
        with pytest.raises(ImageNotFoundError) as info:
            backend.inspect(missing_ref)
        assert info.value.location is ImageSource.REMOTE
        assert info.value.ref == str(missing_ref)

    def test_exists_answers_false_for_a_missing_image(
        self, backend: RemoteImages, missing_ref: ParsedRef
    ) -> None:
        assert backend.exists(missing_ref) is False

    def test_exists_answers_true_for_a_published_image(
        self, backend: RemoteImages, publish: Publish
    ) -> None:
        assert backend.exists(publish({"a": "b"})) is True

    def test_labels_come_back_unchanged(self, backend: RemoteImages, publish: Publish) -> None:
        labels = {
            LABEL_CONFIG: '{"build":{"gpu":true,"python_version":"3.12"}}',
            LABEL_VERSION: "0.16.0",
            "html": "<b>&amp;</b>",
            "unicode": "modèle ✓",
            "empty": "",
        }
        assert dict(backend.inspect(publish(labels)).labels) == labels

    def test_inspected_image_says_where_it_came_from(
        self, backend: RemoteImages, publish: Publish
    ) -> None:
        ref = publish({"k": "v"})
        image = backend.inspect(ref)
        assert image.source is ImageSource.REMOTE
        assert image.reference == ref

    def test_image_id_is_a_digest_that_does_not_change_between_inspects(
        self, backend: RemoteImages, publish: Publish
    ) -> None:
        ref = publish({"k": "stable"})
        first, second = backend.inspect(ref), backend.inspect(ref)
        assert isinstance(first.image_id, Digest)
        assert first.image_id == second.image_id

    def test_different_labels_give_different_image_ids(
        self, backend: RemoteImages, publish: Publish
    ) -> None:
        one = backend.inspect(publish({"k": "one"}))
        two = backend.inspect(publish({"k": "two"}))
        assert one.image_id != two.image_id

    def test_manifest_digest_names_the_same_image(
        self, backend: RemoteImages, publish: Publish
    ) -> None:
        ref = publish({"k": "by-digest"})
        by_tag = backend.inspect(ref)
        assert isinstance(by_tag.manifest_digest, Digest)
        by_digest_ref = ParsedRef(
            registry=ref.registry,
            repository=ref.repository,
            digest=by_tag.manifest_digest,
            scheme=ref.scheme,
        )
        by_digest = backend.inspect(by_digest_ref)
        assert by_digest.image_id == by_tag.image_id
        assert by_digest.labels == by_tag.labels
        assert by_digest.manifest_digest == by_tag.manifest_digest

    def test_media_type_is_reported(self, backend: RemoteImages, publish: Publish) -> None:
        media_type = backend.inspect(publish({"k": "media"})).media_type
        assert media_type is not None
        assert media_type.startswith("application/vnd.")

    # ------------------------------------------------------------------ platforms

    def test_single_image_reports_its_platform(
        self, backend: RemoteImages, publish: Publish
    ) -> None:
        assert backend.inspect(publish({"k": "p"})).platform == AMD64

    def test_single_image_satisfies_a_request_for_its_own_platform(
        self, backend: RemoteImages, publish: Publish
    ) -> None:
        ref = publish({"k": "own"})
        assert backend.inspect(ref, platform=AMD64).labels.get("k") == "own"

    def test_single_image_for_another_platform_is_platform_not_found(
        self, backend: RemoteImages, publish: Publish
    ) -> None:
        ref = publish({"k": "other"})
        with pytest.raises(PlatformNotFoundError) as info:
            backend.inspect(ref, platform=ARM64)
        assert info.value.location is ImageSource.REMOTE
        assert str(AMD64) in info.value.available

    def test_index_without_a_platform_picks_linux_amd64(
        self, backend: RemoteImages, publish_index: PublishIndex
    ) -> None:
        self._need_platforms()
        ref = publish_index([(ARM64, {"arch": "arm64"}), (AMD64, {"arch": "amd64"})])
        image = backend.inspect(ref)
        assert image.labels.get("arch") == "amd64"
        assert image.platform == AMD64

    def test_index_without_linux_amd64_picks_the_first_entry(
        self, backend: RemoteImages, publish_index: PublishIndex
    ) -> None:
        self._need_platforms()
        ref = publish_index([(ARM7, {"arch": "arm"}), (ARM64, {"arch": "arm64"})])
        assert backend.inspect(ref).labels.get("arch") == "arm"

    def test_index_with_a_platform_picks_that_entry(
        self, backend: RemoteImages, publish_index: PublishIndex
    ) -> None:
        self._need_platforms()
        ref = publish_index([(AMD64, {"arch": "amd64"}), (ARM64, {"arch": "arm64"})])
        image = backend.inspect(ref, platform=parse_platform("linux/arm64"))
        assert image.labels.get("arch") == "arm64"
        assert image.platform == ARM64

    def test_index_entries_have_their_own_image_ids(
        self, backend: RemoteImages, publish_index: PublishIndex
    ) -> None:
        self._need_platforms()
        ref = publish_index([(AMD64, {"arch": "amd64"}), (ARM64, {"arch": "arm64"})])
        amd = backend.inspect(ref, platform=AMD64)
        arm = backend.inspect(ref, platform=ARM64)
        assert amd.image_id != arm.image_id
        assert amd.manifest_digest == arm.manifest_digest  # both read through the index

    def test_index_without_the_platform_names_the_platforms_it_has(
        self, backend: RemoteImages, publish_index: PublishIndex
    ) -> None:
        self._need_platforms()
        ref = publish_index([(AMD64, {"arch": "amd64"}), (ARM64, {"arch": "arm64"})])
        with pytest.raises(PlatformNotFoundError) as info:
            backend.inspect(ref, platform=ARM7)
        assert info.value.location is ImageSource.REMOTE
        assert set(info.value.available) == {str(AMD64), str(ARM64)}

"""ModelFactoryContract: behaviour every ModelFactory backend must show.

Subclass it in a ``Test*`` class and override ``factory``, ``local_images`` (where the factory's
images land) and ``project`` (a Source the factory can build; its config has ``predict`` set).
"""

from __future__ import annotations

import uuid

import pytest

from application.ports.local_images import LocalImages
from application.ports.model_factory import ModelFactory
from domain.cogyaml.label import config_from_label
from domain.digest import Digest, ImageId
from domain.errors import ImageNotFoundError
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG, LABEL_VERSION
from domain.options import BuildBaseOptions, BuildOptions
from domain.reference import parse_ref
from domain.source import Source


class ModelFactoryContract:
    """Behaviour every ModelFactory backend must show."""

    @pytest.fixture
    def factory(self) -> ModelFactory:
        """The factory under test."""
        raise NotImplementedError("override the 'factory' fixture to return your ModelFactory")

    @pytest.fixture
    def local_images(self) -> LocalImages:
        """The LocalImages the factory's builds land in."""
        raise NotImplementedError("override 'local_images' with the store your factory fills")

    @pytest.fixture
    def project(self) -> Source:
        """A buildable project whose config sets ``predict``."""
        raise NotImplementedError("override 'project' with a Source your factory can build")

    @pytest.fixture
    def image_name(self) -> str:
        """A fresh image name for one test."""
        return f"cogmodel-contract/model-{uuid.uuid4().hex[:12]}"

    def test_factory_has_a_name(self, factory: ModelFactory) -> None:
        assert isinstance(factory.name, str)
        assert factory.name

    def test_build_returns_the_named_built_image(
        self, factory: ModelFactory, project: Source, image_name: str
    ) -> None:
        image = factory.build(project, BuildOptions(image_name=image_name))
        assert image.source is ImageSource.BUILD
        assert image.reference == parse_ref(image_name)
        assert isinstance(image.image_id, Digest)

    def test_built_image_carries_the_config_and_version_labels(
        self, factory: ModelFactory, local_images: LocalImages, project: Source, image_name: str
    ) -> None:
        built = factory.build(project, BuildOptions(image_name=image_name))
        assert built.image_id is not None
        labels = local_images.inspect_id(ImageId(built.image_id)).labels
        assert project.config is not None
        assert LABEL_CONFIG in labels
        assert config_from_label(labels[LABEL_CONFIG]).predict == project.config.predict
        assert labels.get(LABEL_VERSION)

    def test_annotations_become_labels(
        self, factory: ModelFactory, local_images: LocalImages, project: Source, image_name: str
    ) -> None:
        options = BuildOptions(image_name=image_name, annotations={"org.example.note": "hi"})
        built = factory.build(project, options)
        assert local_images.inspect(parse_ref(image_name)).image_id == built.image_id
        assert local_images.inspect(parse_ref(image_name)).labels.get("org.example.note") == "hi"

    def test_a_plan_is_a_dockerfile_and_builds_nothing(
        self, factory: ModelFactory, local_images: LocalImages, project: Source, image_name: str
    ) -> None:
        planned = factory.plan(project, BuildOptions(image_name=image_name))
        assert planned.dockerfile.strip()
        assert planned.weights_dockerfile is None  # no separate weights asked for
        with pytest.raises(ImageNotFoundError):
            local_images.inspect(parse_ref(image_name))

    def test_build_base_gives_a_named_image(
        self, factory: ModelFactory, local_images: LocalImages, project: Source, image_name: str
    ) -> None:
        base_name = f"{image_name}-base"
        image = factory.build_base(project, BuildBaseOptions(image_name=base_name))
        assert image.reference == parse_ref(base_name)
        assert local_images.inspect(parse_ref(base_name)).image_id is not None

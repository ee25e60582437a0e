"""A Cog model: an image proven to carry Cog's labels, with its config and schema parsed.

``Model.from_image`` is the one place labels become a model: an image without
``run.cog.config`` is not a Cog model (:class:`NotCogModelError`), and a Cog label that does not
parse is an :class:`InvalidLabelError` — never silently ``None``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.errors import NotCogModelError
from domain.image import Image

if TYPE_CHECKING:
    from domain.cogyaml.models import CogConfig


@dataclass(frozen=True, slots=True, kw_only=True)
class Model:
    """A Cog model image.

    Attributes:
        image: the image it was read from.
        config: the parsed ``run.cog.config`` (or, for a fresh build, the source's config).
        schema: the parsed OpenAPI schema, or ``None`` when the image has none.
        cog_version: the ``run.cog.version`` label, or ``""``.
    """

    image: Image
    config: CogConfig
    schema: Mapping[str, object] | None = None
    cog_version: str = ""

    @classmethod
    def from_image(cls, image: Image) -> Model:
        """Read a model from an image's labels.

        Raises:
            NotCogModelError: the image has no ``run.cog.config`` label.
            InvalidLabelError: the config or schema label is malformed.
        """
        if not image.is_cog_model:
            raise NotCogModelError(image.display_name)
        config = image.parsed_config()
        if config is None:
            # An empty run.cog.config label is Cog's empty config: every field at its default.
            from domain.cogyaml.models import CogConfig  # noqa: PLC0415

            config = CogConfig()
        return cls(
            image=image,
            config=config,
            schema=image.parsed_openapi_schema(),
            cog_version=image.cog_version,
        )

    @property
    def has_gpu(self) -> bool:
        """Whether the model's config asks for a GPU."""
        return self.config.build.gpu

    @property
    def is_fast(self) -> bool:
        """Whether the model was built with Cog's experimental fast builder."""
        return self.config.build.fast

    @property
    def image_ref(self) -> str:
        """The image's name as canonical text, else its id (Cog's ``ImageRef``)."""
        return self.image.display_name

    def schema_json(self) -> str | None:
        """The schema as compact JSON, or ``None`` when there is none."""
        if self.schema is None:
            return None
        return json.dumps(dict(self.schema), separators=(",", ":"), ensure_ascii=False)

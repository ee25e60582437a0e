"""A Cog model: an image proven to carry Cog's labels, with its config and schema parsed.

``Model.from_image`` is the one place labels become a model: an image without
``run.cog.config`` is not a Cog model (:class:`NotCogModelError`), and a Cog label that does not
parse is an :class:`InvalidLabelError` — never silently ``None``.

The config label is checked when the model is made, but :attr:`Model.config` (a pydantic
:class:`~domain.cogyaml.models.CogConfig`) is built only when first asked for: a label that
:func:`~domain.cogyaml.label_fields.label_fields` can vouch for is read without pydantic, and
the properties a caller shows (:attr:`Model.has_gpu`, :attr:`Model.python_version`,
:attr:`Model.predictor`, …) answer from it. ``inspect`` thus never loads the cog.yaml models.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import FrozenInstanceError
from typing import TYPE_CHECKING, Any

from domain.errors import NotCogModelError
from domain.image import Image

if TYPE_CHECKING:
    from domain.cogyaml.models import CogConfig


class Model:
    """A Cog model image (immutable; equal when image, config, schema and version are).

    Attributes:
        image: the image it was read from.
        config: the parsed ``run.cog.config`` (or, for a fresh build, the source's config);
            built on first access when the model was read from labels.
        schema: the parsed OpenAPI schema, or ``None`` when the image has none.
        cog_version: the ``run.cog.version`` label, or ``""``.
    """

    __slots__ = ("_config", "_fields", "cog_version", "image", "schema")

    image: Image
    schema: Mapping[str, object] | None
    cog_version: str
    _config: CogConfig | None
    _fields: Mapping[str, Any] | None  # the label's values, when read without pydantic

    def __init__(
        self,
        *,
        image: Image,
        config: CogConfig,
        schema: Mapping[str, object] | None = None,
        cog_version: str = "",
    ) -> None:
        self._init(image, schema, cog_version, config=config, fields=None)

    def _init(
        self,
        image: Image,
        schema: Mapping[str, object] | None,
        cog_version: str,
        *,
        config: CogConfig | None,
        fields: Mapping[str, Any] | None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "image", image)
        set_(self, "schema", schema)
        set_(self, "cog_version", cog_version)
        set_(self, "_config", config)
        set_(self, "_fields", fields)

    @classmethod
    def from_image(cls, image: Image) -> Model:
        """Read a model from an image's labels.

        Raises:
            NotCogModelError: the image has no ``run.cog.config`` label.
            InvalidLabelError: the config or schema label is malformed.
        """
        if not image.is_cog_model:
            raise NotCogModelError(image.display_name)
        # Deferred, as Image.parsed_config's parse is: the core loads no cog.yaml code on import.
        from domain.cogyaml.label_fields import label_fields  # noqa: PLC0415

        # An empty run.cog.config label is Cog's empty config: every field at its default.
        fields = label_fields(image.config or "{}")
        config = None
        if fields is None:  # not certain: the pydantic models judge (and name the error)
            config = image.parsed_config()
        model = cls.__new__(cls)
        model._init(
            image,
            image.parsed_openapi_schema(),
            image.cog_version,
            config=config,
            fields=fields,
        )
        return model

    @property
    def config(self) -> CogConfig:
        """The model's config (for a model read from labels, parsed on first access)."""
        config = self._config
        if config is None:
            # label_fields vouched for the label, so the models accept it (a test holds them
            # to the same answers), and nothing here can raise.
            from domain.cogyaml.label import config_from_label  # noqa: PLC0415
            from domain.cogyaml.models import CogConfig  # noqa: PLC0415

            raw = self.image.config
            config = config_from_label(raw, ref=self.image.display_name) if raw else CogConfig()
            object.__setattr__(self, "_config", config)
        return config

    @property
    def has_gpu(self) -> bool:
        """Whether the model's config asks for a GPU."""
        return bool(self._build_value("gpu"))

    @property
    def is_fast(self) -> bool:
        """Whether the model was built with Cog's experimental fast builder."""
        return bool(self._build_value("fast"))

    @property
    def python_version(self) -> str:
        """The config's ``build.python_version``."""
        return str(self._build_value("python_version"))

    @property
    def predictor(self) -> str:
        """The config's ``predict`` (``predict.py:Predictor``), or ``""``."""
        return str(self._fields["predict"] if self._fields is not None else self.config.predict)

    @property
    def trainer(self) -> str:
        """The config's ``train``, or ``""``."""
        return str(self._fields["train"] if self._fields is not None else self.config.train)

    @property
    def image_ref(self) -> str:
        """The image's name as canonical text, else its id (Cog's ``ImageRef``)."""
        return self.image.display_name

    def schema_json(self) -> str | None:
        """The schema as compact JSON, or ``None`` when there is none."""
        if self.schema is None:
            return None
        return json.dumps(dict(self.schema), separators=(",", ":"), ensure_ascii=False)

    def _build_value(self, name: str) -> object:
        if self._fields is not None:
            return self._fields["build"][name]
        return getattr(self.config.build, name)

    # ------------------------------------------------------------------ a value object

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return (self.image, self.schema, self.cog_version, self.config) == (
            other.image,
            other.schema,
            other.cog_version,
            other.config,
        )

    __hash__ = None  # type: ignore[assignment]  # equal models may hold unhashable labels

    def __repr__(self) -> str:
        return (
            f"Model(image={self.image!r}, config={self.config!r}, schema={self.schema!r}, "
            f"cog_version={self.cog_version!r})"
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

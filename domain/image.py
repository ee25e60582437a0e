"""An image as a backend saw it: its name, id, labels, platform and where it came from.

``Image`` is what every port returns. It knows nothing of Docker or registries; its labels are a
read-only mapping, so an image cannot be patched after the fact. Cog-specific meaning (is this a
Cog model? what config does it carry?) is read from the labels by the accessors here, and
:meth:`Image.to_model` turns a Cog image into a :class:`~domain.model.Model`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from domain.digest import Digest
from domain.document_shape import shape_problem
from domain.errors import InvalidJsonError, InvalidLabelError
from domain.image_source import ImageSource
from domain.json_text import read_json
from domain.labels import LABEL_CONFIG, LABEL_HAS_INIT, LABEL_OPENAPI_SCHEMA, LABEL_VERSION
from domain.platform import Platform
from domain.reference import ParsedRef

if TYPE_CHECKING:
    from domain.cogyaml.models import CogConfig
    from domain.model import Model

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """An image as one backend saw it.

    Attributes:
        reference: the name it was looked up by or built as, or ``None`` (inspected by id).
        image_id: the image id: the digest of the image's config blob, the same value
            ``docker inspect`` reports locally and a registry's manifest names remotely.
        source: where it was seen.
        labels: its image-config labels (read-only).
        platform: the platform of the image actually inspected, when known.
        manifest_digest: the digest of the manifest it was read through (remote), if any.
        media_type: that manifest's media type (remote), if any.
        repo_tags: local names (``docker inspect`` RepoTags).
        repo_digests: local ``name@digest`` entries (``docker inspect`` RepoDigests).
    """

    reference: ParsedRef | None
    image_id: Digest | None
    source: ImageSource
    labels: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    platform: Platform | None = None
    manifest_digest: Digest | None = None
    media_type: str | None = None
    repo_tags: tuple[str, ...] = ()
    repo_digests: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Freeze a private copy so a caller's dict can never change this image.
        if not isinstance(self.labels, MappingProxyType):
            object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))

    @property
    def display_name(self) -> str:
        """The reference as canonical text, else the image id, else ``"<unnamed image>"``."""
        if self.reference is not None:
            return str(self.reference)
        return str(self.image_id) if self.image_id else "<unnamed image>"

    @property
    def is_cog_model(self) -> bool:
        """Whether the ``run.cog.config`` label is present (its value may be empty)."""
        return LABEL_CONFIG in self.labels

    @property
    def has_init(self) -> bool:
        """Whether the image says its entrypoint is an init process (``run.cog.has_init``)."""
        return self.labels.get(LABEL_HAS_INIT) == "true"

    @property
    def cog_version(self) -> str:
        """The ``run.cog.version`` label, or ``""``."""
        return self.labels.get(LABEL_VERSION, "")

    @property
    def config(self) -> str:
        """The raw ``run.cog.config`` label, or ``""``."""
        return self.labels.get(LABEL_CONFIG, "")

    @property
    def openapi_schema(self) -> str:
        """The raw ``run.cog.openapi_schema`` label, or ``""``."""
        return self.labels.get(LABEL_OPENAPI_SCHEMA, "")

    def parsed_config(self) -> CogConfig | None:
        """The config label parsed; ``None`` when absent or empty.

        Raises:
            InvalidLabelError: the label is present and malformed.
        """
        raw = self.config
        if not raw:
            return None
        # Deferred: reading an image's name, id or labels never loads the cog.yaml package;
        # only a caller that asks for the parsed config pays for it.
        from domain.cogyaml.label import config_from_label  # noqa: PLC0415

        return config_from_label(raw, ref=self.display_name)

    def parsed_openapi_schema(self) -> Mapping[str, object] | None:
        """The OpenAPI schema label parsed; ``None`` when absent or empty.

        The label is outside data, checked here once: read by
        :func:`~domain.json_text.read_json` (size, nesting and number limits; no NaN), and its
        fields' types checked by :func:`~domain.document_shape.shape_problem`, as Cog's
        kin-openapi load checks them.

        Raises:
            InvalidLabelError: the label is present and is not such a JSON object.
        """
        raw = self.openapi_schema
        if not raw:
            return None
        try:
            value = read_json(raw, what=LABEL_OPENAPI_SCHEMA)
        except InvalidJsonError as exc:
            where = f" (line {exc.line})" if exc.line else ""
            reason = exc.reason + where
            raise InvalidLabelError(LABEL_OPENAPI_SCHEMA, reason, ref=self.display_name) from exc
        problem = shape_problem(value)
        if problem is not None:
            raise InvalidLabelError(LABEL_OPENAPI_SCHEMA, problem, ref=self.display_name)
        assert isinstance(value, dict)  # shape_problem refuses anything else
        return MappingProxyType(value)

    def to_model(self) -> Model:
        """This image as a Cog model.

        Raises:
            NotCogModelError: no ``run.cog.config`` label.
            InvalidLabelError: a Cog label is malformed.
        """
        from domain.model import Model  # noqa: PLC0415 - model.py imports this module

        return Model.from_image(self)

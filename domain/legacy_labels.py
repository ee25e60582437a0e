"""Reading Cog labels written by old Cog versions (the pre-2022 ``org.cogmodel.*`` keys).

Cog's Resolver (and so :meth:`domain.model.Model.from_image`) accepts only ``run.cog.config`` as
proof of a Cog model. Images built by Cog before the ``run.cog.`` namespace carry
``org.cogmodel.config``, ``org.cogmodel.openapi_schema`` and ``org.cogmodel.cog_version``, and
for a while in 2022 the version lived in ``run.cog.cog_version``. Cog's legacy reader
(``image.CogConfigFromManifest``) falls back to those keys; this module is that fallback, kept
apart so that the Resolver's rule stays exactly Cog's.

>>> read_legacy_labels({"org.cogmodel.config": '{"build": {}}', "run.cog.cog_version": "0.4"})
LegacyCogLabels(config='{"build": {}}', openapi_schema='', cog_version='0.4', deprecated=False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.labels import (
    INTERIM_LABEL_COG_VERSION,
    LABEL_CONFIG,
    LABEL_OPENAPI_SCHEMA,
    LABEL_VERSION,
    LEGACY_LABEL_COG_VERSION,
    LEGACY_LABEL_CONFIG,
    LEGACY_LABEL_DEPRECATED,
    LEGACY_LABEL_OPENAPI_SCHEMA,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class LegacyCogLabels:
    """The Cog labels of an image, current keys first, old keys as fallback.

    Attributes:
        config: ``run.cog.config``, else ``org.cogmodel.config``, else ``""``.
        openapi_schema: ``run.cog.openapi_schema``, else ``org.cogmodel.openapi_schema``.
        cog_version: ``run.cog.version``, else ``run.cog.cog_version``, else
            ``org.cogmodel.cog_version``.
        deprecated: whether the image carries ``org.cogmodel.deprecated``.
    """

    config: str
    openapi_schema: str
    cog_version: str
    deprecated: bool

    @property
    def is_cog_model(self) -> bool:
        """Whether any generation of the config label is present (the legacy reader's rule)."""
        return bool(self.config)


def read_legacy_labels(labels: Mapping[str, str]) -> LegacyCogLabels:
    """The Cog labels of ``labels``, falling back to the keys old Cog versions wrote."""
    return LegacyCogLabels(
        config=_first(labels, LABEL_CONFIG, LEGACY_LABEL_CONFIG),
        openapi_schema=_first(labels, LABEL_OPENAPI_SCHEMA, LEGACY_LABEL_OPENAPI_SCHEMA),
        cog_version=_first(
            labels, LABEL_VERSION, INTERIM_LABEL_COG_VERSION, LEGACY_LABEL_COG_VERSION
        ),
        deprecated=LEGACY_LABEL_DEPRECATED in labels,
    )


def _first(labels: Mapping[str, str], *keys: str) -> str:
    return next((labels[key] for key in keys if labels.get(key)), "")

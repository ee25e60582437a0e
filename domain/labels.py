"""The image labels Cog writes and reads.

Cog stores everything it knows about a model in image-config labels under ``run.cog.``.
Only :data:`LABEL_CONFIG` makes an image a Cog model (Cog's ``IsCogModel``). The pre-2022
``org.cogmodel.*`` keys and the interim ``run.cog.cog_version`` are listed for a separate legacy
reader; the Resolver does not accept them as proof of a Cog model, exactly as Cog does not.
"""

from __future__ import annotations

from typing import Final

LABEL_NAMESPACE: Final = "run.cog."

LABEL_CONFIG: Final = "run.cog.config"
LABEL_VERSION: Final = "run.cog.version"
LABEL_OPENAPI_SCHEMA: Final = "run.cog.openapi_schema"
LABEL_PIP_FREEZE: Final = "run.cog.pip_freeze"
LABEL_HAS_INIT: Final = "run.cog.has_init"
LABEL_MODEL_DEPENDENCIES: Final = "run.cog.r8_model_dependencies"
LABEL_WEIGHTS_MANIFEST: Final = "run.cog.r8_weights_manifest"
LABEL_COG_BASE_IMAGE_NAME: Final = "run.cog.cog-base-image-name"
LABEL_COG_BASE_IMAGE_LAST_LAYER_SHA: Final = "run.cog.cog-base-image-last-layer-sha"
LABEL_COG_BASE_IMAGE_LAST_LAYER_IDX: Final = "run.cog.cog-base-image-last-layer-idx"
LABEL_PUSH_ID: Final = "run.cog.push_id"

LABEL_OCI_REVISION: Final = "org.opencontainers.image.revision"
LABEL_OCI_VERSION: Final = "org.opencontainers.image.version"

# Deprecated keys a reader may meet on old images (namespace ``org.cogmodel.``, and the 2022
# interim name of run.cog.version).
LEGACY_LABEL_CONFIG: Final = "org.cogmodel.config"
LEGACY_LABEL_OPENAPI_SCHEMA: Final = "org.cogmodel.openapi_schema"
LEGACY_LABEL_COG_VERSION: Final = "org.cogmodel.cog_version"
LEGACY_LABEL_DEPRECATED: Final = "org.cogmodel.deprecated"
INTERIM_LABEL_COG_VERSION: Final = "run.cog.cog_version"

LEGACY_LABELS: Final = (
    LEGACY_LABEL_CONFIG,
    LEGACY_LABEL_OPENAPI_SCHEMA,
    LEGACY_LABEL_COG_VERSION,
    LEGACY_LABEL_DEPRECATED,
    INTERIM_LABEL_COG_VERSION,
)

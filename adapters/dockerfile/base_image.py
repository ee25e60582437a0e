"""Choosing the ``FROM`` image, as Cog chooses it (cog-spec §3.2).

1. Unless told not to, try ``<registry>/cog-base:<tag>``: it is used only when the combination is
   one Cog publishes and the image exists (in the local engine, else in its registry). When the
   caller did not ask for it explicitly, any failure only logs Cog's warning and falls through;
   when they did, it is an error.
2. A GPU config with CUDA images enabled: ``nvidia/cuda:<tag>`` for its CUDA and cuDNN.
3. Otherwise ``python:<python_version>-slim``.
"""

from __future__ import annotations

import logging

from adapters.dockerfile import planning
from adapters.dockerfile.generator import BaseImage
from application.ports.local_images import LocalImages
from application.ports.remote_images import RemoteImages
from domain.cogyaml.models import CogConfig
from domain.errors import (
    AuthenticationError,
    BackendError,
    CogModelError,
    ConfigError,
    ImageNotFoundError,
    IntegrityError,
)
from domain.image_source import ImageSource
from domain.reference import parse_ref
from domain.source import Source

_log = logging.getLogger(__name__)


class BaseImageChooser:
    """Picks the base image; asks the engine, then the registry, whether a cog-base exists."""

    def __init__(
        self,
        *,
        local: LocalImages,
        remote: RemoteImages | None = None,
        registry_host: str = "r8.im",
    ) -> None:
        """Check for cog-base images locally and, when ``remote`` is given, in the registry."""
        self._local = local
        self._remote = remote
        self._registry_host = registry_host

    def choose(
        self, source: Source, *, use_cog_base_image: bool | None, use_cuda_base_image: str
    ) -> BaseImage:
        """The base image for ``source``.

        Raises:
            ConfigError: cog-base was asked for explicitly and cannot be used, or no CUDA image
                matches a GPU config.
            BackendUnavailableError, AuthenticationError, IntegrityError: cog-base was asked for
                and its registry failed (when it was not asked for, these are only warnings).
        """
        config = source.config or CogConfig()
        if use_cog_base_image is not False:
            try:
                return self._cog_base(source)
            except CogModelError as exc:
                # Unset (auto): any failure to find one is a warning and a normal base image,
                # as in Cog — an outage or a refusal at r8.im must not stop a build.
                if use_cog_base_image:
                    if isinstance(exc, (BackendError, AuthenticationError, IntegrityError)):
                        raise
                    raise ConfigError("", f"Failed to get cog base image name: {exc}") from exc
                _log.warning(
                    "Could not find a suitable base image, continuing without base image "
                    "support (%s).",
                    exc,
                )
        if config.build.gpu and use_cuda_base_image != "false":
            return BaseImage(name=planning.cuda_image(config))
        return BaseImage(name=f"python:{config.build.python_version}-slim")

    def _cog_base(self, source: Source) -> BaseImage:
        name = f"{self._registry_host}/cog-base:{planning.cog_base_tag(source)}"
        ref = parse_ref(name)
        try:
            self._local.inspect(ref)
        except ImageNotFoundError:
            if self._remote is None or not self._remote.exists(ref):
                raise ImageNotFoundError(name, ImageSource.REMOTE) from None
        return BaseImage(name=name, cog_base=True)

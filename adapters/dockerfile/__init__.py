"""The Dockerfile build backend: Cog's generated Dockerfile, its build context, its labels.

:class:`DockerfileFactory` implements the ``ModelFactory`` port on the ``ImageBuilder``,
``LocalImages`` and ``ContainerRunner`` ports. :func:`generate` is the pure generator behind it.
"""

from adapters.dockerfile.factory import DockerfileFactory
from adapters.dockerfile.generator import (
    BaseImage,
    DockerfilePlan,
    DockerfileRequest,
    Target,
    generate,
)
from adapters.dockerfile.hermetic import HermeticWheels, HostPip, WheelTarget
from adapters.dockerfile.runtime import CogRuntime
from domain.options import DEFAULT_COG_VERSION

__all__ = [
    "DEFAULT_COG_VERSION",
    "BaseImage",
    "CogRuntime",
    "DockerfileFactory",
    "DockerfilePlan",
    "DockerfileRequest",
    "HermeticWheels",
    "HostPip",
    "Target",
    "WheelTarget",
    "generate",
]

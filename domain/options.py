"""Build options, and the defaults Cog fills in.

Option groups are frozen keyword-only records; defaults are filled with
``dataclasses.replace`` by :func:`with_defaults`, never by mutation. Go's deprecated fields
(``Fast``, ``LocalImage``, ``PipelinesImage``) are not ported.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from types import MappingProxyType

from domain.errors import InvalidInputError
from domain.source import Source

# The Cog runtime (PyPI's ``cog``, which brings ``coglet``) a build installs unless cog.yaml's
# build.sdk_version, COG_SDK_WHEEL or the build backend's configuration says otherwise.
DEFAULT_COG_VERSION = "0.23.1"
_NOT_IN_IMAGE_NAME = re.compile(r"[^a-z0-9-]")


class Progress(enum.Enum):
    """How build output is shown. Default: AUTO (bars on a terminal, plain lines otherwise)."""

    AUTO = "auto"
    PLAIN = "plain"
    TTY = "tty"
    QUIET = "quiet"


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildSecret:
    """A build secret: ``id`` mounted from the file ``src`` or the environment variable ``env``."""

    id: str
    src: str | None = None
    env: str | None = None

    @classmethod
    def parse(cls, text: str) -> BuildSecret:
        """Parse Docker's ``id=NAME,src=PATH`` or ``id=NAME,env=VAR`` (``source`` means ``src``).

        Raises:
            InvalidInputError: missing id, both or neither of src/env, or unknown keys.
        """
        values: dict[str, str] = {}
        for part in text.split(","):
            key, eq, value = part.partition("=")
            key = {"source": "src"}.get(key.strip(), key.strip())
            if not eq or key not in ("id", "src", "env") or not value:
                raise InvalidInputError(
                    f"invalid secret {text!r}: expected id=NAME,src=PATH or id=NAME,env=VAR",
                    reason="bad secret syntax",
                )
            values[key] = value
        if "id" not in values or ("src" in values) == ("env" in values):
            raise InvalidInputError(
                f"invalid secret {text!r}: give an id and exactly one of src= or env=",
                reason="bad secret syntax",
            )
        return cls(id=values["id"], src=values.get("src"), env=values.get("env"))


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOptions:
    """How to build a model image. Defaults as Cog's; ``None`` image name = derived.

    Attributes:
        image_name: the final image name; ``None`` derives it from the project directory.
        no_cache: build without the engine's layer cache.
        secrets: BuildKit build secrets.
        progress: how build output is shown.
        annotations: extra labels, applied last (they may override Cog's).
        schema_file: a pre-made OpenAPI schema to use instead of generating one.
        dockerfile_file: a user Dockerfile to build verbatim instead of generating one.
        use_cuda_base_image: Cog's tri-state string; only ``"false"`` disables CUDA images.
        use_cog_base_image: ``None`` = try r8.im/cog-base and fall back; ``True`` = require it.
        hermetic: download the Python packages and the Cog runtime on the host, so the build
            needs no PyPI access (Debian packages such as tini still come from the mirror).
        strip: strip shared objects after pip installs.
        precompile: precompile Python bytecode in the image.
        separate_weights: put the model's weights (files of 10 MiB or more) in their own image,
            ``<image>-weights``, which the model image copies them from (Cog's
            ``--separate-weights``); ignored with ``dockerfile_file``, as in Cog.
    """

    image_name: str | None = None
    no_cache: bool = False
    secrets: tuple[BuildSecret, ...] = ()
    progress: Progress = Progress.AUTO
    annotations: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    schema_file: str | None = None
    dockerfile_file: str | None = None
    use_cuda_base_image: str = "auto"
    use_cog_base_image: bool | None = None
    hermetic: bool = False
    strip: bool = False
    precompile: bool = False
    separate_weights: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildBaseOptions:
    """How to build the dev image (no /src, no labels) used by run/serve/predict in a project."""

    image_name: str | None = None
    use_cuda_base_image: str = "auto"
    use_cog_base_image: bool | None = None
    progress: Progress = Progress.AUTO
    requires_cog: bool = True
    hermetic: bool = False


def docker_image_name(project_dir: PurePath | str) -> str:
    """The default image name of a project, exactly as Cog derives it.

    Lower-case the last path component, spaces become ``-``, every character outside
    ``[a-z0-9-]`` is deleted, truncate to 26, then prefix ``cog-`` unless already present.

    >>> docker_image_name("/home/joe/my great model")
    'cog-my-great-model'
    >>> docker_image_name("/home/joe/cog-foo")
    'cog-foo'
    """
    name = PurePath(project_dir).name.lower().replace(" ", "-")
    name = _NOT_IN_IMAGE_NAME.sub("", name)[:26]
    return name if name.startswith("cog-") else f"cog-{name}"


def base_docker_image_name(project_dir: PurePath | str) -> str:
    """The dev image name: :func:`docker_image_name` + ``-base``."""
    return f"{docker_image_name(project_dir)}-base"


def with_defaults(options: BuildOptions, source: Source) -> BuildOptions:
    """``options`` with the image name derived from ``source`` when unset (Cog's WithDefaults)."""
    if options.image_name:
        return options
    return replace(options, image_name=docker_image_name(source.project_dir))


def base_with_defaults(options: BuildBaseOptions, source: Source) -> BuildBaseOptions:
    """``options`` with the dev image name derived from ``source`` when unset."""
    if options.image_name:
        return options
    return replace(options, image_name=base_docker_image_name(source.project_dir))

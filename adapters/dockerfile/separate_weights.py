"""``--separate-weights``: the weights image, built only when the weights changed.

As ``cog build --separate-weights`` (``pkg/image/build.go``) does: the project's weights
(:func:`adapters.dockerfile.weights.find_weights`) go into ``<image>-weights``, an image
``FROM scratch`` holding nothing else; the model image copies them from it and leaves them out
of its own context. Cog's CRC32 manifest of the weight files, kept in
``<project>/.cog/cache/weights_manifest.json``, decides whether the weights image is built
again; here the weights image must also still exist in the engine (Cog would otherwise fail at
the model image's ``FROM``). Its context holds the weight paths alone, under ``src/``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from adapters.dockerfile.context import COG_DIR, stage_context
from adapters.dockerfile.dockerignore import parse_patterns
from adapters.dockerfile.weights import (
    WeightPaths,
    find_weights,
    manifest_text,
    project_files,
    weights_manifest,
)
from adapters.host_files import read_ignore_file
from application.ports.image_builder import BuildRequest, ImageBuilder
from application.ports.local_images import LocalImages
from domain.errors import BuildError, ImageNotFoundError
from domain.options import BuildOptions
from domain.progress import ProgressSink
from domain.reference import parse_ref

_log = logging.getLogger(__name__)
MANIFEST: Final = Path(COG_DIR, "cache", "weights_manifest.json")
SUFFIX: Final = "-weights"


def project_weights(project: Path) -> WeightPaths:
    """The project's weights, as the engine would see the project (``.dockerignore`` applied).

    Raises:
        BuildError: the project cannot be read.
    """
    try:
        patterns = parse_patterns(read_ignore_file(project) or "")
        return find_weights(project_files(project, patterns))
    except OSError as exc:
        raise BuildError(
            f"cannot look for weights in {project}: {exc.strerror or exc}", step="weights"
        ) from exc


def to_separate(project: Path) -> WeightPaths | None:
    """The project's weights, or ``None`` when there are none (then there is one image).

    Raises:
        BuildError: the project cannot be read.
    """
    weights = project_weights(project)
    if not weights.paths:
        _log.info("--separate-weights: no file of 10 MiB or more is a weight; one image")
        return None
    return weights


def build_weights_image(
    *,
    builder: ImageBuilder,
    local: LocalImages,
    project: Path,
    weights: WeightPaths,
    dockerfile: str,
    image_name: str,
    options: BuildOptions,
    progress: ProgressSink | None,
) -> bool:
    """Build ``image_name`` (``<image>-weights``) from ``dockerfile`` unless it is current.

    Returns whether it was built.

    Raises:
        BuildError: the build failed, or the manifest cannot be read or written.
        BackendUnavailableError: the engine cannot be reached.
    """
    name = parse_ref(image_name)
    try:
        manifest = manifest_text(weights_manifest(project, weights))
        previous = (project / MANIFEST).read_text() if (project / MANIFEST).is_file() else None
    except OSError as exc:
        raise BuildError(f"cannot read the weights: {exc.strerror or exc}", step="weights") from exc
    if previous == manifest and not options.no_cache and _exists(local, image_name):
        _log.info("Weights unchanged, skip rebuilding and use cached image...")
        return False
    with stage_context(project, {}, include_source=True, only=frozenset(weights.paths)) as context:
        builder.build(
            BuildRequest(
                context_dir=context.path,
                dockerfile=dockerfile,
                tags=(name,),
                secrets=options.secrets,
                no_cache=options.no_cache,
                progress=progress,
            )
        )
    try:
        (project / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
        (project / MANIFEST).write_text(manifest)
    except OSError as exc:
        raise BuildError(
            f"Failed to save weights hash: {exc.strerror or exc}", step="weights"
        ) from exc
    return True


def _exists(local: LocalImages, image_name: str) -> bool:
    try:
        local.inspect(parse_ref(image_name))
    except ImageNotFoundError:
        return False
    return True

"""``--dockerfile``: build the user's Dockerfile verbatim, then add Cog's schema and labels.

The user's Dockerfile is built as-is with the project directory as its context (Cog's rule,
including Cog's relative-path rule: a relative ``--dockerfile`` is read from the current
directory), under Cog's temporary name ``cog-tmp:<sha256 of the image name>``. A short second
build ``FROM`` it copies the schema to ``.cog/openapi_schema.json`` (relative to the user's
``WORKDIR``, as Cog does), sets ``COG_MAX_CONCURRENCY`` when the model has a concurrency (Cog
HEAD adds that ``ENV`` in a build of its own) and sets the labels; the temporary name is then
removed.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from adapters.dockerfile.context import stage_context
from adapters.dockerfile.generator import SCHEMA_FILE
from adapters.dockerfile.labels import LabelInputs
from adapters.dockerfile.settle import LabelSettler
from adapters.host_files import read_file
from application.ports.image_builder import BuildRequest, ImageBuilder
from application.ports.local_images import LocalImages
from domain.digest import Digest
from domain.errors import CogModelError, InvalidInputError
from domain.limits import MAX_DOCKERFILE_BYTES
from domain.options import BuildOptions
from domain.progress import ProgressSink
from domain.reference import ParsedRef, parse_ref

_log = logging.getLogger(__name__)


def build_user_dockerfile(
    *,
    builder: ImageBuilder,
    local: LocalImages,
    settler: LabelSettler,
    project: Path,
    name: ParsedRef,
    options: BuildOptions,
    inputs: LabelInputs,
    progress: ProgressSink | None,
    max_concurrency: int | None = None,
) -> Digest:
    """Build ``options.dockerfile_file`` and label the result ``name``; return its image id.

    ``max_concurrency`` becomes ``ENV COG_MAX_CONCURRENCY`` in the image (none when ``None``).

    Raises:
        InvalidInputError: the Dockerfile cannot be read.
        BuildError: a build failed, or ``pip freeze`` failed in the image.
        BackendUnavailableError: the engine cannot be reached.
    """
    path = Path(options.dockerfile_file or "")
    text = read_dockerfile(path)
    previous = settler.previous(name)
    temporary_name = f"cog-tmp:{hashlib.sha256(str(name).encode()).hexdigest()}"
    temporary = parse_ref(temporary_name)
    settler.builds += 1
    builder.build(
        BuildRequest(
            context_dir=project,
            dockerfile=text,
            tags=(temporary,),
            secrets=options.secrets,
            no_cache=options.no_cache,
            progress=progress,
        )
    )
    files = {SCHEMA_FILE: inputs.schema_json.encode()} if inputs.schema_json else {}
    lines = [f"FROM {temporary_name}"]
    if max_concurrency is not None and max_concurrency > 0:
        lines.append(f"ENV COG_MAX_CONCURRENCY={max_concurrency}")
    if inputs.schema_json:
        lines.append(f"COPY {SCHEMA_FILE} .cog/openapi_schema.json")
    try:
        with stage_context(project, files, include_source=False) as context:
            request = BuildRequest(  # Cog's labels on the user's image: not a build to show
                context_dir=context.path,
                dockerfile="\n".join(lines),
                tags=(name,),
            )
            return settler.settle(request, inputs, previous)
    finally:
        try:
            local.remove(temporary)
        except CogModelError as exc:
            _log.debug("kept %s: %s", temporary_name, exc)


def read_dockerfile(path: Path) -> str:
    """The text of the user's ``--dockerfile``: a regular file (symlinks followed) of at most
    ``MAX_DOCKERFILE_BYTES``, UTF-8.

    Raises:
        InvalidInputError: it cannot be read (a ``HostFileError``: missing, a FIFO or device,
            too large, unreadable) or is not UTF-8 text.
    """
    data = read_file(path, what="--dockerfile", limit=MAX_DOCKERFILE_BYTES)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"Failed to read Dockerfile at {path}: not UTF-8 text (byte {exc.start})",
            reason="unreadable Dockerfile",
        ) from exc

"""The image labels of a model built by cogmodel (cog-spec §4), byte-compatible with Cog's.

JSON label values are the bytes Cog writes (Go's ``encoding/json``, :mod:`domain.gojson`):
``run.cog.config`` from :mod:`domain.cogyaml.label`, ``run.cog.openapi_schema`` exactly the
bytes of ``/src/.cog/openapi_schema.json`` (:mod:`domain.openapi`'s encoding, or a given file
verbatim).

``run.cog.version`` carries the version of the Cog runtime installed in the image (``0.23.1``),
not cogmodel's version: Cog's CLI and SDK share one version line, tools compare this label as a
Cog version, and what the image speaks is that runtime's protocol (docs/decisions/0009).

Git labels follow Cog: ``$GITHUB_SHA`` else ``git rev-parse HEAD``; ``$GITHUB_REF_NAME`` else
``git describe --tags --dirty``; each omitted when unknown, each git call bounded to 3 s.
User annotations are applied last and may override anything.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from domain.labels import (
    LABEL_COG_BASE_IMAGE_NAME,
    LABEL_CONFIG,
    LABEL_HAS_INIT,
    LABEL_OCI_REVISION,
    LABEL_OCI_VERSION,
    LABEL_OPENAPI_SCHEMA,
    LABEL_PIP_FREEZE,
    LABEL_VERSION,
)

_log = logging.getLogger(__name__)
_GIT_TIMEOUT: Final = 3.0


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelInputs:
    """What the labels are made from.

    Attributes:
        version: the ``run.cog.version`` value.
        config_json: the ``run.cog.config`` value (already Go-compatible JSON).
        schema_json: the ``run.cog.openapi_schema`` value, or ``""`` for none.
        has_init: the image's entrypoint is an init (tini).
        cog_base_image: the ``r8.im/cog-base`` image built on, or ``""``.
        git: the git labels (:func:`git_labels`).
        annotations: user labels, applied last.
    """

    version: str
    config_json: str
    schema_json: str = ""
    has_init: bool = True
    cog_base_image: str = ""
    git: Mapping[str, str] | None = None
    annotations: Mapping[str, str] | None = None


def model_labels(inputs: LabelInputs, *, pip_freeze: str | None = None) -> dict[str, str]:
    """Every label of the model image; ``pip_freeze`` ``None`` leaves that label out."""
    labels = {LABEL_VERSION: inputs.version, LABEL_CONFIG: inputs.config_json}
    if inputs.schema_json:
        labels[LABEL_OPENAPI_SCHEMA] = inputs.schema_json
    if pip_freeze is not None:
        labels[LABEL_PIP_FREEZE] = pip_freeze
    if inputs.has_init:
        labels[LABEL_HAS_INIT] = "true"
    if inputs.cog_base_image:
        labels[LABEL_COG_BASE_IMAGE_NAME] = inputs.cog_base_image
    labels.update(inputs.git or {})
    labels.update(inputs.annotations or {})
    return labels


def git_labels(project_dir: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """``org.opencontainers.image.revision`` and ``.version`` for ``project_dir``, when known."""
    labels: dict[str, str] = {}
    inside = None
    revision = environ.get("GITHUB_SHA", "")
    if not revision:
        inside = _in_work_tree(project_dir)
        revision = _git(project_dir, "rev-parse", "HEAD") if inside else ""
    if revision:
        labels[LABEL_OCI_REVISION] = revision
    version = environ.get("GITHUB_REF_NAME", "")
    if not version:
        inside = _in_work_tree(project_dir) if inside is None else inside
        version = _git(project_dir, "describe", "--tags", "--dirty") if inside else ""
    if version:
        labels[LABEL_OCI_VERSION] = version
    return labels


def _in_work_tree(project_dir: Path) -> bool:
    return _git(project_dir, "rev-parse", "--is-inside-work-tree") == "true"


def _git(project_dir: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", "-C", str(project_dir), *args],
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        _log.info("git %s: %s", args[0], exc)
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""

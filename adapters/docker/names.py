"""Names as the Docker daemon spells them, and inspect answers as domain images.

The daemon keeps Docker Hub images under their *familiar* names: what cogmodel calls
``index.docker.io/library/nginx:latest`` is ``nginx:latest`` to ``docker images``, and
``index.docker.io/acme/model:1`` is ``acme/model:1``. Every other registry keeps its host.
:func:`daemon_name` gives that spelling, so both resolve to the same local image.

>>> from domain.reference import parse_ref
>>> daemon_name(parse_ref("index.docker.io/library/nginx:latest"))
'nginx:latest'
>>> daemon_name(parse_ref("127.0.0.1:5000/acme/model:1"))
'127.0.0.1:5000/acme/model:1'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from domain.digest import Digest, ImageId
from domain.errors import InvalidInputError
from domain.image import Image
from domain.image_source import ImageSource
from domain.platform import Platform
from domain.reference import DOCKER_HUB, ParsedRef

_OFFICIAL: Final = "library/"


def daemon_repository(ref: ParsedRef) -> str:
    """The repository part of :func:`daemon_name` (no tag, no digest)."""
    if ref.registry != DOCKER_HUB:
        return ref.name
    return ref.repository.removeprefix(_OFFICIAL)


def daemon_name(ref: ParsedRef) -> str:
    """``ref`` as the daemon names it: familiar for Docker Hub, else fully qualified."""
    if ref.digest is not None:
        return f"{daemon_repository(ref)}@{ref.digest}"
    return f"{daemon_repository(ref)}:{ref.tag}"


def tag_parts(target: ParsedRef) -> tuple[str, str]:
    """``(repository, tag)`` for naming a local image ``target``.

    Raises:
        InvalidInputError: ``target`` names a digest; an image can only be *tagged* by tag.
    """
    if target.tag is None:
        raise InvalidInputError(
            f"cannot give an image the name {target}: a digest is not a tag",
            reason="a digest reference cannot be used as a tag",
        )
    return daemon_repository(target), target.tag


def image_from_inspect(answer: Mapping[str, Any], *, reference: ParsedRef | None) -> Image:
    """The domain image for one ``GET /images/{name}/json`` answer."""
    config = answer.get("Config") or {}
    return Image(
        reference=reference,
        image_id=Digest.parse(str(answer["Id"])),
        source=ImageSource.LOCAL,
        labels=dict(config.get("Labels") or {}),
        platform=_platform(answer),
        repo_tags=tuple(answer.get("RepoTags") or ()),
        repo_digests=tuple(answer.get("RepoDigests") or ()),
    )


def id_matches(image_id: ImageId, candidates: list[str]) -> list[str]:
    """The full ids among ``candidates`` (``sha256:…``) that ``image_id`` names."""
    return sorted({c for c in candidates if c.removeprefix("sha256:").startswith(image_id.hex)})


def _platform(answer: Mapping[str, Any]) -> Platform | None:
    os_name, architecture = answer.get("Os"), answer.get("Architecture")
    if not os_name or not architecture:
        return None
    return Platform(os=os_name, architecture=architecture, variant=answer.get("Variant") or None)

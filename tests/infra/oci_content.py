"""Synthetic OCI content for tests: real, pullable images built in memory.

Builders for a one-file gzipped layer, an image config (labels, platform, diff ids), image
manifests (OCI or Docker schema2) and indexes (OCI index or Docker manifest list). Everything is
deterministic for the same input; tests/infra/registry.py pushes it into a real registry, and
the registry adapter's fault tests serve it from a fake one.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import Mapping, Sequence

from domain.digest import Digest
from domain.platform import Platform

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
_CONFIG_TYPE = {
    OCI_MANIFEST: "application/vnd.oci.image.config.v1+json",
    DOCKER_MANIFEST: "application/vnd.docker.container.image.v1+json",
}
_LAYER_TYPE = {
    OCI_MANIFEST: "application/vnd.oci.image.layer.v1.tar+gzip",
    DOCKER_MANIFEST: "application/vnd.docker.image.rootfs.diff.tar.gzip",
}
AMD64 = Platform(os="linux", architecture="amd64")


def layer_tar_gz(content: bytes) -> tuple[bytes, Digest]:
    """A gzipped tar with one file ``/cogmodel-synthetic``; returns (blob, diff_id)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("cogmodel-synthetic")
        info.size = len(content)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(content))
    tar_bytes = raw.getvalue()
    return gzip.compress(tar_bytes, mtime=0), Digest.of(tar_bytes)


def image_config(
    labels: Mapping[str, str], platform: Platform = AMD64, diff_ids: Sequence[str] = ()
) -> bytes:
    """An image config blob (the JSON whose digest is the image id)."""
    doc: dict[str, object] = {
        "architecture": platform.architecture,
        "os": platform.os,
        "config": {"Labels": dict(labels), "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": list(diff_ids)},
        "history": [{"created_by": "cogmodel tests/infra/registry.py"}],
    }
    if platform.variant:
        doc["variant"] = platform.variant
    return json.dumps(doc, separators=(",", ":")).encode()


def descriptor(media_type: str, body: bytes, **extra: object) -> dict[str, object]:
    """An OCI descriptor for ``body``."""
    return {"mediaType": media_type, "digest": Digest.of(body), "size": len(body), **extra}


def image_manifest(config: bytes, layers: Sequence[bytes], media_type: str = OCI_MANIFEST) -> bytes:
    """A single-image manifest (OCI or Docker schema2) naming ``config`` and ``layers``."""
    doc = {
        "schemaVersion": 2,
        "mediaType": media_type,
        "config": descriptor(_CONFIG_TYPE[media_type], config),
        "layers": [descriptor(_LAYER_TYPE[media_type], layer) for layer in layers],
    }
    return json.dumps(doc, separators=(",", ":")).encode()


def image_index(
    entries: Sequence[tuple[Platform | None, str, bytes]], media_type: str = OCI_INDEX
) -> bytes:
    """An index (OCI) or manifest list (Docker) of ``(platform, media type, manifest)``."""
    manifests = []
    for platform, child_type, body in entries:
        extra: dict[str, object] = {}
        if platform is not None:
            plat = {"architecture": platform.architecture, "os": platform.os}
            if platform.variant:
                plat["variant"] = platform.variant
            extra["platform"] = plat
        manifests.append(descriptor(child_type, body, **extra))
    doc = {"schemaVersion": 2, "mediaType": media_type, "manifests": manifests}
    return json.dumps(doc, separators=(",", ":")).encode()

"""Which torch, torchvision and tensorflow package a pinned requirement becomes in the image.

Cog rewrites ``name==version`` for the build it targets, from its compatibility tables
(:mod:`domain.cogyaml.compat`):

* GPU torch/torchvision: the build of that version with the greatest CUDA not above the
  configured one; the ``+cuXYZ`` modifier is dropped and the build's index URL added. torch
  versions *match* (``2.1`` matches ``2.1.2``), torchvision versions must be equal. No build:
  the line stays ``name==version``.
* CPU torch/torchvision: the CPU build of exactly that version (``1.7.1+cpu``, with its index
  URL); ``+cpu`` is dropped on darwin/arm64, where those wheels have no suffix.
* GPU tensorflow: the GPU package of the build with that version and the configured CUDA
  (always ``tensorflow==<version>`` in the tables). Cog 0447eb11 writes an *empty line* instead
  of tensorflow when no build matches (a bug that silently drops the package); this port keeps
  ``tensorflow==<version>`` in that case.
* Everything else, and CPU tensorflow, stays as it is.
"""

from __future__ import annotations

from domain.cogyaml.compat import TorchBuild, tensorflow_builds, torch_builds
from domain.cogyaml.models import BuildConfig
from domain.cogyaml.versions import equal, greater, matches, parse_version, strip_modifier

Rewrite = tuple[str, tuple[str, ...], tuple[str, ...]]


def package_for_arch(
    build: BuildConfig, name: str, version: str, goos: str, goarch: str
) -> Rewrite:
    """``(requirement, find_links, extra_index_urls)`` for a pinned ``name==version`` line."""
    if name == "tensorflow" and build.gpu:
        return _tensorflow_gpu(version, build.cuda), (), ()
    if name in ("torch", "torchvision"):
        if build.gpu:
            row = _gpu_build(name, version, build.cuda)
            if row is not None:
                published = row.torch if name == "torch" else row.torchvision
                return _with_urls(f"{name}=={strip_modifier(published)}", row)
        else:
            row = _cpu_build(name, version)
            if row is not None:
                published = row.torch if name == "torch" else row.torchvision
                if goos == "darwin" and goarch == "arm64":
                    published = published.replace("+cpu", "")
                return _with_urls(f"{name}=={published}", row)
    return f"{name}=={version}", (), ()


def _gpu_build(name: str, version: str, cuda: str) -> TorchBuild | None:
    best: TorchBuild | None = None
    if parse_version(cuda) is None:
        return None
    for row in torch_builds():
        if row.cuda is None or greater(row.cuda, cuda):
            continue
        same = (
            matches(row.torch_version, version)
            if name == "torch"
            else row.torchvision_version == version
        )
        if same and (best is None or greater(row.cuda, best.cuda or "")):
            best = row
    return best


def _cpu_build(name: str, version: str) -> TorchBuild | None:
    for row in torch_builds():
        published = row.torch_version if name == "torch" else row.torchvision_version
        if row.cuda is None and published == version:
            return row
    return None


def _tensorflow_gpu(version: str, cuda: str) -> str:
    for row in tensorflow_builds():
        if row.tensorflow == version and equal(row.cuda, cuda):
            return row.gpu_package
    return f"tensorflow=={version}"


def _with_urls(requirement: str, row: TorchBuild) -> Rewrite:
    links = (row.find_links,) if row.find_links else ()
    indexes = (row.extra_index_url,) if row.extra_index_url else ()
    return requirement, links, indexes

"""Which torch, torchvision and tensorflow package a pinned requirement becomes in the image.

Cog rewrites ``name==version`` for the build it targets, from its compatibility tables
(:mod:`domain.cogyaml.compat`):

* GPU torch/torchvision: the build of that version with the greatest CUDA not above the
  configured one; the ``+cuXYZ`` modifier is dropped and the build's index URL added. torch
  versions *match* (``2.1`` matches ``2.1.2``), torchvision versions must be equal. Among torch
  builds of the same CUDA the newest torch wins (``2.3`` with CUDA 12.1 is ``2.3.1``; Cog HEAD
  #3009: at 0447eb11 the first row of the table won, which its newest-first order made the
  newest; HEAD's tables are oldest-first); among torchvision builds the first row wins. No
  build: the line stays ``name==version``.
* CPU torch/torchvision: the CPU build of exactly that version, with its index URL. torch is
  written without its ``+cpu`` modifier (``torch==2.0.1``, which pip matches against
  ``2.0.1+cpu`` on the CPU index; Cog HEAD, where 0447eb11 wrote ``torch==1.7.1+cpu``);
  torchvision as published (``0.14.1+cpu`` for builds before 2.0). ``+cpu`` is dropped on
  darwin/arm64, where those wheels have no suffix.
* GPU tensorflow: the GPU package of the build with that version and the configured CUDA
  (always ``tensorflow==<version>`` in the tables). Cog writes an *empty line* instead of
  tensorflow when no build matches (a bug that silently drops the package); this port keeps
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
                if name == "torch":
                    published = strip_modifier(published)
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
        if same and (best is None or _better(name, row, best)):
            best = row
    return best


def _better(name: str, row: TorchBuild, best: TorchBuild) -> bool:
    """``row`` beats ``best``: a greater CUDA, or (torch only) the same CUDA and a newer torch."""
    if greater(row.cuda or "", best.cuda or ""):
        return True
    return (
        name == "torch" and row.cuda == best.cuda and greater(row.torch_version, best.torch_version)
    )


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

"""The compatibility facts Cog ships, read from the package's data files on first use.

Three files in ``data/``, in the shape and under the names of Cog HEAD's ``pkg/config`` files
(decision 0033; at 0447eb11 they were ``cuda_base_images.json``,
``torch_compatibility_matrix.json`` and ``tf_compatibility_matrix.json``, same shape):

* ``cuda_compatibility.json``: the ``nvidia/cuda`` devel images with cuDNN that GPU builds
  start from (``Tag``, ``CUDA``, ``CuDNN``, ``Ubuntu``);
* ``torch_compatibility.json``: PyTorch builds (``Torch``, ``Torchvision``, ``Torchaudio``,
  ``FindLinks``, ``ExtraIndexURL``, ``CUDA`` (null for CPU), ``Pythons``). As in Cog, GPU builds
  whose CUDA has no base image are dropped at load;
* ``tf_compatibility.json``: TensorFlow builds (``TF``, ``TFCPUPackage``, ``TFGPUPackage``,
  ``CUDA``, ``CuDNN``, ``Pythons``); as in Cog, CUDA is kept as ``major.minor`` and cuDNN as
  its major.

Nothing here knows which commit's data it reads, nor in what order its rows come (0447eb11's
tables ran newest-first, HEAD's run oldest-first, sorted as text): the rules that read them
pick by version, and where Cog's answer follows the table's order (the cuDNN versions an error
message lists, the order of cog-base configurations) so does this port's. Importing
``domain.cogyaml.parse`` reads none of the files.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from dataclasses import dataclass
from typing import Any

from domain.cogyaml.versions import matches, parse_version, strip_modifier

CUDA_IMAGES_FILE = "cuda_compatibility.json"
TORCH_FILE = "torch_compatibility.json"
TENSORFLOW_FILE = "tf_compatibility.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class CudaImage:
    """An ``nvidia/cuda`` devel image with cuDNN."""

    cuda: str
    cudnn: str
    ubuntu: str
    tag: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TorchBuild:
    """A PyTorch build: versions as published (``1.13.1+cu116``), ``cuda`` None for CPU."""

    torch: str
    torchvision: str
    torchaudio: str
    cuda: str | None
    find_links: str
    extra_index_url: str
    pythons: tuple[str, ...]

    @property
    def torch_version(self) -> str:
        """The torch version without its ``+modifier``."""
        return strip_modifier(self.torch)

    @property
    def torchvision_version(self) -> str:
        """The torchvision version without its ``+modifier``."""
        return strip_modifier(self.torchvision)


@dataclass(frozen=True, slots=True, kw_only=True)
class TensorflowBuild:
    """A TensorFlow build: its pip requirements and the CUDA (``major.minor``) and cuDNN
    (major) its GPU package needs."""

    tensorflow: str
    cpu_package: str
    gpu_package: str
    cuda: str
    cudnn: str
    pythons: tuple[str, ...]


@functools.cache
def cuda_images() -> tuple[CudaImage, ...]:
    """Every CUDA base image, in the data's order."""
    return tuple(
        CudaImage(cuda=row["CUDA"], cudnn=row["CuDNN"], ubuntu=row["Ubuntu"], tag=row["Tag"])
        for row in _load(CUDA_IMAGES_FILE)
    )


@functools.cache
def torch_builds() -> tuple[TorchBuild, ...]:
    """The PyTorch builds Cog knows, minus GPU builds whose CUDA has no base image."""
    cudas = {image.cuda for image in cuda_images()}
    return tuple(
        TorchBuild(
            torch=row["Torch"],
            torchvision=row["Torchvision"],
            torchaudio=row["Torchaudio"],
            cuda=row["CUDA"],
            find_links=row["FindLinks"],
            extra_index_url=row["ExtraIndexURL"],
            pythons=tuple(row["Pythons"]),
        )
        for row in _load(TORCH_FILE)
        if row["CUDA"] is None or any(matches(row["CUDA"], known) for known in cudas)
    )


@functools.cache
def tensorflow_builds() -> tuple[TensorflowBuild, ...]:
    """The TensorFlow builds Cog knows, in the data's order."""
    return tuple(
        TensorflowBuild(
            tensorflow=row["TF"],
            cpu_package=row["TFCPUPackage"],
            gpu_package=row["TFGPUPackage"],
            cuda=_leading(row["CUDA"], 2),
            cudnn=_leading(row["CuDNN"], 1),
            pythons=tuple(row["Pythons"]),
        )
        for row in _load(TENSORFLOW_FILE)
    )


def _load(name: str) -> list[dict[str, Any]]:
    data = importlib.resources.files("domain.cogyaml").joinpath("data", name)
    rows: list[dict[str, Any]] = json.loads(data.read_text(encoding="utf-8"))
    return rows


def _leading(text: str, parts: int) -> str:
    """``major.minor`` (``parts=2``) or ``major`` of a version, as Cog's ``%d.%d`` prints it."""
    version = parse_version(text)
    if version is None:
        return text
    return ".".join(str(number) for number in version.key()[:parts])

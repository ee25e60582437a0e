"""The compatibility facts Cog 0447eb11 ships, in a compact format of our own.

Three tables, read from Cog's ``pkg/config/*.json`` at commit 0447eb11 and written down here as
whitespace-separated text (one build per line) so that they stay reviewable; they are parsed on
first use only, which keeps ``import domain.cogyaml.parse`` cheap.

* CUDA base images: the ``nvidia/cuda`` *devel* images with cuDNN that GPU builds start from.
  A line is ``<cuda> <cudnn> <ubuntu release>...``; the tag is
  ``<cuda>-cudnn<cudnn>-devel-ubuntu<release>``, except that a cuDNN written ``9*`` is spelled
  just ``cudnn`` in the tag (NVIDIA dropped the number from 12.4.1 on).
* PyTorch builds: ``<torch> <torchvision> <torchaudio|-> <cuda|cpu> <index> <pythons>`` where
  ``index`` is ``x:<url>`` (an extra index URL), ``f:<url>`` (a find-links page) or ``-``, ``@``
  abbreviates ``https://download.pytorch.org/whl/``, and ``pythons`` lists versions with
  ``a-b`` ranges of minors. As in Cog, builds whose CUDA has no base image are dropped at load.
* TensorFlow builds: ``<tensorflow> <cuda> <cudnn> <pythons>``; the package is always
  ``tensorflow==<version>``; CUDA is kept as ``major.minor`` and cuDNN as its major, as Cog does.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from domain.cogyaml.versions import matches, strip_modifier

_PYTORCH_WHEELS = "https://download.pytorch.org/whl/"

_CUDA_IMAGES = """
12.9.1  9*  24.04 22.04 20.04
12.9.0  9*  24.04 22.04 20.04
12.8.1  9*  24.04 22.04 20.04
12.8.0  9*  24.04 22.04 20.04
12.6.3  9*  24.04 22.04 20.04
12.6.2  9*  24.04 22.04 20.04
12.6.1  9*  24.04 22.04 20.04
12.6.0  9*  24.04 22.04 20.04
12.5.1  9*  22.04 20.04
12.4.1  9*  22.04 20.04
12.3.2  9   22.04 20.04
12.2.2  8   22.04 20.04
12.1.1  8   22.04 20.04
12.1.0  8   22.04 20.04
12.0.1  8   22.04 20.04 18.04
12.0.0  8   22.04 20.04 18.04
11.8.0  8   22.04 20.04 18.04
11.7.1  8   22.04 20.04 18.04
11.6.2  8   20.04 18.04
11.6.1  8   20.04
11.5.2  8   20.04 18.04
11.4.3  8   20.04 18.04
11.3.1  8   20.04 18.04 16.04
11.2.2  8   20.04 18.04 16.04
11.1.1  8   20.04 18.04 16.04
11.0.3  8   20.04 18.04 16.04
"""

_TORCH_BUILDS = """
2.8.0+cpu     0.23.0        2.8.0  cpu   x:@cpu/                        3.9-3.13
2.8.0+cu126   0.23.0        2.8.0  12.6  x:@cu126/                      3.9-3.13
2.8.0+cu128   0.23.0        2.8.0  12.8  x:@cu128/                      3.9-3.13
2.8.0+cu129   0.23.0        2.8.0  12.9  x:@cu129/                      3.9-3.13
2.7.1         0.22.1        2.7.1  11.8  x:@cu118                       3.9-3.13
2.7.1         0.22.1        2.7.1  12.6  x:@cu126                       3.9-3.13
2.7.1         0.22.1        2.7.1  12.8  x:@cu128                       3.9-3.13
2.7.1         0.22.1        2.7.1  cpu   x:@cpu                         3.9-3.13
2.7.0         0.22.0        2.7.0  11.8  x:@cu118                       3.9-3.13
2.7.0         0.22.0        2.7.0  12.6  x:@cu126                       3.9-3.13
2.7.0         0.22.0        2.7.0  12.8  x:@cu128                       3.9-3.13
2.7.0         0.22.0        2.7.0  cpu   x:@cpu                         3.9-3.13
2.6.0         0.21.0        2.6.0  11.8  x:@cu118                       3.9-3.13
2.6.0         0.21.0        2.6.0  12.4  x:@cu124                       3.9-3.13
2.6.0         0.21.0        2.6.0  12.6  x:@cu126                       3.9-3.13
2.6.0         0.21.0        2.6.0  cpu   x:@cpu                         3.9-3.13
2.5.1         0.20.1        2.5.1  11.8  x:@cu118                       3.9-3.12
2.5.1         0.20.1        2.5.1  12.1  x:@cu121                       3.9-3.12
2.5.1         0.20.1        2.5.1  12.4  x:@cu124                       3.9-3.12
2.5.1         0.20.1        2.5.1  cpu   x:@cpu                         3.9-3.12
2.5.0         0.20.0        2.5.0  11.8  x:@cu118                       3.9-3.12
2.5.0         0.20.0        2.5.0  12.1  x:@cu121                       3.9-3.12
2.5.0         0.20.0        2.5.0  12.4  x:@cu124                       3.9-3.12
2.5.0         0.20.0        2.5.0  cpu   x:@cpu                         3.9-3.12
2.4.1         0.19.1        2.4.1  11.8  x:@cu118                       3.8-3.12
2.4.1         0.19.1        2.4.1  12.1  x:@cu121                       3.8-3.12
2.4.1         0.19.1        2.4.1  12.4  x:@cu124                       3.8-3.12
2.4.1         0.19.1        2.4.1  cpu   x:@cpu                         3.8-3.12
2.4.0         0.19.0        2.4.0  11.8  x:@cu118                       3.8-3.12
2.4.0         0.19.0        2.4.0  12.1  x:@cu121                       3.8-3.12
2.4.0         0.19.0        2.4.0  12.4  x:@cu124                       3.8-3.12
2.4.0         0.19.0        2.4.0  cpu   x:@cpu                         3.8-3.12
2.3.1         0.18.1        2.3.1  11.8  x:@cu118                       3.8-3.12
2.3.1         0.18.1        2.3.1  12.1  x:@cu121                       3.8-3.12
2.3.1         0.18.1        2.3.1  cpu   x:@cpu                         3.8-3.12
2.3.0         0.18.0        2.3.0  11.8  x:@cu118                       3.8-3.12
2.3.0         0.18.0        2.3.0  12.1  x:@cu121                       3.8-3.12
2.3.0         0.18.0        2.3.0  cpu   x:@cpu                         3.8-3.12
2.2.2         0.17.2        2.2.2  11.8  x:@cu118                       3.8-3.12
2.2.2         0.17.2        2.2.2  12.1  x:@cu121                       3.8-3.12
2.2.2         0.17.2        2.2.2  cpu   x:@cpu                         3.8-3.12
2.2.1         0.17.1        2.2.1  11.8  x:@cu118                       3.8-3.12
2.2.1         0.17.1        2.2.1  12.1  x:@cu121                       3.8-3.12
2.2.1         0.17.1        2.2.1  cpu   x:@cpu                         3.8-3.12
2.2.0         0.17.0        2.2.0  11.8  x:@cu118                       3.8-3.12
2.2.0         0.17.0        2.2.0  12.1  x:@cu121                       3.8-3.12
2.2.0         0.17.0        2.2.0  cpu   x:@cpu                         3.8-3.12
2.1.2         0.16.2        2.1.2  11.8  x:@cu118                       3.8-3.11
2.1.2         0.16.2        2.1.2  12.1  x:@cu121                       3.8-3.11
2.1.2         0.16.2        2.1.2  cpu   x:@cpu                         3.8-3.11
2.1.1         0.16.1        2.1.1  11.8  x:@cu118                       3.8-3.11
2.1.1         0.16.1        2.1.1  12.1  x:@cu121                       3.8-3.11
2.1.1         0.16.1        2.1.1  cpu   x:@cpu                         3.8-3.11
2.1.0         0.16.0        2.1.0  11.8  x:@cu118                       3.8-3.11
2.1.0         0.16.0        2.1.0  12.1  x:@cu121                       3.8-3.11
2.1.0         0.16.0        2.1.0  cpu   x:@cpu                         3.8-3.11
2.0.1         0.15.2        2.0.2  11.7  -                              3.8-3.11
2.0.1         0.15.2        2.0.2  11.8  x:@cu118                       3.8-3.11
2.0.1         0.15.2        2.0.2  cpu   x:@cpu                         3.8-3.11
2.0.0         0.15.1        2.0.1  11.7  -                              3.8-3.11
2.0.0         0.15.1        2.0.1  11.8  x:@cu118                       3.8-3.11
2.0.0         0.15.1        2.0.1  cpu   x:@cpu                         3.8-3.11
1.13.1+cu116  0.14.1+cu116  0.13.1 11.6  x:@cu116                       3.7-3.10
1.13.1+cu117  0.14.1+cu117  0.13.1 11.7  x:@cu117                       3.7-3.10
1.13.1+cpu    0.14.1+cpu    0.13.1 cpu   x:@cpu                         3.7-3.10
1.13.0+cu116  0.14.0+cu116  0.13.0 11.6  x:@cu116                       3.7-3.10
1.13.0+cu117  0.14.0+cu117  0.13.0 11.7  x:@cu117                       3.7-3.10
1.13.0+cpu    0.14.0+cpu    0.13.0 cpu   x:@cpu                         3.7-3.10
1.12.1+cu116  0.13.1+cu116  0.12.1 11.6  x:@cu116                       3.7-3.10
1.12.1+cu113  0.13.1+cu113  0.12.1 11.3  x:@cu113                       3.7-3.10
1.12.1+cu102  0.13.1+cu102  0.12.1 10.2  x:@cu102                       3.7-3.10
1.12.1+cpu    0.13.1+cpu    0.12.1 cpu   x:@cpu                         3.7-3.10
1.12.0+cu116  0.13.0+cu116  0.12.0 11.6  x:@cu116                       3.7-3.10
1.12.0+cu113  0.13.0+cu113  0.12.0 11.3  x:@cu113                       3.7-3.10
1.12.0+cu102  0.13.0+cu102  0.12.0 10.2  x:@cu102                       3.7-3.10
1.12.0+cpu    0.13.0+cpu    0.12.0 cpu   x:@cpu                         3.7-3.10
1.11.0+cu113  0.12.0+cu113  0.11.0 11.3  x:@cu113                       3.7-3.10
1.11.0+cu102  0.12.0+cu102  0.11.0 10.2  x:@cu102                       3.7-3.10
1.11.0+cpu    0.12.0+cpu    0.11.0 cpu   x:@cpu                         3.7-3.10
1.10.1+cu111  0.11.2+cu111  0.10.1 11.1  f:@cu111/torch_stable.html     3.6-3.9
1.10.1+cu102  0.11.2+cu102  0.10.1 10.2  f:@cu102/torch_stable.html     3.6-3.9
1.10.1+cpu    0.11.2+cpu    0.10.1 cpu   f:@cpu/torch_stable.html       3.6-3.9
1.10.0+cu111  0.11.0+cu111  0.10.0 11.1  f:@torch_stable.html           3.6-3.9
1.10.0+cu102  0.11.0+cu102  0.10.0 10.2  f:@torch_stable.html           3.6-3.9
1.10.0+cpu    0.11.0+cpu    0.10.0 cpu   f:@torch_stable.html           3.6-3.9
1.9.1+cu111   0.10.1+cu111  0.9.1  11.1  f:@torch_stable.html           3.6-3.9
1.9.1+cu102   0.10.1+cu102  0.9.1  10.2  f:@torch_stable.html           3.6-3.9
1.9.1+cpu     0.10.1+cpu    0.9.1  cpu   f:@torch_stable.html           3.6-3.9
1.9.0+cu111   0.10.0+cu111  0.9.0  11.1  f:@torch_stable.html           3.6-3.9
1.9.0+cu102   0.10.0+cu102  0.9.0  10.2  f:@torch_stable.html           3.6-3.9
1.9.0+cpu     0.10.0+cpu    0.9.0  cpu   f:@torch_stable.html           3.6-3.9
1.8.1+cu111   0.9.1+cu111   0.8.1  11.1  f:@torch_stable.html           3.6-3.9
1.8.1+cu102   0.9.1+cu102   0.8.1  10.2  f:@torch_stable.html           3.6-3.9
1.8.1+cu101   0.9.1+cu101   0.8.1  10.1  f:@torch_stable.html           3.6-3.9
1.8.1+cpu     0.9.1+cpu     0.8.1  cpu   f:@torch_stable.html           3.6-3.9
1.8.0+cu111   0.9.0+cu111   0.8.0  11.1  f:@torch_stable.html           3.6-3.9
1.8.0         0.9.0         0.8.0  10.2  -                              3.6-3.9
1.8.0+cpu     0.9.0+cpu     0.8.0  cpu   f:@torch_stable.html           3.6-3.9
1.7.1+cu110   0.8.2+cu110   0.7.2  11.0  f:@torch_stable.html           3.6-3.9
1.7.1         0.8.2         0.7.2  10.2  -                              3.6-3.9
1.7.1+cu101   0.8.2+cu101   0.7.2  10.1  f:@torch_stable.html           3.6-3.9
1.7.1+cu92    0.8.2+cu92    0.7.2  9.2   f:@torch_stable.html           3.6-3.9
1.7.1+cpu     0.8.2+cpu     0.7.2  cpu   f:@torch_stable.html           3.6-3.9
1.7.0+cu110   0.8.1+cu110   0.7.0  11.0  f:@torch_stable.html           3.6-3.8
1.7.0         0.8.1         0.7.0  10.2  -                              3.6-3.8
1.7.0+cu101   0.8.1+cu101   0.7.0  10.1  f:@torch_stable.html           3.6-3.8
1.7.0+cu92    0.8.1+cu92    0.7.0  9.2   f:@torch_stable.html           3.6-3.8
1.7.0+cpu     0.8.1+cpu     0.7.0  cpu   f:@torch_stable.html           3.6-3.8
1.6.0         0.7.0         -      10.2  -                              3.6-3.8
1.6.0+cu101   0.7.0+cu101   -      10.1  f:@torch_stable.html           3.6-3.8
1.6.0+cu92    0.7.0+cu92    -      9.2   f:@torch_stable.html           3.6-3.8
1.6.0+cpu     0.7.0+cpu     -      cpu   f:@torch_stable.html           3.6-3.8
1.5.1         0.6.1         -      10.2  -                              3.5-3.8
1.5.1+cu101   0.6.1+cu101   -      10.1  f:@torch_stable.html           3.5-3.8
1.5.1+cu92    0.6.1+cu92    -      9.2   f:@torch_stable.html           3.5-3.8
1.5.1+cpu     0.6.1+cpu     -      cpu   f:@torch_stable.html           3.5-3.8
1.5.0         0.6.0         -      10.2  -                              3.5-3.8
1.5.0+cu101   0.6.0+cu101   -      10.1  f:@torch_stable.html           3.5-3.8
1.5.0+cu92    0.6.0+cu92    -      9.2   f:@torch_stable.html           3.5-3.8
1.5.0+cpu     0.6.0+cpu     -      cpu   f:@torch_stable.html           3.5-3.8
1.4.0         0.5.0         -      10.1  -                              2.7,3.5-3.8
1.4.0+cu92    0.5.0+cu92    -      9.2   f:@torch_stable.html           2.7,3.5-3.8
1.4.0+cpu     0.5.0+cpu     -      cpu   f:@torch_stable.html           2.7,3.5-3.8
1.2.0         0.4.0         -      10.0  -                              2.7,3.5-3.7
1.2.0+cu92    0.4.0+cu92    -      9.2   f:@torch_stable.html           2.7,3.5-3.7
1.2.0+cpu     0.4.0+cpu     -      cpu   f:@torch_stable.html           2.7,3.5-3.7
"""

_TENSORFLOW_BUILDS = """
2.19.0  12.5  9.3  3.9-3.12
2.18.0  12.5  9.3  3.9-3.12
2.17.0  12.3  8.9  3.9-3.12
2.16.1  12.3  8.9  3.9-3.12
2.15.0  12.2  8.9  3.9-3.11
2.14.0  11.8  8.7  3.9-3.11
2.13.0  11.8  8.6  3.8-3.11
2.12.0  11.8  8.6  3.8-3.11
2.11.0  11.2  8.1  3.7-3.10
2.10.0  11.2  8.1  3.7-3.10
2.9.0   11.2  8.1  3.7-3.10
2.8.0   11.2  8.1  3.7-3.10
2.7.0   11.2  8.1  3.7-3.9
2.6.0   11.2  8.1  3.6-3.9
2.5.0   11.2  8.1  3.6-3.9
2.4.0   11.0  8.0  3.6-3.8
"""


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
    """A TensorFlow GPU build: the CUDA (``major.minor``) and cuDNN (major) it needs."""

    tensorflow: str
    cuda: str
    cudnn: str
    pythons: tuple[str, ...]

    @property
    def package(self) -> str:
        """The pip requirement that installs it."""
        return f"tensorflow=={self.tensorflow}"


@functools.cache
def cuda_images() -> tuple[CudaImage, ...]:
    """Every CUDA base image, newest CUDA first."""
    images = []
    for cuda, cudnn, *releases in _rows(_CUDA_IMAGES):
        bare = cudnn.endswith("*")
        number = cudnn.rstrip("*")
        for ubuntu in releases:
            tag = f"{cuda}-cudnn{'' if bare else number}-devel-ubuntu{ubuntu}"
            images.append(CudaImage(cuda=cuda, cudnn=number, ubuntu=ubuntu, tag=tag))
    return tuple(images)


@functools.cache
def torch_builds() -> tuple[TorchBuild, ...]:
    """The PyTorch builds Cog knows, minus GPU builds whose CUDA has no base image."""
    cudas = {image.cuda for image in cuda_images()}
    builds = []
    for torch, vision, audio, cuda, index, pythons in _rows(_TORCH_BUILDS):
        gpu = None if cuda == "cpu" else cuda
        if gpu is not None and not any(matches(gpu, known) for known in cudas):
            continue
        kind, _, url = index.partition(":")
        url = url.replace("@", _PYTORCH_WHEELS, 1)
        builds.append(
            TorchBuild(
                torch=torch,
                torchvision=vision,
                torchaudio="" if audio == "-" else audio,
                cuda=gpu,
                find_links=url if kind == "f" else "",
                extra_index_url=url if kind == "x" else "",
                pythons=_pythons(pythons),
            )
        )
    return tuple(builds)


@functools.cache
def tensorflow_builds() -> tuple[TensorflowBuild, ...]:
    """The TensorFlow GPU builds Cog knows, newest first."""
    return tuple(
        TensorflowBuild(
            tensorflow=version,
            cuda=".".join(cuda.split(".")[:2]),
            cudnn=cudnn.split(".")[0],
            pythons=_pythons(pythons),
        )
        for version, cuda, cudnn, pythons in _rows(_TENSORFLOW_BUILDS)
    )


def _rows(table: str) -> list[list[str]]:
    return [line.split() for line in table.strip().splitlines()]


def _pythons(spec: str) -> tuple[str, ...]:
    versions: list[str] = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        major, minor = first.split(".")
        end = int(last.split(".")[1]) if last else int(minor)
        versions.extend(f"{major}.{m}" for m in range(int(minor), end + 1))
    return tuple(versions)

"""CUDA and cuDNN for GPU models: validation, completion from torch/tensorflow, base images.

Completion (Cog's ``validateAndCompleteCUDA``, GPU configs only):

1. A configured CUDA needs ``major.minor`` with integer parts (the minor's check is HEAD's)
   and a major of at least 11; with a configured cuDNN it must be offered by a base image whose
   CUDA matches (HEAD's rule; at 0447eb11 the CUDA text had to be equal, so ``11.8`` + ``8``
   failed). A configured CUDA must start with the major of a known tensorflow's CUDA (HEAD's
   ``validateFrameworkCompatibility``; 0447eb11 accepted it).
2. tensorflow (wins over torch): unset CUDA/cuDNN come from its table row; an unknown version
   with no CUDA is an error; a configured cuDNN that differs from the row's is an error.
3. torch: unset CUDA becomes the greatest CUDA of the builds of that version (``+cuXYZ`` pins
   one); unknown versions with no CUDA are an error; unset cuDNN is the latest for the CUDA.
4. Neither: CUDA defaults to 11.8, cuDNN to the latest for the CUDA.

Disagreements that are not errors become warnings. Cog warns about a tensorflow/CUDA mismatch
exactly when the versions *agree* (an inverted condition, still in Cog HEAD); this port warns
when they disagree.

>>> cuda_base_image_tag("11.8", "8")
'11.8.0-cudnn8-devel-ubuntu22.04'
>>> latest_cudnn_for_cuda("12.4")
'9'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import NoReturn

from domain.cogyaml.compat import cuda_images, tensorflow_builds, torch_builds
from domain.cogyaml.models import BuildConfig
from domain.cogyaml.requirements import package_version
from domain.cogyaml.versions import equal_minor, go_atoi, matches, parse_version
from domain.errors import ConfigError

DEFAULT_CUDA = "11.8"
MINIMUM_CUDA_MAJOR = 11
_UPGRADE = (
    "You might need to upgrade Cog: https://github.com/replicate/cog#upgrade\n\n"
    "If that doesn't work, you need to set the 'cuda' option in cog.yaml to set what version "
    "to use. You might be able to find this out from {site}"
)


def validate_cuda_version(cuda: str) -> None:
    """Cog's ``ValidateCudaVersion`` (``validateCudaVersion`` at HEAD, which added the minor's
    check).

    Raises:
        ConfigError: (``build.cuda``) no minor version, a non-numeric major or minor, or
            major < 11.
    """
    parts = cuda.split(".")
    if len(parts) < 2:
        _fail(
            "build.cuda", f"CUDA version {_quote(cuda)} must include both major and minor versions"
        )
    major = go_atoi(parts[0])  # Go's Atoi: not a number, or beyond 64 bits
    if major is None:
        _fail("build.cuda", f"Invalid major version in CUDA version {_quote(cuda)}")
    minor = go_atoi(parts[1])
    if minor is None:
        _fail("build.cuda", f"Invalid minor version in CUDA version {_quote(cuda)}")
    if major < MINIMUM_CUDA_MAJOR:
        minimum = f"Minimum supported CUDA version is {MINIMUM_CUDA_MAJOR}"
        _fail("build.cuda", f"{minimum}. requested {_quote(cuda)}")


def compatible_cudnns(cuda: str) -> tuple[str, ...]:
    """The cuDNN majors of the base images whose CUDA matches ``cuda`` (each once).

    Cog HEAD's rule (#3070). Cog 0447eb11 compared the CUDA text exactly, so ``cuda: "11.8"``
    with ``cudnn: "8"`` failed, and so did re-validating a config it had completed itself.
    """
    return tuple(dict.fromkeys(image.cudnn for image in cuda_images() if matches(cuda, image.cuda)))


def latest_cudnn_for_cuda(cuda: str) -> str:
    """The newest cuDNN of the base images whose CUDA matches ``cuda``.

    Raises:
        ConfigError: (``build.cuda``) no base image has that CUDA.
    """
    cudnns = [image.cudnn for image in cuda_images() if matches(cuda, image.cuda)]
    if not cudnns:
        _fail("build.cuda", f"CUDA {cuda} is not supported by Cog")
    return max(cudnns, key=_key)


def cuda_base_image_tag(cuda: str, cudnn: str) -> str:
    """The ``nvidia/cuda`` tag a GPU build starts from: newest matching CUDA, newest Ubuntu.

    Raises:
        ConfigError: (``build.cuda``) no base image has that CUDA and cuDNN.
    """
    images = [
        image for image in cuda_images() if matches(cuda, image.cuda) and image.cudnn == cudnn
    ]
    if not images:
        _fail("build.cuda", f"no matching base image for CUDA {cuda} and CuDNN {cudnn}")
    return max(images, key=lambda image: (_key(image.cuda), image.ubuntu)).tag


def cuda_base_image(cuda: str, cudnn: str) -> str:
    """``nvidia/cuda:<tag>`` (see :func:`cuda_base_image_tag`)."""
    return f"nvidia/cuda:{cuda_base_image_tag(cuda, cudnn)}"


def torch_cudas(torch_version: str) -> tuple[str, ...]:
    """The CUDAs of the torch builds matching ``torch_version``; a ``+cuXYZ`` suffix pins one."""
    pinned, version = _cuda_from_modifier(torch_version)
    builds = [row for row in torch_builds() if row.cuda and matches(version, row.torch_version)]
    for row in builds:
        if pinned and row.cuda == pinned:
            return (pinned,)
    return tuple(sorted(row.cuda for row in builds if row.cuda))


def tensorflow_cuda(tensorflow_version: str) -> tuple[str, str] | None:
    """``(cuda, cudnn)`` of the tensorflow build with exactly that version, or None."""
    for row in tensorflow_builds():
        if row.tensorflow == tensorflow_version:
            return row.cuda, row.cudnn
    return None


def complete_cuda(
    build: BuildConfig, requirements: Sequence[str]
) -> tuple[BuildConfig, tuple[str, ...]]:
    """Validate and fill in ``cuda``/``cudnn`` of a GPU build; returns the build and warnings.

    Raises:
        ConfigError: the first problem found (``field`` is ``build.cuda`` or ``build.cudnn``).
    """
    cuda, cudnn = build.cuda, build.cudnn
    if cuda:
        validate_cuda_version(cuda)
    if cuda and cudnn and cudnn not in (compatible := compatible_cudnns(cuda)):
        _fail(
            "build.cudnn",
            f"The specified CUDA version {cuda} is not compatible with CuDNN {cudnn}.\n"
            f"Compatible CuDNN versions are: {','.join(compatible)}",
        )
    tensorflow = package_version(requirements, "tensorflow")
    if cuda and tensorflow:
        _check_tensorflow_major(tensorflow, cuda)
    torch = package_version(requirements, "torch")
    if torch == "":
        _fail("build.cuda", "torch version must be specified when using CUDA")
    if tensorflow:
        cuda, cudnn, warnings = _from_tensorflow(tensorflow, cuda, cudnn)
    elif torch:
        cuda, cudnn, warnings = _from_torch(torch, cuda, cudnn)
    else:
        cuda = cuda or DEFAULT_CUDA
        cudnn, warnings = cudnn or latest_cudnn_for_cuda(cuda), ()
    return build.model_copy(update={"cuda": cuda, "cudnn": cudnn}), warnings


def _check_tensorflow_major(version: str, cuda: str) -> None:
    """HEAD's check that a configured CUDA has the major of tensorflow's (a text prefix, as in
    Cog: ``strings.HasPrefix(cuda, major)``); an unknown tensorflow passes."""
    tf_cuda, _ = tensorflow_cuda(version) or ("", "")
    if tf_cuda and not cuda.startswith(tf_cuda.split(".")[0]):
        _fail(
            "build.cuda",
            f"TensorFlow {version} is incompatible with CUDA {cuda}: "
            f"TensorFlow {version} requires CUDA {tf_cuda}",
        )


def _from_tensorflow(version: str, cuda: str, cudnn: str) -> tuple[str, str, tuple[str, ...]]:
    tf_cuda, tf_cudnn = tensorflow_cuda(version) or ("", "")
    warnings: tuple[str, ...] = ()
    if not cuda:
        if not tf_cudnn:
            _unknown("tensorflow", version, "https://www.tensorflow.org/")
        cuda = tf_cuda
    elif not tf_cuda or not equal_minor(tf_cuda, cuda):
        warnings = _compatibility_warning(cuda, f"Tensorflow {version}", tf_cuda)
    if not cudnn:
        cudnn = tf_cudnn or latest_cudnn_for_cuda(cuda)
    elif tf_cudnn != cudnn:
        _fail(
            "build.cudnn",
            f"The specified cuDNN version {cudnn} is not compatible with tensorflow=={version}.\n"
            f"Compatible cuDNN version is: {tf_cudnn}",
        )
    return cuda, cudnn, warnings


def _from_torch(version: str, cuda: str, cudnn: str) -> tuple[str, str, tuple[str, ...]]:
    cudas = torch_cudas(version)
    warnings: tuple[str, ...] = ()
    if not cuda:
        if not cudas:
            _unknown("torch", version, "https://pytorch.org/")
        cuda = max(cudas, key=_key)
    elif not any(equal_minor(candidate, cuda) for candidate in cudas):
        warnings = _compatibility_warning(cuda, f"PyTorch {version}", cudas[-1] if cudas else "")
    return cuda, cudnn or latest_cudnn_for_cuda(cuda), warnings


def _compatibility_warning(cuda: str, framework: str, suggestion: str) -> tuple[str, ...]:
    warning = f"Cog doesn't know if CUDA {cuda} is compatible with {framework}."
    warning += " This might cause CUDA problems."
    return (warning, f"Try {suggestion} instead?") if suggestion else (warning,)


def _cuda_from_modifier(version: str) -> tuple[str, str]:
    """``2.0.1+cu118`` → (``11.8``, ``2.0.1``); anything else → (``""``, the version)."""
    parts = version.split("+")
    if len(parts) < 2 or not parts[-1].startswith("cu") or len(parts[-1]) < 4:
        return "", version
    digits = parts[-1][2:]
    return f"{digits[:-1]}.{digits[-1]}", parts[0]


def _key(version: str) -> tuple[int, int, int]:
    parsed = parse_version(version)
    return parsed.key() if parsed else (-1, -1, -1)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _unknown(framework: str, version: str, site: str) -> NoReturn:
    _fail(
        "build.cuda",
        f"Cog doesn't know what CUDA version is compatible with {framework}=={version}. "
        + _UPGRADE.format(site=site),
    )


def _fail(field: str, reason: str) -> NoReturn:
    raise ConfigError(field, reason, problems=(reason,))

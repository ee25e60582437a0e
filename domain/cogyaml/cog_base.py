"""``r8.im/cog-base`` images: which (CUDA, Python, torch) combinations exist, and their tags.

The allowed configurations come from the torch table (:mod:`domain.cogyaml.compat`), as in Cog's
``BaseImageConfigurations``: for every build with torch >= 1.13.1 and every Python >= 3.10 it
supports, a CPU build gives (Python, torch) and a CUDA >= 11.6 build gives (CUDA, Python, torch);
then every (CUDA, Python) pair and every Python seen with a CUDA build. Quirk kept: Cog's ``>=``
also compares the ``+modifier``, so the ``1.13.1+cu116``-style builds do not count.

A requested component matches a configuration's when both are empty or the versions match
(``3.12.1`` matches ``3.12``). The torch part of a tag is the greatest allowed torch that matches
(``2.1`` → ``2.1.2``); when none matches, the tag has no torch part at all (Cog's behaviour).

>>> cog_base_image_tag("", "3.10", "2.1")
'python3.10-torch2.1.2'
>>> cog_base_image_tag("11.8", "3.10", "2.0.1+cu118")
'cuda11.8-python3.10-torch2.0.1'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from domain.cogyaml.compat import torch_builds
from domain.cogyaml.versions import greater, greater_or_equal, major_minor, matches, strip_modifier
from domain.errors import ConfigError

COG_BASE_REPOSITORY = "cog-base"
MINIMUM_CUDA = "11.6"
MINIMUM_PYTHON = "3.10"
MINIMUM_TORCH = "1.13.1"


@dataclass(frozen=True, slots=True, kw_only=True)
class CogBaseConfiguration:
    """One published cog-base combination; an empty string means "not in the image"."""

    cuda: str
    python: str
    torch: str


@functools.cache
def cog_base_configurations() -> tuple[CogBaseConfiguration, ...]:
    """Every (CUDA, Python, torch) combination cog-base images exist for."""
    configs: list[CogBaseConfiguration] = []
    pythons: dict[str, None] = {}
    cudas: dict[str, None] = {}
    for row in torch_builds():
        for python in row.pythons:
            if not greater_or_equal(python, MINIMUM_PYTHON) or not greater_or_equal(
                row.torch, MINIMUM_TORCH
            ):
                continue
            if row.cuda is None:
                configs.append(CogBaseConfiguration(cuda="", python=python, torch=row.torch))
            elif greater_or_equal(row.cuda, MINIMUM_CUDA):
                configs.append(CogBaseConfiguration(cuda=row.cuda, python=python, torch=row.torch))
                pythons[python] = cudas[row.cuda] = None
    configs += [CogBaseConfiguration(cuda=c, python=p, torch="") for p in pythons for c in cudas]
    configs += [CogBaseConfiguration(cuda="", python=p, torch="") for p in pythons]
    return tuple(configs)


def cog_base_image_tag(cuda: str, python_version: str, torch_version: str) -> str:
    """The cog-base tag for these components, e.g. ``cuda12.1-python3.10-torch2.1.2``."""
    torch = _normalised_torch(cuda, python_version, torch_version)
    parts = [f"cuda{major_minor(cuda)}"] if cuda else []
    parts += [f"python{major_minor(python_version)}"] if python_version else []
    parts += [f"torch{strip_modifier(torch)}"] if torch else []
    return "-".join(parts) or "latest"


def cog_base_image_name(
    cuda: str, python_version: str, torch_version: str, *, registry: str = "r8.im"
) -> str:
    """``<registry>/cog-base:<tag>`` (see :func:`cog_base_image_tag`)."""
    tag = cog_base_image_tag(cuda, python_version, torch_version)
    return f"{registry}/{COG_BASE_REPOSITORY}:{tag}"


def cog_base_image_supported(cuda: str, python_version: str, torch_version: str) -> bool:
    """Whether a cog-base image is published for these components (after torch normalisation)."""
    torch = _normalised_torch(cuda, python_version, torch_version)
    return any(_fits(config, cuda, python_version, torch) for config in cog_base_configurations())


def check_cog_base_image(cuda: str, python_version: str, torch_version: str) -> str:
    """The cog-base tag for a supported combination.

    Raises:
        ConfigError: (``build``) no cog-base image exists for the combination.
    """
    if not cog_base_image_supported(cuda, python_version, torch_version):
        torch = _normalised_torch(cuda, python_version, torch_version)
        reason = (
            f"unsupported base image configuration: CUDA: {cuda or '(none)'} / "
            f"Python: {python_version or '(none)'} / Torch: {torch or '(none)'}"
        )
        raise ConfigError("build", reason, problems=(reason,))
    return cog_base_image_tag(cuda, python_version, torch_version)


def _normalised_torch(cuda: str, python_version: str, torch_version: str) -> str:
    best = ""
    for config in cog_base_configurations():
        if _fits(config, cuda, python_version, torch_version) and (
            not best or greater(config.torch, best)
        ):
            best = strip_modifier(config.torch)
    return best


def _fits(config: CogBaseConfiguration, cuda: str, python: str, torch: str) -> bool:
    return (
        _compatible(config.cuda, cuda)
        and _compatible(config.python, python)
        and _compatible(config.torch, torch)
    )


def _compatible(offered: str, requested: str) -> bool:
    if not offered or not requested:
        return offered == requested
    return matches(requested, offered)

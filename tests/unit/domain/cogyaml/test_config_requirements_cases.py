"""Cog's ``PythonRequirementsForArch`` tests (config_test.go @0447eb11), in our form.

Each case builds a config (``python_packages`` or a requirements file's lines), validates and
completes it, then writes the ``requirements.txt`` Cog puts in the build context. Cog's tests
pass ``goos = goarch = ""`` (neither linux/amd64 nor darwin/arm64), and so do these.

The package ships Cog HEAD's compatibility facts (decision 0033). Where HEAD gives another
answer, the case keeps 0447eb11's and says what HEAD answers and why (``at_head``); each case
runs twice: on HEAD's facts (HEAD's answer) and on 0447eb11's (0447eb11's answer, unless a rule
changed too, which the case says).
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from domain.cogyaml.parse import parse_config
from domain.cogyaml.requirements import (
    effective_requirements,
    parse_requirements_text,
    python_requirements_for_arch,
)
from domain.cogyaml.validation import validate_and_complete
from domain.errors import ConfigError
from tests.unit.domain.cogyaml.compat_facts import facts_at_0447eb11

STABLE = "--find-links https://download.pytorch.org/whl/torch_stable.html"
CU116 = "--extra-index-url https://download.pytorch.org/whl/cu116"
TORCH_171 = ("torch==1.7.1", "torchvision==0.8.2", "torchaudio==0.7.2", "foo==1.0.0")
TORCH_1121 = ("torch==1.12.1", "torchvision==0.13.1", "torchaudio==0.12.1", "foo==1.0.0")
UNPARSABLE = (
    "foo==1.0.0\n# complex requirements\nfastapi>=0.6,<1\nflask>0.4\n# comments!\n"
    "# blank lines!\n\n# arguments\n-f http://example.com"
)


class AtHead(NamedTuple):
    """HEAD's answer to a 0447eb11 case, and why it changed."""

    why: str
    expected: tuple[str, ...]
    completed: tuple[str, str] | None = None
    # Where a rule changed too: what HEAD's rules make of 0447eb11's facts.
    on_0447eb11_facts: tuple[str, ...] | None = None


class ForArch(NamedTuple):
    name: str
    expected: tuple[str, ...]
    gpu: bool = True
    cuda: str = ""
    python: str = "3.10"
    requirements_file: str | None = None
    packages: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    completed: tuple[str, str] | None = None
    at_head: AtHead | None = None


_NO_17 = "HEAD's table has no torch 1.7 (builds with no Python >= 3.10 wheel were dropped)"
_SLASH = "HEAD's index URLs end with a slash"


FOR_ARCH_CASES = [
    ForArch(
        "TestPythonRequirementsResolvesPythonPackagesAndCudaVersions",
        (STABLE, "torch==1.7.1", "torchvision==0.8.2", "torchaudio==0.7.2", "foo==1.0.0"),
        requirements_file="\n".join(TORCH_171),
        completed=("11.0", "8"),
        at_head=AtHead(f"{_NO_17}: no CUDA to complete, so the config is refused", ()),
    ),
    ForArch(
        "TestPythonRequirementsResolvesPythonPackagesAndCudaVersionsWithExtraIndexURL",
        (CU116, *TORCH_1121),
        requirements_file="\n".join(TORCH_1121),
        completed=("11.6", "8"),
        at_head=AtHead(_SLASH, (f"{CU116}/", *TORCH_1121), ("11.6", "8")),
    ),
    ForArch(
        "TestPythonRequirementsWorksWithLinesCogCannotParse",
        ("foo==1.0.0", "fastapi>=0.6,<1", "flask>0.4", "-f http://example.com"),
        requirements_file=UNPARSABLE,
    ),
    ForArch(
        "TestPythonPackagesForArchTorchGPU",
        (STABLE, *TORCH_171),
        cuda="11.8",
        packages=TORCH_171,
        completed=("11.8", "8"),
        at_head=AtHead(f"{_NO_17}: the pins stay as written", TORCH_171, ("11.8", "8")),
    ),
    ForArch(
        "TestPythonPackagesForArchTorchCPU",
        (STABLE, "torch==1.7.1+cpu", "torchvision==0.8.2+cpu", "torchaudio==0.7.2", "foo==1.0.0"),
        gpu=False,
        cuda="11.8",
        packages=TORCH_171,
        completed=("11.8", ""),  # a CPU build keeps what the user wrote
        at_head=AtHead(
            f"{_NO_17}: the pins stay as written (and HEAD writes a CPU torch without +cpu)",
            TORCH_171,
            ("11.8", ""),
            on_0447eb11_facts=(STABLE, "torch==1.7.1", "torchvision==0.8.2+cpu", *TORCH_171[2:]),
        ),
    ),
    ForArch(
        "TestPythonPackagesForArchTensorflowGPU",
        ("tensorflow==2.12.0", "foo==1.0.0"),
        cuda="11.8",
        packages=("tensorflow==2.12.0", "foo==1.0.0"),
        completed=("11.8", "8"),
    ),
    ForArch(
        "TestPythonPackagesBothTorchAndTensorflow",
        (
            "--extra-index-url https://download.pytorch.org/whl/cu121",
            "tensorflow==2.16.1",
            "torch==2.3.1",
        ),
        cuda="12.3",
        python="3.11",
        packages=("tensorflow==2.16.1", "torch==2.3.1"),
        completed=("12.3", "8"),
        at_head=AtHead(
            _SLASH,
            (
                "--extra-index-url https://download.pytorch.org/whl/cu121/",
                "tensorflow==2.16.1",
                "torch==2.3.1",
            ),
            ("12.3", "8"),
        ),
    ),
    ForArch(
        "TestTorchWithExistingExtraIndexURL",
        (CU116, "torch==1.12.1"),
        cuda="11.6.2",
        packages=("torch==1.12.1 --extra-index-url=https://download.pytorch.org/whl/cu116",),
        completed=("11.6.2", "8"),
    ),
    ForArch(
        "TestPythonRequirementsForArchWithAddedPackage",
        (CU116, "torch==2.4.0", "torchvision==2.4.0"),
        cuda="11.6.2",
        packages=("torch==2.4.0 --extra-index-url=https://download.pytorch.org/whl/cu116",),
        include=("torchvision==2.4.0",),
        completed=("11.6.2", "8"),
    ),
]


def _written(case: ForArch) -> tuple[str, tuple[str, str]]:
    text = [f"build:\n  gpu: {str(case.gpu).lower()}\n  python_version: {case.python!r}"]
    text += (
        ["  python_requirements: requirements.txt"] if case.requirements_file is not None else []
    )
    text += (
        ["  python_packages:", *(f"    - {p!r}" for p in case.packages)] if case.packages else []
    )
    text += [f"  cuda: {case.cuda!r}"] if case.cuda else []
    lines = parse_requirements_text(case.requirements_file or "")
    config = validate_and_complete(parse_config("\n".join(text)), lines)
    written = python_requirements_for_arch(
        config, effective_requirements(config, lines), goos="", goarch="", include=case.include
    )
    return written, (config.build.cuda, config.build.cudnn)


@pytest.mark.parametrize("case", FOR_ARCH_CASES, ids=[case.name for case in FOR_ARCH_CASES])
def test_python_requirements_for_arch(case: ForArch) -> None:
    """On the facts shipped (Cog HEAD's): HEAD's answer."""
    expected, completed = case.expected, case.completed
    if case.at_head is not None:
        expected, completed = case.at_head.expected, case.at_head.completed
    if not expected:  # HEAD refuses the config
        with pytest.raises(ConfigError) as info:
            _written(case)
        assert info.value.field == "build.cuda"
        assert "doesn't know what CUDA version is compatible with torch==" in info.value.reason
        return
    written, build = _written(case)
    assert written == "\n".join(expected)
    assert "tensorflow_gpu" not in written
    if completed:
        assert build == completed


@pytest.mark.parametrize("case", FOR_ARCH_CASES, ids=[case.name for case in FOR_ARCH_CASES])
def test_python_requirements_for_arch_on_0447eb11s_facts(case: ForArch) -> None:
    """On Cog 0447eb11's facts: 0447eb11's answer, where only the facts changed since."""
    expected = case.expected
    if case.at_head is not None and case.at_head.on_0447eb11_facts is not None:
        expected = case.at_head.on_0447eb11_facts
    with facts_at_0447eb11():
        written, build = _written(case)
    assert written == "\n".join(expected)
    if case.completed:
        assert build == case.completed


def test_darwin_arm64_cpu_wheels_have_no_cpu_suffix() -> None:
    config = parse_config("build:\n  python_packages: ['torch==1.13.1', 'torchvision==0.14.1']\n")
    for goos, goarch, vision in (("darwin", "arm64", "0.14.1"), ("linux", "amd64", "0.14.1+cpu")):
        written = python_requirements_for_arch(
            config, config.build.python_packages, goos=goos, goarch=goarch
        )
        assert written.splitlines()[1:] == ["torch==1.13.1", f"torchvision=={vision}"]


def test_unknown_tensorflow_on_gpu_stays_pinned() -> None:
    """Cog writes an empty line instead (and so drops tensorflow); we keep the pin."""
    config = parse_config(
        "build:\n  gpu: true\n  cuda: '12.1'\n  python_packages: ['tensorflow==2.15.0']\n"
    )
    config = validate_and_complete(config, ())
    written = python_requirements_for_arch(config, config.build.python_packages)
    assert written == "tensorflow==2.15.0"  # its build is for CUDA 12.2

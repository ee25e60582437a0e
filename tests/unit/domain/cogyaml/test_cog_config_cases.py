"""Cog's own cog.yaml test cases (config_test.go and validator_test.go @0447eb11), in our form.

Each table row is one Go test (its name is the test id); the test calls the function the Go
test exercised. The package ships Cog HEAD's compatibility facts (decision 0033): the CUDA
completion cases run on them (HEAD's answer, recorded beside 0447eb11's where it changed) and
on 0447eb11's facts (0447eb11's answer); HEAD's own cases are in
``test_cog_compat_cases_head.py``. Other groups have their own modules:
``test_config_requirements_cases.py`` (``PythonRequirementsForArch``),
``test_config_yaml_cases.py`` (``FromYAML``, ``Validate``, run items),
``test_config_environment_cases.py`` (env_variables_test.go) and
``tests/unit/adapters/test_filesystem.py`` (load_test.go, the absolute requirements path);
:func:`test_all_111_cases_are_covered` counts them all.
"""

from __future__ import annotations

import contextlib

import pytest

from domain.cogyaml.cuda import cuda_base_image, validate_cuda_version
from domain.cogyaml.models import CogConfig
from domain.cogyaml.parse import parse_config
from domain.cogyaml.requirements import contains_coglet, effective_requirements
from domain.cogyaml.validation import validate_and_complete, validate_python_version
from domain.errors import ConfigError
from tests.unit.adapters.test_filesystem import FILESYSTEM_CASES
from tests.unit.domain.cogyaml import test_config_yaml_cases
from tests.unit.domain.cogyaml.compat_facts import facts_at_0447eb11
from tests.unit.domain.cogyaml.test_config_environment_cases import ENVIRONMENT_CASES
from tests.unit.domain.cogyaml.test_config_requirements_cases import FOR_ARCH_CASES


def _yaml(*, gpu: bool | None = None, python: str = "3.10", cuda: str = "", packages=(), extra=""):
    lines = ["build:"]
    lines += [f"  gpu: {str(gpu).lower()}"] if gpu is not None else []
    lines += [f'  python_version: "{python}"']
    lines += ["  python_packages:", *(f'    - "{p}"' for p in packages)] if packages else []
    lines += [f'  cuda: "{cuda}"'] if cuda else []
    return "\n".join(lines) + "\n" + extra


def _complete(yaml: str, file_lines=()) -> CogConfig:
    return validate_and_complete(parse_config(yaml), tuple(file_lines))


# ---------------------------------------------------------------- TestValidateModelPythonVersion

PYTHON_VERSION_CASES = [
    # (Go subtest, python_version, concurrency.max, the error Cog reports)
    ("ValidVersion", "3.12", None, None),
    ("MinimumVersion", "3.10", None, None),
    ("MinimumVersionForConcurrency", "3.11", 5, None),
    (
        "TooOldForConcurrency",
        "3.10",
        5,
        "when concurrency.max is set, minimum supported Python version is 3.11. requested 3.10",
    ),
    ("FullyQualifiedVersion", "3.12.1", None, None),
    ("InvalidFormat", "3-12", None, "invalid Python version format: missing minor version in 3-12"),
    ("InvalidMissingMinor", "3", None, "invalid Python version format: missing minor version in 3"),
    ("LessThanMinimum", "3.7", None, "minimum supported Python version is 3.10. requested 3.7"),
]


@pytest.mark.parametrize(("name", "version", "concurrency", "problem"), PYTHON_VERSION_CASES)
def test_validate_model_python_version(name, version, concurrency, problem) -> None:
    extra = f"concurrency:\n  max: {concurrency}\n" if concurrency else ""
    config = parse_config(_yaml(python=version, extra=extra))
    assert config.build.python_version == version
    if problem is None:
        validate_python_version(config)
        return
    with pytest.raises(ConfigError) as info:
        validate_python_version(config)
    assert info.value.field == "build.python_version"
    assert info.value.problems == (problem,)


# ---------------------------------------------------------------- TestValidateCudaVersion

CUDA_VERSION_CASES = [
    ("ValidVersion", "12.4", None),
    ("MinimumVersion", "11.0", None),
    ("FullyQualifiedVersion", "12.4.1", None),
    ("InvalidFormat", "11-2", 'CUDA version "11-2" must include both major and minor versions'),
    ("InvalidMissingMinor", "11", 'CUDA version "11" must include both major and minor versions'),
    ("LessThanMinimum", "9.1", 'Minimum supported CUDA version is 11. requested "9.1"'),
]


@pytest.mark.parametrize(("name", "cuda", "problem"), CUDA_VERSION_CASES)
def test_validate_cuda_version(name, cuda, problem) -> None:
    yaml = _yaml(gpu=True, python="3.12", cuda=cuda)
    if problem is None:
        validate_cuda_version(cuda)
        assert _complete(yaml).build.cuda == cuda
        return
    for check in (lambda: validate_cuda_version(cuda), lambda: _complete(yaml)):
        with pytest.raises(ConfigError) as info:
            check()
        assert info.value.field == "build.cuda"
        assert info.value.problems == (problem,)


# ---------------------------------------------------------------- CUDA/cuDNN completion

_ALL_TF = "TestValidateAndCompleteCUDAForAllTF"
_ALL_TORCH = "TestValidateAndCompleteCUDAForAllTorch"
_SELECTED_TORCH = "TestValidateAndCompleteCUDAForSelectedTorch"
# The TF table @0447eb11 as Cog's loop asserts it: (version, CUDA major.minor, cuDNN).
TENSORFLOW_ROWS = (
    ("2.19.0", "12.5", "9"), ("2.18.0", "12.5", "9"), ("2.17.0", "12.3", "8"),
    ("2.16.1", "12.3", "8"), ("2.15.0", "12.2", "8"), ("2.14.0", "11.8", "8"),
    ("2.13.0", "11.8", "8"), ("2.12.0", "11.8", "8"), ("2.11.0", "11.2", "8"),
    ("2.10.0", "11.2", "8"), ("2.9.0", "11.2", "8"), ("2.8.0", "11.2", "8"),
    ("2.7.0", "11.2", "8"), ("2.6.0", "11.2", "8"), ("2.5.0", "11.2", "8"),
    ("2.4.0", "11.0", "8"),
)  # fmt: skip
# The six rows Cog's torch loop was sampled at: (version, gpu).
TORCH_SAMPLES = (
    ("2.8.0", False),
    ("2.8.0", True),
    ("2.3.0", True),
    ("2.3.0", False),
    ("1.13.1", True),
    ("2.0.1", True),
)
UNKNOWN = "Cog doesn't know what CUDA version is compatible with {}."


def _case(
    name: str,
    package: str,
    *,
    gpu: bool = True,
    cuda: str = "",
    at_head: dict[str, object] | None = None,
    **expected: object,
):
    """A completion case: 0447eb11's ``expected``; ``at_head`` is HEAD's answer where it
    changed (with ``why``)."""
    return pytest.param(gpu, cuda, package, expected, at_head, id=name)


# HEAD's table dropped the builds with no Python >= 3.10 wheel (torch before 1.11; decision
# 0033); its TestValidateAndCompleteCUDAForSelectedTorch asks for 1.13.1 and 1.11.0 instead.
_DROPPED = "HEAD's table has no torch {}: the CUDA cannot be completed"
TF_041, TORCH_041 = "tensorflow==0.4.1", "torch==0.4.1"
COMPLETION_CASES = [
    *(
        _case(f"{_ALL_TF}/tensorflow=={v}", f"tensorflow=={v}", cuda_mm=mm, cudnn=d)
        for v, mm, d in TENSORFLOW_ROWS
    ),
    *(
        _case(f"{_ALL_TORCH}/torch=={v}/gpu={str(gpu).lower()}", f"torch=={v}", gpu=gpu, filled=gpu)
        for v, gpu in TORCH_SAMPLES
    ),
    _case(f"{_SELECTED_TORCH}/torch==2.0.1", "torch==2.0.1", expect_cuda="11.8", cudnn="8"),
    *(
        _case(
            f"{_SELECTED_TORCH}/torch=={v}",
            f"torch=={v}",
            expect_cuda=cuda,
            cudnn="8",
            at_head={"why": _DROPPED.format(v), "error": UNKNOWN.format(f"torch=={v}")},
        )
        for v, cuda in (("1.8.0", "11.1"), ("1.7.0", "11.0"))
    ),
    _case("TestUnsupportedTorch/no-cuda", TORCH_041, error=UNKNOWN.format(TORCH_041)),
    _case("TestUnsupportedTorch/explicit-cuda", TORCH_041, cuda="11.8", cuda_mm="11.8", cudnn="8"),
    _case("TestUnsupportedTensorflow/no-cuda", TF_041, error=UNKNOWN.format(TF_041)),
    _case(
        "TestUnsupportedTensorflow/explicit-cuda", TF_041, cuda="11.8", cuda_mm="11.8", cudnn="8"
    ),
]


def _check_completion(gpu, cuda, package, expected) -> None:
    yaml = _yaml(gpu=gpu, cuda=cuda, packages=[package])
    if "error" in expected:
        with pytest.raises(ConfigError) as info:
            _complete(yaml)
        assert info.value.field == "build.cuda"
        assert info.value.problems[0].startswith(expected["error"])
        return
    build = _complete(yaml).build
    if "filled" in expected:  # GPU rows get a CUDA and a cuDNN, CPU rows keep neither
        assert bool(build.cuda) is bool(build.cudnn) is expected["filled"]
    if "cuda_mm" in expected:
        assert ".".join(build.cuda.split(".")[:2]) == expected["cuda_mm"]
    assert build.cuda == expected.get("expect_cuda", build.cuda)
    assert build.cudnn == expected.get("cudnn", build.cudnn)


@pytest.mark.parametrize(("gpu", "cuda", "package", "expected", "at_head"), COMPLETION_CASES)
def test_validate_and_complete_cuda(gpu, cuda, package, expected, at_head) -> None:
    """On the facts shipped (Cog HEAD's): HEAD's answer."""
    _check_completion(gpu, cuda, package, at_head or expected)


@pytest.mark.parametrize(("gpu", "cuda", "package", "expected", "at_head"), COMPLETION_CASES)
def test_validate_and_complete_cuda_on_0447eb11s_facts(gpu, cuda, package, expected, at_head):
    """On Cog 0447eb11's facts: 0447eb11's answer (only the facts changed for these cases)."""
    with facts_at_0447eb11():
        _check_completion(gpu, cuda, package, expected)


def test_python_packages_and_requirements_cant_be_used_together() -> None:
    yaml = _yaml(packages=["replicate==1.0.0"], extra='  python_requirements: "requirements.txt"\n')
    missing = "open requirements.txt: no such file or directory"
    with pytest.raises(ConfigError) as info:
        validate_and_complete(parse_config(yaml), (), requirements_error=missing)
    assert info.value.problems == (
        "Only one of python_packages or python_requirements can be set in your cog.yaml, not both",
        f"Failed to open python_requirements file: {missing}",
    )


def test_cuda_base_image_tag() -> None:  # TestCUDABaseImageTag, on both commits' facts
    for facts in (contextlib.nullcontext, facts_at_0447eb11):
        with facts():
            build = _complete(_yaml(gpu=True, packages=["tensorflow==2.12.0"])).build
            image = cuda_base_image(build.cuda, build.cudnn)
        assert image == "nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04"


def test_contains_coglet() -> None:  # TestContainsCoglet
    wheel = "v0.1.0-alpha31/coglet-0.1.0a31-py3-none-any.whl"
    url = f"https://github.com/replicate/cog-runtime/releases/download/{wheel}"
    config = _complete(_yaml(python="3.13", packages=[f"coglet @ {url}"]))
    assert contains_coglet(effective_requirements(config, ()))


# ---------------------------------------------------------------- bookkeeping

CASE_NAMES = (
    *(f"TestValidateModelPythonVersion/{row[0]}" for row in PYTHON_VERSION_CASES),
    *(f"TestValidateCudaVersion/{row[0]}" for row in CUDA_VERSION_CASES),
    *(str(case.id) for case in COMPLETION_CASES),
    "TestPythonPackagesAndRequirementsCantBeUsedTogether",
    "TestCUDABaseImageTag",
    "TestContainsCoglet",
    *(case.name for case in FOR_ARCH_CASES),
    *test_config_yaml_cases.CASE_NAMES,
    *(row[0] for row in ENVIRONMENT_CASES),
    *(row[0] for row in FILESYSTEM_CASES),
)


def test_all_111_cases_are_covered() -> None:
    assert len(CASE_NAMES) == len(set(CASE_NAMES)) == 111

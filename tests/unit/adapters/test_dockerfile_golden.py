"""Golden Dockerfiles: the generator's exact output for the cases Cog's own tests pin.

Each case renders a :class:`DockerfileRequest` and compares the text with
``golden/<case>.Dockerfile`` byte for byte. After an intended change, regenerate them with
``COGMODEL_UPDATE_GOLDEN=1 pytest tests/unit/adapters/test_dockerfile_golden.py`` and review the
diff: every line that moves is a change users see.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath, PurePosixPath

import pytest

from adapters.dockerfile import generate, planning
from adapters.dockerfile.generator import BaseImage, DockerfilePlan, DockerfileRequest, Target
from adapters.dockerfile.hermetic import HermeticWheels
from adapters.dockerfile.local_artifacts import LocalArtifact
from adapters.dockerfile.runtime import CogRuntime
from adapters.dockerfile.weights import WeightPaths
from domain.cogyaml.models import CogConfig
from domain.cogyaml.parse import parse_config
from domain.cogyaml.validation import validate_and_complete, validate_python_version
from domain.source import Source

GOLDEN = Path(__file__).parent / "golden"
CA = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
# Cog's TestGenerateFullCPU config (cog-spec §3.6), Python 3.12.
FULL = {
    "build": {
        "python_version": "3.12",
        "system_packages": ["ffmpeg", "cowsay"],
        "python_packages": ["torch==2.3.0", "pandas==1.2.0.12"],
        "run": [{"command": "cowsay moo"}],
    },
    "predict": "predict.py:Predictor",
}
# What Cog's requirements rewrite makes of FULL's packages for CPU and for CUDA 11.8
# (TestGenerateFullCPU's file at HEAD; its index URLs end with a slash).
CPU_REQUIREMENTS = (
    "--extra-index-url https://download.pytorch.org/whl/cpu/\ntorch==2.3.0\npandas==1.2.0.12"
)
GPU_REQUIREMENTS = (
    "--extra-index-url https://download.pytorch.org/whl/cu118/\ntorch==2.3.0\npandas==1.2.0.12"
)
SCHEMA = b'{"openapi":"3.0.2"}'


def config(document: dict[str, object]) -> CogConfig:
    return CogConfig.model_validate(document)


def python(version: str = "3.12") -> BaseImage:
    return BaseImage(name=f"python:{version}-slim")


WHEELS = HermeticWheels(
    requirements=(
        PurePath("/cache/ab/pandas-1.2.0.12-cp312-cp312-manylinux_2_17_x86_64.whl"),
        PurePath("/cache/ab/torch-2.3.0-cp312-cp312-manylinux1_x86_64.whl"),
    ),
    runtime=(
        PurePath("/cache/cd/cog-0.23.1-py3-none-any.whl"),
        PurePath("/cache/cd/coglet-0.23.1-cp310-abi3-manylinux_2_17_x86_64.whl"),
    ),
)

CASES: dict[str, DockerfileRequest] = {
    # Cog's worked example, on BuildKit: cache mounts everywhere Cog has them.
    "cpu": DockerfileRequest(
        config=config(FULL),
        base=python(),
        requirements=CPU_REQUIREMENTS,
        mounts=True,
        schema=SCHEMA,
    ),
    # The same on the classic builder: no --mount anywhere, pip caches kept out of layers.
    "cpu-classic": DockerfileRequest(
        config=config(FULL), base=python(), requirements=CPU_REQUIREMENTS, schema=SCHEMA
    ),
    # TestGenerateFullGPU: nvidia/cuda base, Python from pyenv, CUDA 11.8 torch index.
    "gpu": DockerfileRequest(
        config=config(
            {**FULL, "build": {**FULL["build"], "gpu": True, "cuda": "11.8", "cudnn": "8"}}
        ),
        base=BaseImage(name="nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04"),
        requirements=GPU_REQUIREMENTS,
        mounts=True,
        schema=SCHEMA,
    ),
    # python_requirements from a file, a config file not named cog.yaml, environment, train,
    # concurrency: the requirements are regenerated, never COPYed from the project.
    "requirements-file": DockerfileRequest(
        config=config(
            {
                "build": {"python_version": "3.11", "python_requirements": "requirements.txt"},
                "predict": "predict.py:Predictor",
                "train": "train.py:train",
                "concurrency": {"max": 4},
                "environment": ["TOKENIZERS_PARALLELISM=false", "HF_HOME=/src/.hf"],
            }
        ),
        base=python("3.11"),
        requirements="numpy==2.1.0\npillow",
        mounts=True,
        config_filename="configs/my-cog.yaml",
        schema=SCHEMA,
    ),
    # run items with secret mounts (BuildKit); a non-secret mount is dropped, as Cog drops it.
    "secrets": DockerfileRequest(
        config=config(
            {
                "build": {
                    "python_version": "3.12",
                    "run": [
                        {
                            "command": "pip install -i https://$(cat /run/secrets/idx) private",
                            "mounts": [
                                {"type": "secret", "id": "idx", "target": "/run/secrets/idx"}
                            ],
                        },
                        {
                            "command": "echo cached",
                            "mounts": [{"type": "cache", "id": "c", "target": "/c"}],
                        },
                        {"command": "  echo plain  "},
                    ],
                    "pre_install": ["echo legacy"],
                },
                "predict": "predict.py:Predictor",
            }
        ),
        base=python(),
        mounts=True,
    ),
    # r8.im/cog-base (path B): no preamble/tini/ldconfig, base packages left out of apt,
    # the requirements before the runtime (Cog HEAD's order).
    "cog-base": DockerfileRequest(
        config=config(FULL),
        base=BaseImage(name="r8.im/cog-base:python3.12-torch2.3.1", cog_base=True),
        requirements=CPU_REQUIREMENTS,
        mounts=True,
        schema=SCHEMA,
    ),
    # Hermetic: wheels in the context, installed with --no-index; bind mounts on BuildKit...
    "hermetic": DockerfileRequest(
        config=config(FULL),
        base=python(),
        requirements=CPU_REQUIREMENTS,
        mounts=True,
        wheels=WHEELS,
        schema=SCHEMA,
    ),
    # ...and a COPY of the wheels on the classic builder.
    "hermetic-classic": DockerfileRequest(
        config=config(FULL),
        base=python(),
        requirements=CPU_REQUIREMENTS,
        wheels=WHEELS,
        schema=SCHEMA,
    ),
    # COG_CA_CERT, strip and precompile.
    "ca-cert": DockerfileRequest(
        config=config({"build": {"python_version": "3.12"}, "predict": "predict.py:Predictor"}),
        base=python(),
        requirements="requests==2.32.3",
        ca_cert=CA,
        strip=True,
        precompile=True,
    ),
    # The dev image (build_base): everything but /src.
    "base": DockerfileRequest(
        config=config(FULL),
        base=python(),
        requirements=CPU_REQUIREMENTS,
        mounts=True,
        target=Target.BASE,
    ),
}


# --------------------------------------------------------------------------- issue 12 cases

# Cog's TestGenerateWithLargeModels: weights found in checkpoints/, models/ and at the top.
WEIGHTS = WeightPaths(dirs=("checkpoints", "models"), files=("root-large",))
LARGE = {
    "build": {
        "gpu": True,
        "cuda": "11.8",
        "cudnn": "8",
        "python_version": "3.12",
        "system_packages": ["ffmpeg", "cowsay"],
        "python_packages": ["torch==2.0.1", "pandas==2.0.3"],
        "run": ["cowsay moo"],
    },
    "predict": "predict.py:Predictor",
}
SIMPLE = config({"build": {"python_version": "3.12"}, "predict": "predict.py:Predictor"})
ARTIFACTS = (
    LocalArtifact(
        requirement="./dist/local_pkg-0.1.0.tar.gz",
        source=Path("/project/dist/local_pkg-0.1.0.tar.gz"),
        relative=PurePosixPath("dist/local_pkg-0.1.0.tar.gz"),
    ),
    LocalArtifact(
        requirement="./dist/local zip pkg-0.2.0.zip",
        source=Path("/project/dist/local zip pkg-0.2.0.zip"),
        relative=PurePosixPath("dist/local zip pkg-0.2.0.zip"),
    ),
    LocalArtifact(
        requirement="cog/helper-0.3.0-py3-none-any.whl",
        source=Path("/project/cog/helper-0.3.0-py3-none-any.whl"),
        relative=PurePosixPath("cog/helper-0.3.0-py3-none-any.whl"),
    ),
)
ARTIFACT_REQUIREMENTS = (
    "/tmp/local_package_artifacts/dist/local_pkg-0.1.0.tar.gz\n"
    "/tmp/local_package_artifacts/dist/local zip pkg-0.2.0.zip\n"
    "/tmp/local_package_artifacts/cog/helper-0.3.0-py3-none-any.whl\n"
    "requests==2.32.3"
)
ARTIFACT_WHEELS = HermeticWheels(
    requirements=(
        PurePath("/cache/ef/local zip pkg-0.2.0.zip"),
        PurePath("/cache/ef/local_pkg-0.1.0.tar.gz"),
        PurePath("/cache/ef/helper-0.3.0-py3-none-any.whl"),
        PurePath("/cache/ef/requests-2.32.3-py3-none-any.whl"),
        PurePath("/cache/ef/urllib3-2.5.0-py3-none-any.whl"),
    ),
    runtime=WHEELS.runtime,
    build=(PurePath("/cache/gh/setuptools-80.9.0-py3-none-any.whl"),),
)
DEV_WHEEL = PurePath("/home/me/cog/dist/cog-0.24.0.dev3-py3-none-any.whl")

CASES |= {
    # --separate-weights on the classic builder and Python: no --link without a 1.4 frontend.
    "separate-weights-cpu": DockerfileRequest(
        config=config(FULL),
        base=python(),
        requirements=CPU_REQUIREMENTS,
        schema=SCHEMA,
        weights=WEIGHTS,
        weights_image="cog-test-weights",
    ),
    # Cog's TestGenerateWithLargeModels itself (GPU), with its #syntax line, so --link.
    "separate-weights-gpu": DockerfileRequest(
        config=config(LARGE),
        base=BaseImage(name="nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04"),
        requirements="--extra-index-url https://download.pytorch.org/whl/cu118/\n"
        "torch==2.0.1\npandas==2.0.3",
        mounts=True,
        syntax="#syntax=docker/dockerfile:1.4",
        weights=WEIGHTS,
        weights_image="r8.im/replicate/cog-test-weights",
    ),
    # sdk_version: 0.17.0-alpha1 -> cog==0.17.0a1 with --pre (TestInstallCogWithPreRelease…).
    "sdk-prerelease": DockerfileRequest(
        config=SIMPLE, base=python(), runtime=CogRuntime(version="0.17.0-alpha1")
    ),
    # COG_SDK_WHEEL=https://… (TestCOGWheelEnvURL), on BuildKit.
    "sdk-wheel-url": DockerfileRequest(
        config=SIMPLE,
        base=python(),
        mounts=True,
        runtime=CogRuntime(version="", url="https://example.com/custom-wheel-0.1.0.whl"),
    ),
    # COG_SDK_WHEEL=<file> (TestCOGWheelEnvFile): copied in, installed from /tmp.
    "sdk-wheel-file": DockerfileRequest(
        config=SIMPLE, base=python(), runtime=CogRuntime(version="", path=DEV_WHEEL)
    ),
    # A coglet wheel: Cog's R8_* variables and the uninstall of cog first.
    "sdk-wheel-coglet": DockerfileRequest(
        config=SIMPLE,
        base=python(),
        runtime=CogRuntime(version="", url="https://example.com/coglet-0.1.0-py3-none-any.whl"),
    ),
    # COG_SDK_WHEEL=<file>, hermetic: the wheel's own download set, installed by its pin.
    "sdk-wheel-file-hermetic": DockerfileRequest(
        config=SIMPLE,
        base=python(),
        runtime=CogRuntime(version="", path=DEV_WHEEL),
        wheels=HermeticWheels(
            runtime=(
                PurePath("/cache/ij/cog-0.24.0.dev3-py3-none-any.whl"),
                PurePath("/cache/ij/coglet-0.24.0-cp310-abi3-manylinux_2_17_x86_64.whl"),
            )
        ),
    ),
    # Local artifacts (a tar, a zip with a space, a wheel under cog/), rewritten and staged.
    "local-artifacts": DockerfileRequest(
        config=SIMPLE,
        base=python(),
        requirements=ARTIFACT_REQUIREMENTS,
        mounts=True,
        artifacts=ARTIFACTS,
    ),
    # The same, hermetic, classic builder: every downloaded distribution is installed.
    "local-artifacts-hermetic": DockerfileRequest(
        config=SIMPLE,
        base=python(),
        requirements=ARTIFACT_REQUIREMENTS,
        artifacts=ARTIFACTS,
        wheels=ARTIFACT_WHEELS,
    ),
}


# --------------------------------------------------------------------------- Cog HEAD's tables

# A GPU model on CUDA 13 and torch 2.11 (decision 0033): everything but the text comes from the
# cog.yaml through the domain's rules, as a build takes it: CUDA and cuDNN completed from the
# torch table, the nvidia/cuda image and the requirements rewrite chosen from the CUDA table.
CUDA13_YAML = """build:
  gpu: true
  python_version: "3.13"
  system_packages: [ffmpeg]
  python_packages: ["torch==2.11.0", "torchvision==0.26.0", "numpy==2.3.4"]
predict: "predict.py:Predictor"
"""
CUDA13_REQUIREMENTS = (
    "--extra-index-url https://download.pytorch.org/whl/cu130/\n"
    "torch==2.11.0\ntorchvision==0.26.0\nnumpy==2.3.4"
)


def cuda13_request() -> DockerfileRequest:
    completed = validate_and_complete(parse_config(CUDA13_YAML), ())
    validate_python_version(completed)
    source = Source(config=completed, project_dir=PurePath("/project"))
    return DockerfileRequest(
        config=completed,
        base=BaseImage(name=planning.cuda_image(completed)),
        requirements=planning.requirements_text(source),
        mounts=True,
        schema=SCHEMA,
    )


def test_a_cuda_13_torch_2_11_model_validates_and_renders() -> None:
    request = cuda13_request()
    assert (request.config.build.cuda, request.config.build.cudnn) == ("13.0", "9")
    assert request.base.name == "nvidia/cuda:13.0.3-cudnn-devel-ubuntu24.04"
    plan = generate(request)
    assert plan.files["cog/requirements.txt"] == CUDA13_REQUIREMENTS.encode()
    check_golden("gpu-cuda13-torch2.11", plan)


def check_golden(name: str, plan: DockerfilePlan) -> None:
    path = GOLDEN / f"{name}.Dockerfile"
    if os.environ.get("COGMODEL_UPDATE_GOLDEN") == "1":
        path.write_text(plan.dockerfile + "\n")
    assert plan.dockerfile + "\n" == path.read_text()


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_dockerfile_matches_its_golden_file(name: str) -> None:
    check_golden(name, generate(CASES[name]))


def test_requirements_go_into_the_context_not_the_project() -> None:
    plan = generate(CASES["cpu"])
    assert plan.files["cog/requirements.txt"] == CPU_REQUIREMENTS.encode()
    assert plan.files["cog/openapi_schema.json"] == SCHEMA


def test_hermetic_wheels_are_placed_by_file_name() -> None:
    plan = generate(CASES["hermetic"])
    assert plan.files["cog/wheels/runtime/cog-0.23.1-py3-none-any.whl"] == WHEELS.runtime[0]
    assert "cog/requirements.txt" not in plan.files


def test_the_ca_certificate_is_a_context_file() -> None:
    assert generate(CASES["ca-cert"]).files["cog/cog-ca-cert.crt"] == CA


def test_the_dev_image_has_no_source_and_no_schema() -> None:
    plan = generate(CASES["base"])
    assert "COPY src /src" not in plan.dockerfile
    assert "cog/openapi_schema.json" not in plan.files


@pytest.mark.parametrize("name", ["separate-weights-cpu", "separate-weights-gpu"])
def test_the_weights_image_dockerfile_matches_its_golden_file(name: str) -> None:
    weights = generate(CASES[name]).weights_dockerfile
    assert weights is not None
    path = GOLDEN / f"{name}.weights.Dockerfile"
    if os.environ.get("COGMODEL_UPDATE_GOLDEN") == "1":
        path.write_text(weights + "\n")
    assert weights + "\n" == path.read_text()


def test_local_artifacts_are_staged_under_their_project_paths() -> None:
    plan = generate(CASES["local-artifacts"])
    staged = "cog/local_package_artifacts/dist/local zip pkg-0.2.0.zip"
    assert plan.files[staged] == ARTIFACTS[1].source
    assert plan.files["cog/requirements.txt"] == ARTIFACT_REQUIREMENTS.encode()


def test_hermetic_local_artifacts_leave_pips_copies_out_of_the_wheel_set() -> None:
    plan = generate(CASES["local-artifacts-hermetic"])
    placed = sorted(name for name in plan.files if name.startswith("cog/wheels/requirements/"))
    assert placed == [
        "cog/wheels/requirements/requests-2.32.3-py3-none-any.whl",
        "cog/wheels/requirements/setuptools-80.9.0-py3-none-any.whl",
        "cog/wheels/requirements/urllib3-2.5.0-py3-none-any.whl",
    ]


def test_a_runtime_wheel_file_is_a_context_file() -> None:
    plan = generate(CASES["sdk-wheel-file"])
    assert plan.files["cog/cog-0.24.0.dev3-py3-none-any.whl"] == DEV_WHEEL

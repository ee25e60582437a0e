"""CUDA/cuDNN facts, base-image tags (nvidia/cuda and r8.im/cog-base) and version matching."""

from __future__ import annotations

import subprocess
import sys

import pytest

from domain.cogyaml import compat
from domain.cogyaml.cog_base import (
    check_cog_base_image,
    cog_base_configurations,
    cog_base_image_name,
    cog_base_image_supported,
    cog_base_image_tag,
)
from domain.cogyaml.compat import cuda_images, tensorflow_builds, torch_builds
from domain.cogyaml.cuda import (
    compatible_cudnns,
    cuda_base_image,
    cuda_base_image_tag,
    latest_cudnn_for_cuda,
    tensorflow_cuda,
    torch_cudas,
)
from domain.cogyaml.parse import parse_config
from domain.cogyaml.validation import validate_and_complete
from domain.cogyaml.versions import (
    equal,
    equal_minor,
    greater,
    greater_or_equal,
    matches,
    parse_version,
)
from domain.errors import ConfigError
from tests.unit.domain.cogyaml.compat_facts import facts_at_0447eb11, rows


def test_the_tables_hold_cog_heads_facts() -> None:
    assert len(cuda_images()) == 83
    assert {image.cuda for image in cuda_images()} >= {"11.0.3", "12.9.1", "13.0.3", "13.2.1"}
    assert len(torch_builds()) == 93  # 96 rows, minus the CUDA 10.2 builds (no base image)
    assert len(tensorflow_builds()) == 18
    cpu = next(b for b in torch_builds() if b.torch == "2.11.0+cpu")
    assert (cpu.cuda, cpu.extra_index_url) == (None, "https://download.pytorch.org/whl/cpu/")
    newest = next(b for b in torch_builds() if b.torch == "2.11.0+cu130")
    assert (newest.cuda, newest.torchvision, newest.pythons[-1]) == ("13.0", "0.26.0", "3.14")
    pypi = next(b for b in torch_builds() if b.torch == "2.0.1")  # PyPI's own CUDA 11.7 wheels
    assert (pypi.cuda, pypi.extra_index_url, pypi.find_links) == ("11.7", "", "")
    assert not any(b.cuda and b.cuda.startswith(("9.", "10.")) for b in torch_builds())
    assert not any(b.find_links for b in torch_builds())  # HEAD has no torch_stable.html rows
    assert tensorflow_cuda("2.21.0") == ("12.5", "9")


def test_the_loaders_still_read_cog_0447eb11s_facts() -> None:
    with facts_at_0447eb11():
        assert len(cuda_images()) == 67
        assert len(torch_builds()) == 97  # 126 rows, minus GPU builds without a base image
        assert len(tensorflow_builds()) == 16
        old = next(b for b in torch_builds() if b.torch == "1.10.1+cu111")
        assert old.find_links == "https://download.pytorch.org/whl/cu111/torch_stable.html"
        assert torch_cudas("1.8.0") == ("11.1",)
    assert torch_cudas("1.8.0") == ()  # HEAD dropped the builds with no Python >= 3.10 wheel


def test_the_loader_reads_whatever_data_it_is_given() -> None:
    # Rows in Cog's shape, as a later commit's files would hold them.
    data = {
        compat.CUDA_IMAGES_FILE: [
            {"Tag": "13.0.1-cudnn-devel-ubuntu24.04", "CUDA": "13.0.1", "CuDNN": "9"}
            | {"IsDevel": True, "Ubuntu": "24.04"}
        ],
        compat.TORCH_FILE: [
            {"Torch": "3.0.0", "Torchvision": "0.30.0", "Torchaudio": "3.0.0", "FindLinks": ""}
            | {"ExtraIndexURL": "https://x/cu130", "CUDA": "13.0", "Pythons": ["3.14"]},
            {"Torch": "3.0.0", "Torchvision": "0.30.0", "Torchaudio": "", "FindLinks": ""}
            | {"ExtraIndexURL": "", "CUDA": "12.9", "Pythons": ["3.14"]},  # no base image
        ],
        compat.TENSORFLOW_FILE: [
            {"TF": "3.0.0", "TFCPUPackage": "tensorflow-cpu==3.0.0"}
            | {"TFGPUPackage": "tensorflow[and-cuda]==3.0.0", "CUDA": "13.0.1", "CuDNN": "9.10"}
            | {"Pythons": ["3.13", "3.14"]}
        ],
    }
    with rows(data):
        assert [image.tag for image in cuda_images()] == ["13.0.1-cudnn-devel-ubuntu24.04"]
        assert [(b.torch, b.cuda, b.pythons) for b in torch_builds()] == [
            ("3.0.0", "13.0", ("3.14",))
        ]
        (tensorflow,) = tensorflow_builds()
        assert (tensorflow.cuda, tensorflow.cudnn) == ("13.0", "9")
        assert tensorflow.gpu_package == "tensorflow[and-cuda]==3.0.0"


def _image(cuda: str, cudnn: str, ubuntu: str) -> dict[str, object]:
    tag = f"{cuda}-cudnn{cudnn}-devel-ubuntu{ubuntu}"
    return {"Tag": tag, "CUDA": cuda, "CuDNN": cudnn, "IsDevel": True, "Ubuntu": ubuntu}


@pytest.mark.parametrize("order", [1, -1], ids=["as-written", "reversed"])
def test_answers_that_follow_the_tables_order_follow_it(order: int) -> None:
    # Cog lists the cuDNN versions of the matching images, and builds its cog-base
    # configurations, in file order; the choices by version do not move.
    images = [_image("12.0.1", "9", "22.04"), _image("12.0.1", "8", "22.04")][::order]
    builds = [
        {"Torch": f"2.1.{patch}+cu120", "Torchvision": "", "Torchaudio": "", "FindLinks": ""}
        | {"ExtraIndexURL": "", "CUDA": "12.0", "Pythons": ["3.11", "3.10"][::order]}
        for patch in (0, 1)
    ][::order]
    with rows({compat.CUDA_IMAGES_FILE: images, compat.TORCH_FILE: builds}):
        assert compatible_cudnns("12.0") == ("9", "8")[::order]
        text = "build:\n  gpu: true\n  cuda: '12.0'\n  cudnn: '7'\n"
        with pytest.raises(ConfigError) as info:
            validate_and_complete(parse_config(text), ())
        assert info.value.problems[0].endswith(f"are: {','.join(('9', '8')[::order])}")
        pythons = [c.python for c in cog_base_configurations() if c.torch == "2.1.0+cu120"]
        assert pythons == ["3.11", "3.10"][::order]
        assert latest_cudnn_for_cuda("12.0") == "9"
        assert cog_base_image_tag("12.0", "3.10", "2.1") == "cuda12.0-python3.10-torch2.1.1"
        assert torch_cudas("2.1") == ("12.0", "12.0")


def test_the_data_files_are_read_on_first_use_only() -> None:
    code = (
        "import domain.cogyaml.parse, domain.cogyaml.validation\n"
        "from domain.cogyaml import compat\n"
        "loaders = (compat.cuda_images, compat.torch_builds, compat.tensorflow_builds)\n"
        "assert all(f.cache_info().currsize == 0 for f in loaders)\n"
        "assert compat.torch_builds() and compat.cuda_images.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("cuda", "cudnn", "tag"),
    [
        ("11.8", "8", "11.8.0-cudnn8-devel-ubuntu22.04"),
        (
            "12.1",
            "8",
            "12.1.1-cudnn8-devel-ubuntu22.04",
        ),  # the newest patch, then the newest Ubuntu
        ("12.4", "9", "12.4.1-cudnn-devel-ubuntu22.04"),  # NVIDIA drops the cuDNN major from 12.4.1
        ("12.9", "9", "12.9.1-cudnn-devel-ubuntu24.04"),
        ("11.6.1", "8", "11.6.1-cudnn8-devel-ubuntu20.04"),
        ("13.0", "9", "13.0.3-cudnn-devel-ubuntu24.04"),  # CUDA 13: Ubuntu 22.04 and 24.04 only
        ("13.2.0", "9", "13.2.0-cudnn-devel-ubuntu24.04"),
    ],
)
def test_cuda_base_image_tags(cuda: str, cudnn: str, tag: str) -> None:
    assert cuda_base_image_tag(cuda, cudnn) == tag
    assert cuda_base_image(cuda, cudnn) == f"nvidia/cuda:{tag}"


@pytest.mark.parametrize(
    ("cuda", "cudnn"), [("12.4", "8"), ("10.2", "7"), ("banana", "8"), ("13.0", "8"), ("13.3", "9")]
)
def test_no_base_image_is_a_config_error(cuda: str, cudnn: str) -> None:
    with pytest.raises(ConfigError) as info:
        cuda_base_image_tag(cuda, cudnn)
    assert info.value.field == "build.cuda"


def test_latest_cudnn_for_cuda() -> None:
    assert (latest_cudnn_for_cuda("11.8"), latest_cudnn_for_cuda("12.3.2")) == ("8", "9")
    assert latest_cudnn_for_cuda("13.1") == "9"
    with pytest.raises(ConfigError):
        latest_cudnn_for_cuda("13.3")


def test_compatible_cudnns_match_the_cuda_version() -> None:  # HEAD #3070, not 0447eb11
    assert compatible_cudnns("11.8.0") == compatible_cudnns("11.8") == ("8",)
    assert compatible_cudnns("12.3") == ("9",)
    assert validate_and_complete(
        parse_config("build:\n  gpu: true\n  cuda: '11.8'\n  cudnn: '8'\n"), ()
    )
    text = "build:\n  gpu: true\n  cuda: '12.4'\n  cudnn: '8'\n"
    with pytest.raises(ConfigError) as info:
        validate_and_complete(parse_config(text), ())
    assert info.value.problems == (
        "The specified CUDA version 12.4 is not compatible with CuDNN 8.\n"
        "Compatible CuDNN versions are: 9",
    )


def test_torch_cudas_and_the_cuda_modifier_pin() -> None:
    assert torch_cudas("2.0.1") == ("11.7", "11.8")
    assert torch_cudas("2.0.1+cu117") == ("11.7",)
    assert torch_cudas("2.3") == ("11.8", "11.8", "12.1", "12.1")  # 2.3.0 and 2.3.1 both match
    assert torch_cudas("2.11.0") == ("12.6", "12.8", "12.9", "13.0")
    assert torch_cudas("2.11.0+cu129") == ("12.9",)
    assert torch_cudas("0.4.1") == ()
    assert torch_cudas("https://x/torch.whl") == ()  # Cog panics here; no match instead


def test_tensorflow_cuda_needs_the_exact_version() -> None:
    assert tensorflow_cuda("2.12.0") == ("11.8", "8")
    assert tensorflow_cuda("2.12") is None


def test_completion_from_a_pinned_torch_cuda() -> None:
    text = "build:\n  gpu: true\n  python_packages: ['torch==2.0.1+cu117']\n"
    assert validate_and_complete(parse_config(text), ()).build.cuda == "11.7"


def test_an_unversioned_torch_on_gpu_is_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        validate_and_complete(parse_config("build:\n  gpu: true\n  python_packages: [torch]\n"), ())
    assert info.value.problems == ("torch version must be specified when using CUDA",)


def test_compatibility_warnings() -> None:
    text = "build:\n  gpu: true\n  cuda: '12.1'\n  python_packages: ['tensorflow==2.15.0']\n"
    config = validate_and_complete(parse_config(text), ())
    assert config.warnings[-2:] == (
        "Cog doesn't know if CUDA 12.1 is compatible with Tensorflow 2.15.0."
        " This might cause CUDA problems.",
        "Try 12.2 instead?",
    )
    agreeing = validate_and_complete(parse_config(text.replace("12.1", "12.2")), ())
    assert not any("compatible" in warning for warning in agreeing.warnings)  # Cog warns here


def test_a_cuda_of_another_major_than_tensorflows_is_an_error() -> None:  # HEAD, not 0447eb11
    text = "build:\n  gpu: true\n  cuda: '12.1'\n  python_packages: ['tensorflow==2.12.0']\n"
    with pytest.raises(ConfigError) as info:
        validate_and_complete(parse_config(text), ())
    assert info.value.field == "build.cuda"
    assert info.value.problems == (
        "TensorFlow 2.12.0 is incompatible with CUDA 12.1: TensorFlow 2.12.0 requires CUDA 11.8",
    )
    unknown = text.replace("2.12.0", "2.99.0")  # a version Cog does not know is not checked
    assert validate_and_complete(parse_config(unknown), ()).build.cuda == "12.1"


def test_a_tensorflow_cudnn_mismatch_is_an_error() -> None:
    text = "build:\n  gpu: true\n  cuda: '12.3'\n  cudnn: '9'\n"
    text += "  python_packages: ['tensorflow==2.17.0']\n"
    with pytest.raises(ConfigError) as info:
        validate_and_complete(parse_config(text), ())
    assert info.value.field == "build.cudnn"
    assert info.value.problems == (
        "The specified cuDNN version 9 is not compatible with tensorflow==2.17.0.\n"
        "Compatible cuDNN version is: 8",
    )


def test_a_cuda_13_torch_2_11_build_completes() -> None:
    text = "build:\n  gpu: true\n  python_version: '3.13'\n"
    text += "  python_packages: ['torch==2.11.0', 'torchvision==0.26.0']\n"
    build = validate_and_complete(parse_config(text), ()).build
    assert (build.cuda, build.cudnn) == ("13.0", "9")
    assert cuda_base_image(build.cuda, build.cudnn) == "nvidia/cuda:13.0.3-cudnn-devel-ubuntu24.04"
    assert cog_base_image_tag(build.cuda, "3.13", "2.11") == "cuda13.0-python3.13-torch2.11.0"


@pytest.mark.parametrize(
    ("cuda", "python", "torch", "tag"),
    [  # base_test.go @0447eb11
        ("", "3.10", "", "python3.10"),
        ("", "3.10", "2.1", "python3.10-torch2.1.2"),
        ("12.1", "3.10", "", "cuda12.1-python3.10"),
        ("12.1", "3.10", "2.1", "cuda12.1-python3.10-torch2.1.2"),
        ("11.8", "3.10", "2.0.1+cu118", "cuda11.8-python3.10-torch2.0.1"),
        ("12.1", "3.10", "2.3", "cuda12.1-python3.10-torch2.3.1"),
        ("", "3.12", "2.3.0", "python3.12-torch2.3.0"),
        ("", "3.12.1", "", "python3.12"),
        ("", "", "", "latest"),
        ("", "3.10", "0.4.1", "python3.10"),  # an unknown torch drops out of the tag
        ("13.0", "3.14", "2.11", "cuda13.0-python3.14-torch2.11.0"),
        ("12.8", "3.13", "2.9", "cuda12.8-python3.13-torch2.9.1"),
        ("", "3.14", "2.10.0", "python3.14-torch2.10.0"),
    ],
)
def test_cog_base_image_tags(cuda: str, python: str, torch: str, tag: str) -> None:
    assert cog_base_image_tag(cuda, python, torch) == tag


def test_cog_base_configurations() -> None:
    assert cog_base_image_supported("", "3.12", "")
    assert cog_base_image_supported("12.1", "3.10", "2.1.0")
    assert not cog_base_image_supported("", "3.99", "")
    assert not cog_base_image_supported("12.78", "3.10", "2.1.0")
    assert not any(c.torch.startswith("1.13") for c in cog_base_configurations())  # +modifier quirk
    assert (
        cog_base_image_name("12.1", "3.10", "2.1")
        == "r8.im/cog-base:cuda12.1-python3.10-torch2.1.2"
    )
    assert check_cog_base_image("", "3.11", "") == "python3.11"
    with pytest.raises(ConfigError) as info:
        check_cog_base_image("12.78", "3.10", "2.1.0")
    assert (
        info.value.reason
        == "unsupported base image configuration: CUDA: 12.78 / Python: 3.10 / Torch: (none)"
    )


def test_versions_compare_as_cog_compares_them() -> None:
    assert parse_version("1.2.3+cu118") is not None
    assert parse_version("1.2.3.4") is None
    assert parse_version("x.1") is None
    assert [matches("12.4", "12.4.1"), matches("12.4.0", "12.4.1"), matches("x", "1")] == [
        True,
        False,
        False,
    ]
    assert [greater("11.10", "11.8"), greater("11.8", "11.8.0")] == [True, False]
    assert [equal("11.8", "11.8.0"), equal("1.0+a", "1.0")] == [True, False]
    assert [equal_minor("11.8.2", "11.8"), equal_minor("x", "11.8")] == [True, False]
    assert greater_or_equal("2.0.0", "1.13.1")
    assert not greater_or_equal("1.13.1+cu116", "1.13.1")
    assert greater_or_equal("weird", "weird")

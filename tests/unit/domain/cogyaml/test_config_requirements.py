"""Reading requirement files and naming their packages, as Cog does."""

from __future__ import annotations

import pytest

from domain.cogyaml.parse import parse_config
from domain.cogyaml.requirements import (
    contains_coglet,
    effective_requirements,
    package_version,
    parse_requirements_text,
    python_requirements_for_arch,
    requirement_name_version,
    split_pinned,
)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("foo==1\nbar>2\n", ("foo==1", "bar>2")),
        ("foo==1\r\nbar\r\n", ("foo==1", "bar")),
        ("  foo==1  \n\n\n  bar  ", ("foo==1", "bar")),
        ("# a comment\n  # indented comment\nfoo\n", ("foo",)),
        ("-e .\n-e   .  \n-e ./sub\n", ("-e ./sub",)),
        ("foo==1 # pinned\n", ("foo==1 ",)),  # Cog does not trim after cutting the comment
        ("pkg @ https://x/y.whl#egg=pkg\n", ("pkg @ https://x/y.whl",)),
        ("torch==2.1 \\\n  --hash=sha256:abc\nnext\n", ("torch==2.1   --hash=sha256:abc", "next")),
        ("a \\\r\nb\r\n", ("a b",)),
        ("a \\\n\nb\n", ("a", "b")),  # an empty line ends a continuation
        ("a\\", ("a\\",)),  # a backslash at the very end stays
        ("\n\n\nfoo\n", ("foo",)),
        (
            "-f https://download.pytorch.org/whl/torch_stable.html\n--extra-index-url=https://x\n",
            (
                "-f https://download.pytorch.org/whl/torch_stable.html",
                "--extra-index-url=https://x",
            ),
        ),
        ("\u3000foo\u00a0\n", ("foo",)),  # Go's TrimSpace knows Unicode spaces
        ("", ()),
    ],
)
def test_reading_a_requirements_file(text: str, lines: tuple[str, ...]) -> None:
    assert parse_requirements_text(text) == lines


@pytest.mark.parametrize(
    ("line", "name", "version"),
    [
        ("torch==2.0.1", "torch", "2.0.1"),
        ("torch >= 2.0, <3", "torch", "2.0"),
        ("torch~=2.1", "torch", "2.1"),
        ("torch!=1.0", "torch", "1.0"),
        ("torch", "torch", ""),
        ("torch[cuda]==2.0", "torch[cuda]", "2.0"),  # extras are part of the name for Cog
        ("torch==1.12.1 --extra-index-url=https://x/cu116", "torch", "1.12.1"),
        ("coglet @ https://github.com/x/coglet.whl", "coglet", "https://github.com/x/coglet.whl"),
        ("my.pkg_name-x==3", "my.pkg_name-x", "3"),
        ("-f https://x", "-f", ""),  # Cog's name pattern allows a leading "-"
        ("torch; python_version<'3.8'", "torch", "'3.8'"),
    ],
)
def test_the_name_and_first_version_of_a_line(line: str, name: str, version: str) -> None:
    assert requirement_name_version(line) == (name, version)


def test_package_version_tells_absent_from_unversioned() -> None:
    lines = ("numpy", "torch==2.1.0", "torch==9")
    assert package_version(lines, "numpy") == ""
    assert package_version(lines, "torch") == "2.1.0"  # the first one wins
    assert package_version(lines, "scipy") is None


def test_coglet_in_any_form_is_detected() -> None:
    assert contains_coglet(["coglet"])
    assert contains_coglet(["coglet==0.1.0a31"])
    assert not contains_coglet(["coglets==1", "cog==0.16"])


@pytest.mark.parametrize(
    ("line", "pinned"),
    [
        ("torch==2.0.1", ("torch", "2.0.1", (), ())),
        ("torch==2.0.1 ; sys_platform == 'linux'", ("torch", "2.0.1", (), ())),
        ("torch==2.0.1 --find-links=https://a -f https://b --extra-index-url=https://c",
         ("torch", "2.0.1", ("https://a", "https://b"), ("https://c",))),
        ("torch[x]==1", None),  # not pinned for Cog: passes through verbatim
        ("torch>=1", None),
        ("-f https://a", None),
    ],
)  # fmt: skip
def test_pinned_lines(line: str, pinned: object) -> None:
    assert split_pinned(line) == pinned


def test_pinned_lines_are_normalised_and_markers_lost() -> None:
    config = parse_config("build:\n  python_version: '3.12'\n")
    lines = ("foo==1.0 ; python_version > '3'", "bar==2 --hash=sha256:x", "baz>=1 ; extra")
    assert python_requirements_for_arch(config, lines) == "foo==1.0\nbar==2\nbaz>=1 ; extra"


def test_include_packages_are_appended_unless_present() -> None:
    config = parse_config("build:\n  python_version: '3.12'\n")
    text = python_requirements_for_arch(config, ("numpy==1",), include=("numpy==2", "scipy==1"))
    assert text == "numpy==1\nscipy==1"


def test_index_urls_come_first_once_each_in_the_order_seen() -> None:
    config = parse_config("build:\n  python_version: '3.12'\n")
    lines = (
        "a==1 --extra-index-url=https://two",
        "b==1 --extra-index-url=https://one",
        "c==1 --extra-index-url=https://two",
    )
    text = python_requirements_for_arch(config, lines)
    assert text.splitlines() == [
        "--extra-index-url https://two", "--extra-index-url https://one", "a==1", "b==1", "c==1",
    ]  # fmt: skip


def test_cpu_torch_on_linux_uses_the_cpu_wheel_index() -> None:
    config = parse_config(
        "build:\n  python_version: '3.12'\n  python_packages: [torch==2.3.0, torchvision==0.18.0]\n"
    )
    text = python_requirements_for_arch(config, config.build.python_packages)
    assert text.splitlines() == [
        "--extra-index-url https://download.pytorch.org/whl/cpu/",
        "torch==2.3.0",
        "torchvision==0.18.0",
    ]


def test_cpu_torch_loses_its_cpu_modifier_torchvision_keeps_it() -> None:  # HEAD's rule
    config = parse_config(
        "build:\n  python_version: '3.10'\n"
        "  python_packages: [torch==1.13.1, torchvision==0.14.1]\n"
    )
    text = python_requirements_for_arch(config, config.build.python_packages)
    assert text.splitlines()[1:] == ["torch==1.13.1", "torchvision==0.14.1+cpu"]


def test_gpu_torch_takes_the_newest_build_of_the_best_cuda() -> None:  # HEAD #3009
    config = parse_config(
        "build:\n  gpu: true\n  cuda: '12.1'\n  python_version: '3.12'\n"
        "  python_packages: ['torch==2.3']\n"
    )
    text = python_requirements_for_arch(config, config.build.python_packages)
    assert text.splitlines() == [
        "--extra-index-url https://download.pytorch.org/whl/cu121/",
        "torch==2.3.1",  # 2.3.0+cu121 comes first in HEAD's oldest-first table
    ]


def test_python_packages_replace_the_file_lines() -> None:
    with_packages = parse_config("build:\n  python_packages: [a==1]\n")
    without = parse_config("build:\n  python_version: '3.12'\n")
    assert effective_requirements(with_packages, ("b==2",)) == ("a==1",)
    assert effective_requirements(without, ["b==2"]) == ("b==2",)

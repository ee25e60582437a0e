"""Fast paths import only what they need (no pydantic, docker, oras, requests, DI)."""

from __future__ import annotations

import subprocess
import sys

import pytest

FORBIDDEN = ("pydantic", "docker", "oras", "requests", "dependency_injector", "urllib3")
PROBE = """
import sys
from adapters.cli.main import main
code = main({argv!r})
heavy = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})
print("RESULT", code, "|" + ",".join(heavy))
"""


@pytest.mark.parametrize(
    "argv",
    [["ref", "r8.im/acme/resnet:v1"], ["ref", "nginx", "--json"], ["--help"], ["ref", "BAD::"]],
)
def test_fast_commands_import_no_heavy_module(argv: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv, forbidden=FORBIDDEN)],
        capture_output=True,
        text=True,
        check=True,
    )
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT ")
    code, _, heavy = last.removeprefix("RESULT ").partition(" |")
    assert code in ("0", "2")
    assert heavy == ""


def test_remote_inspect_imports_neither_docker_py_nor_the_build_backend() -> None:
    probe = """
import sys
from adapters.cli.main import main
main(["inspect", "--remote", "127.0.0.1:1/nobody/nothing:0"])
print("RESULT", sorted(m for m in sys.modules if m == "docker" or m.startswith(
    ("docker.", "adapters.docker", "adapters.dockerfile"))))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "RESULT []"

"""Fast paths import only what they need (no pydantic, docker, oras, requests, DI; for output
of printable ASCII, not even the escaping code)."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

FORBIDDEN = ("pydantic", "docker", "oras", "requests", "dependency_injector", "urllib3")
PROBE = """
import sys
from adapters.cli.main import main
code = main({argv!r})
heavy = sorted(
    m for m in sys.modules if m.split('.')[0] in {forbidden!r} or m == "domain.safe_text"
)
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
    # An error line goes through safe_text's shown() (it quotes the user's input); output of
    # printable ASCII does not load it.
    allowed = {"domain.safe_text"} if code == "2" else set()
    assert {name for name in heavy.split(",") if name} - allowed == set()


# What `inspect --remote` must never import: the engine's and the build side's code, pydantic
# (cog.yaml's and the manifests' models, decision 0030; the package itself, which only the
# container's library brought), oras.provider with jsonschema and oras' auth backends (decision
# 0032), the fakes; requests and urllib3 (the registry adapter speaks http.client), and the
# container with dependency-injector and what it imports (asyncio, PyYAML) (decision 0045);
# the progress displays of pulls and builds (a look-up shows none; a logged warning would load
# the event type then).
NOT_ON_THE_REMOTE_INSPECT_PATH = (
    "adapters.cli.progress",
    "adapters.container",
    "asyncio",
    "certifi",
    "charset_normalizer",
    "dependency_injector",
    "idna",
    "requests",
    "tempfile",
    "urllib3",
    "yaml",
    "docker",
    "adapters.docker",
    "adapters.dockerfile",
    "adapters.memory",
    "adapters.registry.manifest_documents",
    "application.ports.container_runner",
    "application.ports.image_builder",
    "application.ports.model_factory",
    "domain.cogyaml.label",
    "domain.cogyaml.models",
    "domain.cogyaml.parse",
    "domain.openapi",
    "domain.options",
    "domain.progress",
    "domain.source",
    "jsonschema",
    "oras.auth",
    "oras.provider",
    "pydantic",
    "pydantic_core",
)
INSPECT_PROBE = """
import sys
from adapters.cli.main import main
code = main({argv!r})
forbidden = {forbidden!r}
print("RESULT", code, sorted(
    m for m in sys.modules if m in forbidden or m.startswith(tuple(f + "." for f in forbidden))
))
"""


def inspect_imports(
    argv: list[str], forbidden: tuple[str, ...] = NOT_ON_THE_REMOTE_INSPECT_PATH
) -> tuple[int, list[str]]:
    """Run ``cogmodel ARGV`` in a fresh interpreter: its exit code and the ``forbidden``
    modules it imported."""
    probe = INSPECT_PROBE.format(argv=argv, forbidden=forbidden)
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    last = result.stdout.strip().splitlines()[-1].removeprefix("RESULT ")
    code, _, found = last.partition(" ")
    return int(code), ast.literal_eval(found)


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_remote_inspect_imports_only_its_path(json_flag: list[str]) -> None:
    # An unreachable registry: the whole adapter is made and asked (tests/integration has the
    # same probe on a real registry, which also reads a manifest and the labels).
    code, imported = inspect_imports(["inspect", "--remote", *json_flag, "127.0.0.1:1/a/b:0"])
    assert code == 6
    assert imported == []


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


@pytest.mark.parametrize("columns", [None, "120", "37", "0", "-5", "wide"])
def test_help_is_as_wide_as_shutil_says_the_terminal_is(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from adapters.cli.parser import terminal_columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns

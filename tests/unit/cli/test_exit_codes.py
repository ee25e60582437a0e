"""Exit codes by error type, one `error:` line, no traceback (DESIGN.md's contract)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli.context import Context, OutputClosedError
from adapters.cli.interrupts import Terminated
from adapters.cli.main import exit_code_for, main
from adapters.cli.parser import UsageError
from domain.errors import (
    AmbiguousImageIdError,
    AuthenticationError,
    BackendError,
    BackendUnavailableError,
    BuildError,
    ConfigError,
    ContainerError,
    ImageNotFoundError,
    IntegrityError,
    InvalidDigestError,
    InvalidLabelError,
    InvalidPlatformError,
    InvalidReferenceError,
    NotCogModelError,
    PlatformNotFoundError,
    ProtocolError,
    SchemaError,
    SourceError,
)
from domain.image_source import ImageSource
from domain.source import Source
from tests.unit.cli.conftest import Cli

CASES = [
    (UsageError("cogmodel: bad"), 2),
    (InvalidReferenceError("x", "bad"), 2),
    (InvalidDigestError("x", "bad"), 2),
    (InvalidPlatformError("x", "bad"), 2),
    (ConfigError("build", "bad"), 2),
    (SchemaError("bad"), 2),
    (SourceError("bad"), 2),
    (AmbiguousImageIdError("abc", ["sha256:" + "a" * 64, "sha256:" + "b" * 64]), 2),
    (ImageNotFoundError("x", ImageSource.LOCAL), 3),
    (PlatformNotFoundError("x", ImageSource.REMOTE, "linux/s390x", ["linux/amd64"]), 3),
    (NotCogModelError("x"), 4),
    (InvalidLabelError("run.cog.config", "bad"), 4),
    (AuthenticationError("registry", "denied"), 5),
    (BackendError("docker", "boom"), 6),
    (BackendUnavailableError("docker", "down"), 6),
    (ProtocolError("registry", "malformed"), 6),
    (BuildError("failed"), 6),
    (ContainerError("exited"), 6),
    (IntegrityError("blob", expected="sha256:1", actual="sha256:2"), 7),
    (RuntimeError("surprise"), 1),
    (KeyboardInterrupt(), 130),
    (Terminated(), 143),
    (OutputClosedError("gone"), 141),
]


@pytest.mark.parametrize(("error", "code"), CASES, ids=[type(e).__name__ for e, _ in CASES])
def test_each_error_type_has_its_exit_code(error: BaseException, code: int) -> None:
    assert exit_code_for(error) == code


def test_a_bad_reference_exits_2_with_one_error_line(cli: Cli) -> None:
    run = cli("inspect", "INVALID::REF")
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith("error: invalid image reference")
    assert run.err.count("\n") == 1


def test_a_missing_image_exits_3(cli: Cli) -> None:
    run = cli("inspect", "127.0.0.1:5000/nobody/nothing:0")
    assert run.code == 3
    assert run.err.startswith("error: ")
    assert run.err.count("\n") == 1


def test_an_image_without_cog_labels_exits_4(cli: Cli) -> None:
    cli.add_remote("127.0.0.1:5000/plain/busybox:1", labels={"maintainer": "someone"})
    assert cli("inspect", "127.0.0.1:5000/plain/busybox:1").code == 4


def test_a_malformed_cog_label_exits_4(cli: Cli) -> None:
    cli.add_remote("127.0.0.1:5000/broken/model:1", labels={"run.cog.config": "{not json"})
    assert cli("inspect", "127.0.0.1:5000/broken/model:1").code == 4


def test_an_engine_that_is_down_exits_6(cli: Cli) -> None:
    cli.local.unavailable = True
    run = cli("inspect", "--local", "127.0.0.1:5000/some/model:1")
    assert run.code == 6
    assert run.err.count("\n") == 1


def test_a_usage_error_exits_2_with_one_line_and_no_usage_block(cli: Cli) -> None:
    run = cli("inspect", "--local", "--remote", "x")
    assert run.code == 2
    assert run.err.count("\n") == 1
    assert "usage:" not in run.err


def test_a_bad_platform_exits_2(cli: Cli) -> None:
    assert cli("inspect", "x", "--platform", "linux").code == 2


def test_an_unexpected_error_exits_1_without_a_traceback(cli: Cli) -> None:
    def explode(filename: str, start_dir: Path) -> Source:
        raise RuntimeError("kaboom")

    cli.load_source = explode
    run = cli("build")
    assert run.code == 1
    assert "Traceback" not in run.err
    assert run.err.startswith("error: RuntimeError: kaboom")
    assert run.err.count("\n") == 1


def test_debug_shows_the_chain_of_causes(cli: Cli) -> None:
    def explode(filename: str, start_dir: Path) -> Source:
        try:
            raise OSError("disk on fire")
        except OSError as exc:
            raise ConfigError("", "cannot read cog.yaml") from exc

    cli.load_source = explode
    quiet = cli("build")
    loud = cli("--debug", "build")
    assert quiet.code == loud.code == 2
    assert quiet.err.count("\n") == 1
    assert "caused by: builtins.OSError: disk on fire" in loud.err


def test_debug_shows_the_traceback_of_an_internal_error(cli: Cli) -> None:
    def explode(filename: str, start_dir: Path) -> Source:
        raise RuntimeError("kaboom")

    cli.load_source = explode
    assert "Traceback" in cli("--debug", "build").err


def test_no_command_prints_help_and_exits_0(cli: Cli) -> None:
    run = cli()
    assert run.code == 0
    assert "inspect" in run.out


def test_source_without_config_is_invalid_input(cli: Cli) -> None:
    cli.load_source = lambda filename, start_dir: Source(config=None, project_dir=start_dir)
    assert cli("build").code == 2


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_exits_141_and_reports_nothing(tmp_path: Path) -> None:
    err = io.StringIO()
    context = Context(env={}, stdout=_ClosedPipe(), stderr=err, cwd=tmp_path)
    assert main(["ref", "nginx", "--json"], context=context) == 141
    assert err.getvalue() == ""


@pytest.mark.parametrize("argv", [["ref", "nginx"], ["--version"]])
def test_a_real_process_whose_reader_went_away_exits_141_silently(argv: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # `cogmodel … | head -1` once head has exited
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; from adapters.cli.main import main; sys.exit(main({argv!r}))",
            ],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == ""


def test_a_library_exiting_with_a_message_is_a_failure_not_a_success(cli: Cli) -> None:
    def exit_with_message(filename: str, start_dir: Path) -> Source:
        raise SystemExit("something gave up")

    cli.load_source = exit_with_message
    run = cli("build")
    assert run.code == 1
    assert run.err.count("\n") == 1

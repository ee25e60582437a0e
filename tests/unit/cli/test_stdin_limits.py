"""What a command reads from stdin as a whole is bounded, and text it cannot store is refused.

``inspect -``, ``run --json @-`` and ``login --password-stdin`` read stdin whole. A stream
without end (``< /dev/zero``) must cost the limit's memory and end in one ``error:`` line, exit
2; a password the credential store cannot hold (bytes the locale could not decode) must end
the same way, before anything is stored.
"""

from __future__ import annotations

import io

import pytest

import adapters.cli.commands.inspect as inspect_command
import adapters.cli.commands.predict as predict_command
from adapters.cli.context import Context
from adapters.cli.main import main
from domain.limits import MAX_SECRET_BYTES
from tests.unit.cli.conftest import Cli, model_labels

REF = "127.0.0.1:5000/acme/hello:1"


class EndlessStdin(io.TextIOBase):
    """stdin that never ends (``< /dev/zero``, as text): counts what was read from it."""

    def __init__(self, char: str = "x") -> None:
        self.char = char
        self.read_chars = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            raise AssertionError("read stdin whole: a stream without end never returns")
        self.read_chars += size
        return self.char * size

    def readline(self, size: int | None = -1) -> str:
        raise AssertionError("read stdin by lines: a line without end never returns")


def _run(cli: Cli, argv: list[str], stdin: io.TextIOBase) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    context = Context(
        env=dict(cli.env),
        stdout=out,
        stderr=err,
        stdin=stdin,  # type: ignore[arg-type]
        cwd=cli.cwd,
        container=cli.container,
        load_source=cli.load_source,
    )
    code = main(argv, context=context)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("module", "argv", "what"),
    [
        (inspect_command, ["inspect", "--remote", "-"], "- (references on stdin)"),
        (predict_command, ["run", REF, "--json", "@-"], "--json @-"),
        (predict_command, ["run", REF, "--json", "-"], "--json -"),
    ],
)
def test_a_stdin_without_end_is_refused_at_the_limit(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, module: object, argv: list[str], what: str
) -> None:
    cli.add_local(REF, model_labels())
    monkeypatch.setattr(module, "MAX_STDIN_BYTES", 4096)  # the real one is 100 MiB
    stdin = EndlessStdin()
    code, out, err = _run(cli, argv, stdin)
    assert code == 2
    assert out == ""
    assert err == f"error: {what}: stdin holds more than 4096 bytes (the limit)\n"
    assert stdin.read_chars == 4097


def test_a_password_is_at_most_the_limit_in_utf8_bytes(cli: Cli) -> None:
    two_bytes = "é" * (MAX_SECRET_BYTES // 2)
    argv = ["login", "registry.example", "-u", "me", "--password-stdin"]
    code, out, err = _run(cli, argv, io.StringIO(two_bytes))
    assert (code, err) == (0, "")
    assert out.startswith("Saved the credentials for registry.example")
    assert cli.container.credential_store().saved["registry.example"] == ("me", two_bytes)
    code, _, err = _run(
        cli,
        ["login", "other.example", "-u", "me", "--password-stdin"],
        io.StringIO(two_bytes + "é"),
    )
    assert code == 2
    assert err == (
        f"error: --password-stdin: stdin holds more than {MAX_SECRET_BYTES} bytes (the limit)\n"
    )
    assert "other.example" not in cli.container.credential_store().saved


def test_a_password_stdin_without_end_reads_only_the_limit(cli: Cli) -> None:
    stdin = EndlessStdin()
    code, _, err = _run(cli, ["login", "r.example", "-u", "me", "--password-stdin"], stdin)
    assert code == 2
    assert stdin.read_chars == MAX_SECRET_BYTES + 1
    assert "more than 1048576 bytes" in err


@pytest.mark.parametrize("errors", ["surrogateescape", "strict"])
def test_a_password_that_is_not_utf8_text_is_refused_and_nothing_is_stored(
    cli: Cli, errors: str
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"secr\xffet\n"), encoding="utf-8", errors=errors)
    code, out, err = _run(cli, ["login", "r.example", "-u", "me", "--password-stdin"], stdin)
    assert (code, out) == (2, "")
    assert err == "error: the password is not UTF-8 text\n"
    assert cli.container.credential_store().saved == {}


def test_a_user_name_that_is_not_utf8_text_is_refused(cli: Cli) -> None:
    # sys.argv keeps bytes the locale cannot decode as lone surrogates, as here.
    user = b"m\xffe".decode("utf-8", "surrogateescape")
    argv = ["login", "r.example", "-u", user, "--password-stdin"]
    code, _, err = _run(cli, argv, io.StringIO("pw\n"))
    assert code == 2
    assert err == "error: the user name is not UTF-8 text\n"
    assert cli.container.credential_store().saved == {}


def test_json_inputs_on_stdin_that_are_not_text_are_invalid_input(cli: Cli) -> None:
    cli.add_local(REF, model_labels())
    stdin = io.TextIOWrapper(io.BytesIO(b'{"text": "\xff"}'), encoding="utf-8")
    code, out, err = _run(cli, ["run", REF, "--json", "@-"], stdin)
    assert (code, out) == (2, "")
    assert err == "error: --json @-: stdin is not UTF-8 text\n"

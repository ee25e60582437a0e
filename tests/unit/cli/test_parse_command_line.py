"""parse_command_line builds only the named command's sub-parser; the whole parser is its oracle.

Whatever the command line, the outcome must be the whole parser's: the same namespace, the same
usage error, the same help text and exit.
"""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.cli.parser import _COMMANDS, UsageError, build_parser, parse_command_line


def _outcome(parse: object, argv: list[str]) -> tuple[str, object]:
    """What parsing ``argv`` ends in: a namespace, a usage error, or an exit with its output."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            namespace = parse(argv)  # type: ignore[operator]
    except UsageError as exc:
        return "usage error", str(exc)
    except SystemExit as exc:
        return "exit", (exc.code, out.getvalue())
    assert isinstance(namespace, argparse.Namespace)
    return "namespace", vars(namespace)


def _whole(argv: list[str]) -> argparse.Namespace:
    return build_parser().parse_args(argv)


CASES = [
    ["inspect", "--remote", "--json", "r8.im/a/b:1"],
    ["--debug", "inspect", "a", "b", "-"],
    ["--registry", "example.com", "ref", "x"],
    ["--registry=example.com", "--debug", "pull", "a/b", "--platform", "linux/arm64"],
    ["--registry", "inspect", "inspect", "x"],  # a registry named like a command
    ["--registry", "ref"],
    ["--version"],
    ["--version", "ref", "x"],
    ["run", "img", "-i", "text=hi", "--gpus", "all", "-o", "out.png"],
    ["predict", "--separate-weights"],
    ["train", "img", "--setup-timeout", "0"],
    ["exec", "-p", "8000", "python", "--debug"],
    ["serve", "-p", "70000"],
    ["build", "-t", "x", "--separate-weights"],
    ["debug", "--use-cuda-base-image", "maybe"],
    ["login", "-u", "me", "--password-stdin", "registry.example"],
    ["push", "r8.im/me/model"],
    ["init", "extra"],
    ["inspect"],
    ["inspect", "--nope", "x"],
    ["ref", "x", "--json", "--strict"],
    ["--reg", "example.com", "ref", "x"],  # an abbreviation: the whole parser reads it
    ["--help"],
    ["-h", "inspect"],
    ["inspect", "--help"],
    ["ref", "-h"],
    ["--debug", "--help", "ref"],
    ["nosuch", "x"],
    ["--", "ref", "x"],
    [],
    ["--debug"],
    ["--registry"],
]


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(case) or "(none)" for case in CASES])
def test_the_one_command_parser_ends_as_the_whole_parser_does(argv: list[str]) -> None:
    assert _outcome(parse_command_line, argv) == _outcome(_whole, argv)


WORDS = st.sampled_from(
    [
        *_COMMANDS,
        "--debug",
        "--version",
        "--registry",
        "--registry=r.io",
        "--reg",
        "--help",
        "-h",
        "--json",
        "--remote",
        "--local",
        "--platform",
        "linux/amd64",
        "-i",
        "x=1",
        "-p",
        "8000",
        "-t",
        "--",
        "-",
        "r8.im/a/b:1",
        "sha256:abc",
        "",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=6))
def test_any_command_line_ends_as_the_whole_parser_says(argv: list[str]) -> None:
    assert _outcome(parse_command_line, argv) == _outcome(_whole, argv)


def test_a_named_command_builds_only_its_own_sub_parser() -> None:
    parser = build_parser("inspect")
    (commands,) = [
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    ]
    assert list(commands.choices) == ["inspect"]
    whole = build_parser()
    (all_commands,) = [
        action for action in whole._actions if isinstance(action, argparse._SubParsersAction)
    ]
    assert list(all_commands.choices) == list(_COMMANDS)

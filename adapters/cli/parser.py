"""The ``cogmodel`` argument grammar: every command, its arguments and flags.

Only ``argparse`` is imported here, so ``cogmodel --help`` and ``cogmodel ref`` start fast; each
command's module is imported by :mod:`adapters.cli.main` only when that command runs.

A usage error never prints argparse's two-line usage block and exits 2 on its own: the parser
raises :class:`UsageError`, which the entry point reports as one ``error:`` line, exit code 2.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
from typing import Any, Final, NoReturn

from adapters.cli.help_examples import epilog

PROGRESS_CHOICES = ("auto", "plain", "tty", "quiet")


class UsageError(Exception):
    """The command line itself is wrong (unknown flag, missing argument, bad choice)."""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter (keeping the examples' line breaks), told the terminal width
    without importing ``shutil``.

    argparse makes a formatter for every argument it adds (to check it), and its own asks
    ``shutil.get_terminal_size``; importing shutil (with bz2 and lzma) is a good part of what
    ``cogmodel ref`` costs beyond Python's start. The width is found the same way.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=terminal_columns() - 2)


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: ``$COLUMNS``, else stdout's terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Parser(argparse.ArgumentParser):
    """Usage errors raise; help keeps the examples' line breaks; ``--debug`` goes anywhere."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _command(
    commands: argparse._SubParsersAction[_Parser], name: str, *, extra: str = "", **kwargs: Any
) -> _Parser:
    """A sub-command whose help ends with its examples, and that takes ``--debug`` too (so
    ``cogmodel inspect REF --debug`` works as ``cogmodel --debug inspect REF`` does)."""
    cmd: _Parser = commands.add_parser(name, epilog=epilog(name, extra), **kwargs)
    cmd.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,  # unset here: the global flag's value stands
        help="show the chained causes of an error",
    )
    return cmd


def parse_command_line(argv: list[str]) -> argparse.Namespace:
    """``build_parser().parse_args(argv)``, building only the sub-parser of the command
    ``argv`` names when that can be told at a glance (a command's flags are most of what
    building the parser costs, about 5 ms of every start-up).

    The glance (:func:`_named_command`) accepts only the exact global flags before the command;
    anything else (``--help``, an abbreviation, an unknown word) builds the whole parser. A
    command line the one-command parser accepts, the whole parser reads the same way: the same
    global flags, the same command word, the same sub-parser for the rest. One it refuses is
    parsed again by the whole parser, so errors are the whole parser's.

    Raises:
        UsageError: the command line is wrong.
    """
    command = _named_command(argv)
    if command is not None:
        try:
            return build_parser(command).parse_args(argv)
        except UsageError:
            pass  # said by the whole parser, below
    return build_parser().parse_args(argv)


def _named_command(argv: list[str]) -> str | None:
    """The command ``argv`` names after nothing but exact global flags; else ``None``."""
    words = iter(argv)
    for word in words:
        if word in ("--debug", "--version") or word.startswith("--registry="):
            continue
        if word == "--registry":
            next(words, None)  # its value
            continue
        return word if word in _COMMANDS else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``cogmodel``: global flags and one sub-parser per command (with
    ``command``: that command's only; see :func:`parse_command_line`)."""
    parser = _Parser(
        prog="cogmodel",
        description="Build, push, inspect, pull and run Cog model images.",
        epilog=epilog(
            "cogmodel",
            "Exit codes: 0 ok, 1 internal error, 2 invalid input, 3 not found, 4 not a Cog\n"
            "model, 5 authentication, 6 backend failure, 7 integrity. See docs/cli.md.",
        ),
    )
    parser.add_argument("--debug", action="store_true", help="show the chained causes of an error")
    parser.add_argument(
        "--version",
        action="store_true",
        help="print the version (and the Cog runtime builds install) and exit",
    )
    parser.add_argument(
        "--registry",
        metavar="HOST",
        help="the Replicate registry host (default: $COG_REGISTRY_HOST, else r8.im)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, add in _COMMANDS.items():
        if command is None or name == command:
            add(commands)
    return parser


# --------------------------------------------------------------------------- shared flag groups


def _add_config_flag(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "-f",
        "--file",
        default="cog.yaml",
        metavar="FILE",
        help="the config file name, looked for here and in parent directories (default cog.yaml)",
    )


def _add_engine_flags(cmd: argparse.ArgumentParser, *, dockerfile: bool = True) -> None:
    """Flags of every command that builds the project (dev image or model image).

    ``dockerfile``: offer ``--dockerfile`` (model-image builds only; the dev image of run and
    serve is always generated from cog.yaml, as in Cog, so they do not accept it).
    """
    cmd.add_argument(
        "--progress",
        choices=PROGRESS_CHOICES,
        default=None,
        help="build output: auto (a compact display; on a terminal it updates in place), "
        "plain (every line, for logs), tty or quiet (only the result) (default "
        "$BUILDKIT_PROGRESS, else auto; plain when TERM=dumb)",
    )
    _add_builder_flag(cmd)
    cmd.add_argument(
        "--use-cuda-base-image",
        choices=("auto", "true", "false"),
        default=None,
        help="use an nvidia/cuda base image for GPU models (default auto)",
    )
    cmd.add_argument(
        "--use-cog-base-image",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="use an r8.im/cog-base image (default: when one exists)",
    )
    if dockerfile:
        cmd.add_argument(
            "--dockerfile", metavar="FILE", help="build this Dockerfile verbatim instead"
        )
    cmd.add_argument(
        "--hermetic",
        action="store_true",
        help="download Python packages on the host: no PyPI access inside the build "
        "(Debian packages still come from the mirror)",
    )
    _add_config_flag(cmd)


def _add_builder_flag(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--builder",
        choices=("classic", "buildkit"),
        default=None,
        help="the engine's builder (default: BuildKit, through the docker CLI, where the "
        "engine and the CLI support it; else classic)",
    )


def _add_build_flags(cmd: argparse.ArgumentParser) -> None:
    """Flags of the commands that build the model image (build, push)."""
    _add_engine_flags(cmd)
    cmd.add_argument("--no-cache", action="store_true", help="ignore the engine's layer cache")
    cmd.add_argument(
        "--separate-weights",
        action="store_true",
        help="put the model's weights (files of 10 MiB or more) in their own image, "
        "<image>-weights, that the model image copies them from",
    )
    cmd.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="id=ID,src=PATH",
        help="a build secret (repeatable; BuildKit only)",
    )
    cmd.add_argument(
        "--openapi-schema", metavar="FILE", help="use this OpenAPI schema instead of generating it"
    )
    cmd.add_argument(
        "--annotation",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an extra image label (repeatable)",
    )


def _add_container_flags(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "-e",
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the container (repeatable)",
    )
    cmd.add_argument(
        "--gpus",
        metavar="GPUS",
        help="GPUs for the container, as docker run --gpus takes them: all, a count, "
        "device=ID[,ID...], or none (default: all when the model asks for a GPU; on an "
        "engine without a GPU runtime, none, with a warning)",
    )


# --------------------------------------------------------------------------- commands


def _add_build(commands: argparse._SubParsersAction[_Parser]) -> None:
    cmd = _command(
        commands,
        "build",
        help="build an image from cog.yaml",
        description="Build the Cog project in the current directory into a model image. "
        "Image name: -t, else cog.yaml's image:, else cog-<directory>.",
    )
    cmd.add_argument("-t", "--tag", metavar="IMAGE", help="the image name")
    _add_build_flags(cmd)


def _add_debug(commands: argparse._SubParsersAction[_Parser]) -> None:
    cmd = _command(
        commands,
        "debug",
        help="print the Dockerfile a build would use",
        description="Print the Dockerfile 'cogmodel build' would build for the project in "
        "the current directory (Cog's hidden 'cog debug'). Nothing is built. With "
        "--separate-weights: the weights image's Dockerfile, the model's, and the patterns "
        "the weights are left out of the model's context by.",
    )
    cmd.add_argument(
        "--separate-weights",
        action="store_true",
        help="as build --separate-weights: the weights in their own image",
    )
    cmd.add_argument(
        "--image-name",
        metavar="IMAGE",
        help="the image name the Dockerfiles are for (default cog-<directory>)",
    )
    cmd.add_argument(
        "--use-cuda-base-image",
        choices=("auto", "true", "false"),
        default=None,
        help="use an nvidia/cuda base image for GPU models (default auto)",
    )
    cmd.add_argument(
        "--use-cog-base-image",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="use an r8.im/cog-base image (default: when one exists)",
    )
    cmd.add_argument(
        "--hermetic",
        action="store_true",
        help="the Dockerfile of a hermetic build (downloads the wheels on the host)",
    )
    _add_builder_flag(cmd)
    _add_config_flag(cmd)


def _add_init(commands: argparse._SubParsersAction[_Parser]) -> None:
    _command(
        commands,
        "init",
        help="configure your project for use with Cog",
        description="Create cog.yaml, run.py, requirements.txt and .dockerignore in the "
        "current directory: a starting template for your model's environment and its "
        "run interface. Existing files are left alone.",
    )


def _add_login(commands: argparse._SubParsersAction[_Parser]) -> None:
    cmd = _command(
        commands,
        "login",
        help="log in to a container registry",
        description="Save credentials for a registry where Docker keeps them: its credential "
        "helper if the Docker config names one (credHelpers, credsStore), else the config "
        "file's auths. REGISTRY defaults to --registry (r8.im). The credentials are checked "
        "when they are first used (push, pull, inspect --remote). Replicate's token login "
        "(a browser, or --token-stdin) is not supported.",
    )
    cmd.add_argument("registry", nargs="?", metavar="REGISTRY", help="the registry host")
    cmd.add_argument("-u", "--username", metavar="NAME", help="the user name")
    cmd.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    cmd.add_argument(
        "--token-stdin",
        action="store_true",
        help="Cog's Replicate token login (not supported: says what to do instead)",
    )


def _add_push(commands: argparse._SubParsersAction[_Parser]) -> None:
    cmd = _command(
        commands,
        "push",
        help="build and push the model to a registry",
        description="Build the project and push the image. Image name: the argument, else "
        "cog.yaml's image:. Prints the pushed manifest digest.",
    )
    cmd.add_argument("image", nargs="?", metavar="IMAGE", help="where to push")
    _add_build_flags(cmd)


def _add_lookup_flags(cmd: argparse.ArgumentParser) -> None:
    where = cmd.add_mutually_exclusive_group()
    where.add_argument(
        "--local",
        dest="where",
        action="store_const",
        const="local",
        help="look only in the local engine",
    )
    where.add_argument(
        "--remote",
        dest="where",
        action="store_const",
        const="remote",
        help="look only in the registry (nothing is pulled)",
    )
    where.add_argument(
        "--prefer-remote",
        dest="where",
        action="store_const",
        const="prefer-remote",
        help="look in the registry first, then the local engine",
    )
    cmd.add_argument(
        "--platform", metavar="OS/ARCH[/VARIANT]", help="the platform to inspect in an index"
    )


def _add_inspect(commands: argparse._SubParsersAction[_Parser]) -> None:
    cmd = _command(
        commands,
        "inspect",
        help="show what a model image is: config, schema, where it was found",
        description="Inspect Cog model images locally or in their registry without pulling "
        "them. Default: the local engine first, then the registry. REF may be an image id "
        "(sha256:..., or the start of one, as docker inspect takes it) to inspect a local "
        "image by id. Several REFs (or "
        "-, references on stdin, one a line) are inspected concurrently and reported in "
        "order; a failed image gets its own 'error: REF: ...' line, and the exit code is "
        "that of the worst failure.",
    )
    cmd.add_argument(
        "refs",
        metavar="REF",
        nargs="+",
        help="an image reference or sha256: image id; - reads references from stdin",
    )
    _add_lookup_flags(cmd)
    cmd.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (several images: one object a line, JSON Lines)",
    )


def _add_pull(commands: argparse._SubParsersAction[_Parser]) -> None:
    cmd = _command(
        commands,
        "pull",
        help="pull a model image into the local engine",
        description="Pull a Cog model image into the local engine (always asks the registry).",
    )
    cmd.add_argument("ref", metavar="REF", help="an image reference")
    cmd.add_argument(
        "--platform", metavar="OS/ARCH[/VARIANT]", help="the platform to pull from an index"
    )
    cmd.add_argument(
        "--progress", choices=PROGRESS_CHOICES, default=None, help="how to show progress"
    )
    cmd.add_argument("--json", action="store_true", help="print the pulled model as JSON")


_PREDICTION_HELP = {
    "run": "run the model (a prediction)",
    "predict": "run the model (Cog's old name for run; deprecated)",
    "train": "run a training of the model",
}


def _add_prediction(commands: argparse._SubParsersAction[_Parser], name: str) -> None:
    """``run`` (Cog HEAD's name), ``predict`` (its deprecated alias) and ``train``."""
    train = name == "train"
    what = "training" if train else "prediction"
    cmd = _command(
        commands,
        name,
        help=_PREDICTION_HELP[name],
        description=f"Run a {what}. With IMAGE: use that model image (pulled if the engine "
        "does not have it). Without: build the project in the current directory first. "
        "The inputs are checked against the model's schema before any container starts "
        "(wrong inputs exit 2). The container is stopped and removed on every exit, Ctrl-C "
        "included.",
    )
    cmd.add_argument("image", nargs="?", metavar="IMAGE", help="a model image")
    cmd.add_argument(
        "-i",
        "--input",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an input (repeatable); NAME=@FILE sends a file",
    )
    cmd.add_argument(
        "--json",
        metavar="JSON|@FILE|@-",
        help="the inputs as one JSON object, or read from a file (@inputs.json) or stdin (@-); "
        f'"@PATH" values are files; prints the whole {what} response as JSON',
    )
    cmd.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        default="weights" if train else None,
        help="where to write the output" + (" (default weights)" if train else " (default output)"),
    )
    cmd.add_argument(
        "--json-response",
        action="store_true",
        help=f"print the whole {what} response as JSON (cogmodel's old --json switch)",
    )
    cmd.add_argument(
        "--setup-timeout",
        type=_seconds,
        default=300.0,
        metavar="SECONDS",
        help="how long the model may take to become ready, in seconds: more than 0, at most "
        f"{MAX_SETUP_TIMEOUT} (default 300)",
    )
    _add_container_flags(cmd)
    _add_engine_flags(cmd)


def _add_exec(commands: argparse._SubParsersAction[_Parser]) -> None:
    cmd = _command(
        commands,
        "exec",
        help="execute a command inside the model's environment",
        description="Execute a command inside the environment defined by cog.yaml (the "
        "project's dev image) with the project mounted at /src. Interactive: stdin is "
        "attached, a terminal is given when stdin and stdout are terminals, signals are "
        "passed on, and cogmodel exits with the command's exit status. Flags go before the "
        "command.",
    )
    cmd.add_argument(
        "-p",
        "--publish",
        action="append",
        default=[],
        metavar="[HOST:]PORT",
        help="publish a container's port to the host, e.g. -p 8000 or -p 0.0.0.0:8000 "
        "(default host 127.0.0.1; repeatable)",
    )
    _add_container_flags(cmd)
    _add_engine_flags(cmd, dockerfile=False)
    cmd.add_argument("cmd", nargs=argparse.REMAINDER, metavar="CMD", help="the command")


def _add_serve(commands: argparse._SubParsersAction[_Parser]) -> None:
    cmd = _command(
        commands,
        "serve",
        help="run an HTTP server",
        description="Build the project's dev image and run Cog's HTTP server with the "
        "project mounted, published on 127.0.0.1:PORT, until Ctrl-C.",
    )
    cmd.add_argument(
        "-p",
        "--port",
        type=_port,
        default=8393,
        metavar="PORT",
        help="the 127.0.0.1 port (default 8393)",
    )
    _add_container_flags(cmd)
    _add_engine_flags(cmd, dockerfile=False)


def _add_ref(commands: argparse._SubParsersAction[_Parser]) -> None:
    cmd = _command(
        commands,
        "ref",
        help="show how an image reference parses",
        description="Show how REF parses (go-containerregistry's rules, as Cog uses them).",
    )
    cmd.add_argument("ref", metavar="REF", help="an image reference")
    cmd.add_argument("--insecure", action="store_true", help="treat the registry as plain HTTP")
    cmd.add_argument("--strict", action="store_true", help="require registry and tag")
    cmd.add_argument("--default-registry", metavar="HOST", help="registry for bare names")
    cmd.add_argument("--default-tag", metavar="TAG", help="tag for names without one")
    cmd.add_argument("--json", action="store_true", help="print one JSON object")


# Every command, in the order `cogmodel --help` lists them.
_COMMANDS: Final[dict[str, Callable[[argparse._SubParsersAction[_Parser]], None]]] = {
    "build": _add_build,
    "debug": _add_debug,
    "init": _add_init,
    "login": _add_login,
    "run": functools.partial(_add_prediction, name="run"),
    "predict": functools.partial(_add_prediction, name="predict"),
    "push": _add_push,
    "exec": _add_exec,
    "serve": _add_serve,
    "train": functools.partial(_add_prediction, name="train"),
    "inspect": _add_inspect,
    "pull": _add_pull,
    "ref": _add_ref,
}


MAX_SETUP_TIMEOUT: Final = 4_294_967_295
"""The longest ``--setup-timeout``: Cog's flag is a ``uint32`` of seconds."""


def _seconds(text: str) -> float:
    """A ``--setup-timeout``: a finite number of seconds, more than 0 and at most Cog's
    ``uint32`` (0, a negative number, NaN or infinity is a usage error, exit 2)."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < seconds <= MAX_SETUP_TIMEOUT:  # NaN fails every comparison
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most {MAX_SETUP_TIMEOUT} seconds: {text}"
        )
    return seconds


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"port out of range (1-65535): {port}")
    return port

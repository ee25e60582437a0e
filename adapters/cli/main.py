"""Entry point of the ``cogmodel`` command: parse, dispatch, and map errors to exit codes.

The contract (DESIGN.md, "Command line contract"): results on stdout, one ``error: …`` line on
stderr for a failure, never a traceback, and an exit code chosen by the error's TYPE:

====  =====================================================================================
0     success
1     unexpected internal error (any exception that is not a cogmodel error)
2     usage or invalid input: ``InvalidInputError`` (bad reference, cog.yaml, platform, …)
3     not found: ``ImageNotFoundError`` (image, tag, repository, or the asked platform)
4     not a Cog model: ``NotCogModelError``, ``InvalidLabelError``
5     authentication or permission denied: ``AuthenticationError``
6     backend unavailable or failed: ``BackendError`` (engine down, registry 5xx, timeout,
      malformed answer, build failure, model container failure)
7     integrity: ``IntegrityError`` (content does not match its digest)
130   interrupted (Ctrl-C); any container started is stopped and removed first
141   stdout was closed by its reader (``| head``); nothing is reported, as with SIGPIPE
143   terminated (SIGTERM while a command runs); containers are removed first, as for Ctrl-C
====  =====================================================================================

A command that handles many images (``inspect REF REF …``) reports each failed image on its
own line, ``error: REF: …``, and exits with the code of the worst failure (:func:`worst`):
internal error (1) first, then integrity (7), backend (6), authentication (5), not a Cog model
(4), not found (3), usage or invalid input (2), success (0) last. An interruption or a closed
stdout ends the whole run as above.

``--debug`` adds the chain of causes (``raise … from``) and, for internal errors, the
traceback. Only ``argparse`` and the standard library are imported before a command is chosen;
each command module is imported when it runs.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TextIO

from adapters.cli.interrupts import Terminated, sigterm_as_interrupt
from adapters.cli.parser import UsageError, build_parser, parse_command_line

if TYPE_CHECKING:
    import argparse

    from adapters.cli.context import Container, Context

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_NOT_COG = 4
EXIT_AUTH = 5
EXIT_BACKEND = 6
EXIT_INTEGRITY = 7
EXIT_INTERRUPTED = 130
EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE
EXIT_TERMINATED = 143  # 128 + SIGTERM

# command name -> module under adapters.cli.commands that has ``run(ctx, args) -> int``
_COMMANDS = {
    "build": "build",
    "push": "build",
    "debug": "debug",
    "init": "init",
    "login": "login",
    "inspect": "inspect",
    "pull": "inspect",
    "run": "predict",
    "predict": "predict",
    "train": "predict",
    "exec": "environment",
    "serve": "environment",
    "ref": "ref",
}


def exit_code_for(error: BaseException) -> int:
    """The documented exit code for ``error``, chosen by its type (never its text)."""
    if isinstance(error, UsageError):
        return EXIT_USAGE
    if isinstance(error, Terminated):
        return EXIT_TERMINATED
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    # Imported here: domain.errors is small, but `--help` should not need it.
    from adapters.cli.context import OutputClosedError
    from domain import errors

    if isinstance(error, OutputClosedError):
        return EXIT_OUTPUT_CLOSED

    table: tuple[tuple[type[BaseException], int], ...] = (
        (errors.InvalidInputError, EXIT_USAGE),
        (errors.ImageNotFoundError, EXIT_NOT_FOUND),
        (errors.NotCogModelError, EXIT_NOT_COG),
        (errors.InvalidLabelError, EXIT_NOT_COG),
        (errors.AuthenticationError, EXIT_AUTH),
        (errors.BackendError, EXIT_BACKEND),
        (errors.IntegrityError, EXIT_INTEGRITY),
    )
    for kind, code in table:
        if isinstance(error, kind):
            return code
    return EXIT_INTERNAL


# Most severe first: a bug means no result can be trusted; content that failed its digest is a
# security matter; then failures that left an image unanswered (backend, access); then answers
# about one image (not a Cog model, not found); then a bad argument.
SEVERITY: tuple[int, ...] = (
    EXIT_INTERNAL,
    EXIT_INTEGRITY,
    EXIT_BACKEND,
    EXIT_AUTH,
    EXIT_NOT_COG,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    EXIT_OK,
)


def worst(codes: Iterable[int]) -> int:
    """The most severe of ``codes`` by :data:`SEVERITY` (``0`` for none)."""
    return min(codes, key=SEVERITY.index, default=EXIT_OK)


def main(
    argv: Sequence[str] | None = None,
    *,
    context: Context | None = None,
    container: Container | None = None,
) -> int:
    """Run ``cogmodel`` with ``argv`` (default ``sys.argv[1:]``) and return the exit code.

    Args:
        argv: the arguments, without the program name.
        context: the world to run in (tests); default: this process's environment and streams.
        container: a ready composition root (tests: ``create_container({"backend": "memory"})``).
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    stderr = context.stderr if context is not None else sys.stderr
    debug = "--debug" in args_list[: _command_words_index(args_list)]
    try:
        args = parse_command_line(args_list)
        debug = args.debug
        if args.version:
            return _print_version(context)
        if args.command is None:  # argparse's help ignores a closed stdout; so does this
            out = context.stdout if context is not None else sys.stdout
            build_parser().print_help(out)
            return EXIT_OK
        ctx = context or _default_context(args, container)
        if context is not None and args.registry:
            ctx.replicate_host = args.registry
        return _dispatch(ctx, args)
    except SystemExit as exc:  # argparse's --help, or a command asking to stop
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or EXIT_OK
        return report(exc, stderr, debug=debug)  # sys.exit("message"): a failure, exit 1
    except BaseException as exc:
        code = report(exc, stderr, debug=debug)
        if code == EXIT_OUTPUT_CLOSED and context is None:
            _silence_stdout()
        return code


def _dispatch(ctx: Context, args: argparse.Namespace) -> int:
    module = importlib.import_module(f"adapters.cli.commands.{_COMMANDS[args.command]}")
    run: Callable[[Context, argparse.Namespace], int] = module.run
    if args.command == "ref":  # no backend, nothing logged: keep its start-up fast
        return run(ctx, args)
    from adapters.cli.logged_warnings import warnings_shown

    with sigterm_as_interrupt(), warnings_shown(ctx.stderr):
        return run(ctx, args)


def _default_context(args: argparse.Namespace, container: Container | None) -> Context:
    from adapters.cli.context import default_context

    return default_context(replicate_host=args.registry, container=container)


def _print_version(context: Context | None) -> int:
    from importlib import metadata

    try:
        version = metadata.version("cogmodel")
    except metadata.PackageNotFoundError:
        version = "unknown"
    from domain.options import DEFAULT_COG_VERSION

    out = context.stdout if context is not None else sys.stdout
    try:
        out.write(f"cogmodel {version} (builds install the Cog runtime {DEFAULT_COG_VERSION})\n")
        out.flush()
    except BrokenPipeError as exc:
        from adapters.cli.context import OutputClosedError

        raise OutputClosedError("stdout was closed") from exc
    return EXIT_OK


def report(exc: BaseException, stderr: TextIO, *, debug: bool, subject: str | None = None) -> int:
    """Write the ``error: …`` line for ``exc`` (``error: SUBJECT: …`` when a batch names the
    image it is about), with causes under ``--debug``; return its exit code."""
    code = exit_code_for(exc)
    from domain.safe_text import shown  # every line written here quotes outside text

    def write(text: str, *, lines: bool = False) -> None:
        stderr.write(shown(text, keep_newlines=lines) + "\n")

    about = f"{subject}: " if subject is not None else ""
    if code == EXIT_OUTPUT_CLOSED:
        return code  # the reader has what it wanted; there is no one to tell
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        write("error: interrupted" if code == EXIT_INTERRUPTED else "error: terminated")
        return code
    if code == EXIT_INTERNAL:
        hint = "" if debug else " (an internal error; --debug shows the traceback)"
        write(f"error: {about}{type(exc).__name__}: {_one_line(exc)}{hint}")
    else:
        from adapters.cli.messages import describe

        write(f"error: {about}{describe(exc)}")
    if debug:
        cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        while cause is not None:
            kind = f"{type(cause).__module__}.{type(cause).__qualname__}"
            write(f"  caused by: {kind}: {_one_line(cause)}")
            cause = cause.__cause__ or (None if cause.__suppress_context__ else cause.__context__)
        if code == EXIT_INTERNAL:
            import traceback

            write("".join(traceback.format_exception(exc)).rstrip("\n"), lines=True)
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush meets no broken pipe."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _command_words_index(args: list[str]) -> int:
    """Where words stop being cogmodel's: after ``--``, or at the command ``exec`` runs (so
    ``exec CMD --debug`` passes ``--debug`` on to CMD).

    Only used when parsing fails, to decide whether ``--debug`` was asked for.
    """
    if "--" in args:
        args = args[: args.index("--")]
    if "exec" not in args:
        return len(args)
    words = [i for i, arg in enumerate(args) if not arg.startswith("-")]
    after_exec = [i for i in words if i > args.index("exec")]
    return after_exec[0] if after_exec else len(args)


if __name__ == "__main__":
    sys.exit(main())

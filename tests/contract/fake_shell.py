"""A tiny stand-in for ``sh -c`` so the in-memory runner can play a busybox image.

It understands what ContainerRunnerContract runs: ``echo`` (with ``$VAR`` expansion from the
spec's environment, and ``>&2`` to write to stderr), ``cat`` (stdin, for attached containers),
``exit N``, and ignores everything else (``sleep``, ``mkdir``, ``httpd``).
"""

from __future__ import annotations

import re
import shlex

from application.ports.container_runner import ContainerSpec, RunResult

_VAR = re.compile(r"\$(\w+)")


def fake_shell(spec: ContainerSpec) -> RunResult:
    """Run ``spec.command`` (``sh -c SCRIPT``) the way a shell would, for the supported words."""
    return fake_interactive_shell(spec, b"")


def fake_interactive_shell(spec: ContainerSpec, stdin: bytes) -> RunResult:
    """:func:`fake_shell` with ``stdin`` for ``cat``."""
    command = spec.command or ()
    if command[:2] != ("sh", "-c") or len(command) != 3:
        return RunResult(exit_code=127, stdout="", stderr=f"unsupported command {command}\n")
    out: list[str] = []
    err: list[str] = []
    for part in re.split(r"\s*(?:;|&&)\s*", command[2]):
        words = shlex.split(_VAR.sub(lambda m: spec.env.get(m.group(1), ""), part))
        if not words:
            continue
        target = out
        if words[-1] == ">&2":
            words, target = words[:-1], err
        if words[0] == "echo":
            target.append(" ".join(words[1:]) + "\n")
        elif words[0] == "cat":
            target.append(stdin.decode())
            stdin = b""
        elif words[0] == "exit":
            return RunResult(exit_code=int(words[1]), stdout="".join(out), stderr="".join(err))
    return RunResult(exit_code=0, stdout="".join(out), stderr="".join(err))

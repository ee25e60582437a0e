"""A tiny stand-in for ``sh -c`` so the in-memory runner can play a busybox image.

It understands what ContainerRunnerContract runs: ``echo`` (with ``$VAR`` expansion from the
spec's environment), ``exit N``, and ignores everything else (``sleep``, ``mkdir``, ``httpd``).
"""

from __future__ import annotations

import re
import shlex

from application.ports.container_runner import ContainerSpec, RunResult

_VAR = re.compile(r"\$(\w+)")


def fake_shell(spec: ContainerSpec) -> RunResult:
    """Run ``spec.command`` (``sh -c SCRIPT``) the way a shell would, for the supported words."""
    command = spec.command or ()
    if command[:2] != ("sh", "-c") or len(command) != 3:
        return RunResult(exit_code=127, stdout="", stderr=f"unsupported command {command}\n")
    out: list[str] = []
    for part in re.split(r"\s*(?:;|&&)\s*", command[2]):
        words = shlex.split(_VAR.sub(lambda m: spec.env.get(m.group(1), ""), part))
        if not words:
            continue
        if words[0] == "echo":
            out.append(" ".join(words[1:]) + "\n")
        elif words[0] == "exit":
            return RunResult(exit_code=int(words[1]), stdout="".join(out), stderr="")
    return RunResult(exit_code=0, stdout="".join(out), stderr="")

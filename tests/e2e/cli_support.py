"""Running the real ``cogmodel`` command in a subprocess, as a user would.

The command is the console script installed beside this Python (``$COGMODEL_CLI`` overrides it,
e.g. to try a development wiring). Each run gets an isolated environment: a fresh Docker config
directory (no credentials unless a test writes some) and cache directory, plus whatever the
test adds.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[2]
EXAMPLES: Final = ROOT / "examples"
PREFIX: Final = "cogmodel-e2e-cli"


def command() -> list[str]:
    """How to start ``cogmodel``."""
    override = os.environ.get("COGMODEL_CLI")
    if override:
        return shlex.split(override)
    return [str(Path(sys.executable).with_name("cogmodel"))]


@dataclass
class Result:
    """One finished ``cogmodel`` run."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def one_error_line(self) -> bool:
        """The contract for a failure: exactly one line, ``error: …``, and no traceback."""
        lines = self.err.splitlines()
        return (
            len(lines) >= 1
            and lines[-1].startswith("error: ")
            and sum(line.startswith("error: ") for line in lines) == 1
            and "Traceback" not in self.err
        )


@dataclass
class Cogmodel:
    """Runs ``cogmodel`` with an isolated Docker config and cache."""

    home: Path
    env: dict[str, str]

    @classmethod
    def isolated(cls, home: Path, **env: str) -> Cogmodel:
        (home / "docker").mkdir(parents=True, exist_ok=True)
        (home / "cache").mkdir(exist_ok=True)
        base = {
            key: value
            for key, value in os.environ.items()
            if key in ("PATH", "HOME", "LANG", "DOCKER_HOST", "COGMODEL_CLI", "TMPDIR")
        }
        base |= {
            "DOCKER_CONFIG": str(home / "docker"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache/pip")),
            **env,
        }
        return cls(home=home, env=base)

    def __call__(
        self,
        *argv: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 120,
        stdin: str | None = None,
    ) -> Result:
        result = subprocess.run(
            [*command(), *argv],
            env={**self.env, **(env or {})},
            cwd=cwd or self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            input=stdin,
        )
        return Result(code=result.returncode, out=result.stdout, err=result.stderr)

    def popen(self, *argv: str, cwd: Path | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*command(), *argv],
            env=self.env,
            cwd=cwd or self.home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def write_docker_login(self, registry: str, username: str, password: str) -> None:
        """A ``docker login`` for ``registry`` in this run's Docker config."""
        import base64

        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        config = {"auths": {registry: {"auth": token}}}
        (self.home / "docker" / "config.json").write_text(json.dumps(config))

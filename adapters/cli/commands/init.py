"""``cogmodel init``: set up the current directory as a Cog project (Cog's ``cog init``).

Writes the files of :mod:`adapters.cli.init_templates` that do not exist yet, each whole or not
at all (a temporary file renamed into place), and says what it did in Cog's words: ``Creating
cog.yaml``, ``Skipped existing run.py``. A file that cannot be written stops it with exit 2,
naming the path.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from adapters.cli.context import Context
from adapters.cli.init_templates import FILES
from domain.errors import InvalidInputError

NEXT_STEPS = "Done! For next steps, check out the docs at https://cog.run/getting-started"


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Write the template files that are missing.

    Raises:
        InvalidInputError: a file could not be written (exit 2).
    """
    ctx.note("Setting up the current directory for use with Cog...")
    for name, content in FILES.items():
        path = ctx.cwd / name
        if path.exists() or path.is_symlink():
            ctx.note(f"Skipped existing {name}")
            continue
        ctx.note(f"Creating {name}")
        _write_new(path, content)
    ctx.note(NEXT_STEPS)
    return 0


def _write_new(path: Path, content: str) -> None:
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(content)
            os.chmod(temporary, 0o644)
            os.link(temporary, path)  # fails if the file appeared meanwhile: never overwrite
        finally:
            os.unlink(temporary)
    except OSError as exc:
        raise InvalidInputError(
            f"cannot write {path}: {exc.strerror or exc}", reason="unwritable file"
        ) from exc

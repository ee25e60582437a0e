"""A project to build: its parsed cog.yaml and the directory it lives in.

Finding and reading cog.yaml is I/O and lives in the adapters (``adapters/filesystem.py``);
``Source`` is the plain value they produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.cogyaml.models import CogConfig


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """A Cog project.

    Attributes:
        config: the parsed, validated and completed cog.yaml.
        project_dir: the project's root directory (the build context).
        config_filename: the config file's path relative to ``project_dir``. Default
            ``cog.yaml``; another name makes the build copy it to ``/src/cog.yaml``.
        requirements: the requirement lines read from ``build.python_requirements`` (or
            ``build.python_packages``), in order, as Cog holds them in memory.
    """

    config: CogConfig | None
    project_dir: PurePath
    config_filename: str = "cog.yaml"
    requirements: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: CogConfig | None, project_dir: PurePath | str) -> Source:
        """A source from an already parsed config (Cog's ``NewSourceFromConfig``)."""
        return cls(config=config, project_dir=PurePath(project_dir))

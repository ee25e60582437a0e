"""The files ``cogmodel init`` writes: a project on Cog's current API that builds and runs as is.

Cog HEAD's ``cog init`` writes ``cog.yaml``, ``run.py`` (a ``BaseRunner`` named in cog.yaml's
``run:``), ``requirements.txt`` and ``.dockerignore``; so does this, in its own words. The runner
here returns a value (Cog's template returns nothing from a ``-> Path`` method, which fails when
run), so ``init``, ``build`` and ``run -i text=…`` work on a fresh directory. The
``.dockerignore`` also leaves out ``.cog`` (the build writes its own copy of the schema).
"""

from __future__ import annotations

from typing import Final

COG_YAML: Final = """\
# Configuration for Cog: https://cog.run/yaml

build:
  # true if the model needs a GPU
  gpu: false

  # Debian packages to install
  # system_packages:
  #   - "libgl1"
  #   - "libglib2.0-0"

  # the Python version, as "3.13" or "3.13.1"
  python_version: "3.13"

  # the Python packages, one per line as pip takes them
  python_requirements: requirements.txt

  # commands run once the environment is set up
  # run:
  #   - "echo the environment is ready"

# how the model runs: run.py's Runner class
run: "run.py:Runner"
"""

RUN_PY: Final = '''\
# The model's interface for Cog: https://cog.run/python

from cog import BaseRunner, Input


class Runner(BaseRunner):
    def setup(self) -> None:
        """Load the model into memory once, so that every run is fast."""
        # self.model = torch.load("./weights.pth")

    def run(
        self,
        text: str = Input(description="Text to work on"),
        repeat: int = Input(description="How many times to repeat it", ge=1, le=10, default=1),
    ) -> str:
        """Run the model on one input."""
        # return self.model(text)
        return " ".join([text] * repeat)
'''

REQUIREMENTS_TXT: Final = """\
# The model's Python packages, as pip takes them, for example:
#
# numpy==2.2.1
# torch==2.6.0
#
# A Git repository works too (add "git" to build.system_packages in cog.yaml):
#
# git+https://github.com/huggingface/transformers@v4.48.0
"""

DOCKERIGNORE: Final = """\
# Files the image build does not need: https://docs.docker.com/build/concepts/context/#dockerignore-files

# Git
**/.git
**/.github
**/.gitignore

# Python caches and tools
**/__pycache__
.mypy_cache
.pytest_cache
.ruff_cache
.python-version

# virtual environments
/venv
/.venv

# Cog's working directory (the build adds what it needs from it)
.cog
"""

FILES: Final = {
    ".dockerignore": DOCKERIGNORE,
    "cog.yaml": COG_YAML,
    "requirements.txt": REQUIREMENTS_TXT,
    "run.py": RUN_PY,
}

"""Real components for the tests: a Docker Engine, Distribution registries, base images.

Each fixture module skips its tests with a reason when its component cannot be had, so plain
``pytest`` passes on a machine without Docker. CI (``tests/run.sh``) sets
``COGMODEL_REQUIRE_REAL=1``, which turns every such skip into a failure.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(reason: str) -> NoReturn:
    """Skip the current test because a real component is missing (fail under CI)."""
    if os.environ.get("COGMODEL_REQUIRE_REAL") == "1":
        pytest.fail(f"required real component unavailable: {reason}", pytrace=False)
    pytest.skip(reason)

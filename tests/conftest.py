"""Shared test configuration.

Fixtures that need real components live in ``tests/infra/`` and are loaded as plugins here:
``engine`` (a real Docker Engine, started if not running), ``registry`` (real CNCF Distribution
registries on loopback) and ``images`` (locally made base images). Each skips with a reason
when its component cannot be had, so plain ``pytest`` passes on a machine without them; CI
sets ``COGMODEL_REQUIRE_REAL=1`` to turn those skips into failures.
"""

from __future__ import annotations

pytest_plugins = ["tests.infra.engine", "tests.infra.registry", "tests.infra.images"]

"""Shared test configuration.

Fixtures that need real components live in ``tests/infra/`` and are loaded as plugins here:
``engine`` (a real Docker Engine, started if not running), ``registry`` (real CNCF Distribution
registries on loopback, plain and TLS), ``images`` (locally made base images) and ``podman``
(Podman's Docker-compatible API, the second engine). Each skips with a reason
when its component cannot be had, so plain ``pytest`` passes on a machine without them; CI
sets ``COGMODEL_REQUIRE_REAL=1`` to turn those skips into failures.
"""

from __future__ import annotations

pytest_plugins = [
    "tests.infra.engine",
    "tests.infra.registry",
    "tests.infra.images",
    "tests.infra.podman",
]

"""Shared test configuration.

Fixtures that need real components live in ``tests/infra/`` and are loaded as plugins here:
``engine`` (a real Docker Engine, started if not running), ``registry`` (real CNCF Distribution
registries on loopback, plain and TLS), ``images`` (locally made base images) and ``podman``
(Podman's Docker-compatible API, the second engine). Each skips with a reason
when its component cannot be had, so plain ``pytest`` passes on a machine without them; CI
sets ``COGMODEL_REQUIRE_REAL=1`` to turn those skips into failures.
"""

from __future__ import annotations

import signal

pytest_plugins = [
    "tests.infra.engine",
    "tests.infra.registry",
    "tests.infra.images",
    "tests.infra.podman",
]


def pytest_configure() -> None:
    """Ctrl-C tests need Ctrl-C: restore Python's SIGINT handler if the suite inherited SIG_IGN.

    A shell without job control starts background commands (``bash tests/run.sh &``, ``nohup``)
    with SIGINT ignored, and Python then installs no KeyboardInterrupt handler, in this process
    or in the ``cogmodel`` processes the tests start. That is right for cogmodel (a background
    job should not die of the terminal's Ctrl-C), but it is not the situation the interrupt
    tests describe. A Python handler here also gives child processes SIGINT's default back (an
    exec resets handled signals to their default; it keeps ignored ones ignored).
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)

"""Cog's health statuses, and what each means to someone waiting for a model to be ready.

Cog's runtime (coglet, ``crates/coglet/src/health.rs``) answers ``GET /health-check`` with
``{"status": …}``: ``UNKNOWN`` just after it started, ``STARTING`` while ``setup()`` runs,
``READY``, ``BUSY`` (every prediction slot taken), ``SETUP_FAILED``, ``DEFUNCT`` (an
unrecoverable error), and ``UNHEALTHY`` (the model's own health check failed; transient).
"""

from __future__ import annotations

from enum import Enum


class HealthStatus(Enum):
    """A ``/health-check`` status."""

    UNKNOWN = "UNKNOWN"
    STARTING = "STARTING"
    READY = "READY"
    BUSY = "BUSY"
    SETUP_FAILED = "SETUP_FAILED"
    DEFUNCT = "DEFUNCT"
    UNHEALTHY = "UNHEALTHY"

    @property
    def is_ready(self) -> bool:
        """The model can take a prediction (``BUSY``: it has one already, the next queues)."""
        return self in (HealthStatus.READY, HealthStatus.BUSY)

    @property
    def has_failed(self) -> bool:
        """The model will never be ready: setup failed, or the runtime is defunct."""
        return self in (HealthStatus.SETUP_FAILED, HealthStatus.DEFUNCT)

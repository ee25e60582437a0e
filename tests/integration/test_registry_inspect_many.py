"""Resolver.inspect_many through the composition root, against real Distribution registries.

What a batch must cost: every image read (manifest + config blob, nothing more), one pool of
kept-alive connections per registry (no more connections than the pool holds), and one auth
challenge per registry, not one per image.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.container import create_container
from application.resolver import Preference
from domain.errors import ImageNotFoundError
from domain.model import Model
from tests.infra.registry import DistributionRegistry
from tests.integration.test_registry_backend import _connections_to

pytestmark = [pytest.mark.registry, pytest.mark.timeout(180)]

DEAD_ENGINE = {"docker": {"host": "unix:///nonexistent/cogmodel-test.sock"}}


def test_a_batch_reads_each_image_once_in_input_order_over_one_pool(
    registry: DistributionRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))  # no credentials of the machine's
    pushed = [registry.push_image({"run.cog.config": "{}", "n": str(i)}) for i in range(24)]
    missing = registry.ref(registry.new_repository(), "nothing")
    refs = [image.ref for image in pushed[:12]] + [missing] + [image.ref for image in pushed[12:]]
    port = int(registry.host.rsplit(":", 1)[1])
    before = _connections_to(port)
    mark = registry.log_mark()
    resolver = create_container(DEAD_ENGINE).resolver()
    results = list(resolver.inspect_many(refs, prefer=Preference.REMOTE_ONLY))
    seen = registry.requests_since(mark)
    assert [r.image.labels["n"] for r in results if isinstance(r, Model)] == [
        str(i) for i in range(24)
    ]
    assert isinstance(results[12], ImageNotFoundError)
    assert len(seen) == 2 * 24 + 1  # a manifest and a config blob each; one 404
    # The workers shared one adapter: its one pool keeps at most 8 connections.
    assert 1 <= _connections_to(port) - before <= 8


def test_a_batch_meets_one_auth_challenge_per_registry(
    auth_registry: DistributionRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pushed = [auth_registry.push_image({"run.cog.config": "{}", "n": str(i)}) for i in range(16)]
    monkeypatch.setenv("DOCKER_CONFIG", str(auth_registry.write_docker_config(tmp_path).parent))
    mark = auth_registry.log_mark()
    resolver = create_container(DEAD_ENGINE).resolver()
    results = list(
        resolver.inspect_many([image.ref for image in pushed], prefer=Preference.REMOTE_ONLY)
    )
    statuses = [entry.status for entry in auth_registry.requests_since(mark)]
    assert all(isinstance(result, Model) for result in results)
    assert statuses.count(401) == 1
    assert statuses.count(200) == 2 * len(pushed)

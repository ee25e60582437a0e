"""OrasRemoteImages without a registry: it connects to nothing when imported or built, it is a
context manager, and its options and small helpers behave."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from adapters.registry import OrasRemoteImages, RegistryOptions
from adapters.registry.session import Deadline
from adapters.registry.transport import _parse_retry_after
from domain.errors import BackendUnavailableError, InvalidInputError, InvalidReferenceError
from domain.reference import parse_ref

_NO_NETWORK_PROGRAM = """
import socket, sys
def refuse(*args, **kwargs):
    raise SystemExit("network used")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from adapters.registry import OrasRemoteImages, RegistryOptions
from pathlib import Path
missing = Path(sys.argv[1])
options = RegistryOptions(disk_cache=True, cache_dir=missing, docker_config=missing / "c.json")
with OrasRemoteImages(options=options) as remote:
    pass
assert not missing.exists(), "a file was created"
print("quiet")
"""


def test_importing_and_building_the_adapter_touches_no_network_and_no_file(tmp_path: Path) -> None:
    # A fresh interpreter, so the import itself is observed.
    done = subprocess.run(
        [sys.executable, "-c", _NO_NETWORK_PROGRAM, str(tmp_path / "never-created")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "quiet"


def test_the_adapter_can_be_closed_twice() -> None:
    remote = OrasRemoteImages()
    remote.close()
    remote.close()


@pytest.mark.parametrize(
    "field", ["connect_timeout", "read_timeout", "deadline", "max_retry_wait", "max_manifest_bytes"]
)
def test_options_refuse_bounds_that_would_mean_no_bound(field: str) -> None:
    with pytest.raises(InvalidInputError):
        RegistryOptions(**{field: 0})  # type: ignore[arg-type]


def test_insecure_registries_are_a_frozenset() -> None:
    options = RegistryOptions(insecure_registries={"r.io:5000"})  # type: ignore[arg-type]
    assert options.insecure_registries == frozenset({"r.io:5000"})


def test_a_spent_deadline_is_backend_unavailable() -> None:
    deadline = Deadline(0.01, "thing")
    time.sleep(0.02)
    with pytest.raises(BackendUnavailableError):
        deadline.remaining()


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), ("0", 0.0), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_is_seconds_or_a_date(header: str, seconds: float | None) -> None:
    assert _parse_retry_after(header) == seconds


@pytest.mark.parametrize("registry", ["127.0.0.1:99999", "localhost:65536", "[::1]:100000"])
def test_a_registry_port_past_65535_is_an_invalid_reference_not_a_value_error(
    registry: str,
) -> None:
    remote = OrasRemoteImages()
    ref = parse_ref(f"{registry}/acme/model:1")
    for call in (remote.inspect, remote.exists):
        with pytest.raises(InvalidReferenceError) as info:
            call(ref)
        assert "out of range (0-65535)" in str(info.value)
    remote.close()

"""Decision 0047: an insecure-eligible registry is first asked, with a handshake that loads no CA
and carries no data, whether it speaks TLS; only one that does pays for the CA-loaded context.

Real components only: Distribution registries on 127.0.0.1 (plain HTTP, and HTTPS under a CA
made by openssl during the run) and raw loopback listeners that misbehave. What the tests
observe is real: how often the adapter builds a registry's CA-loaded context
(``trust.tls_context``) and a probe context (``trust.probe_context``), counted by wrappers that
call the real functions, and the connections a listener accepts. "As today" is checked against
the same adapter with the probe turned off (``RegistryClient._probe_first`` answering no), which
is exactly the code path before decision 0047.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from adapters.composition import configuration, registry_resolver
from adapters.registry import DockerCredentials, OrasRemoteImages, RegistryOptions
from adapters.registry import session as session_module
from adapters.registry import trust as trust_module
from adapters.registry.transport import RegistryClient
from application.resolver import Preference
from domain.errors import BackendUnavailableError, CogModelError
from domain.model import Model
from domain.reference import ParsedRef, parse_ref
from tests.infra.registry import DistributionRegistry
from tests.infra.tls import TestCA

pytestmark = [pytest.mark.registry, pytest.mark.timeout(120)]

_TRUST_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
FAST = RegistryOptions(connect_timeout=2, read_timeout=2, deadline=10)


@dataclasses.dataclass
class Built:
    """How many contexts the adapter built: CA-loaded ones and CA-less probe ones."""

    with_cas: int = 0
    probes: int = 0


@pytest.fixture(autouse=True)
def _plain_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _TRUST_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Built:
    """Count the real context builds (each wrapper calls the real function)."""
    counts = Built()
    real_tls, real_probe = trust_module.tls_context, trust_module.probe_context

    def tls_context(sources: trust_module.TrustSources) -> ssl.SSLContext:
        counts.with_cas += 1
        return real_tls(sources)

    def probe_context() -> ssl.SSLContext:
        counts.probes += 1
        return real_probe()

    monkeypatch.setattr(trust_module, "tls_context", tls_context)
    monkeypatch.setattr(session_module, "probe_context", probe_context)
    return counts


def without_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The path before decision 0047: every first HTTPS request builds the CA-loaded context."""
    monkeypatch.setattr(RegistryClient, "_probe_first", lambda self, url, scheme: False)


def adapter(tmp_path: Path, **options: object) -> OrasRemoteImages:
    config = tmp_path / "docker-config.json"
    config.write_text(json.dumps({"auths": {}}))
    options.setdefault("certs_dir", tmp_path / "no-certs.d")
    return OrasRemoteImages(
        options=dataclasses.replace(FAST, **options),  # type: ignore[arg-type]
        credentials=DockerCredentials(config),
    )


def outcome(remote: OrasRemoteImages, ref: ParsedRef) -> tuple[str, str]:
    """What an inspect came to: the labels, or the error's type and message."""
    try:
        return "labels", json.dumps(remote.inspect(ref).labels)
    except CogModelError as exc:
        return type(exc).__name__, str(exc)


# --------------------------------------------------------------------------- plain HTTP


def test_a_plain_http_registry_on_loopback_never_loads_a_ca(
    registry: DistributionRegistry,
    tmp_path: Path,
    built: Built,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = registry.push_image({"n": "1"}), registry.push_image({"n": "2"})
    with adapter(tmp_path) as remote:
        mark = registry.log_mark()
        assert remote.inspect(first.ref).labels == {"n": "1"}
        assert remote.inspect(second.ref).labels == {"n": "2"}
        assert remote.scheme(registry.host) == "http"
        with_probe = [(e.method, e.status) for e in registry.requests_since(mark)]
    assert (built.with_cas, built.probes) == (0, 1)

    without_probe(monkeypatch)  # today: the same answers and requests, one CA-loaded context
    with adapter(tmp_path) as remote:
        mark = registry.log_mark()
        assert remote.inspect(first.ref).labels == {"n": "1"}
        assert remote.inspect(second.ref).labels == {"n": "2"}
        assert remote.scheme(registry.host) == "http"
        assert [(e.method, e.status) for e in registry.requests_since(mark)] == with_probe
    assert (built.with_cas, built.probes) == (1, 1)


def test_a_batch_through_the_command_path_probes_once_and_loads_no_ca(
    registry: DistributionRegistry,
    tmp_path: Path,
    built: Built,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))  # no credentials of the machine's
    pushed = [registry.push_image({"run.cog.config": "{}", "n": str(i)}) for i in range(6)]
    resolver = registry_resolver(configuration({}))  # what `inspect --remote` composes
    results = list(
        resolver.inspect_many([image.ref for image in pushed], prefer=Preference.REMOTE_ONLY)
    )
    assert [r.image.labels["n"] for r in results if isinstance(r, Model)] == [
        str(i) for i in range(6)
    ]
    assert (built.with_cas, built.probes) == (0, 1)


def test_a_registry_that_is_not_insecure_eligible_is_never_probed(
    registry: DistributionRegistry, tmp_path: Path, built: Built
) -> None:
    image = registry.push_image({"k": "v"})
    https_only = dataclasses.replace(image.ref, scheme="https")  # as for a non-local name
    with adapter(tmp_path) as remote, pytest.raises(BackendUnavailableError):
        remote.inspect(https_only)
    assert (built.with_cas, built.probes) == (1, 0)


# --------------------------------------------------------------------------- TLS


def test_a_tls_registry_with_its_ca_is_verified_with_it(
    tls_registry: DistributionRegistry, tls_ca: TestCA, tmp_path: Path, built: Built
) -> None:
    pushed = tls_registry.push_image({"k": "tls"})
    assert pushed.ref.scheme == "http"  # insecure-eligible: it is probed
    with adapter(tmp_path, ca_bundle=str(tls_ca.cert)) as remote:
        assert remote.inspect(pushed.ref).labels == {"k": "tls"}
        assert remote.scheme(tls_registry.host) == "https"
    assert (built.with_cas, built.probes) == (1, 1)


def test_a_tls_registry_without_its_ca_fails_as_before(
    tls_registry: DistributionRegistry,
    tmp_path: Path,
    built: Built,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pushed = tls_registry.push_image({"k": "v"})
    with adapter(tmp_path) as remote:
        now = outcome(remote, pushed.ref)
        assert remote.scheme(tls_registry.host) == "https"  # no downgrade
        assert outcome(remote, pushed.ref) == now  # asked once per registry, not per inspect
    # The refusal came from the CA-loaded context (the probe only learnt "TLS").
    assert (built.with_cas, built.probes) == (1, 1)
    assert now[0] == "BackendUnavailableError"
    assert "is not trusted" in now[1]
    without_probe(monkeypatch)
    with adapter(tmp_path) as remote:
        assert outcome(remote, pushed.ref) == now
        assert remote.scheme(tls_registry.host) == "https"


# --------------------------------------------------------------------------- misbehaving listeners


@contextmanager
def listener(answer: Callable[[socket.socket], None]) -> Iterator[tuple[str, list[int]]]:
    """A loopback TCP listener that hands each accepted connection to ``answer``; yields its
    ``host:port`` and the count of connections accepted so far (a one-item list)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    accepted = [0]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            accepted[0] += 1
            with connection:
                answer(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.getsockname()[1]}", accepted
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


def close_at_once(connection: socket.socket) -> None:
    del connection  # closed by the listener as soon as this returns


def garbage(connection: socket.socket) -> None:
    connection.settimeout(1)
    try:
        connection.recv(4096)  # a TLS hello or an HTTP request: either way, garbage back
        connection.sendall(b"\x00\xffnot a protocol at all\r\n\r\n" * 4)
    except OSError:
        pass


@pytest.mark.parametrize("answer", [close_at_once, garbage], ids=["closes", "garbage"])
def test_a_listener_that_closes_or_sends_garbage_behaves_as_before(
    answer: Callable[[socket.socket], None],
    tmp_path: Path,
    built: Built,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with listener(answer) as (host, accepted):
        ref = parse_ref(f"{host}/some/image:1")
        with adapter(tmp_path) as remote:
            now = outcome(remote, ref)
            scheme = remote.scheme(host)
        connections = accepted[0]
        assert (built.with_cas, built.probes) == (0, 1)  # not TLS: no CA loaded
        without_probe(monkeypatch)
        with adapter(tmp_path) as remote:
            assert outcome(remote, ref) == now
            assert remote.scheme(host) == scheme == "http"  # fell back, as before
        assert accepted[0] - connections == connections == 2  # HTTPS (or probe), then HTTP
    assert now[0] == "BackendUnavailableError"
    assert built.with_cas == 1  # only the path without the probe loaded one

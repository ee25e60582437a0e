"""Real CNCF Distribution registries on loopback, and synthetic images pushed into them.

Fixtures (session-scoped, started once per test session, stopped by PID at the end):

``registry``
    A :class:`DistributionRegistry` without authentication.
``auth_registry``
    The same with htpasswd Basic auth; its ``username``/``password`` are accepted.
``tls_registry``
    The same without auth, serving only HTTPS with a certificate for ``127.0.0.1`` and
    ``localhost`` signed by a CA made with openssl for the session (``tls_ca``, a
    :class:`~tests.infra.tls.TestCA`, trusted nowhere unless a test puts it somewhere).
``mtls_registry``
    HTTPS that also demands a client certificate signed by ``tls_ca``
    (``tls_client``: a :class:`~tests.infra.tls.Leaf` for it).

Both run ``/usr/bin/docker-registry serve CONFIG.yml`` (Debian's CNCF Distribution 2.8; override
the binary with ``COGMODEL_REGISTRY_BIN``) on ``127.0.0.1`` with an ephemeral port and storage in
a temporary directory. When the binary (or ``htpasswd`` for ``auth_registry``) is missing, the
tests that use them call :func:`tests.infra.unavailable` (skip locally, fail in CI).

The public face of a :class:`DistributionRegistry`:

- ``host`` (``"127.0.0.1:PORT"``), ``url`` (``"http://127.0.0.1:PORT"``, or ``https://``),
  ``username`` and ``password`` (``None`` without auth);
- ``ref(repository, tag)`` → a :class:`~domain.reference.ParsedRef` in this registry;
  ``new_repository()`` → a fresh, unique repository name;
- the content builders of :mod:`tests.infra.oci_content` are re-exported from here;
- ``push_image(labels, platform=..., media_type=OCI_MANIFEST | DOCKER_MANIFEST)`` → a
  :class:`PushedImage`: a real, pullable one-layer image pushed through the registry HTTP API
  (blobs, then the manifest), tagged unless ``tag=None``;
- ``push_index([(platform, labels), ...], media_type=OCI_INDEX | DOCKER_MANIFEST_LIST)`` → a
  :class:`PushedIndex` (the children are pushed by digest, then the index under a tag);
- ``push_blob(repository, data)`` / ``push_manifest(repository, reference, body, media_type)``
  for hand-made content;
- ``write_docker_config(directory)`` → ``directory/config.json`` holding this registry's
  credentials (point ``DOCKER_CONFIG`` at ``directory``); :func:`docker_auth_entry` makes one
  ``auths`` entry by hand;
- ``access_log()`` → every request the registry served, as :class:`AccessLogEntry` (method,
  path, status, user agent); ``log_mark()`` + ``requests_since(mark)`` count the requests a
  piece of code made. The log is read after it settles, so counts are exact.

``docker push 127.0.0.1:PORT/name:tag`` also works against ``registry`` (loopback registries are
insecure-allowed by the engine). Outside pytest (benchmarks), use :class:`DistributionRegistry`
as a context manager.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import pytest
import requests

from domain.digest import Digest
from domain.platform import Platform
from domain.reference import ParsedRef, parse_ref
from tests.infra import unavailable
from tests.infra.oci_content import (
    AMD64,
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    OCI_INDEX,
    OCI_MANIFEST,
    descriptor,
    image_config,
    image_index,
    image_manifest,
    layer_tar_gz,
)
from tests.infra.tls import Leaf, TestCA, make_ca

# The content builders are re-exported: tests import them from here.
__all__ = [
    "AMD64",
    "DOCKER_MANIFEST",
    "DOCKER_MANIFEST_LIST",
    "OCI_INDEX",
    "OCI_MANIFEST",
    "AccessLogEntry",
    "DistributionRegistry",
    "PushedImage",
    "PushedIndex",
    "auth_registry",
    "descriptor",
    "docker_auth_entry",
    "image_config",
    "image_index",
    "image_manifest",
    "layer_tar_gz",
    "mtls_registry",
    "registry",
    "registry_binary",
    "replace_digest",
    "tls_ca",
    "tls_client",
    "tls_registry",
]

_ACCESS_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) \S+ "[^"]*" "(?P<ua>[^"]*)"'
)


# --------------------------------------------------------------------------- the registry


@dataclass(frozen=True, slots=True, kw_only=True)
class PushedImage:
    """A single-platform image in a test registry."""

    ref: ParsedRef  # by tag, or by digest when pushed without a tag
    repository: str
    manifest_digest: Digest
    config_digest: Digest  # = the image id
    media_type: str
    platform: Platform
    labels: Mapping[str, str]
    manifest: bytes = field(repr=False)
    config: bytes = field(repr=False)

    @property
    def digest_ref(self) -> ParsedRef:
        """The same image by manifest digest."""
        return replace_digest(self.ref, self.manifest_digest)


@dataclass(frozen=True, slots=True, kw_only=True)
class PushedIndex:
    """A multi-platform index (manifest list) in a test registry."""

    ref: ParsedRef
    repository: str
    digest: Digest
    media_type: str
    images: tuple[PushedImage, ...]

    @property
    def digest_ref(self) -> ParsedRef:
        """The same index by digest."""
        return replace_digest(self.ref, self.digest)


@dataclass(frozen=True, slots=True)
class AccessLogEntry:
    """One request as the registry's access log recorded it."""

    method: str
    path: str
    status: int
    user_agent: str


def docker_auth_entry(host: str, username: str, password: str) -> dict[str, dict[str, str]]:
    """The ``auths`` entry of a Docker config.json for ``host``."""
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {host: {"auth": encoded}}


def replace_digest(ref: ParsedRef, digest: Digest) -> ParsedRef:
    """``ref``'s repository at ``digest`` (no tag)."""
    return ParsedRef(
        registry=ref.registry, repository=ref.repository, digest=digest, scheme=ref.scheme
    )


class DistributionRegistry:
    """A ``docker-registry serve`` process on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        *,
        binary: str,
        username: str | None = None,
        password: str | None = None,
        tls: Leaf | None = None,
        ca: Path | None = None,
        client_cas: Path | None = None,
        client: Leaf | None = None,
    ) -> None:
        """``tls``: serve HTTPS with this certificate (``ca`` verifies it for the helpers
        here); ``client_cas``: demand client certificates signed by it (``client``: ours)."""
        self.root = root
        self.binary = binary
        self.username = username
        self.password = password
        self.tls = tls
        self._client_cas = client_cas
        self.scheme = "https" if tls is not None else "http"
        self.host = ""
        self.url = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._log_path = root / "registry.log"
        self._http = requests.Session()
        self._http.trust_env = False  # else REQUESTS_CA_BUNDLE would beat ``verify`` below
        self._http.headers["User-Agent"] = "cogmodel-test-infra"
        if ca is not None:
            self._http.verify = str(ca)
        if client is not None:
            self._http.cert = (str(client.cert), str(client.key))
        if username is not None and password is not None:
            self._http.auth = (username, password)

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start the process on a free port and wait until it answers.

        If starting fails or is interrupted (Ctrl-C), the process is stopped before the
        exception leaves: a ``with`` block that never began cannot stop it later.
        """
        for _ in range(3):  # a free port can be taken between probing and binding
            port = _free_port()
            config = self._write_config(port)
            with self._log_path.open("ab") as log:
                self._process = subprocess.Popen(
                    [self.binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT
                )
            self.host = f"127.0.0.1:{port}"
            self.url = f"{self.scheme}://{self.host}"
            try:
                ready = self._wait_ready()
            except BaseException:
                self.stop()
                raise
            if ready:
                return
            self.stop()
        raise RuntimeError(f"docker-registry did not start; see {self._log_path}")

    def stop(self) -> None:
        """Stop the process this object started (by its PID)."""
        process, self._process = self._process, None
        self._http.close()
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def _write_config(self, port: int) -> Path:
        storage = self.root / "storage"
        storage.mkdir(exist_ok=True)
        lines = [
            "version: 0.1",
            "log:",
            "  level: error",
            "  accesslog:",
            "    disabled: false",
            "storage:",
            "  cache:",  # as Debian's packaged config has it
            "    blobdescriptor: inmemory",
            "  filesystem:",
            f"    rootdirectory: {storage}",
            "  delete:",
            "    enabled: true",
            "http:",
            f"  addr: 127.0.0.1:{port}",
            f"  secret: {uuid.uuid4().hex}",
        ]
        if self.tls is not None:
            lines += ["  tls:", f"    certificate: {self.tls.cert}", f"    key: {self.tls.key}"]
            if self._client_cas is not None:
                lines += ["    clientcas:", f"      - {self._client_cas}"]
        if self.username is not None and self.password is not None:
            htpasswd = self.root / "htpasswd"
            htpasswd.write_text(_htpasswd_line(self.username, self.password))
            lines += ["auth:", "  htpasswd:", "    realm: cogmodel-tests", f"    path: {htpasswd}"]
        config = self.root / "config.yml"
        config.write_text("\n".join(lines) + "\n")
        return config

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                return False
            try:
                answer = self._http.get(f"{self.url}/v2/", timeout=1)
            except requests.RequestException:
                time.sleep(0.05)
                continue
            return answer.status_code in (200, 401)
        return False

    # ------------------------------------------------------------------ names

    def new_repository(self, prefix: str = "cogmodel-test") -> str:
        """A repository name nobody has used yet."""
        return f"{prefix}/{uuid.uuid4().hex[:12]}"

    def ref(self, repository: str, tag: str = "latest") -> ParsedRef:
        """``repository:tag`` in this registry."""
        return parse_ref(f"{self.host}/{repository}:{tag}")

    # ------------------------------------------------------------------ pushing

    def push_blob(self, repository: str, data: bytes) -> Digest:
        """Upload ``data`` as a blob (monolithic upload); return its digest."""
        digest = Digest.of(data)
        started = self._http.post(f"{self.url}/v2/{repository}/blobs/uploads/", timeout=30)
        _check(started, 202)
        location = requests.compat.urljoin(self.url, started.headers["Location"])
        sep = "&" if "?" in location else "?"
        done = self._http.put(
            f"{location}{sep}digest={digest}",
            data=data,
            headers={"Content-Type": "application/octet-stream"},
            timeout=30,
        )
        _check(done, 201)
        return digest

    def push_manifest(
        self, repository: str, reference: str, body: bytes, media_type: str
    ) -> Digest:
        """PUT ``body`` as a manifest under ``reference`` (a tag or its digest)."""
        answer = self._http.put(
            f"{self.url}/v2/{repository}/manifests/{reference}",
            data=body,
            headers={"Content-Type": media_type},
            timeout=30,
        )
        _check(answer, 201)
        return Digest.of(body)

    def push_image(
        self,
        labels: Mapping[str, str] | None = None,
        *,
        repository: str | None = None,
        tag: str | None = "latest",
        platform: Platform = AMD64,
        media_type: str = OCI_MANIFEST,
    ) -> PushedImage:
        """Push a one-layer image with ``labels``; tagged ``tag`` unless ``tag`` is None."""
        repository = repository or self.new_repository()
        layer, diff_id = layer_tar_gz(f"{uuid.uuid4()}\n".encode())
        config = image_config(labels or {}, platform, [diff_id])
        manifest = image_manifest(config, [layer], media_type)
        self.push_blob(repository, layer)
        config_digest = self.push_blob(repository, config)
        digest = Digest.of(manifest)
        self.push_manifest(repository, tag or digest, manifest, media_type)
        ref = self.ref(repository, tag) if tag else replace_digest(self.ref(repository), digest)
        return PushedImage(
            ref=ref,
            repository=repository,
            manifest_digest=digest,
            config_digest=config_digest,
            media_type=media_type,
            platform=platform,
            labels=dict(labels or {}),
            manifest=manifest,
            config=config,
        )

    def push_index(
        self,
        entries: Sequence[tuple[Platform, Mapping[str, str]]],
        *,
        repository: str | None = None,
        tag: str = "latest",
        media_type: str = OCI_INDEX,
    ) -> PushedIndex:
        """Push one image per ``(platform, labels)``, then an index of them under ``tag``."""
        repository = repository or self.new_repository()
        child_type = OCI_MANIFEST if media_type == OCI_INDEX else DOCKER_MANIFEST
        images = tuple(
            self.push_image(
                labels, repository=repository, tag=None, platform=platform, media_type=child_type
            )
            for platform, labels in entries
        )
        body = image_index([(i.platform, child_type, i.manifest) for i in images], media_type)
        digest = self.push_manifest(repository, tag, body, media_type)
        return PushedIndex(
            ref=self.ref(repository, tag),
            repository=repository,
            digest=digest,
            media_type=media_type,
            images=images,
        )

    def write_docker_config(self, directory: Path) -> Path:
        """Write ``directory/config.json`` with this registry's credentials (if any)."""
        auths = {}
        if self.username is not None and self.password is not None:
            auths = docker_auth_entry(self.host, self.username, self.password)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "config.json"
        path.write_text(json.dumps({"auths": auths}))
        return path

    # ------------------------------------------------------------------ access log

    def access_log(self) -> list[AccessLogEntry]:
        """Every request served so far, oldest first (waits for the log to settle)."""
        self._settle()
        entries = []
        for line in self._log_path.read_text(errors="replace").splitlines():
            match = _ACCESS_LINE.search(line)
            if match:
                entries.append(
                    AccessLogEntry(
                        method=match["method"],
                        path=match["path"],
                        status=int(match["status"]),
                        user_agent=match["ua"],
                    )
                )
        return entries

    def log_mark(self) -> int:
        """A position in the access log, for :meth:`requests_since`."""
        return len(self.access_log())

    def requests_since(self, mark: int, *, exclude_infra: bool = True) -> list[AccessLogEntry]:
        """Requests served after ``mark``; this helper's own pushes are left out by default."""
        entries = self.access_log()[mark:]
        if exclude_infra:
            entries = [e for e in entries if e.user_agent != "cogmodel-test-infra"]
        return entries

    def _settle(self) -> None:
        # Distribution writes the access line after the response has been sent, so wait until
        # the file stops growing (bounded) before counting.
        deadline = time.monotonic() + 2
        size = -1
        while time.monotonic() < deadline:
            now = self._log_path.stat().st_size if self._log_path.exists() else 0
            if now == size:
                return
            size = now
            time.sleep(0.06)


def _check(answer: requests.Response, status: int) -> None:
    if answer.status_code != status:
        raise RuntimeError(
            f"registry {answer.request.method} {answer.url}: HTTP {answer.status_code} "
            f"{answer.text[:300]}"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _htpasswd_line(username: str, password: str) -> str:
    tool = shutil.which("htpasswd")
    if tool is None:
        unavailable("htpasswd (Debian package apache2-utils) is not installed")
    out = subprocess.run(
        [tool, "-Bbn", username, password], capture_output=True, check=True, timeout=30
    )
    return out.stdout.decode().strip() + "\n"


def registry_binary() -> str:
    """The docker-registry binary, or :func:`tests.infra.unavailable`."""
    candidate = os.environ.get("COGMODEL_REGISTRY_BIN") or "/usr/bin/docker-registry"
    found = shutil.which(candidate) or shutil.which("docker-registry")
    if found is None:
        unavailable(f"CNCF Distribution registry binary not found ({candidate})")
    return found


@pytest.fixture(scope="session")
def registry() -> Iterator[DistributionRegistry]:
    """A real Distribution registry without auth on 127.0.0.1 (see the module docstring)."""
    binary = registry_binary()
    with (
        tempfile.TemporaryDirectory(prefix="cogmodel-registry-") as root,
        DistributionRegistry(Path(root), binary=binary) as server,
    ):
        yield server


@pytest.fixture(scope="session")
def auth_registry() -> Iterator[DistributionRegistry]:
    """A real Distribution registry with htpasswd Basic auth; see ``username``/``password``."""
    binary = registry_binary()
    with (
        tempfile.TemporaryDirectory(prefix="cogmodel-auth-registry-") as root,
        DistributionRegistry(
            Path(root), binary=binary, username="cogmodel", password=uuid.uuid4().hex
        ) as server,
    ):
        yield server


@pytest.fixture(scope="session")
def tls_ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    """A CA made with openssl for this session (trusted nowhere by default)."""
    return make_ca(tmp_path_factory.mktemp("tls-ca"))


@pytest.fixture(scope="session")
def tls_client(tls_ca: TestCA) -> Leaf:
    """A client certificate signed by ``tls_ca`` (for mutual TLS)."""
    return tls_ca.issue("client", hosts=("cogmodel-test-client",), client=True)


@pytest.fixture(scope="session")
def tls_registry(tls_ca: TestCA) -> Iterator[DistributionRegistry]:
    """A Distribution registry on 127.0.0.1 serving only HTTPS, signed by ``tls_ca``."""
    binary = registry_binary()
    server_cert = tls_ca.issue("registry", hosts=("127.0.0.1", "localhost"))
    with (
        tempfile.TemporaryDirectory(prefix="cogmodel-tls-registry-") as root,
        DistributionRegistry(Path(root), binary=binary, tls=server_cert, ca=tls_ca.cert) as server,
    ):
        yield server


@pytest.fixture(scope="session")
def mtls_registry(tls_ca: TestCA, tls_client: Leaf) -> Iterator[DistributionRegistry]:
    """HTTPS on 127.0.0.1 that refuses clients without a certificate signed by ``tls_ca``."""
    binary = registry_binary()
    server_cert = tls_ca.issue("mtls-registry", hosts=("127.0.0.1", "localhost"))
    with (
        tempfile.TemporaryDirectory(prefix="cogmodel-mtls-registry-") as root,
        DistributionRegistry(
            Path(root),
            binary=binary,
            tls=server_cert,
            ca=tls_ca.cert,
            client_cas=tls_ca.cert,
            client=tls_client,
        ) as server,
    ):
        yield server

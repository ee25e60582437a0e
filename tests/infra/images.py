"""Base images made locally (nothing can be pulled from Docker Hub here), cached between runs.

An image is made from a *recipe*: a function that fills an empty root filesystem, the
``docker import`` changes (``ENV``, ``CMD``) and a content key. The image is tagged
``cogmodel-test/<name>:<hash of recipe version, key and changes>``; when an image of that name
exists it is reused, so a run pays for it once per machine (per content). Creation is serialised
across processes with a lock file, since several test sessions share the engine.

Fixtures (session-scoped):

``busybox_image``
    A tiny image of Debian's ``busybox-static`` with a symlink for every applet (``sh``,
    ``httpd``, ``wget``, …), ``/tmp``, ``/etc/passwd``; ``PATH=/bin``, ``CMD ["sh"]``. A
    :class:`~domain.reference.ParsedRef`.

``local_names`` (function-scoped)
    A :class:`LocalNames`: fresh local image names for one test (``fresh(kind)``), and any
    name registered with ``add``, are removed from the engine when the test ends.

To add another base image (a Python one, say), write a :class:`Recipe` and a fixture calling
:func:`cached_image`; see ``busybox_image`` below. :func:`labelled_image` builds a one-line
child of a base image with given labels under a given name (for seeding tests).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import shutil
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import docker
import docker.errors
import pytest

from adapters.docker.names import daemon_name
from domain.reference import ParsedRef, parse_ref
from tests.infra import unavailable

REPOSITORY_PREFIX: Final = "cogmodel-test"
BUSYBOX: Final = Path("/bin/busybox")
_LOCK_DIR: Final = Path(tempfile.gettempdir())


@dataclass(frozen=True, slots=True)
class Recipe:
    """How to make one base image.

    Attributes:
        name: the repository under ``cogmodel-test/``.
        version: bump it when ``populate`` changes in a way ``key`` does not show.
        key: bytes that change whenever the content would (e.g. the binaries copied in).
        populate: fills the empty root filesystem directory it is given.
        changes: ``docker import`` changes (``ENV …``, ``CMD …``).
    """

    name: str
    version: str
    key: bytes
    populate: Callable[[Path], None]
    changes: Sequence[str] = ()

    def tag(self) -> str:
        digest = hashlib.sha256()
        for part in (self.version.encode(), self.key, *(c.encode() for c in self.changes)):
            digest.update(hashlib.sha256(part).digest())
        return digest.hexdigest()[:16]


def cached_image(
    client: docker.DockerClient, recipe: Recipe, *, donor: docker.DockerClient | None = None
) -> ParsedRef:
    """The image ``recipe`` makes, imported now unless an identical one exists already.

    With a ``donor`` (another engine), an identical image the donor holds is copied over
    (``docker save | podman load``) instead of being made again.
    """
    name = f"{REPOSITORY_PREFIX}/{recipe.name}:{recipe.tag()}"
    with _lock(f"cogmodel-image-{recipe.name}"):
        if not _exists(client, name) and not (donor is not None and _copy(donor, client, name)):
            _import(client, name, recipe)
    return parse_ref(name)


def _copy(donor: docker.DockerClient, client: docker.DockerClient, name: str) -> bool:
    """Copy ``name`` from ``donor`` into ``client``'s engine; ``False`` if the donor lacks it."""
    if not _exists(donor, name):
        return False
    with tempfile.TemporaryFile(prefix="cogmodel-image-") as archive:
        for chunk in donor.api.get_image(name):
            archive.write(chunk)
        archive.seek(0)
        for _ in client.api.load_image(archive):
            pass
    # Podman names a loaded image without a registry "localhost/…", which its compatible build
    # does not find for "FROM name" (it means docker.io/name there): give it that name too.
    repository, tag = name.rsplit(":", 1)
    client.api.tag(str(donor.api.inspect_image(name)["Id"]), f"docker.io/{repository}", tag)
    with contextlib.suppress(docker.errors.APIError):  # Docker never made such a name
        client.api.remove_image(f"localhost/{name}")
    return _exists(client, name)


def labelled_image(
    client: docker.DockerClient, base: ParsedRef, name: str, labels: Mapping[str, str]
) -> ParsedRef:
    """Build ``FROM base`` with ``labels`` (classic builder, no context), tagged ``name``."""
    dockerfile = io.BytesIO(f"FROM {base}\n".encode())
    for message in client.api.build(
        fileobj=dockerfile, tag=name, labels=dict(labels), rm=True, decode=True
    ):
        if "error" in message:
            raise RuntimeError(f"building {name} failed: {message['error']}")
    return parse_ref(name)


class LocalNames:
    """Local image names one test made; removed (with their images, if last) at its end."""

    def __init__(self, client: docker.DockerClient, prefix: str = "cogmodel-test-local") -> None:
        self._client = client
        self._prefix = prefix
        self._names: list[str] = []

    def add(self, name: str) -> str:
        """Remove ``name`` at the end of the test; return it."""
        self._names.append(name)
        return name

    def fresh(self, kind: str) -> str:
        """A new ``prefix/kind-<random>:t`` name, removed at the end of the test."""
        return self.add(f"{self._prefix}/{kind}-{uuid.uuid4().hex[:10]}:t")

    def remove_all(self) -> None:
        for name in reversed(self._names):
            with contextlib.suppress(docker.errors.NotFound):
                self._client.api.remove_image(name, force=True)
        self._names.clear()


@pytest.fixture
def local_names(docker_client: docker.DockerClient) -> Iterator[LocalNames]:
    """Fresh local image names, removed when the test ends (see :class:`LocalNames`)."""
    names = LocalNames(docker_client)
    try:
        yield names
    finally:
        names.remove_all()


def _exists(client: docker.DockerClient, name: str) -> bool:
    try:
        client.api.inspect_image(name)
    except docker.errors.NotFound:
        return False
    return True


def _import(client: docker.DockerClient, name: str, recipe: Recipe) -> None:
    with tempfile.TemporaryDirectory(prefix="cogmodel-rootfs-") as scratch:
        root = Path(scratch) / "rootfs"
        root.mkdir()
        recipe.populate(root)
        archive = io.BytesIO()
        with tarfile.open(fileobj=archive, mode="w") as tar:
            tar.add(root, arcname=".")
        # The tag travels inside ``repo`` (the Engine API allows it): Podman's compatible API
        # ignores a separate ``tag`` and would name the image ``:latest``.
        client.api.import_image_from_data(
            archive.getvalue(), repository=name, changes=list(recipe.changes)
        )


@contextmanager
def _lock(name: str) -> Iterator[None]:
    with (_LOCK_DIR / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- busybox


def _busybox_applets() -> list[str]:
    listed = subprocess.run(
        [str(BUSYBOX), "--list"], capture_output=True, text=True, check=True, timeout=30
    )
    return sorted(applet for applet in listed.stdout.split() if applet and "/" not in applet)


def _populate_busybox(root: Path) -> None:
    bin_dir = root / "bin"
    bin_dir.mkdir()
    shutil.copy2(BUSYBOX, bin_dir / "busybox")
    for applet in _busybox_applets():
        if applet != "busybox":
            (bin_dir / applet).symlink_to("busybox")
    (root / "tmp").mkdir(mode=0o1777)
    (root / "tmp").chmod(0o1777)
    etc = root / "etc"
    etc.mkdir()
    (etc / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n")
    (etc / "group").write_text("root:x:0:\nnogroup:x:65534:\n")
    (root / "root").mkdir()


def busybox_recipe() -> Recipe:
    """The busybox base image (needs Debian's ``busybox-static``)."""
    if not BUSYBOX.is_file():
        unavailable(f"{BUSYBOX} not found: apt-get install busybox-static")
    return Recipe(
        name="busybox",
        version="1",
        key=BUSYBOX.read_bytes() + "\n".join(_busybox_applets()).encode(),
        populate=_populate_busybox,
        changes=("ENV PATH=/bin", 'CMD ["sh"]'),
    )


@pytest.fixture(scope="session")
def busybox_image(docker_client: docker.DockerClient) -> ParsedRef:
    """A local busybox image with /bin/sh and every applet (see the module docstring)."""
    return cached_image(docker_client, busybox_recipe())


# --------------------------------------------------------------------------- python:X.Y-slim

STAND_IN_LABEL: Final = "org.cogmodel.test.stand-in"
_DEBIAN_MIRROR: Final = "http://deb.debian.org/debian"
_DEBOOTSTRAP_INCLUDE: Final = "python3,python3-pip,python3-venv"
DEBIAN_PYTHONS: Final = {"3.11": "bookworm", "3.13": "trixie"}
"""The Python versions a stand-in can be made for here: the Debian release that ships each."""


def _populate_python(root: Path, version: str) -> None:
    """Debian's release with Python ``version``, made to behave like the official image."""
    argv = [
        "debootstrap",
        "--variant=minbase",
        f"--include={_DEBOOTSTRAP_INCLUDE}",
        DEBIAN_PYTHONS[version],
        str(root),
        _DEBIAN_MIRROR,
    ]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=900, check=False)
    if result.returncode != 0:
        unavailable(f"debootstrap failed: {(result.stdout + result.stderr)[-500:]}")
    # The official image has `python` and `pip` on PATH and no PEP 668 guard.
    (root / "usr/local/bin/python").symlink_to("/usr/bin/python3")
    if not (root / "usr/bin/pip").exists():
        (root / "usr/local/bin/pip").symlink_to("/usr/bin/pip3")
    (root / f"usr/lib/python{version}/EXTERNALLY-MANAGED").unlink(missing_ok=True)
    for leftovers in ("var/lib/apt/lists", "var/cache/apt/archives"):
        for path in (root / leftovers).glob("*"):
            if path.is_file():
                path.unlink()


def python_slim_recipe(version: str = "3.11") -> Recipe:
    """A stand-in for ``python:<version>-slim`` (needs root, ``debootstrap``, the mirror).

    Only the versions of :data:`DEBIAN_PYTHONS` can be made: Debian 12 (bookworm) ships Python
    3.11, Debian 13 (trixie) Python 3.13.
    """
    if version not in DEBIAN_PYTHONS:
        unavailable(f"no Debian release here ships Python {version} (have {list(DEBIAN_PYTHONS)})")
    if shutil.which("debootstrap") is None:
        unavailable("debootstrap not found: apt-get install debootstrap")
    suite = DEBIAN_PYTHONS[version]
    return Recipe(
        name=f"python-{version}-slim",
        version="1",
        key=f"{suite} minbase {_DEBOOTSTRAP_INCLUDE} {_DEBIAN_MIRROR}".encode(),
        populate=lambda root: _populate_python(root, version),
        changes=(
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "ENV LANG=C.UTF-8",
            f"LABEL {STAND_IN_LABEL}=python-{version}-slim",
            'CMD ["python3"]',
        ),
    )


def python_slim(
    client: docker.DockerClient, version: str = "3.11", *, donor: docker.DockerClient | None = None
) -> ParsedRef:
    """``python:<version>-slim`` in ``client``'s engine: a real one if present, else the stand-in.

    The stand-in is made once per machine (one to two minutes: debootstrap of the Debian
    release that ships that Python, with python3, python3-pip and python3-venv), or copied from
    a ``donor`` engine that has it, and cached as ``cogmodel-test/python-<version>-slim:<key>``;
    ``python:<version>-slim`` is (re)pointed at it unless that name holds an image that is not a
    stand-in, which is then used as it is.
    """
    name = f"python:{version}-slim"
    try:
        current = client.api.inspect_image(name)
    except docker.errors.NotFound:
        current = None
    if current is not None and STAND_IN_LABEL not in (current["Config"].get("Labels") or {}):
        return parse_ref(name)  # a real python:X.Y-slim: better than any stand-in
    stand_in = cached_image(client, python_slim_recipe(version), donor=donor)
    # The name as the engine spells it: Podman knows no "index.docker.io/…" alias.
    wanted = client.api.inspect_image(daemon_name(stand_in))["Id"]
    if current is None or current["Id"] != wanted:
        repository, tag = name.split(":")
        client.api.tag(wanted, repository, tag)
    return parse_ref(name)


@pytest.fixture(scope="session")
def python_slim_image(docker_client: docker.DockerClient) -> ParsedRef:
    """``python:3.11-slim`` in the engine (see :func:`python_slim`)."""
    return python_slim(docker_client, "3.11")


@pytest.fixture(scope="session")
def python313_slim_image(docker_client: docker.DockerClient) -> ParsedRef:
    """``python:3.13-slim`` in the engine (see :func:`python_slim`): Debian 13's Python."""
    return python_slim(docker_client, "3.13")

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

To add another base image (a Python one, say), write a :class:`Recipe` and a fixture calling
:func:`cached_image`; see ``busybox_image`` below.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import docker
import docker.errors
import pytest

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


def cached_image(client: docker.DockerClient, recipe: Recipe) -> ParsedRef:
    """The image ``recipe`` makes, imported now unless an identical one exists already."""
    name = f"{REPOSITORY_PREFIX}/{recipe.name}:{recipe.tag()}"
    with _lock(f"cogmodel-image-{recipe.name}"):
        if not _exists(client, name):
            _import(client, name, recipe)
    return parse_ref(name)


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
        repository, tag = name.rsplit(":", 1)
        client.api.import_image_from_data(
            archive.getvalue(), repository=repository, tag=tag, changes=list(recipe.changes)
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

"""An immutable, digest-keyed cache of manifests and config blobs.

Content fetched by digest never changes, so once verified it can be kept: a repeated inspect of a
digest reference then makes no request at all. Entries are keyed by registry, repository and
digest (not by digest alone), so a digest seen in one repository never answers for another that
may not hold it, or may not let this user read it.

Two layers: an in-memory LRU bounded in bytes (always), and optionally files under a directory
(by default the user cache directory from ``platformdirs``), written atomically and re-verified
against their digest when read, so a corrupted or tampered file is a miss, never wrong content.
A disk problem (full, read-only) only costs the cache, never an inspect.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from domain.digest import Digest

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheKey:
    """Where content was fetched from, and its digest."""

    registry: str
    repository: str
    digest: Digest


def default_cache_dir() -> Path:
    """``<user cache dir>/cogmodel/registry`` (platformdirs); only computed when asked."""
    import platformdirs  # noqa: PLC0415 - no platform lookups at import time (STYLE G13)

    return platformdirs.user_cache_path("cogmodel") / "registry"


class DigestCache:
    """Verified content by :class:`CacheKey`: memory LRU plus an optional directory."""

    def __init__(
        self, *, max_memory_bytes: int = 32 * 1024 * 1024, directory: Path | None = None
    ) -> None:
        """Nothing is created on disk until the first :meth:`put`."""
        self._max = max_memory_bytes
        self._directory = directory
        self._memory: OrderedDict[CacheKey, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> bytes | None:
        """The content stored under ``key``, or ``None``."""
        with self._lock:
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
                return found
        found = self._read_disk(key)
        if found is not None:
            self._remember(key, found)
        return found

    def put(self, key: CacheKey, content: bytes) -> None:
        """Store ``content``, which must hash to ``key.digest`` (else it is not stored)."""
        if not key.digest.matches(content):
            logger.warning("not caching content that does not match %s", key.digest)
            return
        self._remember(key, content)
        self._write_disk(key, content)

    def clear_memory(self) -> None:
        """Forget everything held in memory (the disk layer is kept)."""
        with self._lock:
            self._memory.clear()
            self._size = 0

    def _remember(self, key: CacheKey, content: bytes) -> None:
        if len(content) > self._max:
            return
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return
            self._memory[key] = content
            self._size += len(content)
            while self._size > self._max:
                _, dropped = self._memory.popitem(last=False)
                self._size -= len(dropped)

    def _path(self, key: CacheKey) -> Path | None:
        if self._directory is None:
            return None
        # Registry and repository names may hold ':' or other characters a file system
        # dislikes; a hash of them is a safe directory name.
        place = hashlib.sha256(f"{key.registry}/{key.repository}".encode()).hexdigest()[:32]
        return self._directory / place / f"{key.digest.algorithm}-{key.digest.hex}"

    def _read_disk(self, key: CacheKey) -> bytes | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            content = path.read_bytes()
        except OSError:
            return None
        if key.digest.matches(content):
            return content
        logger.warning("dropping corrupt cache file %s", path)
        with contextlib.suppress(OSError):
            path.unlink()
        return None

    def _write_disk(self, key: CacheKey, content: bytes) -> None:
        path = self._path(key)
        if path is None or path.exists():
            return
        import tempfile  # noqa: PLC0415 - only the disk layer writes; an inspect may not

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        except OSError as exc:
            logger.warning("cannot write registry cache %s: %s", path, exc.strerror)
            return
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            os.replace(temp, path)  # atomic: readers see the whole file or none
        except OSError as exc:
            logger.warning("cannot write registry cache %s: %s", path, exc.strerror)
            with contextlib.suppress(OSError):
                os.unlink(temp)

"""The digest cache: verified content only, per repository, bounded memory, safe disk layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.registry.cache import CacheKey, DigestCache
from domain.digest import Digest


def _key(content: bytes, repository: str = "acme/model") -> CacheKey:
    return CacheKey(registry="r.io", repository=repository, digest=Digest.of(content))


def test_stored_content_comes_back() -> None:
    cache = DigestCache()
    cache.put(_key(b"abc"), b"abc")
    assert cache.get(_key(b"abc")) == b"abc"


def test_content_that_does_not_match_its_digest_is_not_stored() -> None:
    cache = DigestCache()
    cache.put(_key(b"abc"), b"abd")
    assert cache.get(_key(b"abc")) is None


def test_a_digest_seen_in_one_repository_does_not_answer_for_another() -> None:
    cache = DigestCache()
    cache.put(_key(b"abc", "acme/one"), b"abc")
    assert cache.get(_key(b"abc", "acme/two")) is None


def test_memory_is_bounded_and_least_recently_used_goes_first() -> None:
    cache = DigestCache(max_memory_bytes=10)
    a, b, c = b"aaaa", b"bbbb", b"cccc"
    cache.put(_key(a), a)
    cache.put(_key(b), b)
    assert cache.get(_key(a)) == a  # a is now the most recent
    cache.put(_key(c), c)
    assert cache.get(_key(b)) is None
    assert cache.get(_key(a)) == a
    assert cache.get(_key(c)) == c


def test_content_larger_than_memory_is_not_kept_in_memory() -> None:
    cache = DigestCache(max_memory_bytes=3)
    cache.put(_key(b"toolarge"), b"toolarge")
    assert cache.get(_key(b"toolarge")) is None


def test_the_disk_layer_serves_a_new_cache(tmp_path: Path) -> None:
    DigestCache(directory=tmp_path).put(_key(b"abc"), b"abc")
    assert DigestCache(directory=tmp_path).get(_key(b"abc")) == b"abc"


def test_a_corrupted_disk_file_is_a_miss_and_is_removed(tmp_path: Path) -> None:
    DigestCache(directory=tmp_path).put(_key(b"abc"), b"abc")
    (stored,) = [p for p in tmp_path.rglob("*") if p.is_file()]
    stored.write_bytes(b"evil")
    assert DigestCache(directory=tmp_path).get(_key(b"abc")) is None
    assert not stored.exists()


def test_nothing_is_written_until_something_is_stored(tmp_path: Path) -> None:
    cache = DigestCache(directory=tmp_path / "cache")
    assert cache.get(_key(b"abc")) is None
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_directory_costs_only_the_disk_layer(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = DigestCache(directory=blocker)
    cache.put(_key(b"abc"), b"abc")
    assert cache.get(_key(b"abc")) == b"abc"


def test_clearing_memory_keeps_the_disk_layer(tmp_path: Path) -> None:
    cache = DigestCache(directory=tmp_path)
    cache.put(_key(b"abc"), b"abc")
    cache.clear_memory()
    assert cache.get(_key(b"abc")) == b"abc"


@pytest.mark.parametrize("registry", ["r.io:5000", "[::1]:5000", "weird$host"])
def test_any_registry_name_is_a_safe_directory(tmp_path: Path, registry: str) -> None:
    key = CacheKey(registry=registry, repository="a/b", digest=Digest.of(b"x"))
    DigestCache(directory=tmp_path).put(key, b"x")
    assert DigestCache(directory=tmp_path).get(key) == b"x"
    assert all(p.resolve().is_relative_to(tmp_path.resolve()) for p in tmp_path.rglob("*"))

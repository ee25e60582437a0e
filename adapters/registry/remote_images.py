"""``OrasRemoteImages``: the :class:`~application.ports.remote_images.RemoteImages` port against
any OCI Distribution registry (the name is decision 0002's; HTTP is ``http.client``'s since
decision 0045).

An inspect reads the manifest the reference names (all four manifest media types accepted), for
an index follows the entry :func:`domain.index.choose_platform` picks (nested indexes are
flattened, at most ``max_index_depth`` deep), then reads the config blob for the labels. The
image id is the config blob's digest; ``manifest_digest``/``media_type`` are those of the
manifest the reference names (the index, for a multi-platform image). A single-manifest image
asked for a platform is checked against the platform in its config.

Everything fetched is verified: by-digest fetches and config blobs against their digest (and
the size their descriptor states), by-tag manifests against ``Docker-Content-Digest``. Verified
content is cached by digest, so a repeated inspect of a digest reference makes no request.
A single image costs 2 requests, an index 3 (see :mod:`adapters.registry.transport` for
timeouts, caps, retries and auth).

Constructing the adapter reads nothing and connects nowhere; per-registry clients are made on
first use and closed by :meth:`OrasRemoteImages.close` (or ``with``).
"""

from __future__ import annotations

import threading
from typing import Self

from adapters.registry.auth import pull_scope
from adapters.registry.cache import CacheKey, DigestCache, default_cache_dir
from adapters.registry.credentials import DockerCredentials
from adapters.registry.errors import BACKEND, Target
from adapters.registry.manifests import (
    ACCEPT,
    INDEX_TYPES,
    Descriptor,
    ImageConfig,
    ImageManifest,
    Manifest,
    announced_digest,
    parse_config,
    parse_manifest,
    verify_content,
)
from adapters.registry.options import RegistryOptions
from adapters.registry.session import Deadline
from adapters.registry.transport import RegistryClient
from application.ports.remote_images import RemoteImages
from domain.digest import Digest
from domain.errors import ImageNotFoundError, ProtocolError
from domain.image import Image
from domain.image_source import ImageSource
from domain.index import check_platform, choose_platform
from domain.platform import Platform
from domain.reference import ParsedRef
from domain.registry_host import registry_port


class OrasRemoteImages:
    """Inspect images in OCI registries without pulling them (thread-safe)."""

    def __init__(
        self,
        *,
        options: RegistryOptions | None = None,
        credentials: DockerCredentials | None = None,
        cache: DigestCache | None = None,
    ) -> None:
        """Configure; nothing is read or connected until the first call.

        Args:
            options: timeouts, caps, insecure registries, cache settings. Default:
                :class:`RegistryOptions` defaults.
            credentials: where credentials come from. Default: Docker's config file.
            cache: the digest cache. Default: memory, plus disk if ``options.disk_cache``.
        """
        self._options = options or RegistryOptions()
        self._credentials = credentials or DockerCredentials(
            self._options.docker_config, helper_timeout=self._options.credential_helper_timeout
        )
        self._cache = cache
        self._clients: dict[str, RegistryClient] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close every registry connection (the adapter may be used again afterwards)."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the port

    def inspect(self, ref: ParsedRef, *, platform: Platform | None = None) -> Image:
        """See :meth:`application.ports.remote_images.RemoteImages.inspect`.

        Raises:
            ImageNotFoundError: no such repository, tag or digest (location REMOTE).
            PlatformNotFoundError: the image exists, but not for ``platform``.
            AuthenticationError: the registry refused the credentials (401/403).
            BackendUnavailableError: unreachable, 5xx, rate limited, or out of time.
            ProtocolError: malformed, oversized, truncated or unsupported content.
            IntegrityError: content did not match its digest.
        """
        deadline = Deadline(self._options.deadline, str(ref))
        client = self._client(ref)
        top = self._manifest(client, ref, deadline, digest=ref.digest)
        if top.index is None:
            image = _image_of(top, ref)
            config = self._config(client, ref, image.config, deadline)
            check_platform(config.platform, platform, ref=str(ref), location=ImageSource.REMOTE)
            chosen_platform = config.platform
        else:
            entries = self._entries(client, ref, top, deadline, depth=0, seen={top.digest})
            platforms = [
                entry.platform.to_domain() if entry.platform else None for entry in entries
            ]
            position = choose_platform(platforms, platform, ref=str(ref))
            entry = entries[position]
            chosen = self._manifest(client, ref, deadline, digest=entry.digest, descriptor=entry)
            image = _image_of(chosen, ref)
            config = self._config(client, ref, image.config, deadline)
            chosen_platform = platforms[position] or config.platform
        return Image(
            reference=ref,
            image_id=image.config.digest,
            source=ImageSource.REMOTE,
            labels=config.labels,
            platform=chosen_platform,
            manifest_digest=top.digest,
            media_type=top.media_type,
        )

    def exists(self, ref: ParsedRef) -> bool:
        """See :meth:`application.ports.remote_images.RemoteImages.exists` (one HEAD request).

        Raises:
            AuthenticationError, BackendUnavailableError, ProtocolError: as :meth:`inspect`.
        """
        if ref.digest is not None and self._cached(ref, ref.digest) is not None:
            return True
        client = self._client(ref)
        try:
            client.get(
                f"/v2/{ref.repository}/manifests/{ref.digest or ref.tag or 'latest'}",
                target=Target.MANIFEST,
                ref=str(ref),
                scope=pull_scope(ref.repository),
                cap=0,
                deadline=Deadline(self._options.deadline, str(ref)),
                accept=ACCEPT,
                head=True,
            )
        except ImageNotFoundError:
            return False
        return True

    # ------------------------------------------------------------------ steps

    def scheme(self, registry: str) -> str | None:
        """The scheme ``registry`` is reached over (``None``: not contacted yet).

        ``https`` unless the registry is insecure-eligible and HTTPS failed before any answer
        (see :mod:`adapters.registry.options`); kept for this adapter's life.
        """
        with self._lock:
            client = self._clients.get(registry)
        return client.scheme if client is not None else None

    def _client(self, ref: ParsedRef) -> RegistryClient:
        # A port past 65535 is a valid name (go-containerregistry checks digits, not range);
        # Go's dialer refuses it, and so does this, before a URL library's ValueError could.
        registry_port(ref.registry)
        # The reference's scheme is go-containerregistry's parsing rule (loopback, RFC 1918,
        # *.localhost); here it only makes a registry eligible for plain HTTP, after HTTPS.
        eligible = ref.scheme == "http" or ref.registry in self._options.insecure_registries
        with self._lock:
            client = self._clients.get(ref.registry)
            if client is None:
                client = RegistryClient(
                    ref.registry,
                    options=self._options,
                    credentials=self._credentials,
                    http_fallback=eligible,
                )
                self._clients[ref.registry] = client
            return client

    @property
    def cache(self) -> DigestCache:
        """The digest cache (made on first use)."""
        with self._lock:
            if self._cache is None:
                options = self._options
                directory = (
                    (options.cache_dir or default_cache_dir()) if options.disk_cache else None
                )
                self._cache = DigestCache(
                    max_memory_bytes=options.memory_cache_bytes, directory=directory
                )
            return self._cache

    def _cached(self, ref: ParsedRef, digest: Digest) -> bytes | None:
        return self.cache.get(
            CacheKey(registry=ref.registry, repository=ref.repository, digest=digest)
        )

    def _manifest(
        self,
        client: RegistryClient,
        ref: ParsedRef,
        deadline: Deadline,
        *,
        digest: Digest | None,
        descriptor: Descriptor | None = None,
    ) -> Manifest:
        """The manifest named by ``digest`` (else by ``ref``'s tag), verified."""
        expected = digest
        where = f"manifest {ref.name}@{digest}" if digest else f"manifest {ref}"
        cached = self._cached(ref, digest) if digest else None
        if cached is not None and digest is not None:
            return parse_manifest(cached, digest=digest, content_type=None, where=where)
        answer = client.get(
            f"/v2/{ref.repository}/manifests/{digest or ref.tag or 'latest'}",
            target=Target.MANIFEST if descriptor is None else Target.LISTED_MANIFEST,
            ref=str(ref),
            scope=pull_scope(ref.repository),
            cap=self._options.max_manifest_bytes,
            deadline=deadline,
            accept=ACCEPT,
        )
        body = answer.body
        if expected is None:
            expected = announced_digest(answer.headers.get("Docker-Content-Digest"), where)
        digest = verify_content(body, expected, where, descriptor)
        manifest = parse_manifest(
            body, digest=digest, content_type=answer.headers.get("Content-Type"), where=where
        )
        self.cache.put(
            CacheKey(registry=ref.registry, repository=ref.repository, digest=digest), body
        )
        return manifest

    def _entries(
        self,
        client: RegistryClient,
        ref: ParsedRef,
        index: Manifest,
        deadline: Deadline,
        *,
        depth: int,
        seen: set[Digest],
    ) -> list[Descriptor]:
        """The image entries of ``index`` in document order, nested indexes flattened."""
        assert index.index is not None
        found: list[Descriptor] = []
        for entry in index.index.manifests:
            if entry.media_type not in INDEX_TYPES:
                found.append(entry)
                continue
            if depth >= self._options.max_index_depth:
                raise ProtocolError(
                    BACKEND,
                    f"{ref}: indexes nested more than {self._options.max_index_depth} deep",
                )
            if entry.digest in seen or len(seen) > self._options.max_nested_indexes:
                raise ProtocolError(BACKEND, f"{ref}: index loop or too many nested indexes")
            seen.add(entry.digest)
            nested = self._manifest(client, ref, deadline, digest=entry.digest, descriptor=entry)
            if nested.index is None:
                raise ProtocolError(BACKEND, f"{ref}: entry {entry.digest} is not an index")
            found += self._entries(client, ref, nested, deadline, depth=depth + 1, seen=seen)
        return found

    def _config(
        self, client: RegistryClient, ref: ParsedRef, descriptor: Descriptor, deadline: Deadline
    ) -> ImageConfig:
        """The image config blob ``descriptor`` names, verified and parsed."""
        where = f"config {ref.name}@{descriptor.digest}"
        if descriptor.size > self._options.max_config_bytes:
            raise ProtocolError(
                BACKEND,
                f"{where}: {descriptor.size} bytes exceeds the "
                f"{self._options.max_config_bytes}-byte limit",
            )
        cached = self._cached(ref, descriptor.digest)
        if cached is not None:
            return parse_config(cached, where=where)
        answer = client.get(
            f"/v2/{ref.repository}/blobs/{descriptor.digest}",
            target=Target.BLOB,
            ref=str(ref),
            scope=pull_scope(ref.repository),
            cap=self._options.max_config_bytes,
            deadline=deadline,
        )
        verify_content(answer.body, descriptor.digest, where, descriptor)
        config = parse_config(answer.body, where=where)
        key = CacheKey(registry=ref.registry, repository=ref.repository, digest=descriptor.digest)
        self.cache.put(key, answer.body)
        return config


def _image_of(manifest: Manifest, ref: ParsedRef) -> ImageManifest:
    if manifest.image is None:
        raise ProtocolError(BACKEND, f"{ref}: index entry {manifest.digest} is not an image")
    return manifest.image


_: type[RemoteImages] = OrasRemoteImages

"""How the registry adapter talks to registries: timeouts, size caps, retries, TLS, caching.

Transport policy is adapter configuration, never part of a reference (STYLE G6). Every registry
is asked over HTTPS first, as docker and crane do. Plain HTTP is tried only for a registry that
is *insecure-eligible* (its reference's ``scheme`` is ``http``: loopback, ``*.localhost``,
RFC 1918 addresses, go-containerregistry's rule; or it is listed in
:attr:`RegistryOptions.insecure_registries`), and only when HTTPS failed at the connection or
TLS layer without the server proving it speaks TLS (an untrusted certificate is an error, never a
reason to drop TLS). What was learnt is kept for the adapter's life: one adapter per process in
the composition root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from domain.errors import InvalidInputError

MIB: Final = 1024 * 1024
_POSITIVE: Final = (
    "connect_timeout",
    "read_timeout",
    "deadline",
    "max_retry_wait",
    "max_manifest_bytes",
    "max_config_bytes",
    "max_connections",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistryOptions:
    """Settings of :class:`~adapters.registry.remote_images.OrasRemoteImages`.

    Attributes:
        connect_timeout: seconds to open a connection. Default: 5.
        read_timeout: seconds to wait for any byte of an answer. Default: 10.
        deadline: seconds one ``inspect``/``exists`` may take in total, retries and waits
            included. Default: 30.
        max_manifest_bytes: largest manifest or index accepted. Default: 4 MiB (as skopeo).
        max_config_bytes: largest image config blob accepted. Default: 4 MiB.
        max_index_depth: how many indexes may be nested inside the top one. Default: 2.
        max_nested_indexes: how many nested indexes one inspect may fetch. Default: 16.
        max_rate_limit_retries: retries after HTTP 429 (or 503 with Retry-After). Default: 2.
        max_retry_wait: the longest ``Retry-After`` honoured, in seconds; a longer one fails at
            once instead of sleeping. Default: 10.
        max_redirects: redirects followed per request. Default: 5.
        max_connections: keep-alive connections kept per registry. Default: 8.
        insecure_registries: registry hosts (``host[:port]``) that may be reached over plain
            HTTP when HTTPS fails (see the module docstring).
        ca_bundle: one more CA bundle file to trust, on top of the system store,
            ``REQUESTS_CA_BUNDLE`` and ``certs_dir`` (:mod:`adapters.registry.trust`). TLS
            verification is never turned off. Default: None.
        certs_dir: Docker's per-registry certificate directory (``<certs_dir>/<host[:port]>/``
            holds ``*.crt`` CAs and ``*.cert``/``*.key`` client pairs). Default:
            ``/etc/docker/certs.d``.
        docker_config: the Docker ``config.json`` to read credentials from; ``None``:
            ``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``.
        credential_helper_timeout: seconds a ``docker-credential-*`` helper may take. Default: 10.
        memory_cache_bytes: bytes of digest-addressed content kept in memory. Default: 32 MiB.
        disk_cache: also keep digest-addressed content on disk. Default: False.
        cache_dir: where the disk cache lives; ``None``: the user cache directory
            (``platformdirs``), ``…/cogmodel/registry``.
        user_agent: the ``User-Agent`` sent.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 30.0
    max_manifest_bytes: int = 4 * MIB
    max_config_bytes: int = 4 * MIB
    max_index_depth: int = 2
    max_nested_indexes: int = 16
    max_rate_limit_retries: int = 2
    max_retry_wait: float = 10.0
    max_redirects: int = 5
    max_connections: int = 8
    insecure_registries: frozenset[str] = field(default_factory=frozenset)
    ca_bundle: str | None = None
    certs_dir: Path | None = None
    docker_config: Path | None = None
    credential_helper_timeout: float = 10.0
    memory_cache_bytes: int = 32 * MIB
    disk_cache: bool = False
    cache_dir: Path | None = None
    user_agent: str = "cogmodel (oras-py)"

    def __post_init__(self) -> None:
        """Raises: InvalidInputError: a bound that is not positive."""
        # A zero or negative bound would silently mean "no bound" somewhere down the stack.
        for name in _POSITIVE:
            if getattr(self, name) <= 0:
                raise InvalidInputError(
                    f"registry option {name} must be positive", reason=f"{name} is not positive"
                )
        object.__setattr__(self, "insecure_registries", frozenset(self.insecure_registries))

"""OCI registry adapter: inspect images without pulling them (HTTP through ``http.client``;
oras-py for the media types and the Basic encoding; decisions 0002, 0045).

:class:`OrasRemoteImages` implements :class:`~application.ports.remote_images.RemoteImages`;
:class:`RegistryOptions` configures it (timeouts, size caps, insecure-eligible registries, TLS
trust: ``ca_bundle``, ``certs_dir``, caching; decisions 0025 and 0026);
:class:`DockerCredentials` finds credentials the way the docker CLI does; :class:`DigestCache`
keeps verified content by digest. See docs/decisions/0002-registry-adapter-on-oras.md.
"""

from adapters.registry.cache import DigestCache, default_cache_dir
from adapters.registry.credentials import Credential, DockerCredentials
from adapters.registry.options import RegistryOptions
from adapters.registry.remote_images import OrasRemoteImages

__all__ = [
    "Credential",
    "DigestCache",
    "DockerCredentials",
    "OrasRemoteImages",
    "RegistryOptions",
    "default_cache_dir",
]

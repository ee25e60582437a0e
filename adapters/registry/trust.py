"""Which certificates a registry's TLS is checked against, and which one we present.

One :class:`ssl.SSLContext` per registry host, built from (all of them, never instead of one
another, so adding a registry's own CA never drops the public ones):

1. **the system store**: OpenSSL's default verify paths, which ``SSL_CERT_FILE`` and
   ``SSL_CERT_DIR`` point elsewhere, as for every OpenSSL program (certifi's bundle only when
   that store holds no CA at all, as on some macOS Pythons);
2. ``REQUESTS_CA_BUNDLE`` (else ``CURL_CA_BUNDLE``): one more bundle, as requests users expect to
   set it (requests itself would trust *only* that file);
3. :attr:`RegistryOptions.ca_bundle` (the composition root's ``registry.ca_bundle`` key);
4. Docker's per-registry directory ``<certs_dir>/<host[:port]>/`` (``/etc/docker/certs.d`` by
   default, what dockerd, skopeo and podman read), by Docker's rules: every ``*.crt`` is a CA,
   every ``*.cert`` is a client certificate whose key is the ``*.key`` of the same name (mutual
   TLS), and a ``.cert`` without its ``.key`` (or the reverse) is an error.

Verification is never turned off; hostnames are always checked. The files are found when a
registry's client is made and read when its first HTTPS connection is made, once per registry
per adapter (decision 0046); an insecure-eligible registry that a CA-less probe found not to
speak TLS never reads them (:func:`probe_context`, decision 0047).
"""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from domain.errors import InvalidInputError

DEFAULT_CERTS_DIR: Final = Path("/etc/docker/certs.d")
_ENV_BUNDLES: Final = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@dataclass(frozen=True, slots=True)
class TrustSources:
    """Where the CAs and client certificates for one registry come from (for messages, tests)."""

    extra_bundles: tuple[Path, ...]
    registry_dir: Path
    registry_cas: tuple[Path, ...]
    client_pairs: tuple[tuple[Path, Path], ...]


def trust_sources(
    registry: str,
    *,
    ca_bundle: str | None,
    certs_dir: Path | None,
    environ: Mapping[str, str] | None = None,
) -> TrustSources:
    """The files that :func:`tls_context` will load for ``registry`` (``host[:port]``).

    Raises:
        InvalidInputError: ``registry`` cannot name a directory, or a client certificate and
            its key do not come in pairs (Docker's rule).
    """
    env = os.environ if environ is None else environ
    extra: list[Path] = []
    for name in _ENV_BUNDLES:
        if env.get(name):
            extra.append(Path(env[name]))
            break  # requests reads the second only when the first is unset
    if ca_bundle:
        extra.append(Path(ca_bundle))
    if not registry or registry in (".", "..") or "/" in registry or "\\" in registry:
        raise InvalidInputError(
            f"registry {registry!r} cannot name a certificate directory", reason="bad registry"
        )
    directory = (certs_dir or DEFAULT_CERTS_DIR) / registry
    cas, pairs = _docker_certs(directory)
    return TrustSources(
        extra_bundles=tuple(extra), registry_dir=directory, registry_cas=cas, client_pairs=pairs
    )


def tls_context(sources: TrustSources) -> ssl.SSLContext:
    """A verifying client context trusting the system store plus every source's CAs.

    Raises:
        InvalidInputError: a named file is missing, unreadable or holds no usable PEM.
    """
    context = ssl.create_default_context()  # system store; SSL_CERT_FILE/SSL_CERT_DIR apply
    if context.cert_store_stats().get("x509_ca", 0) == 0:
        _load_certifi(context)  # additive: CAs of a default directory load lazily, uncounted
    system_file = ssl.get_default_verify_paths().cafile  # what the system store was read from
    for bundle in (*sources.extra_bundles, *sources.registry_cas):
        # REQUESTS_CA_BUNDLE often names the system bundle itself: reading it again would add
        # no CA and double the slowest step of a first request.
        if not _same_file(bundle, system_file):
            _load_cas(context, bundle)
    for cert, key in sources.client_pairs:
        try:
            context.load_cert_chain(certfile=cert, keyfile=key)
        except (OSError, ssl.SSLError) as exc:
            raise InvalidInputError(
                f"cannot use the client certificate {cert} with {key}: {_why(exc)}",
                reason="unusable client certificate",
            ) from exc
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def probe_context() -> ssl.SSLContext:
    """A client context that verifies as :func:`tls_context`'s does (chain and hostname) but
    trusts no CA at all, so it costs no file read: a handshake with a server that speaks TLS
    ends at the certificate check (or in an alert), and nothing can be sent over it.
    Used only to learn whether an insecure-eligible registry speaks TLS (decision 0047)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, hostnames checked
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


class RegistryTrust:
    """One registry's trust: its sources, found now; its :class:`ssl.SSLContext`, made on the
    first HTTPS connection and then shared (by its HTTPS and, after a fall back, HTTP
    sessions: a redirect may lead to HTTPS). Thread-safe.

    Loading the system store is the slowest step of a first request (OpenSSL parses every CA of
    the bundle), so a registry never asked over HTTPS, or one reached over plain HTTP after the
    probe of decision 0047, does not pay it.
    """

    def __init__(self, registry: str, *, ca_bundle: str | None, certs_dir: Path | None) -> None:
        """Find the trust sources (:func:`trust_sources`); no file is read yet.

        Raises:
            InvalidInputError: as :func:`trust_sources`.
        """
        self.sources = trust_sources(registry, ca_bundle=ca_bundle, certs_dir=certs_dir)
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def context(self) -> ssl.SSLContext:
        """The verifying context (:func:`tls_context`), made once.

        Raises:
            InvalidInputError: as :func:`tls_context`.
        """
        with self._lock:
            if self._context is None:
                self._context = tls_context(self.sources)
            return self._context


def _docker_certs(directory: Path) -> tuple[tuple[Path, ...], tuple[tuple[Path, Path], ...]]:
    try:
        names = sorted(entry.name for entry in directory.iterdir() if entry.is_file())
    except FileNotFoundError:
        return (), ()
    except NotADirectoryError:
        return (), ()
    except OSError as exc:
        raise InvalidInputError(
            f"cannot read {directory}: {_why(exc)}", reason="unreadable certificate directory"
        ) from exc
    present = set(names)
    cas: list[Path] = []
    pairs: list[tuple[Path, Path]] = []
    for name in names:
        stem, dot, extension = name.rpartition(".")
        if not dot:
            continue
        if extension == "crt":
            cas.append(directory / name)
        elif extension == "cert":
            if f"{stem}.key" not in present:
                raise InvalidInputError(
                    f"{directory}: missing key {stem}.key for client certificate {name} "
                    "(CA certificates must end in .crt)",
                    reason="client certificate without its key",
                )
            pairs.append((directory / name, directory / f"{stem}.key"))
        elif extension == "key" and f"{stem}.cert" not in present:
            raise InvalidInputError(
                f"{directory}: missing client certificate {stem}.cert for key {name}",
                reason="key without its client certificate",
            )
    return tuple(cas), tuple(pairs)


def _same_file(path: Path, other: str | None) -> bool:
    try:
        return other is not None and os.path.samefile(path, other)
    except OSError:  # missing or unreadable: loading it will say so
        return False


def _load_cas(context: ssl.SSLContext, bundle: Path) -> None:
    try:
        context.load_verify_locations(cafile=str(bundle))
    except (OSError, ssl.SSLError) as exc:
        raise InvalidInputError(
            f"cannot load CA certificates from {bundle}: {_why(exc)}", reason="unusable CA bundle"
        ) from exc


def _load_certifi(context: ssl.SSLContext) -> None:
    try:
        import certifi  # noqa: PLC0415 - requests' dependency; only needed without a system store
    except ImportError:  # pragma: no cover - requests always brings it
        return
    context.load_verify_locations(cafile=certifi.where())


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__ if not str(exc) else str(exc)

"""Image references with go-containerregistry's exact semantics.

``parse_ref`` follows ``name.ParseReference`` of go-containerregistry (which Cog's ``ParseRef``
wraps), rule for rule as written in REFERENCES.md: the text is used verbatim (no trimming, no
lower-casing); tag parsing is tried before digest parsing; a first path segment is a registry
only when it is ``localhost`` or contains ``.`` or ``:``; ``docker.io`` becomes
``index.docker.io`` and single-segment Docker Hub names gain ``library/``; the default tag is
``latest`` and never applies to digest references; ``repo:tag@digest`` is a digest reference
whose tag is dropped.

Equality and hashing consider only what names the image (registry, repository, tag, digest):
the ``original`` spelling, the ``scheme`` and the Replicate host are not part of it, so
``parse_ref("ubuntu") == parse_ref("index.docker.io/library/ubuntu:latest")``.

>>> str(parse_ref("ubuntu"))
'index.docker.io/library/ubuntu:latest'
>>> parse_ref("localhost:5000/foo").scheme
'http'
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Final

from domain.digest import Digest
from domain.errors import InvalidReferenceError

DOCKER_HUB: Final = "index.docker.io"
DOCKER_HUB_ALIAS: Final = "docker.io"
REPLICATE_HOST: Final = "r8.im"
DEFAULT_TAG: Final = "latest"

_TAG_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
_REPO_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-./")
_SHA256_HEX: Final = re.compile(r"[a-f0-9]{64}")
_LOCALHOST_SUFFIX: Final = re.compile(r".*\.localhost(?::\d{1,5})?$")
_LOOPBACK: Final = re.compile(r"127\.0\.0\.1(?::\d+)?")
_IPV6_LOOPBACK: Final = re.compile(r"::1|\[::1\](?::\d+)?")
# Characters Go's url.Parse("//" + host) keeps in the host unchanged (RFC 3986 sub-delims,
# unreserved, ':' and brackets, plus '<', '>' and '"' which Go tolerates). Non-ASCII passes.
_REGISTRY_ASCII: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:[]<>\""
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedRef:
    """A parsed image reference. Build one with :func:`parse_ref`.

    Attributes:
        registry: the registry host, e.g. ``index.docker.io`` or ``localhost:5000``.
        repository: the repository path, with ``library/`` for official Hub images.
        tag: the tag, or ``None`` for digest references.
        digest: the ``sha256:…`` digest, or ``None`` for tag references.
        scheme: ``http`` or ``https`` (Go's ``Registry.Scheme()``); not part of equality.
        replicate_host: the host :attr:`is_replicate` compares with; not part of equality.
        original: the text as given; not part of equality.
    """

    registry: str
    repository: str
    tag: str | None = None
    digest: Digest | None = None
    scheme: str = field(default="https", compare=False)
    replicate_host: str = field(default=REPLICATE_HOST, compare=False, repr=False)
    original: str = field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        """The fully qualified canonical name (Go's ``Name()``)."""
        if self.digest is not None:
            return f"{self.registry}/{self.repository}@{self.digest}"
        return f"{self.registry}/{self.repository}:{self.tag}"

    @property
    def name(self) -> str:
        """``registry/repository``, without tag or digest (Go's ``Context().Name()``)."""
        return f"{self.registry}/{self.repository}"

    @property
    def is_tag(self) -> bool:
        """Whether this is a tag reference."""
        return self.digest is None

    @property
    def is_digest(self) -> bool:
        """Whether this is a digest reference."""
        return self.digest is not None

    @property
    def is_replicate(self) -> bool:
        """Whether the registry is exactly the Replicate host (``r8.im`` unless configured)."""
        return self.registry == self.replicate_host


def parse_ref(
    text: str,
    *,
    insecure: bool = False,
    default_registry: str | None = None,
    default_tag: str | None = None,
    strict: bool = False,
    replicate_host: str = REPLICATE_HOST,
) -> ParsedRef:
    """Parse ``[registry/]repository[:tag][@digest]`` exactly as go-containerregistry does.

    Args:
        text: the reference, used verbatim.
        insecure: use ``http`` for this registry whatever its name (changes only ``scheme``).
        default_registry: registry for names without one. Default: ``index.docker.io``.
        default_tag: tag for tag references without one. Default: ``latest``.
        strict: require an explicit registry, an explicit tag (digests need none) and a
            ``/`` in Docker Hub repositories.
        replicate_host: the host :attr:`ParsedRef.is_replicate` compares with (Cog reads it
            from ``COG_REGISTRY_HOST`` at the edge). Default: ``r8.im``.

    >>> r = parse_ref("nginx:v1@sha256:" + "0" * 64)
    >>> (r.repository, r.tag, r.is_digest)
    ('library/nginx', None, True)

    Raises:
        InvalidReferenceError: ``text`` breaks the grammar; ``reason`` names the bad part.
    """
    opts = _Options(
        insecure=insecure,
        default_registry=DOCKER_HUB if default_registry is None else default_registry,
        default_tag=DEFAULT_TAG if default_tag is None else default_tag,
        strict=strict,
    )
    try:
        registry, repository, tag = _new_tag(text, opts)
    except _BadNameError as tag_error:
        try:
            registry, repository, digest = _new_digest(text, opts)
        except _BadNameError as digest_error:
            raise InvalidReferenceError(text, _pick_reason(text, tag_error, digest_error)) from None
        return ParsedRef(
            registry=registry,
            repository=repository,
            digest=digest,
            scheme=_scheme(registry, insecure=insecure),
            replicate_host=replicate_host,
            original=text,
        )
    return ParsedRef(
        registry=registry,
        repository=repository,
        tag=tag,
        scheme=_scheme(registry, insecure=insecure),
        replicate_host=replicate_host,
        original=text,
    )


# --------------------------------------------------------------------------- internals


@dataclass(frozen=True, slots=True)
class _Options:
    insecure: bool
    default_registry: str
    default_tag: str
    strict: bool


class _BadNameError(Exception):
    """A rejection inside one parsing attempt; becomes InvalidReferenceError at the top."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _pick_reason(text: str, tag_error: _BadNameError, digest_error: _BadNameError) -> str:
    # Go tries a tag first and a digest second and reports neither. The more useful reason is
    # the digest's when the text has an '@' (the user meant a digest), else the tag's.
    return digest_error.reason if "@" in text else tag_error.reason


def _new_tag(name: str, opts: _Options) -> tuple[str, str, str]:
    base, tag = name, ""
    parts = name.split(":")
    if len(parts) > 1 and "/" not in parts[-1]:
        base = ":".join(parts[:-1])
        tag = parts[-1]
        if not tag:
            raise _BadNameError("the tag after ':' is empty")
    if tag or opts.strict:
        _check_tag(tag)
    if not tag:
        tag = opts.default_tag
    registry, repository = _new_repository(base, opts)
    return registry, repository, tag


def _new_digest(name: str, opts: _Options) -> tuple[str, str, Digest]:
    parts = name.split("@")
    if len(parts) != 2:
        raise _BadNameError("a digest reference contains exactly one '@'")
    base, dig = parts
    if not dig.startswith("sha256:"):
        raise _BadNameError(
            f"digest {dig!r} must start with 'sha256:' (the only algorithm accepted)"
        )
    if not _SHA256_HEX.fullmatch(dig[7:]):
        raise _BadNameError(f"digest {dig!r} must have exactly 64 lower-case hex characters")
    try:
        registry, repository, _ = _new_tag(base, opts)
        base = f"{registry}/{repository}"
    except _BadNameError:
        pass
    registry, repository = _new_repository(base, opts)
    return registry, repository, Digest(dig)


def _new_repository(name: str, opts: _Options) -> tuple[str, str]:
    if not name:
        raise _BadNameError("the repository is empty")
    registry = ""
    repository = name
    first, slash, rest = name.partition("/")
    if slash and (first == "localhost" or "." in first or ":" in first):
        registry, repository = first, rest
    _check_repository(repository)
    if opts.strict and not registry:
        raise _BadNameError("strict mode requires an explicit registry")
    _check_registry(registry)
    if not registry:
        registry = opts.default_registry
    if registry == DOCKER_HUB_ALIAS:
        registry = DOCKER_HUB
    if registry == DOCKER_HUB and "/" not in repository:
        if opts.strict:
            raise _BadNameError(
                "strict mode requires the full repository path (missing 'library/')"
            )
        repository = f"library/{repository}"
    return registry, repository


def _check_tag(tag: str) -> None:
    if not tag:
        raise _BadNameError("the tag is empty")
    if len(tag) > 128:
        raise _BadNameError(f"the tag is {len(tag)} characters long (at most 128)")
    bad = next((c for c in tag if c not in _TAG_CHARS), None)
    if bad is not None:
        raise _BadNameError(
            f"the tag {tag!r} contains {bad!r} (allowed: letters, digits, '_', '-', '.')"
        )


def _check_repository(repository: str) -> None:
    if not repository:
        raise _BadNameError("the repository is empty")
    if len(repository) > 255:
        raise _BadNameError(f"the repository is {len(repository)} characters long (at most 255)")
    bad = next((c for c in repository if c not in _REPO_CHARS), None)
    if bad is not None:
        hint = " (upper case is not allowed)" if bad.isupper() else ""
        raise _BadNameError(
            f"the repository {repository!r} contains {bad!r}{hint} "
            "(allowed: a-z, 0-9, '_', '-', '.', '/')"
        )


def _check_registry(registry: str) -> None:
    """Go's ``url.Parse("//" + registry).Host == registry``."""
    if not registry:
        return
    for c in registry:
        if c.isascii() and c not in _REGISTRY_ASCII:
            raise _BadNameError(f"the registry {registry!r} contains {c!r}")
    if "[" in registry:
        _check_bracketed_host(registry)
        return
    _, colon, port = registry.rpartition(":")
    if (colon and port and not port.isascii()) or (colon and not port.isdigit() and port):
        raise _BadNameError(f"the registry port {port!r} is not a number")
    if "]" in registry:
        raise _BadNameError(f"the registry {registry!r} has ']' without '['")


def _check_bracketed_host(registry: str) -> None:
    if not registry.startswith("["):
        raise _BadNameError(f"the registry {registry!r} may only start with '['")
    end = registry.find("]")
    if end < 0:
        raise _BadNameError(f"the registry {registry!r} has '[' without ']'")
    host, after = registry[1:end], registry[end + 1 :]
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        raise _BadNameError(
            f"the registry {registry!r} brackets something that is not an IPv6 address"
        ) from None
    if after and not (
        after.startswith(":") and (after[1:] == "" or (after[1:].isdigit() and after[1:].isascii()))
    ):
        raise _BadNameError(f"the registry {registry!r} has a bad port after ']'")


def _scheme(registry: str, *, insecure: bool) -> str:
    if insecure:
        return "http"
    if _is_rfc1918(registry.split(":", 1)[0]):
        return "http"
    if registry.startswith("localhost:"):
        return "http"
    if _LOCALHOST_SUFFIX.match(registry):
        return "http"
    if _LOOPBACK.fullmatch(registry) or _IPV6_LOOPBACK.fullmatch(registry):
        return "http"
    return "https"


def _is_rfc1918(host: str) -> bool:
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return any(address in net for net in _RFC1918)


_RFC1918: Final = (
    ipaddress.IPv4Network("10.0.0.0/8"),
    ipaddress.IPv4Network("172.16.0.0/12"),
    ipaddress.IPv4Network("192.168.0.0/16"),
)

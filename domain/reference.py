"""Image references, parsed exactly as go-containerregistry's ``name.ParseReference`` does.

Cog's ``ParseRef`` wraps ``name.ParseReference`` (go-containerregistry HEAD, where a repository may
be one character long). The rules, transcribed from ``pkg/name`` in :mod:`domain.reference_rules`
(REFERENCES.md lists them):

* The text is used verbatim: no trimming, no lower-casing.
* Text with an ``@`` can only be a digest reference and text without one only a tag reference (no
  part of a tag reference admits ``@``), so Go's "tag first, then digest" is a dispatch on ``@``.
* A tag is what follows the last ``:`` unless that contains ``/``; 1-128 of ``[A-Za-z0-9_.-]``.
* The part before the first ``/`` is a registry when it is ``localhost`` or contains ``.`` or
  ``:``. A registry must survive Go's ``url.Parse("//" + registry).Host == registry``
  (:func:`domain.registry_host.registry_problem`). The repository is 1-255 of ``[a-z0-9_./-]``,
  counted before ``library/`` is added; its structure (``a//b``, ``-a``) is not checked.
* ``docker.io`` becomes ``index.docker.io``; a Docker Hub repository without ``/`` gains
  ``library/``. The defaults (registry ``index.docker.io``, tag ``latest``) are used verbatim.
* A digest is ``sha256:`` and 64 lower-case hex characters. In ``repo:tag@digest`` the tag is
  checked and dropped, and the name is re-parsed through Go's ``Name()``.

Equality and hashing consider only what names the image (registry, repository, tag, digest), never
the ``original`` spelling, the ``scheme`` or the Replicate host, so
``parse_ref("ubuntu") == parse_ref("index.docker.io/library/ubuntu:latest")``.

>>> str(parse_ref("ubuntu"))
'index.docker.io/library/ubuntu:latest'
>>> parse_ref("localhost:5000/foo").scheme
'http'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from domain.digest import Digest
from domain.errors import InvalidReferenceError
from domain.reference_rules import (
    DEFAULT_TAG,
    DOCKER_HUB,
    DOCKER_HUB_ALIAS,
    REPLICATE_HOST,
    ParseOptions,
    parse_reference,
)
from domain.registry_host import registry_scheme

__all__ = [
    "DEFAULT_TAG",
    "DOCKER_HUB",
    "DOCKER_HUB_ALIAS",
    "REPLICATE_HOST",
    "ParsedRef",
    "parse_ref",
]

# The fast path: shapes that are unambiguous and valid by construction. Anything else goes through
# domain.reference_rules, the transcription of Go, which is the reference (tests compare the two).
_FAST_REGISTRY: Final = re.compile(r"[A-Za-z0-9.-]*(?::[0-9]*)?").fullmatch
_FAST_REST: Final = re.compile(  # possessive: nothing here ever needs to backtrack
    r"([a-z0-9_./-]{1,255}+)(?::([A-Za-z0-9_.-]{1,128}+))?+(?:@sha256:([a-f0-9]{64}))?+"
).fullmatch
_CACHE_SIZE: Final = 4096


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
            return f"{self.name}@{self.digest}"
        return self.name if self.tag is None else f"{self.name}:{self.tag}"

    @property
    def name(self) -> str:
        """``registry/repository``, without tag or digest (Go's ``Context().Name()``)."""
        # Go's Repository.Name() drops the '/' when the registry is empty, which only an
        # explicitly empty default registry can cause.
        return f"{self.registry}/{self.repository}" if self.registry else self.repository

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
        default_registry: registry for names without one, used verbatim. Default:
            ``index.docker.io``.
        default_tag: tag for tag references without one, used verbatim. Default: ``latest``.
        strict: require an explicit registry, an explicit tag (digests need none) and a
            ``/`` in Docker Hub repositories.
        replicate_host: the host :attr:`ParsedRef.is_replicate` compares with (Cog reads it
            from ``COG_REGISTRY_HOST`` at the edge). Default: ``r8.im``.

    Results for the default options are memoised (a ParsedRef is immutable).

    >>> r = parse_ref("nginx:v1@sha256:" + "0" * 64)
    >>> (r.repository, r.tag, r.is_digest)
    ('library/nginx', None, True)

    Raises:
        InvalidReferenceError: ``text`` breaks the grammar; ``reason`` names the bad part.
    """
    if (
        insecure
        or strict
        or default_registry is not None
        or default_tag is not None
        or replicate_host != REPLICATE_HOST
    ):
        return _parse(
            text,
            ParseOptions(
                insecure=insecure,
                default_registry=DOCKER_HUB if default_registry is None else default_registry,
                default_tag=DEFAULT_TAG if default_tag is None else default_tag,
                strict=strict,
                replicate_host=replicate_host,
            ),
        )
    ref = _CACHE.get(text)
    if ref is None:
        ref = _parse_fast(text) or _parse(text, _DEFAULTS)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()  # cheaper than LRU bookkeeping on every miss; refills in one pass
        _CACHE[text] = ref
    return ref


# --------------------------------------------------------------------------- internals


_DEFAULTS: Final = ParseOptions(
    insecure=False,
    default_registry=DOCKER_HUB,
    default_tag=DEFAULT_TAG,
    strict=False,
    replicate_host=REPLICATE_HOST,
)
_CACHE: dict[str, ParsedRef] = {}
_SCHEMES: dict[str, str] = {}

# A private constructor: ParsedRef's generated __init__ goes through the frozen __setattr__ guard
# field by field; writing the slots directly is the same result at less than half the cost.
_new = object.__new__
_str_new = str.__new__
_set_registry = ParsedRef.__dict__["registry"].__set__
_set_repository = ParsedRef.__dict__["repository"].__set__
_set_tag = ParsedRef.__dict__["tag"].__set__
_set_digest = ParsedRef.__dict__["digest"].__set__
_set_scheme = ParsedRef.__dict__["scheme"].__set__
_set_replicate_host = ParsedRef.__dict__["replicate_host"].__set__
_set_original = ParsedRef.__dict__["original"].__set__


def _make(  # noqa: PLR0917 - positional on purpose: this is the hot path
    registry: str,
    repository: str,
    tag: str | None,
    digest: Digest | None,
    scheme: str,
    replicate_host: str,
    original: str,
) -> ParsedRef:
    ref: ParsedRef = _new(ParsedRef)
    _set_registry(ref, registry)
    _set_repository(ref, repository)
    _set_tag(ref, tag)
    _set_digest(ref, digest)
    _set_scheme(ref, scheme)
    _set_replicate_host(ref, replicate_host)
    _set_original(ref, original)
    return ref


def _parse_fast(text: str) -> ParsedRef | None:
    """The common shapes under default options, or None to take the general path."""
    registry = DOCKER_HUB
    rest = text
    slash = text.find("/")
    if slash >= 0:
        first = text[:slash]
        if "." in first or ":" in first or first == "localhost":
            if _FAST_REGISTRY(first) is None:
                return None
            registry = DOCKER_HUB if first == DOCKER_HUB_ALIAS else first
            rest = text[slash + 1 :]
    match = _FAST_REST(rest)
    if match is None:
        return None
    repository, tag, hex_digest = match.groups()
    if registry == DOCKER_HUB:
        scheme = "https"
        if "/" not in repository:
            repository = "library/" + repository
    else:
        scheme = _SCHEMES.get(registry) or _remember_scheme(registry)
    if hex_digest is not None:
        if len(repository) > 255:  # Go re-parses Name(), where 'library/' counts
            return None
        tag = None
        digest = _str_new(Digest, text[-71:])  # 'sha256:' + 64 hex, checked by the regex
    else:
        tag = tag or DEFAULT_TAG
        digest = None
    # _make(), inlined: this function is the hot path.
    ref: ParsedRef = _new(ParsedRef)
    _set_registry(ref, registry)
    _set_repository(ref, repository)
    _set_tag(ref, tag)
    _set_digest(ref, digest)
    _set_scheme(ref, scheme)
    _set_replicate_host(ref, REPLICATE_HOST)
    _set_original(ref, text)
    return ref


def _remember_scheme(registry: str) -> str:
    # Few registries recur across many references; their scheme is a pure function of the name.
    if len(_SCHEMES) >= _CACHE_SIZE:
        _SCHEMES.clear()
    scheme = _SCHEMES[registry] = registry_scheme(registry)
    return scheme


def _parse(text: str, opts: ParseOptions) -> ParsedRef:
    """The general path: Go's ParseReference, statement for statement."""
    parsed = parse_reference(text, opts)
    if isinstance(parsed, str):
        raise InvalidReferenceError(text, parsed)
    registry, repository, tag, digest = parsed
    scheme = "http" if opts.insecure else registry_scheme(registry)
    return _make(registry, repository, tag, digest, scheme, opts.replicate_host, text)

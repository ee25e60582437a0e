"""Image references, parsed exactly as go-containerregistry's ``pkg/name`` parses them.

Cog's ``ParseRef`` wraps ``name.ParseReference`` (go-containerregistry HEAD, where a repository
may be one character long). Below :func:`parse_ref`, this module is that package in Python, one
function per Go function in Go's order (``ref.go``, ``tag.go``, ``digest.go``, ``repository.go``,
``registry.go``, ``check.go``), each stating its rule, so the two read side by side. The text is
used verbatim (no trimming, no lower-casing), and so are the defaults. REFERENCES.md lists every
rule with examples.

Equality and hashing consider only what names the image (registry, repository, tag, digest),
never the ``original`` spelling, the ``scheme`` or the Replicate host. Under the default options
``parse_ref`` asks ``domain._reference_fast`` first (a memo, and one regular expression for the
common shapes); the property tests hold it equal to the rules here.

>>> str(parse_ref("ubuntu"))
'index.docker.io/library/ubuntu:latest'
>>> parse_ref("ubuntu") == parse_ref("docker.io/library/ubuntu:latest")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from domain import _reference_fast
from domain.digest import Digest
from domain.errors import InvalidReferenceError
from domain.registry_host import registry_problem, registry_scheme

__all__ = [
    "DEFAULT_TAG",
    "DOCKER_HUB",
    "DOCKER_HUB_ALIAS",
    "REPLICATE_HOST",
    "ParsedRef",
    "parse_ref",
]

DOCKER_HUB: Final = "index.docker.io"  # Go's DefaultRegistry
DOCKER_HUB_ALIAS: Final = "docker.io"  # renamed DOCKER_HUB
DEFAULT_TAG: Final = "latest"
REPLICATE_HOST: Final = "r8.im"

_TAG_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
_REPOSITORY_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-./")
_HEX64: Final = re.compile(r"[a-f0-9]{64}").fullmatch


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
        original: the text as given (Go's ``String()``); not part of equality.
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
        return _name(self.registry, self.repository)

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

    >>> r = parse_ref("nginx:v1@sha256:" + "0" * 64)
    >>> (r.repository, r.tag, r.is_digest)
    ('library/nginx', None, True)

    Raises:
        InvalidReferenceError: ``text`` breaks the grammar; ``reason`` names the bad part.
    """
    defaults = default_registry is None and default_tag is None and replicate_host == REPLICATE_HOST
    if defaults and not insecure and not strict:
        return _MEMO[text]  # a miss parses (fast path, else the rules below)
    registry = DOCKER_HUB if default_registry is None else default_registry
    tag = DEFAULT_TAG if default_tag is None else default_tag
    return _parse(text, _Options(insecure, registry, tag, strict, replicate_host))


class _Options(NamedTuple):
    """Go's ``name.Option`` values (``options.go``), with the defaults filled in."""

    insecure: bool
    default_registry: str
    default_tag: str
    strict: bool
    replicate_host: str


_DEFAULTS: Final = _Options(False, DOCKER_HUB, DEFAULT_TAG, False, REPLICATE_HOST)


class _BadNameError(ValueError):
    """Go's ``ErrBadName``: why a part is rejected. parse_ref reports it for the whole text."""


def _parse(text: str, opts: _Options) -> ParsedRef:
    """``ParseReference`` (``ref.go``): a tag reference, or else a digest reference."""
    # Go tries NewTag first and NewDigest second. No part of a tag reference admits '@' and a
    # digest reference needs one, so the '@' says which of the two can succeed, and whose
    # reason to report when neither does.
    try:
        if "@" in text:
            registry, repository, digest = _new_digest(text, opts)
            tag = None
        else:
            registry, repository, tag = _new_tag(text, opts)
            digest = None
    except _BadNameError as error:
        raise InvalidReferenceError(text, str(error)) from None
    return ParsedRef(
        registry=registry,
        repository=repository,
        tag=tag,
        digest=digest,
        scheme="http" if opts.insecure else registry_scheme(registry),
        replicate_host=opts.replicate_host,
        original=text,
    )


def _new_tag(name: str, opts: _Options) -> tuple[str, str, str]:
    """``NewTag`` (``tag.go``): (registry, repository, tag); a tag is 1-128 of [A-Za-z0-9_.-]."""
    base, tag = _split_tag(name)
    if tag == "":
        raise _BadNameError("the tag after ':' is empty")
    if tag is not None:
        _check_element("tag", tag, _TAG_CHARS, "A-Z a-z 0-9 _ . -", 128)
    elif opts.strict:
        raise _BadNameError("strict mode requires an explicit tag")
    else:
        tag = opts.default_tag
    registry, repository = _new_repository(base, opts)
    return registry, repository, tag


def _split_tag(name: str) -> tuple[str, str | None]:
    """Go splits on every ``:``; the last piece is the tag unless it contains ``/``."""
    base, colon, tag = name.rpartition(":")
    if not colon or "/" in tag:
        return name, None
    return base, tag


def _new_digest(name: str, opts: _Options) -> tuple[str, str, Digest]:
    """``NewDigest`` (``digest.go``): (registry, repository, digest).

    Exactly one ``@``, then ``sha256:`` and 64 lower-case hex characters. In ``repo:tag@digest``
    the tag is checked, then dropped.
    """
    parts = name.split("@")
    if len(parts) != 2:
        raise _BadNameError(f"a digest reference contains exactly one '@', not {len(parts) - 1}")
    base, digest = parts
    if not digest.startswith("sha256:"):  # digest.Canonical, the only algorithm accepted
        raise _BadNameError(
            f"the digest {digest!r} must start with 'sha256:' (the only algorithm accepted)"
        )
    if _HEX64(digest[7:]) is None:
        raise _BadNameError(
            f"the digest {digest!r} must have exactly 64 lower-case hex characters after 'sha256:'"
        )
    tag_error = None
    try:
        registry, repository, _ = _new_tag(base, opts)
    except _BadNameError as error:
        tag_error = error
    else:
        base = _name(registry, repository)  # Go re-parses Name(): 'library/' and defaults in
    try:
        registry, repository = _new_repository(base, opts)
    except _BadNameError:
        # When 'repo:tag' failed, its reason names the real problem ('nginx:bad!@…' has a bad
        # tag), where the re-read as a bare repository would only complain about the ':'.
        if tag_error is not None and _split_tag(base)[1] is not None:
            raise tag_error from None
        raise
    return registry, repository, str.__new__(Digest, digest)  # checked above, as Go checks it


def _new_repository(name: str, opts: _Options) -> tuple[str, str]:
    """``NewRepository`` (``repository.go``): (registry, repository with ``library/``).

    1-255 of ``[a-z0-9_./-]``, counted before ``library/`` is added; its structure is not
    checked (``a//b`` and ``-a`` pass).
    """
    if not name:
        raise _BadNameError("the repository is empty")
    registry, repository = "", name
    first, slash, rest = name.partition("/")
    # The first part names a registry only if it is localhost or contains '.' or ':';
    # otherwise it is all repository, on the default registry.
    if slash and (first == "localhost" or "." in first or ":" in first):
        registry, repository = first, rest
    _check_element("repository", repository, _REPOSITORY_CHARS, "a-z 0-9 _ . - /", 255)
    registry = _new_registry(registry, opts)
    if registry == DOCKER_HUB and "/" not in repository:  # hasImplicitNamespace
        if opts.strict:
            raise _BadNameError(
                "strict mode requires the full Docker Hub repository path ('library/…')"
            )
        repository = "library/" + repository
    return registry, repository


def _new_registry(name: str, opts: _Options) -> str:
    """``NewRegistry`` (``registry.go``): valid when Go's ``url.Parse("//" + name).Host`` gives
    it back (``checkRegistry``); empty means the default; ``docker.io`` is renamed."""
    if opts.strict and not name:
        raise _BadNameError("strict mode requires an explicit registry")
    problem = registry_problem(name)
    if problem:
        raise _BadNameError(f"the registry {name!r} {problem}")
    if not name:
        name = opts.default_registry
    return DOCKER_HUB if name == DOCKER_HUB_ALIAS else name


def _check_element(what: str, element: str, allowed: frozenset[str], shown: str, most: int) -> None:
    """``checkElement`` (``check.go``): 1 to ``most`` characters, all from ``allowed``."""
    # Go counts runes; a Python str holds code points, which is the same count.
    if not element:
        raise _BadNameError(f"the {what} is empty")
    if len(element) > most:
        raise _BadNameError(f"the {what} is {len(element)} characters long (at most {most})")
    if not allowed.issuperset(element):
        bad = next(c for c in element if c not in allowed)
        hint = ", no upper case" if bad.isupper() and what == "repository" else ""
        raise _BadNameError(f"the {what} {element!r} contains {bad!r} (allowed: {shown}{hint})")


def _name(registry: str, repository: str) -> str:
    """``Repository.Name()``; without a registry (an empty default), no ``/``."""
    return f"{registry}/{repository}" if registry else repository


# The default options are what nearly every caller uses: a memo (a ParsedRef is immutable) and a
# fast path for the common shapes answer them, and hand everything else to the rules above.
_MEMO: Final = _reference_fast.ParsedMemo(ParsedRef, rules=lambda text: _parse(text, _DEFAULTS))

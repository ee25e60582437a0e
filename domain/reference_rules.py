"""go-containerregistry's ``pkg/name`` parsing, statement for statement.

This is the reference semantics of :func:`domain.reference.parse_ref`: ``parse_reference`` follows
Go's ``ParseReference`` → ``NewTag``/``NewDigest`` → ``NewRepository`` → ``NewRegistry`` in order,
with each check (``checkTag``, ``checkRepository``, ``checkRegistry``) in the same place. The fast
path in ``domain.reference`` only handles shapes whose reading here is certain, and the property
tests require the two to agree. Results are plain tuples; ``domain.reference`` builds the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from domain.digest import Digest
from domain.registry_host import registry_problem

DOCKER_HUB: Final = "index.docker.io"
DOCKER_HUB_ALIAS: Final = "docker.io"
REPLICATE_HOST: Final = "r8.im"
DEFAULT_TAG: Final = "latest"

_TAG_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
_REPO_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-./")
_HEX64: Final = re.compile(r"[a-f0-9]{64}").fullmatch
_str_new = str.__new__


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """Go's name.Option values, with the defaults already filled in."""

    insecure: bool
    default_registry: str
    default_tag: str
    strict: bool
    replicate_host: str


Parsed = tuple[str, str, str | None, Digest | None]
"""(registry, repository with ``library/``, tag or None, digest or None)."""


def parse_reference(text: str, opts: ParseOptions) -> Parsed | str:
    """Go's ``ParseReference``: the parts, or (a plain string) why ``text`` is rejected.

    Text with an ``@`` can only be a digest reference (no part of a tag reference admits ``@``)
    and text without one only a tag reference, so "tag first, then digest" is a dispatch.
    """
    return _new_digest(text, opts) if "@" in text else _new_tag(text, opts)


# Each step returns its result or, as a plain string, the reason it rejects the text: Go's
# NewDigest tries NewTag and falls back on failure, which is ordinary control flow, not an error.


def _new_tag(name: str, opts: ParseOptions) -> Parsed | str:
    base, tag = name, ""
    colon = name.rfind(":")
    # Go splits on every ':' and takes the last piece as the tag unless it contains '/'.
    if colon >= 0 and "/" not in name[colon + 1 :]:
        base, tag = name[:colon], name[colon + 1 :]
        if not tag:
            return "the tag after ':' is empty"
    if tag:
        problem = _tag_problem(tag)
        if problem:
            return problem
    elif opts.strict:
        return "strict mode requires an explicit tag"
    else:
        tag = opts.default_tag
    repository = _new_repository(base, opts)
    if isinstance(repository, str):
        return repository
    return repository[0], repository[1], tag, None


def _new_digest(name: str, opts: ParseOptions) -> Parsed | str:
    parts = name.split("@")
    if len(parts) != 2:
        return f"a digest reference contains exactly one '@', not {len(parts) - 1}"
    base, dig = parts
    if not dig.startswith("sha256:"):
        return f"the digest {dig!r} must start with 'sha256:' (the only algorithm accepted)"
    if _HEX64(dig[7:]) is None:
        return f"the digest {dig!r} must have exactly 64 lower-case hex characters after 'sha256:'"
    tagged = _new_tag(base, opts)
    if not isinstance(tagged, str):
        # Go re-parses the tag reference's Name() ('library/' and defaults included).
        base = f"{tagged[0]}/{tagged[1]}" if tagged[0] else tagged[1]
    repository = _new_repository(base, opts)
    if isinstance(repository, str):
        # When 'repo:tag' failed, its reason names the real problem ('nginx:bad!@…' has a bad
        # tag), where the re-read as a bare repository would only complain about the ':'.
        colon = base.rfind(":")
        has_tag = colon >= 0 and "/" not in base[colon + 1 :]
        return tagged if isinstance(tagged, str) and has_tag else repository
    return repository[0], repository[1], None, _str_new(Digest, dig)


def _new_repository(name: str, opts: ParseOptions) -> tuple[str, str] | str:
    if not name:
        return "the repository is empty"
    registry, repository = "", name
    slash = name.find("/")
    if slash >= 0:
        first = name[:slash]
        if first == "localhost" or "." in first or ":" in first:
            registry, repository = first, name[slash + 1 :]
    problem = _repository_problem(repository)
    if problem:
        return problem
    if opts.strict and not registry:
        return "strict mode requires an explicit registry"
    problem = registry_problem(registry)
    if problem:
        return f"the registry {registry!r} {problem}"
    if not registry:
        registry = opts.default_registry
    if registry == DOCKER_HUB_ALIAS:
        registry = DOCKER_HUB
    if registry == DOCKER_HUB and "/" not in repository:
        if opts.strict:
            return "strict mode requires the full Docker Hub repository path ('library/…')"
        repository = "library/" + repository
    return registry, repository


def _tag_problem(tag: str) -> str | None:
    if len(tag) > 128:
        return f"the tag is {len(tag)} characters long (at most 128)"
    bad = next((c for c in tag if c not in _TAG_CHARS), None)
    if bad is not None:
        return f"the tag {tag!r} contains {bad!r} (allowed: A-Z a-z 0-9 _ . -)"
    return None


def _repository_problem(repository: str) -> str | None:
    # Go counts runes; a Python str holds code points, which is the same count.
    if not repository:
        return "the repository is empty"
    if len(repository) > 255:
        return f"the repository is {len(repository)} characters long (at most 255)"
    bad = next((c for c in repository if c not in _REPO_CHARS), None)
    if bad is not None:
        hint = ", no upper case" if bad.isupper() else ""
        return f"the repository {repository!r} contains {bad!r} (allowed: a-z 0-9 _ . - /{hint})"
    return None

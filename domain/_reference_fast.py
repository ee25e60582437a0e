"""The fast path of :func:`domain.reference.parse_ref` under its default options.

``domain.reference`` holds the rules, one function per Go function. They are exact, and cost
several microseconds a reference, spent on generic steps: splitting the text again at each
level, checking each part character by character, building a frozen dataclass field by field.
Nearly every caller uses the default options; for those, this module gives the same answer in
fewer steps:

1. a small memo of recent answers (a ParsedRef is immutable, so handing one out twice is safe);
2. one regular expression that recognises the common shapes, ``[registry/]repository[:tag]``
   ``[@sha256:<64 hex>]`` with a registry of ASCII letters, digits, ``.`` and ``-`` and an
   optional numeric port, and a repository of ``[a-z0-9_./-]``: text the rules accept, and read
   one way only;
3. the rules themselves for everything else: rarer registries (``[::1]``, ``a$b.com``, ``ü.io``),
   and every rejection, with its reason.

It decides nothing the rules do not: ``tests/property/test_reference_properties.py`` holds
``parse_ref`` equal to the rules, field by field, on generated references and arbitrary text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from domain.digest import Digest
from domain.registry_host import registry_scheme

if TYPE_CHECKING:
    from domain.reference import ParsedRef

MEMO_SIZE: Final = 256
"""Answers kept. Small on purpose: a memo that outgrows the CPU caches slows every cold parse
(measured: 4096 entries cost a fifth of cold throughput), and reuse is of recent names."""

# domain.reference's DOCKER_HUB, DOCKER_HUB_ALIAS, DEFAULT_TAG and REPLICATE_HOST (imported from
# there, they would make a cycle: that module builds its memo from this one).
_HUB: Final = "index.docker.io"
_HUB_NAMES: Final = frozenset({_HUB, "docker.io"})
_DEFAULT_TAG: Final = "latest"
_REPLICATE_HOST: Final = "r8.im"

# Possessive quantifiers, and branches that exclude each other: nothing here ever backtracks.
_COMMON_SHAPE: Final = re.compile(
    r"""
    (?:
        # The first part is a registry when it contains ':' or '.', or is localhost
        # (repository.go); these spellings are ones Go's url.Parse gives back unchanged.
        (?P<registry>
            [A-Za-z0-9.-]*+ : [0-9]*+
          | [A-Za-z0-9-]*+ \. [A-Za-z0-9.-]*+
          | localhost
        ) /
      |
        # Otherwise the repository is on Docker Hub: its first part, if a '/' ends it, must not
        # look like a registry (a repository has no ':', so no ':' test is needed).
        (?! localhost/ | [a-z0-9_-]*+ \. [a-z0-9_.-]*+ / )
    )
    (?P<repository> [a-z0-9_./-]{1,255}+ )
    (?: : (?P<tag> [A-Za-z0-9_.-]{1,128}+ ) )?+
    (?: @ (?P<digest> sha256: [a-f0-9]{64} ) )?+
    """,
    re.VERBOSE,
).fullmatch


class _Draft:
    """ParsedRef's slots without its frozen guard: filled in, then turned into a ParsedRef.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` to get past
    its own guard, which takes longer than the rest of a cold parse. Plain attribute stores into
    the same slots, then one ``__class__`` assignment, make the identical object in a fraction
    of the time. Python allows that assignment only between classes of the same layout, and
    :class:`ParsedMemo` checks that the slots agree.
    """

    __slots__ = ("digest", "original", "registry", "replicate_host", "repository", "scheme", "tag")


class ParsedMemo(dict[str, "ParsedRef"]):
    """parse_ref's answers under the default options, by text: ``memo[text]``.

    A miss parses: the common shapes here, everything else by ``rules``. As a dict subclass, a
    hit is answered without running any Python code.
    """

    __slots__ = ("_ref_type", "_rules", "_schemes")

    def __init__(self, ref_type: type[ParsedRef], rules: Callable[[str], ParsedRef]) -> None:
        """``ref_type`` is ParsedRef and ``rules`` parses with the default options; both come
        from ``domain.reference`` (this module cannot import them: that would be a cycle)."""
        super().__init__()
        if set(ref_type.__slots__) != set(_Draft.__slots__):
            raise TypeError(f"{ref_type.__name__} changed its fields; update _Draft to match")
        self._ref_type = ref_type
        self._rules = rules
        self._schemes: dict[str, str] = {}

    def __missing__(self, text: str) -> ParsedRef:
        """Parse ``text``, remember the answer and return it (a rejection raises)."""
        match = _COMMON_SHAPE(text)
        if match is None:
            return self._remember(text, self._rules(text))
        registry, repository, tag, digest = match.groups()
        if registry is None or registry in _HUB_NAMES:
            registry, scheme = _HUB, "https"
            if "/" not in repository:
                repository = "library/" + repository
                if digest is not None and len(repository) > 255:
                    # A digest reference re-parses Name(), where 'library/' counts towards
                    # the 255 characters: the rules reject it, and say why.
                    return self._remember(text, self._rules(text))
        else:
            scheme = self._schemes.get(registry) or self._remember_scheme(registry)
        draft: Any = _Draft()
        draft.registry = registry
        draft.repository = repository
        if digest is None:
            draft.tag = tag or _DEFAULT_TAG
            draft.digest = None
        else:
            draft.tag = None
            draft.digest = _new_str(Digest, digest)  # checked by the expression
        draft.scheme = scheme
        draft.replicate_host = _REPLICATE_HOST
        draft.original = text
        draft.__class__ = self._ref_type
        # _remember(), inlined: the path every new reference of a common shape takes.
        if len(self) >= MEMO_SIZE:
            self.clear()
        self[text] = draft
        return draft  # type: ignore[no-any-return]

    def _remember(self, text: str, ref: ParsedRef) -> ParsedRef:
        if len(self) >= MEMO_SIZE:
            self.clear()  # cheaper than LRU bookkeeping on every miss; refills in one pass
        self[text] = ref
        return ref

    def _remember_scheme(self, registry: str) -> str:
        # Few registries recur across many references, and the scheme depends on the name alone.
        if len(self._schemes) >= MEMO_SIZE:
            self._schemes.clear()
        scheme = self._schemes[registry] = registry_scheme(registry)
        return scheme


_new_str: Final = str.__new__

""".dockerignore patterns, with the Docker engine's meaning.

A pattern is matched against a path relative to the context root, using ``/`` as separator.
The rules are those of the engine (moby's pattern matcher), not gitignore's:

* a UTF-8 byte order mark is dropped; lines whose first character is ``#`` are comments (a
  ``#`` after leading spaces is a pattern); blank lines are skipped; ``!`` makes an exception;
* a pattern is cleaned like a path (``./a//b/`` is ``a/b``) and loses a leading ``/``;
* ``*`` matches within one path segment, ``?`` one character of a segment, ``**`` any number of
  segments (``**/x`` also matches ``x``); ``[...]`` is a character class; ``\\`` escapes;
* a pattern that matches a directory also matches everything under it;
* the last pattern that matches decides, so ``!`` lines re-include what earlier lines excluded.

The build context cogmodel sends keeps the project under ``src/`` (see
:mod:`adapters.dockerfile.context`); :func:`rewrite_under` moves a project's patterns there so the
engine applies them to exactly the files it applied them to before.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True, slots=True, kw_only=True)
class IgnorePattern:
    """One cleaned pattern; ``exception`` for a ``!`` line."""

    text: str
    exception: bool = False
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", re.compile(_translate(self.text)))

    def matches(self, path: str) -> bool:
        """Whether the pattern matches ``path`` or one of its parent directories."""
        parts = path.split("/")
        return any(self._regex.fullmatch("/".join(parts[:end])) for end in range(len(parts), 0, -1))


def parse_patterns(text: str) -> tuple[IgnorePattern, ...]:
    """The patterns of a ``.dockerignore`` file, cleaned as the engine cleans them.

    >>> [p.text for p in parse_patterns("# c\\n/build/\\n!build/keep\\n./a//b\\n")]
    ['build', 'build/keep', 'a/b']
    """
    patterns: list[IgnorePattern] = []
    for raw in text.removeprefix("\ufeff").split("\n"):  # lines as Go's scanner splits them
        line = raw.strip()
        if not line or raw.startswith("#"):  # the engine tests for comments before trimming
            continue
        exception = line.startswith("!")
        if exception:
            line = line[1:].strip()
        if not line:
            continue
        cleaned = posixpath.normpath(line)
        if len(cleaned) > 1 and cleaned.startswith("/"):
            cleaned = cleaned.lstrip("/") or "."
        patterns.append(IgnorePattern(text=cleaned, exception=exception))
    return tuple(patterns)


def is_excluded(patterns: Sequence[IgnorePattern], path: str) -> bool:
    """Whether the engine leaves ``path`` (relative, ``/``-separated) out of the context."""
    excluded = False
    for pattern in patterns:
        if pattern.matches(path):
            excluded = not pattern.exception
    return excluded


def can_skip_directory(patterns: Sequence[IgnorePattern], path: str) -> bool:
    """Whether nothing under the directory ``path`` can reach the context.

    True only when the directory is excluded and no exception pattern exists at all: an
    exception could re-include something inside it (the same caution the docker CLI takes).
    """
    return is_excluded(patterns, path) and not any(p.exception for p in patterns)


def rewrite_under(patterns: Iterable[IgnorePattern], prefix: str) -> str:
    """A ``.dockerignore`` body that applies ``patterns`` to the directory ``prefix``.

    Patterns that climb out of the context (``../x``) can match nothing and are dropped.

    >>> print(rewrite_under(parse_patterns("*.pyc\\n!keep.pyc\\n**/.git\\n.\\n"), "src"), end="")
    src/*.pyc
    !src/keep.pyc
    src/**/.git
    src
    """
    lines: list[str] = []
    for pattern in patterns:
        if pattern.text == ".." or pattern.text.startswith("../"):
            continue
        moved = prefix if pattern.text == "." else f"{prefix}/{pattern.text}"
        lines.append(("!" if pattern.exception else "") + moved)
    return "\n".join(lines) + ("\n" if lines else "")


def _translate(pattern: str) -> str:
    """The regular expression the engine builds for ``pattern`` (anchored by fullmatch)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")  # "**/" may also match no directory at all
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        elif char == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end]
            negated = body.startswith("^")
            out.append("[" + ("^" if negated else "") + body[negated:].replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(_SINGLE.get(char) or re.escape(char))
        i += 1
    return "".join(out)


_SINGLE: Final = {"*": "[^/]*", "?": "[^/]"}

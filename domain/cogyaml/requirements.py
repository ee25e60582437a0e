"""pip requirement lines, read and rewritten the way Cog does it.

Reading (Cog's ``ReadRequirements``): lines ending in ``\\`` continue on the next line, CRLF is
accepted, lines are trimmed, ``#`` lines and ``-e .`` are skipped, a ``#`` anywhere cuts the rest
of the line (so ``pkg @ url#egg=x`` loses its fragment), empty lines go; option lines
(``-f url``, ``--extra-index-url=…``) are kept.

A line's package name is its leading ``[A-Za-z0-9_.-]+`` with an optional ``[extras]`` suffix
(so ``torch[x]==1`` is not ``torch``); its version is the first ``[<>=!~]=?`` operand or the
target of ``@``; a bare name is "present, no version".

:func:`python_requirements_for_arch` writes the ``requirements.txt`` Cog puts in the build
context: pinned torch, torchvision and tensorflow lines are rewritten for the GPU/CPU build
(:mod:`domain.cogyaml.framework_packages`) and the index URLs they need come first.

>>> parse_requirements_text("torch==2.1 \\\\\\n  --hash=x  # pinned\\n-e .\\n")
('torch==2.1   --hash=x  ',)
>>> requirement_name_version("torch>=2.0,<3")
('torch', '2.0')
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from domain.cogyaml.framework_packages import package_for_arch
from domain.cogyaml.local_artifacts import is_local_artifact
from domain.cogyaml.models import CogConfig

# Go's strings.TrimSpace (Unicode White_Space) and RE2's ASCII-only \s.
_GO_SPACE = " \t\n\v\f\r\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    map(chr, range(0x2000, 0x200B))
)
_S = r"[\t\n\f\r ]"
_EDITABLE_SELF = re.compile(rf"{_S}*-e{_S}+\.{_S}*")
_NAME = re.compile(r"[a-zA-Z0-9_\-.]+(?:\[[^\]]+\])?")
_VERSION = re.compile(rf"[<>=!~]=?{_S}*([^\t\n\f\r ,;|]+)")
_URL = re.compile(rf"@{_S}*([^\t\n\f\r ]+)")
_PINNED = re.compile(
    rf"([a-zA-Z0-9\-_]+)==([^ ]+)|--find-links=([^\t\n\f\r ]+)|-f{_S}+([^\t\n\f\r ]+)"
    rf"|--extra-index-url=([^\t\n\f\r ]+)"
)


def parse_requirements_text(text: str) -> tuple[str, ...]:
    """The requirement lines of a requirements file, as Cog keeps them in memory."""
    lines = []
    for raw in _logical_lines(text):
        line = raw.strip(_GO_SPACE)
        if line.startswith("#") or _EDITABLE_SELF.fullmatch(line):
            continue
        line = line.partition("#")[0]
        if line:
            lines.append(line)
    return tuple(lines)


def effective_requirements(config: CogConfig, file_lines: Sequence[str]) -> tuple[str, ...]:
    """What Cog installs: ``build.python_packages`` if set (back-compat), else the file's lines."""
    return config.build.python_packages or tuple(file_lines)


def requirement_name_version(line: str) -> tuple[str, str]:
    """The package name (``""`` for option lines) and first version (``""`` if none) of a line."""
    match = _NAME.match(line)
    versions = [m.group(1) for m in _VERSION.finditer(line)]
    url = _URL.search(line)
    if url:
        versions.append(url.group(1))
    return (match.group(0) if match else ""), (versions[0] if versions else "")


def package_version(requirements: Sequence[str], name: str) -> str | None:
    """The version of the first requirement named ``name``.

    ``""`` when it has no version, ``None`` when no requirement has that name. Local package
    artifacts are files, never packages (``torch==custom.whl`` is not torch), as in Cog HEAD.
    """
    for line in requirements:
        if is_local_artifact(line):
            continue
        found, version = requirement_name_version(line)
        if found == name:
            return version
    return None


def contains_coglet(requirements: Sequence[str]) -> bool:
    """Whether a ``coglet`` requirement is present, in any form (Cog then skips its own runtime)."""
    return package_version(requirements, "coglet") is not None


def split_pinned(line: str) -> tuple[str, str, tuple[str, ...], tuple[str, ...]] | None:
    """``(name, version, find_links, extra_index_urls)`` of a ``name==version`` line, else None.

    Cog's ``SplitPinnedPythonRequirement``: the last ``name==version`` found anywhere in the line,
    plus the ``--find-links=``/``-f``/``--extra-index-url=`` options on it.
    """
    name = version = ""
    find_links: list[str] = []
    extra_index_urls: list[str] = []
    for match in _PINNED.finditer(line):
        pin_name, pin_version, links, short_links, index = match.groups()
        name, version = pin_name or name, pin_version or version
        find_links += [url for url in (links, short_links) if url]
        extra_index_urls += [index] if index else []
    if not name or not version:
        return None
    return name, version, tuple(find_links), tuple(extra_index_urls)


def python_requirements_for_arch(
    config: CogConfig,
    requirements: Sequence[str],
    *,
    goos: str = "linux",
    goarch: str = "amd64",
    include: Sequence[str] = (),
) -> str:
    """The ``requirements.txt`` Cog writes into the build context (no trailing newline).

    Each line is rewritten for the platform (pinned lines become exactly ``name==version``;
    unpinned lines and local package artifacts pass verbatim), ``include`` packages not already
    present by name are appended, and the collected ``--find-links``/``--extra-index-url``
    lines come first, in the order first seen (Cog's order is that of a Go map, i.e. unspecified).
    """
    packages: list[str] = []
    find_links: dict[str, None] = {}
    index_urls: dict[str, None] = {}
    pending = list(include)
    for line in requirements:
        if is_local_artifact(line):
            packages.append(line)  # a file: no matrix lookup, and no package name
            continue
        pinned = split_pinned(line)
        links: tuple[str, ...]
        indexes: tuple[str, ...]
        if pinned is None:
            package, links, indexes = line, (), ()
        elif pinned[3]:  # the line names its own index: no matrix lookup
            package, links, indexes = f"{pinned[0]}=={pinned[1]}", pinned[2], pinned[3]
        else:
            package, links, indexes = package_for_arch(
                config.build, pinned[0], pinned[1], goos, goarch
            )
            links = links or pinned[2]  # the matrix's find-links page replaces the line's own
        packages.append(package)
        find_links |= dict.fromkeys(links)
        index_urls |= dict.fromkeys(indexes)
        name = requirement_name_version(package)[0]
        names = [requirement_name_version(extra)[0] for extra in pending]
        if name and name in names:
            del pending[names.index(name)]
    lines = [f"--find-links {url}" for url in find_links]
    lines += [f"--extra-index-url {url}" for url in index_urls]
    return "\n".join([*lines, *packages, *pending])


def _logical_lines(text: str) -> Iterator[str]:
    """Go's ``scanLinesWithContinuations``, quirks included (an empty segment does not move
    the start, so it is glued to the next line, whose trimming then removes it)."""
    line, start = "", 0
    newline = text.find("\n")
    while newline >= 0:
        end = newline - 1 if newline > 0 and text[newline - 1] == "\r" else newline
        line += text[start:end]
        if line.endswith("\\"):
            line, start = line[:-1], newline + 1
        elif line:
            yield line
            line, start = "", newline + 1
        newline = text.find("\n", newline + 1)
    line += text[start:]
    if line.endswith("\r"):
        line = line[:-1]
    if line:
        yield line

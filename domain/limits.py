"""Every limit cogmodel puts on untrusted input, in one place.

cog.yaml, a predictor's sources, image labels and ``--openapi-schema`` files come from people
and registries cogmodel does not control. Each parser here works in time and memory bounded by
the limits below and refuses anything beyond them with the domain's typed error
(:class:`~domain.errors.ConfigError`, :class:`~domain.errors.SchemaError`,
:class:`~domain.errors.InvalidJsonError`, :class:`~domain.errors.InvalidLabelError`), whose
message names the limit. Cog itself has fewer limits (Go's YAML and JSON readers stop at 10,000
levels of nesting, its readers at none); every limit here is far above what a real project
uses, and the reasons are in ``docs/limits.md`` and decision 0034.

Adapters that read these inputs from disk or the network use the same numbers as their read
caps, so an oversized file is refused before it is read whole.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "KIB",
    "MAX_CA_CERT_BYTES",
    "MAX_CLASS_DEPTH",
    "MAX_COG_YAML_BYTES",
    "MAX_COG_YAML_DEPTH",
    "MAX_COG_YAML_NODES",
    "MAX_DOCKERFILE_BYTES",
    "MAX_IGNORE_FILE_BYTES",
    "MAX_IMPORT_DEPTH",
    "MAX_INPUT_FILE_BYTES",
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_JSON_STRUCTURE",
    "MAX_LITERAL_DEPTH",
    "MAX_REQUIREMENTS_BYTES",
    "MAX_SECRET_BYTES",
    "MAX_SOURCE_BYTES",
    "MAX_STDIN_BYTES",
    "MAX_TYPE_DEPTH",
    "MAX_WHEEL_BYTES",
    "MIB",
    "utf8_size",
]

KIB: Final = 1024
MIB: Final = 1024 * KIB

MAX_COG_YAML_BYTES: Final = 1 * MIB
"""Largest cog.yaml (UTF-8 bytes). Real ones are a few KiB."""

MAX_COG_YAML_NODES: Final = 10_000
"""Most YAML nodes (scalars, mappings, sequences) one cog.yaml may decode to, aliases counted
each time they are used, as yaml.v2 counts them for its alias budget."""

MAX_COG_YAML_DEPTH: Final = 64
"""Deepest nesting of mappings and sequences in cog.yaml. Cog's schema needs 6."""

MAX_SOURCE_BYTES: Final = 256 * KIB
"""Largest predictor source file (``predict.py`` and each project file it imports), UTF-8
bytes: about 6,000 lines of ordinary Python. CPython's parser is the cost: at this size its
worst case (a statement every 4 bytes) takes about a second and 180 MB."""

MAX_REQUIREMENTS_BYTES: Final = 1 * MIB
"""Largest ``build.python_requirements`` file. Hash-pinned lock files of large ML stacks
reach a few hundred KiB (every wheel's ``--hash`` line), so this is cog.yaml's limit, not a
source file's."""

MAX_DOCKERFILE_BYTES: Final = 1 * MIB
"""Largest ``--dockerfile`` file. Real ones are a few KiB; the engine gets it whole."""

MAX_IGNORE_FILE_BYTES: Final = 1 * MIB
"""Largest ``.dockerignore`` of a project. Real ones are a few hundred bytes."""

MAX_CA_CERT_BYTES: Final = 1 * MIB
"""Largest ``COG_CA_CERT`` file (each file of a ``COG_CA_CERT`` directory). A system's whole
CA bundle is about 200 KiB."""

MAX_INPUT_FILE_BYTES: Final = 100 * MIB
"""Largest file sent as a model input (``-i name=@FILE``, an ``"@FILE"`` value of ``--json``)
and largest ``--json @FILE``. Cog's CLI sends an input file inline, as a ``data:`` URL inside
one JSON request, so the file is held in memory about three times over (the bytes, their
base64, the request); past this size a model should take a URL instead."""

MAX_STDIN_BYTES: Final = MAX_INPUT_FILE_BYTES
"""Most stdin a command reads as a whole: ``--json @-`` (the inputs, as a ``--json @FILE``
would be) and ``inspect -`` (references, one a line: a million of them fit). More is refused
once this much has been read, so a stream without end costs this much memory, not all."""

MAX_SECRET_BYTES: Final = 1 * MIB
"""Largest password or token ``login --password-stdin`` reads. Registry tokens and a cloud
service account's JSON key (which some registries take as the password) are a few KiB."""

MAX_WHEEL_BYTES: Final = 1024 * MIB
"""Largest wheel ``COG_SDK_WHEEL``/``COG_WHEEL`` may name. It is streamed (hashed, copied),
never held in memory; the limit only keeps a runaway file out of the build context."""

MAX_IMPORT_DEPTH: Final = 32
"""Longest chain of project files importing each other that the schema generator follows."""

MAX_CLASS_DEPTH: Final = 32
"""Longest chain of base classes the schema generator follows to find ``run``/``predict``."""

MAX_TYPE_DEPTH: Final = 32
"""Deepest type the schema generator reads: generics inside generics (``list[dict[str, X]]``)
and model classes inside model classes, counted together along one path."""

MAX_LITERAL_DEPTH: Final = 32
"""Deepest literal (lists in lists, dicts in dicts) the generator evaluates as a default."""

MAX_JSON_BYTES: Final = 8 * MIB
"""Largest JSON document read from a label or an ``--openapi-schema`` file. Go's JSON escaping
writes ``<`` as six bytes, so the label of the largest cog.yaml can reach 6 MiB."""

MAX_JSON_STRUCTURE: Final = 1 * MIB
"""Most bytes of a JSON document outside its strings (numbers, brackets, commas, ``true``): the
part decoding time grows with. Cog's schema labels have tens of KiB; at this size the worst
case (a quarter of a million tiny arrays) reads in well under a second."""

MAX_JSON_DEPTH: Final = 100
"""Deepest nesting of arrays and objects in a JSON label or ``--openapi-schema`` file. A schema
the generator writes for types nested :data:`MAX_TYPE_DEPTH` deep stays under 80; walkers of
a document (the schema validator, the CLI's readers) then need a few hundred stack frames at
most. (pydantic, which reads ``run.cog.config``, stops at 200 by itself.)"""


def utf8_size(text: str) -> int:
    """The length of ``text`` in UTF-8 bytes, without encoding a copy when it is ASCII.

    A lone surrogate (which UTF-8 cannot hold) counts as three bytes, as ``surrogatepass``
    would write it; whoever needs valid UTF-8 checks that separately.
    """
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))

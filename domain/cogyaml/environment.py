"""cog.yaml's ``environment``: ``NAME=value`` items that become ``ENV`` lines of the image.

Rules (Cog's ``parseAndValidateEnvironment``): each item splits at its first ``=``; the name
must not be empty; names Cog uses itself are refused (exact names, or a prefix when the pattern
ends with ``*``); a name may appear once. Values are kept verbatim (quotes, ``=``, spaces,
newlines). The schema's pattern (an identifier for a name, no line break in the value; Cog
HEAD's, decision 0033) applies to cog.yaml files, not to this function.

>>> parse_environment(["NAME=a=b", "OTHER="])
{'NAME': 'a=b', 'OTHER': ''}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final, NoReturn

from domain.errors import ConfigError

DENIED_NAMES: Final = (
    "PATH",
    "LD_LIBRARY_PATH",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "PYTHONUNBUFFERED",
    "R8_*",
    "REPLICATE_*",
    "LIBRARY_PATH",
    "CUDA_*",
    "NVIDIA_*",
    "NV_*",
    "PGET_*",
    "HF_ENDPOINT",
    "HF_HUB_ENABLE_HF_TRANSFER",
    "KUBERNETES_*",
)
"""Names (or ``PREFIX_*`` patterns) used by Cog, CUDA, Replicate and Kubernetes at run time."""


def parse_environment(items: Sequence[str]) -> dict[str, str]:
    """Turn ``NAME=value`` items into a mapping, in order.

    Raises:
        ConfigError: (``field`` = ``environment``) an item has no ``=`` or no name, a name is
            reserved, or a name repeats. The first problem wins.
    """
    environment: dict[str, str] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name:
            _fail(f"environment variable {_quote(item)} is not in the KEY=VALUE format")
        if is_denied(name):
            _fail(f"environment variable {_quote(name)} is not allowed")
        if name in environment:
            _fail(f"environment variable {_quote(name)} is already defined")
        environment[name] = value
    return environment


def is_denied(name: str) -> bool:
    """Whether ``name`` matches :data:`DENIED_NAMES`."""
    return any(
        name == pattern or (pattern.endswith("*") and name.startswith(pattern[:-1]))
        for pattern in DENIED_NAMES
    )


def _quote(text: str) -> str:
    """Go's ``%q`` for the texts that matter here: quotes and control characters escaped."""
    return json.dumps(text, ensure_ascii=False)


def _fail(reason: str) -> NoReturn:
    raise ConfigError("environment", reason, problems=(reason,))

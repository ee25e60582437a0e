"""What reading one cog.yaml may cost: yaml.v2's alias budget, and cogmodel's limits.

yaml.v2 counts every node it decodes, and an alias as its whole target decoded again; once more
than 1,000 nodes are decoded and more than 100 of them came through aliases, the share from
aliases may not pass 99% (falling to 10% between 400,000 and 4,000,000 decoded nodes), so a
"billion laughs" document fails fast ("document contains excessive aliasing").

cogmodel adds the limits of :mod:`domain.limits` (decision 0034), counted the same way:
:data:`~domain.limits.MAX_COG_YAML_NODES` decoded nodes (aliases included each time they are
used) and :data:`~domain.limits.MAX_COG_YAML_DEPTH` levels of mappings and lists (an alias's
node counted where it is used). Every refusal is a ConfigError naming the line and the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from domain.errors import ConfigError
from domain.limits import MAX_COG_YAML_DEPTH, MAX_COG_YAML_NODES

__all__ = ["ReadBudget", "allowed_alias_ratio", "fail_at"]


@dataclass(slots=True)
class ReadBudget:
    """The decoding of one document so far: yaml.v2's ``decodeCount`` and ``aliasCount``."""

    decoded: int = 0
    aliased: int = 0

    def node(self, line: int) -> None:
        """One scalar, mapping or sequence read at ``line``.

        Raises:
            ConfigError: past MAX_COG_YAML_NODES.
        """
        self.decoded += 1
        self._check_nodes(line)

    def alias(self, size: int, line: int) -> None:
        """An alias at ``line`` to a node of ``size`` nodes (yaml.v2 decodes the alias node,
        then its target again, all of it counted as aliased).

        Raises:
            ConfigError: excessive aliasing (yaml.v2's rule), or past MAX_COG_YAML_NODES.
        """
        self.decoded += 1 + size
        self.aliased += size
        if (
            self.aliased > 100
            and self.decoded > 1000
            and self.aliased / self.decoded > allowed_alias_ratio(self.decoded)
        ):
            fail_at(line, "document contains excessive aliasing")
        self._check_nodes(line)

    @staticmethod
    def depth(depth: int, line: int) -> None:
        """A collection ``depth`` levels deep reaches ``line``.

        Raises:
            ConfigError: past MAX_COG_YAML_DEPTH.
        """
        if depth > MAX_COG_YAML_DEPTH:
            limit = MAX_COG_YAML_DEPTH
            fail_at(line, f"mappings and lists nested deeper than {limit} levels (the limit)")

    def _check_nodes(self, line: int) -> None:
        if self.decoded > MAX_COG_YAML_NODES:
            fail_at(
                line,
                f"cog.yaml has more than {MAX_COG_YAML_NODES} nodes, aliases counted each "
                "time they are used (the limit)",
            )


def allowed_alias_ratio(decoded: int) -> float:
    """yaml.v2's share of decoding that may come from aliases: 99% up to 400,000 decode steps,
    falling linearly to 10% at 4,000,000."""
    low, high = 400_000, 4_000_000
    if decoded <= low:
        return 0.99
    if decoded >= high:
        return 0.10
    return 0.99 - 0.89 * (decoded - low) / (high - low)


def fail_at(line: int, message: str) -> NoReturn:
    """Raise the reader's ConfigError for ``line`` (its message starts ``line N:``)."""
    raise ConfigError("", message, line=line)

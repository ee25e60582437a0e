"""Rules for what Cog HEAD added on top of 0447eb11: ``model`` and managed ``weights``.

* ``model`` is a bare repository (no tag, no digest) and excludes ``image``.
* each ``weights`` entry needs an OCI-safe unique ``name``, at least one ``source``, include and
  exclude globs that are not empty, not negated (``!``) and use ``/``, and an absolute, unique
  ``target`` that is not ``/`` and does not contain or sit inside another target;
* weights require ``model`` (the weights travel in the model's OCI bundle).

Problems are ``(field, text)`` pairs, text in Cog HEAD's wording (``invalid <field>: <message>``).

Cog compares each target with every earlier one (quadratic: 10,000 weights took 15 s here).
This port finds the same first overlapping target through a tree of path components, in time
linear in the total length of the targets (decision 0034).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from domain.cogyaml.models import CogConfig, WeightSource
from domain.errors import InvalidReferenceError
from domain.reference import parse_ref

Problem = tuple[str, str]
_WEIGHT_NAME = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")


def model_problems(config: CogConfig) -> list[Problem]:
    """Problems with ``model`` (and ``image`` beside it)."""
    problems: list[Problem] = []
    if config.model and config.image:
        problems.append(_problem("model", "'model' and 'image' cannot both be set"))
    if not config.model:
        return problems
    model = config.model
    try:
        parse_ref(model)
    except InvalidReferenceError as exc:
        return [*problems, _problem("model", f"invalid repository: {exc.reason}", model)]
    # A tag follows the last ':' after the last '/'; a digest follows '@'.
    if "@" in model or ":" in model.rsplit("/", 1)[-1]:
        problems.append(
            _problem("model", "must be a bare repository — tags and digests are not allowed", model)
        )
    return problems


def weights_problems(config: CogConfig) -> list[Problem]:
    """Problems with the ``weights`` stanza."""
    if not config.weights:
        return []
    problems: list[Problem] = []
    if not config.model:
        if config.image:
            problems.append(
                _problem(
                    "image", "weights require 'model', not 'image' — rename 'image' to 'model'"
                )
            )
        else:
            problems.append(
                _problem("model", "weights require 'model' in cog.yaml — rename 'image' to 'model'")
            )
    names: set[str] = set()
    targets = _Targets()
    for i, weight in enumerate(config.weights):
        where = f"weights.{i}"
        problems += _name_problems(weight, where, names)
        problems += _source_problems(weight, where)
        problems += _target_problems(weight, where, targets)
    return problems


def _name_problems(weight: WeightSource, where: str, seen: set[str]) -> list[Problem]:
    if not weight.name:
        return [_problem(f"{where}.name", "name is required")]
    if not _WEIGHT_NAME.fullmatch(weight.name):
        message = (
            "must contain only lowercase alphanumeric characters, hyphens, dots, or underscores"
            ' (e.g. "my-model-weights")'
        )
        return [_problem(f"{where}.name", message, weight.name)]
    if weight.name in seen:
        return [_problem(f"{where}.name", "duplicate weight name", weight.name)]
    seen.add(weight.name)
    return []


def _source_problems(weight: WeightSource, where: str) -> list[Problem]:
    if not weight.source:
        return [_problem(f"{where}.source", "source is required")]
    problems: list[Problem] = []
    for j, source in enumerate(weight.source):
        prefix = f"{where}.source" if len(weight.source) == 1 else f"{where}.source.{j}"
        for kind, patterns in (("include", source.include), ("exclude", source.exclude)):
            for k, raw in enumerate(patterns):
                field, pattern = f"{prefix}.{kind}.{k}", raw.strip()
                if not pattern:
                    problems.append(_problem(field, "pattern must not be empty"))
                    continue
                if pattern.startswith("!"):
                    problems.append(
                        _problem(
                            field,
                            "negation patterns (starting with '!') are not supported",
                            pattern,
                        )
                    )
                if "\\" in pattern:
                    problems.append(
                        _problem(
                            field, "patterns must use forward slashes, not backslashes", pattern
                        )
                    )
    return problems


def _target_problems(weight: WeightSource, where: str, targets: _Targets) -> list[Problem]:
    field, target = f"{where}.target", weight.target
    if not target:
        return [_problem(field, "target is required")]
    problems: list[Problem] = []
    if not target.startswith("/"):
        problems.append(_problem(field, "target must be an absolute path", target))
    cleaned = _go_clean(target)
    if cleaned == "/":
        problems.append(_problem(field, 'target must not be the container root "/"', target))
    if cleaned in targets.seen:
        return [*problems, _problem(field, "duplicate weight target", target)]
    previous = targets.first_overlap(cleaned)
    if previous is not None:
        message = f'target overlaps with "{previous}"; weight targets must be disjoint'
        problems.append(_problem(field, message, target))
    targets.add(cleaned)
    return problems


def _go_clean(path: str) -> str:
    """Go's ``filepath.Clean`` on Linux; ``normpath`` keeps a leading ``//``, which Go folds."""
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


@dataclass(slots=True)
class _Targets:
    """The cleaned targets seen so far, as a tree of path components.

    A target overlaps an earlier one when either is the other's ancestor (``/a`` and
    ``/a/b``); Cog reports the first such earlier target, in document order. Each tree node
    remembers the order of the target ending there and the earliest target below it, so one
    walk down a new target's components finds that first overlap.
    """

    seen: set[str] = field(default_factory=set)
    order: list[str] = field(default_factory=list)
    # (parent node, component) -> node; node 0 is the root.
    children: dict[tuple[int, str], int] = field(default_factory=dict)
    ends_here: list[int | None] = field(default_factory=lambda: [None])
    first_below: list[int | None] = field(default_factory=lambda: [None])

    def first_overlap(self, cleaned: str) -> str | None:
        """The earliest seen target that is an ancestor or a descendant of ``cleaned``."""
        if cleaned == "/":  # "/" is nobody's ancestor: Cog asks for a "//" prefix
            return None
        found: list[int] = []
        node = 0
        for part in cleaned.split("/"):
            child = self.children.get((node, part))
            if child is None:
                break
            node = child
            ancestor = self.ends_here[node]
            if ancestor is not None:
                found.append(ancestor)
        else:
            descendant = self.first_below[node]
            if descendant is not None:
                found.append(descendant)
        return self.order[min(found)] if found else None

    def add(self, cleaned: str) -> None:
        index = len(self.order)
        self.order.append(cleaned)
        self.seen.add(cleaned)
        if cleaned == "/":
            return
        node = 0
        for part in cleaned.split("/"):
            if self.first_below[node] is None and node != 0:
                self.first_below[node] = index
            child = self.children.get((node, part))
            if child is None:
                child = len(self.ends_here)
                self.children[(node, part)] = child
                self.ends_here.append(None)
                self.first_below.append(None)
            node = child
        self.ends_here[node] = index


def _problem(field: str, message: str, value: str = "") -> Problem:
    shown = f' "{value}"' if value else ""
    return field, f"invalid {field}{shown}: {message}"

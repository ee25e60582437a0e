"""Every Preference × failure kind, on both sides (beyond Cog; STYLE G18).

Each cell puts one failure on one side and a good model (table A) or nothing (table B) on the
other, and states the outcome: the side the model came from, or the error type and location.
The rule under test: only ImageNotFoundError moves on to the next side.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from application.resolver import Preference
from domain.errors import (
    AuthenticationError,
    BackendUnavailableError,
    CogModelError,
    ImageNotFoundError,
    InvalidLabelError,
    NotCogModelError,
)
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG
from domain.reference import parse_ref
from tests.builders import World, cog_image, cog_labels

REF = parse_ref("registry.example.com/acme/model:1")
LOCAL, REMOTE = ImageSource.LOCAL, ImageSource.REMOTE
P = Preference

Failure = Callable[[World, ImageSource], None]


def _missing(world: World, side: ImageSource) -> None:
    """Nothing to do: the side simply lacks the image."""


def _unavailable(world: World, side: ImageSource) -> None:
    (world.local if side is LOCAL else world.remote).unavailable = True


def _denied(world: World, side: ImageSource) -> None:
    world.remote.add(_image(cog_labels()), REF)
    world.remote.denied.add(REF.name)


def _not_cog(world: World, side: ImageSource) -> None:
    _put(world, side, {"maintainer": "someone"})


def _malformed(world: World, side: ImageSource) -> None:
    _put(world, side, {LABEL_CONFIG: "{not json"})


def _image(labels: dict[str, str]) -> Image:
    return cog_image(REF, labels)


def _put(world: World, side: ImageSource, labels: dict[str, str]) -> None:
    if side is LOCAL:
        world.local.add(_image(labels))
    else:
        world.remote.add(_image(labels), REF)


def _good(world: World, side: ImageSource) -> None:
    _put(world, side, cog_labels(version=f"from-{side.value}"))


FAILURES: dict[str, Failure] = {
    "missing": _missing,
    "unavailable": _unavailable,
    "denied": _denied,
    "not-cog": _not_cog,
    "malformed": _malformed,
}
ERROR_OF = {
    "unavailable": BackendUnavailableError,
    "denied": AuthenticationError,
    "not-cog": NotCogModelError,
    "malformed": InvalidLabelError,
}
Outcome = ImageSource | type[CogModelError] | tuple[type[ImageNotFoundError], ImageSource]


def _expected(prefer: Preference, side: ImageSource, kind: str, other_has_it: bool) -> Outcome:
    """The outcome, written out from the rule rather than computed by the resolver's code."""
    other = REMOTE if side is LOCAL else LOCAL
    order = prefer.order
    if side not in order:  # the failing side is never asked
        return other if other_has_it else (ImageNotFoundError, other)
    if order[0] == other and other_has_it:  # the other side answers first
        return other
    if kind != "missing":  # any failure but a miss surfaces unchanged
        return ERROR_OF[kind]
    if other in order and other_has_it:
        return other
    last = order[-1]
    return (ImageNotFoundError, last)


CELLS = [
    pytest.param(prefer, side, kind, other_has_it, id=f"{prefer.name}-{side.value}-{kind}-{tag}")
    for prefer in Preference
    for side in (LOCAL, REMOTE)
    for kind in FAILURES
    if not (side is LOCAL and kind == "denied")  # local inspect never authenticates
    for other_has_it, tag in ((True, "other-has-it"), (False, "other-lacks-it"))
]


@pytest.mark.parametrize(("prefer", "side", "kind", "other_has_it"), CELLS)
def test_only_a_miss_moves_on(
    prefer: Preference, side: ImageSource, kind: str, other_has_it: bool
) -> None:
    world = World()
    FAILURES[kind](world, side)
    other = REMOTE if side is LOCAL else LOCAL
    if other_has_it:
        _good(world, other)
    expected = _expected(prefer, side, kind, other_has_it)
    if isinstance(expected, ImageSource):
        model = world.resolver.inspect(REF, prefer=prefer)
        assert model.image.source is expected
        assert model.cog_version == f"from-{expected.value}"
    elif isinstance(expected, tuple):
        with pytest.raises(expected[0]) as info:
            world.resolver.inspect(REF, prefer=prefer)
        assert info.value.location is expected[1]
    else:
        with pytest.raises(expected):
            world.resolver.inspect(REF, prefer=prefer)


def test_the_matrix_covers_every_preference_and_failure() -> None:
    seen = {(c.values[0], c.values[2]) for c in CELLS}
    assert seen == {(p, k) for p in Preference for k in FAILURES}


def test_a_malformed_label_is_not_mistaken_for_a_missing_config() -> None:
    world = World()
    world.local.add(_image({LABEL_CONFIG: json.dumps({"build": {"gpu": "maybe"}})}))
    _good(world, REMOTE)
    with pytest.raises(InvalidLabelError):
        world.resolver.inspect(REF)

"""Resolver.pull: every Preference × failure kind, on the engine's copy and on the registry.

Pull asks two places in the order of its Preference: the engine's own copy (a local inspect) and
the registry (a pull through the engine). As for inspect, only ImageNotFoundError moves on; a
model always comes back as the engine holds it, so the version label says where it came from.
Both places go through the engine, so a dead engine fails whatever is asked first.
"""

from __future__ import annotations

import pytest

from application.resolver import Preference
from domain.errors import BackendUnavailableError, CogModelError, ImageNotFoundError
from domain.image_source import ImageSource
from tests.builders import World
from tests.unit.application.test_resolver_matrix import ERROR_OF, FAILURES, REF, _good

LOCAL, REMOTE = ImageSource.LOCAL, ImageSource.REMOTE
Outcome = ImageSource | type[CogModelError] | tuple[type[ImageNotFoundError], ImageSource]


def _expected(prefer: Preference, side: ImageSource, kind: str, other_has_it: bool) -> Outcome:
    """The outcome, written out from the rule rather than computed by the resolver's code."""
    if side is LOCAL and kind == "unavailable":
        return BackendUnavailableError  # the engine is also what pulls
    for place in prefer.order:
        state = kind if place is side else ("good" if other_has_it else "missing")
        if state == "good":
            return place
        if state != "missing":
            return ERROR_OF[state]
    return (ImageNotFoundError, prefer.order[-1])


CELLS = [
    pytest.param(prefer, side, kind, other_has_it, id=f"{prefer.name}-{side.value}-{kind}-{tag}")
    for prefer in Preference
    for side in (LOCAL, REMOTE)
    for kind in FAILURES
    if not (side is LOCAL and kind == "denied")  # the engine's own copy needs no credentials
    for other_has_it, tag in ((True, "other-has-it"), (False, "other-lacks-it"))
]


@pytest.mark.parametrize(("prefer", "side", "kind", "other_has_it"), CELLS)
def test_only_a_miss_moves_on_when_pulling(
    prefer: Preference, side: ImageSource, kind: str, other_has_it: bool
) -> None:
    world = World()
    FAILURES[kind](world, side)
    if other_has_it:
        _good(world, REMOTE if side is LOCAL else LOCAL)
    expected = _expected(prefer, side, kind, other_has_it)
    if isinstance(expected, ImageSource):
        model = world.resolver.pull(REF, prefer=prefer)
        assert model.image.source is LOCAL
        assert model.cog_version == f"from-{expected.value}"
        assert world.local.inspect(REF).image_id == model.image.image_id
    elif isinstance(expected, tuple):
        with pytest.raises(expected[0]) as info:
            world.resolver.pull(REF, prefer=prefer)
        assert info.value.location is expected[1]
    else:
        with pytest.raises(expected):
            world.resolver.pull(REF, prefer=prefer)


def test_remote_only_pulls_even_when_the_engine_has_a_copy() -> None:
    world = World()
    _good(world, LOCAL)
    _good(world, REMOTE)
    assert world.resolver.pull(REF, prefer=Preference.REMOTE_ONLY).cog_version == "from-remote"
    assert world.local.inspect(REF).cog_version == "from-remote"

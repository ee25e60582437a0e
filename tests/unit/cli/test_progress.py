"""Progress display: mode choice, plain lines, live terminal lines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.cli.context import Context
from adapters.cli.progress import (
    PlainProgress,
    TerminalProgress,
    progress_sink,
    relayed,
    resolve_mode,
)
from domain.progress import ProgressEvent

LAYER = "sha256:" + "ab" * 32


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _ctx(env: dict[str, str], stderr: io.StringIO | None = None) -> Context:
    return Context(env=env, stdout=io.StringIO(), stderr=stderr or io.StringIO(), cwd=Path("."))


@pytest.mark.parametrize(
    ("flag", "env", "tty", "mode"),
    [
        (None, {}, False, "plain"),
        (None, {}, True, "tty"),
        (None, {"TERM": "dumb"}, True, "plain"),
        (None, {"BUILDKIT_PROGRESS": "plain"}, True, "plain"),
        ("tty", {"BUILDKIT_PROGRESS": "plain"}, False, "tty"),
        ("quiet", {}, True, "quiet"),
        (None, {"BUILDKIT_PROGRESS": "rawjson"}, False, "plain"),
    ],
)
def test_mode_follows_flag_then_environment_then_terminal(
    flag: str | None, env: dict[str, str], tty: bool, mode: str
) -> None:
    stream = _Tty() if tty else io.StringIO()
    assert resolve_mode(_ctx(env, stream), flag) == mode


def test_plain_mode_prints_each_item_message_once() -> None:
    stream = io.StringIO()
    sink = PlainProgress(stream)
    sink(ProgressEvent(message="Step 1/2 : FROM python"))
    for done in range(0, 100, 10):
        sink(ProgressEvent(message="Pushing", item=LAYER, current=done, total=100))
    sink(ProgressEvent(message="Pushed", item=LAYER))
    assert stream.getvalue().splitlines() == [
        "Step 1/2 : FROM python",
        "abababababab: Pushing",
        "abababababab: Pushed",
    ]


def test_terminal_mode_redraws_items_in_place_with_a_bar() -> None:
    stream = _Tty()
    sink = TerminalProgress(stream)
    sink(ProgressEvent(message="Pushing", item=LAYER, current=50, total=100))
    sink(ProgressEvent(message="Pushed", item=LAYER, current=100, total=100))
    sink(ProgressEvent(message="all done"))
    sink.close()
    text = stream.getvalue()
    assert "\x1b[1F" in text  # moved back up over the item's line to redraw it
    assert "[============" in text
    assert "100B/100B" in text
    assert text.rstrip().endswith("abababababab: Pushed [" + "=" * 24 + "] 100B/100B")


def test_quiet_mode_gives_no_sink() -> None:
    with progress_sink(_ctx({}), "quiet") as sink:
        assert sink is None


def test_a_broken_stream_never_raises_from_the_sink() -> None:
    stream = io.StringIO()
    stream.close()
    PlainProgress(stream)(ProgressEvent(message="x"))
    TerminalProgress(stream)(ProgressEvent(message="x", item="a", current=1, total=2))


def test_the_relay_forwards_only_while_an_operation_shows_progress() -> None:
    stream = io.StringIO()
    ctx = _ctx({}, stream)
    ctx.progress_relay(ProgressEvent(message="before"))
    with relayed(ctx, "plain"):
        ctx.progress_relay(ProgressEvent(message="Step 1/3 : FROM python:3.11-slim"))
    ctx.progress_relay(ProgressEvent(message="after"))
    assert stream.getvalue() == "Step 1/3 : FROM python:3.11-slim\n"


def test_the_real_container_gets_the_relay(tmp_path: Path) -> None:
    ctx = Context(env={}, stdout=io.StringIO(), stderr=io.StringIO(), cwd=tmp_path)
    ctx.configure(backend="memory")
    assert ctx.container.config.progress() is ctx.progress_relay

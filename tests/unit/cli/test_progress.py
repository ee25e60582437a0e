"""Progress display: mode choice, plain lines, live terminal lines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.cli.context import Context
from adapters.cli.progress import (
    CompactProgress,
    PlainProgress,
    TerminalProgress,
    progress_sink,
    relayed,
    resolve_mode,
)
from domain.progress import ProgressEvent, ProgressKind

LAYER = "sha256:" + "ab" * 32


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _ctx(env: dict[str, str], stderr: io.StringIO | None = None) -> Context:
    return Context(env=env, stdout=io.StringIO(), stderr=stderr or io.StringIO(), cwd=Path("."))


@pytest.mark.parametrize(
    ("flag", "env", "tty", "mode"),
    [
        (None, {}, False, "compact"),
        (None, {}, True, "tty"),
        (None, {"TERM": "dumb"}, True, "plain"),
        (None, {"BUILDKIT_PROGRESS": "plain"}, True, "plain"),
        ("tty", {"BUILDKIT_PROGRESS": "plain"}, False, "tty"),
        ("quiet", {}, True, "quiet"),
        (None, {"BUILDKIT_PROGRESS": "rawjson"}, False, "compact"),
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


def _build(sink: object, ran: set[int], total: int = 4, fail: bool = False) -> None:
    """A build of ``total`` steps, of which those in ``ran`` run and the others are cached."""
    assert callable(sink)
    for number in range(1, total + 1):
        key = f"#{number}"
        sink(ProgressEvent(message="Step line", kind=ProgressKind.OUTPUT))
        sink(
            ProgressEvent(
                message=f"RUN step {number}",
                item=key,
                current=number,
                total=total,
                kind=ProgressKind.STEP,
            )
        )
        kind = ProgressKind.RAN if number in ran else ProgressKind.CACHED
        sink(ProgressEvent(message="", item=key, kind=kind))
        if number in ran:
            for line in range(30):
                sink(ProgressEvent(message=f"output {number}.{line}"))


def test_compact_mode_shows_nothing_of_a_cached_build() -> None:
    stream = io.StringIO()
    display = CompactProgress(stream, live=False)
    display(ProgressEvent(message="Building x", kind=ProgressKind.NOTE))
    _build(display, ran=set())
    display.close()
    assert stream.getvalue() == "Building x\n"


def test_compact_mode_shows_the_steps_that_run_and_a_last_line() -> None:
    stream = io.StringIO()
    display = CompactProgress(stream, live=False)
    _build(display, ran={3, 4})
    display.close()
    lines = stream.getvalue().splitlines()
    assert lines[:2] == ["[3/4] RUN step 3", "[4/4] RUN step 4"]
    assert lines[2].startswith("Built in ")
    assert lines[2].endswith("(2 of 4 steps run, 2 from the cache)")
    assert len(lines) == 3


def test_compact_mode_shows_the_end_of_a_failed_steps_output() -> None:
    stream = io.StringIO()
    display = CompactProgress(stream, live=False)
    _build(display, ran={2}, total=2)
    display.close(failed=True)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "[2/2] RUN step 2"
    assert lines[1] == "[2/2] RUN step 2 failed; its last lines:"
    assert lines[2:] == [f"  output 2.{n}" for n in range(15, 30)]


def test_only_rebuilds_holds_everything_back_until_a_step_runs() -> None:
    quiet, shown = io.StringIO(), io.StringIO()
    cached = CompactProgress(quiet, live=False, only_rebuilds=True)
    cached(ProgressEvent(message="Building x", kind=ProgressKind.NOTE))
    cached(ProgressEvent(message="warning: no base image", kind=ProgressKind.NOTE))
    _build(cached, ran=set())
    cached.close()
    assert quiet.getvalue() == ""
    assert not cached.showing
    rebuilt = CompactProgress(shown, live=False, only_rebuilds=True)
    rebuilt(ProgressEvent(message="Building x", kind=ProgressKind.NOTE))
    _build(rebuilt, ran={4})
    rebuilt.close()
    assert shown.getvalue().splitlines()[:2] == ["Building x", "[4/4] RUN step 4"]
    assert rebuilt.showing


def test_the_live_display_redraws_one_status_line_and_ends_with_the_last_line() -> None:
    stream = _Tty()
    display = CompactProgress(stream, live=True)
    _build(display, ran={1, 2})
    display.close()
    text = stream.getvalue()
    assert "[2/4] RUN step 2 " in text  # the status line: step, instruction, time so far
    assert "\x1b[1F" in text  # redrawn in place
    final = text.rsplit("\x1b[J", 1)[-1]
    assert final.startswith("Built in ")
    assert "output 1.0" not in text


def test_plain_mode_ignores_step_events_and_shows_notes() -> None:
    stream = io.StringIO()
    display = PlainProgress(stream)
    _build(display, ran={1}, total=1)
    display(ProgressEvent(message="warning: careful", kind=ProgressKind.NOTE))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "Step line"
    assert lines[-1] == "warning: careful"
    assert "RUN step 1" not in lines


def test_warnings_logged_during_an_operation_go_to_its_display(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    stream = io.StringIO()
    with progress_sink(_ctx({}, stream), None):
        logging.getLogger("adapters.example").warning("no base image (%s)", "offline")
    assert stream.getvalue() == "warning: no base image (offline)\n"
    quiet = io.StringIO()
    with progress_sink(_ctx({}, quiet), "quiet"):
        logging.getLogger("adapters.example").warning("dropped")
    assert quiet.getvalue() == ""
    assert "dropped" not in capsys.readouterr().err  # not even logging's last resort


def test_a_warning_logged_outside_any_display_is_one_redacted_escaped_stderr_line() -> None:
    import logging

    from adapters.cli.logged_warnings import warnings_shown

    stream = io.StringIO()
    inner = io.StringIO()
    with warnings_shown(stream):
        logging.getLogger("adapters.example").warning(
            "token refused\x1b[2J at https://x.io/token?access_token=abc123\nretrying"
        )
        with progress_sink(_ctx({}, inner), None):  # a display inside takes them instead
            logging.getLogger("adapters.example").warning("inside")
    assert stream.getvalue() == (
        "warning: token refused\\x1b[2J at https://x.io/token?access_token=*** retrying\n"
    )
    assert inner.getvalue() == "warning: inside\n"
    logging.getLogger("adapters.example").warning("after the block: not shown")
    assert stream.getvalue().count("\n") == 1

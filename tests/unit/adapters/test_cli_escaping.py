"""The command line's print points escape terminal controls from outside text: progress
relayed from the engine (build output, layer ids), notes (a model's logs, kept multi-line),
warnings the adapters log (redacted too)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.cli.context import Context
from adapters.cli.logged_warnings import warnings_to
from adapters.cli.progress import CompactProgress, PlainProgress
from domain.progress import ProgressEvent, ProgressKind
from domain.safe_text import escape_controls

TITLE = "\x1b]0;owned\x07"


def _context(stderr: io.StringIO, stdout: io.StringIO | None = None) -> Context:
    return Context(env={}, stdout=stdout or io.StringIO(), stderr=stderr, cwd=Path.cwd())


def test_plain_progress_escapes_the_engines_lines_and_items() -> None:
    stream = io.StringIO()
    display = PlainProgress(stream)
    display(ProgressEvent(message=f"Step 1/2 : RUN echo {TITLE}"))
    display(ProgressEvent(message="Pushing\x1b[2J", item=f"layer{TITLE}"))
    shown = stream.getvalue()
    assert "\x1b" not in shown
    assert "\x07" not in shown
    assert "RUN echo \\x1b]0;owned\\x07" in shown
    assert "layer\\x1b]0;owned\\x07: Pushing\\x1b[2J" in shown


def test_compact_progress_escapes_notes_and_items() -> None:
    stream = io.StringIO()
    display = CompactProgress(stream, live=False)
    display(ProgressEvent(message=f"note {TITLE}", kind=ProgressKind.NOTE))
    display(ProgressEvent(message="\x9b2J", item="abc"))
    display.close()
    assert "\x1b" not in stream.getvalue()
    assert "\x9b" not in stream.getvalue()
    assert "note \\x1b]0;owned\\x07" in stream.getvalue()


def test_notes_keep_lines_and_tabs_but_escape_controls() -> None:
    stderr = io.StringIO()
    _context(stderr).note(f"log line\tone\nline two\r{TITLE}")
    assert stderr.getvalue() == "log line\tone\nline two\\r\\x1b]0;owned\\x07\n"


def test_table_rows_are_escaped_but_data_is_not() -> None:
    stdout = io.StringIO()
    ctx = _context(io.StringIO(), stdout)
    ctx.show(f"Predictor  predict.py:P{TITLE}")
    ctx.out("raw\x1b")
    assert stdout.getvalue() == "Predictor  predict.py:P\\x1b]0;owned\\x07\nraw\x1b\n"


def test_logged_warnings_are_redacted_and_escaped() -> None:
    seen: list[ProgressEvent] = []
    with warnings_to(seen.append):
        logging.getLogger("cogmodel.test").warning(
            "retrying https://alice:hunter2@r.example/v2/ %s", TITLE
        )
    assert len(seen) == 1
    assert "hunter2" not in seen[0].message
    assert "\x1b" not in seen[0].message
    assert seen[0].message.startswith("warning: retrying https://alice:***@r.example/v2/")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2100), max_size=12))
def test_shown_lines_escape_exactly_as_escape_controls_does(line: str) -> None:
    # Context writes printable ASCII as it is, without loading safe_text (a start-up saving):
    # the shortcut must never skip a control that escape_controls would have escaped.
    stdout, stderr = io.StringIO(), io.StringIO()
    context = _context(stderr, stdout)
    context.show(line)
    context.note(line)
    expected = escape_controls(line, keep_newlines=True) + "\n"
    assert stdout.getvalue() == expected
    assert stderr.getvalue() == expected

"""Reading the engine's JSON message streams into progress events and an outcome."""

from __future__ import annotations

from adapters.docker.messages import OutputLines, StreamError, read_messages
from domain.progress import ProgressEvent


def test_status_messages_become_progress_events_with_bytes() -> None:
    events: list[ProgressEvent] = []
    read_messages(
        [
            {"status": "Preparing", "id": "85c23cd2d5d7", "progressDetail": {}},
            {
                "status": "Pushing",
                "id": "85c23cd2d5d7",
                "progressDetail": {"current": 5, "total": 9},
            },
        ],
        progress=events.append,
    )
    assert events == [
        ProgressEvent(message="Preparing", item="85c23cd2d5d7"),
        ProgressEvent(message="Pushing", item="85c23cd2d5d7", current=5, total=9),
    ]


def test_aux_records_are_collected() -> None:
    outcome = read_messages([{"aux": {"Tag": "1", "Digest": "sha256:x"}}, {"status": "done"}])
    assert outcome.aux == [{"Tag": "1", "Digest": "sha256:x"}]
    assert outcome.error is None


def test_error_detail_ends_the_stream_with_its_code() -> None:
    later: list[ProgressEvent] = []
    outcome = read_messages(
        [
            {"errorDetail": {"code": 3, "message": "returned a non-zero code: 3"}, "error": "x"},
            {"status": "never read"},
        ],
        progress=later.append,
    )
    assert outcome.error == StreamError(message="returned a non-zero code: 3", code=3)
    assert later == []


def test_error_without_detail_still_counts() -> None:
    outcome = read_messages([{"error": "no basic auth credentials"}])
    assert outcome.error == StreamError(message="no basic auth credentials", code=None)


def test_stream_chunks_are_assembled_into_lines() -> None:
    events: list[ProgressEvent] = []
    seen: list[str] = []
    output = OutputLines(events.append, rewrite=lambda line: (seen.append(line), line)[1])
    read_messages(
        [
            {"stream": "Step 1/2 : FROM x"},
            {"stream": "\n"},
            {"stream": "a\nb\n\n"},
            {"stream": "c"},
        ],
        output=output,
    )
    assert seen == ["Step 1/2 : FROM x", "a", "b", "c"]
    assert [event.message for event in events] == seen
    assert output.tail == ("Step 1/2 : FROM x", "a", "b", "c")


def test_a_rewrite_can_change_or_drop_a_line() -> None:
    events: list[ProgressEvent] = []
    output = OutputLines(events.append, rewrite=lambda line: None if "x" in line else line.upper())
    output.feed("keep\nxx\nme\n")
    assert [event.message for event in events] == ["KEEP", "ME"]
    assert output.tail == ("KEEP", "ME")


def test_colour_codes_are_removed_from_output_lines() -> None:
    output = OutputLines(None)
    output.feed("\x1b[91mboom\n\x1b[0m")
    output.flush()
    assert output.tail == ("boom",)


def test_tail_keeps_only_the_last_lines() -> None:
    output = OutputLines(None, keep=2)
    output.feed("1\n2\n3\n")
    assert output.tail == ("2", "3")

"""Reading build output into step events: BuildKit's plain progress, the classic builder, Buildah.

The samples are what the builders on these machines print (Docker 20.10's BuildKit and classic
builder, trimmed); the events are what the command line's compact display is driven by.
"""

from __future__ import annotations

from adapters.docker.build_output import BuildKitSteps, ClassicSteps
from domain.progress import ProgressEvent, ProgressKind

BUILDKIT_CACHED = """\
#2 [internal] load .dockerignore
#2 sha256:27a036d3fd02287b2e6f71becfa1c1821d39af1fb0ac6dda5a3e03f77c8d38f4
#2 transferring context: 2B 0.1s done
#2 DONE 0.1s
#4 [stage-0 1/3] FROM docker.io/library/python:3.11-slim
#4 sha256:393f53992145d4e66db06c6fc234cc485994eafdf13c53302514ff86dbc4b283
#4 DONE 0.0s
#5 [stage-0 2/3] RUN apt-get update -qq && apt-get install -qqy tini
#5 sha256:7a410b0dcdc2819fbf147edb5df8f43325f1f130a571bf4a217ff4c8085ada36
#5 CACHED
#6 [stage-0 3/3] COPY src /src
#6 sha256:2876246393a90a5ebe15f32e68b9a144c09c7dfeefd4a71c81065c53c99179e7
#6 CACHED
#13 exporting to image
#13 exporting layers done
#13 DONE 0.0s
"""

BUILDKIT_RUN = """\
#4 [1/3] FROM docker.io/library/python:3.11-slim
#4 DONE 0.0s
#5 [2/3] RUN pip install pillow
#5 sha256:7a410b0dcdc2819fbf147edb5df8f43325f1f130a571bf4a217ff4c8085ada36
#5 0.512 Collecting pillow
#6 [weights 3/3] COPY src /src
#6 DONE 0.1s
#5 [2/3] RUN pip install pillow
#5 1.020 Installing collected packages: pillow
#5 ERROR: executor failed running [/bin/sh -c pip install pillow]: exit code: 1
"""

CLASSIC = """\
Step 1/5 : FROM python:3.11-slim
 ---> 3e67f77574d6
Step 2/5 : ENV A=1
 ---> Using cache
 ---> bcb9fd0d77ee
Step 3/5 : RUN pip install pillow
 ---> Running in 1234567890ab
Collecting pillow
 ---> 01d36cb0ef02
Step 4/5 : LABEL run.cog.pip_freeze=certifi==1
pillow==13.0.0
 ---> Running in abcdefabcdef
 ---> ee6d8b302050
Step 5/5 : LABEL org.example=keep
 ---> Running in abcdefabcdef
 ---> ff6d8b302050
Successfully built ff6d8b302050
"""

BUILDAH = """\
STEP 1/3: FROM python:3.11-slim
STEP 2/3: ENV A=1
--> Using cache 4f1e0bb2a1c4
STEP 3/3: COPY src /src
--> 9e5a6b1c2d3e
"""


def _events(lines: str, steps: BuildKitSteps | ClassicSteps) -> list[ProgressEvent]:
    shown: list[str] = []
    for line in lines.splitlines():
        if isinstance(steps, ClassicSteps):
            kept = steps.shown(line)
            if kept is not None:
                shown.append(kept)
        else:
            steps.see(line)
    return shown  # type: ignore[return-value]


def _collect(kind_of: str, lines: str, **kwargs: object) -> tuple[list[tuple[str, ...]], object]:
    events: list[ProgressEvent] = []
    steps: BuildKitSteps | ClassicSteps
    if kind_of == "buildkit":
        steps = BuildKitSteps(events.append)
    else:
        steps = ClassicSteps(events.append, **kwargs)  # type: ignore[arg-type]
    shown = _events(lines, steps)
    summary = [
        (e.kind.value, e.item or "", e.message) if e.kind is ProgressKind.STEP else (e.kind.value,)
        for e in events
    ]
    return summary, (steps, shown)


def test_a_cached_buildkit_build_has_steps_and_nothing_that_ran() -> None:
    summary, _ = _collect("buildkit", BUILDKIT_CACHED)
    assert summary == [
        ("step", "#4", "FROM docker.io/library/python:3.11-slim"),
        ("cached",),
        ("step", "#5", "RUN apt-get update -qq && apt-get install -qqy tini"),
        ("cached",),
        ("step", "#6", "COPY src /src"),
        ("cached",),
    ]


def test_buildkit_steps_that_run_and_the_one_that_failed() -> None:
    summary, (steps, _) = _collect("buildkit", BUILDKIT_RUN)
    assert summary == [
        ("step", "#4", "FROM docker.io/library/python:3.11-slim"),
        ("cached",),
        ("step", "#5", "RUN pip install pillow"),
        ("ran",),
        ("step", "#6", "weights COPY src /src"),  # a named stage is shown
        ("ran",),
    ]
    assert isinstance(steps, BuildKitSteps)
    assert steps.failed_step == "[2/3] RUN pip install pillow"
    assert steps.error.startswith("executor failed running")


def test_classic_steps_cached_and_run_and_label_values_hidden() -> None:
    summary, (steps, shown) = _collect("classic", CLASSIC, labels=["run.cog.pip_freeze"])
    assert summary == [
        ("step", "step 1", "FROM python:3.11-slim"),
        ("cached",),
        ("step", "step 2", "ENV A=1"),
        ("cached",),
        ("step", "step 3", "RUN pip install pillow"),
        ("ran",),
        ("step", "step 4", "LABEL run.cog.pip_freeze=…"),
        ("ran",),
        ("step", "step 5", "LABEL org.example=keep"),  # not one of ours: as it is
        ("ran",),
    ]
    assert isinstance(shown, list)
    assert "Step 4/5 : LABEL run.cog.pip_freeze=…" in shown
    assert not any("certifi" in line or "pillow==" in line for line in shown)
    assert "Collecting pillow" in shown  # a step's own output stays
    assert isinstance(steps, ClassicSteps)
    assert steps.current == "Step 5/5 : LABEL org.example=keep"


def test_buildah_steps_under_podman() -> None:
    summary, _ = _collect("classic", BUILDAH)
    assert summary == [
        ("step", "step 1", "FROM python:3.11-slim"),
        ("cached",),
        ("step", "step 2", "ENV A=1"),
        ("cached",),
        ("step", "step 3", "COPY src /src"),
        ("ran",),
    ]

"""The test fixtures stop what they start, also when starting is interrupted (Ctrl-C).

A stand-in program (``sleep``) plays the registry and dockerd, so nothing real is started and
no engine is touched; what is checked is that its process is gone after the interruption.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.infra import engine
from tests.infra.registry import DistributionRegistry


def stand_in(directory: Path, name: str) -> Path:
    """An executable ``name`` that ignores its arguments and sleeps."""
    directory.mkdir(parents=True, exist_ok=True)
    program = directory / name
    program.write_text("#!/bin/sh\nexec sleep 60\n")
    program.chmod(0o755)
    return program


def gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def test_an_interrupted_registry_start_leaves_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []

    def interrupted(self: DistributionRegistry) -> bool:
        assert self._process is not None
        started.append(self._process.pid)
        raise KeyboardInterrupt

    monkeypatch.setattr(DistributionRegistry, "_wait_ready", interrupted)
    server = DistributionRegistry(tmp_path, binary=str(stand_in(tmp_path / "bin", "registry")))
    with pytest.raises(KeyboardInterrupt):
        server.start()
    assert len(started) == 1
    assert gone(started[0])


def test_an_interrupted_dockerd_start_leaves_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in(tmp_path / "bin", "dockerd")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    before = {int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()}
    started: list[int] = []

    def interrupted(host: str, timeout: float = 5.0) -> bool:
        started.extend(_children_since(before))
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "engine_answers", interrupted)
    with pytest.raises(KeyboardInterrupt):
        engine.start_dockerd(tmp_path / "dockerd.log", host="unix:///nonexistent/docker.sock")
    assert len(started) == 1
    assert gone(started[0])


def _children_since(before: set[int]) -> list[int]:
    """This process's children that did not exist before (the stand-in dockerd)."""
    own = Path("/proc/self").resolve().name
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in before:
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == own:  # the parent's pid
            found.append(int(entry.name))
    return found

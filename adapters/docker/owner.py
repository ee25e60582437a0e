"""Which process owns a container, and removing the containers whose owner is gone.

A container cogmodel starts is removed when its ``with`` block ends, on Ctrl-C and on SIGTERM.
A process killed outright (SIGKILL, the OOM killer, a crash of the interpreter) runs no clean-up,
and its container would run for ever. So every container carries labels naming its owner:

``run.cogmodel.owner.host``
    this machine's host name: a sweep only judges owners on its own host (an engine may be
    shared by several machines, whose processes it cannot see).
``run.cogmodel.owner.pid``
    the owner's process id.
``run.cogmodel.owner.started``
    when the owner started: the kernel's boot id and the process's start time in clock ticks
    since boot (``/proc/PID/stat``), so that a process id reused after the owner died, or a
    reboot, is not mistaken for the owner. Empty where ``/proc`` is not there; the owner is then
    judged by its process id alone (a reused id keeps a leftover until that process ends too).

:func:`sweep_orphans` lists the engine's containers that carry these labels and removes those
whose owner, on this host, is gone. ``DockerContainerRunner`` sweeps once, before it first
creates a container: the next ``run``/``predict``/``exec``/``serve`` clears what a killed one
left (decision 0043).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import docker.errors

from adapters.docker.client import DockerEngine
from adapters.docker.errors import engine_errors
from domain.errors import CogModelError

OWNER_HOST: Final = "run.cogmodel.owner.host"
OWNER_PID: Final = "run.cogmodel.owner.pid"
OWNER_STARTED: Final = "run.cogmodel.owner.started"

_log = logging.getLogger(__name__)
_PROC: Final = Path("/proc")
_BOOT_ID: Final = _PROC / "sys/kernel/random/boot_id"
_STARTTIME_FIELD: Final = 19  # field 22 of /proc/PID/stat, counted after the ")" of the name


def owner_labels(pid: int | None = None) -> dict[str, str]:
    """The labels naming process ``pid`` (default: this one) as a container's owner."""
    pid = os.getpid() if pid is None else pid
    return {
        OWNER_HOST: socket.gethostname(),
        OWNER_PID: str(pid),
        OWNER_STARTED: process_started(pid) or "",
    }


def process_started(pid: int) -> str | None:
    """``BOOT_ID:TICKS``, when process ``pid`` started, or ``None`` (no such process, or no
    ``/proc``)."""
    try:
        boot_id = _BOOT_ID.read_text().strip()
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # the name may hold spaces and parentheses
    if len(fields) <= _STARTTIME_FIELD:
        return None
    return f"{boot_id}:{fields[_STARTTIME_FIELD]}"


def owner_is_gone(labels: Mapping[str, str], *, host: str | None = None) -> bool:
    """Whether the labels name an owner on ``host`` (default: this one) that is no longer
    running. ``False`` for another host's owner, or labels that name no owner."""
    if labels.get(OWNER_HOST) != (host or socket.gethostname()):
        return False
    text = labels.get(OWNER_PID, "")
    if not text.isdigit() or int(text) <= 0:
        return False
    pid = int(text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # a process of another user: it exists
    except OverflowError:
        return False
    started = labels.get(OWNER_STARTED, "")
    if not started:
        return False
    now = process_started(pid)
    return now is not None and now != started  # the id was reused (or the machine rebooted)


def sweep_orphans(engine: DockerEngine) -> list[str]:
    """Remove the containers (running or not) whose owner on this host is gone; return their
    ids. Failures are logged, never raised: a sweep must not stop the run that called it."""
    removed: list[str] = []
    try:
        with engine_errors(engine.host):
            listed = engine.api.containers(all=True, filters={"label": [OWNER_PID]})
    except CogModelError as exc:
        _log.debug("could not list leftover containers: %s", exc)
        return removed
    host = socket.gethostname()
    for container in listed:
        labels = container.get("Labels") or {}
        if not isinstance(labels, Mapping) or not owner_is_gone(labels, host=host):
            continue
        container_id = str(container.get("Id", ""))
        try:
            with engine_errors(engine.host):
                engine.api.remove_container(container_id, force=True, v=True)
        except CogModelError as exc:
            if isinstance(exc.__cause__, docker.errors.NotFound | docker.errors.APIError) and (
                getattr(exc.__cause__, "status_code", None) in (404, 409)
            ):
                continue  # gone already, or its removal is under way
            _log.warning("could not remove leftover container %s: %s", container_id[:12], exc)
            continue
        _log.info("removed container %s left by process %s", container_id[:12], labels[OWNER_PID])
        removed.append(container_id)
    return removed

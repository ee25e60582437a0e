"""The local engine made to look remote: another network namespace, and a TCP proxy to it.

:func:`remote_engine` creates a network namespace joined to this machine by a veth pair
(``10.213.X.1`` here, ``10.213.X.2`` there) and a TCP proxy on ``10.213.X.1:PORT`` to the
engine's unix socket. A program run in the namespace (:meth:`RemoteEngine.command`) with
``DOCKER_HOST=tcp://10.213.X.1:PORT`` sees the engine as a remote one: its own 127.0.0.1 is
not the engine's host (nothing the engine publishes is there), and the engine's published
ports are reachable only at ``10.213.X.1``. Everything is removed at the end: the proxy, the
veth pair and the namespace. Needs root and iproute2's ``ip``.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from tests.infra import unavailable


@dataclass(frozen=True)
class RemoteEngine:
    """A namespace that reaches the local engine only as ``docker_host``."""

    namespace: str
    host_address: str
    docker_host: str

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run inside the namespace."""
        return ["ip", "netns", "exec", self.namespace, *argv]


@contextlib.contextmanager
def remote_engine(engine_host: str) -> Iterator[RemoteEngine]:
    """The engine at ``engine_host`` (a ``unix://`` socket) seen from another namespace."""
    if not engine_host.startswith("unix://"):
        unavailable(f"the remote-engine set-up proxies a unix socket, not {engine_host}")
    if os.geteuid() != 0 or shutil.which("ip") is None:
        unavailable("a network namespace needs root and iproute2's ip")
    name = f"cm{uuid.uuid4().hex[:8]}"
    subnet = random.randrange(1, 250)
    here, there = f"10.213.{subnet}.1", f"10.213.{subnet}.2"
    created: list[list[str]] = []
    try:
        for step, undo in (
            (["ip", "netns", "add", name], ["ip", "netns", "del", name]),
            (
                ["ip", "link", "add", f"{name}h", "type", "veth", "peer", "name", f"{name}n"],
                ["ip", "link", "del", f"{name}h"],
            ),
        ):
            _ip(step)
            created.append(undo)
        _ip(["ip", "link", "set", f"{name}n", "netns", name])
        _ip(["ip", "addr", "add", f"{here}/30", "dev", f"{name}h"])
        _ip(["ip", "link", "set", f"{name}h", "up"])
        inside = ["ip", "netns", "exec", name]
        _ip([*inside, "ip", "addr", "add", f"{there}/30", "dev", f"{name}n"])
        _ip([*inside, "ip", "link", "set", f"{name}n", "up"])
        _ip([*inside, "ip", "link", "set", "lo", "up"])
        with _proxy(here, engine_host.removeprefix("unix://")) as port:
            yield RemoteEngine(
                namespace=name, host_address=here, docker_host=f"tcp://{here}:{port}"
            )
    finally:
        for undo in reversed(created):
            subprocess.run(undo, capture_output=True, check=False)


def _ip(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        unavailable(f"{' '.join(argv)} failed: {done.stderr.strip()}")


@contextlib.contextmanager
def _proxy(address: str, unix_path: str) -> Iterator[int]:
    """A TCP listener on ``address`` that forwards each connection to ``unix_path``."""
    listener = socket.create_server((address, 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=_connect, args=(client, unix_path), daemon=True).start()

    thread = threading.Thread(target=serve, name="docker-proxy", daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def _connect(client: socket.socket, unix_path: str) -> None:
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(unix_path)
    except OSError:
        client.close()
        return
    back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
    back.start()
    _pump(client, upstream)
    back.join()
    client.close()
    upstream.close()


def _pump(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            target.sendall(chunk)
    for sock, how in ((target, socket.SHUT_WR), (source, socket.SHUT_RD)):
        with contextlib.suppress(OSError):
            sock.shutdown(how)

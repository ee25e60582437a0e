"""``cogmodel exec CMD…`` and ``cogmodel serve [-p PORT]``: the project's dev image, mounted.

Both build the dev image (``build_base``: the environment without ``/src`` and without labels,
``cog-<directory>-base``) and run it with the project mounted at ``/src`` (the working
directory), as Cog's commands do; the build is shown only while something is actually rebuilt.
``exec`` runs the command in the foreground, as ``docker run -i`` (``-it`` on a terminal) would:
stdin attached, a terminal when stdin and stdout are terminals, signals passed on
(:mod:`adapters.cli.stdio`); once it has started, cogmodel exits with the command's own exit
status. ``-p [HOST:]PORT`` publishes a port on 127.0.0.1 or on HOST, Cog's forms (``8000``,
``0.0.0.0:8000``, ``[::1]:8000``). ``serve`` publishes Cog's HTTP server on
``127.0.0.1:PORT`` until Ctrl-C (which is how a server is stopped, so it exits 0); unlike
Cog it does not pass ``--await-explicit-shutdown``, so stopping takes no grace period. On a
remote engine the port is published on that engine's host (every interface), and ``serve``
warns that it is not this machine, as Cog does.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import socket
from collections.abc import Iterator
from dataclasses import replace
from typing import NoReturn

from adapters.cli import project
from adapters.cli.commands.predict import parse_env
from adapters.cli.context import Context
from adapters.cli.interrupts import deferred_interrupts
from adapters.cli.output import shown_name
from adapters.cli.progress import relayed
from adapters.cli.stdio import attached_stdio, interactive_session, wants_terminal
from application.ports.container_runner import (
    ContainerRunner,
    ContainerSpec,
    GpuRequest,
    RunningContainer,
    VolumeMount,
)
from application.predictor import COG_PORT
from domain.errors import ContainerError, InvalidInputError
from domain.model import Model

SERVE_COMMAND = ("python", "--check-hash-based-pycs", "never", "-m", "cog.server.http")


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Run ``exec`` or ``serve``.

    Raises:
        InvalidInputError: no command, bad flags or cog.yaml (exit 2).
        BuildError, BackendUnavailableError, ContainerError: the engine failed (exit 6).
    """
    command: list[str] = list(getattr(args, "cmd", None) or [])
    if command[:1] == ["--"]:
        command = command[1:]
    if args.command == "exec" and not command:
        raise InvalidInputError(
            "exec needs a command, e.g. 'cogmodel exec python'", reason="no command"
        )
    ports, port_hosts = parse_publish(getattr(args, "publish", []))
    env = parse_env(args.env)
    source = project.load(ctx, args)
    if args.command == "serve":  # before the build: a port in use need not wait for it
        _check_free(ctx.runner(), {COG_PORT: args.port}, {})
    else:
        _check_free(ctx.runner(), ports, port_hosts)
    header = f"Building the environment of {source.project_dir}"
    with relayed(ctx, args.progress, only_rebuilds=True, header=header):
        model = ctx.resolver().build_base(source, project.base_options(ctx, args))
    image = model.image.image_id or model.image.reference
    assert image is not None
    spec_env = {**_stub_env(model), **env}
    mount = VolumeMount(host_path=str(source.project_dir), container_path="/src")
    gpus = _gpus(args.gpus, model)
    runner = ctx.runner()
    if args.command == "serve":
        spec = ContainerSpec(
            image=image,
            command=SERVE_COMMAND,
            env=spec_env,
            ports={COG_PORT: args.port},
            volumes=(mount,),
            workdir="/src",
            gpus=gpus,
            init=not model.image.has_init,
        )
        return _serve(ctx, runner, spec, args.port, gpu_fallback=args.gpus is None)
    spec = ContainerSpec(
        image=image,
        command=tuple(command),
        env=spec_env,
        ports=ports,
        port_hosts=port_hosts,
        volumes=(mount,),
        workdir="/src",
        gpus=gpus,
        init=not model.image.has_init,
    )
    ctx.note(f"Running '{' '.join(command)}' in {shown_name(model.image)} with /src mounted...")
    return _exec(ctx, runner, spec, gpu_fallback=args.gpus is None)


def _exec(ctx: Context, runner: ContainerRunner, spec: ContainerSpec, *, gpu_fallback: bool) -> int:
    """Run ``spec`` in the foreground; its exit status is the command's."""
    tty = wants_terminal(ctx)
    with attached_stdio(ctx, tty=tty) as stdio, contextlib.ExitStack() as stack:
        try:
            with deferred_interrupts():
                container = stack.enter_context(runner.attach(spec, stdio))
        except ContainerError as exc:
            if not (gpu_fallback and spec.gpus is not None):
                raise
            ctx.note(
                f"warning: the engine could not give the container a GPU ({exc.detail}); "
                "running without a GPU"
            )
            with deferred_interrupts():
                container = stack.enter_context(runner.attach(replace(spec, gpus=None), stdio))
        with interactive_session(container, stdio):
            return container.wait()


def _check_free(
    runner: ContainerRunner, ports: dict[int, int | None], hosts: dict[int, str]
) -> None:
    """On an engine on this machine, a host port something already listens on is refused
    before any container starts (the engine's own refusal names no flag).

    Raises:
        InvalidInputError: the port is in use.
    """
    if not runner.is_local:
        return
    for container_port, host_port in ports.items():
        if host_port is None:
            continue
        host = hosts.get(container_port, runner.published_host)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, host_port))
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    continue  # not ours to judge (an address this machine does not have)
                raise InvalidInputError(
                    f"port {host_port} is already in use on {host}: pick another -p",
                    reason="port in use",
                ) from exc


def parse_publish(values: list[str]) -> tuple[dict[int, int | None], dict[int, str]]:
    """``-p [HOST:]PORT`` values, Cog's forms: the ports (each published on the same port) and
    the host addresses of those that name one.

    >>> parse_publish(["8000", "0.0.0.0:8001", "[::1]:8002"])
    ({8000: 8000, 8001: 8001, 8002: 8002}, {8001: '0.0.0.0', 8002: '::1'})

    Raises:
        InvalidInputError: an empty value, a bad bracket, a missing host or port, or a port
            outside 1-65535 (Cog's words).
    """
    ports: dict[int, int | None] = {}
    hosts: dict[int, str] = {}
    for value in values:
        host, port_text = _split_publish(value)
        try:
            port = int(port_text)
        except ValueError:
            _bad_port(value, f'strconv.Atoi: parsing "{port_text}": invalid syntax')
        if not 0 < port < 65536:
            _bad_port(value, "port must be between 1 and 65535")
        ports[port] = port
        if host is not None:
            hosts[port] = host
    return ports, hosts


def _split_publish(value: str) -> tuple[str | None, str]:
    """Cog's ``splitPublishFlag``: ``PORT``, ``HOST:PORT`` (split at the last colon) or
    ``[IPv6]:PORT``; ``None`` host means the default (127.0.0.1)."""
    if not value:
        _bad_port(value, "value cannot be empty")
    if value.startswith("["):
        end = value.find("]")
        if end == -1:
            _bad_port(value, "missing closing bracket for IPv6 address")
        if end == len(value) - 1:
            _bad_port(value, "port is required after IPv6 address")
        if value[end + 1] != ":":
            _bad_port(value, "expected ':' after ']'")
        host = value[1:end]
        if not host:
            _bad_port(value, "host cannot be empty")
        return host, value[end + 2 :]
    host, colon, port = value.rpartition(":")
    if not colon:
        return None, value
    if not host:
        _bad_port(value, "host cannot be empty")
    return host, port


def _bad_port(value: str, why: str) -> NoReturn:
    raise InvalidInputError(f'invalid port "{value}": {why}', reason="bad -p value")


@contextlib.contextmanager
def start_container(
    ctx: Context, runner: ContainerRunner, spec: ContainerSpec, *, gpu_fallback: bool
) -> Iterator[RunningContainer]:
    """Start ``spec``; the container is stopped and removed when the block is left.

    Ctrl-C (or SIGTERM) while the engine creates and starts the container waits until the
    container is ours to remove: an interrupt between "created" and "handle returned" would
    otherwise leave a container behind that nobody knows the id of. ``gpu_fallback``: GPUs the
    model asked for (not ``--gpus``) that the engine cannot give are a warning, and the
    container starts without, as Cog does.
    """
    with contextlib.ExitStack() as stack:
        try:
            with deferred_interrupts():
                container = stack.enter_context(runner.start(spec))
        except ContainerError as exc:
            if not (gpu_fallback and spec.gpus is not None):
                raise
            ctx.note(
                f"warning: the engine could not give the container a GPU ({exc.detail}); "
                "running without a GPU"
            )
            with deferred_interrupts():
                container = stack.enter_context(runner.start(replace(spec, gpus=None)))
        yield container


def _gpus(flag: str | None, model: Model) -> GpuRequest | None:
    """``--gpus`` if given (Docker's forms), else all GPUs when the model asks for a GPU."""
    if flag is not None:
        request = GpuRequest.parse(flag)
        return request if request.wants_gpus else None
    return GpuRequest.ALL if model.has_gpu else None


def _serve(
    ctx: Context, runner: ContainerRunner, spec: ContainerSpec, port: int, *, gpu_fallback: bool
) -> int:
    host = runner.published_host
    if not runner.is_local:  # Cog HEAD warns too: the port is not on this machine
        ctx.note(
            f"warning: the Docker engine is not on this machine: the server is published on "
            f"port {port} of {host} (all its interfaces), not on this machine"
        )
    try:
        with start_container(ctx, runner, spec, gpu_fallback=gpu_fallback) as container:
            ctx.note(f"Serving the model at http://{_url_host(host)}:{port} (Ctrl-C stops it)")
            for line in container.follow_logs():
                ctx.note(line.rstrip("\n"))
            code = container.wait()
    except KeyboardInterrupt:
        ctx.note("Stopped.")
        return 0
    if code != 0:
        raise ContainerError(f"the model server exited with code {code}", exit_code=code)
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _stub_env(model: Model) -> dict[str, str]:
    """What Cog's runtime needs to find the predictor when the image did not record it."""
    env = {}
    if model.config.predict:
        env["COG_PREDICT_TYPE_STUB"] = model.config.predict
    if model.config.train:
        env["COG_TRAIN_TYPE_STUB"] = model.config.train
    return env

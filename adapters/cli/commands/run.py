"""``cogmodel run CMD…`` and ``cogmodel serve [-p PORT]``: the project's dev image, mounted.

Both build the dev image (``build_base``: the environment without ``/src`` and without labels,
``cog-<directory>-base``) and run it with the project mounted at ``/src`` (the working
directory), as Cog's commands do. ``run`` prints the command's output on stdout and exits with
the command's own exit code once it has started. ``serve`` publishes Cog's HTTP server on
``127.0.0.1:PORT`` until Ctrl-C (which is how a server is stopped, so it exits 0); unlike
Cog it does not pass ``--await-explicit-shutdown``, so stopping takes no grace period.
"""

from __future__ import annotations

import argparse

from adapters.cli import project
from adapters.cli.commands.predict import parse_env, wants_gpus
from adapters.cli.context import Context
from adapters.cli.output import shown_name
from adapters.cli.predict import COG_PORT, start_container
from adapters.cli.progress import relayed
from application.ports.container_runner import ContainerRunner, ContainerSpec, VolumeMount
from domain.errors import ContainerError, InvalidInputError
from domain.model import Model

SERVE_COMMAND = ("python", "--check-hash-based-pycs", "never", "-m", "cog.server.http")


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Run ``run`` or ``serve``.

    Raises:
        InvalidInputError: no command, bad flags or cog.yaml (exit 2).
        BuildError, BackendUnavailableError, ContainerError: the engine failed (exit 6).
    """
    command: list[str] = list(getattr(args, "cmd", None) or [])
    if command[:1] == ["--"]:
        command = command[1:]
    if args.command == "run" and not command:
        raise InvalidInputError("run needs a command, e.g. 'cogmodel run python'", reason="no cmd")
    env = parse_env(args.env)
    source = project.load(ctx, args)
    with relayed(ctx, args.progress):
        model = ctx.resolver().build_base(source, project.base_options(ctx, args))
    image = model.image.image_id or model.image.reference
    assert image is not None
    spec_env = {**_stub_env(model), **env}
    mount = VolumeMount(host_path=str(source.project_dir), container_path="/src")
    gpus = wants_gpus(args.gpus, model)
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
        return _serve(ctx, runner, spec, args.port)
    ctx.note(f"Running '{' '.join(command)}' in {shown_name(model.image)} with /src mounted...")
    spec = ContainerSpec(
        image=image,
        command=tuple(command),
        env=spec_env,
        ports={port: port for port in args.publish},
        volumes=(mount,),
        workdir="/src",
        gpus=gpus,
        init=not model.image.has_init,
    )
    with start_container(runner, spec) as container:
        for line in container.follow_logs():
            ctx.out(line.rstrip("\n"))
        return container.wait()


def _serve(ctx: Context, runner: ContainerRunner, spec: ContainerSpec, port: int) -> int:
    try:
        with start_container(runner, spec) as container:
            ctx.note(f"Serving the model at http://127.0.0.1:{port} (Ctrl-C stops it)")
            for line in container.follow_logs():
                ctx.note(line.rstrip("\n"))
            code = container.wait()
    except KeyboardInterrupt:
        ctx.note("Stopped.")
        return 0
    if code != 0:
        raise ContainerError(f"the model server exited with code {code}", exit_code=code)
    return 0


def _stub_env(model: Model) -> dict[str, str]:
    """What Cog's runtime needs to find the predictor when the image did not record it."""
    env = {}
    if model.config.predict:
        env["COG_PREDICT_TYPE_STUB"] = model.config.predict
    if model.config.train:
        env["COG_TRAIN_TYPE_STUB"] = model.config.train
    return env

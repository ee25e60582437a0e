"""``cogmodel predict [IMAGE]`` and ``cogmodel train [IMAGE]``.

With IMAGE: the Resolver's ``pull`` (the engine's copy if it has one, else pulled), and the
container runs that exact image id. Without: the project in the current directory is built
into its model image (``cog-<directory>``), so the prediction runs what ``push`` would push and
the schema is known. Cog's PR ran a dev image with the project mounted instead; the full build
costs one cached ``COPY`` layer and gives the inputs their types.

Progress and the container's output go to stderr; the prediction's output goes to stdout (or
to ``-o``). A failed prediction exits 6 (the model failed), rejected inputs exit 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from adapters.cli import project
from adapters.cli.commands.build import build_model
from adapters.cli.context import Context
from adapters.cli.output import print_json, shown_name
from adapters.cli.predict import COG_PORT, serving
from adapters.cli.prediction_io import parse_inputs, render, save_files, write_file
from adapters.cli.progress import progress_sink
from application.ports.container_runner import ContainerSpec
from domain.digest import Digest
from domain.errors import ContainerError, InvalidInputError
from domain.model import Model
from domain.reference import ParsedRef

TRAIN_COMMAND = ("python", "-m", "cog.server.http", "--x-mode", "train")


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Run one prediction (or training) and show or save its output.

    Raises:
        InvalidInputError: bad arguments, or inputs the model rejected (exit 2).
        ImageNotFoundError, NotCogModelError: no such model image (exit 3, 4).
        ContainerError: setup or the prediction failed (exit 6).
    """
    mode = "train" if args.command == "train" else "predict"
    env = parse_env(args.env)
    model, image = _model(ctx, args)
    inputs = parse_inputs(args.input, model.schema, cwd=ctx.cwd, mode=mode)
    # As Cog does: the runtime's own chatter only with --debug (a -e flag still wins).
    env = {"COG_LOG_LEVEL": "debug" if args.debug else "warning", **env}
    spec = ContainerSpec(
        image=image,
        command=TRAIN_COMMAND if mode == "train" else None,
        env=env,
        ports={COG_PORT: None},
        gpus=wants_gpus(args.gpus, model),
        init=not model.image.has_init,
    )
    runner = ctx.runner()
    ctx.note(f"Starting Docker image {shown_name(model.image)} and running setup()...")
    with serving(ctx, runner, spec, setup_timeout=args.setup_timeout) as api:
        schema = model.schema or api.schema()
        if not model.schema and args.input:
            inputs = parse_inputs(args.input, schema, cwd=ctx.cwd, mode=mode)
        ctx.note(f"Running {'training' if mode == 'train' else 'prediction'}...")
        response = api.run("trainings" if mode == "train" else "predictions", inputs)
    return _show(ctx, args, response, schema, mode)


def _model(ctx: Context, args: argparse.Namespace) -> tuple[Model, ParsedRef | Digest]:
    if args.image is None:
        source = project.load(ctx, args)
        model = build_model(ctx, args, source, image_name=None, announce=ctx.note)
    else:
        if "=" in args.image:
            raise InvalidInputError(
                f"Invalid image name '{args.image}'. Did you forget `-i`?",
                reason="image name with '='",
            )
        ref = ctx.parse_ref(args.image)
        with progress_sink(ctx, args.progress) as sink:  # a pull can be long: show it
            model = ctx.resolver().pull(ref, progress=sink)
    image = model.image
    target = image.image_id if image.image_id is not None else image.reference
    assert target is not None  # every image from the Resolver has an id or a name
    return model, target


def _show(
    ctx: Context,
    args: argparse.Namespace,
    response: dict[str, Any],
    schema: Any,
    mode: str,
) -> int:
    status = response.get("status")
    output = response.get("output")
    if status == "succeeded" and output is not None:
        destination = ctx.cwd / Path(args.output or "output").expanduser()
        output, written = save_files(output, schema, destination, mode=mode)
        response = {**response, "output": output}
        for path in written:
            ctx.note(f"Written output to: {path}")
        if not args.json and written and isinstance(output, dict):
            ctx.out(render(output))  # the object's other fields, with the files' paths
        elif not args.json and not written:
            if args.output:
                write_file(destination, render(output).encode())
                ctx.note(f"Written output to: {destination}")
            else:
                ctx.out(render(output))
    if args.json:
        print_json(ctx, response)
    if status != "succeeded":
        error = " ".join(str(response.get("error") or "no error message").split())
        raise ContainerError(f"{mode} failed with status {status!r}: {error}", backend="model")
    if output is None:
        ctx.note("No output generated")
    return 0


def parse_env(items: list[str]) -> dict[str, str]:
    """``-e NAME=VALUE`` flags as a mapping.

    Raises:
        InvalidInputError: a flag without ``=``.
    """
    env = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name:
            raise InvalidInputError(
                f"invalid environment variable {item!r}: expected NAME=VALUE",
                reason="bad env flag",
            )
        env[name] = value
    return env


def wants_gpus(flag: bool | None, model: Model) -> bool:
    """``--gpus`` (all: True, none: False) if given, else whether the model asks for a GPU."""
    return model.has_gpu if flag is None else flag

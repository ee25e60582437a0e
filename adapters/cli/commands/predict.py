"""``cogmodel run [IMAGE]`` (``predict``, Cog's deprecated name for it, still works) and
``cogmodel train [IMAGE]``: a thin face on the prediction service
(:class:`~application.predictor.Predictor`).

With IMAGE: the Resolver's ``pull`` (the engine's copy if it has one, else pulled). Without:
the project in the current directory is built into its model image (``cog-<directory>``; the
build is shown only if a step actually runs), so
the prediction runs what ``push`` would push and the schema is known; as in Cog, the inputs
are first checked against the schema generated from the project's source, so that a typo
does not wait for a build. Then, in this order: the inputs (``-i`` or ``--json``) are checked
against the model's schema and their files read, and ``-o`` is checked; only then does a
container start. Wrong inputs exit 2 and start nothing.

Progress and the container's output go to stderr; the output goes to stdout (or to ``-o``).
``--json`` (inputs as JSON) and ``--json-response`` print the whole response as JSON. A failed
prediction exits 6 (the model failed), rejected inputs exit 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from adapters.cli import project
from adapters.cli.context import Context
from adapters.cli.output import print_json, shown_name
from adapters.cli.prediction_io import (
    json_inputs,
    local_paths,
    output_destination,
    render,
    save_files,
    write_file,
)
from adapters.cli.progress import progress_sink
from adapters.project_sources import read_project_source
from application.ports.container_runner import GpuRequest
from application.prediction import Prediction, PredictionOptions, Reporter
from domain.errors import (
    CogModelError,
    ContainerError,
    InputValidationError,
    InvalidInputError,
    SchemaError,
)
from domain.limits import MAX_STDIN_BYTES
from domain.model import Model
from domain.prediction import Mode, check_inputs, parse_input_flags, read_input_schema
from domain.safe_text import shown
from domain.source import Source

_DEFAULT_OUTPUT = "output"


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Run one prediction (or training) and show or save its output.

    Raises:
        InvalidInputError: bad arguments or inputs (exit 2), before any container starts.
        ImageNotFoundError, NotCogModelError: no such model image (exit 3, 4).
        ContainerError: setup or the prediction failed (exit 6).
    """
    if args.command == "predict":  # Cog HEAD's words: its predict is a hidden, deprecated alias
        ctx.note('warning: "cogmodel predict" is deprecated, use "cogmodel run"')
    mode = Mode.TRAIN if args.command == "train" else Mode.PREDICT
    env = parse_env(args.env)
    gpus = GpuRequest.parse(args.gpus) if args.gpus is not None else None
    inputs = local_paths(_inputs(ctx, args), ctx.cwd)
    # Where the output goes is checked before anything is built, pulled or started.
    destination = output_destination(ctx.cwd, args.output, _DEFAULT_OUTPUT)
    model = _model(ctx, args, inputs, mode)
    if mode is Mode.TRAIN and not model.config.train:
        raise _no_trainer(shown_name(model.image), "its run.cog.config label")
    predictor = ctx.predictor()
    prepared = predictor.prepare(model, inputs, mode=mode)
    ctx.note(f"Starting Docker image {shown_name(model.image)} and running setup()...")
    options = PredictionOptions(
        env=env,
        gpus=gpus,
        setup_timeout=args.setup_timeout,
        log_level="debug" if args.debug else "warning",  # Cog's runtime chatter: --debug only
    )
    reporter = Reporter(
        note=ctx.note, warn=lambda text: ctx.note(f"warning: {shown(text)}"), log=ctx.note
    )
    prediction = predictor.run(model, prepared, options, reporter=reporter)
    as_json = args.json is not None or args.json_response
    return _show(ctx, prediction, destination, written_to=args.output, as_json=as_json)


def _inputs(ctx: Context, args: argparse.Namespace) -> dict[str, object]:
    if args.json is not None and args.input:
        raise InvalidInputError(
            "Must use one of --json or --input to provide model inputs", reason="both inputs"
        )
    if args.json is None:
        return parse_input_flags(args.input)
    stdin = _stdin_json(ctx, args.json) if args.json in ("-", "@-") else None
    return json_inputs(args.json, cwd=ctx.cwd, stdin_text=stdin)


def _stdin_json(ctx: Context, flag: str) -> str:
    """``--json @-``'s text.

    Raises:
        InvalidInputError: more than :data:`~domain.limits.MAX_STDIN_BYTES`, or not text.
    """
    what = f"--json {flag}"
    try:
        return ctx.read_stdin(max_bytes=MAX_STDIN_BYTES, what=what)
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{what}: stdin is not UTF-8 text", reason="stdin is not text"
        ) from exc


def _model(ctx: Context, args: argparse.Namespace, inputs: dict[str, object], mode: Mode) -> Model:
    if args.image is None:
        from adapters.cli.commands.build import build_model  # only a project needs the builder

        source = project.load(ctx, args)
        if mode is Mode.TRAIN and source.config is not None and not source.config.train:
            raise _no_trainer(str(source.project_dir), source.config_filename)
        _check_before_the_build(ctx, source, inputs, mode)
        return build_model(
            ctx, args, source, image_name=None, announce=ctx.note, only_rebuilds=True
        )
    if "=" in args.image:
        raise InvalidInputError(
            f"Invalid image name '{args.image}'. Did you forget `-i`?",
            reason="image name with '='",
        )
    ref = ctx.parse_ref(args.image)
    with progress_sink(ctx, args.progress) as sink:  # a pull can be long: show it
        return ctx.resolver().pull(ref, progress=sink)


def _no_trainer(what: str, where: str) -> InvalidInputError:
    return InvalidInputError(
        f"{what} cannot be trained: {where} sets no train: (a trainer, like "
        '"train.py:train"); use cogmodel run for a prediction',
        reason="no trainer",
    )


def _check_before_the_build(
    ctx: Context, source: Source, inputs: dict[str, object], mode: Mode
) -> None:
    """Check ``inputs`` against the schema generated from the project's source, as Cog does
    before it builds (files are read after the build, against the built model's schema).

    Raises:
        InputValidationError: every problem found.
    """
    if ctx.env.get("COG_OPENAPI_SCHEMA") or source.config is None:
        return  # the build uses that schema file, not the source's
    from domain.openapi import generate_for_config  # the generator, only for a project

    root = Path(source.project_dir)

    def read(path: str) -> str | None:
        try:
            return read_project_source(root, path)
        except SchemaError:
            return None  # the build reports it

    config = source.config
    try:
        document = json.loads(
            generate_for_config(config.predict or None, config.train or None, read)
        )
        schema = read_input_schema(document, mode)
    except (CogModelError, ValueError):
        return  # the build reports what is wrong with the source
    problems = check_inputs(inputs, schema).problems
    if problems:
        raise InputValidationError(problems)


def _show(
    ctx: Context,
    prediction: Prediction,
    destination: Path,
    *,
    written_to: str | None,
    as_json: bool,
) -> int:
    output = prediction.output
    response = dict(prediction.response)
    if prediction.succeeded and output is not None:
        output, written = save_files(output, destination)
        response["output"] = output
        for path in written:
            ctx.note(f"Written output to: {path}")
        if not as_json and written and isinstance(output, dict):
            ctx.out(render(output))  # the object's other fields, with the files' paths
        elif not as_json and not written:
            if written_to is not None:
                write_file(destination, render(output).encode())
                ctx.note(f"Written output to: {destination}")
            else:
                ctx.out(render(output))
    if as_json:
        print_json(ctx, response)
    if not prediction.succeeded:  # Cog's words
        error = " ".join(str(prediction.error or "no error message").split())
        what = prediction.mode.noun.capitalize()
        status = prediction.status.value
        raise ContainerError(f'{what} failed with status "{status}": {error}', backend="model")
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

"""``cogmodel build`` and ``cogmodel push [IMAGE]``.

Image name precedence (cog-spec.md §2): ``build``: ``-t`` > cog.yaml ``image:`` >
``cog-<directory>``; ``push``: the argument > ``image:``, and no default (pushing an image named
after a directory is never what anyone meant). ``push`` builds first, then pushes through the
engine and prints the manifest digest the registry now serves.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from adapters.cli import project
from adapters.cli.context import Context
from adapters.cli.output import shown_name
from adapters.cli.progress import progress_sink, relayed
from domain.errors import InvalidInputError
from domain.model import Model
from domain.source import Source

_PUSH_NEEDS_A_NAME = (
    "To push images, you must either set the 'image' option in cog.yaml or pass an image name "
    "as an argument. For example, 'cogmodel push r8.im/your-username/hotdog-detector'"
)
REPLICATE_WEBSITE = "https://replicate.com"


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Run ``build`` or ``push``.

    Raises:
        InvalidInputError: bad flags or cog.yaml (exit 2); ConfigError, SchemaError.
        BuildError, BackendUnavailableError: the build failed or the engine is down (exit 6).
        AuthenticationError: the registry refused the push (exit 5).
    """
    source = project.load(ctx, args)
    configured = source.config.image if source.config is not None else ""
    if args.command == "push":
        name = args.image or configured
        if not name:
            raise InvalidInputError(_PUSH_NEEDS_A_NAME, reason="no image name to push")
    else:
        name = args.tag or configured or None
    target = ctx.parse_ref(name) if name else None  # a bad name fails before any build
    build_model(ctx, args, source, image_name=name)
    if args.command == "push" and target is not None:
        with progress_sink(ctx, args.progress) as sink:
            digest = ctx.resolver().push(target, progress=sink)
        ctx.out(f"Pushed {target}")
        ctx.out(f"Digest: {digest}")
        if target.is_replicate:
            ctx.out(f"Run it at {REPLICATE_WEBSITE}/{target.repository}")
    return 0


def build_model(
    ctx: Context,
    args: argparse.Namespace,
    source: Source,
    *,
    image_name: str | None,
    announce: Callable[[str], None] | None = None,
    only_rebuilds: bool = False,
) -> Model:
    """Build the project's model image and report it ("Image built as …", its id).

    ``announce`` receives the report lines (default: stdout, as a result; predict sends them
    to stderr, where they do not mix with the prediction's output, and only when the build
    was shown). ``only_rebuilds``: show the build only if a step actually runs.

    Raises:
        as :meth:`application.resolver.Resolver.build`.
    """
    options = project.build_options(ctx, args, image_name=image_name)
    header = f"Building {options.image_name or 'the model image'} from {source.project_dir}"
    with relayed(ctx, args.progress, only_rebuilds=only_rebuilds, header=header) as shown:
        model = ctx.resolver().build(source, options)
    if shown or announce is None:
        say = announce or ctx.show
        say(f"Image built as {shown_name(model.image)}")
        say(f"Image ID: {model.image.image_id}")
    return model

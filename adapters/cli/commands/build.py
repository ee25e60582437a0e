"""``cogmodel build`` and ``cogmodel push [IMAGE]``.

Image name precedence (cog-spec.md §2): ``build``: ``-t`` > cog.yaml ``image:`` >
``cog-<directory>``; ``push``: the argument > ``image:``, and no default (pushing an image named
after a directory is never what anyone meant). ``push`` builds first, then pushes through the
engine and prints the manifest digest the registry now serves. A push that fails removes the
name the build gave the image, unless the engine had that name before the build (the user's
own tag is never removed), so a failed push leaves no new tag behind.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable

from adapters.cli import project
from adapters.cli.context import Context
from adapters.cli.output import shown_name
from adapters.cli.progress import progress_sink, relayed
from domain.errors import CogModelError, ImageNotFoundError, InvalidInputError
from domain.model import Model
from domain.reference import ParsedRef
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
    pushing = args.command == "push" and target is not None
    had_tag = pushing and target is not None and _has_local_tag(ctx, target)
    build_model(ctx, args, source, image_name=name)
    if pushing and target is not None:
        try:
            with progress_sink(ctx, args.progress) as sink:
                digest = ctx.resolver().push(target, progress=sink)
        except BaseException:
            if not had_tag:
                _untag(ctx, target)
            raise
        ctx.out(f"Pushed {target}")
        ctx.out(f"Digest: {digest}")
        if target.is_replicate:
            ctx.out(f"Run it at {REPLICATE_WEBSITE}/{target.repository}")
    return 0


def _has_local_tag(ctx: Context, target: ParsedRef) -> bool:
    """Whether the engine already has an image named ``target`` (the user's own tag)."""
    try:
        ctx.container.local_images().inspect(target)
    except ImageNotFoundError:
        return False
    return True


def _untag(ctx: Context, target: ParsedRef) -> None:
    """Remove the name a failed push added (never one the user had before the build).

    As ``docker rmi`` does, the image goes with its last name; BuildKit's cache stays. A
    failure here is logged (shown as a warning): the push's own error is what matters.
    """
    try:
        ctx.container.local_images().remove(target)
    except CogModelError as exc:
        logging.getLogger(__name__).warning("could not remove the tag %s: %s", target, exc)


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

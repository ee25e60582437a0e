"""``cogmodel inspect REF`` and ``cogmodel pull REF``: look a model up, or bring it to the engine.

``inspect`` asks the Resolver where the flags say (default: the Resolver's default order,
prefer-local as in Cog's PR); ``--remote`` never pulls. A ``sha256:`` argument is an image id
and is looked up in the local engine by id (``--remote`` and ``--prefer-remote`` are refused);
a bare hex word (``7b793120ae3a``) is, as ``docker inspect`` takes it, a local name first, then
the start of an image id, then (unless ``--local``) a name in the registry. With the engine
down, the error suggests ``--remote``.
``pull`` always asks the registry, like ``docker pull``, and reports the model the engine now
has.
"""

from __future__ import annotations

import argparse
import contextlib
import re

from adapters.cli.context import Context
from adapters.cli.output import model_document, print_json, print_model
from adapters.cli.progress import progress_sink
from application.resolver import Preference
from domain.errors import BackendUnavailableError, ImageNotFoundError, InvalidInputError
from domain.model import Model
from domain.platform import Platform, parse_platform

_SHORT_ID = re.compile(r"[0-9a-f]{4,64}")
_PREFERENCE = {
    None: None,
    "local": Preference.LOCAL_ONLY,
    "remote": Preference.REMOTE_ONLY,
    "prefer-remote": Preference.PREFER_REMOTE,
}


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Run ``inspect`` or ``pull`` (see the module docstring).

    Raises:
        InvalidReferenceError, InvalidPlatformError, InvalidDigestError: bad arguments.
        ImageNotFoundError, NotCogModelError, InvalidLabelError, AuthenticationError,
        BackendError, IntegrityError: from the Resolver.
    """
    platform = _platform(args.platform)
    model = _pull(ctx, args, platform) if args.command == "pull" else _inspect(ctx, args, platform)
    if args.json:
        print_json(ctx, model_document(model))
    elif args.command == "pull":
        ctx.out(f"Pulled {model.image.display_name}")
        ctx.out(f"Image ID: {model.image.image_id}")
    else:
        print_model(ctx, model)
    return 0


def _inspect(ctx: Context, args: argparse.Namespace, platform: Platform | None) -> Model:
    try:
        return _look_up(ctx, args, platform)
    except BackendUnavailableError as exc:
        if exc.backend != "docker" or args.where == "remote":
            raise
        raise BackendUnavailableError(
            exc.backend, f"{exc.detail}; to look in the registry only, use inspect --remote"
        ) from exc


def _look_up(ctx: Context, args: argparse.Namespace, platform: Platform | None) -> Model:
    resolver = ctx.resolver()
    if _SHORT_ID.fullmatch(args.ref) and args.where in (None, "local"):
        # docker inspect's order for a bare hex word: a local name first, then an image id.
        with contextlib.suppress(ImageNotFoundError):
            return resolver.inspect(
                ctx.parse_ref(args.ref), prefer=Preference.LOCAL_ONLY, platform=platform
            )
        with contextlib.suppress(ImageNotFoundError):
            return resolver.inspect_by_id(args.ref)
    if args.ref.startswith("sha256:"):
        # An image id names a local image; a registry has no look-up by image id.
        if args.where in ("remote", "prefer-remote"):
            raise InvalidInputError(
                f"{args.ref} is an image id, which only the local engine can look up: "
                f"--{args.where} does not apply",
                reason="image id with a registry look-up",
            )
        return resolver.inspect_by_id(args.ref)
    ref = ctx.parse_ref(args.ref)
    return resolver.inspect(ref, prefer=_PREFERENCE[args.where], platform=platform)


def _pull(ctx: Context, args: argparse.Namespace, platform: Platform | None) -> Model:
    ref = ctx.parse_ref(args.ref)
    resolver = ctx.resolver()
    with progress_sink(ctx, args.progress) as sink:
        return resolver.pull(ref, prefer=Preference.REMOTE_ONLY, platform=platform, progress=sink)


def _platform(text: str | None) -> Platform | None:
    return None if text is None else parse_platform(text)

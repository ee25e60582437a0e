"""The project in the current directory: reading it, and turning build flags into options.

Shared by every command that builds (build, push, predict, train, run, serve). Flag rules are
Cog's: ``--use-cog-base-image``, ``--use-cuda-base-image`` and ``--dockerfile`` are mutually
exclusive; ``--progress`` defaults to ``$BUILDKIT_PROGRESS``; paths given on the command line
are relative to the current directory.
"""

from __future__ import annotations

import argparse
from types import MappingProxyType

from adapters.cli.context import Context
from adapters.cli.progress import resolve_mode
from adapters.host_files import check_file, expand_home
from domain.errors import InvalidInputError
from domain.limits import MAX_DOCKERFILE_BYTES, MAX_JSON_BYTES
from domain.options import BuildBaseOptions, BuildOptions, BuildSecret, Progress
from domain.source import Source

_EXCLUSIVE = (
    ("use_cog_base_image", "--use-cog-base-image"),
    ("use_cuda_base_image", "--use-cuda-base-image"),
    ("dockerfile", "--dockerfile"),
)


def load(ctx: Context, args: argparse.Namespace) -> Source:
    """Check the build flags, select the builder, and read the project.

    Raises:
        InvalidInputError: conflicting flags.
        ConfigNotFoundError, ConfigError: no usable config file.
    """
    given = [flag for attr, flag in _EXCLUSIVE if getattr(args, attr, None) is not None]
    if len(given) > 1:
        raise InvalidInputError(
            f"The flags {given[0]} and {given[1]} are mutually exclusive: "
            "you can only set one of them.",
            reason="mutually exclusive flags",
        )
    ctx.configure(builder=getattr(args, "builder", None))
    return ctx.load_source(args.file)


def build_options(
    ctx: Context, args: argparse.Namespace, *, image_name: str | None
) -> BuildOptions:
    """The model-build options the flags ask for.

    Raises:
        InvalidInputError: a malformed ``--secret`` or ``--annotation``; an ``--openapi-schema``
            or ``--dockerfile`` that is missing, not a regular file or past its limit.
    """
    return BuildOptions(
        image_name=image_name,
        no_cache=getattr(args, "no_cache", False),
        secrets=tuple(BuildSecret.parse(text) for text in getattr(args, "secret", [])),
        progress=_progress(ctx, args.progress),
        annotations=MappingProxyType(_annotations(getattr(args, "annotation", []))),
        schema_file=_existing_file(
            ctx, getattr(args, "openapi_schema", None), "--openapi-schema", MAX_JSON_BYTES
        ),
        dockerfile_file=_existing_file(ctx, args.dockerfile, "--dockerfile", MAX_DOCKERFILE_BYTES),
        use_cuda_base_image=args.use_cuda_base_image or "auto",
        use_cog_base_image=args.use_cog_base_image,
        hermetic=args.hermetic,
        separate_weights=getattr(args, "separate_weights", False),
    )


def base_options(ctx: Context, args: argparse.Namespace) -> BuildBaseOptions:
    """The dev-image options the flags ask for (run, serve)."""
    return BuildBaseOptions(
        use_cuda_base_image=args.use_cuda_base_image or "auto",
        use_cog_base_image=args.use_cog_base_image,
        progress=_progress(ctx, args.progress),
        hermetic=args.hermetic,
    )


def _progress(ctx: Context, flag: str | None) -> Progress:
    mode = resolve_mode(ctx, flag)
    return Progress.AUTO if mode == "compact" else Progress(mode)


def _annotations(items: list[str]) -> dict[str, str]:
    annotations = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise InvalidInputError(
                f"invalid annotation {item!r}: expected KEY=VALUE", reason="bad annotation"
            )
        annotations[key] = value
    return annotations


def _existing_file(ctx: Context, path: str | None, flag: str, limit: int) -> str | None:
    """``path`` made absolute, once it is known to be a regular file within ``limit`` bytes
    (checked here, before anything is built; the builder reads it under the same limit).

    Raises:
        HostFileError: ``~user`` names no user; no such file; not a regular file; too large.
    """
    if path is None:
        return None
    given = ctx.cwd / expand_home(path, what=flag)
    check_file(given, what=flag, limit=limit)  # named as given, not as its link's target
    return str(given.resolve())

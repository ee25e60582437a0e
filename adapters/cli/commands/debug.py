"""``cogmodel debug``: print the Dockerfile a build would use (Cog's hidden ``cog debug``).

The Dockerfile comes from the build backend's own planning (``ModelFactory.plan``, the steps
``build`` takes up to the engine build), so it is the Dockerfile ``cogmodel build`` builds with
the same flags: the builder chosen (BuildKit's cache mounts or not), ``--hermetic``, the base
image. With ``--separate-weights`` it prints Cog's three sections: the weights image's
Dockerfile, the model's, and the patterns that leave the weights out of the model's context.
Nothing is built or tagged; as in a build, the schema is generated (``.cog/openapi_schema.json``).
"""

from __future__ import annotations

import argparse

from adapters.cli import project
from adapters.cli.context import Context


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Print the planned Dockerfile(s) on stdout.

    Raises:
        InvalidInputError: bad flags or cog.yaml, or a schema that cannot be made (exit 2).
        BackendUnavailableError: the engine cannot be reached (it is asked for base images).
    """
    args.progress = "quiet"  # what the build options need; debug shows no progress
    args.dockerfile = None
    source = project.load(ctx, args)
    options = project.build_options(ctx, args, image_name=args.image_name)
    planned = ctx.resolver().dockerfile(source, options)
    if planned.weights_dockerfile is None:
        ctx.out(planned.dockerfile.rstrip("\n"))
        return 0
    ctx.out(f"=== Weights Dockerfile contents:\n{planned.weights_dockerfile.rstrip()}\n===")
    ctx.out(f"=== Runner Dockerfile contents:\n{planned.dockerfile.rstrip()}\n===")
    ctx.out(f"=== Weights exclude patterns:\n{chr(10).join(planned.weights_exclude)}\n===")
    return 0

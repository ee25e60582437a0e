"""``cogmodel inspect REF…`` and ``cogmodel pull REF``: look models up, or bring one to the engine.

``inspect`` asks the Resolver where the flags say (default: the Resolver's default order,
prefer-local as in Cog's PR); ``--remote`` never pulls. A ``sha256:`` argument is an image id
and is looked up in the local engine by id (``--remote`` and ``--prefer-remote`` are refused);
a bare hex word (``7b793120ae3a``) is, as ``docker inspect`` takes it, a local name first, then
the start of an image id, then (unless ``--local``) a name in the registry. With the engine
down, the error suggests ``--remote``.
``pull`` always asks the registry, like ``docker pull``, and reports the model the engine now
has.

One REF is inspected and reported as it always was. Several REFs, or ``-`` (references on
stdin, one a line; blank lines are skipped), make a batch: the references go to
``Resolver.inspect_many`` (concurrent, results in input order); each image is reported in input
order as soon as it and those before it are known: its table (tables separated by a blank
line), or with ``--json`` its object on one line (JSON Lines); a failed image gets its own
``error: REF: …`` line on stderr, and the exit code is the worst of them
(:func:`adapters.cli.main.worst`).
"""

from __future__ import annotations

import argparse
import contextlib
import re
from collections.abc import Generator

from adapters.cli.context import Context
from adapters.cli.main import report, worst
from adapters.cli.output import json_text, model_document, print_json, print_model
from application.resolver import Preference, Resolver
from domain.errors import (
    BackendUnavailableError,
    CogModelError,
    ImageNotFoundError,
    InvalidInputError,
)
from domain.limits import MAX_STDIN_BYTES
from domain.model import Model
from domain.platform import Platform, parse_platform
from domain.reference import ParsedRef

_SHORT_ID = re.compile(r"[0-9a-f]{4,64}")
_PREFERENCE = {
    None: None,
    "local": Preference.LOCAL_ONLY,
    "remote": Preference.REMOTE_ONLY,
    "prefer-remote": Preference.PREFER_REMOTE,
}
_STDIN = "-"


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Run ``inspect`` or ``pull`` (see the module docstring).

    Raises:
        InvalidReferenceError, InvalidPlatformError, InvalidDigestError: bad arguments.
        ImageNotFoundError, NotCogModelError, InvalidLabelError, AuthenticationError,
        BackendError, IntegrityError: from the Resolver.
    """
    platform = _platform(args.platform)
    if args.command == "pull":
        model = _pull(ctx, args, platform)
        if args.json:
            print_json(ctx, model_document(model))
        else:
            ctx.show(f"Pulled {model.image.display_name}")
            ctx.out(f"Image ID: {model.image.image_id}")
        return 0
    if len(args.refs) > 1 or args.refs[0] == _STDIN:
        return _inspect_batch(ctx, args, platform)
    model = _inspect(ctx, args.refs[0], args.where, platform)
    if args.json:
        print_json(ctx, model_document(model))
    else:
        print_model(ctx, model)
    return 0


def _inspect(ctx: Context, text: str, where: str | None, platform: Platform | None) -> Model:
    try:
        return _look_up(ctx, text, where, platform)
    except BackendUnavailableError as exc:
        if exc.backend != "docker" or where == "remote":
            raise
        raise BackendUnavailableError(
            exc.backend, f"{exc.detail}; to look in the registry only, use inspect --remote"
        ) from exc


def _look_up(ctx: Context, text: str, where: str | None, platform: Platform | None) -> Model:
    resolver = _resolver(ctx, where)
    if _SHORT_ID.fullmatch(text) and where in (None, "local"):
        # docker inspect's order for a bare hex word: a local name first, then an image id.
        with contextlib.suppress(ImageNotFoundError):
            return resolver.inspect(
                ctx.parse_ref(text), prefer=Preference.LOCAL_ONLY, platform=platform
            )
        with contextlib.suppress(ImageNotFoundError):
            return resolver.inspect_by_id(text)
    if text.startswith("sha256:"):
        return resolver.inspect_by_id(_image_id(text, where))
    ref = ctx.parse_ref(text)
    return resolver.inspect(ref, prefer=_PREFERENCE[where], platform=platform)


def _resolver(ctx: Context, where: str | None) -> Resolver:
    # --remote asks registries only: it needs neither the engine nor the container's wiring.
    return ctx.registry_resolver() if where == "remote" else ctx.resolver()


def _image_id(text: str, where: str | None) -> str:
    # An image id names a local image; a registry has no look-up by image id.
    if where in ("remote", "prefer-remote"):
        raise InvalidInputError(
            f"{text} is an image id, which only the local engine can look up: "
            f"--{where} does not apply",
            reason="image id with a registry look-up",
        )
    return text


def _inspect_batch(ctx: Context, args: argparse.Namespace, platform: Platform | None) -> int:
    texts = _batch_texts(ctx, args.refs)
    codes = [0]
    printed = False
    with contextlib.closing(_batch_results(ctx, texts, args.where, platform)) as results:
        for text, result in zip(texts, results, strict=True):
            if isinstance(result, Model):
                if args.json:
                    ctx.out(json_text(model_document(result)))
                else:
                    if printed:
                        ctx.out()
                    print_model(ctx, result)
                printed = True
            else:
                codes.append(report(result, ctx.stderr, debug=args.debug, subject=text))
    return worst(codes)


def _batch_texts(ctx: Context, arguments: list[str]) -> list[str]:
    """The references, in order: the arguments, with ``-`` replaced by stdin's lines.

    Raises:
        InvalidInputError: ``-`` given twice, with no stdin to read, stdin not text, or more
            than :data:`~domain.limits.MAX_STDIN_BYTES` of it.
    """
    if arguments.count(_STDIN) > 1:
        raise InvalidInputError(
            "- (read references from stdin) may be given only once", reason="- given twice"
        )
    texts: list[str] = []
    for argument in arguments:
        if argument != _STDIN:
            texts.append(argument)
            continue
        if ctx.stdin is None:
            raise InvalidInputError(
                "- reads references from stdin, and there is no stdin", reason="no stdin"
            )
        try:
            stdin = ctx.read_stdin(max_bytes=MAX_STDIN_BYTES, what="- (references on stdin)")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(
                f"- reads references from stdin, which is not text: {exc.reason}",
                reason="stdin is not text",
            ) from exc
        texts += [line.strip() for line in stdin.split("\n") if line.strip()]
    return texts


def _batch_results(
    ctx: Context, texts: list[str], where: str | None, platform: Platform | None
) -> Generator[Model | CogModelError, None, None]:
    """One result per text, in order: references go to the Resolver together, concurrently;
    a bad reference or an image id is answered here, at its turn."""
    resolver = _resolver(ctx, where)
    parsed: list[ParsedRef | CogModelError | str] = []
    for text in texts:
        if text.startswith("sha256:"):
            parsed.append(text)
            continue
        try:
            parsed.append(ctx.parse_ref(text))
        except CogModelError as error:
            parsed.append(error)
    refs = [item for item in parsed if isinstance(item, ParsedRef)]
    models = resolver.inspect_many(refs, prefer=_PREFERENCE[where], platform=platform)
    try:
        for item in parsed:
            if isinstance(item, ParsedRef):
                yield next(models)
            elif isinstance(item, CogModelError):
                yield item
            else:
                try:
                    yield resolver.inspect_by_id(_image_id(item, where))
                except CogModelError as error:
                    yield error
    finally:
        models.close()  # an early end (a closed stdout, Ctrl-C) starts no more look-ups


def _pull(ctx: Context, args: argparse.Namespace, platform: Platform | None) -> Model:
    ref = ctx.parse_ref(args.ref)
    from adapters.cli.progress import progress_sink  # the remote look-ups show no progress

    resolver = ctx.resolver()
    with progress_sink(ctx, args.progress) as sink:
        return resolver.pull(ref, prefer=Preference.REMOTE_ONLY, platform=platform, progress=sink)


def _platform(text: str | None) -> Platform | None:
    return None if text is None else parse_platform(text)

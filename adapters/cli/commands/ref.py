"""``cogmodel ref REF``: how a reference parses. Imports only the (stdlib-only) reference parser."""

from __future__ import annotations

import argparse

from adapters.cli.context import Context
from adapters.cli.output import print_json, print_table
from domain.reference import ParsedRef, parse_ref


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Parse ``args.ref`` with the given options and print its parts.

    Raises:
        InvalidReferenceError: the reference breaks the grammar (exit code 2).
    """
    ref = parse_ref(
        args.ref,
        insecure=args.insecure,
        strict=args.strict,
        default_registry=args.default_registry,
        default_tag=args.default_tag,
        replicate_host=ctx.replicate_host,
    )
    if args.json:
        print_json(ctx, ref_document(ref))
    else:
        print_table(ctx, _rows(ref))
    return 0


def ref_document(ref: ParsedRef) -> dict[str, object]:
    """The JSON object ``ref --json`` prints."""
    return {
        "original": ref.original,
        "canonical": str(ref),
        "name": ref.name,
        "registry": ref.registry,
        "repository": ref.repository,
        "tag": ref.tag,
        "digest": ref.digest,
        "is_tag": ref.is_tag,
        "is_digest": ref.is_digest,
        "scheme": ref.scheme,
        "is_replicate": ref.is_replicate,
        "replicate_host": ref.replicate_host,
    }


def _rows(ref: ParsedRef) -> list[tuple[str, str]]:
    return [
        ("Reference", ref.original),
        ("Canonical", str(ref)),
        ("Registry", ref.registry),
        ("Repository", ref.repository),
        ("Tag", ref.tag or "-"),
        ("Digest", ref.digest or "-"),
        ("Scheme", ref.scheme),
        ("Replicate", f"yes ({ref.replicate_host})" if ref.is_replicate else "no"),
    ]

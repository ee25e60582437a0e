"""Entry point of the ``cogmodel`` command (foundation stub: prints help)."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``cogmodel``."""
    parser = argparse.ArgumentParser(
        prog="cogmodel",
        description="Build, push, inspect, pull and run Cog model images.",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``cogmodel`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    parser.parse_args(sys.argv[1:] if argv is None else argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())

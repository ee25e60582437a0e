"""Build flags that only the Dockerfile backend acts on reach BuildOptions unchanged."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.cli import project
from adapters.cli.context import Context
from adapters.cli.parser import UsageError, build_parser


@pytest.mark.parametrize("command", [["build"], ["push", "127.0.0.1:5000/acme/model"]])
@pytest.mark.parametrize("flag", [True, False])
def test_separate_weights_reaches_the_build_options(
    tmp_path: Path, command: list[str], flag: bool
) -> None:
    args = build_parser().parse_args([*command, *(["--separate-weights"] if flag else [])])
    ctx = Context(env={}, stdout=io.StringIO(), stderr=io.StringIO(), cwd=tmp_path)
    assert project.build_options(ctx, args, image_name="m").separate_weights is flag


def test_predict_does_not_offer_separate_weights() -> None:
    with pytest.raises(UsageError):
        build_parser().parse_args(["predict", "--separate-weights"])

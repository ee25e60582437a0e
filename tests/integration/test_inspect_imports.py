"""`cogmodel inspect --remote` of a real image imports only its path (decisions 0030, 0032).

The unit test (tests/unit/cli/test_startup.py) probes an unreachable registry; this one reads a
real manifest, config blob and Cog labels from a real Distribution registry, one image and a
batch, human output and --json, so the parsing path is covered too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.platform import parse_platform
from tests.builders import SCHEMA, cog_labels
from tests.infra.registry import AMD64, DOCKER_MANIFEST_LIST, DistributionRegistry
from tests.unit.cli.test_startup import NOT_ON_THE_REMOTE_INSPECT_PATH, inspect_imports

pytestmark = [pytest.mark.registry, pytest.mark.timeout(120)]

# A look-up that succeeds with printable labels quotes nothing that needs escaping or
# redaction: the patterns of domain.safe_text are compiled only for an error or a control.
WHEN_IT_SUCCEEDS = (*NOT_ON_THE_REMOTE_INSPECT_PATH, "domain.safe_text")


@pytest.mark.parametrize(
    "flags", [[], ["--json"], ["--platform", "linux/arm64"]], ids=["human", "json", "index"]
)
def test_a_remote_inspect_of_real_images_imports_only_its_path(
    registry: DistributionRegistry,
    flags: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    image = registry.push_image(cog_labels(schema=SCHEMA, config={"build": {"gpu": True}}))
    index = registry.push_index(
        [(AMD64, cog_labels()), (parse_platform("linux/arm64"), cog_labels())],
        media_type=DOCKER_MANIFEST_LIST,
    )
    refs = [str(index.ref)] if "--platform" in flags else [str(image.ref)]
    assert inspect_imports(["inspect", "--remote", *flags, *refs], WHEN_IT_SUCCEEDS) == (0, [])
    batch = [str(index.ref), str(index.ref)] if "--platform" in flags else [str(image.ref)] * 2
    assert inspect_imports(["inspect", "--remote", *flags, *batch], WHEN_IT_SUCCEEDS) == (0, [])

"""Daemon spellings of references, inspect answers as images, and short-id matching."""

from __future__ import annotations

import pytest

from adapters.docker.names import (
    daemon_name,
    daemon_repository,
    id_matches,
    image_from_inspect,
    tag_parts,
)
from domain.digest import Digest, ImageId
from domain.errors import InvalidInputError
from domain.image_source import ImageSource
from domain.platform import Platform
from domain.reference import parse_ref

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nginx", "nginx:latest"),
        ("index.docker.io/library/nginx:latest", "nginx:latest"),
        ("docker.io/library/nginx:1.25", "nginx:1.25"),
        ("acme/model:1", "acme/model:1"),
        ("index.docker.io/acme/model:1", "acme/model:1"),
        ("127.0.0.1:5000/acme/model:1", "127.0.0.1:5000/acme/model:1"),
        ("localhost:5000/library/x:y", "localhost:5000/library/x:y"),
        ("r8.im/acme/model:v2", "r8.im/acme/model:v2"),
        (f"nginx@{DIGEST}", f"nginx@{DIGEST}"),
        (f"r8.im/acme/model@{DIGEST}", f"r8.im/acme/model@{DIGEST}"),
    ],
)
def test_daemon_name_is_familiar_for_hub_and_qualified_elsewhere(text: str, expected: str) -> None:
    assert daemon_name(parse_ref(text)) == expected


def test_daemon_repository_drops_tag_and_digest() -> None:
    assert daemon_repository(parse_ref(f"library/nginx@{DIGEST}")) == "nginx"


def test_tag_parts_split_a_tag_reference() -> None:
    assert tag_parts(parse_ref("127.0.0.1:5000/a/b:c")) == ("127.0.0.1:5000/a/b", "c")


def test_a_digest_cannot_be_used_as_a_tag() -> None:
    with pytest.raises(InvalidInputError):
        tag_parts(parse_ref(f"nginx@{DIGEST}"))


def test_inspect_answer_becomes_a_local_image() -> None:
    ref = parse_ref("acme/model:1")
    answer = {
        "Id": DIGEST,
        "RepoTags": ["acme/model:1"],
        "RepoDigests": [f"acme/model@{DIGEST}"],
        "Config": {"Labels": {"run.cog.config": "{}"}},
        "Os": "linux",
        "Architecture": "arm64",
        "Variant": "v8",
    }
    image = image_from_inspect(answer, reference=ref)
    assert image.reference == ref
    assert image.image_id == Digest(DIGEST)
    assert image.source is ImageSource.LOCAL
    assert dict(image.labels) == {"run.cog.config": "{}"}
    assert image.platform == Platform(os="linux", architecture="arm64", variant="v8")
    assert image.repo_tags == ("acme/model:1",)
    assert image.repo_digests == (f"acme/model@{DIGEST}",)


def test_inspect_answer_without_labels_or_platform_is_still_an_image() -> None:
    image = image_from_inspect({"Id": DIGEST, "Config": {"Labels": None}}, reference=None)
    assert dict(image.labels) == {}
    assert image.platform is None
    assert image.repo_tags == ()


def test_short_id_matches_every_id_it_prefixes() -> None:
    ids = ["sha256:" + "a1" * 32, "sha256:" + "a2" * 32, "sha256:" + "b" * 64]
    assert id_matches(ImageId("a"), ids) == ids[:2]
    assert id_matches(ImageId("sha256:a1"), ids) == ids[:1]
    assert id_matches(ImageId("c"), ids) == []

"""parse_ref by example: every rule of REFERENCES.md, Cog's ref_test.go cases (cog-spec §7.3
items 38-45) and the surprises found while checking pkg/name against Go's own source.

Rules that concern only the registry host (``url.Parse`` validity, ``Scheme()``) are pinned in
test_registry_host.py; the laws over generated input live in tests/property.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from domain.digest import Digest
from domain.errors import CogModelError, InvalidReferenceError
from domain.reference import _DEFAULTS, ParsedRef, _parse, parse_ref

D = "sha256:" + "0123456789abcdef" * 4
HUB = "index.docker.io"


def accepted(text: str, **opts: object) -> tuple[str, str, str | None, str | None]:
    ref = parse_ref(text, **opts)  # type: ignore[arg-type]
    return ref.registry, ref.repository, ref.tag, ref.digest


def rejected(text: str, **opts: object) -> InvalidReferenceError:
    with pytest.raises(InvalidReferenceError) as info:
        parse_ref(text, **opts)  # type: ignore[arg-type]
    assert info.value.text == text
    return info.value


# --------------------------------------------------------------------------- accepted input

# text -> (registry, repository, tag, digest), under default options.
ACCEPTED: dict[str, tuple[str, str, str | None, str | None]] = {
    # Rule 2: tag parsing first, split on every ':'; the last piece is a tag unless it has '/'.
    "localhost:5000/foo": ("localhost:5000", "foo", "latest", None),
    "localhost:5000": (HUB, "library/localhost", "5000", None),
    "localhost:5000/foo:bar": ("localhost:5000", "foo", "bar", None),
    # Rule 3: the tag charset in any order, 1 to 128 characters.
    "nginx:-v1": (HUB, "library/nginx", "-v1", None),
    "nginx:.v1": (HUB, "library/nginx", ".v1", None),
    "nginx:___": (HUB, "library/nginx", "___", None),
    "nginx:" + "T" * 128: (HUB, "library/nginx", "T" * 128, None),
    # Rule 4: the first part is a registry only with a '/' and 'localhost', '.' or ':'.
    "foo_bar/baz": (HUB, "foo_bar/baz", "latest", None),
    "foo.bar/baz": ("foo.bar", "baz", "latest", None),
    "localhost": (HUB, "library/localhost", "latest", None),
    "localhost/x": ("localhost", "x", "latest", None),
    "foo.bar": (HUB, "library/foo.bar", "latest", None),
    # Rule 5: registry validity is Go's url.Parse round trip, not a hostname grammar.
    "a$b.com/foo": ("a$b.com", "foo", "latest", None),
    "ü.com/foo": ("ü.com", "foo", "latest", None),
    "localhost:/foo": ("localhost:", "foo", "latest", None),
    "host:99999/foo": ("host:99999", "foo", "latest", None),
    "https://r8.im/user/model": ("https:", "/r8.im/user/model", "latest", None),
    "Foo.IO/bar": ("Foo.IO", "bar", "latest", None),
    "[::1]:5000/foo": ("[::1]:5000", "foo", "latest", None),
    # Rule 6: charset only, no structure; the 255 limit is counted before 'library/'.
    "index.docker.io/a//b": (HUB, "a//b", "latest", None),
    "/a/b": (HUB, "/a/b", "latest", None),
    "a/b/": (HUB, "a/b/", "latest", None),
    "-a": (HUB, "library/-a", "latest", None),
    "a..b": (HUB, "library/a..b", "latest", None),
    "_": (HUB, "library/_", "latest", None),
    "a": (HUB, "library/a", "latest", None),  # single-character repositories (HEAD)
    "example.com/a": ("example.com", "a", "latest", None),
    "x" * 255: (HUB, "library/" + "x" * 255, "latest", None),
    # Rule 7: only exactly 'docker.io' is rewritten; 'library/' only on index.docker.io.
    "docker.io/nginx": (HUB, "library/nginx", "latest", None),
    "DOCKER.IO/nginx": ("DOCKER.IO", "nginx", "latest", None),
    "registry-1.docker.io/nginx": ("registry-1.docker.io", "nginx", "latest", None),
    "index.docker.io/library/nginx:1.25": (HUB, "library/nginx", "1.25", None),
    # Rules 10 and 11: digests; the tag of 'repo:tag@digest' is checked, then dropped.
    "nginx@" + D: (HUB, "library/nginx", None, D),
    "nginx:v1@" + D: (HUB, "library/nginx", None, D),
    "localhost:5000@" + D: (HUB, "library/localhost", None, D),
    "example.text:8443/foo/bar:latest@" + D: ("example.text:8443", "foo/bar", None, D),
    "x" * 247 + "@" + D: (HUB, "library/" + "x" * 247, None, D),
}


@pytest.mark.parametrize(("text", "expected"), ACCEPTED.items(), ids=repr)
def test_accepted_references_parse_to_their_parts(
    text: str, expected: tuple[str, str, str | None, str | None]
) -> None:
    assert accepted(text) == expected
    assert parse_ref(text).original == text
    general = _parse(text, _DEFAULTS)  # the transcription of Go, whatever the fast path did
    assert (general.registry, general.repository, general.tag, general.digest) == expected


# --------------------------------------------------------------------------- rejected input

# text -> the part the reason must name.
REJECTED: dict[str, str] = {
    # Rule 1: the text is used verbatim.
    " nginx": "repository",
    "nginx\n": "repository",
    "": "repository",
    "Nginx": "repository",
    # Rules 2 and 3.
    "nginx:v1:v2": "repository",
    "nginx:": "tag",
    "nginx:" + "t" * 129: "tag",
    "nginx:v 1": "tag",
    "nginx:vé": "tag",
    # Rule 5.
    "foo:bar/baz": "registry",
    "user@r8.im/x": "digest",  # an '@' makes it a digest reference, and that one has none
    "a b.com/x": "registry",
    "a%41.com/x": "registry",
    "a[b.com/x": "registry",
    "[1.2.3.4]/x": "registry",
    # Rule 6.
    "Foo/bar": "repository",
    "x" * 256: "repository",
    "foo.io/": "repository",
    # Rule 10.
    "nginx@": "digest",
    "nginx@sha512:" + "0" * 128: "digest",
    "nginx@sha384:" + "0" * 96: "digest",
    "nginx@SHA256:" + "0" * 64: "digest",
    "nginx@sha256:" + "A" * 64: "digest",
    "nginx@sha256:" + "0" * 63: "digest",
    "nginx@sha256:" + "0" * 65: "digest",
    "nginx@" + D + "@" + D: "digest",
    # Rule 11: a failed 'repo:tag' is re-read as a bare repository, which rejects the ':'.
    "nginx:bad!@" + D: "tag",
    "library/nginx:@" + D: "tag",
    # Re-parsing Name() counts 'library/': 248 + 8 > 255, though the tag form passes.
    "x" * 248 + "@" + D: "repository",
    # Cog's own cases (ref_types_test.go, ref_test.go).
    ":::invalid": "repository",
    "INVALID::REF": "repository",
}


@pytest.mark.parametrize(("text", "part"), REJECTED.items(), ids=repr)
def test_rejected_references_name_the_bad_part(text: str, part: str) -> None:
    error = rejected(text)
    assert part in error.reason
    with pytest.raises(InvalidReferenceError):
        _parse(text, _DEFAULTS)


def test_the_error_is_a_value_error_and_a_cogmodel_error_with_the_text() -> None:
    error = rejected(":::invalid")
    assert isinstance(error, ValueError)
    assert isinstance(error, CogModelError)
    assert (error.text, bool(error.reason)) == (":::invalid", True)


def test_the_message_a_user_sees_starts_as_cogs_does() -> None:
    # cog-spec §7.3 item 44: the text is 'invalid image reference' and the input.
    message = str(rejected(":::invalid"))
    assert message.startswith("invalid image reference")
    assert ":::invalid" in message
    assert "\n" not in message


# --------------------------------------------------------------------------- Name() and ParsedRef


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("nginx", "index.docker.io/library/nginx:latest"),
        ("r8.im/user/model:v1", "r8.im/user/model:v1"),
        ("nginx@" + D, "index.docker.io/library/nginx@" + D),
        ("nginx:v1@" + D, "index.docker.io/library/nginx@" + D),
        ("https://r8.im/user/model", "https://r8.im/user/model:latest"),
        ("index.docker.io/a//b", "index.docker.io/a//b:latest"),
    ],
)
def test_str_is_gos_name(text: str, name: str) -> None:
    ref = parse_ref(text)
    assert str(ref) == name
    assert ref.original == text  # Go's String()


def test_name_is_registry_and_repository() -> None:
    assert parse_ref("ghcr.io/foo/bar:v1").name == "ghcr.io/foo/bar"


def test_equality_ignores_spelling_scheme_and_replicate_host() -> None:
    short = parse_ref("ubuntu")
    assert short == parse_ref("index.docker.io/library/ubuntu:latest")
    assert short == parse_ref("docker.io/ubuntu", insecure=True, replicate_host="x.io")
    assert hash(short) == hash(parse_ref("docker.io/library/ubuntu"))
    assert short != parse_ref("ubuntu:22.04")
    assert parse_ref("ubuntu@" + D) != parse_ref("ubuntu")


def test_parsed_refs_are_frozen_values_built_by_keyword() -> None:
    ref = ParsedRef(registry="r8.im", repository="user/model", tag="v1")
    assert ref == parse_ref("r8.im/user/model:v1")
    assert ref.digest is None
    assert (ref.scheme, ref.original) == ("https", "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.tag = "v2"  # type: ignore[misc]
    assert "original" not in repr(parse_ref("nginx"))


def test_the_digest_is_a_digest_value() -> None:
    digest = parse_ref("nginx@" + D).digest
    assert isinstance(digest, Digest)
    assert digest == D
    assert digest.algorithm == "sha256"


@pytest.mark.parametrize("text", ["nginx", "nginx:1", "nginx@" + D, "a.io/b:c@" + D])
def test_is_tag_and_is_digest_are_exclusive(text: str) -> None:
    ref = parse_ref(text)
    assert ref.is_tag != ref.is_digest
    assert ref.is_digest == ("@" in text)
    assert (ref.tag is None) == ref.is_digest


# --------------------------------------------------------------------------- Cog's ref_test.go


def test_cog_docker_hub_names() -> None:  # item 38
    for text in ("nginx:latest", "nginx"):
        ref = parse_ref(text)
        assert accepted(text) == (HUB, "library/nginx", "latest", None)
        assert not ref.is_replicate


def test_cog_replicate_names() -> None:  # items 39-41
    assert accepted("r8.im/user/model:v1") == ("r8.im", "user/model", "v1", None)
    assert accepted("r8.im/user/model") == ("r8.im", "user/model", "latest", None)
    assert parse_ref("r8.im/user/model").is_replicate
    assert not parse_ref("ghcr.io/foo/bar:v1").is_replicate
    assert parse_ref("r8.im/user/model@" + D).is_replicate
    assert parse_ref("nginx@" + D).tag is None


def test_cog_insecure_localhost() -> None:  # item 42
    ref = parse_ref("localhost:5000/myimage:test", insecure=True)
    assert (ref.registry, ref.repository, ref.scheme) == ("localhost:5000", "myimage", "http")


def test_cog_default_registry_and_tag() -> None:  # item 43
    assert parse_ref("user/model:v1", default_registry="r8.im").is_replicate
    assert parse_ref("nginx", default_tag="stable").tag == "stable"
    assert accepted("myimage", default_registry="r8.im", default_tag="v2") == (
        "r8.im",
        "myimage",
        "v2",
        None,
    )


def test_is_replicate_compares_with_the_configured_host_exactly() -> None:  # rule 16
    assert not parse_ref("r8.im:443/x").is_replicate
    assert not parse_ref("R8.IM/x").is_replicate
    assert parse_ref("my.registry/x", replicate_host="my.registry").is_replicate
    assert not parse_ref("r8.im/x", replicate_host="my.registry").is_replicate


# --------------------------------------------------------------------------- options


def test_default_registry_only_applies_without_a_registry() -> None:  # rule 8
    assert accepted("nginx", default_registry="r8.im")[:2] == ("r8.im", "nginx")
    assert accepted("library/nginx", default_registry="r8.im")[:2] == ("r8.im", "library/nginx")
    assert accepted("ghcr.io/x", default_registry="r8.im")[0] == "ghcr.io"
    assert accepted("nginx", default_registry="docker.io")[:2] == (HUB, "library/nginx")


def test_defaults_are_used_verbatim_as_go_does() -> None:
    # Go's WithDefaultRegistry/WithDefaultTag are never validated, and Name() drops the '/'
    # of an empty registry.
    assert str(parse_ref("nginx", default_registry="")) == "nginx:latest"
    assert str(parse_ref("nginx", default_tag="")) == "index.docker.io/library/nginx:"
    # A digest reference re-parses Name(): a default registry without '.', ':' or
    # 'localhost' is then read as part of the repository.
    assert accepted("nginx@" + D, default_registry="myreg") == ("myreg", "myreg/nginx", None, D)
    assert accepted("nginx", default_registry="myreg") == ("myreg", "nginx", "latest", None)


def test_default_tag_never_applies_to_digests() -> None:  # rule 9
    assert parse_ref("nginx@" + D, default_tag="v1").tag is None
    assert parse_ref("nginx:v2@" + D, default_tag="v1").tag is None


@pytest.mark.parametrize(
    "text", ["docker.io/library/nginx:v1", "r8.im/user/model@" + D, "localhost/x:1"]
)
def test_strict_accepts_fully_qualified_references(text: str) -> None:  # rule 13
    assert parse_ref(text, strict=True) == parse_ref(text)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("docker.io/nginx:v1", "library"),
        ("r8.im/user/model", "tag"),
        ("user/model:v1", "registry"),
        ("nginx@" + D, "registry"),
    ],
)
def test_strict_rejects_what_it_must(text: str, part: str) -> None:
    parse_ref(text)  # valid without strict
    assert part in rejected(text, strict=True).reason


def test_insecure_changes_only_the_scheme() -> None:  # rule 14
    secure, insecure = parse_ref("ghcr.io/a/b:1"), parse_ref("ghcr.io/a/b:1", insecure=True)
    assert (secure.scheme, insecure.scheme) == ("https", "http")
    assert secure == insecure
    assert str(secure) == str(insecure)


def test_results_under_options_never_leak_into_the_default_memo() -> None:
    assert parse_ref("memo-probe", default_tag="v9").tag == "v9"
    assert parse_ref("memo-probe").tag == "latest"
    assert parse_ref("memo-probe", insecure=True).scheme == "http"
    assert parse_ref("memo-probe").scheme == "https"
    assert parse_ref("memo-probe", replicate_host=HUB).is_replicate
    assert not parse_ref("memo-probe").is_replicate


# --------------------------------------------------------------------------- import cost


def test_parse_ref_does_not_import_pydantic() -> None:
    code = "import domain.reference, sys; print('pydantic' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"

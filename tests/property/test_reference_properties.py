"""The laws of parse_ref over generated input (STYLE G17).

A grammar of valid references (every registry form of REFERENCES.md: none, host names, ports
including empty and out-of-range ones, IPv4, bracketed IPv6, localhost, the docker.io aliases,
non-ASCII and sub-delimiter hosts; structured and degenerate repositories; tags; digests) always
parses, to the parts it was built from, and round-trips through ``str``. Arbitrary text fails
only with InvalidReferenceError, targeted mutations are rejected, and the options obey their
laws. The fast path must agree with the statement-for-statement transcription of Go everywhere.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain._reference_fast import ParsedMemo
from domain.errors import InvalidReferenceError
from domain.reference import _DEFAULTS, ParsedRef, _parse, parse_ref
from domain.registry_host import _is_ipv6

# About a hundred examples per law keeps the whole file to a few seconds.
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HUB = "index.docker.io"
D = "sha256:" + "0123456789abcdef" * 4
Expected = tuple[str, str, str | None, str | None]

# --------------------------------------------------------------------------- the grammar

LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
ALNUM = LOWER + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
label = st.text(ALNUM + "-", min_size=1, max_size=10)  # Go wants no hostname grammar
dotted_host = st.lists(label, min_size=2, max_size=4).map(".".join)
port = st.one_of(st.integers(0, 99999).map(str), st.just(""))  # Go checks digits, not range
ipv4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t)))


def _ipv6_text(number: int, upper: bool) -> str:
    text = str(ipaddress.IPv6Address(number))
    return text.upper() if upper else text


ipv6 = st.builds(
    _ipv6_text,
    st.integers(0, 2**128 - 1) | st.integers(0, 2**16) | st.integers(2**32, 2**48),
    st.booleans(),
)
non_ascii = st.text(
    st.characters(min_codepoint=0x80, max_codepoint=0x2FFF, exclude_categories=("Cs",)),
    min_size=1,
    max_size=4,
)
sub_delims = st.text(LOWER + "!$&'()*+,;=~_<>\"]-", min_size=1, max_size=6)
registries = st.one_of(
    st.none(),
    dotted_host,
    st.builds("{}:{}".format, dotted_host | label | ipv4, port),
    ipv4,
    st.builds("[{}]".format, ipv6),
    st.builds("[{}]:{}".format, ipv6, port),
    st.just("localhost"),
    st.builds("localhost:{}".format, port),  # 'localhost:' included
    st.sampled_from(["docker.io", HUB, "DOCKER.IO", "r8.im", "registry-1.docker.io"]),
    st.builds("{}.{}".format, non_ascii, dotted_host),
    st.builds("{}.{}".format, sub_delims, label),
)
# Structured components, as distribution's grammar writes them, and degenerate ones, which
# go-containerregistry accepts because it checks the character set only.
component = st.builds(
    "{}{}{}".format,
    st.text(LOWER, min_size=1, max_size=6),
    st.sampled_from(["", ".", "_", "__", "-", "---"]),
    st.text(LOWER, min_size=1, max_size=6),
)
degenerate = st.text(LOWER + "_./-", min_size=1, max_size=30)
tags = st.text(ALNUM + "_.-", min_size=1, max_size=128)
digests = st.binary(min_size=32, max_size=32).map(lambda b: "sha256:" + b.hex())


class Generated(NamedTuple):
    """A generated valid reference: its text, its parts as written, and Go's reading of it."""

    text: str
    registry: str | None
    repository: str
    tag: str | None
    digest: str | None
    expected: Expected

    @property
    def name(self) -> str:
        return (f"{self.registry}/" if self.registry is not None else "") + self.repository


def generated(text: str, registry: str | None, repository: str, tag: str | None) -> Generated:
    """Build the record for an explicit example; the digest, if any, is D."""
    digest = D if text.endswith(D) else None
    final = HUB if registry in (None, "docker.io") else registry
    full = "library/" + repository if final == HUB and "/" not in repository else repository
    tag_expected = None if digest else (tag or "latest")
    return Generated(text, registry, repository, tag, digest, (final, full, tag_expected, digest))


@st.composite
def references(draw: st.DrawFn) -> Generated:
    registry = draw(registries)
    if draw(st.booleans()):
        repository = "/".join(draw(st.lists(component, min_size=1, max_size=4)))
    else:
        repository = draw(degenerate)
    first, slash, _ = repository.partition("/")
    if registry is None and slash and ("." in first or first == "localhost"):
        repository = "x" + repository.replace(".", "_", first.count("."))  # keep it on the Hub
    tag = draw(st.none() | tags)
    digest = draw(st.none() | digests)
    text = (f"{registry}/" if registry is not None else "") + repository
    text += (f":{tag}" if tag is not None else "") + (f"@{digest}" if digest else "")
    final = HUB if registry in (None, "docker.io") else registry
    full = "library/" + repository if final == HUB and "/" not in repository else repository
    expected = (final, full, None if digest else (tag or "latest"), digest)
    return Generated(text, registry, repository, tag, digest, expected)


def parts(ref: ParsedRef) -> Expected:
    return ref.registry, ref.repository, ref.tag, ref.digest


def parse_or_none(text: str, **opts: object) -> ParsedRef | None:
    try:
        return parse_ref(text, **opts)  # type: ignore[arg-type]
    except InvalidReferenceError:
        return None


# Text close to the grammar, so that both outcomes are common.
near_text = st.text(alphabet="ab1Z:/@.-_[]%! ü", max_size=24) | st.builds(
    "{}{}".format, st.sampled_from(["", "a.io/", "localhost:5/", "[::1]/", "docker.io/"]), st.text()
)

# --------------------------------------------------------------------------- validity


@FAST
@given(references())
@example(generated("docker.io/nginx", "docker.io", "nginx", None))
@example(generated("localhost:5000/x", "localhost:5000", "x", None))
@example(generated("localhost:5000@" + D, None, "localhost", "5000"))
@example(generated("nginx:v1@" + D, None, "nginx", "v1"))
@example(generated("https://r8.im/user/model", "https:", "/r8.im/user/model", None))
@example(generated("localhost:/x", "localhost:", "x", None))
@example(generated("[::1]:5000/x:1", "[::1]:5000", "x", "1"))
@example(generated("ü.io/a//b", "ü.io", "a//b", None))
@example(generated("DOCKER.IO/nginx", "DOCKER.IO", "nginx", None))
def test_generated_references_parse_to_their_parts(reference: Generated) -> None:
    ref = parse_ref(reference.text)
    assert parts(ref) == reference.expected
    assert ref.original == reference.text


@FAST
@given(references())
@example(generated("DOCKER.IO/nginx", "DOCKER.IO", "nginx", None))
@example(generated("localhost:5000@" + D, None, "localhost", "5000"))
def test_canonical_text_parses_back_to_an_equal_reference(reference: Generated) -> None:
    ref = parse_ref(reference.text)
    again = parse_ref(str(ref))
    assert again == ref
    assert str(again) == str(ref)  # idempotent
    assert again.scheme == ref.scheme


def test_round_trip_breaks_where_go_breaks_it() -> None:
    # A 250-character Hub name is valid, but Name() adds 'library/' and 258 > 255.
    ref = parse_ref("x" * 250)
    assert len(ref.repository) == 258
    assert parse_or_none(str(ref)) is None


class NotACommonShapeError(Exception):
    """Raised where the fast path would hand the text to the rules."""


def refuse(text: str) -> ParsedRef:
    raise NotACommonShapeError(text)


# The memo and the fast path alone: what they do not answer themselves raises NotACommonShapeError.
fast_path = ParsedMemo(ParsedRef, rules=refuse).__getitem__


def all_fields(ref: ParsedRef) -> tuple[object, ...]:
    return (*parts(ref), ref.scheme, ref.original, ref.replicate_host, type(ref))


def assert_fast_path_agrees(text: str) -> None:
    try:
        fast: ParsedRef | None = fast_path(text)
    except NotACommonShapeError:
        fast = None
    try:
        general = _parse(text, _DEFAULTS)
    except InvalidReferenceError:
        assert fast is None
        return
    if fast is not None:
        assert fast == general
        assert all_fields(fast) == all_fields(general)


# Text in the fast path's own alphabet, where its expression has to tell shapes apart.
shape_text = st.builds(
    "{}{}{}".format,
    st.sampled_from(["", "localhost", "localhost:5000", "docker.io", "a.b:1", "A.b", "a_b.c"]).map(
        lambda registry: registry + "/" if registry else ""
    ),
    st.text(alphabet="aZ0._-:/", max_size=20),
    st.sampled_from(["", "@" + D, ":v1@" + D, "@sha256:" + "0" * 63]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(references().map(lambda r: r.text) | near_text | shape_text)
def test_the_fast_path_agrees_with_the_rules(text: str) -> None:
    assert_fast_path_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 255 + ":v1",
        "x" * 256,
        "x" * 247 + "@" + D,
        "x" * 248 + "@" + D,
        "docker.io/" + "x" * 248 + "@" + D,
        "index.docker.io/" + "x" * 255,
        "ghcr.io/" + "x" * 256,
        "foo_bar.io/x",  # a registry by Go's rule, but not in the fast path's spelling
        "Foo.IO/x",
        "a.b:5000/x",
        "a:b:5000/x",
        ":5000/x",
        ".io/x",
        "-/x",
        "a/b.c/d",
        "localhost",
        "localhost/",
        "localhost/x",
        "a.b/",
        "localhost:/x",
        "localhostx/y",
        "localhost:5000",
        "localhost:5000@" + D,
        "org/Name",
        "nginx:" + "t" * 129,
        "nginx@sha256:" + "0" * 65,
        "nginx@" + D + "@" + D,
        "ü.io/x",
        "[::1]:5000/x",
    ],
)
def test_the_fast_path_agrees_with_the_rules_at_its_edges(text: str) -> None:
    assert_fast_path_agrees(text)


def outcome(parse: Callable[[str], ParsedRef], text: str) -> tuple[object, ...] | str:
    """Every field of the result, or the reason for the rejection."""
    try:
        return all_fields(parse(text))
    except InvalidReferenceError as error:
        return error.reason


@FAST
@given(references().map(lambda r: r.text) | near_text)
@example("x" * 248 + "@" + D)
def test_parse_ref_under_default_options_is_the_rules(text: str) -> None:
    # Twice: the second answer comes from the memo.
    rules = outcome(lambda t: _parse(t, _DEFAULTS), text)
    assert outcome(parse_ref, text) == rules
    assert outcome(parse_ref, text) == rules


@pytest.mark.parametrize(
    "text",
    [
        "nginx",
        "nginx:1.25",
        "org/app:v1",
        "ghcr.io/org/app:v1",
        "localhost:5000/app",
        "10.0.0.7:5000/org/app@" + D,
        "docker.io/library/nginx:v1@" + D,
        "r8.im/acme/model@" + D,
    ],
)
def test_the_common_shapes_take_the_fast_path(text: str) -> None:
    assert all_fields(fast_path(text)) == all_fields(_parse(text, _DEFAULTS))


@FAST
@given(st.text() | near_text)
@example("")
@example(":::invalid")
@example("nginx@")
@example("[")
@example("a%")
def test_arbitrary_text_fails_only_with_invalid_reference_error(text: str) -> None:
    with contextlib.suppress(InvalidReferenceError):
        parse_ref(text)


# --------------------------------------------------------------------------- mutations


@FAST
@given(references(), st.sampled_from("!#$%&*+ ,;=?é\t"), st.data())
def test_a_bad_character_in_the_tag_is_rejected(
    reference: Generated, bad: str, data: st.DataObject
) -> None:
    tag = reference.tag or "v1"
    at = data.draw(st.integers(0, len(tag)))
    digest = f"@{reference.digest}" if reference.digest else ""
    assert parse_or_none(f"{reference.name}:{tag[:at]}{bad}{tag[at:]}{digest}") is None


@FAST
@given(references(), tags)
def test_a_tag_of_129_characters_is_rejected(reference: Generated, tag: str) -> None:
    digest = f"@{reference.digest}" if reference.digest else ""
    assert parse_or_none(f"{reference.name}:{(tag * 129)[:129]}{digest}") is None


@FAST
@given(references(), st.data())
def test_upper_case_in_the_repository_is_rejected(
    reference: Generated, data: st.DataObject
) -> None:
    letters = [i for i, c in enumerate(reference.repository) if "a" <= c <= "z"]
    if not letters:
        return
    i = len(reference.name) - len(reference.repository) + data.draw(st.sampled_from(letters))
    name = reference.name[:i] + reference.name[i].upper() + reference.name[i + 1 :]
    suffix = reference.text[len(reference.name) :]
    assert parse_or_none(name + suffix) is None


@FAST
@given(
    references(),
    st.sampled_from(
        [
            "sha512:" + "0" * 128,
            "sha384:" + "0" * 96,
            "SHA256:" + "0" * 64,
            "sha256:" + "A" * 64,
            "sha256:" + "0" * 63,
            "sha256:" + "0" * 65,
            "sha256:" + "g" * 64,
            "",
        ]
    ),
)
def test_a_bad_digest_is_rejected(reference: Generated, digest: str) -> None:
    tag = f":{reference.tag}" if reference.tag else ""
    assert parse_or_none(f"{reference.name}{tag}@{digest}") is None


# --------------------------------------------------------------------------- option laws

valid_defaults = st.sampled_from(["r8.im", "ghcr.io", "localhost:5000", "10.0.0.1", "docker.io"])
other_options = st.fixed_dictionaries(
    {},
    optional={
        "insecure": st.booleans(),
        "strict": st.booleans(),
        "default_tag": tags,
        "replicate_host": st.sampled_from(["r8.im", "my.registry"]),
    },
)


@FAST
@given(references())
def test_insecure_changes_only_the_scheme(reference: Generated) -> None:
    plain, insecure = parse_ref(reference.text), parse_ref(reference.text, insecure=True)
    assert insecure == plain
    assert (str(insecure), insecure.original, insecure.scheme) == (
        str(plain),
        plain.original,
        "http",
    )


@FAST
@given(st.text() | near_text | references().map(lambda r: r.text + "!"), other_options)
def test_a_rejection_under_default_options_is_a_rejection_under_every_option_set(
    text: str, options: dict[str, object]
) -> None:
    if parse_or_none(text) is None:
        assert parse_or_none(text, **options) is None


@FAST
@given(references().map(lambda r: r.text) | near_text, valid_defaults)
@example("x" * 248 + "@" + D, "r8.im")
@example("x" * 255 + ":v1@" + D, "ghcr.io")
def test_a_default_registry_rescues_only_long_hub_digest_references(
    text: str, default_registry: str
) -> None:
    # Go's NewDigest re-parses Name(): on the Hub that adds 'library/' and can exceed 255
    # characters; another default registry adds nothing. This is the one exception to the law.
    if parse_or_none(text) is None and parse_or_none(text, default_registry=default_registry):
        repository = text.split("@", maxsplit=1)[0].rsplit(":", 1)[0]
        assert "@" in text
        assert "/" not in repository
        assert 248 <= len(repository) <= 255


@FAST
@given(references(), valid_defaults, tags)
def test_defaults_apply_only_where_nothing_was_given(
    reference: Generated, default_registry: str, default_tag: str
) -> None:
    ref = parse_ref(reference.text, default_registry=default_registry, default_tag=default_tag)
    if reference.registry is not None:
        assert (ref.registry, ref.repository) == reference.expected[:2]
    elif default_registry == "docker.io":
        assert (ref.registry, ref.repository) == (HUB, reference.expected[1])
    else:
        assert (ref.registry, ref.repository) == (default_registry, reference.repository)
    if reference.digest:
        assert ref.tag is None
    else:
        assert ref.tag == (reference.tag or default_tag)


# --------------------------------------------------------------------------- IPv6 literals


@FAST
@given(st.text(alphabet="0123456789abcdefABCDEF:.", max_size=40) | ipv6)
@example("1:2:3:4:5:6:7::8")
@example("::ffff:1.2.3.4")
@example("::01.2.3.4")
def test_bracketed_ipv6_agrees_with_pythons_address_parser(text: str) -> None:
    try:
        ipaddress.IPv6Address(text)
        python_accepts = True
    except ValueError:
        python_accepts = False
    assert _is_ipv6(text) == python_accepts

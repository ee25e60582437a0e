"""Digest (content addresses) and ImageId (daemon ids, possibly short) by example."""

from __future__ import annotations

import pytest

from domain.digest import Digest, ImageId
from domain.errors import CogModelError, InvalidDigestError

EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
HEX64 = "9056219a5fb2" + "0" * 52
HEX128 = "ab" * 64

# --------------------------------------------------------------------------- Digest


@pytest.mark.parametrize("text", [f"sha256:{HEX64}", f"sha512:{HEX128}", EMPTY_SHA256])
def test_valid_digests_are_their_own_text(text: str) -> None:
    digest = Digest.parse(text)
    assert digest == text
    assert isinstance(digest, str)
    assert hash(digest) == hash(text)
    assert Digest(text) == digest


@pytest.mark.parametrize(
    "text",
    [
        "",
        HEX64,  # no algorithm
        f"sha256{HEX64}",
        f"sha384:{'0' * 96}",  # not an algorithm the OCI image spec registers
        f"md5:{'0' * 32}",
        f"SHA256:{HEX64}",
        f"sha256:{HEX64[:-1]}",
        f"sha256:{HEX64}0",
        f"sha256:{HEX64.upper()}",
        f"sha256:{'g' * 64}",
        f"sha256:{'٣' * 64}",  # Unicode digits are not hex
        f"sha512:{HEX64}",  # a sha512 digest has 128 characters
        f"sha256: {HEX64[1:]}",
        f"sha256:{HEX64}\n",
    ],
)
def test_invalid_digests_are_rejected_with_the_text(text: str) -> None:
    with pytest.raises(InvalidDigestError) as info:
        Digest.parse(text)
    assert info.value.text == text
    assert info.value.reason
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, CogModelError)


def test_a_digest_knows_its_parts() -> None:
    digest = Digest.parse(f"sha256:{HEX64}")
    assert (digest.algorithm, digest.hex) == ("sha256", HEX64)
    assert digest.short() == "9056219a5fb2"
    assert digest.short(4) == "9056"
    assert Digest.parse(f"sha512:{HEX128}").algorithm == "sha512"


def test_of_hashes_content() -> None:
    assert Digest.of(b"") == EMPTY_SHA256
    assert Digest.of(b"abc", "sha512").startswith("sha512:ddaf35a193617aba")
    assert isinstance(Digest.of(b"x"), Digest)


def test_of_refuses_unknown_algorithms() -> None:
    with pytest.raises(InvalidDigestError) as info:
        Digest.of(b"", "md5")
    assert info.value.text == "md5"


def test_matches_checks_the_content() -> None:
    digest = Digest.of(b"layer")
    assert digest.matches(b"layer")
    assert not digest.matches(b"layer!")
    assert Digest.of(b"layer", "sha512").matches(b"layer")


# --------------------------------------------------------------------------- ImageId


@pytest.mark.parametrize(
    ("text", "hex_part", "full"),
    [
        ("9056219a5fb2", "9056219a5fb2", False),
        ("sha256:9056219a5fb2", "9056219a5fb2", False),
        ("9", "9", False),
        (HEX64, HEX64, True),
        (f"sha256:{HEX64}", HEX64, True),
    ],
)
def test_image_ids_may_be_short(text: str, hex_part: str, full: bool) -> None:
    image_id = ImageId.parse(text)
    assert image_id == text  # kept as typed: Cog passes it to the daemon verbatim
    assert (image_id.hex, image_id.is_full) == (hex_part, full)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "sha256:",
        "9056219A5FB2",
        "xyz",
        HEX64 + "0",
        f"sha512:{HEX64}",
        "sha256:sha256:9a",
        " 9a",
    ],
)
def test_invalid_image_ids_are_rejected(text: str) -> None:
    with pytest.raises(InvalidDigestError) as info:
        ImageId.parse(text)
    assert info.value.text == text


def test_a_full_image_id_is_a_digest() -> None:
    assert ImageId.parse(HEX64).to_digest() == f"sha256:{HEX64}"
    assert isinstance(ImageId.parse(f"sha256:{HEX64}").to_digest(), Digest)


def test_a_short_image_id_is_not_a_digest() -> None:
    with pytest.raises(InvalidDigestError):
        ImageId.parse("9056219a5fb2").to_digest()


def test_a_short_id_matches_the_digests_it_prefixes() -> None:
    digest = Digest.parse(f"sha256:{HEX64}")
    assert ImageId.parse("9056219a5fb2").matches(digest)
    assert ImageId.parse("sha256:9056").matches(digest)
    assert ImageId.parse(HEX64).matches(digest)
    assert not ImageId.parse("9056219a5fb3").matches(digest)
    assert not ImageId.parse("0").matches(digest)


def test_an_image_id_never_matches_a_sha512_digest() -> None:
    digest = Digest.parse(f"sha512:{HEX128}")
    assert not ImageId.parse("abab").matches(digest)

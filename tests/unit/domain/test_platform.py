"""Platform and parse_platform by example."""

from __future__ import annotations

import dataclasses

import pytest

from domain.errors import CogModelError, InvalidPlatformError
from domain.platform import Platform, parse_platform


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("linux/amd64", ("linux", "amd64", None)),
        ("linux/arm64/v8", ("linux", "arm64", "v8")),
        ("linux/arm/v7", ("linux", "arm", "v7")),
        ("windows/amd64/10.0.17763", ("windows", "amd64", "10.0.17763")),
        ("linux/x86_64", ("linux", "x86_64", None)),  # kept as written, not normalised
        ("linux/ppc64le", ("linux", "ppc64le", None)),
    ],
)
def test_platforms_parse_to_their_parts_and_back(
    text: str, parts: tuple[str, str, str | None]
) -> None:
    platform = parse_platform(text)
    assert (platform.os, platform.architecture, platform.variant) == parts
    assert str(platform) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "linux",
        "linux/",
        "/amd64",
        "linux/amd64/",
        "linux//v8",
        "linux/arm64/v8/extra",
        "Linux/amd64",
        "linux/AMD64",
        "linux/amd 64",
        "linux/-amd64",
        "linux/amd64\n",
        "linux/ärm64",
    ],
)
def test_invalid_platforms_are_rejected_with_the_text(text: str) -> None:
    with pytest.raises(InvalidPlatformError) as info:
        parse_platform(text)
    assert info.value.text == text
    assert info.value.reason
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, CogModelError)


@pytest.mark.parametrize(
    ("wanted", "offered", "result"),
    [
        ("linux/amd64", "linux/amd64", True),
        ("linux/arm64", "linux/arm64/v8", True),  # no variant asked: any will do
        ("linux/arm64/v8", "linux/arm64/v8", True),
        ("linux/arm64/v8", "linux/arm64", False),  # nothing is normalised
        ("linux/arm/v7", "linux/arm/v6", False),
        ("linux/arm/v7", "linux/arm", False),
        ("linux/amd64", "linux/arm64", False),
        ("linux/amd64", "windows/amd64", False),
    ],
)
def test_matches(wanted: str, offered: str, result: bool) -> None:
    assert parse_platform(wanted).matches(parse_platform(offered)) is result


def test_an_empty_variant_names_none() -> None:
    offered = Platform(os="linux", architecture="arm64", variant="")
    assert Platform(os="linux", architecture="arm64", variant="").matches(
        parse_platform("linux/arm64/v8")
    )
    assert parse_platform("linux/arm64").matches(offered)
    assert not parse_platform("linux/arm64/v8").matches(offered)
    assert str(offered) == "linux/arm64"


def test_platforms_are_frozen_values() -> None:
    platform = Platform(os="linux", architecture="amd64")
    assert platform == parse_platform("linux/amd64")
    assert hash(platform) == hash(parse_platform("linux/amd64"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        platform.os = "windows"  # type: ignore[misc]

"""Registry hosts by example: Go's url.Parse round trip (REFERENCES.md rule 5) and Scheme()
(rules 14 and 15), including the bracket rules of Go's current net/url."""

from __future__ import annotations

import ipaddress

import pytest

from domain.errors import InvalidReferenceError
from domain.reference import parse_ref
from domain.registry_host import registry_port, registry_problem, registry_scheme

VALID = [
    "",
    "gcr.io",
    "gcr.io:9001",
    "localhost",
    "localhost:",  # an empty port is a port
    "host:99999",  # no range check
    "a:b:5000",  # only the text after the last ':' is the port
    "::1",
    ":",
    "a$b.com",
    "a~!$&'()*+,;=b.com",  # RFC 3986 sub-delims and '~'
    'a<b>"c.com',  # the three Go tolerates
    "a]b.com",  # ']' outside an IP literal is an ordinary character
    "ü.com",
    "a\u0085b.com",  # non-ASCII, even a C1 control, is kept: Go checks bytes below 0x80 only
    "Foo.IO",
    "[::1]",
    "[::1]:",
    "[::1]:5000",
    "[::]",
    "[FE80::1]:443",
    "[::ffff:1.2.3.4]",  # IPv4-mapped is IPv6
    "[1:2:3:4:5:6:7:8]",
    "[1:2:3:4:5:6:1.2.3.4]",
]

INVALID = [
    "foo:bar",
    "host:5000a",
    "host:٣",  # the port is ASCII digits
    "a b.com",
    "a\tb.com",
    "a%41.com",  # an escape changes the host
    "a%.com",  # a bad escape is an error
    "user@r8.im",
    "a#b.com",
    "a?b.com",
    "a\\b.com",
    "a^b.com",
    "a`b.com",
    "a{b.com",
    "a|b.com",
    "a}b.com",
    "a[b.com",  # '[' only as the first character
    "[::1",
    "[::1]x",
    "[::1]:a",
    "[::1]]",
    "[::1][::2]",
    "[]",
    "[1.2.3.4]",  # a bracketed IPv4 address is refused
    "[fe80::1%25eth0]",  # a zone is written with '%', which changes the host
    "[v1.fe]",  # IPvFuture is not an address netip parses
    "[1:2:3:4:5:6:7:8:9]",
    "[1:2:3:4:5:6:7::8]",  # '::' must stand for at least one group
    "[12345::]",
    "[::1.2.3]",
    "[::01.2.3.4]",  # no leading zeros in an IPv4 field
]


@pytest.mark.parametrize("registry", VALID, ids=repr)
def test_valid_registries_survive_gos_url_round_trip(registry: str) -> None:
    assert registry_problem(registry) is None


@pytest.mark.parametrize("registry", INVALID, ids=repr)
def test_invalid_registries_are_explained(registry: str) -> None:
    problem = registry_problem(registry)
    assert problem
    assert "\n" not in problem


@pytest.mark.parametrize("registry", VALID[1:], ids=repr)
def test_parse_ref_keeps_a_valid_registry_verbatim(registry: str) -> None:
    assert parse_ref(f"{registry}/x").registry == registry


@pytest.mark.parametrize(
    "registry", [r for r in INVALID if "@" not in r and ("." in r or ":" in r)], ids=repr
)
def test_an_invalid_registry_rejects_the_reference(registry: str) -> None:
    with pytest.raises(InvalidReferenceError) as info:
        parse_ref(f"{registry}/x")
    assert "registry" in info.value.reason


@pytest.mark.parametrize(
    "address",
    ["::", "::1", "1::", "fe80::1:2", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1", "2001:db8::a:b:c"],
)
def test_bracketed_ipv6_agrees_with_pythons_parser(address: str) -> None:
    ipaddress.IPv6Address(address)
    assert registry_problem(f"[{address}]") is None


# --------------------------------------------------------------------------- Scheme()

HTTP = [
    "10.0.0.1",
    "10.255.255.255:5000",
    "172.16.0.1",
    "172.31.255.1:80",
    "192.168.1.10:5000",
    "localhost:5000",
    "localhost:",
    "foo.localhost",
    "foo.localhost:5000",
    "a.b.localhost:12345",
    "127.0.0.1",
    "127.0.0.1:5000",
    "127.0.0.1:12345",
    "::1",
    "[::1]",
    "[::1]:5000",
]

HTTPS = [
    "index.docker.io",
    "localhost",  # bare localhost is https
    "172.32.0.1",
    "172.15.0.1",
    "192.169.0.1",
    "11.0.0.1",
    "010.0.0.1",  # not an IPv4 address to Go (leading zero)
    "10.0.0",
    "foo.local",
    "foo.localhost:123456",  # at most five port digits
    "localhostfoo",
    "127.0.0.2",
    "127.0.0.1:123456",
    "my127.0.0.1registry.io",
    "[::2]",
    "[::1]:123456",
    "r8.im",
]


@pytest.mark.parametrize("registry", HTTP)
def test_loopback_private_and_localhost_registries_speak_http(registry: str) -> None:
    assert registry_scheme(registry) == "http"


@pytest.mark.parametrize("registry", HTTPS)
def test_other_registries_speak_https(registry: str) -> None:
    assert registry_scheme(registry) == "https"


DETECTED = [r for r in HTTP + HTTPS if "." in r or ":" in r or r == "localhost"]


@pytest.mark.parametrize("registry", DETECTED)
def test_parse_ref_reports_the_scheme_and_insecure_forces_http(registry: str) -> None:
    assert parse_ref(f"{registry}/x").scheme == registry_scheme(registry)
    assert parse_ref(f"{registry}/x", insecure=True).scheme == "http"


def test_the_default_registry_gets_its_scheme_too() -> None:
    assert parse_ref("x", default_registry="192.168.0.5:5000").scheme == "http"
    assert parse_ref("x").scheme == "https"


# ------------------------------------------------------------------ the port, where it is used


@pytest.mark.parametrize(
    ("registry", "port"),
    [
        ("localhost:5000", 5000),
        ("localhost:00080", 80),
        ("localhost:", None),  # empty: the scheme's default, as Go's URL.Port() gives ""
        ("r8.im", None),
        ("[::1]", None),
        ("[::1]:443", 443),
        ("host:65535", 65535),
        ("host:0", 0),
    ],
)
def test_registry_port_is_the_number_after_the_last_colon(registry: str, port: int | None) -> None:
    assert registry_port(registry) == port


@pytest.mark.parametrize("registry", ["127.0.0.1:99999", "[::1]:65536", "h:" + "9" * 5_000])
def test_a_port_past_65535_is_a_valid_name_that_cannot_be_used(registry: str) -> None:
    # go-containerregistry accepts the name (it checks digits, not range: see VALID above);
    # Go's dialer refuses the port. So does registry_port, with the domain's error instead of
    # the ValueError("Port out of range") a URL library raises (issue 15).
    assert registry_problem(registry) is None
    with pytest.raises(InvalidReferenceError) as info:
        registry_port(registry)
    assert info.value.text == registry

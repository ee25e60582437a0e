"""Challenges, Basic vs Bearer, and the per-scope token cache (a recorded token endpoint
function stands in for HTTP; credentials come from a real config file)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from adapters.registry.auth import Authenticator, TokenAnswer, parse_challenge, pull_scope
from adapters.registry.credentials import DockerCredentials
from domain.errors import AuthenticationError, BackendUnavailableError, ProtocolError
from tests.infra.registry import docker_auth_entry

REGISTRY = "registry.example"
BEARER = 'Bearer realm="https://auth.example/token",service="registry.example",scope="{scope}"'


@dataclass
class TokenServer:
    """Answers token requests with ``tok-<scope>``; records what it was asked."""

    status: int = 200
    body: bytes | None = None
    asked: list[dict[str, object]] = field(default_factory=list)

    def __call__(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        cap: int,
    ) -> TokenAnswer:
        fields = dict(params or data or {})
        self.asked.append({"method": method, "url": url, "headers": dict(headers), **fields})
        body = self.body or json.dumps({"token": f"tok-{fields['scope']}"}).encode()
        return TokenAnswer(status=self.status, body=body)


def _auth(tmp_path: Path, *, logged_in: bool = True, scheme: str = "https") -> Authenticator:
    config = tmp_path / "config.json"
    auths = docker_auth_entry(REGISTRY, "alice", "pw") if logged_in else {}
    config.write_text(json.dumps({"auths": auths}))
    return Authenticator(REGISTRY, scheme=scheme, credentials=DockerCredentials(config))


@pytest.mark.parametrize(
    ("header", "scheme", "params"),
    [
        ('Basic realm="x"', "basic", {"realm": "x"}),
        ("basic realm=x", "basic", {"realm": "x"}),
        (
            'Bearer realm="https://a/t",service="s",scope="repository:a/b:pull,push"',
            "bearer",
            {"realm": "https://a/t", "service": "s", "scope": "repository:a/b:pull,push"},
        ),
        (
            'BEARER Realm = "https://a/t" , error="insufficient_scope"',
            "bearer",
            {"realm": "https://a/t", "error": "insufficient_scope"},
        ),
        ('Bearer realm="a\\"b"', "bearer", {"realm": 'a\\"b'}),
    ],
)
def test_challenges_are_parsed(header: str, scheme: str, params: dict[str, str]) -> None:
    found = parse_challenge(header)
    assert found is not None
    assert found.scheme == scheme
    assert dict(found.params) == params


@pytest.mark.parametrize("header", [None, "", "   "])
def test_no_challenge_is_none(header: str | None) -> None:
    assert parse_challenge(header) is None


def test_nothing_is_sent_before_the_first_challenge(tmp_path: Path) -> None:
    assert _auth(tmp_path).headers(pull_scope("a/b"), TokenServer()) == {}


def test_basic_credentials_are_sent_up_front_after_the_challenge(tmp_path: Path) -> None:
    auth = _auth(tmp_path)
    auth.challenge('Basic realm="r"', pull_scope("a/b"), TokenServer())
    for repository in ("a/b", "c/d"):
        assert auth.headers(pull_scope(repository), TokenServer()) == {
            "Authorization": "Basic YWxpY2U6cHc="
        }


def test_a_basic_challenge_to_the_credentials_means_they_were_rejected(tmp_path: Path) -> None:
    auth = _auth(tmp_path)
    auth.challenge('Basic realm="r"', pull_scope("a/b"), TokenServer())
    sent = auth.headers(pull_scope("a/b"), TokenServer())["Authorization"]
    with pytest.raises(AuthenticationError):
        auth.challenge('Basic realm="r"', pull_scope("a/b"), TokenServer(), sent=sent)


def test_a_basic_challenge_to_a_request_sent_before_they_were_learnt_is_no_refusal(
    tmp_path: Path,
) -> None:
    # Two concurrent requests both met the challenge; the second must retry, not fail.
    auth = _auth(tmp_path)
    auth.challenge('Basic realm="r"', pull_scope("a/b"), TokenServer(), sent=None)
    auth.challenge('Basic realm="r"', pull_scope("c/d"), TokenServer(), sent=None)
    assert auth.headers(pull_scope("c/d"), TokenServer()) == {"Authorization": "Basic YWxpY2U6cHc="}


def test_basic_without_credentials_says_how_to_log_in(tmp_path: Path) -> None:
    with pytest.raises(AuthenticationError) as info:
        _auth(tmp_path, logged_in=False).challenge('Basic realm="r"', "s", TokenServer())
    assert info.value.registry == REGISTRY
    assert "docker login" in str(info.value)  # the message a user acts on


@pytest.mark.parametrize("header", [None, 'Negotiate realm="x"', "Bearer service=x"])
def test_unusable_challenges_are_errors(tmp_path: Path, header: str | None) -> None:
    with pytest.raises((AuthenticationError, ProtocolError)):
        _auth(tmp_path).challenge(header, "s", TokenServer())


def test_bearer_tokens_are_fetched_and_cached_per_scope(tmp_path: Path) -> None:
    auth, server = _auth(tmp_path), TokenServer()
    one, two = pull_scope("team/one"), pull_scope("team/two")
    auth.challenge(BEARER.format(scope=one), one, server)
    assert auth.headers(one, server) == {"Authorization": f"Bearer tok-{one}"}
    assert auth.headers(two, server) == {"Authorization": f"Bearer tok-{two}"}
    assert auth.headers(one, server) == {"Authorization": f"Bearer tok-{one}"}
    assert [asked["scope"] for asked in server.asked] == [one, two]
    assert all(asked["headers"]["Authorization"] == "Basic YWxpY2U6cHc=" for asked in server.asked)  # type: ignore[index]


def test_an_expired_token_is_fetched_again(tmp_path: Path) -> None:
    auth, server = _auth(tmp_path), TokenServer()
    now = [1000.0]
    auth._clock = lambda: now[0]
    auth.challenge(BEARER.format(scope="s"), "s", server)
    now[0] += 3600
    auth.headers("s", server)
    assert len(server.asked) == 2


def test_a_refused_token_is_not_reused_after_a_new_challenge(tmp_path: Path) -> None:
    auth, server = _auth(tmp_path), TokenServer()
    auth.challenge(BEARER.format(scope="s"), "s", server)
    auth.challenge(BEARER.format(scope="s"), "s", server)
    assert len(server.asked) == 2


def test_anonymous_tokens_carry_no_credentials(tmp_path: Path) -> None:
    auth, server = _auth(tmp_path, logged_in=False), TokenServer()
    auth.challenge(BEARER.format(scope="s"), "s", server)
    assert "Authorization" not in server.asked[0]["headers"]  # type: ignore[operator]


def test_credentials_are_never_sent_to_a_plain_http_realm_of_an_https_registry(
    tmp_path: Path,
) -> None:
    header = 'Bearer realm="http://auth.example/token",service="s"'
    with pytest.raises(AuthenticationError):
        _auth(tmp_path).challenge(header, "s", TokenServer())


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, b"", AuthenticationError),
        (403, b"", AuthenticationError),
        (503, b"<html/>", BackendUnavailableError),
        (200, b"<html/>", ProtocolError),
        (200, b'{"token": ""}', ProtocolError),
        (200, b'{"something": "else"}', ProtocolError),
    ],
)
def test_token_endpoint_failures_become_domain_errors(
    tmp_path: Path, status: int, body: bytes, expected: type[Exception]
) -> None:
    server = TokenServer(status=status, body=body)
    with pytest.raises(expected):
        _auth(tmp_path).challenge(BEARER.format(scope="s"), "s", server)


def test_access_token_is_accepted_as_well(tmp_path: Path) -> None:
    auth, server = _auth(tmp_path), TokenServer(body=b'{"access_token": "at", "expires_in": 900}')
    auth.challenge(BEARER.format(scope="s"), "s", server)
    assert auth.headers("s", server) == {"Authorization": "Bearer at"}

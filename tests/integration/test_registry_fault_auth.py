"""OrasRemoteImages against a misbehaving registry: authentication, redirects, index nesting.

Basic and Bearer flows with credentials from a temporary Docker config; scoped tokens that the
fake registry accepts for one repository only; blob redirects to another origin, which must not
receive the registry's credentials; nested and looping indexes. Every test is time-bounded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.registry import DockerCredentials, OrasRemoteImages, RegistryOptions
from domain.digest import Digest
from domain.errors import AuthenticationError, IntegrityError, ProtocolError
from domain.platform import parse_platform
from tests.infra.registry import (
    AMD64,
    OCI_INDEX,
    OCI_MANIFEST,
    docker_auth_entry,
    image_index,
)
from tests.integration.fault_registry import (
    FaultRegistry,
    ServedImage,
    basic_protected,
    bearer_protected,
    fault_registries,
    json_error,
    manifest_handler,
    redirect,
    respond,
    token_endpoint,
)

pytestmark = pytest.mark.timeout(30)

FAST = RegistryOptions(connect_timeout=1, read_timeout=1, deadline=3, max_retry_wait=2)
USER, PASSWORD = "alice", "s3cret-pa55"


@pytest.fixture
def fault() -> Iterator[FaultRegistry]:
    with FaultRegistry() as server:
        yield server


def _adapter(tmp_path: Path, auths: dict[str, object]) -> OrasRemoteImages:
    config = tmp_path / "docker" / "config.json"
    config.parent.mkdir(exist_ok=True)
    config.write_text(json.dumps({"auths": auths}))
    return OrasRemoteImages(options=FAST, credentials=DockerCredentials(config))


def _login(host: str, user: str = USER, password: str = PASSWORD) -> dict[str, object]:
    return dict(docker_auth_entry(host, user, password))


def _protect(fault: FaultRegistry, image: ServedImage, wrap) -> None:  # type: ignore[no-untyped-def]
    for path in (image.manifest_path, image.digest_path, image.config_path):
        fault.routes[path] = wrap(fault.routes[path])


# --------------------------------------------------------------------------- Basic


def test_basic_credentials_are_sent_up_front_after_one_challenge(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    images = [fault.serve_image(repository=f"team/m{i}", labels={"i": str(i)}) for i in range(3)]
    for image in images:
        _protect(fault, image, lambda h: basic_protected(h, USER, PASSWORD))
    with _adapter(tmp_path, _login(fault.host)) as remote:
        labels = [remote.inspect(image.ref).labels["i"] for image in images]
    assert labels == ["0", "1", "2"]
    challenges = [s for s in fault.seen if "Authorization" not in s.headers]
    assert len(challenges) == 1
    assert len(fault.seen) == 2 * len(images) + 1


def test_basic_registry_without_credentials_is_an_authentication_error(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    image = fault.serve_image()
    _protect(fault, image, lambda h: basic_protected(h, USER, PASSWORD))
    with _adapter(tmp_path, {}) as remote, pytest.raises(AuthenticationError) as info:
        remote.inspect(image.ref)
    assert info.value.registry == fault.host


def test_rejected_basic_credentials_are_an_authentication_error(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    image = fault.serve_image()
    _protect(fault, image, lambda h: basic_protected(h, USER, PASSWORD))
    with (
        _adapter(tmp_path, _login(fault.host, password="wrong")) as remote,
        pytest.raises(AuthenticationError),
    ):
        remote.inspect(image.ref)
    assert len(fault.seen) == 2  # one challenge, one refused attempt, no retry loop


def test_a_secret_never_appears_in_the_error(fault: FaultRegistry, tmp_path: Path) -> None:
    image = fault.serve_image()
    _protect(fault, image, lambda h: basic_protected(h, USER, PASSWORD))
    with (
        _adapter(tmp_path, _login(fault.host, password="wrong-" + PASSWORD)) as remote,
        pytest.raises(AuthenticationError) as info,
    ):
        remote.inspect(image.ref)
    assert PASSWORD not in str(info.value)
    assert PASSWORD not in repr(info.value.__cause__)


@pytest.mark.parametrize("status", [401, 403])
def test_denied_without_a_usable_challenge_is_an_authentication_error(
    fault: FaultRegistry, tmp_path: Path, status: int
) -> None:
    image = fault.serve_image()
    fault.routes[image.manifest_path] = json_error(status, "DENIED")
    with _adapter(tmp_path, {}) as remote, pytest.raises(AuthenticationError):
        remote.inspect(image.ref)


# --------------------------------------------------------------------------- redirects


def test_a_blob_redirect_to_another_host_gets_no_credentials(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    image = fault.serve_image()
    with fault_registries(1) as (storage,):
        storage.routes["/blob"] = respond(200, image.config)
        fault.routes[image.config_path] = redirect(f"{storage.url}/blob")
        _protect(fault, image, lambda h: basic_protected(h, USER, PASSWORD))
        with _adapter(tmp_path, _login(fault.host)) as remote:
            assert remote.inspect(image.ref).image_id == Digest.of(image.config)
        assert [s.path for s in storage.seen] == ["/blob"]
        assert "Authorization" not in storage.seen[0].headers


def test_a_redirect_loop_is_a_protocol_error(fault: FaultRegistry, tmp_path: Path) -> None:
    image = fault.serve_image()
    fault.routes[image.config_path] = redirect(image.config_path)
    with _adapter(tmp_path, {}) as remote, pytest.raises(ProtocolError):
        remote.inspect(image.ref)
    assert len(fault.requests_to(image.config_path)) == FAST.max_redirects + 1


# --------------------------------------------------------------------------- Bearer


def _bearer_images(fault: FaultRegistry, repositories: list[str]) -> list[ServedImage]:
    realm = f"{fault.url}/token"
    images = []
    for repository in repositories:
        image = fault.serve_image(repository=repository, labels={"repo": repository})
        _protect(fault, image, lambda h, r=repository: bearer_protected(h, r, realm))
        images.append(image)
    return images


def test_bearer_tokens_are_scoped_per_repository_and_cached(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    fault.routes["/token"] = token_endpoint(USER, PASSWORD)
    one, two = _bearer_images(fault, ["team/one", "team/two"])
    with _adapter(tmp_path, _login(fault.host)) as remote:
        assert remote.inspect(one.ref).labels["repo"] == "team/one"
        assert remote.inspect(two.ref).labels["repo"] == "team/two"
        assert remote.inspect(one.ref).labels["repo"] == "team/one"
    tokens = fault.requests_to("/token")
    assert [t.query["scope"] for t in tokens] == [
        ["repository:team/one:pull"],
        ["repository:team/two:pull"],
    ]
    for seen in fault.requests_to("/v2/team/two/"):
        assert seen.headers.get("Authorization") != "Bearer tok-team/one"
    assert (
        len(
            [
                s
                for s in fault.seen
                if s.path.startswith("/v2/") and "Authorization" not in s.headers
            ]
        )
        == 1
    )


def test_a_refused_token_request_is_an_authentication_error(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    fault.routes["/token"] = token_endpoint(USER, PASSWORD)
    (image,) = _bearer_images(fault, ["team/one"])
    with (
        _adapter(tmp_path, _login(fault.host, password="wrong")) as remote,
        pytest.raises(AuthenticationError),
    ):
        remote.inspect(image.ref)


def test_anonymous_bearer_tokens_need_no_credentials(fault: FaultRegistry, tmp_path: Path) -> None:
    fault.routes["/token"] = token_endpoint()
    (image,) = _bearer_images(fault, ["public/one"])
    with _adapter(tmp_path, {}) as remote:
        assert remote.inspect(image.ref).labels["repo"] == "public/one"
    assert "Authorization" not in fault.requests_to("/token")[0].headers


def test_an_identity_token_is_exchanged_as_a_refresh_token(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    fault.routes["/token"] = token_endpoint(USER, "refresh-me")
    (image,) = _bearer_images(fault, ["team/one"])
    with _adapter(tmp_path, {fault.host: {"identitytoken": "refresh-me"}}) as remote:
        assert remote.inspect(image.ref).labels["repo"] == "team/one"
    assert [t.method for t in fault.requests_to("/token")] == ["POST"]


# --------------------------------------------------------------------------- index nesting


def _nest(fault: FaultRegistry, image: ServedImage, levels: int) -> bytes:
    """Wrap ``image`` in ``levels`` indexes; register each; return the outermost."""
    body = image_index([(AMD64, OCI_MANIFEST, image.manifest)])
    fault.routes[f"/v2/faulty/image/manifests/{Digest.of(body)}"] = manifest_handler(
        body, media_type=OCI_INDEX
    )
    for _ in range(levels):
        body = image_index([(None, OCI_INDEX, body)])
        fault.routes[f"/v2/faulty/image/manifests/{Digest.of(body)}"] = manifest_handler(
            body, media_type=OCI_INDEX
        )
    fault.routes["/v2/faulty/image/manifests/nested"] = manifest_handler(body, media_type=OCI_INDEX)
    return body


def test_nested_indexes_within_the_limit_are_followed(fault: FaultRegistry, tmp_path: Path) -> None:
    image = fault.serve_image(labels={"deep": "yes"})
    top = _nest(fault, image, levels=FAST.max_index_depth)
    with _adapter(tmp_path, {}) as remote:
        inspected = remote.inspect(fault.ref("faulty/image:nested"))
    assert inspected.labels == {"deep": "yes"}
    assert inspected.manifest_digest == Digest.of(top)


def test_indexes_nested_beyond_the_limit_are_a_protocol_error(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    image = fault.serve_image()
    _nest(fault, image, levels=FAST.max_index_depth + 1)
    with _adapter(tmp_path, {}) as remote, pytest.raises(ProtocolError):
        remote.inspect(fault.ref("faulty/image:nested"))


def test_an_index_that_loops_back_is_caught_by_its_digest(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    image = fault.serve_image()
    inner = image_index([(AMD64, OCI_MANIFEST, image.manifest)])
    outer = image_index([(None, OCI_INDEX, inner)])
    # The registry answers the inner digest with the outer index: a loop, if believed.
    fault.routes[f"/v2/faulty/image/manifests/{Digest.of(inner)}"] = manifest_handler(
        outer, media_type=OCI_INDEX
    )
    fault.routes["/v2/faulty/image/manifests/loop"] = manifest_handler(outer, media_type=OCI_INDEX)
    with _adapter(tmp_path, {}) as remote, pytest.raises(IntegrityError):
        remote.inspect(fault.ref("faulty/image:loop"))


def test_an_index_entry_platform_is_matched_with_its_variant(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    arm6 = fault.serve_image(
        repository="faulty/arm",
        tag="v6",
        platform=parse_platform("linux/arm/v6"),
        labels={"v": "6"},
    )
    arm7 = fault.serve_image(
        repository="faulty/arm",
        tag="v7",
        platform=parse_platform("linux/arm/v7"),
        labels={"v": "7"},
    )
    body = image_index(
        [
            (arm6_platform, OCI_MANIFEST, img.manifest)
            for arm6_platform, img in (
                (parse_platform("linux/arm/v6"), arm6),
                (parse_platform("linux/arm/v7"), arm7),
            )
        ]
    )
    fault.routes["/v2/faulty/arm/manifests/multi"] = manifest_handler(body, media_type=OCI_INDEX)
    with _adapter(tmp_path, {}) as remote:
        picked = remote.inspect(
            fault.ref("faulty/arm:multi"), platform=parse_platform("linux/arm/v7")
        )
    assert picked.labels == {"v": "7"}


def test_an_index_whose_entry_is_missing_is_broken_not_absent(
    fault: FaultRegistry, tmp_path: Path
) -> None:
    image = fault.serve_image()
    body = image_index([(AMD64, OCI_MANIFEST, image.manifest)])
    fault.routes["/v2/faulty/image/manifests/broken"] = manifest_handler(body, media_type=OCI_INDEX)
    del fault.routes[image.digest_path]  # the registry lost the entry's manifest
    with _adapter(tmp_path, {}) as remote, pytest.raises(ProtocolError):
        remote.inspect(fault.ref("faulty/image:broken"))


def test_a_token_that_cannot_be_sent_is_never_printed(fault: FaultRegistry, tmp_path: Path) -> None:
    # A header value with a newline is refused by requests, whose message quotes the header.
    secret = "tok-team/one-SECRET"
    body = json.dumps({"token": f"{secret}\n", "expires_in": 300}).encode()
    fault.routes["/token"] = respond(200, body, {"Content-Type": "application/json"})
    (image,) = _bearer_images(fault, ["team/one"])
    with _adapter(tmp_path, {}) as remote, pytest.raises(ProtocolError) as info:
        remote.inspect(image.ref)
    assert secret not in str(info.value)

"""DockerLocalImages: the images a Docker Engine holds, through docker-py.

Names are looked up as the daemon spells them (``nginx:latest`` for
``index.docker.io/library/nginx:latest``, see ``names.py``). Image ids may be short: a short id
is matched against the engine's list of image ids here, because the engine's own lookup treats
``abc`` as the *name* ``abc:latest`` first and reports an ambiguous prefix as a plain 404.

How failures are told apart (never by message text):

- inspect, tag, remove: by HTTP status through ``errors.py`` (404 → not found locally, 409 →
  in use, ...).
- pull: 404 → not found in the registry; other 4xx through ``errors.py``; 5xx and in-stream
  errors carry only text, so the registry itself is asked (``registry_access.py``): unreachable
  → ``BackendUnavailableError``, credentials refused or missing → ``AuthenticationError``, no
  such manifest → ``ImageNotFoundError`` (remote; Podman's API reports a missing tag in the
  stream where Docker answers 404), otherwise ``BackendError`` with the engine's message.
- push: the local image is inspected first, so a missing one is a 404 and not the engine's
  in-stream text; registry failures are then judged as for pull; the pushed digest comes from
  the stream's ``aux`` record, not from the status text (Podman's API sends no such record: the
  registry is then asked which digest the tag has).
- pull with a platform: when the engine fails (in-stream) and the reference names an index that
  lists no matching platform (asked of the registry, ``index_platforms``), the failure is
  ``PlatformNotFoundError``. After a successful pull the image's platform is compared with the
  one asked for, because Engine 20.10 pulls a single-platform image of another platform (or
  keeps one already present) with only a warning; the mismatch is ``PlatformNotFoundError``
  (the image stays local).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from typing import Any, Final, Self

import docker
import docker.errors
import requests
import urllib3.exceptions

from adapters.docker.client import DockerEngine
from adapters.docker.errors import BACKEND, engine_errors, explanation
from adapters.docker.messages import StreamOutcome, read_messages
from adapters.docker.names import (
    daemon_name,
    daemon_repository,
    id_matches,
    image_from_inspect,
    tag_parts,
)
from adapters.docker.registry_access import (
    Access,
    check_access,
    index_platforms,
    look_up_manifest,
)
from application.ports.local_images import LocalImages
from domain.digest import Digest, ImageId
from domain.errors import (
    AmbiguousImageIdError,
    AuthenticationError,
    BackendError,
    BackendUnavailableError,
    CogModelError,
    ImageNotFoundError,
    InvalidDigestError,
    InvalidPlatformError,
    PlatformNotFoundError,
    ProtocolError,
)
from domain.image import Image
from domain.image_source import ImageSource
from domain.platform import Platform, parse_platform
from domain.progress import ProgressSink
from domain.reference import ParsedRef
from domain.safe_text import redact

_PROBE_TIMEOUT: Final = 10.0


class DockerLocalImages:
    """:class:`~application.ports.local_images.LocalImages` on a Docker Engine.

    Args:
        engine: the engine to use. Default: a :class:`DockerEngine` from the environment
            (``DOCKER_HOST``, ``DOCKER_CONFIG``), connected on first use.
    """

    def __init__(self, *, engine: DockerEngine | None = None) -> None:
        self._engine = engine if engine is not None else DockerEngine()

    @property
    def engine(self) -> DockerEngine:
        """The engine this adapter talks to."""
        return self._engine

    # ------------------------------------------------------------------ lookups

    def inspect(self, ref: ParsedRef) -> Image:
        """See :meth:`application.ports.local_images.LocalImages.inspect`."""
        api = self._engine.api
        with engine_errors(self._engine.host, subject=str(ref)):
            answer = api.inspect_image(daemon_name(ref))  # type: ignore[no-untyped-call]
        return image_from_inspect(answer, reference=ref)

    def inspect_id(self, image_id: ImageId) -> Image:
        """See :meth:`application.ports.local_images.LocalImages.inspect_id`."""
        full = self._full_id(image_id)
        api = self._engine.api
        with engine_errors(self._engine.host, subject=str(image_id)):
            answer = api.inspect_image(full)  # type: ignore[no-untyped-call]
        return image_from_inspect(answer, reference=None)

    # ------------------------------------------------------------------ registry traffic

    def pull(
        self,
        ref: ParsedRef,
        *,
        platform: Platform | None = None,
        progress: ProgressSink | None = None,
    ) -> Image:
        """See :meth:`application.ports.local_images.LocalImages.pull`."""
        auth = self._engine.registry_auth(ref.registry)
        outcome = self._registry_stream(
            ref,
            actions="pull",
            auth=auth,
            platform=platform,
            progress=progress,
            call=lambda api: api.pull(
                daemon_repository(ref),
                tag=str(ref.digest) if ref.digest is not None else ref.tag,
                stream=True,
                decode=True,
                platform=str(platform) if platform is not None else None,
                auth_config=auth,
            ),
        )
        if outcome.error is not None:
            raise self._registry_failure(ref, outcome.error.message, auth, "pull", platform)
        image = self.inspect(ref)
        if platform is not None and not (image.platform and platform.matches(image.platform)):
            have = [str(image.platform)] if image.platform is not None else []
            raise PlatformNotFoundError(str(ref), ImageSource.REMOTE, str(platform), have)
        return image

    def push(self, ref: ParsedRef, *, progress: ProgressSink | None = None) -> Digest:
        """See :meth:`application.ports.local_images.LocalImages.push`."""
        repository, tag = tag_parts(ref)
        self.inspect(ref)  # a missing image is a 404 here; the push stream would only say it
        auth = self._engine.registry_auth(ref.registry)
        outcome = self._registry_stream(
            ref,
            actions="pull,push",
            auth=auth,
            platform=None,
            progress=progress,
            call=lambda api: api.push(
                repository, tag=tag, stream=True, decode=True, auth_config=auth
            ),
        )
        if outcome.error is not None:
            raise self._registry_failure(ref, outcome.error.message, auth, "pull,push")
        announced = next((str(aux["Digest"]) for aux in outcome.aux if "Digest" in aux), None)
        if announced is None:
            # Podman's API says the digest only in a status sentence: ask the registry instead.
            timeout = min(_PROBE_TIMEOUT, self._engine.timeout)
            announced = look_up_manifest(ref, auth=auth, timeout=timeout).digest
        if announced is None:
            raise ProtocolError(BACKEND, f"the engine pushed {ref} but reported no manifest digest")
        try:
            return Digest.parse(announced)
        except InvalidDigestError as exc:
            raise ProtocolError(BACKEND, f"push of {ref}: {exc}") from exc

    # ------------------------------------------------------------------ names

    def remove(self, image: ParsedRef | ImageId, *, force: bool = False) -> None:
        """See :meth:`application.ports.local_images.LocalImages.remove`."""
        source = self._source(image)
        api = self._engine.api
        with engine_errors(self._engine.host, subject=str(image)):
            api.remove_image(source, force=force)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Close the engine connection (a later call reopens it)."""
        self._engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals

    def _source(self, image: ParsedRef | ImageId) -> str:
        return self._full_id(image) if isinstance(image, ImageId) else daemon_name(image)

    def _full_id(self, image_id: ImageId) -> str:
        if image_id.is_full:
            return f"sha256:{image_id.hex}"
        api = self._engine.api
        with engine_errors(self._engine.host):
            listed = api.images(all=True, quiet=True)
        matches = id_matches(image_id, [str(item) for item in listed])
        if not matches:
            raise ImageNotFoundError(str(image_id), ImageSource.LOCAL)
        if len(matches) > 1:
            raise AmbiguousImageIdError(str(image_id), matches)
        return matches[0]

    def _registry_stream(
        self,
        ref: ParsedRef,
        *,
        actions: str,
        auth: dict[str, Any],
        platform: Platform | None,
        call: Callable[[docker.APIClient], Iterable[Any]],
        progress: ProgressSink | None,
    ) -> StreamOutcome:
        api = self._engine.api
        with engine_errors(self._engine.host, subject=str(ref), location=ImageSource.REMOTE):
            try:
                return read_messages(call(api), progress=progress)
            except docker.errors.APIError as exc:
                if exc.status_code is not None and exc.status_code >= 500:
                    detail = explanation(exc)
                    raise self._registry_failure(ref, detail, auth, actions, platform) from exc
                raise
            except _STALLED as exc:
                # The engine answered a moment ago (the image was inspected first) and went
                # quiet in the middle of the registry's part of the work: the registry is the
                # likely culprit, if the engine still answers otherwise.
                if self._engine_answers():
                    raise self._registry_stalled(ref, actions) from exc
                raise

    def _registry_failure(
        self,
        ref: ParsedRef,
        detail: str,
        auth: dict[str, Any],
        actions: str,
        platform: Platform | None = None,
    ) -> CogModelError:
        """Classify a text-only registry failure by asking the registry (registry_access.py).

        ``detail`` is the engine's account of what the registry said, which may echo the
        credentials the engine sent: it is redacted with them as known secrets.
        """
        detail = redact(detail, known=auth_secrets(auth))
        timeout = min(_PROBE_TIMEOUT, self._engine.timeout)
        if platform is not None:
            listed = index_platforms(ref, auth=auth, timeout=timeout)
            if listed is not None and not _lists(listed, platform):
                return PlatformNotFoundError(str(ref), ImageSource.REMOTE, str(platform), listed)
        verdict = check_access(ref, auth=auth, actions=actions, timeout=timeout)
        if verdict is Access.UNREACHABLE:
            return BackendUnavailableError(
                "registry", f"cannot reach the registry {ref.registry} ({detail})"
            )
        if verdict is Access.DENIED:
            where = self._engine.config_dir / "config.json"
            hint = "no credentials" if not auth else "the credentials were refused"
            return AuthenticationError(
                BACKEND,
                f"{detail} ({hint}; log in with 'docker login {ref.registry}', "
                f"credentials are read from {where})",
                registry=ref.registry,
            )
        verb = "push" if "push" in actions else "pull"
        if verb == "pull" and look_up_manifest(ref, auth=auth, timeout=timeout).found is False:
            # Docker answers a pull of a missing tag with 404; Podman says it in the stream.
            return ImageNotFoundError(str(ref), ImageSource.REMOTE, detail)
        return BackendError(BACKEND, f"{verb} of {ref} failed: {detail}")

    def _engine_answers(self) -> bool:
        """Whether the engine answers a ping now (on a connection of its own)."""
        try:
            with engine_errors(self._engine.host):
                return bool(self._engine.api.ping())
        except CogModelError:
            return False

    def _registry_stalled(self, ref: ParsedRef, actions: str) -> BackendUnavailableError:
        verb = "push" if "push" in actions else "pull"
        return BackendUnavailableError(
            "registry",
            f"the registry {ref.registry} stopped answering during the {verb} of {ref}: the "
            f"Docker Engine waited {self._engine.timeout:g}s for it to go on, and itself still "
            f"answers; check that the registry at {ref.registry} is up and reachable from the "
            "engine",
        )


# A stream that went quiet for longer than the engine's timeout (docker-py reads the stream
# itself, so urllib3's error may surface undressed).
_STALLED: Final = (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)


def auth_secrets(auth: Mapping[str, Any]) -> list[str]:
    """The secret values of an engine auth config (password, tokens, the ``auth`` field and
    the Basic credential it makes), for :func:`domain.safe_text.redact`."""
    found = [
        value
        for key, value in auth.items()
        if key.lower() in ("password", "auth", "identitytoken", "registrytoken")
        and isinstance(value, str)
    ]
    username = auth.get("username") or auth.get("Username")
    password = auth.get("password") or auth.get("Password")
    if isinstance(username, str) and isinstance(password, str) and password:
        found.append(base64.b64encode(f"{username}:{password}".encode()).decode())
    return found


def _lists(platforms: tuple[str, ...], wanted: Platform) -> bool:
    """Whether an index listing ``platforms`` has an image for ``wanted``."""
    for text in platforms:
        with suppress(InvalidPlatformError):  # a platform we cannot read cannot be the one
            if wanted.matches(parse_platform(text)):
                return True
    return False


_: type[LocalImages] = DockerLocalImages

"""Registry credentials from Docker's ``config.json``, as the docker CLI finds them.

The file is ``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json`` (oras-py ignores
``$DOCKER_CONFIG``; this module does not). For a registry host the lookup order is Docker's:
``credHelpers[host]`` → ``credsStore`` → the inline ``auths`` entry. Helpers are run as
``docker-credential-<name> get`` with the host on stdin, with a timeout; a helper that is
missing or fails means "no credentials" (logged, never the secret). ``auths`` keys may be bare
hosts or URLs (``https://index.docker.io/v1/``); they are compared by host.

The file is read lazily, on the first registry that asks for credentials, and each answer is
remembered, so a helper runs at most once per host per process. A file that exists but does not
parse is reported as :class:`AuthenticationError` when (and only when) credentials are needed.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from adapters.host_files import read_json_file
from domain.errors import AuthenticationError, HostFileError, InvalidJsonError

logger = logging.getLogger(__name__)

_HUB_KEYS: Final = ("https://index.docker.io/v1/", "index.docker.io", "docker.io")
_HUB_HOSTS: Final = frozenset({"index.docker.io", "docker.io", "registry-1.docker.io"})
# What a helper returns as Username when Secret is an OAuth2 refresh token, not a password.
_IDENTITY_TOKEN_USER: Final = "<token>"  # noqa: S105 - a marker, not a secret


@dataclass(frozen=True, slots=True, kw_only=True)
class Credential:
    """A username and secret for one registry. ``repr`` never shows the secret."""

    username: str
    password: str = field(repr=False)
    identity_token: str | None = field(default=None, repr=False)


def default_docker_config() -> Path:
    """``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``."""
    base = os.environ.get("DOCKER_CONFIG")
    return Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"


class DockerCredentials:
    """Looks up credentials per registry host in a Docker config file (thread-safe)."""

    def __init__(self, config_path: Path | None = None, *, helper_timeout: float = 10.0) -> None:
        """Nothing is read here; the file is read on the first :meth:`get`."""
        self._path = config_path
        self._helper_timeout = helper_timeout
        self._config: dict[str, Any] | None = None
        self._answers: dict[str, Credential | None] = {}
        self._lock = threading.Lock()

    def get(self, registry: str) -> Credential | None:
        """The credential for ``registry`` (``host[:port]``), or ``None``.

        Raises:
            AuthenticationError: the config file exists but cannot be read or parsed.
        """
        with self._lock:
            if registry not in self._answers:
                self._answers[registry] = self._lookup(registry)
            return self._answers[registry]

    def _lookup(self, registry: str) -> Credential | None:
        config = self._load()
        keys = _HUB_KEYS if registry in _HUB_HOSTS else (registry,)
        helpers = config.get("credHelpers")
        if isinstance(helpers, dict):
            for key in keys:
                if isinstance(helpers.get(key), str):
                    return self._from_helper(helpers[key], key)
        store = config.get("credsStore")
        if isinstance(store, str) and store:
            found = self._from_helper(store, keys[0])
            if found is not None:
                return found
        return _from_auths(config.get("auths"), keys)

    def _load(self) -> dict[str, Any]:
        if self._config is not None:
            return self._config
        path = self._path or default_docker_config()
        try:
            loaded = read_json_file(path, what="the Docker config")
        except HostFileError as exc:
            raise AuthenticationError("registry", f"cannot read {path}: {exc.reason}") from exc
        except InvalidJsonError as exc:
            raise AuthenticationError(
                "registry", f"{path} is not valid JSON: {exc.reason}"
            ) from exc
        loaded = {} if loaded is None else loaded
        if not isinstance(loaded, dict):
            raise AuthenticationError("registry", f"{path} is not a JSON object")
        self._config = loaded
        return loaded

    def _from_helper(self, name: str, server: str) -> Credential | None:
        import subprocess  # noqa: PLC0415 - only a config that names a helper needs it

        binary = f"docker-credential-{name}"
        try:
            done = subprocess.run(
                [binary, "get"],
                input=server.encode(),
                capture_output=True,
                timeout=self._helper_timeout,
                check=False,
            )
        except FileNotFoundError:
            logger.warning("credential helper %s is not installed", binary)
            return None
        except (subprocess.TimeoutExpired, OSError) as exc:
            logger.warning("credential helper %s failed: %s", binary, type(exc).__name__)
            return None
        if done.returncode != 0:
            # "credentials not found" is an ordinary answer; the helper's text is not parsed.
            logger.debug("credential helper %s has nothing for %s", binary, server)
            return None
        try:
            answer = json.loads(done.stdout)
            username, secret = str(answer["Username"]), str(answer["Secret"])
        except (ValueError, KeyError, TypeError):
            logger.warning("credential helper %s printed something that is not JSON", binary)
            return None
        if username == _IDENTITY_TOKEN_USER:
            return Credential(username="", password="", identity_token=secret)
        return Credential(username=username, password=secret)


def _from_auths(auths: object, keys: tuple[str, ...]) -> Credential | None:
    if not isinstance(auths, dict):
        return None
    by_host: dict[str, dict[str, Any]] = {}
    for key, entry in auths.items():
        if isinstance(entry, dict):
            by_host.setdefault(_host_of(str(key)), entry)
    for key in keys:
        entry = auths.get(key) if isinstance(auths.get(key), dict) else by_host.get(_host_of(key))
        if entry is not None:
            return _decode_entry(entry, key)
    return None


def _decode_entry(entry: dict[str, Any], key: str) -> Credential | None:
    token = entry.get("identitytoken")
    if isinstance(entry.get("auth"), str) and entry["auth"]:
        try:
            user, sep, password = base64.b64decode(entry["auth"]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            logger.warning("the auths entry for %s is not base64 user:password", key)
            return None
        if sep:
            return Credential(username=user, password=password, identity_token=token)
    if isinstance(entry.get("username"), str) and isinstance(entry.get("password"), str):
        return Credential(username=entry["username"], password=entry["password"])
    if isinstance(token, str) and token:
        return Credential(username="", password="", identity_token=token)
    return None


def _host_of(key: str) -> str:
    # "https://host:port/v1/" and "host:port" both name host:port.
    return urlsplit(key if "//" in key else f"//{key}").netloc.lower()

"""DockerConfigCredentialStore: credentials saved where the docker CLI's ``login`` saves them.

Docker's rule (docker/cli ``GetCredentialsStore``), for a registry host: the credential helper
``credHelpers[host]`` names, else the ``credsStore`` helper, else the config file itself. A
helper is run as ``docker-credential-<name> store`` with ``{"ServerURL", "Username", "Secret"}``
on stdin. In the file, ``auths[host]`` becomes ``{"auth": base64("user:secret")}``; the rest of
the file is kept, and the file is replaced whole (a temporary file renamed over it, mode 0600).
Docker Hub's key is ``https://index.docker.io/v1/``, as the docker CLI writes it.

What is saved here is what :class:`~adapters.registry.credentials.DockerCredentials` (the
registry client) and the engine's pushes and pulls read.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Final

from adapters.host_files import read_json_file
from adapters.registry.credentials import default_docker_config
from application.ports.credential_store import CredentialStore
from domain.errors import AuthenticationError, HostFileError, InvalidJsonError

BACKEND: Final = "registry"
HUB_KEY: Final = "https://index.docker.io/v1/"
_HUB_HOSTS: Final = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
_HELPER_TIMEOUT: Final = 30.0


class DockerConfigCredentialStore:
    """:class:`~application.ports.credential_store.CredentialStore` on Docker's config.

    Args:
        config_path: the config file. Default: ``$DOCKER_CONFIG/config.json``, else
            ``~/.docker/config.json`` (read when :meth:`store` is called).
    """

    def __init__(self, config_path: Path | None = None) -> None:
        self._path = config_path

    def store(self, registry: str, username: str, secret: str) -> str:
        """See :meth:`application.ports.credential_store.CredentialStore.store`."""
        path = self._path or default_docker_config()
        config = _read(path)
        key = HUB_KEY if registry in _HUB_HOSTS else registry
        helpers = config.get("credHelpers")
        helper = helpers.get(key) if isinstance(helpers, dict) else None
        if not isinstance(helper, str) or not helper:
            store = config.get("credsStore")
            helper = store if isinstance(store, str) and store else None
        if helper is not None:
            _helper_store(helper, key, username, secret)
            return f"the credential helper docker-credential-{helper}"
        auths = config.get("auths")
        if not isinstance(auths, dict):
            auths = config["auths"] = {}
        token = base64.b64encode(f"{username}:{secret}".encode()).decode()
        auths[key] = {"auth": token}
        _write(path, config)
        return str(path)


def _read(path: Path) -> dict[str, Any]:
    try:
        loaded = read_json_file(path, what="the Docker config")
    except HostFileError as exc:
        raise AuthenticationError(BACKEND, f"cannot read {path}: {exc.reason}") from exc
    except InvalidJsonError as exc:
        raise AuthenticationError(BACKEND, f"{path} is not valid JSON: {exc.reason}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise AuthenticationError(BACKEND, f"{path} is not a JSON object")
    return loaded


def _write(path: Path, config: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config.json.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(config, out, indent="\t")
                out.write("\n")
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        raise AuthenticationError(BACKEND, f"cannot write {path}: {exc.strerror or exc}") from exc


def _helper_store(helper: str, server: str, username: str, secret: str) -> None:
    binary = f"docker-credential-{helper}"
    document = json.dumps({"ServerURL": server, "Username": username, "Secret": secret})
    try:
        done = subprocess.run(
            [binary, "store"],
            input=document.encode(),
            capture_output=True,
            timeout=_HELPER_TIMEOUT,
            check=False,
        )
    except FileNotFoundError as exc:
        raise AuthenticationError(
            BACKEND, f"the credential helper {binary} named in the Docker config is not installed"
        ) from exc
    except (subprocess.TimeoutExpired, OSError) as exc:
        raise AuthenticationError(BACKEND, f"the credential helper {binary} failed") from exc
    if done.returncode != 0:
        said = " ".join(done.stdout.decode(errors="replace").split())[:200]
        raise AuthenticationError(
            BACKEND, f"the credential helper {binary} refused the credentials: {said}"
        )


_: type[CredentialStore] = DockerConfigCredentialStore

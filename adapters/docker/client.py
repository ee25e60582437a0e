"""A lazily opened connection to one Docker Engine, and the registry credentials Docker keeps.

:class:`DockerEngine` decides *which* engine when it is constructed, as the docker CLI does
(``endpoint.py``: an explicit host or context, ``DOCKER_HOST``, ``DOCKER_CONTEXT``, the config's
``currentContext``, else the default unix socket; the context's TLS material, or
``DOCKER_TLS_VERIFY``/``DOCKER_CERT_PATH`` for the default context; ``ssh://`` hosts go through
the ``ssh`` command as the docker CLI does), and opens the connection on first use:
constructing one reads only local files and never touches the network.
:attr:`DockerEngine.endpoint` is the one place that says where the engine is (address, context,
TLS material). docker-py's client negotiates the API version when it is created, so the first
call costs one extra round trip.

Published ports: where a container's published port can be reached from here, and which of the
engine host's interfaces to publish it on, follow from the engine's address
(:meth:`DockerEngine.publication`): an engine on a unix socket (or named pipe) is this machine,
so ports go on 127.0.0.1; a ``tcp://``/``http(s)://`` engine on a loopback address is this
machine too; any other ``tcp://``, ``http(s)://`` or ``ssh://`` engine is another machine,
whose ports are published on all its interfaces (``0.0.0.0``) and reached at its host name.
For ``ssh://`` that is the SSH host reached directly (no tunnel is made): the published port
must be reachable from here, as for ``tcp://``.

Registry credentials come from Docker's ``config.json`` in ``$DOCKER_CONFIG`` (else
``~/.docker``), read again at every pull and push so that a ``docker login`` made meanwhile
counts. Unlike docker-py's own lookup, a ``$DOCKER_CONFIG`` without a config file does not fall
back to ``~/.docker``: that is what the docker CLI does.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Self

import docker
import docker.auth
import docker.errors
import docker.tls
import docker.utils

from adapters.docker.endpoint import (
    DEFAULT_CONTEXT,
    DEFAULT_HOST,
    EngineEndpoint,
    EngineTLS,
    cli_environ,
    resolve_endpoint,
)
from adapters.docker.errors import BACKEND, engine_errors
from domain.errors import AuthenticationError, InvalidInputError
from domain.safe_text import redact

__all__ = ["DEFAULT_HOST", "DEFAULT_TIMEOUT", "DockerEngine"]

DEFAULT_TIMEOUT: Final = 60.0
LOOPBACK: Final = "127.0.0.1"
ALL_INTERFACES: Final = "0.0.0.0"  # noqa: S104 - a remote engine's ports must be reachable
_LOCAL_SCHEMES: Final = frozenset({"unix", "npipe", "fd", ""})


@dataclass(frozen=True, slots=True)
class Publication:
    """Where an engine publishes container ports, and where this machine reaches them.

    Attributes:
        bind: the engine host's address to publish on (``127.0.0.1``, or ``0.0.0.0``).
        reach: the host name or address this process connects to.
        local: whether the engine runs on this machine.
    """

    bind: str
    reach: str
    local: bool


def publication(host: str) -> Publication:
    """How an engine at address ``host`` publishes ports (see the module docstring).

    >>> publication("unix:///var/run/docker.sock")
    Publication(bind='127.0.0.1', reach='127.0.0.1', local=True)
    >>> publication("tcp://10.1.2.3:2375")
    Publication(bind='0.0.0.0', reach='10.1.2.3', local=False)
    >>> publication("ssh://me@gpu-box:2222").reach
    'gpu-box'
    """
    parts = urllib.parse.urlsplit(host)
    if parts.scheme in _LOCAL_SCHEMES or not parts.hostname:
        return Publication(bind=LOOPBACK, reach=LOOPBACK, local=True)
    name = parts.hostname
    if name == "localhost" or _is_loopback(name):
        return Publication(bind=LOOPBACK, reach=LOOPBACK, local=True)
    return Publication(bind=ALL_INTERFACES, reach=name, local=False)


def _is_loopback(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class DockerEngine:
    """One Docker Engine, connected on first use. Thread-safe; ``close()`` may be reopened.

    Args:
        host: the engine address (``unix://…``, ``tcp://…``, ``ssh://…``), like ``docker
            --host``. Default: resolved as the docker CLI does (``endpoint.py``).
        context: a Docker context name, like ``docker --context`` (not with ``host``).
        timeout: seconds to wait for any single answer (streams: between two messages).
            Not for pulls (docker-py sets no timeout on them), builds, ``wait`` without a
            timeout and followed logs, which last as long as the work does. Default: 60.
        config_dir: the Docker config directory holding ``config.json``. Default:
            ``$DOCKER_CONFIG``, else ``~/.docker``.
        environ: the environment to read these defaults from. Default: ``os.environ``, as it is
            at construction.
    """

    def __init__(
        self,
        *,
        host: str | None = None,
        context: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        config_dir: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        """Resolve the endpoint (local files only); connect on first use.

        Raises:
            InvalidInputError: both ``host`` and ``context``, a context that does not exist or
                cannot be read, a Docker config that does not parse, or an engine address
                docker-py cannot use.
        """
        env = dict(os.environ if environ is None else environ)
        if config_dir is not None:
            self._config_dir = Path(config_dir)
        elif env.get("DOCKER_CONFIG"):
            self._config_dir = Path(env["DOCKER_CONFIG"])
        else:
            self._config_dir = Path.home() / ".docker"
        self._endpoint = resolve_endpoint(
            host=host, context=context, environ=env, config_dir=self._config_dir
        )
        _check_address(self._endpoint)
        self._host = self._endpoint.host
        self._environ: Mapping[str, str] = cli_environ(self._endpoint, env)
        self._timeout = timeout
        self._api: docker.APIClient | None = None
        self._lock = threading.Lock()

    @property
    def endpoint(self) -> EngineEndpoint:
        """Where the engine is: address, Docker context, TLS material, and what chose them."""
        return self._endpoint

    @property
    def host(self) -> str:
        """The engine address (``endpoint.host``)."""
        return self._host

    def publication(self) -> Publication:
        """Where this engine's containers publish ports, and where they are reached from here.

        Derived from :attr:`host`, the engine's resolved address (see :func:`publication`).
        """
        return publication(self._host)

    @property
    def timeout(self) -> float:
        """Seconds to wait for any single answer."""
        return self._timeout

    @property
    def environ(self) -> Mapping[str, str]:
        """The environment a docker CLI needs to reach this same engine: ``DOCKER_HOST`` and,
        for TLS, ``DOCKER_CERT_PATH`` with ``DOCKER_TLS_VERIFY`` (or ``DOCKER_TLS``)."""
        return self._environ

    @property
    def config_dir(self) -> Path:
        """The Docker config directory credentials are read from."""
        return self._config_dir

    @property
    def api(self) -> docker.APIClient:
        """docker-py's low-level client, created on first use.

        Raises:
            BackendUnavailableError: the engine cannot be reached.
        """
        with self._lock:
            if self._api is None:
                with engine_errors(self._host):
                    self._api = docker.APIClient(
                        base_url=self._host,
                        version="auto",
                        timeout=int(self._timeout),
                        tls=_tls_config(self._endpoint.tls),
                        use_ssh_client=self._host.startswith("ssh://"),
                    )
            return self._api

    def ping(self) -> None:
        """Check that the engine answers.

        Raises:
            BackendUnavailableError: it does not.
        """
        api = self.api
        with engine_errors(self._host):
            api.ping()

    def registry_auth(self, registry: str) -> dict[str, Any]:
        """The credentials Docker's config holds for ``registry``, or ``{}`` (anonymous).

        Credential helpers and stores named in the config are run as the docker CLI runs them.

        Raises:
            AuthenticationError: the config file or a credential helper failed.
        """
        path = self._config_dir / "config.json"
        if not path.is_file():
            return {}
        try:
            config = docker.auth.load_config(config_path=str(path), credstore_env=self._environ)
            found = config.resolve_authconfig(registry)
        except docker.errors.DockerException as exc:
            raise AuthenticationError(
                BACKEND, f"cannot read credentials from {path}: {exc}", registry=registry
            ) from exc
        return dict(found or {})

    def close(self) -> None:
        """Drop the connection (a later call opens a new one)."""
        with self._lock:
            api, self._api = self._api, None
        if api is not None:
            api.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        # The address may carry a token (tcp://TOKEN@host; docker-py refuses user:PASS@, and
        # so does the constructor); a repr ends up in logs.
        host = redact(self._host)
        return f"DockerEngine(host={host!r}, context={self._endpoint.context!r})"


def _check_address(endpoint: EngineEndpoint) -> None:
    """Refuse, before any connection, an engine address docker-py's own parser refuses (an
    unknown scheme, a password, a path or query where none may be, a port out of range): it is
    the user's setting (``DOCKER_HOST``, a context, ``docker.host``), not an engine failure.
    docker-py would raise the same when its client is made, a port out of range as a bare
    ``ValueError``.

    Raises:
        InvalidInputError: the address does not parse (its password, if any, redacted).
    """
    try:
        docker.utils.parse_host(endpoint.host, tls=endpoint.tls is not None)
    except (docker.errors.DockerException, ValueError) as exc:
        context = f" (Docker context {endpoint.context!r})"
        raise InvalidInputError(
            f"the engine address {redact(endpoint.host)}"
            f"{context if endpoint.context != DEFAULT_CONTEXT else ''} cannot be used: "
            f"{redact(str(exc))}",
            reason="bad engine address",
        ) from exc


def _tls_config(tls: EngineTLS | None) -> docker.tls.TLSConfig | bool:
    """docker-py's TLS settings for the endpoint (``False``: no TLS)."""
    if tls is None:
        return False
    pair = (
        (str(tls.client_cert), str(tls.client_key))
        if tls.client_cert is not None and tls.client_key is not None
        else None
    )
    return docker.tls.TLSConfig(
        client_cert=pair,
        ca_cert=str(tls.ca_cert) if tls.ca_cert is not None and tls.verify else None,
        verify=tls.verify,
    )

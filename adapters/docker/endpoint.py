"""Which engine to talk to, resolved as the docker CLI resolves it: host, context, TLS material.

The order (docker/cli ``resolveContextName`` and ``getDockerEndPoint``):

1. an explicit host (cogmodel's ``docker.host`` setting, like ``docker --host``), or an explicit
   context (``docker.context``, like ``docker --context``); both at once is an error;
2. ``DOCKER_HOST``, when set and not empty: the *default* context with that host;
3. ``DOCKER_CONTEXT``, when set and not empty;
4. ``currentContext`` in the Docker config file (``$DOCKER_CONFIG/config.json``, else
   ``~/.docker/config.json``; what ``docker context use`` writes);
5. the default context: ``unix:///var/run/docker.sock``.

The default context takes its TLS from ``DOCKER_TLS_VERIFY``/``DOCKER_CERT_PATH`` (``ca.pem``,
``cert.pem``, ``key.pem`` there; ``~/.docker`` by default) as docker-py and the CLI do. Any other
context is read from the context store in the config directory, where the CLI keeps it:
``contexts/meta/<sha256 of the name>/meta.json`` holds ``Endpoints.docker.Host`` and
``SkipTLSVerify``, and ``contexts/tls/<sha256 of the name>/docker/`` holds ``ca.pem``,
``cert.pem``, ``key.pem`` when the context has TLS material. A context that does not exist is
an error, never a silent fall back to the default socket: that would be another engine than
the one ``docker`` uses. ``SkipTLSVerify`` is honoured as the docker CLI honours it: it is the
user's own setting for that engine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from adapters.host_files import read_json_file
from domain.errors import HostFileError, InvalidInputError, InvalidJsonError

DEFAULT_HOST: Final = "unix:///var/run/docker.sock"
DEFAULT_CONTEXT: Final = "default"
_DOCKER_ENDPOINT: Final = "docker"
_SOCKET_SCHEMES: Final = ("unix://", "npipe://", "fd://")


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineTLS:
    """TLS material for an engine endpoint (files; any may be absent)."""

    ca_cert: Path | None
    client_cert: Path | None
    client_key: Path | None
    verify: bool
    directory: Path  # holds ca.pem/cert.pem/key.pem: what DOCKER_CERT_PATH names for a CLI


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineEndpoint:
    """Where the engine is and how to reach it.

    Attributes:
        host: the address (``unix://…``, ``tcp://…``, ``ssh://…``).
        context: the Docker context it came from (``default`` for a host given directly).
        tls: TLS material, or ``None`` (plain, or a socket: sockets never use TLS).
        origin: what chose it: ``docker.host``, ``docker.context``, ``DOCKER_HOST``,
            ``DOCKER_CONTEXT``, ``currentContext`` or ``default``.
    """

    host: str
    context: str
    tls: EngineTLS | None
    origin: str

    @property
    def is_socket(self) -> bool:
        """Whether ``host`` is a local socket (unix, named pipe, file descriptor)."""
        return self.host.startswith(_SOCKET_SCHEMES)


def resolve_endpoint(
    *,
    host: str | None,
    context: str | None,
    environ: Mapping[str, str],
    config_dir: Path,
) -> EngineEndpoint:
    """The engine endpoint, in the docker CLI's order (see the module docstring).

    Raises:
        InvalidInputError: both ``host`` and ``context``; a context that does not exist, has no
            docker endpoint, or whose metadata does not parse; a config file that does not parse.
    """
    if host and context:
        raise InvalidInputError(
            "give either a Docker host or a Docker context, not both",
            reason="conflicting engine settings",
        )
    if host:
        return _default(host, environ, "docker.host")
    if context:
        return _named(context, environ, config_dir, "docker.context")
    if environ.get("DOCKER_HOST"):
        return _default(environ["DOCKER_HOST"], environ, "DOCKER_HOST")
    if environ.get("DOCKER_CONTEXT"):
        return _named(environ["DOCKER_CONTEXT"], environ, config_dir, "DOCKER_CONTEXT")
    current = _current_context(config_dir)
    if current:
        return _named(current, environ, config_dir, "currentContext")
    return _default(DEFAULT_HOST, environ, "default")


def context_dir_name(name: str) -> str:
    """The directory a context is stored under: the hex SHA-256 of its name.

    >>> context_dir_name("default")[:16]
    '37a8eec1ce19687d'
    """
    return hashlib.sha256(name.encode()).hexdigest()


def _default(host: str, environ: Mapping[str, str], origin: str) -> EngineEndpoint:
    return EngineEndpoint(
        host=host, context=DEFAULT_CONTEXT, tls=_tls_from_environ(host, environ), origin=origin
    )


def _tls_from_environ(host: str, environ: Mapping[str, str]) -> EngineTLS | None:
    # docker-py's kwargs_from_env: DOCKER_TLS_VERIFY set and not empty means verify; either it
    # or DOCKER_CERT_PATH turns TLS on; the files are ca.pem, cert.pem, key.pem there.
    verify = bool(environ.get("DOCKER_TLS_VERIFY"))
    cert_path = environ.get("DOCKER_CERT_PATH")
    if host.startswith(_SOCKET_SCHEMES) or not (verify or cert_path):
        return None
    directory = Path(cert_path) if cert_path else Path.home() / ".docker"
    return EngineTLS(
        ca_cert=directory / "ca.pem",
        client_cert=directory / "cert.pem",
        client_key=directory / "key.pem",
        verify=verify,
        directory=directory,
    )


def _named(name: str, environ: Mapping[str, str], config_dir: Path, origin: str) -> EngineEndpoint:
    if name == DEFAULT_CONTEXT:
        return _default(environ.get("DOCKER_HOST") or DEFAULT_HOST, environ, origin)
    stored = context_dir_name(name)
    meta_file = config_dir / "contexts" / "meta" / stored / "meta.json"
    try:
        meta = read_json_file(meta_file, what="the Docker context")
    except (HostFileError, InvalidJsonError) as exc:
        raise InvalidInputError(
            f"cannot read Docker context {name!r} from {meta_file}: {exc.reason}",
            reason="unreadable Docker context",
        ) from exc
    if meta is None:
        raise InvalidInputError(
            f"Docker context {name!r} (from {origin}) does not exist: no {meta_file}",
            reason="unknown Docker context",
        )
    endpoint = _docker_endpoint(meta)
    address = endpoint.get("Host") if endpoint is not None else None
    if not isinstance(address, str) or not address:
        raise InvalidInputError(
            f"Docker context {name!r} ({meta_file}) has no docker endpoint host",
            reason="Docker context without an engine",
        )
    skip_verify = endpoint.get("SkipTLSVerify") is True if endpoint is not None else False
    tls = None
    if not address.startswith(_SOCKET_SCHEMES):
        tls = _stored_tls(config_dir / "contexts" / "tls" / stored / _DOCKER_ENDPOINT, skip_verify)
    return EngineEndpoint(host=address, context=name, tls=tls, origin=origin)


def _docker_endpoint(meta: Any) -> dict[str, Any] | None:
    endpoints = meta.get("Endpoints") if isinstance(meta, dict) else None
    found = endpoints.get(_DOCKER_ENDPOINT) if isinstance(endpoints, dict) else None
    return found if isinstance(found, dict) else None


def _stored_tls(directory: Path, skip_verify: bool) -> EngineTLS | None:
    # The CLI: no TLS files and no SkipTLSVerify means no TLS configuration at all.
    files = {name: directory / name for name in ("ca.pem", "cert.pem", "key.pem")}
    present = {name: path for name, path in files.items() if path.is_file()}
    if not present and not skip_verify:
        return None
    has_pair = "cert.pem" in present and "key.pem" in present
    return EngineTLS(
        ca_cert=present.get("ca.pem"),
        client_cert=present["cert.pem"] if has_pair else None,
        client_key=present["key.pem"] if has_pair else None,
        verify=not skip_verify,
        directory=directory,
    )


def _current_context(config_dir: Path) -> str | None:
    path = config_dir / "config.json"
    try:
        config = read_json_file(path, what="the Docker config")
    except HostFileError as exc:
        raise InvalidInputError(
            f"cannot read the Docker config {path}: {exc.reason}", reason="unreadable Docker config"
        ) from exc
    except InvalidJsonError as exc:
        raise InvalidInputError(
            f"the Docker config {path} is not JSON: {exc.reason}",
            reason="unreadable Docker config",
        ) from exc
    current = config.get("currentContext") if isinstance(config, dict) else None
    return current if isinstance(current, str) and current else None


def cli_environ(endpoint: EngineEndpoint, environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` made to point a docker CLI at ``endpoint`` (DOCKER_HOST and its TLS)."""
    env = {
        key: value
        for key, value in environ.items()
        if key not in ("DOCKER_CONTEXT", "DOCKER_TLS", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")
    }
    env["DOCKER_HOST"] = endpoint.host
    if endpoint.tls is not None:
        env["DOCKER_CERT_PATH"] = str(endpoint.tls.directory)
        env["DOCKER_TLS_VERIFY" if endpoint.tls.verify else "DOCKER_TLS"] = "1"
    return env

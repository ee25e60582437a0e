"""Cog's ``COG_CA_CERT``: an extra CA certificate to trust inside the image.

The value is, tried in this order: a file path, a directory (every ``*.crt`` and ``*.pem`` in it,
concatenated in name order), an inline PEM block (starts with ``-----BEGIN``), or base64 of a PEM
block. Each certificate text must start with ``-----BEGIN CERTIFICATE-----`` and contain
``-----END CERTIFICATE-----``; it is trimmed and ends with one newline. This is what lets a build
reach a package index through a TLS-intercepting proxy, as on machines whose outbound HTTPS is
re-signed by a local CA. Error messages are Cog's (``pkg/dockerfile/cacert.go``), file errors
written as Go writes them (``open <path>: permission denied``).
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Final

from adapters.host_files import read_file
from domain.errors import HostFileError, InvalidInputError
from domain.limits import MAX_CA_CERT_BYTES

CA_CERT_ENV: Final = "COG_CA_CERT"
CA_CERT_FILENAME: Final = "cog-ca-cert.crt"

_BEGIN: Final = "-----BEGIN CERTIFICATE-----"
_END: Final = "-----END CERTIFICATE-----"


def read_ca_cert(value: str | None) -> bytes | None:
    """The certificate bytes ``COG_CA_CERT`` names, or ``None`` when it is unset or empty.

    Raises:
        InvalidInputError: the value is none of the accepted forms, a file cannot be read, a
            directory holds no certificate, or a certificate is not a PEM certificate.
    """
    if not value:
        return None
    text = value.strip()
    path = Path(text)
    if _exists(path):
        return _read_directory(path) if path.is_dir() else _validated(_read(path))
    if text.startswith("-----BEGIN"):
        return _validated(text.encode())
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if decoded.startswith(b"-----BEGIN"):
        return _validated(decoded)
    raise InvalidInputError(
        f"{CA_CERT_ENV}: invalid value - must be a file path, directory, PEM certificate, "
        "or base64-encoded PEM",
        reason="unrecognised COG_CA_CERT value",
    )


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # e.g. a PEM block too long to be a file name
        return False


def _read(path: Path) -> bytes:
    """A certificate file: regular (a FIFO or device is refused unread), at most
    ``MAX_CA_CERT_BYTES``."""
    try:
        return read_file(path, what=CA_CERT_ENV, limit=MAX_CA_CERT_BYTES)
    except HostFileError as exc:
        cause = exc.__cause__
        detail = _go_error(cause, path) if isinstance(cause, OSError) else exc.reason
        raise InvalidInputError(
            f"{CA_CERT_ENV}: failed to read file {path}: {detail}",
            reason="unreadable COG_CA_CERT file",
        ) from exc


def _read_directory(directory: Path) -> bytes:
    try:
        names = sorted(directory.iterdir())
    except OSError as exc:
        raise InvalidInputError(
            f"{CA_CERT_ENV}: failed to read directory {directory}: {_go_error(exc, directory)}",
            reason="unreadable COG_CA_CERT directory",
        ) from exc
    certs = b""
    for path in names:
        if path.is_dir() or path.suffix.lower() not in (".crt", ".pem"):
            continue
        data = _read(path)
        try:
            _validated(data)
        except InvalidInputError as exc:
            raise InvalidInputError(
                f"{CA_CERT_ENV}: invalid certificate in {path}: {exc}", reason="invalid PEM"
            ) from exc
        if certs and not certs.endswith(b"\n"):
            certs += b"\n"
        certs += data
    if not certs:
        raise InvalidInputError(
            f"{CA_CERT_ENV}: no .crt or .pem files found in directory {directory}",
            reason="no certificate in the COG_CA_CERT directory",
        )
    return certs


def _validated(data: bytes) -> bytes:
    content = data.decode("utf-8", errors="replace").strip()
    if not content.startswith(_BEGIN):
        raise InvalidInputError(f"invalid PEM: must start with '{_BEGIN}'", reason="invalid PEM")
    if _END not in content:
        raise InvalidInputError(f"invalid PEM: must contain '{_END}'", reason="invalid PEM")
    return (content + "\n").encode()


def _go_error(exc: OSError, path: Path) -> str:
    """A failed open as Go's ``*PathError`` prints it: ``open <path>: <reason>``."""
    reason = exc.strerror or str(exc)
    return f"open {exc.filename or path}: {reason[:1].lower()}{reason[1:]}"

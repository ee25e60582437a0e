"""Certificates for the tests, made with the ``openssl`` command during the run.

:func:`make_ca` makes a self-signed CA in a directory; :meth:`TestCA.issue` signs a leaf
certificate for some DNS names and IP addresses (server or client use). Keys are EC P-256 (fast
to make). Nothing here is trusted anywhere until a test puts the CA where a client looks.
"""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from tests.infra import unavailable

_DAYS: Final = "2"


@dataclass(frozen=True, slots=True)
class Leaf:
    """A signed certificate and its key (PEM files)."""

    cert: Path
    key: Path


@dataclass(frozen=True, slots=True)
class TestCA:
    """A throwaway certificate authority (``cert``/``key`` PEM files in ``directory``)."""

    __test__ = False  # not a pytest class

    directory: Path
    cert: Path
    key: Path

    def issue(self, name: str, *, hosts: tuple[str, ...], client: bool = False) -> Leaf:
        """A certificate for ``hosts`` (DNS names or IP addresses), signed by this CA."""
        key = self.directory / f"{name}.key"
        csr = self.directory / f"{name}.csr"
        cert = self.directory / f"{name}.crt"
        extensions = self.directory / f"{name}.ext"
        names = ",".join(_san(host) for host in hosts)
        usage = "clientAuth" if client else "serverAuth"
        extensions.write_text(
            f"subjectAltName={names}\nextendedKeyUsage={usage}\n"
            "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
        )
        _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key))
        _openssl("req", "-new", "-key", str(key), "-subj", f"/CN={name}", "-out", str(csr))
        _openssl(
            "x509", "-req", "-in", str(csr), "-CA", str(self.cert), "-CAkey", str(self.key),
            "-CAcreateserial", "-days", _DAYS, "-extfile", str(extensions), "-out", str(cert),
        )  # fmt: skip
        return Leaf(cert=cert, key=key)


def make_ca(directory: Path, name: str = "cogmodel test CA") -> TestCA:
    """A new self-signed CA in ``directory`` (needs the ``openssl`` command)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = directory / "ca.key"
    cert = directory / "ca.pem"
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key))
    _openssl(
        "req", "-x509", "-new", "-key", str(key), "-subj", f"/CN={name}", "-days", _DAYS,
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-out", str(cert),
    )  # fmt: skip
    return TestCA(directory=directory, cert=cert, key=key)


def _san(host: str) -> str:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return f"DNS:{host}"
    return f"IP:{host}"


def _openssl(*args: str) -> None:
    tool = shutil.which("openssl")
    if tool is None:
        unavailable("the openssl command is not installed (Debian package openssl)")
    result = subprocess.run([tool, *args], capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.strip()[-500:]}")

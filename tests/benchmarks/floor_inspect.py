"""The least a Python program can do to answer ``inspect --remote --json`` (a floor, not a tool).

Run by bench_cli_inspect.py as ``python floor_inspect.py REF``, where REF is
``HOST:PORT/REPOSITORY:TAG`` on a plain-HTTP registry that needs no credentials. It imports only
``socket``, ``json`` and ``hashlib``, sends the two GETs ``skopeo inspect --config`` also sends
(the manifest, then the config blob) on one connection, checks the blob's digest and prints the
labels. It parses no reference, reads no credentials, knows no TLS, no redirect, no error, no
index and no size limit: what is left of cogmodel's time over this one is everything a real
client does; what is left of this one over ``python -c pass`` is the least any Python client
costs. With ``--import MODULE[,MODULE…]`` it imports those too first (to price a module that a
real client cannot do without, e.g. ``ssl``).
"""

from __future__ import annotations

import hashlib
import json
import socket
import sys

MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json"
)


def main(argv: list[str]) -> None:
    if len(argv) > 2 and argv[1] == "--import":
        for module in argv[2].split(","):
            __import__(module)
        argv = [argv[0], *argv[3:]]
    host, _, rest = argv[1].partition("/")
    repository, _, tag = rest.rpartition(":")
    address, _, port = host.rpartition(":")
    with socket.create_connection((address, int(port))) as connection:
        stream = connection.makefile("rb")

        def get(path: str, accept: str) -> bytes:
            request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\n\r\n"
            connection.sendall(request.encode())
            status = stream.readline().split()
            length = 0
            while (line := stream.readline()) != b"\r\n":
                if not line:  # the server closed the connection: stop, do not spin
                    sys.exit(f"no complete answer for {path}")
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = stream.read(length)
            if len(status) < 2 or status[1] != b"200":
                sys.exit(f"HTTP {b' '.join(status).decode(errors='replace')} for {path}")
            return body

        manifest = json.loads(get(f"/v2/{repository}/manifests/{tag}", MANIFEST_TYPES))
        digest = manifest["config"]["digest"]
        blob = get(f"/v2/{repository}/blobs/{digest}", "*/*")
    if "sha256:" + hashlib.sha256(blob).hexdigest() != digest:
        sys.exit("config blob does not match its digest")
    labels = json.loads(blob)["config"]["Labels"]
    print(json.dumps({"digest": digest, "labels": labels}, indent=2))


if __name__ == "__main__":
    main(sys.argv)

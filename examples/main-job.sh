#!/usr/bin/env bash
# README command 1: set up a fresh machine and run cogmodel's main job, end to end.
#
#   1. setup: Debian packages, dockerd, the virtual environment (.ci/setup.sh);
#   2. a local registry: the one at $COGMODEL_REGISTRY (host:port) if it answers, else a CNCF
#      Distribution registry started here on 127.0.0.1 (config and storage in a temp dir,
#      stopped by PID at the end);
#   3. the local base image: a python:X.Y-slim stand-in for the example's Python (Debian 12 for
#      3.11, Debian 13 for 3.13; made once per machine by tests/infra/images.py; nothing can be
#      pulled from Docker Hub);
#   4. the main job, on examples/thumbnail: build the model, push it to the local registry,
#      inspect it in the registry without pulling, run a prediction.
#
# Each step prints what it runs and its result. Exits non-zero on the first failure.
# Environment: COGMODEL_REGISTRY (use this registry), COGMODEL (the cogmodel command to run),
# COGMODEL_EXAMPLE (the example directory, default examples/thumbnail), COGMODEL_ENGINE
# (docker, the default, or podman: the same job on Podman's Docker-compatible API, which
# .ci/setup.sh starts; the base image is copied over from Docker when it has it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
START=$(date +%s)
WORK="$(mktemp -d /tmp/cogmodel-main-job.XXXXXX)"
REGISTRY_PID=""
cleanup() {
  if [ -n "$REGISTRY_PID" ] && kill -0 "$REGISTRY_PID" 2>/dev/null; then
    echo "stopping the registry this script started (pid $REGISTRY_PID)"
    kill "$REGISTRY_PID" 2>/dev/null || true
    wait "$REGISTRY_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

# ------------------------------------------------------------------------------------ 1. setup
step "1/7 Set up: Debian packages, Docker Engine, virtual environment"
# shellcheck source=../.ci/setup.sh
. .ci/setup.sh
if ! setup_all >"$WORK/setup.log" 2>&1; then
  cat "$WORK/setup.log" >&2
  exit 1
fi
echo "setup: ok (log of this step: $(grep -c '' "$WORK/setup.log") lines)"
case "${COGMODEL_ENGINE:-docker}" in
  docker) ;;
  podman) export DOCKER_HOST="$COGMODEL_PODMAN_HOST" ;;  # every docker client below follows it
  *) echo "COGMODEL_ENGINE must be docker or podman, not '$COGMODEL_ENGINE'" >&2; exit 2 ;;
esac
PY="$COGMODEL_VENV/bin/python"
read -r -a COGMODEL_CMD <<<"${COGMODEL:-$COGMODEL_VENV/bin/cogmodel}"
cogmodel() { "${COGMODEL_CMD[@]}" "$@"; }
echo "engine: $(/usr/bin/docker version --format '{{.Server.Version}}') at ${DOCKER_HOST:-unix:///var/run/docker.sock}"

# ---------------------------------------------------------------------------- 2. the registry
step "2/7 A local OCI registry"
REGISTRY="${COGMODEL_REGISTRY:-}"
if [ -n "$REGISTRY" ] && curl -fsS -o /dev/null "http://$REGISTRY/v2/" 2>/dev/null; then
  echo "using the registry at $REGISTRY"
else
  PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  REGISTRY="127.0.0.1:$PORT"
  cat >"$WORK/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $WORK/storage
  delete:
    enabled: true
http:
  addr: $REGISTRY
EOF
  /usr/bin/docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
  REGISTRY_PID=$!
  for _ in $(seq 1 50); do
    curl -fsS -o /dev/null "http://$REGISTRY/v2/" 2>/dev/null && break
    sleep 0.1
  done
  curl -fsS -o /dev/null "http://$REGISTRY/v2/" || { cat "$WORK/registry.log"; exit 1; }
  echo "started docker-registry (CNCF Distribution) at $REGISTRY, pid $REGISTRY_PID"
fi

# --------------------------------------------------------------------------- 3. the base image
EXAMPLE="${COGMODEL_EXAMPLE:-$ROOT/examples/thumbnail}"
step "3/7 The local base image for $(basename "$EXAMPLE")"
"$PY" - "$EXAMPLE/cog.yaml" <<'EOF'
# Reuses the test fixtures' recipe: the Debian release that ships the example's Python, made
# like the official image, cached as cogmodel-test/python-X.Y-slim:<key>, tagged python:X.Y-slim.
# On Podman it is copied from the machine's Docker Engine when that has it (docker save | podman
# load).
import os
import sys

import docker
import yaml

from tests.infra.engine import DEFAULT_HOST, engine_answers
from tests.infra.images import python_slim

config = yaml.safe_load(open(sys.argv[1])) or {}
version = str((config.get("build") or {}).get("python_version", "3.13"))
client = docker.from_env()
host = os.environ.get("DOCKER_HOST") or DEFAULT_HOST
donor = None
if host != DEFAULT_HOST and engine_answers(DEFAULT_HOST):
    donor = docker.DockerClient(base_url=DEFAULT_HOST, version="auto", timeout=300)
ref = python_slim(client, version, donor=donor)
image = client.api.inspect_image(f"{ref.repository.removeprefix('library/')}:{ref.tag}")
print(f"{ref} in the engine at {host}: {image['Id'][:19]}")
EOF

# ---------------------------------------------------------------------------- 4. the main job
IMAGE="$REGISTRY/cogmodel-example/$(basename "$EXAMPLE"):latest"
cd "$EXAMPLE"

step "4/7 Build the example model ($(basename "$EXAMPLE"))"
# --hermetic: Python packages are downloaded on the host; the build needs no PyPI access inside
# the container (HTTPS from containers fails on these machines; see ENVIRONMENT.md).
show cogmodel build -t "$IMAGE" --hermetic --progress plain

step "5/7 Push it to the local registry"
show cogmodel push "$IMAGE" --hermetic --progress plain

step "6/7 Inspect it in the registry, without pulling"
show cogmodel inspect --remote "$IMAGE"
REMOTE_ID="$(cogmodel inspect --remote --json "$IMAGE" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["digest"])')"
LOCAL_ID="$(cogmodel inspect --local --json "$IMAGE" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["digest"])')"
echo "image id in the registry: $REMOTE_ID"
echo "image id in the engine:   $LOCAL_ID"
[ "$REMOTE_ID" = "$LOCAL_ID" ] || { echo "the registry and the engine disagree" >&2; exit 1; }

step "7/7 Run a prediction"
"$PY" - "$WORK/photo.png" <<'EOF'
# A 320x200 gradient PNG, written with the standard library only.
import struct
import sys
import zlib

width, height = 320, 200
rows = b"".join(
    b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 160)) for x in range(width))
    for y in range(height)
)

def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
with open(sys.argv[1], "wb") as out:
    out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
              + chunk(b"IEND", b""))
EOF
show cogmodel run "$IMAGE" -i image=@"$WORK/photo.png" -i size=64 -i grayscale=true \
  -o "$WORK/thumbnail.png"
"$PY" - "$WORK/thumbnail.png" <<'EOF'
import struct
import sys

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "the output is not a PNG"
width, height = struct.unpack(">II", data[16:24])
print(f"result: a {width}x{height} PNG of {len(data)} bytes")
assert max(width, height) == 64, "the thumbnail is not 64 pixels on its longest side"
EOF

step "Done in $(( $(date +%s) - START )) s"

#!/usr/bin/env bash
# Set up everything cogmodel's tests and main job need on a fresh Debian machine, idempotently:
# Debian packages (Docker Engine, CNCF Distribution registry, skopeo, busybox, debootstrap),
# a running dockerd, and a virtual environment with cogmodel installed.
#
# Source it (". .ci/setup.sh") or run it. It only starts what is not already running, and
# records the PID of a dockerd it started in .ci/.dockerd.pid so callers can stop only that.
set -euo pipefail

COGMODEL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COGMODEL_ROOT
VENV="${COGMODEL_VENV:-$COGMODEL_ROOT/.venv}"
export COGMODEL_VENV="$VENV"

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
  # curl: examples/main-job.sh probes the registry with it.
  local wanted=(docker.io containerd runc iptables docker-registry skopeo busybox-static
                debootstrap apache2-utils git ca-certificates curl)
  local missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
}

# Debian's docker CLI (20.10, BuildKit-capable); the newer client first on PATH has no buildx.
DOCKER_CLI=/usr/bin/docker
export COGMODEL_DOCKER_CLI="${COGMODEL_DOCKER_CLI:-$DOCKER_CLI}"

start_dockerd() {
  if "$DOCKER_CLI" info >/dev/null 2>&1; then
    return 0
  fi
  log "starting dockerd"
  as_root sh -c "nohup dockerd --host=unix:///var/run/docker.sock >/tmp/cogmodel-dockerd.log 2>&1 & echo \$! > '$COGMODEL_ROOT/.ci/.dockerd.pid'"
  for _ in $(seq 1 60); do
    if "$DOCKER_CLI" info >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  log "dockerd did not come up; its log:"
  tail -n 30 /tmp/cogmodel-dockerd.log >&2 || true
  return 1
}

make_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtual environment $VENV"
    python3 -m venv "$VENV"
  fi
  log "installing cogmodel and its dev tools into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -e "$COGMODEL_ROOT[dev]"
}

setup_all() {
  install_debian_packages
  start_dockerd
  make_venv
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  setup_all
fi

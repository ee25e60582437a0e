#!/usr/bin/env bash
# Set up everything cogmodel's tests and main job need on a fresh Debian machine, idempotently:
# Debian packages (Docker Engine, Podman, CNCF Distribution registry, skopeo, busybox,
# debootstrap, openssl), a running dockerd, Podman's Docker-compatible API service, and a
# virtual environment with cogmodel installed.
#
# Source it (". .ci/setup.sh") or run it. It only starts what is not already running, and
# records the PID of a dockerd it started in .ci/.dockerd.pid and of a Podman service it
# started in .ci/.podman.pid, so callers can stop only those.
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
  # podman/catatonit: the second engine; openssl: the TLS tests make their CA with it.
  local wanted=(docker.io containerd runc iptables docker-registry skopeo busybox-static
                debootstrap apache2-utils git ca-certificates curl openssl podman catatonit)
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

# Podman's Docker-compatible API, where the tests and `COGMODEL_ENGINE=podman` find it.
PODMAN_SOCKET=/run/cogmodel-podman/podman.sock
export COGMODEL_PODMAN_HOST="${COGMODEL_PODMAN_HOST:-unix://$PODMAN_SOCKET}"

configure_podman() {
  # As root on these machines: the sandbox refuses larger rlimits, and crun refuses its hybrid
  # cgroups, so containers run under runc with these limits. Written only when absent.
  if [ ! -e /etc/containers/containers.conf ]; then
    log "writing /etc/containers/containers.conf (runc, ulimits this sandbox allows)"
    as_root mkdir -p /etc/containers
    as_root tee /etc/containers/containers.conf >/dev/null <<'CONF'
# Written by cogmodel's .ci/setup.sh: this sandbox refuses larger rlimits, and crun refuses
# its hybrid cgroups, so Podman runs containers with runc and these limits.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"
CONF
  fi
  # Docker Engine lets loopback registries use plain HTTP by default; Podman needs telling.
  local loopback=/etc/containers/registries.conf.d/50-cogmodel-loopback.conf
  if [ ! -e "$loopback" ]; then
    log "writing $loopback (plain HTTP allowed for loopback registries, as in Docker)"
    as_root mkdir -p /etc/containers/registries.conf.d
    as_root tee "$loopback" >/dev/null <<'CONF'
# Written by cogmodel's .ci/setup.sh: Docker Engine lets loopback registries use plain HTTP
# (127.0.0.0/8 is insecure by default); Podman needs to be told.
[[registry]]
location = "127.0.0.1"
insecure = true

[[registry]]
location = "localhost"
insecure = true
CONF
  fi
}

podman_answers() {
  curl -fsS -o /dev/null --max-time 5 --unix-socket "$PODMAN_SOCKET" http://podman/_ping 2>/dev/null
}

start_podman() {
  configure_podman
  if podman_answers; then
    return 0
  fi
  log "starting podman system service on $PODMAN_SOCKET"
  as_root mkdir -p "$(dirname "$PODMAN_SOCKET")"
  # It reads its configuration when it starts: start it after configure_podman.
  as_root sh -c "nohup podman system service --time=0 unix://$PODMAN_SOCKET >/tmp/cogmodel-podman.log 2>&1 & echo \$! > '$COGMODEL_ROOT/.ci/.podman.pid'"
  for _ in $(seq 1 60); do
    if podman_answers; then
      return 0
    fi
    sleep 1
  done
  log "the podman service did not come up; its log:"
  tail -n 30 /tmp/cogmodel-podman.log >&2 || true
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
  start_podman
  make_venv
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  setup_all
fi

#!/usr/bin/env bash
# Start a private Docker engine for Molecule and build the local Debian 12 image it uses.
#
# No container registry is reachable from these machines, so the image is made with debootstrap
# and imported. Usage (sourced, so DOCKER_HOST reaches the caller):
#   source scripts/container-engine.sh && esus_engine_start && esus_image_build
#   ... molecule test ...
#   esus_engine_stop
# Environment:
#   ESUS_DOCKER_SOCK   socket path of the private engine (default /run/esus-pec-docker.sock)
#   ESUS_IMAGE         image name Molecule platforms use (default localhost/esus-debian:12)
#   ESUS_IMAGE_CACHE   tarball kept between runs on the same machine (default ~/.cache/esus-pec)

ESUS_DOCKER_SOCK="${ESUS_DOCKER_SOCK:-/run/esus-pec-docker.sock}"
ESUS_IMAGE="${ESUS_IMAGE:-localhost/esus-debian:12}"
ESUS_IMAGE_CACHE="${ESUS_IMAGE_CACHE:-${HOME:-/root}/.cache/esus-pec}"
# Installed after debootstrap (its --include does not configure python3-cryptography): Debian's own
# python3-cryptography (38.x) lets the module face of pkcs12_validate run on a container like a real host.
ESUS_IMAGE_PACKAGES="${ESUS_IMAGE_PACKAGES:-python3-cryptography}"
_esus_dockerd_pid=""

esus_engine_log() { printf '[engine] %s\n' "$*" >&2; }

esus_engine_install() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
    if [ "${#missing[@]}" -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then
            esus_engine_log "missing ${missing[*]}: install them as root (apt-get install ${missing[*]})"
            return 1
        fi
        esus_engine_log "installing ${missing[*]} from Debian"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

esus_engine_start() {
    esus_engine_install || return 1
    export DOCKER_HOST="unix://${ESUS_DOCKER_SOCK}"
    if docker info >/dev/null 2>&1; then
        esus_engine_log "reusing the engine already listening on ${ESUS_DOCKER_SOCK}"
        return 0
    fi
    local root="/var/lib/esus-pec-docker"
    mkdir -p "$root"
    esus_engine_log "starting dockerd on ${ESUS_DOCKER_SOCK}"
    dockerd -H "${DOCKER_HOST}" --data-root "$root" --exec-root /run/esus-pec-docker \
        --pidfile /run/esus-pec-docker.pid --iptables=false --ip6tables=false --bridge=none \
        --storage-driver=overlay2 >/tmp/esus-pec-dockerd.log 2>&1 &
    _esus_dockerd_pid=$!
    local i
    for i in $(seq 1 60); do
        if docker info >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
    esus_engine_log "dockerd did not answer in 60 s; its log:"
    tail -n 30 /tmp/esus-pec-dockerd.log >&2
    return 1
}

esus_engine_stop() {
    if [ -n "${_esus_dockerd_pid}" ]; then
        esus_engine_log "stopping dockerd (pid ${_esus_dockerd_pid})"
        kill "${_esus_dockerd_pid}" 2>/dev/null || true
        wait "${_esus_dockerd_pid}" 2>/dev/null || true
        _esus_dockerd_pid=""
    fi
}

esus_image_build() {
    if docker image inspect "${ESUS_IMAGE}" >/dev/null 2>&1; then
        return 0
    fi
    local tarball="${ESUS_IMAGE_CACHE}/debian12-rootfs.tar"
    if [ ! -s "$tarball" ]; then
        local dir
        dir="$(mktemp -d /tmp/esus-debian12.XXXXXX)"
        esus_engine_log "debootstrap bookworm into $dir (about a minute)"
        if ! { debootstrap --variant=minbase --include=python3 bookworm "$dir" &&
            chroot "$dir" apt-get install -y -q --no-install-recommends ${ESUS_IMAGE_PACKAGES} &&
            chroot "$dir" apt-get clean; } >/tmp/esus-pec-debootstrap.log 2>&1; then
            esus_engine_log "debootstrap failed; its log:"
            tail -n 30 /tmp/esus-pec-debootstrap.log >&2
            rm -rf "$dir"
            return 1
        fi
        rm -rf "$dir"/var/lib/apt/lists/*
        mkdir -p "${ESUS_IMAGE_CACHE}"
        tar -C "$dir" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
        rm -rf "$dir"
    fi
    esus_engine_log "importing ${ESUS_IMAGE}"
    docker import --change 'CMD ["sleep", "infinity"]' "$tarball" "${ESUS_IMAGE}" >/dev/null
}

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
#   ESUS_DEBIAN_RELEASES  Debian releases to build as localhost/esus-debian:<N> (default "11 12 13")
#   ESUS_IMAGE_CACHE      tarballs kept between runs on the same machine (default ~/.cache/esus-pec)
#
# Also the controller image of the ansible-core matrix (scripts/noxfile.py): ansible-core 2.20 and later need
# Python >= 3.12 and these machines have 3.11, so those sessions run in Debian 13 (Python 3.13):
#   esus_engine_start && esus_controller_image_build && esus_controller_run nox -f scripts/noxfile.py ...

ESUS_DOCKER_SOCK="${ESUS_DOCKER_SOCK:-/run/esus-pec-docker.sock}"
ESUS_DEBIAN_RELEASES="${ESUS_DEBIAN_RELEASES:-11 12 13}"
ESUS_IMAGE_CACHE="${ESUS_IMAGE_CACHE:-${HOME:-/root}/.cache/esus-pec}"
# Every image: python3 and sudo, and the admin account state teams log in with (pecadmin, passwordless sudo),
# so Molecule connects as pecadmin and becomes root, as in the field. Debian 12 also gets Debian's own
# python3-cryptography (38.x) for the module face of pkcs12_validate; 11 and 13 do without it, like most
# PEC servers. Installed after debootstrap (its --include does not configure python3-cryptography).
_esus_image_packages() { if [ "$1" = 12 ]; then echo "sudo python3-cryptography"; else echo "sudo"; fi; }
_esus_codename() { case "$1" in 11) echo bullseye ;; 12) echo bookworm ;; 13) echo trixie ;; *) return 1 ;; esac; }
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

esus_image_build() {  # every release in ESUS_DEBIAN_RELEASES
    local release
    for release in ${ESUS_DEBIAN_RELEASES}; do
        _esus_image_build_one "$release" || return 1
    done
}

_esus_image_build_one() {
    local release="$1" image="localhost/esus-debian:$1" codename packages recipe
    codename="$(_esus_codename "$release")" || { esus_engine_log "unknown Debian release $release"; return 1; }
    packages="$(_esus_image_packages "$release")"
    # the tarball's name changes with what goes into it, so a cache from an older recipe is not reused
    recipe="$(printf '%s|%s|pecadmin-sudo-1' "$codename" "$packages" | sha256sum | cut -c1-10)"
    if [ "$(docker image inspect --format '{{ index .Config.Labels "esus.recipe" }}' "$image" 2>/dev/null)" = "$recipe" ]; then
        return 0
    fi
    local tarball="${ESUS_IMAGE_CACHE}/debian${release}-${recipe}-rootfs.tar"
    if [ ! -s "$tarball" ]; then
        local dir
        dir="$(mktemp -d "/tmp/esus-debian${release}.XXXXXX")"
        esus_engine_log "debootstrap ${codename} into $dir (about a minute)"
        if ! { debootstrap --variant=minbase --include=python3 "$codename" "$dir" &&
            chroot "$dir" apt-get install -y -q --no-install-recommends ${packages} &&
            chroot "$dir" apt-get clean &&
            chroot "$dir" useradd --create-home --shell /bin/bash pecadmin &&
            chroot "$dir" usermod --password '*' pecadmin &&
            printf 'pecadmin ALL=(ALL) NOPASSWD: ALL\n' >"$dir/etc/sudoers.d/pecadmin" &&
            chmod 0440 "$dir/etc/sudoers.d/pecadmin"; } >"/tmp/esus-pec-debootstrap-${release}.log" 2>&1; then
            esus_engine_log "debootstrap ${codename} failed; its log:"
            tail -n 30 "/tmp/esus-pec-debootstrap-${release}.log" >&2
            rm -rf "$dir"
            return 1
        fi
        rm -rf "$dir"/var/lib/apt/lists/*
        mkdir -p "${ESUS_IMAGE_CACHE}"
        tar -C "$dir" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
        rm -rf "$dir"
    fi
    esus_engine_log "importing ${image}"
    docker import --change 'CMD ["sleep", "infinity"]' --change "LABEL esus.recipe=${recipe}" \
        "$tarball" "${image}" >/dev/null
}

# _esus_derived_image RELEASE IMAGE PACKAGES CMD: localhost/esus-debian:RELEASE plus Debian PACKAGES, installed in a
# container with the host's network and committed as IMAGE with CMD (no second debootstrap); rebuilt only when the
# base image or the package list changed (the recipe label).
_esus_derived_image() {
    local release="$1" image="$2" packages="$3" command="$4" base="localhost/esus-debian:$1" recipe name log
    _esus_image_build_one "$release" || return 1
    recipe="$(printf '%s|%s' "$(docker image inspect --format '{{ .Id }}' "$base")" "$packages" | sha256sum | cut -c1-10)"
    if [ "$(docker image inspect --format '{{ index .Config.Labels "esus.recipe" }}' "$image" 2>/dev/null)" = "$recipe" ]
    then
        return 0
    fi
    name="esus-derived-build-$$"
    log="/tmp/esus-pec-$(basename "${image%%:*}")-image.log"
    esus_engine_log "building ${image} from ${base} (+ ${packages})"
    if ! docker run --name "$name" --network host "$base" sh -c "apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${packages} &&
        apt-get clean && rm -rf /var/lib/apt/lists/*" >"$log" 2>&1; then
        esus_engine_log "building ${image} failed; its log:"
        tail -n 30 "$log" >&2
        docker rm -f "$name" >/dev/null 2>&1
        return 1
    fi
    docker commit --change "LABEL esus.recipe=${recipe}" --change "CMD ${command}" "$name" "$image" >/dev/null &&
        docker rm "$name" >/dev/null
}

# A Debian 12 host with a real systemd as PID 1 (Molecule scenario pec_service, issue 23), tagged apart so the other
# scenarios' images do not change. Run it with cgroupns host and /sbin/init as the command.
ESUS_SYSTEMD_IMAGE="${ESUS_SYSTEMD_IMAGE:-localhost/esus-debian-systemd:12}"
ESUS_SYSTEMD_PACKAGES="systemd systemd-sysv faketime"  # faketime: the clock-skew run
esus_systemd_image_build() {
    _esus_derived_image 12 "$ESUS_SYSTEMD_IMAGE" "$ESUS_SYSTEMD_PACKAGES" '["/sbin/init"]'
}

# The controller of the matrix sessions that need Python >= 3.12: the Debian 13 host image (built once for Molecule
# too) plus venv (nox and ansible-test make virtualenvs), git (ansible-test sanity) and the openssl CLI (the unit
# tests' legacy files).
ESUS_CONTROLLER_IMAGE="${ESUS_CONTROLLER_IMAGE:-localhost/esus-controller:13}"
ESUS_CONTROLLER_PACKAGES="python3-venv git openssl ca-certificates"
esus_controller_image_build() {
    _esus_derived_image 13 "$ESUS_CONTROLLER_IMAGE" "$ESUS_CONTROLLER_PACKAGES" '["sleep", "infinity"]'
}

# esus_controller_run COMMAND...: run COMMAND in a throwaway controller container, as root, with this checkout
# mounted at its own path (so paths and symlinks under .cache mean the same inside), the host's network (PyPI)
# and CA bundle, and caches kept on the host between runs (pip's, ansible-test's sanity virtualenvs).
esus_controller_run() {
    local repo cache="${ESUS_IMAGE_CACHE}/controller13"
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    mkdir -p "$cache/pip" "$cache/ansible-test"
    docker run --rm --network host --user 0 \
        -v "$repo:$repo" -w "$repo" \
        -v "$cache/pip:/root/.cache/pip" -v "$cache/ansible-test:/root/.ansible/test" \
        -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
        -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 -e PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
        -e PIP_DISABLE_PIP_VERSION_CHECK=1 -e PIP_DEFAULT_TIMEOUT=180 -e CI="${CI:-}" \
        "$ESUS_CONTROLLER_IMAGE" "$@"
}

# issue 25: the Molecule scenario `zabbix` runs Debian's own Zabbix agent 2 on a PEC server:
# localhost/esus-debian-zabbix:12 is localhost/esus-debian:12 plus zabbix-agent2 (6.0.14 in bookworm; every
# dependency is already in the image). No registry and no network in the container: the .deb is fetched on this
# machine (a bookworm too) with apt-get download and installed by dpkg in a container with no network.
ESUS_ZABBIX_IMAGE="${ESUS_ZABBIX_IMAGE:-localhost/esus-debian-zabbix:12}"
esus_zabbix_image_build() {
    ESUS_DEBIAN_RELEASES=12 esus_image_build || return 1
    local base="localhost/esus-debian:12" recipe debs name="esus-zabbix-build-$$"
    recipe="$(printf '%s|zabbix-agent2|1' "$(docker image inspect --format '{{ .Id }}' "$base")" | sha256sum | cut -c1-10)"
    if [ "$(docker image inspect --format '{{ index .Config.Labels "esus.recipe" }}' "$ESUS_ZABBIX_IMAGE" 2>/dev/null)" = "$recipe" ]; then
        return 0
    fi
    debs="$(mktemp -d /tmp/esus-zabbix-debs.XXXXXX)"
    if ! (cd "$debs" && apt-get download zabbix-agent2 >/tmp/esus-pec-zabbix-image.log 2>&1); then
        (apt-get update -qq && cd "$debs" && apt-get download zabbix-agent2) >>/tmp/esus-pec-zabbix-image.log 2>&1 || {
            esus_engine_log "apt-get download zabbix-agent2 failed; its log:"
            tail -n 20 /tmp/esus-pec-zabbix-image.log >&2
            rm -rf "$debs"
            return 1
        }
    fi
    esus_engine_log "building ${ESUS_ZABBIX_IMAGE} from ${base} + $(ls "$debs")"
    # policy-rc.d: the package's scripts must not try to start the agent while the image is made
    if ! docker run --name "$name" --network none -v "$debs:/debs:ro" "$base" sh -c \
        "printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d &&
         dpkg -i /debs/*.deb && rm -f /usr/sbin/policy-rc.d" >>/tmp/esus-pec-zabbix-image.log 2>&1; then
        esus_engine_log "installing zabbix-agent2 in the image failed; its log:"
        tail -n 30 /tmp/esus-pec-zabbix-image.log >&2
        docker rm -f "$name" >/dev/null 2>&1
        rm -rf "$debs"
        return 1
    fi
    rm -rf "$debs"
    docker commit --change "LABEL esus.recipe=${recipe}" --change 'CMD ["sleep", "infinity"]' \
        "$name" "$ESUS_ZABBIX_IMAGE" >/dev/null && docker rm "$name" >/dev/null
}

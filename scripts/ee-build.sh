#!/usr/bin/env bash
# Build the execution environment for real: ansible-builder build of the shipped execution-environment.yml with
# docker, on a base image made here (no registry is reachable from these machines). What it changes for the test
# is only the base image (--build-arg EE_BASE_IMAGE, and PKGMGR and PYCMD for what differs on Debian, see
# tests/ee/base/Dockerfile); the collection goes in from its own tarball, as a state team builds it (docs/awx.md).
#
#   bash scripts/ee-build.sh          builds localhost/esus-ee-base:12, then localhost/esus-pec-ee:test
# Environment: ESUS_EE_IMAGE (the tag to build), ESUS_EE_NO_CACHE=1 (build every layer again, for timings).
# Prints how long each build took and the image's size. scripts/test.sh ee runs it, then tests/ee (the image
# run by ansible-runner as AWX runs it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$ESUS_REPO/scripts/container-engine.sh"
cd "$ESUS_REPO"

ESUS_EE_IMAGE="${ESUS_EE_IMAGE:-localhost/esus-pec-ee:test}"
ESUS_EE_BASE="localhost/esus-ee-base:12"
version="$(sed -n 's/^version: *//p' galaxy.yml)"
work="$ESUS_REPO/.cache/ee"
no_cache=()
[ "${ESUS_EE_NO_CACHE:-0}" = 1 ] && no_cache=(--no-cache)

esus_venv requirements-dev.txt
esus_engine_start
trap 'esus_engine_stop' EXIT  # stops the engine only if this script started it
ESUS_DEBIAN_RELEASES=12 esus_image_build

# 1. The base: Debian 12 from debootstrap plus python3-venv/pip and the package manager front (tests/ee/base)
start="$SECONDS"
rm -rf "$work/base" && mkdir -p "$work/base/extra-ca"
cp tests/ee/base/Dockerfile tests/ee/base/esus-apt "$work/base/"
find /usr/local/share/ca-certificates -maxdepth 1 -name '*.crt' -exec cp {} "$work/base/extra-ca/" \; \
    2>/dev/null || true
esus_log "ee: building the base image ${ESUS_EE_BASE}"
docker build "${no_cache[@]}" --network host -t "$ESUS_EE_BASE" "$work/base" >"$work/base.log" 2>&1 ||
    { tail -n 40 "$work/base.log" >&2; exit 1; }
base_seconds=$((SECONDS - start))

# 2. The execution environment, as docs/awx.md says (the tarball in ee/, ansible-builder build), on that base
start="$SECONDS"
# A new tarball differs in its bytes even with the same content (MANIFEST.json's mtime); kept when the content is
# the same (MANIFEST.json lists every file's SHA-256), so docker's layer cache still holds after the collection.
rm -rf "$work/tarball" && ansible-galaxy collection build --output-path "$work/tarball" . >/dev/null
tarball="esus-pec-${version}.tar.gz"
manifest() { tar -xzOf "$1" MANIFEST.json; }
if ! [ -f "ee/$tarball" ] || ! cmp -s <(manifest "ee/$tarball") <(manifest "$work/tarball/$tarball"); then
    mkdir -p ee && mv "$work/tarball/$tarball" "ee/$tarball"
fi
esus_log "ee: ansible-builder build of execution-environment.yml (esus-pec-${version}.tar.gz) as ${ESUS_EE_IMAGE}"
if ! ansible-builder build -f execution-environment.yml -c "$work/context" -t "$ESUS_EE_IMAGE" \
    --container-runtime docker -v 3 "${no_cache[@]}" \
    --build-arg EE_BASE_IMAGE="$ESUS_EE_BASE" --build-arg PKGMGR=/usr/local/sbin/esus-apt \
    --build-arg PYCMD=/opt/ee/bin/python3.11 \
    --extra-build-cli-args "--network host" >"$work/build.log" 2>&1; then
    tail -n 60 "$work/build.log" >&2
    exit 1
fi
ee_seconds=$((SECONDS - start))
size="$(docker image inspect --format '{{ .Size }}' "$ESUS_EE_IMAGE")"
esus_log "ee: base image ${base_seconds} s, execution environment ${ee_seconds} s${no_cache:+ (no cache)}"
esus_log "ee: ${ESUS_EE_IMAGE} is $((size / 1000000)) MB (${size} bytes); build log: .cache/ee/build.log"

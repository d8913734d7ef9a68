#!/usr/bin/env bash
# Shared by scripts/demo.sh and scripts/test.sh: a project virtualenv that installs itself.
# shellcheck disable=SC2034

ESUS_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ESUS_VENV="${ESUS_VENV:-$ESUS_REPO/.venv}"

esus_log() { printf '[esus.pec] %s\n' "$*" >&2; }

# esus_collection_copy WORK PATH...: the working tree's files under PATH (tracked or new, not ignored; a file
# deleted but not yet committed is left out, as it will be) copied to WORK/ansible_collections/esus/pec, the
# layout ansible-test and antsibull-docs need. Prints that folder.
esus_collection_copy() {
    local work="$1" dest
    shift
    dest="$work/ansible_collections/esus/pec"
    mkdir -p "$dest"
    (cd "$ESUS_REPO" && git ls-files -z --cached --others --exclude-standard -- "$@" 2>/dev/null |
        while IFS= read -r -d '' file; do [ ! -e "$file" ] || cp --parents "$file" "$dest/"; done)
    printf '%s\n' "$dest"
}

# esus_venv REQUIREMENTS_FILE: create .venv if needed and install the pinned requirements once
# (a marker holds the hash of the requirement files, so a second run costs nothing).
#   ESUS_USE_ACTIVE_VENV=1: the caller made and filled the active virtualenv ($VIRTUAL_ENV) with another
#   ansible-core (the version matrix, scripts/noxfile.py): use it as it is, install nothing.
esus_venv() {
    local requirements="$1"
    local python="${ESUS_PYTHON:-python3}"
    if [ "${ESUS_USE_ACTIVE_VENV:-0}" = 1 ] && [ -n "${VIRTUAL_ENV:-}" ]; then
        export PATH="$VIRTUAL_ENV/bin:$PATH"
        return 0
    fi
    if [ ! -x "$ESUS_VENV/bin/python" ]; then
        esus_log "creating virtualenv $ESUS_VENV"
        "$python" -m venv "$ESUS_VENV"
    fi
    local stamp
    stamp="$(cat "$ESUS_REPO/requirements.txt" "$ESUS_REPO/$requirements" "$ESUS_REPO/constraints.txt" | sha256sum | cut -c1-16)"
    if [ ! -e "$ESUS_VENV/.installed-$stamp" ]; then
        esus_log "installing $requirements into $ESUS_VENV (first run only)"
        "$ESUS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
        "$ESUS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            -r "$ESUS_REPO/$requirements" -c "$ESUS_REPO/constraints.txt"
        touch "$ESUS_VENV/.installed-$stamp"
    fi
    export PATH="$ESUS_VENV/bin:$PATH"
    export VIRTUAL_ENV="$ESUS_VENV"
}

# The openssl CLI makes the legacy (RC2) test files; Chromium renders the HTML report in its test;
# keytool (Java's PKCS12 KeyStore, what PEC opens certificates with) is the reference for verdicts.
esus_need_commands() {
    local missing=()
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    command -v keytool >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
    # the SSH fleet tests: a private sshd on 127.0.0.1 and an admin who becomes root with sudo
    [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
    command -v sudo >/dev/null 2>&1 || missing+=(sudo)
    command -v git >/dev/null 2>&1 || missing+=(git)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    # the deploy's kill -9 tests: strace kills the host module on entering a chosen syscall
    command -v strace >/dev/null 2>&1 || missing+=(strace)
    if [ "${#missing[@]}" -gt 0 ]; then
        esus_log "installing ${missing[*]} from Debian"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

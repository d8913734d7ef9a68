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
        # the marker only after both installs succeeded: a failed install is tried again next time, never trusted
        if ! "$ESUS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null ||
            ! "$ESUS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
                -r "$ESUS_REPO/$requirements" -c "$ESUS_REPO/constraints.txt"; then
            esus_log "pip could not install $requirements into $ESUS_VENV (see above); nothing was marked installed"
            return 1
        fi
        touch "$ESUS_VENV/.installed-$stamp"
    fi
    export PATH="$ESUS_VENV/bin:$PATH"
    export VIRTUAL_ENV="$ESUS_VENV"
}

# The openssl CLI makes the legacy (RC2) test files; Chromium renders the HTML report in its test;
# Java judges our verdicts (tests/support/java_judge.py, built with javac: KeyStore, getKey, a signature and a
# mutual-TLS handshake, what PEC does with a certificate); the SSH
# fleet tests run a private sshd on 127.0.0.1 with an admin who becomes root with sudo; strace kills the deploy
# module at each of its steps; GnuTLS certtool makes PKCS#12 files as state teams get them. A tool that cannot be installed stops the test command here, by name: the tests
# that need it would otherwise skip (or, under CI=true, fail one by one) far from the cause.
ESUS_NEEDED_COMMANDS=(
    "openssl openssl"
    "java openjdk-17-jdk-headless"
    "javac openjdk-17-jdk-headless"
    "/usr/sbin/sshd openssh-server"
    "sudo sudo"
    "git git"
    "chromium chromium"
    "strace strace"
    "certtool gnutls-bin"
    "pk12util libnss3-tools"
    "certutil libnss3-tools"
    "node nodejs"
    "npm npm"
    "mcs mono-mcs"  # compiles the Windows modules' C# module_util (BackupFile.cs) here, issue 27
    # issue 25: the Zabbix template's items answered by a real agent; the shipped systemd units verified
    "/usr/sbin/zabbix_agent2 zabbix-agent2"
    "systemd-analyze systemd"
    "faketime faketime"
    "prometheus-node-exporter prometheus-node-exporter"
    "promtool prometheus"
)

esus_need_commands() {
    local missing=() entry
    for entry in "${ESUS_NEEDED_COMMANDS[@]}"; do
        command -v "${entry% *}" >/dev/null 2>&1 || missing+=("${entry#* }")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    esus_log "installing ${missing[*]} from Debian"
    if ! { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
        esus_log "apt-get could not install ${missing[*]}: install them (as root) and run again"
        return 1
    fi
    for entry in "${ESUS_NEEDED_COMMANDS[@]}"; do
        command -v "${entry% *}" >/dev/null 2>&1 || { esus_log "still missing after apt-get: ${entry% *}"; return 1; }
    done
}

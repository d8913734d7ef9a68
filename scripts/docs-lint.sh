#!/usr/bin/env bash
# antsibull-docs lint-collection-docs on the collection as it ships: plugin and role docs against the docsite
# schema, their markup (O(), M(), RV()...) and references, on a copy laid out under ansible_collections/esus/pec.
# Runs in the active venv (scripts/test.sh makes it from requirements-dev.txt).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/esus-pec-docs-lint.XXXXXX)"
trap 'rm -rf "$work"' EXIT
dest="$work/ansible_collections/esus/pec"
mkdir -p "$dest"
# the working tree's files (tracked or new, not ignored; a file deleted but not yet committed is left out)
(cd "$repo" && git ls-files -z --cached --others --exclude-standard -- galaxy.yml meta plugins roles playbooks \
    changelogs README.md LICENSES docs 2>/dev/null |
    while IFS= read -r -d '' file; do [ ! -e "$file" ] || cp --parents "$file" "$dest/"; done)
# only this collection and ansible.builtin (what it depends on): nothing from ~/.ansible is read
export ANSIBLE_COLLECTIONS_PATH="$work"
antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs dependent \
    --disallow-unknown-collection-refs "$@" "$dest"

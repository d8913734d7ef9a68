#!/usr/bin/env bash
# antsibull-docs lint-collection-docs on the collection as it ships: plugin and role docs against the docsite
# schema, their markup (O(), M(), RV()...) and references, on a copy laid out under ansible_collections/esus/pec.
# Runs in the active venv (scripts/test.sh makes it from requirements-dev.txt).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/esus-pec-docs-lint.XXXXXX)"
trap 'rm -rf "$work"' EXIT
dest="$(esus_collection_copy "$work" galaxy.yml meta plugins roles playbooks changelogs README.md LICENSES docs)"
# only this collection and ansible.builtin (what it depends on): nothing from ~/.ansible is read
export ANSIBLE_COLLECTIONS_PATH="$work"
antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs dependent \
    --disallow-unknown-collection-refs "$@" "$dest"

#!/usr/bin/env bash
# ansible-test sanity on the collection as it ships (plugins, meta, docs), laid out under
# ansible_collections/esus/pec in a temp dir as ansible-test requires. Runs in the active venv;
# the caller installs ansible-test's pinned linters there (scripts/test.sh makes that venv).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
repo="$ESUS_REPO"
work="$(mktemp -d /tmp/esus-pec-sanity.XXXXXX)"
trap 'rm -rf "$work"' EXIT
dest="$(esus_collection_copy "$work" galaxy.yml meta plugins roles playbooks changelogs README.md LICENSE docs)"
# ansible-test bootstraps pip in its venvs with a get-pip.py it downloads; that host is not reachable here
ansible_test_dir="$(python -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
pip_version="$(grep -oP "pip='\K[0-9.]+" "$ansible_test_dir/_internal/python_requirements.py" | head -1)"
cache="${HOME:-/root}/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ -n "$pip_version" ] && [ ! -s "$cache" ]; then
    mkdir -p "$(dirname "$cache")" && cp "$repo/scripts/ansible-test-get-pip.py" "$cache"
fi
cd "$dest"
printf "tests/output/\n" >.gitignore
git init -q && git add -A >/dev/null
python_version="$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
# validate-modules reads a PowerShell module's spec by running pwsh, which these machines do not have (apt, PyPI
# and npm checked): the two .ps1 modules are left out of sanity, and tests/unit/plugins/test_windows_path.py
# compares their specs with their documentation instead (a real PowerShell grammar, tree-sitter-powershell).
ansible-test sanity --venv --python "$python_version" --color no \
    --exclude plugins/modules/win_chaves_certificate.ps1 --exclude plugins/modules/win_pec_probe.ps1 "$@"

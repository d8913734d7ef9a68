#!/usr/bin/env bash
# The main job on a built-in local demo: no PEC, no real certificate, no root, no network.
# Four demo municipalities (valid, expiring, expired, wrong password), each a "PEC server" on the local
# connection with its own sandbox PEC folder, ansible-vault encrypted certificate and password. The role
# esus.pec.rnds_certificate validates each certificate on the controller, deploys the good ones into
# <sandbox>/webserver/chaves and refuses the others, leaving them untouched.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ESUS_REPO"
esus_venv requirements.txt

work="$ESUS_REPO/.cache/demo"
rm -rf "$work"
mkdir -p "$work/certs" "$work/host_vars" "$work/hosts"
chmod 700 "$work"
umask 077

# a random vault password for this demo run (a real team keeps one vault id per state)
python -c 'import secrets; print(secrets.token_urlsafe(24))' >"$work/vault-password"
fleet="$(python tests/support/pki.py demo "$work/certs")"

python - "$work" "$fleet" "$(id -un)" "$(id -gn)" <<'PY'
import json, sys
from pathlib import Path
work, fleet, user, group = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
lines = ["all:", "  children:", "    pec_servers:", "      hosts:"]
for host, item in fleet.items():
    root = work / "hosts" / host / "webserver"
    (root / "config").mkdir(parents=True)  # a sandbox PEC installation
    lines += ["        %s:" % host, "          ansible_connection: local",
              "          ansible_python_interpreter: %s" % sys.executable]
    (work / "host_vars" / ("%s.yml" % host)).write_text(json.dumps({
        "rnds_certificate_ibge_code": item["ibge"], "municipio_nome": item["municipality"],
        "rnds_certificate_src": item["pfx"], "rnds_certificate_password": item["password"],
        "rnds_certificate_expected_cnpj": item["cnpj"], "rnds_certificate_pec_root": str(root),
        "rnds_certificate_owner": user, "rnds_certificate_group": group}, indent=2) + "\n")
(work / "inventory.yml").write_text("\n".join(lines) + "\n")
PY

# certificates and passwords are stored vaulted, as the collection expects them in production
for file in "$work"/certs/*.pfx "$work"/host_vars/*.yml; do
    ansible-vault encrypt --vault-password-file "$work/vault-password" "$file" >/dev/null 2>&1
done

export ANSIBLE_COLLECTIONS_PATH="$(python -c 'from tests.support.collection import collections_path; print(collections_path())')"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-1}" ANSIBLE_LOCALHOST_WARNING=0
ansible-playbook -i "$work/inventory.yml" --vault-password-file "$work/vault-password" demo/deploy.yml \
    | tee "$work/output.txt"
summary="$(grep -o 'SUMMARY: [^"]*' "$work/output.txt" | head -n 1)"
echo
echo "${summary:-SUMMARY: missing (see $work/output.txt)}"
echo "chaves folders of the sandbox PEC servers:"
find "$work/hosts" -path '*/chaves*' -printf '  %M %u %p\n' | sed "s|$work/hosts/||" | sort
echo "Demo files (vaulted certificates, inventory, output): $work"

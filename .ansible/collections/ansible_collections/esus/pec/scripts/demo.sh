#!/usr/bin/env bash
# The main job on a built-in local demo: no PEC, no real certificate, no root, no network.
# Makes four demo municipalities (valid, expiring, expired, wrong password), each with its own
# ansible-vault encrypted certificate and password, and checks them all with esus.pec.pkcs12_validate.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ESUS_REPO"
esus_venv requirements.txt

work="$ESUS_REPO/.cache/demo"
rm -rf "$work"
mkdir -p "$work/certs" "$work/host_vars"
chmod 700 "$work"
umask 077

# a random vault password for this demo run (a real team keeps one vault id per state)
python -c 'import secrets; print(secrets.token_urlsafe(24))' >"$work/vault-password"
fleet="$(python tests/support/pki.py demo "$work/certs")"

python - "$work" "$fleet" <<'PY'
import json, sys
from pathlib import Path
work, fleet = Path(sys.argv[1]), json.loads(sys.argv[2])
lines = ["all:", "  children:", "    pec_servers:", "      hosts:"]
for host, item in fleet.items():
    lines += ["        %s:" % host, "          ansible_connection: local",
              "          ansible_python_interpreter: %s" % sys.executable]
    (work / "host_vars" / ("%s.yml" % host)).write_text(json.dumps({
        "municipio_ibge": item["ibge"], "municipio_nome": item["municipality"],
        "rnds_certificate_src": item["pfx"], "rnds_certificate_password": item["password"],
        "rnds_certificate_expected_cnpj": item["cnpj"]}, indent=2) + "\n")
(work / "inventory.yml").write_text("\n".join(lines) + "\n")
PY

# certificates and passwords are stored vaulted, as the collection expects them in production
for file in "$work"/certs/*.pfx "$work"/host_vars/*.yml; do
    ansible-vault encrypt --vault-password-file "$work/vault-password" "$file" >/dev/null 2>&1
done

export ANSIBLE_COLLECTIONS_PATH="$(python -c 'from tests.support.collection import collections_path; print(collections_path())')"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-1}" ANSIBLE_LOCALHOST_WARNING=0
ansible-playbook -i "$work/inventory.yml" --vault-password-file "$work/vault-password" demo/validate.yml \
    | tee "$work/output.txt"
summary="$(grep -o 'SUMMARY: [^"]*' "$work/output.txt" | head -n 1)"
echo
echo "${summary:-SUMMARY: missing (see $work/output.txt)}"
echo "Demo files (vaulted certificates, inventory, output): $work"

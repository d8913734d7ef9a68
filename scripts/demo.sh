#!/usr/bin/env bash
# The main job on a built-in local demo: no PEC, no real certificate, no root, no network.
# Seven demo municipalities, each a "PEC server" on the local connection with its own sandbox PEC folder,
# ansible-vault encrypted certificate and password, in the states a state team meets: ready, expiring,
# expired and wrong password (copied by hand earlier), chaves never made, no PEC, a .cer instead of a .pfx.
# 1. esus.pec.rnds_certificate deploys where it can, refusing (untouched) the hosts whose certificate is wrong;
# 2. esus.pec.rnds_readiness audits every host and writes the fleet report (JSON, CSV, HTML).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ESUS_REPO"
esus_venv requirements.txt

work="${ESUS_DEMO_DIR:-$ESUS_REPO/.cache/demo}"
rm -rf "$work"
# the layout docs/inventory.md recommends: the inventory folder holds only inventory (each password one
# encrypt_string value, so a value the vault cannot open fails its host only); the certificates beside it
mkdir -p "$work/certificados" "$work/inventario/host_vars" "$work/hosts"
chmod 700 "$work"
umask 077

# a random vault password for this demo run (a real team keeps one vault id per state)
python -c 'import secrets; print(secrets.token_urlsafe(24))' >"$work/vault-password"
fleet="$(python tests/support/pki.py demo "$work/certificados")"

python - "$work" "$fleet" "$(id -un)" "$(id -gn)" <<'PY'
import json, shutil, sys
from pathlib import Path
from ansible.parsing.vault import VaultLib, VaultSecret
from tests.support.pec_tree import build
work, fleet, user, group = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
# what ansible-vault encrypt_string --vault-id demo@... writes, without a process per municipality
vault = VaultLib([("demo", VaultSecret((work / "vault-password").read_text().strip().encode()))])
groups = {"pec_servers": [], "pec_pending": []}
for host, item in fleet.items():
    root = work / "hosts" / host / "webserver"
    state = item["state"]
    if state != "no_pec":  # a sandbox PEC installation as the installer leaves it, with its pec.config
        build(root, work / "hosts" / host / "pec.config")
    if state.startswith("by_hand") or state == "cer":  # an admin copied a file into chaves earlier
        (root / "chaves").mkdir(mode=0o755)
        shutil.copy(item["pfx"], root / "chaves" / Path(item["pfx"]).name)
    groups["pec_pending" if state == "pending" else "pec_servers"].append(host)
    variables = {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
        "esus_pec_become": False,  # sandbox PEC folders owned by the user running the demo: no sudo
        "rnds_certificate_ibge_code": item["ibge"], "rnds_readiness_municipality": item["municipality"],
        "rnds_readiness_uf": "SP", "rnds_certificate_src": item["pfx"], "rnds_certificate_expected_cnpj": item["cnpj"],
        "rnds_certificate_pec_root": str(root), "rnds_certificate_owner": user, "rnds_certificate_group": group,
        "rnds_readiness_fact_path": str(work / "hosts" / host / "facts.d" / "esus_pec_rnds.fact"),
        "rnds_readiness_pec_config": str(work / "hosts" / host / "pec.config"),
        "rnds_readiness_pec_service": "",  # a sandbox folder has no e-SUS-PEC service to ask systemd about
    }
    lines = ["%s: %s" % (name, json.dumps(value)) for name, value in variables.items()]
    secret = vault.encrypt(item["password"], vault_id="demo").decode()
    lines.append("rnds_certificate_password: !vault |\n" + "".join("  %s\n" % row for row in secret.splitlines()))
    (work / "inventario" / "host_vars" / ("%s.yml" % host)).write_text("---\n" + "\n".join(lines))
inventory = {"all": {"children": {name: {"hosts": dict.fromkeys(hosts)} for name, hosts in groups.items()}}}
(work / "inventario" / "hosts.yml").write_text(json.dumps(inventory, indent=2) + "\n")
PY

# the certificates are stored vaulted (binary, whole file), as the collection expects them in production
for file in "$work"/certificados/*.pfx "$work"/certificados/*.cer; do
    ansible-vault encrypt --vault-id "demo@$work/vault-password" "$file" >/dev/null 2>&1
done

ANSIBLE_COLLECTIONS_PATH="$(python -c 'from tests.support.collection import collections_path as c; print(c())')"
export ANSIBLE_COLLECTIONS_PATH ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-1}" ANSIBLE_LOCALHOST_WARNING=0
ansible-playbook -i "$work/inventario/" --vault-id "demo@$work/vault-password" demo/demo.yml \
    -e "rnds_readiness_report_dir=$work/report" | tee "$work/output.txt"
echo
grep -o 'DEPLOY: [^"]*' "$work/output.txt" | head -n 1
grep -o 'SUMMARY: [^"]*' "$work/output.txt" | head -n 1 || echo "SUMMARY: missing (see $work/output.txt)"
echo "Report: $work/report/readiness.html (also readiness.json, readiness.csv)"

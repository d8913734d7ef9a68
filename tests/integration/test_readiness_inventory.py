# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 23, items 5 and 6, in real ansible-playbook -vvvv runs of esus.pec.rnds_audit on a sandbox PEC folder:
real PKCS#12 files made now, the inventory's certificate really ansible-vault encrypted, read by the audit on the
controller and compared with the one in chaves. Every run is checked for leaked passwords, vault secret, keys
and certificate bytes (tests/support/leaks.py)."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from tests.support.audit import audit_play, sandbox_pec
from tests.support.collection import ansible_env, run_playbook, vault_encrypt
from tests.support.leaks import file_material, key_material, leaks
from tests.support.pki import cnpj

CNPJ = cnpj("717171710001")
PASSWORD = "Inventario-senha-1"
OTHER_PASSWORD = "Outra-senha-do-municipio-2"
VAULT_SECRET = "inventory-vault-secret"
PLAYBOOK = audit_play(
    CNPJ,
    'src: "{{ src | default(omit) }}"',
    then="""
    - name: Save the result for the test
      ansible.builtin.copy:
        content: "{{ audited | to_nice_json }}"
        dest: "{{ out }}"
        mode: "0600"
      delegate_to: localhost
      check_mode: false
      changed_when: false
""",
)


class Sandbox:
    def __init__(self, pki, tmp_path) -> None:
        self.pki, self.tmp = pki, tmp_path
        self.root, self.host = sandbox_pec(pki, tmp_path, CNPJ, PASSWORD, "inventory-deployed")
        self.chaves = self.root / "chaves"
        self.env = ansible_env(ANSIBLE_PIPELINING="0", ANSIBLE_LOCAL_TEMP=str(tmp_path / "local_tmp"))
        self.vault = tmp_path / "vault-pass"
        self.vault.write_text(VAULT_SECRET + "\n")
        self.playbook = tmp_path / "audit.yml"
        self.playbook.write_text(PLAYBOOK)
        self.keys = [pki.key("ec", "inventory-deployed")]
        self.plain = [shutil.copy(self.chaves / "3550308.pfx", tmp_path / "deployed-original.pfx")]
        self.host["out"] = str(tmp_path / "result.json")

    def certificate(self, name: str, password: str = PASSWORD, days_to: int = 365):
        """A real PKCS#12 of the municipality, made now: its plain file (the test's, never the audit's)."""
        key = self.pki.key("ec", name)
        self.keys.append(key)
        _key, cert = self.pki.leaf(key=key, cnpj_value=CNPJ, days_from=min(days_to, 0) - 365, days_to=days_to)
        plain = self.pki.pfx("%s.pfx" % name, key, cert, password)
        self.plain.append(plain)
        return plain

    def inventory(self, plain) -> None:
        """The host's rnds_certificate_src: ``plain`` ansible-vault encrypted."""
        vaulted = vault_encrypt(plain, self.vault, self.env, output=self.tmp / (plain.name + ".vault"))
        self.host["src"] = str(vaulted)

    def audit(self, *options: str, vault=None) -> tuple[dict, str]:
        (self.tmp / "inventory.json").write_text(json.dumps({"pec": {"hosts": {"pec-inventory": self.host}}}))
        (self.tmp / "result.json").unlink(missing_ok=True)
        vault = vault or self.vault
        result = run_playbook(
            self.playbook, self.tmp / "inventory.json", self.env, "-vvvv", "--vault-password-file", str(vault), *options
        )
        output = result.stdout + result.stderr
        secrets = [PASSWORD, OTHER_PASSWORD, VAULT_SECRET, *key_material(self.keys), *file_material(self.plain)]
        assert not leaks(output, secrets), "secret material in the -vvvv output"
        assert result.returncode == 0, output[-3000:]
        return json.loads((self.tmp / "result.json").read_text())["rnds_readiness"], output


@pytest.fixture()
def sandbox(pki, tmp_path):
    return Sandbox(pki, tmp_path)


def check(readiness: dict, name: str) -> dict:
    return next(c for c in readiness["checks"] if c["name"] == name)


def test_the_deployed_certificate_is_the_inventory_s(sandbox):
    sandbox.inventory(sandbox.chaves / "3550308.pfx")
    readiness, _output = sandbox.audit()
    assert readiness["ready"] is True and readiness["codes"] == []
    assert check(readiness, "inventory")["code"] == "inventory.same"
    assert "inventory_days_left" not in readiness  # one certificate: counted once


def test_no_inventory_certificate_audits_the_deployed_file_with_a_note(sandbox):
    readiness, _output = sandbox.audit()
    assert readiness["ready"] is True
    note = check(readiness, "inventory")
    assert (note["code"], note["status"]) == ("inventory.not_configured", "unknown")
    assert "checks the file in chaves only" in note["reason"]


@pytest.mark.parametrize("deployed", ["fine", "absent"])
def test_a_vault_certificate_expired_says_e_gestor_ab_never_run_the_deploy(sandbox, deployed):
    sandbox.inventory(sandbox.certificate("inventory-expired", days_to=-5))
    if deployed == "absent":
        shutil.rmtree(sandbox.chaves)
    readiness, _output = sandbox.audit()
    assert readiness["ready"] is False
    assert readiness["codes"][0] == "inventory.expired"
    said = readiness["reasons"][0]
    assert "request a new certificate in e-Gestor AB" in said and "deploy" not in said
    assert readiness["inventory_days_left"] < 0  # the report's expired count includes it
    if deployed == "absent":
        assert readiness["codes"] == ["inventory.expired", "chaves.missing"]
        assert readiness["pec_status"] == "Certificado não configurado"
    else:
        assert readiness["codes"] == ["inventory.expired"]
        assert readiness["pec_status"] == "Conexão bem-sucedida"  # PEC still runs on the deployed file


@pytest.mark.parametrize("deployed", ["fine", "absent"])
def test_a_wrong_password_for_the_vault_certificate_says_fix_the_password(sandbox, deployed):
    sandbox.inventory(sandbox.certificate("inventory-other-password", password=OTHER_PASSWORD))
    if deployed == "absent":
        (sandbox.chaves / "3550308.pfx").unlink()
    readiness, _output = sandbox.audit()
    assert readiness["ready"] is False and readiness["codes"][0] == "inventory.wrong_password"
    said = readiness["reasons"][0]
    assert "fix rnds_certificate_password in the vault" in said and "deploy" not in said


def test_a_vault_the_run_cannot_open_says_which_vault_id(sandbox):
    sandbox.inventory(sandbox.chaves / "3550308.pfx")
    other = sandbox.tmp / "other-vault-pass"
    other.write_text("not-this-municipality\n")
    readiness, _output = sandbox.audit(vault=other)
    assert readiness["ready"] is False and readiness["codes"] == ["inventory.vault_locked"]
    assert "--vault-id" in readiness["reasons"][0] and "deploy" not in readiness["reasons"][0]


def test_a_deployed_certificate_that_differs_says_run_the_deploy_and_what_differs(sandbox):
    sandbox.inventory(sandbox.certificate("inventory-renewed", days_to=700))
    readiness, _output = sandbox.audit()
    assert readiness["ready"] is True and readiness["codes"] == ["inventory.differs"]
    values = check(readiness, "inventory")["values"]
    assert (
        values["deployed_serial"]
        and values["inventory_serial"]
        and values["deployed_serial"] != values["inventory_serial"]
    )
    assert values["deployed_not_after"] != values["inventory_not_after"]
    said = readiness["reasons"][0]
    assert "serial %s" % values["deployed_serial"] in said and "serial %s" % values["inventory_serial"] in said
    assert said.endswith("deploy with the rnds_certificate role to install the inventory's.")
    assert 690 <= readiness["inventory_days_left"] <= 700  # a second certificate: the counts include it


def test_a_deployed_certificate_expired_with_a_good_one_in_the_inventory_says_run_the_deploy(sandbox):
    (sandbox.chaves / "3550308.pfx").write_bytes(sandbox.certificate("deployed-expired", days_to=-2).read_bytes())
    sandbox.inventory(sandbox.certificate("inventory-good"))
    readiness, _output = sandbox.audit()
    assert readiness["ready"] is False
    assert readiness["codes"] == ["inventory.deploy_needed", "certificate.expired"]
    assert readiness["pec_status"] == "Certificado expirado"
    assert "it installs the inventory's certificate" in readiness["reasons"][0]


def test_two_pfx_with_the_inventory_s_among_them_is_ready_with_a_warning_naming_the_other(sandbox):
    sandbox.inventory(sandbox.chaves / "3550308.pfx")
    shutil.copy(sandbox.certificate("older"), sandbox.chaves / "antigo.pfx")
    readiness, _output = sandbox.audit()
    assert readiness["ready"] is True
    assert readiness["codes"] == ["certificate_file.others"]
    assert check(readiness, "certificate_file")["values"] == {"name": "3550308.pfx", "others": "antigo.pfx"}
    assert readiness["verdict"] == "ok"  # the right file was judged, from the controller's bytes


def test_after_a_renewal_the_admin_is_reminded_to_select_the_new_file_in_pec(sandbox):
    sandbox.inventory(sandbox.chaves / "3550308.pfx")
    first, _output = sandbox.audit()
    assert first["codes"] == []
    renewed = sandbox.certificate("renewed", days_to=400)
    (sandbox.chaves / "3550308.pfx").write_bytes(renewed.read_bytes())
    sandbox.inventory(renewed)
    readiness, _output = sandbox.audit()
    assert readiness["ready"] is True and readiness["codes"] == ["renewal.select_in_pec"]
    assert "select 3550308.pfx and type its password in Gestão Municipal > Certificados" in readiness["reasons"][0]


def test_an_unchanged_host_with_an_inventory_certificate_costs_one_remote_command(sandbox):
    sandbox.inventory(sandbox.chaves / "3550308.pfx")
    sandbox.audit()
    _readiness, output = sandbox.audit()
    probes = re.findall(r"^<[^>]+> (EXEC .*esus\.pec host_probe|PUT \S+ TO \S+/AnsiballZ_pec_probe\.py)", output, re.M)
    assert len(probes) == 1 and probes[0].startswith("EXEC")

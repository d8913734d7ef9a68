# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A sandbox PEC folder deployed to by esus.pec.certificate_deploy through real ansible-playbook runs (local
connection): the vaulted certificates, the host's variables, the deploy play and what a run left."""

from __future__ import annotations

import getpass
import grp
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from tests.support.collection import ansible_env, run_playbook, vault_encrypt
from tests.support.leaks import file_material, key_material, leaks
from tests.support.pki import cnpj

CNPJ = cnpj("303030300001")
PASSWORD = "Deploy-{{ not_a_variable }}{% raw %}$(id)'\""  # Jinja syntax: kept literal by !unsafe
DEST_NAME = "3550308.pfx"
PLAYBOOK = """
- name: Deploy a certificate into the sandbox PEC
  hosts: pec
  gather_facts: false
  tasks:
    - name: Deploy
      esus.pec.certificate_deploy:
        src: "{{ src }}"
        password: "{{ certificate_password }}"
        expected_cnpj: "%s"
        pec_root: "{{ pec_root }}"
        dest_name: %s
        owner: "{{ owner }}"
        group: "{{ group }}"
        backups: %d
        pec_config: "{{ pec_config | default(omit) }}"
        java: "{{ java | default(omit) }}"
      register: deployed

    - name: Save the result for the test
      ansible.builtin.copy:
        content: "{{ deployed | to_nice_json }}"
        dest: "{{ out }}"
        mode: "0600"
      delegate_to: localhost
      check_mode: false
      changed_when: false
"""


class Sandbox:
    def __init__(self, pki, work: Path, backups: int = 2) -> None:
        self.pki, self.work = pki, work
        self.env = ansible_env(ANSIBLE_LOCAL_TEMP=str(work / "local_tmp"), ANSIBLE_REMOTE_TMP=str(work / "remote_tmp"))
        self.vault = work / "vault-pass"
        self.vault.write_text("deploy-vault-secret\n")
        self.root = work / "pec" / "webserver"
        (self.root / "config").mkdir(parents=True)
        self.chaves = self.root / "chaves"
        self.dest = self.chaves / DEST_NAME
        self.backups = self.root / "esus-pec-backups"
        self.src = work / "certificado.pfx"
        self.keys, self.plain = [], {}
        (work / "deploy.yml").write_text(PLAYBOOK % (CNPJ, DEST_NAME, backups))
        (work / "host_vars").mkdir()
        self.use_python(sys.executable)
        (work / "hosts.ini").write_text("[pec]\npec-sandbox\n")

    def use_python(self, interpreter: str) -> None:
        """The host's Python (ansible_python_interpreter) for the next runs."""
        # YAML with !unsafe, as docs/inventory.md tells users to write a password holding "{{" or "{%"
        (self.work / "host_vars" / "pec-sandbox.yml").write_text(
            "certificate_password: !unsafe %s\n" % json.dumps(PASSWORD)
            + "".join(
                "%s: %s\n" % (k, json.dumps(v))
                for k, v in {
                    "src": str(self.src),
                    "pec_root": str(self.root),
                    "owner": getpass.getuser(),
                    "group": grp.getgrgid(os.getgid()).gr_name,
                    "out": str(self.work / "result.json"),
                    "ansible_connection": "local",
                    "ansible_python_interpreter": interpreter,
                }.items()
            )
        )

    def certificate(self, name: str) -> Path:
        """A new certificate for the municipality, vaulted into ``name``; returns the vaulted file."""
        key, cert = self.pki.leaf(key=self.pki.key("ec", name), cnpj_value=CNPJ)
        self.keys.append(key)
        plain = self.pki.pfx("deploy-%s.pfx" % name, key, cert, PASSWORD)
        self.plain[name] = plain.read_bytes()
        return vault_encrypt(plain, self.vault, self.env, output=self.work / ("%s.vault" % name))

    def use(self, name: str) -> None:
        """Make the vaulted ``name`` the deploy's source (an atomic rename, as an editor or cp would leave it)."""
        vaulted = self.work / ("%s.vault" % name)
        if not vaulted.exists():
            self.certificate(name)
        temp = self.work / ".src.tmp"
        temp.write_bytes(vaulted.read_bytes())
        os.replace(temp, self.src)

    def deploy(self, *options: str) -> tuple[subprocess.CompletedProcess, dict]:
        """One ansible-playbook -vvvv run, checked for leaked secrets; its output and the registered result
        ({} when the deploy task failed)."""
        saved = self.work / "result.json"
        saved.unlink(missing_ok=True)  # a failed run saves nothing: never the previous run's result
        result = run_playbook(
            self.work / "deploy.yml",
            self.work / "hosts.ini",
            self.env,
            "-vvvv",
            "--vault-password-file",
            str(self.vault),
            *options,
        )
        secrets = [PASSWORD, "deploy-vault-secret", *key_material(self.keys)]
        secrets += file_material(self.pki.dir / ("deploy-%s.pfx" % n) for n in self.plain)
        found = leaks(result.stdout + result.stderr, secrets)
        assert not found, "secret material in the -vvvv output of %s" % (options,)
        return result, json.loads(saved.read_text()) if saved.exists() else {}

    def snapshot(self) -> dict:
        """Every path under the PEC root with its mode and bytes: what --check must leave as it was."""
        return snapshot(self.root)


def snapshot(root: Path) -> dict:
    """Every path under ``root`` (folders too) with its mode and bytes: what a refused or --check run must leave as
    it was ({} when ``root`` does not exist)."""
    found = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        found[str(path)] = (stat.S_IMODE(info.st_mode), path.read_bytes() if path.is_file() else None)
    return found


def changed(result: subprocess.CompletedProcess) -> int:
    return int(re.search(r"pec-sandbox\s+:.*changed=(\d+)", result.stdout).group(1))


def module_runs(result: subprocess.CompletedProcess) -> int:
    """Executions of the host module in a -vvvv run without pipelining (each ships its AnsiballZ file)."""
    return len(re.findall(r"PUT \S+ TO \S+/AnsiballZ_chaves_certificate\.py", result.stdout))


def direct_runs(result: subprocess.CompletedProcess) -> int:
    """Direct runs of module_utils/host_probe.py (one remote command each, no AnsiballZ file)."""
    return len(re.findall(r"^<[^>]+> EXEC .*esus\.pec host_probe", result.stdout, re.M))
